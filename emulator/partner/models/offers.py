"""The legacy offer catalogue (read-only): offers by category, one offer."""

from __future__ import annotations

from emulator.partner.models.base import Doc, Model
from emulator.partner.models.catalog import Catalog
from emulator.partner.models.errors import NewCommerceOnLegacyOffers, OfferNotFound


class Offers(Model):
    def in_category(self, category: str | None) -> list[Doc]:
        offers = list(self.world.offers.values())
        if category:
            offers = [o for o in offers if o["category"].get("id", "").lower() == category.strip().lower()]
        return offers

    def get(self, offer_id: str, country: str) -> Doc:
        offer = self.world.offers.get(offer_id.strip().upper())
        if offer is None:
            if offer_id.strip().upper().split(":")[0] in Catalog.products_by_id:
                raise NewCommerceOnLegacyOffers(offer_id)
            raise OfferNotFound(offer_id, country)
        return offer
