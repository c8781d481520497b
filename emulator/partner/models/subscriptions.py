"""A customer's subscriptions: list, lookup, and changes (quantity, status, auto-renew, friendly name) with etags."""

from __future__ import annotations

import base64
import json

from emulator import formats
from emulator.nce import REFUND_DAYS
from emulator.partner.models.base import Doc, Model, guid
from emulator.partner.models.catalog import Catalog
from emulator.partner.models.errors import (
    BillingCycleChange,
    CancellationWindowPassed,
    InvalidInput,
    NotActivated,
    NotAutoRenewable,
    NotReady,
    QuantityNotDecreasable,
    QuantityOutOfRange,
    SeatsNotChangeable,
    StaleEtag,
    StatusNotChangeable,
    SubscriptionDeleted,
    SubscriptionNotFound,
    Suspended,
)
from emulator.partner.schemas.requests import SubscriptionUpdate


def etag(subscription: Doc) -> str:
    """As Partner Center writes it: base64 of {"id": <lower-case id>, "version": n}."""
    raw = json.dumps({"id": subscription["id"].lower(), "version": subscription["_version"]}, separators=(",", ":"))
    return base64.b64encode(raw.encode()).decode()


def _stale(current: str, given: str | None) -> bool:
    return given is not None and given.strip() not in ("", "*", "<etag>") and given.strip().strip('"') != current


class Subscriptions(Model):
    catalog: Catalog  # for New Commerce subscriptions' SKU limits

    def of(self, customer: Doc, order_id: str | None = None) -> list[Doc]:
        subscriptions = self.world.subscriptions.group(customer["id"])
        if order_id is not None:
            subscriptions = [s for s in subscriptions if s["orderId"].lower() == order_id.strip().lower()]
        return [self.current(s) for s in subscriptions]

    def get(self, customer: Doc, subscription_id: str) -> Doc:
        subscription = self.world.subscriptions.get(guid(subscription_id, "subscription id"))
        if subscription is None or subscription["_customerId"] != customer["id"]:
            raise SubscriptionNotFound(subscription_id)
        return self.current(subscription)

    def current(self, subscription: Doc) -> Doc:
        """A New Commerce subscription as it is now on the emulator's clock: active once provisioned, and the
        seats still refundable (lot by lot, each for 7 days after it was bought)."""
        if "_lots" not in subscription:
            return subscription
        now = self.clock.now()
        shown = dict(subscription)
        if shown["status"] == "pending" and now >= shown["_activates"]:
            shown["status"] = "active"
        lots = [(quantity, until) for quantity, until in shown["_lots"] if until > now]
        if shown["status"] in ("active", "suspended") and not shown["isTrial"]:
            if now <= shown["_cancelUntil"]:
                shown["refundOptions"] = [{"type": "Full", "expiresAt": formats.seconds(shown["_cancelUntil"])}]
            shown["refundableQuantity"] = {
                "totalQuantity": sum(quantity for quantity, _ in lots),
                "details": [
                    {"quantity": quantity, "allowedUntilDateTime": formats.seconds(until)} for quantity, until in lots
                ],
            }
        return shown

    def update(self, customer: Doc, subscription_id: str, change: SubscriptionUpdate, *, etags: list[str]) -> Doc:
        """Apply `change` unless an etag given (If-Match, attributes.etag) is stale: update-subscription's rules."""
        with self.store.transaction() as tx:
            current = self.get(customer, subscription_id)
            tag = etag(current)
            if any(_stale(tag, given) for given in etags):
                raise StaleEtag()  # the issue asks for 412 on a stale etag; code and text are error-codes.md's 2055
            if current["status"] in ("deleted", "expired"):
                raise SubscriptionDeleted(current["id"], current["status"])
            if "_lots" in current:
                updated = self._change_new_commerce(current, change)
                if updated != current:
                    stored = {k: v for k, v in updated.items() if k not in ("refundOptions", "refundableQuantity")}
                    stored["_version"] = current["_version"] + 1
                    tx.put("subscriptions", stored)
                    updated = self.current(stored)
                return updated
            offer = self.world.offers.get(current["offerId"].upper(), {})
            updated = dict(current)
            cycle = change.billing_cycle
            if cycle is not None and cycle.lower() != str(current.get("billingCycle", "")).lower():
                raise BillingCycleChange()
            status = change.status
            if status is not None and status.lower() != current["status"]:
                status = status.lower()
                if status not in ("active", "suspended", "none", "pending", "deleted"):
                    raise InvalidInput(f"'status' must be active or suspended, got '{status[:32]}'.")
                if current["status"] == "pending":
                    raise NotActivated()
                if status not in ("active", "suspended"):
                    raise StatusNotChangeable()
                updated["status"] = status
                if status == "suspended":
                    updated["suspensionReasons"] = ["CustomerCancellation"]
                else:
                    updated.pop("suspensionReasons", None)
            quantity = change.quantity
            if quantity is not None and quantity != current["quantity"]:
                if updated["status"] == "suspended":
                    raise Suspended()
                if updated["status"] == "pending":
                    raise NotActivated()
                if current.get("billingType") == "usage":
                    raise SeatsNotChangeable()
                low, high = offer.get("minimumQuantity", 1), offer.get("maximumQuantity", 10000000)
                if not low <= quantity <= high:
                    raise QuantityOutOfRange(f" ({low} to {high}).")
                updated["quantity"] = quantity
            renew = change.auto_renew_enabled
            if renew is not None and renew != current["autoRenewEnabled"]:
                if renew and not offer.get("isAutoRenewable", False):
                    raise NotAutoRenewable()
                updated["autoRenewEnabled"] = renew
            if change.friendly_name is not None:
                updated["friendlyName"] = change.friendly_name
            if updated != current:
                updated["_version"] = current["_version"] + 1
                tx.put("subscriptions", updated)
            return updated

    def _change_new_commerce(self, current: Doc, change: SubscriptionUpdate) -> Doc:
        """New Commerce's rules (facts §3): seats added at any time; removed, or the subscription cancelled, only
        within 7 days of their purchase, lot by lot; auto-renew on and off; suspend and reactivate."""
        if current["status"] == "pending":
            raise NotReady()
        now = self.clock.now()
        updated = dict(current)
        cycle = change.billing_cycle
        if cycle is not None and cycle.lower() != str(current.get("billingCycle", "")).lower():
            raise BillingCycleChange()
        status = (change.status or current["status"]).lower()
        if status == "deleted":
            if now > current["_cancelUntil"]:
                raise CancellationWindowPassed()
            updated.update(status="deleted", autoRenewEnabled=False, _lots=[])
            return updated
        if status != current["status"]:
            if status not in ("active", "suspended"):
                raise InvalidInput(f"'status' must be active, suspended or deleted, got '{status[:32]}'.")
            updated["status"] = status
        quantity = change.quantity
        if quantity is not None and quantity != current["quantity"]:
            if updated["status"] == "suspended":
                raise Suspended()
            item = self.catalog.item(current["offerId"])
            high = item.sku.maximum if item is not None else 10_000
            low = item.sku.minimum if item is not None else 1
            if not low <= quantity <= high:
                raise QuantityOutOfRange(f" ({low} to {high}).")
            lots = [[q, until] for q, until in current["_lots"] if until > now]
            if quantity > current["quantity"]:
                lots.append([quantity - current["quantity"], now + REFUND_DAYS * 86400])
            else:
                removing = current["quantity"] - quantity
                if removing > sum(q for q, _ in lots):
                    raise QuantityNotDecreasable()
                while removing:  # the newest seats go first
                    taken = min(removing, lots[-1][0])
                    lots[-1][0] -= taken
                    removing -= taken
                    if not lots[-1][0]:
                        lots.pop()
            updated["quantity"] = quantity
            updated["_lots"] = lots
        renew = change.auto_renew_enabled
        if renew is not None:
            updated["autoRenewEnabled"] = renew
        if change.friendly_name is not None:
            updated["friendlyName"] = change.friendly_name
        return updated
