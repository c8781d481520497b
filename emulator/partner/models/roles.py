"""Who holds which role: a customer's users in the customer directory roles, the partner's users in the partner's
roles (emulator.roles has both catalogues). Memberships live in the roleMembers table, grouped by tenant.

A member must be an active user of the role's tenant: a customer's user for a directory role (else 60002, "User
object Id is not found"), a user of the partner tenant for a partner role.
"""

from __future__ import annotations

from dataclasses import dataclass

from emulator.partner.models.base import Doc, Model, guid
from emulator.partner.models.errors import InvalidProperty, NotRoleMember, RoleMemberExists, RoleNotFound, UserNotFound
from emulator.partner.models.users import CustomerUsers
from emulator.partner.schemas.users import UserMemberIn
from emulator.roles import (
    DIRECTORY_ROLE_BY_ID,
    DIRECTORY_ROLES,
    PARTNER_ROLE_BY_ID,
    PARTNER_ROLES,
    DirectoryRole,
    PartnerRole,
    member_key,
)
from emulator.store import Transaction
from emulator.world import User

TABLE = "roleMembers"


@dataclass(frozen=True)
class Member:
    """A role's member as the wire shows it (UserMember)."""

    role_id: str
    id: str
    display_name: str
    user_principal_name: str


def _check_body(spec: UserMemberIn, role_id: str, tenant_id: str) -> None:
    if spec.role_id is not None and spec.role_id.lower() != role_id:
        raise InvalidProperty(f"'roleId' {spec.role_id} is not the role of the path ({role_id}).")  # [I]
    if spec.account_id is not None and spec.account_id.lower() != tenant_id:
        raise InvalidProperty(f"'accountId' {spec.account_id} is not the tenant of the role ({tenant_id}).")  # [I]


def _member(role_id: str, user: Doc) -> Member:
    return Member(role_id, user["id"], user["displayName"], user["userPrincipalName"])


def _partner_member(role_id: str, user: User) -> Member:
    return Member(role_id, user.object_id, user.display_name, user.upn)


class DirectoryRoleMembers(Model):
    """The customer directory roles and their members."""

    users: CustomerUsers

    def bind(self, users: CustomerUsers) -> DirectoryRoleMembers:
        self.users = users
        return self

    def role(self, role_id: str) -> DirectoryRole:
        found = DIRECTORY_ROLE_BY_ID.get(guid(role_id, "role id"))
        if found is None:
            raise RoleNotFound(role_id)
        return found

    def roles(self, role_id: str | None = None) -> list[DirectoryRole]:
        """Every directory role, or only `role_id` (the SDK's ?role_id= form) [I]."""
        return list(DIRECTORY_ROLES) if role_id is None else [self.role(role_id)]

    def _user(self, customer: Doc, user_id: str, tx: Transaction | None = None) -> Doc:
        uid = guid(user_id, "user id")
        user = tx.get("customerUsers", uid) if tx is not None else self.world.customer_users.get(uid)
        if user is None or user["_customerId"] != customer["id"] or user["state"] != "active":
            raise UserNotFound(user_id)
        return user

    def members(self, customer: Doc, role_id: str) -> list[Member]:
        role = self.role(role_id)
        found = []
        for membership in self.world.role_members.group(customer["id"]):
            user = self.world.customer_users.get(membership["memberId"])
            if membership["roleId"] == role.id and user is not None and user["state"] == "active":
                found.append(_member(role.id, user))
        return found

    def of_user(self, customer: Doc, user_id: str) -> list[DirectoryRole]:
        """The user's roles, in the catalogue's order."""
        user = self.users.get(customer, user_id)
        held = {m["roleId"] for m in self.world.role_members.group(customer["id"]) if m["memberId"] == user["id"]}
        return [r for r in DIRECTORY_ROLES if r.id in held]

    def add(self, customer: Doc, role_id: str, spec: UserMemberIn, *, request_key: str | None = None) -> Member:
        role = self.role(role_id)
        _check_body(spec, role.id, customer["id"])

        def make(tx: Transaction) -> Member:
            user = self._user(customer, spec.id, tx)
            key = member_key(customer["id"], role.id, user["id"])
            if tx.get(TABLE, key) is not None:
                raise RoleMemberExists(user["id"], role.name)
            tx.put(TABLE, {"id": key, "roleId": role.id, "memberId": user["id"], "_tenantId": customer["id"]})
            return _member(role.id, user)

        return self.once(request_key, make)

    def remove(self, customer: Doc, role_id: str, member_id: str) -> None:
        role = self.role(role_id)
        with self.store.transaction() as tx:
            user = self._user(customer, member_id, tx)
            if not tx.delete(TABLE, member_key(customer["id"], role.id, user["id"])):
                raise NotRoleMember(user["id"], role.name)


class PartnerRoleMembers(Model):
    """The partner's own roles (GET /v1/roles) and the partner tenant's users who hold them."""

    @property
    def tenant_id(self) -> str:
        return self.world.partner.id

    def role(self, role_id: str) -> PartnerRole:
        found = PARTNER_ROLE_BY_ID.get(guid(role_id, "role id"))
        if found is None:
            raise RoleNotFound(role_id, "partner role")
        return found

    def roles(self, role_id: str | None = None) -> list[PartnerRole]:
        return list(PARTNER_ROLES) if role_id is None else [self.role(role_id)]

    def _user(self, user_id: str) -> User:
        user = self.world.user_by_oid(guid(user_id, "user id"))
        if user is None:
            raise UserNotFound(user_id)
        return user

    def members(self, role_id: str) -> list[Member]:
        role = self.role(role_id)
        found = []
        for membership in self.world.role_members.group(self.tenant_id):
            user = self.world.user_by_oid(membership["memberId"])
            if membership["roleId"] == role.id and user is not None:
                found.append(_partner_member(role.id, user))
        return found

    def add(self, role_id: str, spec: UserMemberIn, *, request_key: str | None = None) -> Member:
        role = self.role(role_id)
        _check_body(spec, role.id, self.tenant_id)
        user = self._user(spec.id)

        def make(tx: Transaction) -> Member:
            key = member_key(self.tenant_id, role.id, user.object_id)
            if tx.get(TABLE, key) is not None:
                raise RoleMemberExists(user.object_id, role.name)
            tx.put(TABLE, {"id": key, "roleId": role.id, "memberId": user.object_id, "_tenantId": self.tenant_id})
            return _partner_member(role.id, user)

        return self.once(request_key, make)

    def remove(self, role_id: str, member_id: str) -> None:
        role = self.role(role_id)
        user = self._user(member_id)
        with self.store.transaction() as tx:
            if not tx.delete(TABLE, member_key(self.tenant_id, role.id, user.object_id)):
                raise NotRoleMember(user.object_id, role.name)
