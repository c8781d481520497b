"""Licenses: a customer's subscribed SKUs, derived from its subscriptions, and the licenses assigned to its users
(new-commerce-facts.md §5). An assignment is kept on the user; consumed units count the users holding the SKU."""

from __future__ import annotations

from dataclasses import dataclass

from emulator.nce import LicenseSku
from emulator.partner.models.base import Doc, Model
from emulator.partner.models.catalog import Catalog
from emulator.partner.models.errors import LicenseNotAvailable
from emulator.partner.models.subscriptions import Subscriptions
from emulator.partner.models.users import CustomerUsers
from emulator.partner.schemas.requests import LicenseUpdate


@dataclass
class Subscribed:
    """One license SKU of a customer and its units (subscribedskus)."""

    sku: LicenseSku
    active: int = 0
    suspended: int = 0
    consumed: int = 0

    @property
    def available(self) -> int:
        return self.active - self.consumed


class Licenses(Model):
    catalog: Catalog
    subscriptions: Subscriptions
    users: CustomerUsers

    def bind(self, catalog: Catalog, subscriptions: Subscriptions, users: CustomerUsers) -> Licenses:
        self.catalog, self.subscriptions, self.users = catalog, subscriptions, users
        return self

    def sku_of(self, subscription: Doc) -> LicenseSku | None:
        offer = subscription["offerId"]
        item = self.catalog.item(offer)
        if item is not None:
            return item.sku.license
        # A legacy offer's product id is the Entra SKU id (catalog.py's offers); known when New Commerce sells it.
        product = self.world.offers.get(offer.upper(), {}).get("product", {}).get("id", "")
        return self.catalog.licenses.get(product.lower())

    def subscribed(self, customer: Doc) -> list[Subscribed]:
        found: dict[str, Subscribed] = {}
        for subscription in self.subscriptions.of(customer):
            sku = self.sku_of(subscription)
            if sku is None or subscription["status"] not in ("active", "suspended"):
                continue
            entry = found.setdefault(sku.id, Subscribed(sku))
            if subscription["status"] == "active":
                entry.active += subscription["quantity"]
            else:
                entry.suspended += subscription["quantity"]
        for user in self.world.customer_users.group(customer["id"]):
            for sku_id in user.get("_licenses", ()):
                if sku_id in found:
                    found[sku_id].consumed += 1
        return list(found.values())

    def of_user(self, customer: Doc, user_id: str) -> list[LicenseSku]:
        user = self.users.get(customer, user_id)
        return [self.catalog.licenses[s] for s in user.get("_licenses", ()) if s in self.catalog.licenses]

    def update(self, customer: Doc, user_id: str, change: LicenseUpdate) -> list[str]:
        """Assign and remove; an assignment needs an available unit of a SKU the customer subscribes to (60012)."""
        with self.store.transaction() as tx:
            user = self.users.get(customer, user_id)
            held = list(user.get("_licenses", ()))
            for sku_id in change.licenses_to_remove or ():
                if sku_id.lower() in held:
                    held.remove(sku_id.lower())
            available = {s.sku.id: s.available for s in self.subscribed(customer)}
            for sku_id in set(user.get("_licenses", ())) - set(held):
                available[sku_id] = available.get(sku_id, 0) + 1  # removed here: its unit is free again
            assigned = []
            for assignment in change.licenses_to_assign or ():
                sku_id = assignment.sku_id.lower()
                assigned.append(sku_id)
                if sku_id in held:
                    continue
                if available.get(sku_id, 0) <= 0:
                    raise LicenseNotAvailable(sku_id)
                held.append(sku_id)
            tx.put("customerUsers", {**user, "_licenses": held})
            return assigned
