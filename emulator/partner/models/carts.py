"""New Commerce carts and checkout: line items checked against the catalogue, prices, a 7-day expiry on the
emulator's clock, and checkout into orders and pending subscriptions (new-commerce-facts.md §2–3).

Where the Microsoft Customer Agreement is required is not documented (cart creation, checkout or orderErrors):
the emulator refuses the checkout with 403 13605 [I], because the documented text speaks of completing the
purchase, and a cart is only a quote until it is checked out.
"""

from __future__ import annotations

from dataclasses import dataclass

from emulator import formats
from emulator.companies import CURRENCIES
from emulator.nce import MONTHS, periods, unit_price
from emulator.partner.models.agreements import Agreements
from emulator.partner.models.base import Doc, guid
from emulator.partner.models.catalog import Catalog, Item
from emulator.partner.models.errors import (
    AgreementNotAccepted,
    AttestationMissing,
    CartHasErrors,
    CartNotFound,
    CartSubmitted,
    TooManyCarts,
)
from emulator.partner.models.purchases import DAY, Purchases
from emulator.partner.schemas.requests import CartCreate, CartLineItemIn
from emulator.ratecard import USD_TO
from emulator.store import Transaction

CART_DAYS = 7  # facts §2: expirationTimestamp is seven days after creation in the 2023 samples
CART_CAP = 10_000  # [I] unexpired carts kept; the emulator's own store limit
# Illustrative exchange rates from the catalogue's USD prices [I]: the currency is the customer's market's.
RATES = USD_TO  # emulator.ratecard: one table of exchange rates for prices, usage and line items


@dataclass(frozen=True)
class LineError:
    """A line item's error (cart-resources.md's CartLineItemError): the code's name, as written on the wire [I],
    and why. The numbers in the comments are the codes cart-resources.md gives those names."""

    name: str
    description: str


@dataclass
class Checkout:
    orders: list[Doc]
    subscriptions: list[Doc]


def _money(amount: float) -> float:
    return round(amount, 2)


class Carts(Purchases):
    agreements: Agreements

    def bind(self, catalog: Catalog, agreements: Agreements) -> Carts:
        self.catalog, self.agreements = catalog, agreements
        return self

    # --- reading --------------------------------------------------------------------------------------------

    def get(self, customer: Doc, cart_id: str) -> Doc:
        key = guid(cart_id, "cart id")
        cart = self.world.carts.get(key)
        if cart is None or cart["_customerId"] != customer["id"] or self._expired(cart):
            raise CartNotFound(cart_id)
        return cart

    def _expired(self, cart: Doc) -> bool:
        return bool(self.clock.now() >= cart["_expires"])

    # --- writing --------------------------------------------------------------------------------------------

    def create(self, customer: Doc, spec: CartCreate, user: str, *, request_key: str | None = None) -> Doc:
        if spec.partner_on_record_attestation_accepted is not True:
            raise AttestationMissing()

        def make(tx: Transaction) -> Doc:
            self._make_room(tx, customer)
            now = self.clock.now()
            cart: Doc = {
                "id": self.ids.guid(),
                "creationTimestamp": formats.dotnet_timestamp(now),
                "lastModifiedTimestamp": formats.dotnet_timestamp(now),
                "expirationTimestamp": formats.dotnet_timestamp(now + CART_DAYS * DAY),
                "lastModifiedUser": user,
                "status": "Active",
                "lineItems": self._lines(customer, spec),
                "_customerId": customer["id"],
                "_expires": now + CART_DAYS * DAY,
            }
            tx.put("carts", cart)
            return cart

        return self.once(request_key, make)

    def update(self, customer: Doc, cart_id: str, spec: CartCreate, user: str) -> Doc:
        """PUT: the cart's line items replaced and checked again; its expiry stays."""
        if spec.partner_on_record_attestation_accepted is not True:
            raise AttestationMissing()
        with self.store.transaction() as tx:
            cart = self.get(customer, cart_id)
            if cart["status"] != "Active":
                raise CartSubmitted(cart["id"])
            now = self.clock.now()
            updated = {
                **cart,
                "lastModifiedTimestamp": formats.dotnet_timestamp(now),
                "lastModifiedUser": user,
                "lineItems": self._lines(customer, spec),
            }
            tx.put("carts", updated)
            return updated

    def _make_room(self, tx: Transaction, customer: Doc) -> None:
        """Expired carts are removed: the customer's on every creation, everyone's when the store is full."""
        for cart in tx.group("carts", customer["id"]):
            if self._expired(cart):
                tx.delete("carts", cart["id"])
        if len(self.world.carts) < CART_CAP:
            return
        expired = [c["id"] for c in self.world.carts if self._expired(c)]
        for key in expired:
            tx.delete("carts", key)
        if len(self.world.carts) - len(expired) >= CART_CAP:
            raise TooManyCarts(CART_CAP)

    def _lines(self, customer: Doc, spec: CartCreate) -> list[Doc]:
        currency = CURRENCIES.get(customer["companyProfile"]["address"]["country"], ("USD", "$"))[0]
        in_cart = {i.catalog_item_id.strip().upper().rsplit(":", 1)[0] for i in spec.line_items}
        live = [s for s in self.world.subscriptions.group(customer["id"]) if s["status"] in ("active", "pending")]
        owned = {s["offerId"].upper().rsplit(":", 1)[0] for s in live}  # a cancelled base does not count
        # One order per billing cycle: an order has one billingCycle (order-resources.md) [I].
        groups: dict[str, str] = {}
        lines = []
        for index, given in enumerate(spec.line_items):
            line = self._line(index, given, currency, in_cart | owned)
            line["orderGroup"] = groups.setdefault(line["billingCycle"], str(len(groups)))
            lines.append(line)
        return lines

    def _line(self, index: int, given: CartLineItemIn, currency: str, owned: set[str]) -> Doc:
        cycle = given.billing_cycle.strip().lower()
        line: Doc = {
            "id": given.id if given.id is not None else index,
            "catalogItemId": given.catalog_item_id.strip(),
            "quantity": given.quantity,
            "currencyCode": currency,
            "billingCycle": cycle,
        }
        item = self.catalog.item(given.catalog_item_id)
        term = (given.term_duration or "").strip().upper()
        if item is not None and not term:
            term = next((d for d, c in item.sku.terms if c == cycle), "")
        if term:
            line["termDuration"] = term
        if given.friendly_name is not None:
            line["friendlyName"] = given.friendly_name
        line["provisioningContext"] = given.provisioning_context or {}
        if given.participants:
            line["participants"] = [{"key": p.key, "value": p.value} for p in given.participants]
        if given.renews_to is not None:
            line["renewsTo"] = {"termDuration": given.renews_to.term_duration.upper()}
        if given.promotion_id is not None:
            line["promotionId"] = given.promotion_id
        problem = self._problem(item, given, cycle, term, owned)
        if problem is not None:
            line["error"] = {"errorCode": problem.name, "errorDescription": problem.description}
            return line
        assert item is not None
        line["catalogItemId"] = item.catalog_item_id
        price = _money(unit_price(item.sku, term, cycle) * RATES.get(currency, 1.0))
        extended = _money(price * given.quantity * periods(term, cycle))
        line["pricing"] = {
            "listPrice": price,
            "discountedPrice": price,
            "proratedPrice": price,
            "price": price,
            "extendedPrice": extended,
        }
        return line

    def _problem(
        self, item: Item | None, given: CartLineItemIn, cycle: str, term: str, owned: set[str]
    ) -> LineError | None:
        """The first thing wrong with a line item, in cart-resources.md's codes; the texts are the emulator's [I]."""
        if item is None:
            return LineError(  # 10001
                "CatalogItemIdIsNotValid", f"The catalog item id {given.catalog_item_id[:64]} is not valid."
            )
        sku = item.sku
        if (term, cycle) not in sku.terms:
            offered = ", ".join(f"{d} {c}" for d, c in sku.terms)
            return LineError(  # 10010
                "InvalidInput",
                f"The term {term or '(none)'} with billing cycle {cycle} is not offered for {item.catalog_item_id}; "
                f"offered: {offered}.",
            )
        if given.quantity > sku.maximum:
            return LineError(  # 10015
                "MaxAllowedSeatsPerSubscriptionExceeded",
                f"The quantity {given.quantity} is more than the {sku.maximum} seats allowed per subscription.",
            )
        if given.quantity < sku.minimum:
            return LineError(  # 10010
                "InvalidInput", f"The quantity {given.quantity} is less than the minimum of {sku.minimum}."
            )
        if sku.prerequisites and not any(p.upper() in owned for p in sku.prerequisites):
            return LineError(  # 10006
                "UnableToProcessCartLineItem",
                f"The add-on {item.catalog_item_id} needs a subscription to one of {', '.join(sku.prerequisites)}.",
            )
        return None

    # --- checkout -------------------------------------------------------------------------------------------

    def checkout(self, customer: Doc, cart_id: str, *, request_key: str | None = None) -> Checkout:
        """One order per order group, one pending subscription per line item; all or nothing. A retry with the
        same MS-RequestId gets the same orders; a second checkout of the cart 800065."""

        def make(tx: Transaction) -> Checkout:
            cart = self.get(customer, cart_id)
            current = tx.get("carts", cart["id"]) or cart
            if current["status"] != "Active":
                raise CartSubmitted(current["id"])
            if any("error" in line for line in current["lineItems"]):
                raise CartHasErrors()
            if not self.agreements.accepted(customer):
                raise AgreementNotAccepted()
            result = Checkout([], [])
            groups: dict[str, list[Doc]] = {}
            for line in current["lineItems"]:
                groups.setdefault(line["orderGroup"], []).append(line)
            for lines in groups.values():
                self._order(tx, customer, lines, result)
            tx.put("carts", {**current, "status": "Ordered"})
            return result

        return self.once(request_key, make)

    def _order(self, tx: Transaction, customer: Doc, lines: list[Doc], result: Checkout) -> None:
        order_id = self.order_id()
        items = []
        for number, line in enumerate(lines):
            item = self.catalog.item(line["catalogItemId"])
            assert item is not None  # checked when the line was written
            term, cycle = line.get("termDuration", ""), line["billingCycle"]
            entry: Doc = {"lineItemNumber": number, "offerId": item.catalog_item_id}
            if term in MONTHS:  # perpetual software (one_time, no term) makes no subscription
                subscription = self.new_subscription(
                    customer["id"],
                    item,
                    quantity=line["quantity"],
                    term=term,
                    cycle=cycle,
                    order_id=order_id,
                    friendly_name=line.get("friendlyName"),
                    renews_to=line.get("renewsTo", {}).get("termDuration", ""),
                )
                if line.get("promotionId"):
                    subscription["promotionId"] = line["promotionId"]
                tx.put("subscriptions", subscription)
                result.subscriptions.append(subscription)
                entry["subscriptionId"] = subscription["id"]
                entry["termDuration"] = term
            entry |= {"transactionType": "New", "quantity": line["quantity"], "pricing": line["pricing"]}
            items.append(entry)
        order = self.new_order(customer, order_id, items, lines[0]["billingCycle"], lines[0]["currencyCode"])
        tx.put("orders", order)
        result.orders.append(order)
