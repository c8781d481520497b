"""What every New Commerce purchase makes, whether from a cart, a transition or a migration: a 12-hex order and
pending subscriptions that turn active on the emulator's clock (new-commerce-facts.md §2–3)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Self

from emulator import formats
from emulator.companies import CURRENCIES
from emulator.nce import MONTHS, REFUND_DAYS
from emulator.partner.models.base import Doc, Model
from emulator.partner.models.catalog import Catalog, Item
from emulator.partner.models.subscriptions import Subscriptions

DAY = 86400.0
NCE_TYPE = {"id": "OnlineServicesNCE", "displayName": "OnlineServicesNCE"}


def commitment_end(start: datetime, term: str) -> datetime:
    """The commitment's last day (inclusive), as commitmentEndDate shows it: a P1Y term from 2026-12-01 ends on
    2027-11-30."""
    return start + timedelta(days=round(MONTHS[term] * 365 / 12)) - timedelta(days=1)


class Purchases(Model):
    catalog: Catalog
    subscriptions: Subscriptions  # transitions and migrations change existing subscriptions

    def on(self, subscriptions: Subscriptions) -> Self:
        self.subscriptions, self.catalog = subscriptions, subscriptions.catalog
        return self

    def order_id(self) -> str:
        return self.ids.guid().replace("-", "")[:12]  # New Commerce order ids: twelve lower-case hex digits

    def new_subscription(
        self,
        customer_id: str,
        item: Item,
        *,
        quantity: int,
        term: str,
        cycle: str,
        order_id: str,
        friendly_name: str | None = None,
        renews_to: str = "",
        end: datetime | None = None,
    ) -> Doc:
        """A pending New Commerce subscription; `_activates`, `_cancelUntil` and `_lots` carry its life."""
        now, epoch = self.now(), self.clock.now()
        sid = self.ids.guid()
        last_day = end if end is not None else commitment_end(now, term)
        base = f"{item.product.id}:{item.sku.id}"
        return {
            "id": sid,
            "offerId": item.catalog_item_id,
            "entitlementId": sid,
            "offerName": item.sku.title,
            "friendlyName": friendly_name or item.sku.title,
            "productType": NCE_TYPE,
            "quantity": quantity,
            "unitType": "Licenses",
            "hasPurchasableAddons": any(
                base in s.prerequisites for p in self.catalog.products_by_id.values() for s in p.skus
            ),
            "creationDate": formats.creation_date(now),
            "effectiveStartDate": formats.day_start(now),
            "commitmentEndDate": formats.day_start(last_day),
            "commitmentEndDateTime": formats.day_end(last_day),
            "cancellationAllowedUntilDate": formats.seconds(epoch + REFUND_DAYS * DAY),
            "status": "pending",
            "autoRenewEnabled": not item.sku.trial,
            "isTrial": item.sku.trial,
            "billingType": "license",
            "billingCycle": cycle,
            "termDuration": term,
            "renewalTermDuration": renews_to,
            "publisherName": item.product.publisher,
            "partnerId": "",
            "attentionNeeded": False,
            "actionTaken": False,
            "orderId": order_id,
            "_customerId": customer_id,
            "_version": 1,
            "_activates": epoch + self.provisioning_delay,
            "_cancelUntil": epoch + REFUND_DAYS * DAY,
            "_lots": [[quantity, epoch + REFUND_DAYS * DAY]],
        }

    def new_order(self, customer: Doc, order_id: str, items: list[Doc], cycle: str, currency: str) -> Doc:
        # checkout-a-cart.md's order writes "US$"; other markets' symbols are the emulator's [I].
        symbol = "US$" if currency == "USD" else next((s for c, s in CURRENCIES.values() if c == currency), "")
        return {
            "id": order_id,
            "alternateId": order_id,
            "referenceCustomerId": customer["id"],
            "billingCycle": cycle,
            "currencyCode": currency,
            "currencySymbol": symbol,
            "lineItems": items,
            "creationDate": formats.creation_date(self.now()),
            "status": "pending",
            "transactionType": "UserPurchase",
            "totalPrice": round(sum(i.get("pricing", {}).get("extendedPrice", 0.0) for i in items), 2),
            "_created": self.clock.now(),
        }
