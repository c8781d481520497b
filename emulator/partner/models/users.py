"""A customer's user accounts: list, lookup, creation and deletion."""

from __future__ import annotations

from dataclasses import dataclass

from emulator.partner.models.base import Doc, Model, guid
from emulator.partner.models.errors import InvalidProperty, UserNotFound
from emulator.partner.schemas.requests import CustomerUserCreate
from emulator.store import Transaction


@dataclass(frozen=True)
class CreatedUser:
    """A new user and its password profile, which only the answer to its creation shows (never stored)."""

    user: Doc
    password: str
    force_change_password: bool


class CustomerUsers(Model):
    def of(self, customer: Doc) -> list[Doc]:
        return self.world.customer_users.group(customer["id"])

    def get(self, customer: Doc, user_id: str) -> Doc:
        user = self.world.customer_users.get(guid(user_id, "user id"))
        if user is None or user["_customerId"] != customer["id"]:
            raise UserNotFound(user_id)
        return user

    def create(self, customer: Doc, spec: CustomerUserCreate, *, request_key: str | None = None) -> CreatedUser:
        upn = spec.user_principal_name
        alias, at, domain = upn.rpartition("@")
        domains = {d.lower() for d in customer.get("customDomains", [])}
        domains.add(customer["companyProfile"]["domain"].lower())
        if not at or not alias or domain.lower() not in domains:
            raise InvalidProperty(
                f"'userPrincipalName' must be in one of the customer's domains: {', '.join(sorted(domains))}."
            )
        password = spec.password_profile.password
        if len(password) < 8:
            raise InvalidProperty("'passwordProfile.password' must have at least 8 characters.")

        def make(tx: Transaction) -> CreatedUser:
            if any(u["userPrincipalName"].lower() == upn.lower() for u in tx.group("customerUsers", customer["id"])):
                raise InvalidProperty(f"a user with userPrincipalName '{upn}' already exists.")
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

    def delete(self, customer: Doc, user_id: str) -> None:
        with self.store.transaction() as tx:
            tx.delete("customerUsers", self.get(customer, user_id)["id"])
