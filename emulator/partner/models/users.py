"""A customer's user accounts: list (active or deleted), lookup, creation, update (password reset, restore) and
deletion.

Deleting a user is a soft delete (delete-user-accounts-for-a-customer.md, view-a-deleted-user.md): the user becomes
"inactive" with a softDeletionTime, leaves the list of users and can be restored (restore-a-user-for-a-customer.md)
for thirty days; after that it is purged, gone for every call. Deleting frees the user's licenses and ends its
directory role memberships (a restored user comes back without either) [I].
"""

from __future__ import annotations

from dataclasses import dataclass

from emulator import formats
from emulator.partner.models.base import Doc, Model, guid
from emulator.partner.models.errors import InvalidProperty, UnparsableEnum, UserNotFound
from emulator.partner.schemas.requests import CustomerUserCreate, PasswordProfileIn
from emulator.partner.schemas.users import CustomerUserUpdate
from emulator.store import Transaction

# A deleted user can be restored for thirty days, then it is purged (view-a-deleted-user.md).
RETENTION = 30 * 86400.0
STATES = ("active", "inactive")


@dataclass(frozen=True)
class CreatedUser:
    """A new user and its password profile, which only the answer to its creation shows (never stored)."""

    user: Doc
    password: str
    force_change_password: bool


@dataclass(frozen=True)
class UpdatedUser:
    """A changed user; the password profile when the change set one (the answer shows it; it is never stored)."""

    user: Doc
    password_profile: PasswordProfileIn | None


class CustomerUsers(Model):
    def _kept(self, user: Doc, now: float) -> bool:
        """Active, or deleted less than thirty days ago (a fixture's deleted user without a time is kept)."""
        deleted_at: float = user.get("_deletedAt", now)
        return user["state"] == "active" or now - deleted_at < RETENTION

    def of(self, customer: Doc, state: str = "active") -> list[Doc]:
        """The customer's users in `state`: active ones, or the deleted ones not yet purged."""
        now = self.clock.now()
        return [
            u for u in self.world.customer_users.group(customer["id"]) if u["state"] == state and self._kept(u, now)
        ]

    def get(self, customer: Doc, user_id: str) -> Doc:
        """An active user of the customer; a deleted one is not found until it is restored [I]."""
        user = self.world.customer_users.get(guid(user_id, "user id"))
        if user is None or user["_customerId"] != customer["id"] or user["state"] != "active":
            raise UserNotFound(user_id)
        return user

    def _check_upn(self, customer: Doc, upn: str) -> None:
        alias, at, domain = upn.rpartition("@")
        domains = {d.lower() for d in customer.get("customDomains", [])}
        domains.add(customer["companyProfile"]["domain"].lower())
        if not at or not alias or domain.lower() not in domains:
            raise InvalidProperty(
                f"'userPrincipalName' must be in one of the customer's domains: {', '.join(sorted(domains))}."
            )

    def _check_unique(self, tx: Transaction, customer: Doc, upn: str, user_id: str | None = None) -> None:
        """No other user of the customer, active or deleted but not purged, has this name [I]."""
        now = self.clock.now()
        for other in tx.group("customerUsers", customer["id"]):
            same = other["userPrincipalName"].lower() == upn.lower()
            if same and other["id"] != user_id and self._kept(other, now):
                raise InvalidProperty(f"a user with userPrincipalName '{upn}' already exists.")

    @staticmethod
    def _check_password(password: str) -> None:
        if len(password) < 8:
            raise InvalidProperty("'passwordProfile.password' must have at least 8 characters.")

    def create(self, customer: Doc, spec: CustomerUserCreate, *, request_key: str | None = None) -> CreatedUser:
        upn = spec.user_principal_name
        self._check_upn(customer, upn)
        password = spec.password_profile.password
        self._check_password(password)

        def make(tx: Transaction) -> CreatedUser:
            self._check_unique(tx, customer, upn)
            user: Doc = {}
            if spec.usage_location:
                user["usageLocation"] = spec.usage_location.upper()
            user |= {"id": self.ids.guid(), "userPrincipalName": upn}
            if spec.first_name:
                user["firstName"] = spec.first_name
            if spec.last_name:
                user["lastName"] = spec.last_name
            user["displayName"] = spec.display_name
            if spec.immutable_id:
                user["immutableId"] = spec.immutable_id
            user |= {"userDomainType": "none", "state": "active", "_customerId": customer["id"]}
            tx.put("customerUsers", user)
            created = CreatedUser(user, password, bool(spec.password_profile.force_change_password))
            return created

        return self.once(request_key, make)

    def update(self, customer: Doc, user_id: str, spec: CustomerUserUpdate) -> UpdatedUser:
        """Change the fields given; `state: "active"` restores a deleted user (its other fields as they were,
        unless given too). Everything is checked before anything changes."""
        uid = guid(user_id, "user id")
        if spec.id is not None and spec.id.lower() != uid:
            raise InvalidProperty(f"'id' {spec.id} is not the id of the user in the path ({uid}).")
        state = None if spec.state is None else spec.state.lower()
        if state is not None and state not in STATES:
            raise UnparsableEnum(f"'{spec.state}' is not a user state; expected active or inactive.")
        if state == "inactive":
            raise InvalidProperty("'state' cannot be set to inactive: delete the user to make it inactive.")  # [I]
        usage = spec.usage_location
        if usage is not None and (len(usage) != 2 or not usage.isascii() or not usage.isalpha()):
            raise InvalidProperty(f"'usageLocation' must be a two-letter country code, got '{usage}'.")
        if spec.user_principal_name is not None:
            self._check_upn(customer, spec.user_principal_name)
        if spec.password_profile is not None:
            self._check_password(spec.password_profile.password)
        with self.store.transaction() as tx:
            user = tx.get("customerUsers", uid)
            if user is None or user["_customerId"] != customer["id"] or not self._kept(user, self.clock.now()):
                raise UserNotFound(user_id)
            if user["state"] == "inactive" and state != "active":
                raise UserNotFound(user_id)  # a deleted user only takes a restore [I]
            if spec.user_principal_name is not None:
                self._check_unique(tx, customer, spec.user_principal_name, uid)
            changed = {k: v for k, v in user.items() if k not in ("softDeletionTime", "_deletedAt")}
            changed["state"] = "active"
            given = {
                "usageLocation": None if usage is None else usage.upper(),
                "userPrincipalName": spec.user_principal_name,
                "firstName": spec.first_name,
                "lastName": spec.last_name,
                "displayName": spec.display_name,
                "immutableId": spec.immutable_id,
                "phoneNumber": spec.phone_number,
            }
            changed |= {name: value for name, value in given.items() if value is not None}
            tx.put("customerUsers", changed)
        return UpdatedUser(changed, spec.password_profile)

    def delete(self, customer: Doc, user_id: str) -> None:
        """Soft delete: inactive from now, for thirty days; its licenses and role memberships end with it."""
        now = self.clock.now()
        with self.store.transaction() as tx:
            user = self.get(customer, user_id)
            deleted = {k: v for k, v in user.items() if k != "_licenses"}
            deleted |= {"state": "inactive", "softDeletionTime": formats.seconds(now), "_deletedAt": now}
            tx.put("customerUsers", deleted)
            for membership in tx.group("roleMembers", customer["id"]):
                if membership["memberId"] == user["id"]:
                    tx.delete("roleMembers", membership["id"])
