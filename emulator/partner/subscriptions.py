"""A customer's subscriptions over HTTP: list, get, and PATCH (quantity, status, auto-renew, friendly name)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from emulator.partner.common import collection, json_body, path_customer, query, wire
from emulator.partner.models.subscriptions import etag
from emulator.partner.responses import PartnerJSON as JSON
from emulator.partner.schemas import resources as w
from emulator.partner.schemas.requests import SubscriptionUpdate, read
from emulator.state import EmulatorState


def subscription_document(customer: dict[str, Any], subscription: dict[str, Any]) -> w.Subscription:
    country = customer["companyProfile"]["address"]["country"]
    cid = customer["id"]
    self_link = w.Link(f"/customers/{cid}/subscriptions/{subscription['id']}")
    # New Commerce (and the Azure plan): the catalogue item, not an offer (get-a-subscription-by-id.md)
    if "_lots" in subscription or subscription["offerId"].count(":") == 2:
        product, sku, availability = subscription["offerId"].split(":")
        base = f"/products/{product}/skus/{sku}"
        links = w.Links(
            product=w.Link(f"/products/{product}?country={country}"),
            sku=w.Link(f"{base}?country={country}"),
            availability=w.Link(f"{base}/availabilities/{availability}?country={country}"),
            self_=self_link,
        )
    else:
        links = w.Links(offer=w.Link(f"/offers/{subscription['offerId']}?country={country}"), self_=self_link)
    if "parentSubscriptionId" in subscription:
        links.parent_subscription = w.Link(f"/customers/{cid}/subscriptions/{subscription['parentSubscriptionId']}")
    return wire(
        w.Subscription, subscription, links=links, attributes=w.EtagAttributes(etag(subscription), "Subscription")
    )


async def list_subscriptions(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    subscriptions = state.models.subscriptions.of(customer, query(state, request).get("order_id"))
    # As documented: no collection links on this list.
    return JSON(collection([subscription_document(customer, s) for s in subscriptions]))


async def get_subscription(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    subscription = state.models.subscriptions.get(customer, request.path_params["subscription_id"])
    return JSON(subscription_document(customer, subscription))


async def update_subscription(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    body = await json_body(request)
    etags = [request.headers.get("if-match")]
    attributes = body.get("attributes")
    if isinstance(attributes, dict) and isinstance(attributes.get("etag"), str):
        etags.append(attributes["etag"])  # the SDKs send the etag back in the body
    updated = state.models.subscriptions.update(
        customer,
        request.path_params["subscription_id"],
        read(body, SubscriptionUpdate),
        etags=[tag for tag in etags if tag is not None],
    )
    return JSON(subscription_document(customer, updated))
