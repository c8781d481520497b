"""License analytics: how many of the seats a customer bought are assigned to its users (deployment), and how many
of those users are active per workload (usage), per customer and for the partner (analytics-resources.md).

Seats sold are the active license-based subscriptions' quantities; seats deployed are the customer's users who hold
the subscription's license SKU (licenseupdates changes them); a deployed seat is active when its user is [I]. The
workloads of a product, and its service (o365 or crm), come from its name [I]: the samples show Office 365
products with Exchange, SharePoint and Skype For Business, Dynamics CRM with its own workload.
"""

from __future__ import annotations

from dataclasses import dataclass

from emulator.partner.models.base import Doc, Model
from emulator.partner.models.licenses import Licenses
from emulator.partner.models.subscriptions import Subscriptions

CHANNEL = "reseller"  # every customer of a direct partner is a reseller customer (the samples' only channel)
SUITE = ("Exchange", "SharePoint", "Skype For Business")


def service_of(product: str) -> str:
    return "crm" if "dynamics" in product.lower() or "crm" in product.lower() else "o365"


def workloads_of(product: str) -> tuple[str, ...]:
    name = product.lower()
    if service_of(product) == "crm":
        return ("Microsoft Dynamics CRM",)
    if "office 365" in name or "microsoft 365" in name:
        return SUITE
    if "exchange" in name:
        return ("Exchange",)
    if "sharepoint" in name:
        return ("SharePoint",)
    return ()


@dataclass
class ProductLicenses:
    """One product a customer subscribes to: seats sold, deployed (assigned) and active (their users active)."""

    customer: Doc
    product: str  # upper case, as the samples write product names
    sold: int = 0
    deployed: int = 0
    active: int = 0

    @property
    def service(self) -> str:
        return service_of(self.product)

    @property
    def workloads(self) -> tuple[str, ...]:
        return workloads_of(self.product)


def percent(part: int, whole: int) -> float:
    """A share in percent, two decimals [I: the samples show only 0.0 and 1.0]."""
    return round(part / whole * 100, 2) if whole else 0.0


class Analytics(Model):
    subscriptions: Subscriptions
    licenses: Licenses

    def bind(self, subscriptions: Subscriptions, licenses: Licenses) -> Analytics:
        self.subscriptions, self.licenses = subscriptions, licenses
        return self

    def products(self, customer: Doc) -> list[ProductLicenses]:
        """The customer's license-based products, in the order of its subscriptions."""
        users = self.world.customer_users.group(customer["id"])
        found: dict[str, ProductLicenses] = {}
        counted: set[tuple[str, str]] = set()  # (product, sku): a SKU's users are counted once per product
        for subscription in self.subscriptions.of(customer):
            if subscription.get("billingType") != "license" or subscription["status"] != "active":
                continue
            name = str(subscription["offerName"]).upper()
            entry = found.setdefault(name, ProductLicenses(customer, name))
            entry.sold += int(subscription["quantity"])
            sku = self.licenses.sku_of(subscription)
            if sku is None or (name, sku.id) in counted:
                continue
            counted.add((name, sku.id))
            holders = [u for u in users if sku.id in u.get("_licenses", ())]
            entry.deployed += len(holders)
            entry.active += sum(1 for u in holders if u.get("state", "active") == "active")
        for entry in found.values():  # never more deployed than sold
            entry.deployed = min(entry.deployed, entry.sold)
            entry.active = min(entry.active, entry.deployed)
        return list(found.values())

    def all_products(self) -> list[ProductLicenses]:
        return [p for customer in self.world.customers for p in self.products(customer)]
