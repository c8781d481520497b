"""The partner's insider programs (flights) and its users' notification preferences.

Partner Center documents neither (no page under partner-center/developer or rest/api/partner-center); the shapes
and enumerations are the partnercenterservices SDK's: FlightInsiderProgram {id, name, enrollmentStatus}, "gets the
list of insider programs available for a user" answering one FlightInsiderProgram; NotificationPreference
{notificationArea: none|rated_usage|service_health, locale, communicationPreferences: [{channel: none|email|web,
endpoint, status: not_supported|on|off, featurePreferences}]}, the path naming the area none|ratedUsage|serviceHealth.
Everything else is inferred [I]: which flight exists, the defaults (not enrolled; every channel off, the e-mail
channel's endpoint the user's sign-in name, the locale the partner organization's culture), and that an update
answers all of the user's areas.
"""

from __future__ import annotations

from emulator.partner.models.base import Doc, Model
from emulator.partner.models.errors import FlightNotFound, InvalidInput, InvalidProperty, UserNotFound
from emulator.partner.schemas.devices import CommunicationPreferenceIn, InsiderProgramIn
from emulator.world import User, is_guid

# The flights a partner can join [I: the emulator's own; Partner Center publishes no list].
FLIGHTS = {"partnercenterpreview": ("PartnerCenterPreview", "Partner Center preview features")}
# The path's spelling (the SDK's operation) and the body's (its model's enumeration), by the lower-cased path value.
AREAS = {"none": "none", "ratedusage": "rated_usage", "rated_usage": "rated_usage",
         "servicehealth": "service_health", "service_health": "service_health"}  # fmt: skip
CHANNELS = ("none", "email", "web")
STATUSES = ("on", "off")  # not_supported is the service's to say [I]


def area_of(value: str) -> str:
    area = AREAS.get(value.strip().lower())
    if area is None:
        raise InvalidInput(f"the notification area '{value[:32]}' is not one of none, ratedUsage, serviceHealth.")
    return area


def channel_of(value: str) -> str:
    channel = value.strip().lower()
    if channel not in CHANNELS:
        raise InvalidInput(f"the channel type '{value[:32]}' is not one of none, email, web.")
    return channel


class Preferences(Model):
    # --- insider programs ---------------------------------------------------------------------------------------

    def flight(self) -> Doc:
        """The partner's flight and whether it is enrolled (the SDK answers one program)."""
        key, (flight_id, name) = next(iter(FLIGHTS.items()))
        stored = self.world.insider_programs.get(key)
        return {"id": flight_id, "name": name, "enrollmentStatus": bool(stored and stored["enrollmentStatus"])}

    def enroll(self, spec: InsiderProgramIn) -> Doc:
        key = spec.id.strip().lower()
        if key not in FLIGHTS:
            raise FlightNotFound(spec.id)
        flight_id, name = FLIGHTS[key]
        with self.store.transaction() as tx:
            tx.put("insiderPrograms", {"id": key, "enrollmentStatus": spec.enrollment_status})
        return {"id": flight_id, "name": name, "enrollmentStatus": spec.enrollment_status}

    # --- notification preferences ---------------------------------------------------------------------------------

    def user(self, user_id: str) -> User:
        if not is_guid(user_id.strip()):
            raise InvalidInput(f"the user id '{user_id[:64]}' is not a GUID.")
        user = self.world.user_by_oid(user_id.strip().lower())
        if user is None:
            raise UserNotFound(user_id)
        return user

    def _locale(self) -> str:
        culture = str(self.world.organization.get("culture") or "en-US")
        language, _, region = culture.partition("-")
        return f"{language.lower()}-{region.upper()}" if region else language.lower()

    def _default(self, user: User, area: str) -> Doc:
        channels: list[Doc] = []
        for channel in CHANNELS[1:]:
            preference: Doc = {"channel": channel}
            if channel == "email":
                preference["endpoint"] = user.upn
            preference["status"] = "off"
            channels.append(preference)
        return {"notificationArea": area, "locale": self._locale(), "communicationPreferences": channels}

    def area(self, user: User, area: str) -> Doc:
        stored = self.world.notification_preferences.get(f"{user.object_id}:{area}")
        if stored is None:
            return self._default(user, area)
        return {k: v for k, v in stored.items() if k != "id" and not k.startswith("_")}

    def of_channel(self, user: User, area: str, channel: str) -> Doc:
        """One area's preferences, only the channel asked for (every channel for none)."""
        found = self.area(user, area)
        if channel != "none":
            found = {**found, "communicationPreferences": [
                p for p in found["communicationPreferences"] if p["channel"] == channel]}  # fmt: skip
        return found

    def set(self, user: User, area: str, channel: str, spec: CommunicationPreferenceIn) -> list[Doc]:
        if channel == "none":
            raise InvalidInput("a preference is set for the email or the web channel, not for none.")
        if spec.channel is not None and spec.channel.strip().lower() != channel:
            raise InvalidProperty(f"'channel' {spec.channel[:16]} is not the path's channel type, {channel}.")
        status = spec.status.strip().lower()
        if status not in STATUSES:
            raise InvalidProperty(f"'status' must be on or off, not '{spec.status[:16]}'.")
        endpoint = spec.endpoint
        if channel == "email" and endpoint is not None and ("@" not in endpoint or endpoint.startswith("@")):
            raise InvalidProperty(f"'endpoint' '{endpoint[:64]}' is not an e-mail address.")
        with self.store.transaction() as tx:
            current = self.area(user, area)
            preferences = []
            for preference in current["communicationPreferences"]:
                if preference["channel"] == channel:
                    preference = {"channel": channel}
                    if endpoint is not None or channel == "email":
                        preference["endpoint"] = endpoint or user.upn
                    preference["status"] = status
                    if spec.feature_preferences is not None:
                        preference["featurePreferences"] = spec.feature_preferences
                preferences.append(preference)
            stored = {
                "id": f"{user.object_id}:{area}",
                **current,
                "communicationPreferences": preferences,
                "_userId": user.object_id,
            }
            tx.put("notificationPreferences", stored)
        return [self.area(user, a) if a != area else self._shown(stored) for a in ("rated_usage", "service_health")]

    @staticmethod
    def _shown(stored: Doc) -> Doc:
        return {k: v for k, v in stored.items() if k != "id" and not k.startswith("_")}
