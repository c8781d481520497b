"""A customer's subscriptions: list, lookup, and changes (quantity, status, auto-renew, friendly name) with etags."""

from __future__ import annotations

import base64
import json

from emulator.partner.models.base import Doc, Model, guid
from emulator.partner.models.errors import (
    BillingCycleChange,
    InvalidInput,
    NotActivated,
    NotAutoRenewable,
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
    def of(self, customer: Doc, order_id: str | None = None) -> list[Doc]:
        subscriptions = self.world.subscriptions.group(customer["id"])
        if order_id is not None:
            subscriptions = [s for s in subscriptions if s["orderId"].lower() == order_id.strip().lower()]
        return subscriptions

    def get(self, customer: Doc, subscription_id: str) -> Doc:
        subscription = self.world.subscriptions.get(guid(subscription_id, "subscription id"))
        if subscription is None or subscription["_customerId"] != customer["id"]:
            raise SubscriptionNotFound(subscription_id)
        return subscription

    def update(self, customer: Doc, subscription_id: str, change: SubscriptionUpdate, *, etags: list[str]) -> Doc:
        """Apply `change` unless an etag given (If-Match, attributes.etag) is stale: update-subscription's rules."""
        with self.store.transaction() as tx:
            current = self.get(customer, subscription_id)
            tag = etag(current)
            if any(_stale(tag, given) for given in etags):
                raise StaleEtag()  # the issue asks for 412 on a stale etag; code and text are error-codes.md's 2055
            if current["status"] == "deleted":
                raise SubscriptionDeleted(current["id"])
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
