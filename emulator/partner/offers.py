"""The offer catalogue for a market: list (category, size/offset) and one offer, in the recorded 2019 shape."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from emulator.partner.common import collection, int_param, invalid_input, query
from emulator.partner.responses import PartnerError, link
from emulator.partner.responses import PartnerJSON as JSON
from emulator.state import EmulatorState

OFFERS_TENANT = "3c95518e-8c37-41e3-9627-0ca339200f53"  # the catalogue tenant in every recorded offer `uri`


def _country(request: Request) -> str:
    country = query(request).get("country")
    if country is None or not country.strip():
        raise invalid_input("'country' is required (a two-letter country code such as US).")
    country = country.strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise invalid_input(f"'country' must be a two-letter country code, got '{country[:16]}'.")
    return country


def offer_document(offer: dict[str, Any], country: str, locale: str) -> dict[str, Any]:
    category = {
        **offer["category"],
        "locale": locale,
        "country": country,
        "attributes": {"objectType": "OfferCategory"},
    }
    doc: dict[str, Any] = {
        "id": offer["id"],
        "name": offer["name"],
        "description": offer["description"],
        "minimumQuantity": offer["minimumQuantity"],
        "maximumQuantity": offer["maximumQuantity"],
        "rank": offer["rank"],
        "uri": f"/{OFFERS_TENANT}/Offers/{offer['id']}",
        "locale": locale,
        "country": country,
        "category": category,
    }
    for key in ("limitUnitOfMeasure", "limit", "termUnitOfMeasure", "term", "prerequisiteOffers", "isAddOn"):
        doc[key] = offer[key]
    doc |= {
        "hasAddOns": offer["hasAddOns"],
        "isAvailableForPurchase": offer["isAvailableForPurchase"],
        "billing": offer["billing"],
        "supportedBillingCycles": offer["supportedBillingCycles"],
        "isAutoRenewable": offer["isAutoRenewable"],
        "isInternal": False,
        "isMicrosoftProduct": True,
        "conversionTargetOffers": [],
        "reselleeQualifications": ["Nonprofit"] if offer["category"].get("id") == "Nonprofit_Key" else [],
        "resellerQualifications": [],
        "salesGroupId": "Default",
        "isTrial": offer["isTrial"],
        "acquisitionType": offer["acquisitionType"],
        "supportedCatalogTypes": ["sandbox", "live"],
        "actions": ["Cancel", "Edit"],
        "product": offer["product"],
        "unitType": offer["unitType"],
        # The recorded learnMore link has no uri.
        "links": {
            "learnMore": {"method": "GET", "headers": []},
            "self": link(f"/offers/{offer['id']}?country={country}"),
        },
        "attributes": {"objectType": "Offer"},
    }
    return doc


def _locale(request: Request) -> str:
    return request.headers.get("x-locale", "en-US").strip()[:16] or "en-US"


async def list_offers(state: EmulatorState, request: Request) -> Response:
    country = _country(request)
    params = query(request)
    category = params.get("offer_category_id")
    offers = list(state.world.offers.values())
    if category:
        offers = [o for o in offers if o["category"].get("id", "").lower() == category.strip().lower()]
    offset = int_param(request, "offset", 0, 0)
    size = int_param(request, "size", 0, 0) or len(offers)
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
    country = _country(request)
    offer = state.world.offers.get(request.path_params["offer_id"].strip().upper())
    if offer is None:
        raise PartnerError(
            404, 1000, f"Not found: no offer with id {request.path_params['offer_id'][:64]} in market {country}."
        )
    return JSON(offer_document(offer, country, _locale(request)))
