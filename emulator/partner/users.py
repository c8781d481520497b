"""A customer's user accounts over HTTP (App+User only): list, get, create, delete."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from emulator.partner.common import Page, collection, create_once, path_customer, wire
from emulator.partner.models.users import CreatedUser
from emulator.partner.responses import PartnerJSON as JSON
from emulator.partner.schemas import resources as w
from emulator.partner.schemas.requests import CustomerUserCreate
from emulator.state import EmulatorState

MAX_PAGE_SIZE = 500


def user_document(customer_id: str, user: dict[str, Any]) -> w.CustomerUser:
    links = w.self_link(f"/customers/{customer_id}/users/{user['id']}")
    return wire(w.CustomerUser, user, links=links, attributes=w.Attributes("CustomerUser"))


async def list_users(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request, app_user=True)
    page = Page(state, request, default_size=MAX_PAGE_SIZE, max_size=MAX_PAGE_SIZE)
    users = state.models.users.of(customer)
    chosen = users[page.offset : page.offset + page.size]
    path = f"/customers/{customer['id']}/users"
    next_link, token = page.next_link(f"/v1{path}", len(users))
    items = [user_document(customer["id"], u) for u in chosen]
    return JSON(collection(items, path, next_link=next_link, continuation_token=token))


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


async def delete_user(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request, app_user=True)
    state.models.users.delete(customer, request.path_params["user_id"])
    return Response(status_code=204)
