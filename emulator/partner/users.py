"""A customer's user accounts over HTTP (App+User only): list (active, or deleted with the UserState filter), get,
create, update (password reset, restore), delete (soft), and a user's directory roles."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from emulator.partner.common import Page, collection, create_once, path_customer, query, read_body, self_uri, wire
from emulator.partner.models.errors import InvalidInput
from emulator.partner.models.users import CreatedUser, UpdatedUser
from emulator.partner.responses import PartnerJSON as JSON
from emulator.partner.schemas import resources as w
from emulator.partner.schemas import users as u
from emulator.partner.schemas.requests import CustomerUserCreate
from emulator.state import EmulatorState

MAX_PAGE_SIZE = 500


def user_document(customer_id: str, user: dict[str, Any]) -> w.CustomerUser:
    links = w.self_link(f"/customers/{customer_id}/users/{user['id']}")
    return wire(w.CustomerUser, user, links=links, attributes=w.Attributes("CustomerUser"))


def _state_filter(raw: str | None) -> str:
    """view-a-deleted-user.md's filter, {"Field":"UserState","Value":"Inactive","Operator":"equals"}: the state of
    the users listed. Without a filter: the active users."""
    if raw is None:
        return "active"
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise InvalidInput('\'filter\' is not JSON; expected {"Field","Value","Operator"} URL-encoded.') from None
    if not isinstance(data, dict):
        raise InvalidInput("'filter' must be a JSON object with Field, Value and Operator.")
    lowered = {str(k).lower(): v for k, v in data.items()}
    field, value, operator = lowered.get("field"), lowered.get("value"), lowered.get("operator")
    if not isinstance(field, str) or field.lower() != "userstate":
        raise InvalidInput("filter 'Field' must be UserState (the only field users are filtered on).")
    if not isinstance(value, str) or value.lower() not in ("active", "inactive"):
        raise InvalidInput("filter 'Value' must be Active or Inactive.")
    if not isinstance(operator, str) or operator.lower() != "equals":
        raise InvalidInput("filter 'Operator' must be equals.")
    return value.lower()


async def list_users(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request, app_user=True)
    page = Page(state, request, default_size=MAX_PAGE_SIZE, max_size=MAX_PAGE_SIZE)
    users = state.models.users.of(customer, _state_filter(page.filter_raw))
    chosen = users[page.offset : page.offset + page.size]
    path = f"/customers/{customer['id']}/users"
    next_link, token = page.next_link(f"/v1{path}", len(users))
    items = [user_document(customer["id"], user) for user in chosen]
    return JSON(collection(items, self_uri(request, path), next_link=next_link, continuation_token=token))


async def get_user(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request, app_user=True)
    user = state.models.users.get(customer, request.path_params["user_id"])
    return JSON(user_document(customer["id"], user))


def created_document(created: CreatedUser) -> w.CustomerUser:
    """The documented 201: the password profile as given (it is never stored), no links."""
    return wire(
        w.CustomerUser,
        created.user,
        passwordProfile=w.PasswordProfile(
            force_change_password=created.force_change_password, password=created.password
        ),
        lastDirectorySyncTime=None,
        softDeletionTime=None,
        attributes=w.Attributes("CustomerUser"),
    )


async def create_user(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request, app_user=True)
    users = state.models.users
    created = await create_once(
        request, users, CustomerUserCreate, lambda spec, key: users.create(customer, spec, request_key=key)
    )
    return JSON(created_document(created), status_code=201)


def _query_user_id(state: EmulatorState, request: Request) -> str:
    """The SDK's form of the user operations without {user_id} in the path: ?user_id=."""
    user_id = query(state, request).get("user_id")
    if not user_id:
        raise InvalidInput("'user_id' is required (the id of the user, as a query parameter or in the path).")
    return user_id


def updated_document(customer_id: str, updated: UpdatedUser) -> w.CustomerUser:
    """update-user-accounts-for-a-customer.md's answer; with a new password, reset-user-password-for-a-customer.md's
    (the password profile as given, never stored, and null sync and deletion times)."""
    document = user_document(customer_id, updated.user)
    if updated.password_profile is None:
        return document
    given = updated.password_profile
    return wire(
        w.CustomerUser,
        updated.user,
        passwordProfile=w.PasswordProfile(
            force_change_password=bool(given.force_change_password), password=given.password
        ),
        lastDirectorySyncTime=None,
        softDeletionTime=None,
        links=document.links,
        attributes=w.Attributes("CustomerUser"),
    )


async def _update(state: EmulatorState, request: Request, customer: dict[str, Any], user_id: str) -> Response:
    spec = await read_body(request, u.CustomerUserUpdate)
    updated = state.models.users.update(customer, user_id, spec)
    return JSON(updated_document(customer["id"], updated))


async def update_user(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request, app_user=True)
    return await _update(state, request, customer, request.path_params["user_id"])


async def update_user_by_query(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request, app_user=True)
    return await _update(state, request, customer, _query_user_id(state, request))


async def delete_user(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request, app_user=True)
    state.models.users.delete(customer, request.path_params["user_id"])
    return Response(status_code=204)


async def delete_user_by_query(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request, app_user=True)
    state.models.users.delete(customer, _query_user_id(state, request))
    return Response(status_code=204)


async def user_directory_roles(state: EmulatorState, request: Request) -> Response:
    """get-user-roles-for-a-customer.md: the user's directory roles, a collection without links."""
    customer = path_customer(state, request, app_user=True)
    roles = state.models.directory_roles.of_user(customer, request.path_params["user_id"])
    items = [u.DirectoryRole(name=r.name, id=r.id, attributes=w.Attributes("DirectoryRole")) for r in roles]
    return JSON(collection(items))
