"""Orders over HTTP: create (one subscription per line item, all or nothing), list, get."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from emulator.partner.common import collection, create_once, path_customer, wire
from emulator.partner.responses import PartnerJSON as JSON
from emulator.partner.schemas import resources as w
from emulator.partner.schemas.requests import OrderCreate
from emulator.state import EmulatorState


def _item_links(cid: str, item: dict[str, Any]) -> w.Links:
    if "pricing" not in item:  # legacy: the subscription it created
        return w.Links(subscription=w.Link(f"/customers/{cid}/subscriptions/{item['subscriptionId']}"))
    # New Commerce (checkout-a-cart.md): the catalogue item it bought.
    product, sku, availability = item["offerId"].split(":")
    base = f"/products/{product}/skus/{sku}"
    return w.Links(
        product=w.Link(f"/products/{product}"),
        sku=w.Link(base),
        availability=w.Link(f"{base}/availabilities/{availability}"),
    )


def order_document(state: EmulatorState, order: dict[str, Any]) -> w.Order:
    cid = order["referenceCustomerId"]
    line_items = [wire(w.OrderLineItem, item, links=_item_links(cid, item)) for item in order["lineItems"]]
    links = w.Links(
        provisioning_status=w.Link(f"/customers/{cid}/orders/{order['id']}/provisioningstatus"),
        self_=w.Link(f"/customers/{cid}/orders/{order['id']}"),
    )
    return wire(
        w.Order,
        order,
        status=state.models.orders.status(order),
        lineItems=line_items,
        links=links,
        attributes=w.Attributes("Order"),
    )


async def list_orders(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    orders = [order_document(state, o) for o in state.models.orders.of(customer)]
    return JSON(collection(orders, f"/customers/{customer['id']}/orders"))


async def get_order(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    return JSON(order_document(state, state.models.orders.get(customer, request.path_params["order_id"])))


async def create_order(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    orders = state.models.orders
    order = await create_once(
        request, orders, OrderCreate, lambda spec, key: orders.create(customer, spec, request_key=key)
    )
    return JSON(order_document(state, order), status_code=201)
