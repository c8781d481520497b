"""A customer's subscriptions: list, get, and PATCH (quantity, status, auto-renew, friendly name) with etags."""

from __future__ import annotations

import base64
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from emulator.partner.common import (
    customer_or_404,
    field_bool,
    field_int,
    field_text,
    guid_param,
    invalid_input,
    json_body,
    public,
    query,
)
from emulator.partner.responses import PartnerError, link
from emulator.partner.responses import PartnerJSON as JSON
from emulator.state import EmulatorState


def etag(subscription: dict[str, Any]) -> str:
    """As Partner Center writes it: base64 of {"id": <lower-case id>, "version": n}."""
    raw = json.dumps({"id": subscription["id"].lower(), "version": subscription["_version"]}, separators=(",", ":"))
    return base64.b64encode(raw.encode()).decode()


def subscription_document(customer: dict[str, Any], subscription: dict[str, Any]) -> dict[str, Any]:
    country = customer["companyProfile"]["address"]["country"]
    cid = customer["id"]
    doc = {k: v for k, v in public(subscription).items() if k != "orderId"}
    links: dict[str, Any] = {"offer": link(f"/offers/{subscription['offerId']}?country={country}")}
    if "parentSubscriptionId" in subscription:
        links["parentSubscription"] = link(f"/customers/{cid}/subscriptions/{subscription['parentSubscriptionId']}")
    links["self"] = link(f"/customers/{cid}/subscriptions/{subscription['id']}")
    doc["links"] = links
    doc["orderId"] = subscription["orderId"]
    doc["attributes"] = {"etag": etag(subscription), "objectType": "Subscription"}
    return doc


async def list_subscriptions(state: EmulatorState, request: Request) -> Response:
    customer = customer_or_404(state, request.path_params["customer_id"])
    subscriptions = state.world.subscriptions.group(customer["id"])
    order_id = query(request).get("order_id")
    if order_id is not None:
        subscriptions = [s for s in subscriptions if s["orderId"].lower() == order_id.strip().lower()]
    items = [subscription_document(customer, s) for s in subscriptions]
    # As documented: no collection links on this list.
    return JSON({"totalCount": len(items), "items": items, "attributes": {"objectType": "Collection"}})


def _subscription_or_404(state: EmulatorState, customer: dict[str, Any], subscription_id: str) -> dict[str, Any]:
    subscription = state.world.subscriptions.get(guid_param(subscription_id, "subscription id"))
    if subscription is None or subscription["_customerId"] != customer["id"]:
        raise PartnerError(404, 20003, f"Subscription with id {subscription_id.upper()} not found.")
    return subscription


async def get_subscription(state: EmulatorState, request: Request) -> Response:
    customer = customer_or_404(state, request.path_params["customer_id"])
    return JSON(
        subscription_document(customer, _subscription_or_404(state, customer, request.path_params["subscription_id"]))
    )


def _stale(current: str, given: str | None) -> bool:
    return given is not None and given.strip() not in ("", "*", "<etag>") and given.strip().strip('"') != current


async def update_subscription(state: EmulatorState, request: Request) -> Response:
    customer = customer_or_404(state, request.path_params["customer_id"])
    body = await json_body(request)
    world = state.world
    with world.lock:
        current = _subscription_or_404(state, customer, request.path_params["subscription_id"])
        tag = etag(current)
        attributes = body.get("attributes")
        body_tag = attributes.get("etag") if isinstance(attributes, dict) else None
        if _stale(tag, request.headers.get("if-match")) or (isinstance(body_tag, str) and _stale(tag, body_tag)):
            # The issue asks for 412 on a stale etag; the code and text are error-codes.md's 2055.
            raise PartnerError(412, 2055, "Etag is no longer valid")
        if current["status"] == "deleted":
            raise PartnerError(400, 2011, f"Subscription with id {current['id']} and deleted status cannot be updated.")
        offer = world.offers.get(current["offerId"].upper(), {})
        updated = dict(current)

        cycle = field_text(body, "billingcycle", "billingCycle", required=False)
        if cycle is not None and cycle.lower() != str(current.get("billingCycle", "")).lower():
            raise PartnerError(
                400,
                2054,
                "The billing cycle for an existing subscription cannot be updated using update-subscription "
                "operation. Please use update-Order operation",
            )
        status = field_text(body, "status", "status", required=False)
        if status is not None and status.lower() != current["status"]:
            status = status.lower()
            if status not in ("active", "suspended", "none", "pending", "deleted"):
                raise invalid_input(f"'status' must be active or suspended, got '{status[:32]}'.")
            if current["status"] == "pending":
                raise PartnerError(400, 800081, "Cannot update a subscription before activating it")
            if status not in ("active", "suspended"):
                raise PartnerError(400, 800096, "Cannot update the status for this subscription")
            updated["status"] = status
            if status == "suspended":
                updated["suspensionReasons"] = ["CustomerCancellation"]
            else:
                updated.pop("suspensionReasons", None)
        quantity = field_int(body, "quantity", "quantity")
        if quantity is not None and quantity != current["quantity"]:
            if updated["status"] == "suspended":
                raise PartnerError(400, 800091, "Cannot update a subscription with suspended status")
            if updated["status"] == "pending":
                raise PartnerError(400, 800081, "Cannot update a subscription before activating it")
            if current.get("billingType") == "usage":
                raise PartnerError(400, 800095, "Cannot update the seat quantity for this subscription")
            low, high = offer.get("minimumQuantity", 1), offer.get("maximumQuantity", 10000000)
            if not low <= quantity <= high:
                raise PartnerError(
                    400,
                    2002,
                    f"Subscription quantity is not within minimum and maximum allowed quantity ({low} to {high}).",
                )
            updated["quantity"] = quantity
        renew = field_bool(body, "autorenewenabled", "autoRenewEnabled")
        if renew is not None and renew != current["autoRenewEnabled"]:
            if renew and not offer.get("isAutoRenewable", False):
                raise PartnerError(400, 800093, "The subscription is not eligible to be auto-renewed")
            updated["autoRenewEnabled"] = renew
        name = field_text(body, "friendlyname", "friendlyName", required=False, limit=128)
        if name is not None:
            updated["friendlyName"] = name
        if updated != current:
            updated["_version"] = current["_version"] + 1
            world.subscriptions.put(updated)
            state.persist_soon()
    return JSON(subscription_document(customer, updated))
