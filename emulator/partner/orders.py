"""Orders: create (one subscription per line item, all or nothing), list, get."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from emulator.catalog import new_subscription
from emulator.generate import CURRENCIES
from emulator.partner.common import (
    collection,
    customer_or_404,
    field_int,
    field_text,
    invalid_input,
    json_body,
    new_id,
    now_iso,
    public,
    remember,
    replayed,
)
from emulator.partner.responses import PartnerError, link
from emulator.partner.responses import PartnerJSON as JSON
from emulator.state import EmulatorState

# An order reads "pending" for this long on the emulator's clock, then "completed" (advance the clock to see it).
PROVISIONING_SECONDS = 30


def order_document(state: EmulatorState, order: dict[str, Any]) -> dict[str, Any]:
    cid = order["referenceCustomerId"]
    doc = public(order)
    if doc["status"] == "pending" and state.clock.now() - order.get("_created", 0) >= PROVISIONING_SECONDS:
        doc["status"] = "completed"
    doc["lineItems"] = [
        {**item, "links": {"subscription": link(f"/customers/{cid}/subscriptions/{item['subscriptionId']}")}}
        for item in order["lineItems"]
    ]
    doc["links"] = {
        "provisioningStatus": link(f"/customers/{cid}/orders/{order['id']}/provisioningstatus"),
        "self": link(f"/customers/{cid}/orders/{order['id']}"),
    }
    doc["attributes"] = {"objectType": "Order"}
    return doc


async def list_orders(state: EmulatorState, request: Request) -> Response:
    customer = customer_or_404(state, request.path_params["customer_id"])
    orders = [order_document(state, o) for o in state.world.orders.group(customer["id"])]
    return JSON(collection(orders, f"/customers/{customer['id']}/orders"))


async def get_order(state: EmulatorState, request: Request) -> Response:
    customer = customer_or_404(state, request.path_params["customer_id"])
    order = state.world.orders.get(request.path_params["order_id"].strip())
    if order is None or order["referenceCustomerId"] != customer["id"]:
        raise PartnerError(404, 20000, f"Order Id not found: {request.path_params['order_id'][:64]}")
    return JSON(order_document(state, order))


@dataclass(frozen=True)
class _Item:
    number: int
    offer: dict[str, Any]
    quantity: int
    name: str
    parent: str | None


def _line_items(state: EmulatorState, customer: dict[str, Any], body: dict[str, Any]) -> list[_Item]:
    raw = body.get("lineitems")
    if not isinstance(raw, list) or not raw:
        raise invalid_input("'LineItems' is required and must be a non-empty list.")
    if len(raw) > 100:
        raise invalid_input("an order has at most 100 line items.")
    items = []
    for index, entry in enumerate(raw):
        if not isinstance(entry, dict):
            raise invalid_input(f"'LineItems[{index}]' must be an object.")
        number = field_int(entry, "lineitemnumber", f"LineItems[{index}].LineItemNumber")
        offer_id = field_text(entry, "offerid", f"LineItems[{index}].OfferId", required=False)
        if offer_id is None:
            raise invalid_input(f"'LineItems[{index}].OfferId' is required.")
        offer = state.world.offers.get(offer_id.upper())
        if offer is None:
            raise PartnerError(400, 800004, f"Invalid offer Id: {offer_id[:64]}")
        if not offer["isAvailableForPurchase"]:
            raise PartnerError(403, 2091, f"The offer is no longer available for purchase: {offer['id']}")
        quantity = field_int(entry, "quantity", f"LineItems[{index}].Quantity")
        if quantity is None:
            raise invalid_input(f"'LineItems[{index}].Quantity' is required.")
        low, high = offer["minimumQuantity"], offer["maximumQuantity"]
        if not low <= quantity <= high:
            raise PartnerError(
                400,
                2002,
                f"Subscription quantity is not within minimum and maximum allowed quantity: offer {offer['id']} "
                f"allows {low} to {high}, the order asks for {quantity}.",
            )
        name = field_text(entry, "friendlyname", f"LineItems[{index}].FriendlyName", required=False, limit=128)
        parent = field_text(entry, "parentsubscriptionid", f"LineItems[{index}].ParentSubscriptionId", required=False)
        if offer["isAddOn"]:
            base = state.world.subscriptions.get(parent) if parent else None
            prerequisites = {p.upper() for p in offer["prerequisiteOffers"]}
            if base is None or base["_customerId"] != customer["id"] or base["offerId"].upper() not in prerequisites:
                raise PartnerError(400, 800029, "The add-on is not related to the specified parent subscription")
        items.append(_Item(-1 if number is None else number, offer, quantity, name or offer["name"], parent))
    if sorted(i.number for i in items) != list(range(len(items))):
        raise PartnerError(400, 800071, "Line Item number should be from 0 to number of line items count")
    return sorted(items, key=lambda i: i.number)


async def create_order(state: EmulatorState, request: Request) -> Response:
    customer = customer_or_404(state, request.path_params["customer_id"])
    again = replayed(state, request)
    if again is not None:
        return again
    body = await json_body(request)
    reference = body.get("referencecustomerid")
    if reference is not None and (not isinstance(reference, str) or reference.lower() != customer["id"]):
        raise invalid_input("'ReferenceCustomerId' must be the customer id in the path.")
    items = _line_items(state, customer, body)
    cycle = field_text(body, "billingcycle", "BillingCycle", required=False, limit=32)
    cycle = (cycle or "unknown").lower()
    for item in items:
        cycles = item.offer["supportedBillingCycles"]
        if cycle != "unknown" and cycle not in cycles:
            raise PartnerError(
                400,
                6001,
                f"The billing cycle could not be changed because one of the order's Offer Ids does not support the "
                f"billing term: {item.offer['id']} supports {', '.join(cycles)}.",
            )
    country = customer["companyProfile"]["address"]["country"]
    currency = CURRENCIES.get(country, ("USD", "$"))[0]
    given_currency = field_text(body, "currencycode", "CurrencyCode", required=False, limit=3)
    if given_currency is not None and given_currency.upper() != currency:
        raise invalid_input(f"'CurrencyCode' {given_currency} does not match the customer's currency {currency}.")

    world = state.world
    with world.lock:
        # A concurrent retry with the same MS-RequestId may have finished while this one read its body.
        again = replayed(state, request)
        if again is not None:
            return again
        order_id = new_id(state)
        created = now_iso(state)
        start = datetime.fromtimestamp(state.clock.now(), UTC)
        line_items, subscriptions = [], []
        for item in items:
            offer = item.offer
            item_cycle = offer["supportedBillingCycles"][-1] if cycle == "unknown" else cycle
            sid = new_id(state).upper()
            subscription = new_subscription(
                offer,
                subscription_id=sid,
                customer_id=customer["id"],
                order_id=order_id,
                quantity=item.quantity,
                friendly_name=item.name,
                billing_cycle=item_cycle,
                status="active",
                created=created,
                start=start,
                parent_id=item.parent.upper() if item.parent else None,
            )
            subscriptions.append(subscription)
            line_items.append(
                {
                    "lineItemNumber": item.number,
                    "offerId": offer["id"],
                    "subscriptionId": sid,
                    "friendlyName": item.name,
                    "quantity": item.quantity,
                }
            )
        order = {
            "id": order_id,
            "referenceCustomerId": customer["id"],
            "billingCycle": subscriptions[0]["billingCycle"],
            "currencyCode": currency,
            "lineItems": line_items,
            "creationDate": created,
            "status": "pending",
            "_created": state.clock.now(),
        }
        # Everything is validated above, so these puts cannot fail half-way: no order without its subscriptions.
        for subscription in subscriptions:
            world.subscriptions.put(subscription)
        world.orders.put(order)
        state.persist_soon()
        return remember(state, request, 201, order_document(state, order))
