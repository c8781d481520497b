"""New Commerce catalogue types and rules: products → SKUs → availabilities → terms, prices and license SKUs.

The data (which products, their ids and terms) is the table in `emulator.nce_products`; the wire shapes are in
`emulator.partner.schemas.resources`. Sources: the facts sheet new-commerce-facts.md §1–3, §5.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

# How a term's billing cycle is written in a term and in a cart or order (facts §1: terms say "Annual", carts
# and orders "monthly"; read case-insensitively).
TERM_CYCLE = {"monthly": "Monthly", "annual": "Annual", "triennial": "Triennial", "one_time": "OneTime"}
MONTHS = {"P1M": 1, "P1Y": 12, "P3Y": 36}
PERIOD_MONTHS = {"monthly": 1, "annual": 12, "triennial": 36}
TERM_TEXT = {"P1M": "One-Month", "P1Y": "One-Year", "P3Y": "Three-Year"}
SEGMENTS = ("commercial", "education", "government", "nonprofit")
# The days after a purchase or an added quantity in which seats can be removed and the purchase cancelled for a
# refund (facts §3: "decrease only within 7 days", cancellation error 900213 names a 168-hour window).
REFUND_DAYS = 7
MONTHLY_PREMIUM = 1.2  # [I] a P1M term costs 20% more a month than P1Y (Microsoft's published NCE rule of 2022)


@dataclass(frozen=True)
class ServicePlan:
    name: str  # serviceName, e.g. EXCHANGE_S_STANDARD
    id: str  # GUID
    display_name: str


@dataclass(frozen=True)
class LicenseSku:
    """What Entra ID knows the SKU as: subscribedskus and licenses (facts §5)."""

    id: str  # the productSku id (a GUID)
    part_number: str  # skuPartNumber, e.g. O365_BUSINESS_ESSENTIALS
    name: str
    plans: tuple[ServicePlan, ...] = ()
    target: str = "User"


@dataclass(frozen=True)
class Sku:
    id: str  # four characters: 0001, 0002 (trial), …
    title: str
    description: str
    terms: tuple[tuple[str, str], ...]  # (termDuration, billingCycle): ("P1Y", "monthly"), ("P1Y", "annual"), …
    price: float  # USD a seat a month on a P1Y term [I]: illustrative list prices, not a price sheet
    availability: str = ""  # twelve characters; derived from the product and SKU when not given
    minimum: int = 1
    maximum: int = 300
    trial: bool = False
    prerequisites: tuple[str, ...] = ()  # "productId:skuId" of the SKUs an add-on needs
    upgrades: tuple[str, ...] = ()  # "productId:skuId" it can transition to
    segments: tuple[str, ...] = ("commercial",)
    license: LicenseSku | None = None
    consumption: str = "license"  # billingType of its subscriptions

    @property
    def add_on(self) -> bool:
        return bool(self.prerequisites)


@dataclass(frozen=True)
class Product:
    id: str  # twelve upper-case characters: CFQ7TTC0LH18
    title: str
    description: str
    views: tuple[str, ...]  # the targetView values that list it
    skus: tuple[Sku, ...]
    product_type: str = "OnlineServicesNCE"
    publisher: str = "Microsoft Corporation"
    by_id: dict[str, Sku] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {s.id.upper(): s for s in self.skus})


def _code(*parts: str, length: int, alphabet: str) -> str:
    digest = hashlib.sha256(":".join(parts).encode()).digest()
    return "".join(alphabet[b % len(alphabet)] for b in digest[:length])


def availability_id(product: Product, sku: Sku, segment: str) -> str:
    """The SKU's availability in a segment: the given id for commercial, else a stable derived one [I]."""
    if sku.availability and segment == "commercial":
        return sku.availability
    return product.id[:8] + _code(product.id, sku.id, segment, length=4, alphabet="0123456789BCDFGHJKLMNPQRSTVWXZ")


def term_id(availability: str, duration: str, cycle: str) -> str:
    """Twelve lower-case characters, as the samples' term ids (5aeco6mffyxo); stable per availability [I]."""
    return _code(availability, duration, cycle, length=12, alphabet="abcdefghijklmnopqrstuvwxyz0123456789")


def unit_price(sku: Sku, duration: str, cycle: str) -> float:
    """The price of one seat for one billing period of the term."""
    monthly = sku.price * (MONTHLY_PREMIUM if duration == "P1M" else 1.0)
    if cycle == "one_time":
        return round(sku.price, 2)
    return round(monthly * PERIOD_MONTHS.get(cycle, 1), 2)


def periods(duration: str, cycle: str) -> int:
    """How many billing periods a term has: P1Y monthly 12, P1Y annual 1, one-time 1."""
    if cycle == "one_time":
        return 1
    return max(1, MONTHS.get(duration, 1) // PERIOD_MONTHS.get(cycle, 1))
