"""Service requests (create, update, lists), their support topics, and the Office service incidents.

Service requests: the partner's own (filed with POST /servicerequests/{locale}) and those of its customers (from
the fixtures: Partner Center files them through its portal). A new request is "none" in the answer to its
creation, as create-a-service-request.md's sample shows, and "open" once an agent has it: after the emulator's
provisioning delay [I]. An update changes the status (open, closed, attention_needed), the severity, the title
or the description, and appends a new note; "none" and "unknown", which the .NET SDK sends for the fields it
leaves alone, change nothing. Sources: docs/sources/support.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from emulator import formats
from emulator.partner.models.base import Doc, Model
from emulator.partner.models.errors import InvalidInput, ServiceRequestNotFound, UnparsableEnum
from emulator.partner.schemas.support import NoteIn, ServiceRequestCreate, ServiceRequestUpdate
from emulator.store import Transaction

# get-service-request-support-topics's sample (its two listed topics; the sample's totalCount says 14, the other
# twelve are not shown). A request's SupportTopicId must be one of these.
SUPPORT_TOPICS: tuple[dict[str, Any], ...] = (
    {
        "name": "Partner Center Issues",
        "description": "Office 365 questions from the CSP (Cloud Solution Provider) partners using Partner Center",
        "id": 32444667,
    },
    {
        "name": "Cannot manage my profile",
        "description": "Issues that are related to errors or problems with managing a profile",
        "id": 32444671,
    },
)
SEVERITIES = ("unknown", "critical", "moderate", "minimal")
STATUSES = ("none", "open", "closed", "attention_needed")
NEVER = "0001-01-01T00:00:00"  # a date not yet reached (lastClosedDate of an open request), as the samples write it


def enum_value(value: str, allowed: tuple[str, ...], what: str) -> str:
    """A documented enum value, in any case, with or without its underscore (AttentionNeeded, attention_needed)."""
    wanted = value.strip().lower().replace("_", "")
    for name in allowed:
        if name.replace("_", "") == wanted:
            return name
    raise UnparsableEnum(f"'{value[:32]}' is not a {what} ({', '.join(allowed)}).")


@dataclass(frozen=True)
class Contact:
    """The signed-in partner user who files or updates a request."""

    object_id: str
    first_name: str
    last_name: str
    email: str
    display_name: str


class ServiceRequests(Model):
    def topic(self, topic_id: str) -> dict[str, Any]:
        for topic in SUPPORT_TOPICS:
            if str(topic["id"]) == topic_id.strip():
                return topic
        raise InvalidInput(
            f"'SupportTopicId' {topic_id[:32]} is not a support topic (GET /servicerequests/supporttopics)."
        )

    def current(self, stored: Doc) -> Doc:
        """The request as it is now: a new one is taken ("open") once the provisioning delay has passed [I]."""
        if stored["status"] == "none" and self.clock.now() >= stored.get("_created", 0.0) + self.provisioning_delay:
            return {**stored, "status": "open"}
        return stored

    def of(self, customer: Doc | None, status: str | None = None) -> list[Doc]:
        """The partner's own requests (customer None) or a customer's, oldest first; only `status` if given."""
        found = [self.current(d) for d in self.world.service_requests.group(customer["id"] if customer else "")]
        return [d for d in found if status is None or d["status"] == status]

    def get(self, customer: Doc | None, request_id: str) -> Doc:
        stored = self.world.service_requests.get(request_id.strip())
        if stored is None or stored.get("_customerId", "") != (customer["id"] if customer else ""):
            raise ServiceRequestNotFound(request_id)
        return self.current(stored)

    def _organization(self) -> Doc:
        organization = self.world.organization
        found: Doc = {"id": self.world.partner.id, "name": organization["companyName"]}
        phone = organization.get("defaultAddress", {}).get("phoneNumber")
        if phone:
            found["phoneNumber"] = phone
        return found

    def _contact(self, contact: Contact) -> Doc:
        return {
            "organization": self._organization(),
            "contactId": contact.object_id,
            "lastName": contact.last_name,
            "firstName": contact.first_name,
            "email": contact.email,
        }

    def _note(self, note: NoteIn, contact: Contact, now: float) -> Doc:
        return {"createdByName": contact.display_name, "createdDate": formats.request_date_time(now), "text": note.text}

    def create(self, spec: ServiceRequestCreate, contact: Contact, *, request_key: str | None = None) -> Doc:
        """A new request of the partner's; the answer to its creation, as the documented sample shows it."""
        severity = enum_value(spec.severity, SEVERITIES, "severity")
        topic = self.topic(spec.support_topic_id)
        country = spec.country_code.upper() if spec.country_code else None

        def make(tx: Transaction) -> Doc:
            now = self.clock.now()
            request_id = self._new_id(tx)
            moment = formats.creation_date(datetime.fromtimestamp(now, UTC))
            notes = [
                self._note(n, contact, now) for n in (*(spec.notes or ()), *([spec.new_note] if spec.new_note else ()))
            ]
            stored: Doc = {
                "title": spec.title,
                "description": spec.description,
                "severity": severity,
                "supportTopicId": str(topic["id"]),
                "supportTopicName": topic["name"],
                "id": request_id,
                "status": "none",
                "organization": self._organization(),
                "primaryContact": self._contact(contact),
                **({"productName": spec.product_name} if spec.product_name else {}),
                **({"productId": spec.product_id} if spec.product_id else {}),
                "createdDate": moment,
                "lastModifiedDate": moment,
                "lastClosedDate": NEVER,
                "notes": notes,
                "countryCode": country or self.world.organization.get("defaultAddress", {}).get("country", "US"),
                "_created": now,
            }
            tx.put("serviceRequests", stored)
            # create-a-service-request.md's 201: the dates not yet set, no topic name, no notes.
            answer = {k: v for k, v in stored.items() if k not in ("supportTopicName", "notes", "_created")}
            return answer | {"createdDate": NEVER, "lastModifiedDate": NEVER}

        return self.once(request_key, make)

    def _new_id(self, tx: Transaction) -> str:
        # The documented ids are 15 digits (616122292874576, 615112491169010) [I] their making.
        while True:
            candidate = str(600_000_000_000_000 + self.ids.rng.randrange(100_000_000_000_000))
            if tx.get("serviceRequests", candidate) is None:
                return candidate

    def update(self, customer: Doc | None, request_id: str, change: ServiceRequestUpdate, contact: Contact) -> Doc:
        severity = enum_value(change.severity, SEVERITIES, "severity") if change.severity else None
        status = enum_value(change.status, STATUSES, "service request status") if change.status else None
        with self.store.transaction() as tx:
            current = self.get(customer, request_id)
            updated = dict(current)
            now = self.clock.now()
            if severity not in (None, "unknown"):
                updated["severity"] = severity
            if status not in (None, "none"):
                updated["status"] = status
                if status == "closed" and current["status"] != "closed":
                    updated["lastClosedDate"] = formats.creation_date(datetime.fromtimestamp(now, UTC))
            if change.title is not None:
                updated["title"] = change.title
            if change.description is not None:
                updated["description"] = change.description
            if change.new_note is not None:
                updated["notes"] = [*current.get("notes", ()), self._note(change.new_note, contact, now)]
            if updated != current:
                updated["lastModifiedDate"] = formats.creation_date(datetime.fromtimestamp(now, UTC))
                updated["lastUpdatedBy"] = self._contact(contact)
                tx.put("serviceRequests", updated)
            return updated


class ServiceIncidents(Model):
    """Office service health from the world's fixtures: the partner's view, or what affects one customer."""

    def of(self, customer: Doc | None, resolved: bool | None, message_type: str | None, start: float | None,
           end: float | None) -> list[Doc]:  # fmt: skip
        found = []
        for incident in self.world.service_incidents:
            if customer is not None and customer["id"] not in incident.get("_customerIds", ()):
                continue
            if resolved is not None and incident["resolved"] != resolved:
                continue
            if message_type not in (None, "all") and incident["messageType"] != message_type:
                continue
            began = datetime.fromisoformat(incident["startTime"].replace("Z", "+00:00")).timestamp()
            if (start is not None and began < start) or (end is not None and began > end):
                continue
            found.append(incident)
        return found
