"""Orders: creation (one subscription per line item, all or nothing), list and lookup."""

from __future__ import annotations

from dataclasses import dataclass

from emulator.catalog import new_subscription
from emulator.companies import CURRENCIES
from emulator.formats import creation_date
from emulator.partner.models.base import Doc, Model
from emulator.partner.models.errors import (
    AddOnWithoutParent,
    BillingCycleNotOffered,
    InvalidInput,
    LineItemNumbers,
    OfferNotPurchasable,
    OrderNotFound,
    QuantityOutOfRange,
    UnknownOffer,
)
from emulator.partner.schemas.requests import OrderCreate
from emulator.store import Transaction


@dataclass(frozen=True)
class _Item:
    number: int
    offer: Doc
    quantity: int
    name: str
    parent: str | None


class Orders(Model):
    def of(self, customer: Doc) -> list[Doc]:
        return self.world.orders.group(customer["id"])

    def get(self, customer: Doc, order_id: str) -> Doc:
        order = self.world.orders.get(order_id.strip())
        if order is None or order["referenceCustomerId"] != customer["id"]:
            raise OrderNotFound(order_id)
        return order

    def status(self, order: Doc) -> str:
        """ "pending" until provisioning has had its time on the emulator's clock, then "completed"."""
        if order["status"] == "pending" and self.clock.now() - order.get("_created", 0) >= self.provisioning_delay:
            return "completed"
        str_status: str = order["status"]
        return str_status

    def _items(self, customer: Doc, spec: OrderCreate) -> list[_Item]:
        items = []
        for line in spec.line_items:
            offer = self.world.offers.get(line.offer_id.upper())
            if offer is None:
                raise UnknownOffer(line.offer_id)
            if not offer["isAvailableForPurchase"]:
                raise OfferNotPurchasable(offer["id"])
            low, high = offer["minimumQuantity"], offer["maximumQuantity"]
            if not low <= line.quantity <= high:
                raise QuantityOutOfRange(
                    f": offer {offer['id']} allows {low} to {high}, the order asks for {line.quantity}."
                )
            parent = line.parent_subscription_id
            if offer["isAddOn"]:
                base = self.world.subscriptions.get(parent) if parent else None
                prerequisites = {p.upper() for p in offer["prerequisiteOffers"]}
                if (
                    base is None
                    or base["_customerId"] != customer["id"]
                    or base["offerId"].upper() not in prerequisites
                ):
                    raise AddOnWithoutParent()
            number = -1 if line.line_item_number is None else line.line_item_number
            items.append(_Item(number, offer, line.quantity, line.friendly_name or offer["name"], parent))
        if sorted(i.number for i in items) != list(range(len(items))):
            raise LineItemNumbers()
        return sorted(items, key=lambda i: i.number)

    def create(self, customer: Doc, spec: OrderCreate, *, request_key: str | None = None) -> Doc:
        reference = spec.reference_customer_id
        if reference is not None and reference.lower() != customer["id"]:
            raise InvalidInput("'ReferenceCustomerId' must be the customer id in the path.")
        items = self._items(customer, spec)
        cycle = (spec.billing_cycle or "unknown").lower()
        for item in items:
            cycles = item.offer["supportedBillingCycles"]
            if cycle != "unknown" and cycle not in cycles:
                raise BillingCycleNotOffered(item.offer["id"], cycles)
        country = customer["companyProfile"]["address"]["country"]
        currency = CURRENCIES.get(country, ("USD", "$"))[0]
        if spec.currency_code is not None and spec.currency_code.upper() != currency:
            raise InvalidInput(
                f"'CurrencyCode' {spec.currency_code} does not match the customer's currency {currency}."
            )

        def make(tx: Transaction) -> Doc:
            order_id = self.ids.guid()
            start = self.now()
            created = creation_date(start)
            line_items, subscriptions = [], []
            for item in items:
                offer = item.offer
                item_cycle = offer["supportedBillingCycles"][-1] if cycle == "unknown" else cycle
                sid = self.ids.guid().upper()
                subscriptions.append(
                    new_subscription(
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
                )
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
                "_created": self.clock.now(),
            }
            for subscription in subscriptions:
                tx.put("subscriptions", subscription)
            tx.put("orders", order)
            return order

        return self.once(request_key, make)
