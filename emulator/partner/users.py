"""A customer's user accounts (App+User only): list, get, create, delete."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from emulator.partner.common import (
    Page,
    collection,
    customer_or_404,
    field_bool,
    field_object,
    field_text,
    guid_param,
    invalid_property,
    json_body,
    new_id,
    public,
    remember,
    replayed,
    require_app_user,
)
from emulator.partner.responses import PartnerError, link
from emulator.partner.responses import PartnerJSON as JSON
from emulator.state import EmulatorState

MAX_PAGE_SIZE = 500


def user_document(customer_id: str, user: dict[str, Any]) -> dict[str, Any]:
    return {
        **public(user),
        "links": {"self": link(f"/customers/{customer_id}/users/{user['id']}")},
        "attributes": {"objectType": "CustomerUser"},
    }


async def list_users(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    customer = customer_or_404(state, request.path_params["customer_id"])
    page = Page(request, default_size=MAX_PAGE_SIZE, max_size=MAX_PAGE_SIZE)
    users = state.world.customer_users.group(customer["id"])
    chosen = users[page.offset : page.offset + page.size]
    path = f"/customers/{customer['id']}/users"
    next_link, token = page.next_link(f"/v1{path}", len(users))
    items = [user_document(customer["id"], u) for u in chosen]
    extra = {"continuationToken": token} if token else None
    return JSON(collection(items, path, next_link=next_link, extra=extra))


def _user_or_404(state: EmulatorState, customer: dict[str, Any], user_id: str) -> dict[str, Any]:
    user = state.world.customer_users.get(guid_param(user_id, "user id"))
    if user is None or user["_customerId"] != customer["id"]:
        raise PartnerError(404, 60002, f"User object Id is not found: {user_id.lower()}")
    return user


async def get_user(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    customer = customer_or_404(state, request.path_params["customer_id"])
    return JSON(user_document(customer["id"], _user_or_404(state, customer, request.path_params["user_id"])))


async def create_user(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    customer = customer_or_404(state, request.path_params["customer_id"])
    again = replayed(state, request)
    if again is not None:
        return again
    body = await json_body(request)
    upn = field_text(body, "userprincipalname", "userPrincipalName") or ""
    alias, at, domain = upn.rpartition("@")
    domains = {d.lower() for d in customer.get("customDomains", [])} | {customer["companyProfile"]["domain"].lower()}
    if not at or not alias or domain.lower() not in domains:
        raise invalid_property(
            f"'userPrincipalName' must be in one of the customer's domains: {', '.join(sorted(domains))}."
        )
    display = field_text(body, "displayname", "displayName") or ""
    first = field_text(body, "firstname", "firstName", required=False)
    last = field_text(body, "lastname", "lastName", required=False)
    usage = field_text(body, "usagelocation", "usageLocation", required=False, limit=2)
    immutable = field_text(body, "immutableid", "immutableId", required=False)
    profile = field_object(body, "passwordprofile", "passwordProfile")
    password = field_text(profile, "password", "passwordProfile.password", limit=256) or ""
    if len(password) < 8:
        raise invalid_property("'passwordProfile.password' must have at least 8 characters.")
    force = field_bool(profile, "forcechangepassword", "passwordProfile.forceChangePassword")
    world = state.world
    with world.lock:
        # A concurrent retry with the same MS-RequestId may have finished while this one read its body.
        again = replayed(state, request)
        if again is not None:
            return again
        if any(u["userPrincipalName"].lower() == upn.lower() for u in world.customer_users.group(customer["id"])):
            raise invalid_property(f"a user with userPrincipalName '{upn}' already exists.")
        user: dict[str, Any] = {}
        if usage:
            user["usageLocation"] = usage.upper()
        user |= {"id": new_id(state), "userPrincipalName": upn}
        if first:
            user["firstName"] = first
        if last:
            user["lastName"] = last
        user["displayName"] = display
        if immutable:
            user["immutableId"] = immutable
        user |= {"userDomainType": "none", "state": "active", "_customerId": customer["id"]}
        # The password is never stored: only the answer to this one call carries it, as the documented sample does.
        world.customer_users.put(user)
        state.persist_soon()
        created = {**public(user)}
        created["passwordProfile"] = {"forceChangePassword": bool(force), "password": password}
        created |= {"lastDirectorySyncTime": None, "softDeletionTime": None}
        created["attributes"] = {"objectType": "CustomerUser"}
        return remember(state, request, 201, created)


async def delete_user(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    customer = customer_or_404(state, request.path_params["customer_id"])
    with state.world.lock:
        user = _user_or_404(state, customer, request.path_params["user_id"])
        state.world.customer_users.delete(user["id"])
        state.persist_soon()
    return Response(status_code=204)
