"""Wire shapes and request bodies of customer user updates, directory roles and partner roles.

Sources (docs/sources/users.md): get-user-roles-for-a-customer.md (DirectoryRole: name, id, attributes),
set-user-roles-for-a-customer.md and user-resources.md#usermember (UserMember: displayName, userPrincipalName,
roleId, id, attributes), the SDK's RoleManagement.Role (name, id, category, links, attributes),
update-user-accounts-for-a-customer.md, reset-user-password-for-a-customer.md and restore-a-user-for-a-customer.md
(the CustomerUser a PATCH sends).
"""

from __future__ import annotations

from typing import Literal

from emulator.partner.schemas.requests import Body, Guid, PasswordProfileIn, Text, Text2, Text16, Text32, Text64
from emulator.partner.schemas.resources import Attributes, Wire


class DirectoryRole(Wire, kw_only=True):
    name: str
    id: str
    attributes: Attributes[Literal["DirectoryRole"]]


class UserMember(Wire, kw_only=True):
    display_name: str
    user_principal_name: str
    role_id: str
    id: str
    attributes: Attributes[Literal["UserMember"]]


class Role(Wire, kw_only=True):
    name: str
    id: str
    category: str
    attributes: Attributes[Literal["Role"]]


# --- request bodies -------------------------------------------------------------------------------------------------


class CustomerUserUpdate(Body, kw_only=True):
    """A PATCH of a customer user: any of the documented fields; `state: "active"` restores a deleted user. The
    read-only ones a client may send back (userDomainType, lastDirectorySyncTime, softDeletionTime, links,
    attributes) are not read."""

    id: Guid | None = None
    usage_location: Text2 | None = None
    user_principal_name: Text | None = None
    first_name: Text | None = None
    last_name: Text | None = None
    display_name: Text | None = None
    immutable_id: Text | None = None
    phone_number: Text32 | None = None
    password_profile: PasswordProfileIn | None = None
    state: Text16 | None = None


class UserMemberIn(Body, kw_only=True):
    """set-user-roles-for-a-customer.md: Id, DisplayName and UserPrincipalName required ("Attributes" too, but the
    SDKs treat it as read-only and never send it); roleId, when sent, must be the role of the path; accountId
    (add-new-user-member-to-role, the partner's roles), when sent, must be the partner's tenant [I]."""

    SPELLING = "Pascal"
    id: Guid
    display_name: Text
    user_principal_name: Text
    role_id: Guid | None = None
    account_id: Text64 | None = None
