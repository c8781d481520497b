"""Directory roles of a customer and the partner's own roles over HTTP (App+User only): the roles, their members,
adding and removing a member.

Each operation has two forms in the SDK (partnercenterservices): the documented one with the ids in the path
(…/directoryroles/{role_id}/usermembers/{member_id}), and one with them as query parameters
(…/directoryroles?role_id=…&member_id=…), which AutoRest generated from the same routes. Both are served alike; a
GET with ?role_id= lists only that role [I].
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response

from emulator.partner.common import (
    Page,
    collection,
    path_customer,
    query,
    read_body,
    request_key,
    require_app_user,
    self_uri,
)
from emulator.partner.models.base import Model
from emulator.partner.models.errors import InvalidInput
from emulator.partner.models.roles import Member
from emulator.partner.responses import PartnerJSON as JSON
from emulator.partner.schemas import resources as w
from emulator.partner.schemas import users as u
from emulator.roles import DirectoryRole, PartnerRole
from emulator.state import EmulatorState

MAX_PAGE_SIZE = 500  # "value should not be over 500" (the REST reference's Get Directory Role by RoleId)


def directory_role_document(role: DirectoryRole) -> u.DirectoryRole:
    return u.DirectoryRole(name=role.name, id=role.id, attributes=w.Attributes("DirectoryRole"))


def partner_role_document(role: PartnerRole) -> u.Role:
    return u.Role(name=role.name, id=role.id, category=role.category, attributes=w.Attributes("Role"))


def member_document(member: Member) -> u.UserMember:
    return u.UserMember(
        display_name=member.display_name,
        user_principal_name=member.user_principal_name,
        role_id=member.role_id,
        id=member.id,
        attributes=w.Attributes("UserMember"),
    )


def _param(state: EmulatorState, request: Request, name: str, *, required: bool = True) -> str | None:
    """An id from the path, else from the query (the SDK's second form)."""
    value = request.path_params.get(name) or query(state, request).get(name) or None
    if value is None and required:
        raise InvalidInput(f"'{name}' is required (in the path, or as a query parameter).")
    return value


def _members_page(state: EmulatorState, request: Request, members: list[Member], path: str) -> Response:
    """A role's members: a paged collection (size, seekOperation with MS-ContinuationToken)."""
    page = Page(state, request, default_size=MAX_PAGE_SIZE, max_size=MAX_PAGE_SIZE)
    chosen = members[page.offset : page.offset + page.size]
    next_link, token = page.next_link(f"/v1{path}", len(members))
    items = [member_document(m) for m in chosen]
    return JSON(collection(items, self_uri(request, path), next_link=next_link, continuation_token=token))


async def _add(
    state: EmulatorState, request: Request, model: Model, add: Callable[[str, u.UserMemberIn, str | None], Member]
) -> Response:
    """A new member (201, the UserMember); a retry with the same MS-RequestId gets the first answer. The role is
    the path's, else ?role_id=, else the body's roleId."""
    key = request_key(request)
    member: Member | None = model.replayed(key)
    if member is None:
        spec = await read_body(request, u.UserMemberIn)
        role_id = _param(state, request, "role_id", required=False) or spec.role_id
        if role_id is None:
            raise InvalidInput("'role_id' is required (in the path, as a query parameter or as the body's roleId).")
        member = add(role_id, spec, key)
    return JSON(member_document(member), status_code=201)


# --- a customer's directory roles --------------------------------------------------------------------------------


async def list_directory_roles(state: EmulatorState, request: Request) -> Response:
    """The directory roles a customer's users can hold (get-user-roles-for-a-customer.md)."""
    path_customer(state, request, app_user=True)
    roles = state.models.directory_roles.roles(_param(state, request, "role_id", required=False))
    return JSON(collection([directory_role_document(r) for r in roles]))


async def list_directory_role_members(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request, app_user=True)
    model = state.models.directory_roles
    role = model.role(request.path_params["role_id"])
    members = model.members(customer, role.id)
    return _members_page(state, request, members, f"/customers/{customer['id']}/directoryroles/{role.id}/usermembers")


async def add_directory_role_member(state: EmulatorState, request: Request) -> Response:
    """set-user-roles-for-a-customer.md: 201 and the UserMember with its roleId."""
    customer = path_customer(state, request, app_user=True)
    model = state.models.directory_roles
    return await _add(state, request, model, lambda role, spec, key: model.add(customer, role, spec, request_key=key))


async def remove_directory_role_member(state: EmulatorState, request: Request) -> Response:
    """remove-customer-user-from-a-role.md: 204, no body."""
    customer = path_customer(state, request, app_user=True)
    role_id, member_id = _param(state, request, "role_id"), _param(state, request, "member_id")
    assert role_id is not None and member_id is not None
    state.models.directory_roles.remove(customer, role_id, member_id)
    return Response(status_code=204)


# --- the partner's roles ----------------------------------------------------------------------------------------


async def list_partner_roles(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    roles = state.models.partner_roles.roles(_param(state, request, "role_id", required=False))
    return JSON(collection([partner_role_document(r) for r in roles]))


async def list_partner_role_members(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    model = state.models.partner_roles
    role = model.role(request.path_params["role_id"])
    return _members_page(state, request, model.members(role.id), f"/roles/{role.id}/usermembers")


async def add_partner_role_member(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    model = state.models.partner_roles
    return await _add(state, request, model, lambda role, spec, key: model.add(role, spec, request_key=key))


async def remove_partner_role_member(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    role_id, member_id = _param(state, request, "role_id"), _param(state, request, "member_id")
    assert role_id is not None and member_id is not None
    state.models.partner_roles.remove(role_id, member_id)
    return Response(status_code=204)
