"""The offer catalogue of a market over HTTP: list (category, size/offset) and one offer, in the 2019 shape."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from emulator.partner.common import collection, country_param, int_param, query, wire
from emulator.partner.responses import PartnerJSON as JSON
from emulator.partner.responses import link
from emulator.partner.schemas import billing as b
from emulator.partner.schemas import resources as w
from emulator.state import EmulatorState

OFFERS_TENANT = "3c95518e-8c37-41e3-9627-0ca339200f53"  # the catalogue tenant in every recorded offer `uri`


def offer_document(offer: dict[str, Any], country: str, locale: str) -> b.Offer:
    category = {**offer["category"], "locale": locale, "country": country, "attributes": w.Attributes("OfferCategory")}
    return wire(
        b.Offer,
        offer,
        uri=f"/{OFFERS_TENANT}/Offers/{offer['id']}",
        locale=locale,
        country=country,
        category=category,
        isInternal=False,
        isMicrosoftProduct=True,
        conversionTargetOffers=offer.get("conversionTargetOffers", []),
        reselleeQualifications=["Nonprofit"] if offer["category"].get("id") == "Nonprofit_Key" else [],
        resellerQualifications=[],
        salesGroupId="Default",
        supportedCatalogTypes=["sandbox", "live"],
        actions=["Cancel", "Edit"],
        # The recorded learnMore link has no uri.
        links=w.Links(learn_more=w.Link(), self_=w.Link(f"/offers/{offer['id']}?country={country}")),
        attributes=w.Attributes("Offer"),
    )


def _locale(request: Request) -> str:
    return request.headers.get("x-locale", "en-US").strip()[:16] or "en-US"


async def list_offers(state: EmulatorState, request: Request) -> Response:
    country = country_param(state, request)
    params = query(state, request)
    category = params.get("offer_category_id")
    offers = state.models.offers.in_category(category)
    offset = int_param(params, "offset", 0, 0)
    size = int_param(params, "size", 0, 0) or len(offers)
    chosen = offers[offset : offset + size]
    locale = _locale(request)
    base = f"country={country}" + (f"&offer_category_id={quote(category, safe='')}" if category else "")
    next_link = None
    if offset + size < len(offers):
        next_link = link(f"/offers?{base}&size={size}&offset={offset + size}")
    self_query = base + (f"&size={size}&offset={offset}" if "size" in params else "")
    items = [offer_document(o, country, locale) for o in chosen]
    return JSON(collection(items, f"/offers?{self_query}", next_link=next_link))


async def get_offer(state: EmulatorState, request: Request) -> Response:
    country = country_param(state, request)
    offer = state.models.offers.get(request.path_params["offer_id"], country)
    return JSON(offer_document(offer, country, _locale(request)))
