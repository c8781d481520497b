"""The New Commerce catalogue (read-only): products by targetView and targetSegment, their SKUs, availabilities
and terms, and the catalog item ids (productId:skuId:availabilityId) that carts name."""

from __future__ import annotations

from dataclasses import dataclass

from emulator.nce import SEGMENTS, Product, Sku, availability_id
from emulator.nce_products import PRODUCTS
from emulator.partner.models.base import Model
from emulator.partner.models.errors import (
    AvailabilityNotFound,
    ProductNotFound,
    SegmentNotAllowed,
    SkuNotFound,
    ViewNotAllowed,
)

# Every targetView get-a-list-of-products.md names; those the default catalogue has no products for list none.
TARGET_VIEWS = (
    "Azure", "AzureReservations", "AzureReservationsVM", "AzureReservationsSQL", "AzureReservationsCosmosDb",
    "MicrosoftAzure", "OnlineServices", "Software", "SoftwareSUSELinux", "SoftwarePerpetual",
    "SoftwareSubscriptions", "SpecializedOffers", "MarketplaceSaaS",
)  # fmt: skip
_VIEWS = {v.lower(): v for v in TARGET_VIEWS}


@dataclass(frozen=True)
class Item:
    """One purchasable thing: a SKU's availability in a segment."""

    product: Product
    sku: Sku
    segment: str
    availability: str

    @property
    def catalog_item_id(self) -> str:
        return f"{self.product.id}:{self.sku.id}:{self.availability}"


def _segment(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    segment = value.strip().lower()
    if segment not in SEGMENTS:
        raise SegmentNotAllowed()
    return segment


class Catalog(Model):
    products_by_id = {p.id: p for p in PRODUCTS}
    # The Entra license SKUs the catalogue sells, by their id (lower case).
    licenses = {s.license.id: s.license for p in PRODUCTS for s in p.skus if s.license is not None}

    def products(self, view: str, segment: str | None = None) -> list[Product]:
        name = _VIEWS.get(view.strip().lower())
        if name is None:
            raise ViewNotAllowed()
        wanted = _segment(segment)
        return [
            p for p in PRODUCTS if name in p.views and (wanted is None or any(wanted in s.segments for s in p.skus))
        ]

    def product(self, product_id: str) -> Product:
        product = self.products_by_id.get(product_id.strip().upper())
        if product is None:
            raise ProductNotFound()
        return product

    def skus(self, product_id: str, segment: str | None = None) -> tuple[Product, list[Sku]]:
        product = self.product(product_id)
        wanted = _segment(segment)
        return product, [s for s in product.skus if wanted is None or wanted in s.segments]

    def sku(self, product_id: str, sku_id: str) -> tuple[Product, Sku]:
        product = self.product(product_id)
        sku = product.by_id.get(sku_id.strip().upper())
        if sku is None:
            raise SkuNotFound()
        return product, sku

    def availabilities(self, product_id: str, sku_id: str, segment: str | None = None) -> list[Item]:
        """The SKU's availabilities: in the segment asked for, or in all but nonprofit, which is listed only when
        asked for (get-a-list-of-availabilities-for-a-sku.md)."""
        product, sku = self.sku(product_id, sku_id)
        wanted = _segment(segment)
        segments = [s for s in sku.segments if (s == wanted if wanted else s != "nonprofit")]
        return [Item(product, sku, s, availability_id(product, sku, s)) for s in segments]

    def availability(self, product_id: str, sku_id: str, availability: str) -> Item:
        product, sku = self.sku(product_id, sku_id)
        for segment in sku.segments:
            if availability_id(product, sku, segment) == availability.strip().upper():
                return Item(product, sku, segment, availability_id(product, sku, segment))
        raise AvailabilityNotFound()

    def item(self, catalog_item_id: str) -> Item | None:
        """The item a cart line names, or None when the id does not name one."""
        parts = catalog_item_id.strip().split(":")
        if len(parts) != 3:
            return None
        try:
            return self.availability(*parts)
        except (ProductNotFound, SkuNotFound, AvailabilityNotFound):
            return None

    def is_product_id(self, value: str) -> bool:
        """Whether a legacy offer id is a New Commerce product or catalog item id (for /v1/offers' 2100)."""
        return value.strip().upper().split(":")[0] in self.products_by_id
