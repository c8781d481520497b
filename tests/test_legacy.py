"""Legacy offers (issue 15): offer categories, a customer's offers and add-ons, preferred offers, a subscription's
add-ons, trial conversions, upgrades, support contact, Azure reservation registration and order cancellation,
against literal documents (the documented samples' shapes, with the default world's data).

The emulator's clock is fixed (2026-12-01T10:00:00.123456Z) so that every date on the wire is literal.
Sources: docs/sources/legacy-offers.md.
"""

from __future__ import annotations

import base64
import json
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from microsoft.store.partnercenterservices import MicrosoftPartnerStoreApis
from microsoft.store.partnercenterservices import models as m
from msrest.authentication import BasicTokenAuthentication
from starlette.testclient import TestClient

from emulator.app import EmulatorApp
from emulator.clock import Clock
from emulator.config import Config
from emulator.keys import SigningKey
from emulator.state import EmulatorState
from emulator.world import WorldError, default_world_dir, load_world
from tests.helpers import NW, app_token, bearer, serving, user_token

FIXED = datetime(2026, 12, 1, 10, 0, 0, 123456, tzinfo=UTC).timestamp()
DAY = 86400
V = "1"

CONTOSO = NW.CONTOSO  # Microsoft 365 E5 with an Advanced eDiscovery Storage add-on
FABRIKAM = "c13d2ea4-5bee-53d5-988a-6b3a6a13df75"  # Office 365 Business Premium (12), Microsoft Azure
TAILSPIN = "ef0b8fc9-03a9-5660-a812-afdcb0ec6c6f"  # GB: Office 365 E3, suspended
WINGTIP = "72df8664-689f-50a3-9f34-c0f099b9f1c5"  # Business Essentials (8), Exchange Online pending
ADVENTURE = "7174f1a0-ff2b-51ff-9c5b-90365681bade"  # a deleted Microsoft 365 E3 trial
RELECLOUD = "2c73a04d-1f09-5178-a991-1fc0646eb835"  # DE: a running Office 365 Business Premium trial

CONTOSO_E5 = "2517076F-2EB0-5DB1-AD7B-3586F9840D02"
CONTOSO_EDISCOVERY = "C52B9469-DBA5-5A6C-85D2-8B68087FAD42"
FABRIKAM_PREMIUM = "4788E20A-B38D-5A45-9312-001442304095"
FABRIKAM_AZURE = "166CCA8E-FD89-5BAA-A2D8-C708589BF976"
TAILSPIN_E3 = "548E8BD1-EDC1-5542-99B3-D22CD1251AA1"
WINGTIP_ESSENTIALS = "584C4862-AE08-514B-8B7B-E496F1692588"
WINGTIP_EXCHANGE = "C301D754-3A99-59ED-AED4-F3FC97B3C6F2"
ADVENTURE_TRIAL = "CFE36056-3B36-5ABF-AE77-EC3E28F95BA9"
RELECLOUD_TRIAL = "A2BC9D48-F1DC-5F02-8E03-D08CB6EE54FD"
RELECLOUD_TRIAL_ORDER = "94853071-b0b6-50e0-a5fc-a1a17a42ef79"

M365_E5 = "8BDBB60B-E526-43E9-92EF-AB760C8E0B72"
O365_E3 = "796B6B5F-613C-4E24-A17C-EBA730D49C02"
PREMIUM = "031C9E47-4802-4248-838E-778FB1D2CC05"
ESSENTIALS = "BD938F12-058F-4927-BBA3-AE36B1D2501C"
EXCHANGE = "195416C1-3447-423A-B37B-EE59A99A19C4"
ARCHIVING = "2828BE95-46BA-4F91-B2FD-0BEF192ECF60"
EDISCOVERY = "1C410588-DA3B-4F88-B38F-707EB9DE46C0"
PREMIUM_TRIAL = "C0BD2E08-11AC-4836-BDC7-3712E744922F"
RETIRED = "F1B2C3D4-5E6F-4A7B-8C9D-0E1F2A3B4C5D"
OFFERS_TENANT = "3c95518e-8c37-41e3-9627-0ca339200f53"
PREMIUM_LICENSE = "f245ecc8-75af-4f8e-b61f-27d8114de5f3"  # O365_BUSINESS_PREMIUM
E5_LICENSE = "06ebc4ee-1bb5-47dd-8120-11324bc54e06"  # SPE_E5
SQL_DEVICE_CAL = "DG7GMGF0MF3T:0001:DG7GMGF021J8"
SQL_USER_CAL = "DG7GMGF0MF3T:0002:DG7GMGF0Q8ZP"


def error(code: int | str, description: str, data: list[str] | None = None) -> dict[str, Any]:
    return {"code": code, "description": description, "data": data or [], "source": "PartnerFD"}


def link(uri: str, method: str = "GET") -> dict[str, Any]:
    return {"uri": uri, "method": method, "headers": []}


def etag(subscription_id: str, version: int) -> str:
    raw = json.dumps({"id": subscription_id.lower(), "version": version}, separators=(",", ":"))
    return base64.b64encode(raw.encode()).decode()


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Clock, "now", lambda self: FIXED + self.offset)


@pytest.fixture
def user(state: EmulatorState) -> dict[str, str]:
    return bearer(user_token(state, NW.ADMIN, ["pwd", "mfa"]))


@pytest.fixture
def app(state: EmulatorState) -> dict[str, str]:
    return bearer(app_token(state))


@pytest.fixture
def sdk(emulator_app: EmulatorApp) -> Iterator[MicrosoftPartnerStoreApis]:
    token = user_token(emulator_app.state, NW.ADMIN, ["pwd", "mfa"])
    with serving(emulator_app) as url:
        client = MicrosoftPartnerStoreApis(BasicTokenAuthentication({"access_token": token}), base_url=url)
        client.config.retry_policy.policy.status_forcelist = []
        client.config.retry_policy.policy.respect_retry_after_header = False
        yield client


APP_ONLY_REFUSED = error(
    400,
    "Access denied: this operation supports App+User authentication only; the token is app-only (client "
    "credentials). Sign in a user and call with that token.",
)


def category(cid: str, name: str, rank: int, country: str = "US", locale: str = "en-US") -> dict[str, Any]:
    return {
        "id": cid,
        "name": name,
        "rank": rank,
        "locale": locale,
        "country": country,
        "attributes": {"objectType": "OfferCategory"},
    }


def e5_offer(country: str = "US", locale: str = "en-US") -> dict[str, Any]:
    """Microsoft 365 E5 as the offers API writes it (the recorded 2019 shape)."""
    return {
        "id": M365_E5,
        "name": "Microsoft 365 E5",
        "description": "Office 365 Enterprise E5, Enterprise Mobility + Security E5, and Window 10 Enterprise E5. This "
        "per-user licensed suite of products offers customers the latest, most advanced enterprise security, "
        "management, collaboration, and business analytics.",
        "minimumQuantity": 1,
        "maximumQuantity": 10000000,
        "rank": 174,
        "uri": f"/{OFFERS_TENANT}/Offers/{M365_E5}",
        "locale": locale,
        "country": country,
        "category": category("Enterprise_Key", "Enterprise", 20, country, locale),
        "limitUnitOfMeasure": "None",
        "limit": 0,
        "termUnitOfMeasure": "Year",
        "term": 1,
        "prerequisiteOffers": [],
        "isAddOn": False,
        "hasAddOns": True,
        "isAvailableForPurchase": True,
        "billing": "license",
        "supportedBillingCycles": ["annual", "monthly"],
        "isAutoRenewable": True,
        "isInternal": False,
        "isMicrosoftProduct": True,
        "conversionTargetOffers": [],
        "reselleeQualifications": [],
        "resellerQualifications": [],
        "salesGroupId": "Default",
        "isTrial": False,
        "acquisitionType": "purchase",
        "supportedCatalogTypes": ["sandbox", "live"],
        "actions": ["Cancel", "Edit"],
        "product": {"id": "06EBC4EE-1BB5-47DD-8120-11324BC54E06", "name": "Microsoft 365 E5", "unit": "Licenses"},
        "unitType": "Licenses",
        "links": {"learnMore": {"method": "GET", "headers": []}, "self": link(f"/offers/{M365_E5}?country={country}")},
        "attributes": {"objectType": "Offer"},
    }


# --- offer categories ------------------------------------------------------------------------------------------

# The recorded answer (Partner-Center-PowerShell GetPartnerOfferCategory.json, 2019) lists Enterprise 20, Small
# business 30, Nonprofit 60 and Trial 70; the default catalogue also sells a Government offer (rank 40, as
# get-a-list-of-offer-categories-by-country-and-locale.md's sample).
CATEGORIES = [
    ("Enterprise_Key", "Enterprise", 20),
    ("SmallBusiness_Key", "Small business", 30),
    ("Government_Key", "Government", 40),
    ("Nonprofit_Key", "Nonprofit", 60),
    ("Trial_Key", "Trial", 70),
]


def test_offer_categories_of_a_market_as_recorded(client: TestClient, app: dict[str, str]) -> None:
    response = client.get("/v1/offercategories?country=gb", headers={**app, "X-Locale": "en-GB"})
    assert response.status_code == 200
    assert response.json() == {
        "totalCount": 5,
        "items": [category(i, n, r, "GB", "en-GB") for i, n, r in CATEGORIES],
        "attributes": {"objectType": "Collection"},
    }


def test_offer_categories_with_the_sdk(sdk: MicrosoftPartnerStoreApis) -> None:
    page = sdk.getvversionoffercategoriescountrycountry.value(V, country="US")
    assert [(c.id, c.name, c.rank, c.country, c.locale) for c in page.items] == [
        (i, n, r, "US", "en-US") for i, n, r in CATEGORIES
    ]
    mine = sdk.getvversioncustomerscustomer.idoffercategories(TAILSPIN, V)
    assert [(c.id, c.country) for c in mine.items] == [(i, "GB") for i, _, _ in CATEGORIES]


def test_a_customers_offer_categories(client: TestClient, app: dict[str, str]) -> None:
    body = client.get(f"/v1/customers/{TAILSPIN}/offercategories", headers=app).json()
    assert body == {
        "totalCount": 5,
        "items": [category(i, n, r, "GB") for i, n, r in CATEGORIES],
        "attributes": {"objectType": "Collection"},
    }


@pytest.mark.parametrize(
    ("path", "status", "body"),
    [
        ("/v1/offercategories", 400,
         error(800002, "Invalid request input: 'country' is required (a two-letter country code such as US).")),
        ("/v1/offercategories?country=USA", 400,
         error(800002, "Invalid request input: 'country' must be a two-letter country code, got 'USA'.")),
        ("/v1/customers/00000000-0000-0000-0000-000000000001/offercategories", 404,
         error(60003, "Tenant not found: no customer with id 00000000-0000-0000-0000-000000000001 in this partner's "
               "customers.")),
    ],
)  # fmt: skip
def test_offer_categories_bad_input(
    client: TestClient, app: dict[str, str], path: str, status: int, body: dict[str, Any]
) -> None:
    response = client.get(path, headers=app)
    assert (response.status_code, response.json()) == (status, body)


# --- a customer's offers and add-ons ----------------------------------------------------------------------------


def premium_trial_offer(country: str) -> dict[str, Any]:
    """The trial of convert-a-trial-subscription-to-paid.md, with its conversion target on the wire."""
    return {
        "id": PREMIUM_TRIAL,
        "name": "Office 365 Business Premium Trial",
        "description": "A 30-day trial of Office 365 Business Premium for up to 25 users.",
        "minimumQuantity": 1,
        "maximumQuantity": 25,
        "rank": 57,
        "uri": f"/{OFFERS_TENANT}/Offers/{PREMIUM_TRIAL}",
        "locale": "en-US",
        "country": country,
        "category": category("Trial_Key", "Trial", 70, country),
        "limitUnitOfMeasure": "None",
        "limit": 0,
        "termUnitOfMeasure": "Year",
        "term": 1,
        "prerequisiteOffers": [],
        "isAddOn": False,
        "hasAddOns": False,
        "isAvailableForPurchase": True,
        "billing": "license",
        "supportedBillingCycles": ["none"],
        "isAutoRenewable": True,
        "isInternal": False,
        "isMicrosoftProduct": True,
        "conversionTargetOffers": [PREMIUM],
        "reselleeQualifications": [],
        "resellerQualifications": [],
        "salesGroupId": "Default",
        "isTrial": True,
        "acquisitionType": "trial",
        "supportedCatalogTypes": ["sandbox", "live"],
        "actions": ["Cancel", "Edit"],
        "product": {
            "id": "F245ECC8-75AF-4F8E-B61F-27D8114DE5F3",
            "name": "Office 365 Business Premium Trial",
            "unit": "Licenses",
        },
        "unitType": "Licenses",
        "links": {
            "learnMore": {"method": "GET", "headers": []},
            "self": link(f"/offers/{PREMIUM_TRIAL}?country={country}"),
        },
        "attributes": {"objectType": "Offer"},
    }


def test_a_customers_offers_in_its_market(client: TestClient, app: dict[str, str]) -> None:
    body = client.get(f"/v1/customers/{TAILSPIN}/offers", headers=app).json()
    # Every offer on sale, in the customer's market (GB); the retired Dynamics offer is not sold any more.
    assert body["totalCount"] == 12
    assert RETIRED not in {o["id"] for o in body["items"]}
    assert {o["country"] for o in body["items"]} == {"GB"}
    assert body["links"] == {"self": link(f"/customers/{TAILSPIN}/offers")}
    trials = client.get(f"/v1/customers/{TAILSPIN}/offers?offer_category_id=trial_key", headers=app).json()
    assert trials == {
        "totalCount": 1,
        "items": [premium_trial_offer("GB")],
        "links": {"self": link(f"/customers/{TAILSPIN}/offers?offer_category_id=trial_key")},
        "attributes": {"objectType": "Collection"},
    }


def test_a_customers_offers_page_by_page(client: TestClient, app: dict[str, str]) -> None:
    first = client.get(f"/v1/customers/{FABRIKAM}/offers?size=5&offset=0", headers=app).json()
    assert first["totalCount"] == 5
    assert first["items"][0] == e5_offer()
    assert first["links"] == {
        "self": link(f"/customers/{FABRIKAM}/offers?size=5&offset=0"),
        "next": link(f"/customers/{FABRIKAM}/offers?size=5&offset=5"),
    }
    last = client.get(f"/v1/customers/{FABRIKAM}/offers?size=5&offset=10", headers=app).json()
    assert (last["totalCount"], "next" in last["links"]) == (2, False)
    small = client.get(f"/v1/customers/{FABRIKAM}/offers?offer_category_id=SmallBusiness_Key", headers=app).json()
    assert [o["id"] for o in small["items"]] == [PREMIUM, ESSENTIALS]


def test_a_customers_offers_with_the_sdk(sdk: MicrosoftPartnerStoreApis) -> None:
    page = sdk.getvversioncustomerscustomer.value2(FABRIKAM, V, offer_category_id="Trial_Key")
    assert [(o.id, o.is_trial, o.conversion_target_offers, o.country) for o in page.items] == [
        (PREMIUM_TRIAL, True, [PREMIUM], "US")
    ]
    add_ons = sdk.getvversioncustomerscustomer.idaddons1(CONTOSO, M365_E5, V)
    assert [(o.id, o.is_add_on) for o in add_ons.items] == [(EDISCOVERY, True)]


ARCHIVING_OFFER = {
    "id": ARCHIVING,
    "name": "Exchange Online Archiving for Exchange Online",
    "description": "Cloud-based archiving for Exchange Online mailboxes.",
    "minimumQuantity": 1,
    "maximumQuantity": 10000000,
    "rank": 0,
    "uri": f"/{OFFERS_TENANT}/Offers/{ARCHIVING}",
    "locale": "en-US",
    "country": "US",
    "category": category("", "", 0),
    "limitUnitOfMeasure": "None",
    "limit": 0,
    "termUnitOfMeasure": "Year",
    "term": 1,
    "prerequisiteOffers": [EXCHANGE, O365_E3],
    "isAddOn": True,
    "hasAddOns": False,
    "isAvailableForPurchase": True,
    "billing": "license",
    "supportedBillingCycles": ["annual", "monthly"],
    "isAutoRenewable": True,
    "isInternal": False,
    "isMicrosoftProduct": True,
    "conversionTargetOffers": [],
    "reselleeQualifications": [],
    "resellerQualifications": [],
    "salesGroupId": "Default",
    "isTrial": False,
    "acquisitionType": "purchase",
    "supportedCatalogTypes": ["sandbox", "live"],
    "actions": ["Cancel", "Edit"],
    "product": {
        "id": "EE02FD1B-340E-4A4B-B355-4A514E4C8943",
        "name": "Exchange Online Archiving for Exchange Online",
        "unit": "Add-On Licenses",
    },
    "unitType": "Add-On Licenses",
    "links": {"learnMore": {"method": "GET", "headers": []}, "self": link(f"/offers/{ARCHIVING}?country=US")},
    "attributes": {"objectType": "Offer"},
}


def test_the_add_ons_of_an_offer_as_documented(client: TestClient, app: dict[str, str]) -> None:
    # get-addon-offers-by-offer-id.md's request: Exchange Online (Plan 1), whose add-ons include Exchange Online
    # Archiving (2828BE95-…, the sample's first item).
    response = client.get(f"/v1/offers/{EXCHANGE}/addons?country=us", headers=app)
    assert response.status_code == 200
    assert response.json() == {"totalCount": 1, "items": [ARCHIVING_OFFER], "attributes": {"objectType": "Collection"}}
    by_e3 = client.get(f"/v1/offers/{O365_E3.lower()}/addons?country=US", headers=app).json()
    assert [o["id"] for o in by_e3["items"]] == [ARCHIVING, EDISCOVERY]
    none = client.get(f"/v1/offers/{PREMIUM}/addons?country=US", headers=app).json()
    assert none == {"totalCount": 0, "items": [], "attributes": {"objectType": "Collection"}}
    mine = client.get(f"/v1/customers/{WINGTIP}/offers/{EXCHANGE}/addons", headers=app).json()
    assert mine == {"totalCount": 1, "items": [ARCHIVING_OFFER], "attributes": {"objectType": "Collection"}}


def test_the_add_ons_of_an_offer_with_the_sdk(sdk: MicrosoftPartnerStoreApis) -> None:
    page = sdk.getvversionoffersoffer.value(EXCHANGE, V, country="US")
    assert [(o.id, o.prerequisite_offers, o.product.unit) for o in page.items] == [
        (ARCHIVING, [EXCHANGE, O365_E3], "Add-On Licenses")
    ]


@pytest.mark.parametrize(
    ("path", "status", "body"),
    [
        ("/v1/offers/NOPE/addons?country=US", 404, error(1000, "Not found: no offer with id NOPE in market US.")),
        ("/v1/offers/CFQ7TTC0LH18/addons?country=US", 400,
         error(2100, "The offer id CFQ7TTC0LH18 is a New Commerce product: read it from /v1/products.")),
        (f"/v1/offers/{EXCHANGE}/addons", 400,
         error(800002, "Invalid request input: 'country' is required (a two-letter country code such as US).")),
        (f"/v1/customers/{FABRIKAM}/offers/NOPE/addons", 404,
         error(1000, "Not found: no offer with id NOPE in market US.")),
        (f"/v1/customers/{FABRIKAM}/offers?size=ten", 400,
         error(800002, "Invalid request input: 'size' must be an integer, got 'ten'.")),
        (f"/v1/customers/{FABRIKAM}/offers?offset=-1", 400,
         error(800002, "Invalid request input: 'offset' must be at least 0, got -1.")),
        ("/v1/customers/not-a-guid/offers", 400,
         error(800002, "Invalid request input: the customer id 'not-a-guid' is not a GUID.")),
        ("/v1/customers/00000000-0000-0000-0000-000000000001/offers/NOPE/addons", 404,
         error(60003, "Tenant not found: no customer with id 00000000-0000-0000-0000-000000000001 in this partner's "
               "customers.")),
    ],
)  # fmt: skip
def test_offers_and_add_ons_bad_input(
    client: TestClient, app: dict[str, str], path: str, status: int, body: dict[str, Any]
) -> None:
    response = client.get(path, headers=app)
    assert (response.status_code, response.json()) == (status, body)


# --- the partner's preferred offers ---------------------------------------------------------------------------


def test_preferred_offers_are_kept(client: TestClient, app: dict[str, str], user: dict[str, str]) -> None:
    path = "/v1/preferences/catalog/offers"
    assert client.get(path, headers=app).json() == [M365_E5, PREMIUM]
    saved = client.put(path, json=[O365_E3.lower(), ARCHIVING, O365_E3], headers=user)
    assert (saved.status_code, saved.json()) == (200, [O365_E3, ARCHIVING])
    assert client.get(path, headers=user).json() == [O365_E3, ARCHIVING]
    assert client.put(path, json=[], headers=app).json() == []
    assert client.get(path, headers=app).json() == []


@pytest.mark.parametrize(
    ("body", "status", "answer"),
    [
        ({"offerIds": [M365_E5]}, 400, error(800002, "Invalid request input: the body must be a JSON array of offer ids.")),
        ([M365_E5, "NOPE"], 400, error(800004, "Invalid offer Id: NOPE")),
        ([M365_E5, 42], 400, error(800002, "Invalid request input: '[1]' must be a non-empty string (an offer id).")),
        ([" "], 400, error(800002, "Invalid request input: '[0]' must be a non-empty string (an offer id).")),
        ([M365_E5] * 1001, 400, error(800002, "Invalid request input: at most 1000 offer ids.")),
        (b"", 400, error(800002, "Invalid request input: the request has no body; a JSON array of offer ids is "
                                 "expected.")),
        (b"[\"8BDBB60B", 400, error(800002, "Invalid request input: the body is not valid JSON.")),
    ],
)  # fmt: skip
def test_preferred_offers_bad_input(
    client: TestClient, app: dict[str, str], body: Any, status: int, answer: Any
) -> None:
    path = "/v1/preferences/catalog/offers"
    if isinstance(body, bytes):
        response = client.put(path, content=body, headers={**app, "Content-Type": "application/json"})
    else:
        response = client.put(path, json=body, headers=app)
    assert (response.status_code, response.json()) == (status, answer)
    assert client.get(path, headers=app).json() == [M365_E5, PREMIUM]  # nothing changed


def test_preferred_offers_with_the_sdk(sdk: MicrosoftPartnerStoreApis) -> None:
    assert sdk.getvversionpreferencescatalogoffers(V) == [M365_E5, PREMIUM]
    assert sdk.putvversionpreferencescatalogoffers([EXCHANGE], V) == [EXCHANGE]
    assert sdk.getvversionpreferencescatalogoffers(V) == [EXCHANGE]


# --- a subscription's add-ons ---------------------------------------------------------------------------------


def test_a_subscriptions_add_ons(client: TestClient, app: dict[str, str]) -> None:
    path = f"/v1/customers/{CONTOSO}/subscriptions/{CONTOSO_E5.lower()}/addons"
    response = client.get(path, headers=app)
    assert response.status_code == 200
    assert response.json() == {
        "totalCount": 1,
        "items": [
            {
                "id": CONTOSO_EDISCOVERY,
                "offerId": EDISCOVERY,
                "entitlementId": CONTOSO_EDISCOVERY,
                "offerName": "Advanced eDiscovery Storage",
                "friendlyName": "Advanced eDiscovery Storage",
                "quantity": 2,
                "unitType": "Add-On Licenses",
                "parentSubscriptionId": CONTOSO_E5,
                "hasPurchasableAddons": False,
                "creationDate": "2026-01-05T00:00:00.00Z",
                "effectiveStartDate": "2026-01-05T00:00:00Z",
                "commitmentEndDate": "2027-01-05T00:00:00Z",
                "status": "active",
                "autoRenewEnabled": True,
                "isTrial": False,
                "billingType": "license",
                "billingCycle": "monthly",
                "termDuration": "P1Y",
                "actions": ["Cancel", "Edit"],
                "contractType": "subscription",
                "links": {
                    "offer": link(f"/offers/{EDISCOVERY}?country=US"),
                    "parentSubscription": link(f"/customers/{CONTOSO}/subscriptions/{CONTOSO_E5}"),
                    "self": link(f"/customers/{CONTOSO}/subscriptions/{CONTOSO_EDISCOVERY}"),
                },
                "orderId": "5b08c525-d290-5201-a867-a67da9899055",
                "attributes": {"etag": etag(CONTOSO_EDISCOVERY, 1), "objectType": "Subscription"},
            }
        ],
        "attributes": {"objectType": "Collection"},
    }
    # An add-on bought on the parent shows in the next read.
    order = {
        "BillingCycle": "monthly",
        "LineItems": [{"LineItemNumber": 0, "OfferId": EDISCOVERY, "Quantity": 3, "ParentSubscriptionId": CONTOSO_E5}],
    }
    assert client.post(f"/v1/customers/{CONTOSO}/orders", json=order, headers=app).status_code == 201
    after = client.get(path, headers=app).json()
    assert [(s["offerId"], s["quantity"], s["parentSubscriptionId"]) for s in after["items"]] == [
        (EDISCOVERY, 2, CONTOSO_E5),
        (EDISCOVERY, 3, CONTOSO_E5),
    ]
    none = client.get(f"/v1/customers/{CONTOSO}/subscriptions/{CONTOSO_EDISCOVERY}/addons", headers=app).json()
    assert none == {"totalCount": 0, "items": [], "attributes": {"objectType": "Collection"}}


def test_a_subscriptions_add_ons_with_the_sdk(sdk: MicrosoftPartnerStoreApis) -> None:
    page = sdk.getvversioncustomerscustomer.idaddons(CONTOSO, CONTOSO_E5, V)
    assert [(s.id, s.parent_subscription_id, s.quantity) for s in page.items] == [(CONTOSO_EDISCOVERY, CONTOSO_E5, 2)]


@pytest.mark.parametrize(
    ("path", "status", "body"),
    [
        (f"/v1/customers/{CONTOSO}/subscriptions/{FABRIKAM_PREMIUM}/addons", 404,
         error(20003, f"Subscription with id {FABRIKAM_PREMIUM} not found.")),
        (f"/v1/customers/{CONTOSO}/subscriptions/E5/addons", 400,
         error(800002, "Invalid request input: the subscription id 'E5' is not a GUID.")),
        (f"/v1/customers/00000000-0000-0000-0000-000000000001/subscriptions/{CONTOSO_E5}/addons", 404,
         error(60003, "Tenant not found: no customer with id 00000000-0000-0000-0000-000000000001 in this partner's "
               "customers.")),
    ],
)  # fmt: skip
def test_a_subscriptions_add_ons_bad_input(
    client: TestClient, app: dict[str, str], path: str, status: int, body: dict[str, Any]
) -> None:
    response = client.get(path, headers=app)
    assert (response.status_code, response.json()) == (status, body)


# --- trial conversions ------------------------------------------------------------------------------------------

TRIAL_PATH = f"/v1/customers/{RELECLOUD}/subscriptions/{RELECLOUD_TRIAL}"


def test_a_trials_conversions_as_documented(client: TestClient, user: dict[str, str]) -> None:
    # get-a-list-of-trial-conversion-offers.md's sample: the same trial and target offers, 25 seats, monthly.
    response = client.get(f"{TRIAL_PATH}/conversions", headers=user)
    assert response.status_code == 200
    assert response.json() == {
        "totalCount": 1,
        "items": [
            {
                "offerId": PREMIUM_TRIAL,
                "targetOfferId": PREMIUM,
                "orderId": RELECLOUD_TRIAL_ORDER,
                "quantity": 25,
                "billingCycle": "monthly",
                "attributes": {"objectType": "Conversion"},
            }
        ],
        "attributes": {"objectType": "Collection"},
    }
    # Not a trial, or a trial no longer running: nothing to convert.
    for customer, subscription in ((FABRIKAM, FABRIKAM_PREMIUM), (ADVENTURE, ADVENTURE_TRIAL)):
        none = client.get(f"/v1/customers/{customer}/subscriptions/{subscription}/conversions", headers=user)
        assert none.json() == {"totalCount": 0, "items": [], "attributes": {"objectType": "Collection"}}


def test_converting_a_trial_keeps_its_subscription(client: TestClient, user: dict[str, str]) -> None:
    body = {
        "OfferId": PREMIUM_TRIAL,
        "TargetOfferId": PREMIUM,
        "OrderId": RELECLOUD_TRIAL_ORDER,
        "Quantity": 10,
        "BillingCycle": "annual",
        "Attributes": {"ObjectType": "Conversion"},
    }
    headers = {**user, "MS-RequestId": "bd0cde7f-ba87-4010-8a73-1190b641f2a4"}
    response = client.post(f"{TRIAL_PATH}/conversions", json=body, headers=headers)
    # convert-a-trial-subscription-to-paid.md's answer.
    assert (response.status_code, response.json()) == (
        200,
        {
            "subscriptionId": RELECLOUD_TRIAL,
            "offerId": PREMIUM_TRIAL,
            "targetOfferId": PREMIUM,
            "attributes": {"objectType": "ConversionResult"},
        },
    )
    # "the subscription ID of the trial is reused for the purchased licenses": the same subscription, now paid.
    paid = client.get(TRIAL_PATH, headers=user).json()
    order_id = paid["orderId"]
    assert order_id != RELECLOUD_TRIAL_ORDER
    assert paid == {
        "id": RELECLOUD_TRIAL,
        "offerId": PREMIUM,
        "entitlementId": RELECLOUD_TRIAL,
        "offerName": "Office 365 Business Premium",
        "friendlyName": "Office 365 Business Premium Trial",
        "quantity": 10,
        "unitType": "Licenses",
        "hasPurchasableAddons": True,
        "creationDate": "2026-01-15T10:10:00.00Z",
        "effectiveStartDate": "2026-12-01T00:00:00Z",
        "commitmentEndDate": "2027-12-01T00:00:00Z",
        "status": "active",
        "autoRenewEnabled": True,
        "isTrial": False,
        "billingType": "license",
        "billingCycle": "annual",
        "termDuration": "P1Y",
        "actions": ["Cancel", "Edit"],
        "contractType": "subscription",
        "links": {
            "offer": link(f"/offers/{PREMIUM}?country=DE"),
            "self": link(f"/customers/{RELECLOUD}/subscriptions/{RELECLOUD_TRIAL}"),
        },
        "orderId": order_id,
        "attributes": {"etag": etag(RELECLOUD_TRIAL, 2), "objectType": "Subscription"},
    }
    order = client.get(f"/v1/customers/{RELECLOUD}/orders/{order_id}", headers=user).json()
    assert order == {
        "id": order_id,
        "referenceCustomerId": RELECLOUD,
        "billingCycle": "annual",
        "currencyCode": "EUR",
        "lineItems": [
            {
                "lineItemNumber": 0,
                "offerId": PREMIUM,
                "subscriptionId": RELECLOUD_TRIAL,
                "friendlyName": "Office 365 Business Premium Trial",
                "quantity": 10,
                "links": {"subscription": link(f"/customers/{RELECLOUD}/subscriptions/{RELECLOUD_TRIAL}")},
            }
        ],
        "creationDate": "2026-12-01T10:00:00.123Z",
        "status": "pending",
        "links": {
            "provisioningStatus": link(f"/customers/{RELECLOUD}/orders/{order_id}/provisioningstatus"),
            "self": link(f"/customers/{RELECLOUD}/orders/{order_id}"),
        },
        "attributes": {"objectType": "Order"},
    }
    # No longer a trial: nothing left to convert; a retry with the same MS-RequestId gets the first answer.
    assert client.get(f"{TRIAL_PATH}/conversions", headers=user).json()["totalCount"] == 0
    again = client.post(f"{TRIAL_PATH}/conversions", json=body, headers=headers)
    assert again.json() == response.json()
    assert client.get(TRIAL_PATH, headers=user).json()["attributes"]["etag"] == etag(RELECLOUD_TRIAL, 2)
    # A second conversion (another request id) finds none; the trial's offer is no longer the subscription's.
    late = client.post(f"{TRIAL_PATH}/conversions", json={"targetOfferId": PREMIUM}, headers=user)
    assert (late.status_code, late.json()) == (
        200,
        {
            "subscriptionId": RELECLOUD_TRIAL,
            "offerId": PREMIUM,
            "targetOfferId": PREMIUM,
            "error": {
                "code": 1,
                "description": f"No conversion found for subscription {RELECLOUD_TRIAL}: it is not an active trial.",
                "attributes": {"objectType": "ConversionError"},
            },
            "attributes": {"objectType": "ConversionResult"},
        },
    )
    stale = client.post(f"{TRIAL_PATH}/conversions", json=body, headers=user)
    assert (stale.status_code, stale.json()) == (
        400,
        error(800002, f"Invalid request input: 'offerId' {PREMIUM_TRIAL} is not the offer of subscription "
              f"{RELECLOUD_TRIAL} ({PREMIUM})."),
    )  # fmt: skip


def test_converting_with_the_sdk(sdk: MicrosoftPartnerStoreApis) -> None:
    conversions = sdk.getvversioncustomerscustomer.idconversions(RELECLOUD, RELECLOUD_TRIAL, V)
    chosen = conversions.items[0]
    assert (chosen.offer_id, chosen.target_offer_id, chosen.quantity) == (PREMIUM_TRIAL, PREMIUM, 25)
    result = sdk.postvversioncustomerscustomer.idconversions(RELECLOUD, RELECLOUD_TRIAL, chosen, V)
    assert (result.subscription_id, result.offer_id, result.target_offer_id, result.error) == (
        RELECLOUD_TRIAL, PREMIUM_TRIAL, PREMIUM, None
    )  # fmt: skip
    paid = sdk.getvversioncustomerscustomer.id6(RELECLOUD, RELECLOUD_TRIAL, V)
    assert (paid.offer_id, paid.quantity, paid.is_trial, paid.billing_cycle) == (PREMIUM, 25, False, "monthly")


@pytest.mark.parametrize(
    ("body", "status", "answer"),
    [
        ({"offerId": PREMIUM_TRIAL}, 400, error(800002, "Invalid request input: 'targetOfferId' is required.")),
        ({"targetOfferId": 42}, 400, error(3000, "Invalid property: 'targetOfferId' must be a non-empty string.")),
        ({"targetOfferId": PREMIUM, "quantity": "ten"}, 400,
         error(800002, "Invalid request input: 'quantity' must be a whole number, got \"ten\".")),
        ({"targetOfferId": PREMIUM, "quantity": 0}, 400,
         error(2002, f"Subscription quantity is not within minimum and maximum allowed quantity: offer {PREMIUM} "
               "allows 1 to 300, the conversion asks 0.")),
        ({"targetOfferId": PREMIUM, "quantity": 301}, 400,
         error(2002, f"Subscription quantity is not within minimum and maximum allowed quantity: offer {PREMIUM} "
               "allows 1 to 300, the conversion asks 301.")),
        ({"targetOfferId": PREMIUM, "billingCycle": "none"}, 400,
         error(6001, "The billing cycle could not be changed because one of the order's Offer Ids does not support "
               f"the billing term: {PREMIUM} supports annual, monthly.")),
        ({"targetOfferId": PREMIUM, "offerId": M365_E5}, 400,
         error(800002, f"Invalid request input: 'offerId' {M365_E5} is not the offer of subscription "
               f"{RELECLOUD_TRIAL} ({PREMIUM_TRIAL}).")),
        ([PREMIUM], 400, error(800002, "Invalid request input: the body must be a JSON object.")),
    ],
)  # fmt: skip
def test_converting_bad_input_changes_nothing(
    client: TestClient, user: dict[str, str], body: Any, status: int, answer: dict[str, Any]
) -> None:
    response = client.post(f"{TRIAL_PATH}/conversions", json=body, headers=user)
    assert (response.status_code, response.json()) == (status, answer)
    trial = client.get(TRIAL_PATH, headers=user).json()
    assert (trial["offerId"], trial["isTrial"], trial["attributes"]["etag"]) == (
        PREMIUM_TRIAL, True, etag(RELECLOUD_TRIAL, 1)
    )  # fmt: skip


def test_converting_to_an_offer_that_is_no_conversion(client: TestClient, user: dict[str, str]) -> None:
    response = client.post(f"{TRIAL_PATH}/conversions", json={"targetOfferId": M365_E5}, headers=user)
    assert (response.status_code, response.json()) == (
        200,
        {
            "subscriptionId": RELECLOUD_TRIAL,
            "offerId": PREMIUM_TRIAL,
            "targetOfferId": M365_E5,
            "error": {
                "code": 1,
                "description": f"No conversion found for subscription {RELECLOUD_TRIAL}: its offer does not convert "
                f"to {M365_E5}.",
                "attributes": {"objectType": "ConversionError"},
            },
            "attributes": {"objectType": "ConversionResult"},
        },
    )
    assert client.get(TRIAL_PATH, headers=user).json()["attributes"]["etag"] == etag(RELECLOUD_TRIAL, 1)


def test_conversions_are_app_user_only(client: TestClient, app: dict[str, str]) -> None:
    listed = client.get(f"{TRIAL_PATH}/conversions", headers=app)
    converted = client.post(f"{TRIAL_PATH}/conversions", json={"targetOfferId": PREMIUM}, headers=app)
    assert (listed.status_code, listed.json()) == (401, APP_ONLY_REFUSED)
    assert (converted.status_code, converted.json()) == (401, APP_ONLY_REFUSED)


@pytest.mark.parametrize(
    ("path", "status", "body"),
    [
        (f"/v1/customers/{RELECLOUD}/subscriptions/{FABRIKAM_PREMIUM}/conversions", 404,
         error(20003, f"Subscription with id {FABRIKAM_PREMIUM} not found.")),
        (f"/v1/customers/00000000-0000-0000-0000-000000000001/subscriptions/{RELECLOUD_TRIAL}/conversions", 404,
         error(60003, "Tenant not found: no customer with id 00000000-0000-0000-0000-000000000001 in this partner's "
               "customers.")),
    ],
)  # fmt: skip
def test_conversions_of_unknown_subscriptions(
    client: TestClient, user: dict[str, str], path: str, status: int, body: dict[str, Any]
) -> None:
    for response in (client.get(path, headers=user), client.post(path, json={"targetOfferId": PREMIUM}, headers=user)):
        assert (response.status_code, response.json()) == (status, body)


# --- upgrades ---------------------------------------------------------------------------------------------------


def upgrades_of(client: TestClient, headers: dict[str, str], customer: str, subscription: str) -> Any:
    return client.get(f"/v1/customers/{customer}/subscriptions/{subscription}/upgrades", headers=headers)


def test_upgrades_of_a_subscription(client: TestClient, app: dict[str, str]) -> None:
    response = upgrades_of(client, app, FABRIKAM, FABRIKAM_PREMIUM)
    assert response.status_code == 200
    # Office 365 Business Premium upgrades to Microsoft 365 E5; both offers' licenses are known, so users'
    # licenses move with the seats.
    assert response.json() == {
        "totalCount": 1,
        "items": [
            {
                "targetOffer": e5_offer(),
                "upgradeType": "upgrade_with_license_transfer",
                "isEligible": True,
                "quantity": 12,
                "upgradeErrors": [],
                "attributes": {"objectType": "Upgrade"},
            }
        ],
        "attributes": {"objectType": "Collection"},
    }


def test_an_ineligible_upgrade_as_documented(client: TestClient, app: dict[str, str]) -> None:
    # transition-a-subscription.md's sample: a source that is not active, code 2 with the documented text.
    body = upgrades_of(client, app, TAILSPIN, TAILSPIN_E3).json()
    assert body == {
        "totalCount": 1,
        "items": [
            {
                "targetOffer": e5_offer("GB"),
                "upgradeType": "upgrade_only",
                "isEligible": False,
                "quantity": 40,
                "upgradeErrors": [
                    {
                        "code": 2,
                        "description": "Subscription cannot be upgraded because the source subscription state is not "
                        "active.  Additional Details contains the current source subscription state.",
                        "additionalDetails": "suspended",
                        "attributes": {"objectType": "UpgradeError"},
                    }
                ],
                "attributes": {"objectType": "Upgrade"},
            }
        ],
        "attributes": {"objectType": "Collection"},
    }
    pending = upgrades_of(client, app, WINGTIP, WINGTIP_EXCHANGE).json()["items"][0]
    assert (pending["targetOffer"]["id"], pending["isEligible"], pending["upgradeErrors"]) == (
        O365_E3,
        False,
        [
            {
                "code": 9,
                "description": "Subscription cannot be upgraded because the source subscription is not provisioned yet.",
                "attributes": {"objectType": "UpgradeError"},
            }
        ],
    )
    # No upgrade path: Microsoft 365 E5 is the top of the catalogue.
    assert upgrades_of(client, app, CONTOSO, CONTOSO_E5).json() == {
        "totalCount": 0,
        "items": [],
        "attributes": {"objectType": "Collection"},
    }


def test_add_ons_block_an_upgrade(client: TestClient, app: dict[str, str]) -> None:
    order = {"BillingCycle": "monthly", "LineItems": [{"LineItemNumber": 0, "OfferId": O365_E3, "Quantity": 5}]}
    created = client.post(f"/v1/customers/{FABRIKAM}/orders", json=order, headers=app).json()
    e3 = created["lineItems"][0]["subscriptionId"]
    add_on = {
        "BillingCycle": "monthly",
        "LineItems": [{"LineItemNumber": 0, "OfferId": ARCHIVING, "Quantity": 5, "ParentSubscriptionId": e3}],
    }
    archive = client.post(f"/v1/customers/{FABRIKAM}/orders", json=add_on, headers=app).json()
    archive_id = archive["lineItems"][0]["subscriptionId"]
    option = upgrades_of(client, app, FABRIKAM, e3).json()["items"][0]
    assert (option["isEligible"], option["upgradeErrors"]) == (
        False,
        [
            {
                "code": 6,
                "description": "Subscription cannot be upgraded because it has active add-ons.  Additional Details "
                "contains their subscription ids.",
                "additionalDetails": archive_id,
                "attributes": {"objectType": "UpgradeError"},
            }
        ],
    )


def upgrade_body(target: str, quantity: int | None = None, kind: Any = None) -> dict[str, Any]:
    """As transition-a-subscription.md's request: the Upgrade from the list, its target offer whole."""
    body: dict[str, Any] = {"TargetOffer": {"Id": target, "Name": "…", "Attributes": {"ObjectType": "Offer"}}}
    if kind is not None:
        body["UpgradeType"] = kind
    if quantity is not None:
        body["Quantity"] = quantity
    body |= {"IsEligible": True, "UpgradeErrors": [], "Attributes": {"ObjectType": "Upgrade"}}
    return body


def test_a_partial_upgrade_then_the_rest(client: TestClient, app: dict[str, str]) -> None:
    path = f"/v1/customers/{WINGTIP}/subscriptions/{WINGTIP_ESSENTIALS}/upgrades"
    first = client.post(path, json=upgrade_body(PREMIUM, 3, 1), headers=app)
    assert first.status_code == 200
    target = first.json()["targetSubscriptionId"]
    assert first.json() == {
        "sourceSubscriptionId": WINGTIP_ESSENTIALS,
        "targetSubscriptionId": target,
        "upgradeType": "upgrade_only",
        "upgradeErrors": [],
        "licenseErrors": [],
        "attributes": {"objectType": "UpgradeResult"},
    }
    subscriptions = f"/v1/customers/{WINGTIP}/subscriptions"
    created = client.get(f"{subscriptions}/{target}", headers=app).json()
    assert {k: created[k] for k in ("offerId", "offerName", "quantity", "status", "billingCycle", "isTrial")} == {
        "offerId": PREMIUM,
        "offerName": "Office 365 Business Premium",
        "quantity": 3,
        "status": "active",
        "billingCycle": "monthly",
        "isTrial": False,
    }
    order = client.get(f"/v1/customers/{WINGTIP}/orders/{created['orderId']}", headers=app).json()
    assert [(i["offerId"], i["subscriptionId"], i["quantity"]) for i in order["lineItems"]] == [(PREMIUM, target, 3)]
    source = client.get(f"{subscriptions}/{WINGTIP_ESSENTIALS}", headers=app).json()
    assert (source["status"], source["quantity"], source["attributes"]["etag"]) == (
        "active", 5, etag(WINGTIP_ESSENTIALS, 2)
    )  # fmt: skip
    assert upgrades_of(client, app, WINGTIP, WINGTIP_ESSENTIALS).json()["items"][0]["quantity"] == 5
    # The rest: the seats join the customer's Business Premium subscription; the source is suspended.
    rest = client.post(path, json=upgrade_body(PREMIUM, kind="upgrade_only"), headers=app).json()
    assert rest["targetSubscriptionId"] == target
    assert client.get(f"{subscriptions}/{target}", headers=app).json()["quantity"] == 8
    source = client.get(f"{subscriptions}/{WINGTIP_ESSENTIALS}", headers=app).json()
    assert (source["status"], source["quantity"], source["autoRenewEnabled"]) == ("suspended", 5, False)
    # Suspended now: a further upgrade is refused, in the result.
    refused = client.post(path, json=upgrade_body(PREMIUM), headers=app).json()
    assert refused == {
        "sourceSubscriptionId": WINGTIP_ESSENTIALS,
        "upgradeType": "upgrade_only",
        "upgradeErrors": [
            {
                "code": 2,
                "description": "Subscription cannot be upgraded because the source subscription state is not "
                "active.  Additional Details contains the current source subscription state.",
                "additionalDetails": "suspended",
                "attributes": {"objectType": "UpgradeError"},
            }
        ],
        "licenseErrors": [],
        "attributes": {"objectType": "UpgradeResult"},
    }


def test_an_upgrade_with_license_transfer_moves_the_users(client: TestClient, user: dict[str, str]) -> None:
    users = client.get(f"/v1/customers/{FABRIKAM}/users", headers=user).json()["items"]
    holder = users[0]["id"]
    assign = {"LicensesToAssign": [{"SkuId": PREMIUM_LICENSE}]}
    assigned = client.post(f"/v1/customers/{FABRIKAM}/users/{holder}/licenseupdates", json=assign, headers=user)
    assert assigned.status_code == 201
    path = f"/v1/customers/{FABRIKAM}/subscriptions/{FABRIKAM_PREMIUM}/upgrades"
    headers = {**user, "MS-RequestId": "750fd5ea-904b-4c3e-b476-60d0feacab0d"}
    result = client.post(path, json=upgrade_body(M365_E5, kind="upgrade_with_license_transfer"), headers=headers)
    answer = result.json()
    assert answer["upgradeType"] == "upgrade_with_license_transfer"
    assert (answer["upgradeErrors"], answer["licenseErrors"]) == ([], [])
    e5 = client.get(f"/v1/customers/{FABRIKAM}/subscriptions/{answer['targetSubscriptionId']}", headers=user).json()
    assert (e5["offerId"], e5["quantity"], e5["status"]) == (M365_E5, 12, "active")
    licenses = client.get(f"/v1/customers/{FABRIKAM}/users/{holder}/licenses", headers=user).json()["items"]
    assert [item["productSku"]["id"] for item in licenses] == [E5_LICENSE]
    premium = client.get(f"/v1/customers/{FABRIKAM}/subscriptions/{FABRIKAM_PREMIUM}", headers=user).json()
    assert premium["status"] == "suspended"
    # A retry with the same MS-RequestId gets the first answer and creates nothing.
    again = client.post(path, json=upgrade_body(M365_E5), headers=headers)
    assert again.json() == answer
    listed = client.get(f"/v1/customers/{FABRIKAM}/subscriptions", headers=user).json()["items"]
    assert sum(s["offerId"] == M365_E5 for s in listed) == 1


def test_upgrades_that_are_no_upgrade(client: TestClient, app: dict[str, str]) -> None:
    not_a_path = client.post(
        f"/v1/customers/{FABRIKAM}/subscriptions/{FABRIKAM_PREMIUM}/upgrades", json=upgrade_body(O365_E3), headers=app
    ).json()
    assert not_a_path["upgradeErrors"] == [
        {
            "code": 8,
            "description": f"The offer {O365_E3} is not an upgrade of {PREMIUM}.",
            "attributes": {"objectType": "UpgradeError"},
        }
    ]
    no_paths = client.post(
        f"/v1/customers/{CONTOSO}/subscriptions/{CONTOSO_E5}/upgrades", json=upgrade_body(O365_E3), headers=app
    ).json()
    assert no_paths == {
        "sourceSubscriptionId": CONTOSO_E5,
        "upgradeType": "upgrade_only",
        "upgradeErrors": [
            {
                "code": 7,
                "description": f"Subscription {CONTOSO_E5} has no upgrade paths.",
                "attributes": {"objectType": "UpgradeError"},
            }
        ],
        "licenseErrors": [],
        "attributes": {"objectType": "UpgradeResult"},
    }
    premium = client.get(f"/v1/customers/{FABRIKAM}/subscriptions/{FABRIKAM_PREMIUM}", headers=app).json()
    assert (premium["status"], premium["attributes"]["etag"]) == ("active", etag(FABRIKAM_PREMIUM, 1))


@pytest.mark.parametrize(
    ("body", "status", "answer"),
    [
        ({"quantity": 1}, 400, error(800002, "Invalid request input: 'targetOffer' is required and must be an object.")),
        ({"targetOffer": M365_E5}, 400,
         error(800002, "Invalid request input: 'targetOffer' is required and must be an object.")),
        ({"targetOffer": {"name": "Microsoft 365 E5"}}, 400,
         error(800002, "Invalid request input: 'targetOffer.id' is required.")),
        (upgrade_body(M365_E5, kind="sideways"), 400,
         error(800002, "Invalid request input: 'upgradeType' must be upgrade_only or upgrade_with_license_transfer, "
               "got \"sideways\".")),
        (upgrade_body(M365_E5, kind=0), 400,
         error(800002, "Invalid request input: 'upgradeType' must be upgrade_only or upgrade_with_license_transfer, "
               "got 0.")),
        (upgrade_body(M365_E5, kind="none"), 400,
         error(800002, "Invalid request input: 'upgradeType' must be upgrade_only or upgrade_with_license_transfer, "
               "got \"none\".")),
        (upgrade_body(M365_E5, quantity=13), 400,
         error(2002, "Subscription quantity is not within minimum and maximum allowed quantity: 1 to the source's 12 "
               "seats can move, not 13.")),
        (upgrade_body(M365_E5, quantity=0), 400,
         error(2002, "Subscription quantity is not within minimum and maximum allowed quantity: 1 to the source's 12 "
               "seats can move, not 0.")),
        ({**upgrade_body(M365_E5), "Quantity": "all"}, 400,
         error(800002, "Invalid request input: 'quantity' must be a whole number, got \"all\".")),
    ],
)  # fmt: skip
def test_upgrade_bad_input_changes_nothing(
    client: TestClient, app: dict[str, str], body: Any, status: int, answer: dict[str, Any]
) -> None:
    response = client.post(
        f"/v1/customers/{FABRIKAM}/subscriptions/{FABRIKAM_PREMIUM}/upgrades", json=body, headers=app
    )
    assert (response.status_code, response.json()) == (status, answer)
    premium = client.get(f"/v1/customers/{FABRIKAM}/subscriptions/{FABRIKAM_PREMIUM}", headers=app).json()
    assert (premium["status"], premium["quantity"], premium["attributes"]["etag"]) == (
        "active", 12, etag(FABRIKAM_PREMIUM, 1)
    )  # fmt: skip
    listed = client.get(f"/v1/customers/{FABRIKAM}/subscriptions", headers=app).json()
    assert listed["totalCount"] == 2


def test_upgrades_with_the_sdk(sdk: MicrosoftPartnerStoreApis) -> None:
    options = sdk.getvversioncustomerscustomer.idupgrades(WINGTIP, WINGTIP_ESSENTIALS, V)
    chosen = options.items[0]
    assert (chosen.target_offer.id, chosen.upgrade_type, chosen.is_eligible, chosen.quantity) == (
        PREMIUM, "upgrade_only", True, 8
    )  # fmt: skip
    chosen.quantity = 2
    result = sdk.postvversioncustomerscustomer.idupgrades(WINGTIP, WINGTIP_ESSENTIALS, chosen, V)
    assert (result.source_subscription_id, result.upgrade_type, result.upgrade_errors) == (
        WINGTIP_ESSENTIALS, "upgrade_only", []
    )  # fmt: skip
    target = sdk.getvversioncustomerscustomer.id6(WINGTIP, result.target_subscription_id, V)
    assert (target.offer_id, target.quantity) == (PREMIUM, 2)


# --- support contact ----------------------------------------------------------------------------------------------

CONTACT_PATH = f"/v1/customers/{FABRIKAM}/subscriptions/{FABRIKAM_PREMIUM}/supportcontact"


def contact(tenant: str, mpn: str, name: str) -> dict[str, Any]:
    uri = f"/customers/{FABRIKAM}/subscriptions/{FABRIKAM_PREMIUM}/supportcontact"
    return {
        "supportTenantId": tenant,
        "supportMpnId": mpn,
        "name": name,
        "links": {"self": link(uri, "Get")},
        "attributes": {"objectType": "SupportContact"},
    }


def test_a_support_contact_is_stored(client: TestClient, user: dict[str, str]) -> None:
    # Until one is set, the partner itself supports the subscription.
    assert client.get(CONTACT_PATH, headers=user).json() == contact(NW.TENANT_ID, "4812345", "Northwind Cloud Partners")
    # update-a-subscription-s-support-contact.md's request: 4391507 is a reseller of the partner's MPN directory.
    body = {
        "SupportTenantId": "3B33E682-00C3-41EE-9DD2-A548ADF56438",
        "SupportMpnId": "4391507",
        "Name": "Contoso Cloud Services",
        "Links": {"Self": {"Uri": CONTACT_PATH[3:], "Method": "Get", "Headers": []}},
        "Attributes": {"ObjectType": "SupportContact"},
    }
    expected = contact("3B33E682-00C3-41EE-9DD2-A548ADF56438", "4391507", "Contoso Cloud Services")
    response = client.put(CONTACT_PATH, json=body, headers=user)
    assert (response.status_code, response.json()) == (200, expected)
    assert client.get(CONTACT_PATH, headers=user).json() == expected
    # Another subscription keeps its own contact.
    other = f"/v1/customers/{FABRIKAM}/subscriptions/{FABRIKAM_AZURE}/supportcontact"
    assert client.get(other, headers=user).json()["supportMpnId"] == "4812345"


@pytest.mark.parametrize(
    ("body", "status", "answer"),
    [
        ({"supportTenantId": NW.TENANT_ID, "supportMpnId": "9999999"}, 404,
         error(800015, "MPN Id is not found: 9999999 is not a partner in this partner's directory.")),
        ({"supportTenantId": "contoso", "supportMpnId": "4391507"}, 400,
         error(3000, "Invalid property: 'supportTenantId' must be a GUID.")),
        ({"supportTenantId": NW.TENANT_ID}, 400, error(800002, "Invalid request input: 'supportMpnId' is required.")),
        ({"supportMpnId": "4391507"}, 400, error(800002, "Invalid request input: 'supportTenantId' is required.")),
        ({"supportTenantId": NW.TENANT_ID, "supportMpnId": 4391507}, 400,
         error(3000, "Invalid property: 'supportMpnId' must be a non-empty string.")),
        ({"supportTenantId": NW.TENANT_ID, "supportMpnId": "4" * 33}, 400,
         error(3000, "Invalid property: 'supportMpnId' is longer than 32 characters.")),
    ],
)  # fmt: skip
def test_support_contact_bad_input_changes_nothing(
    client: TestClient, user: dict[str, str], body: dict[str, Any], status: int, answer: dict[str, Any]
) -> None:
    response = client.put(CONTACT_PATH, json=body, headers=user)
    assert (response.status_code, response.json()) == (status, answer)
    assert client.get(CONTACT_PATH, headers=user).json()["supportMpnId"] == "4812345"


def test_support_contact_of_a_deleted_subscription(client: TestClient, user: dict[str, str]) -> None:
    path = f"/v1/customers/{ADVENTURE}/subscriptions/{ADVENTURE_TRIAL}/supportcontact"
    response = client.put(path, json={"supportTenantId": NW.TENANT_ID, "supportMpnId": "4391507"}, headers=user)
    assert (response.status_code, response.json()) == (
        400,
        error(2011, f"Subscription with id {ADVENTURE_TRIAL} and deleted status cannot be updated."),
    )
    missing = client.get(f"/v1/customers/{FABRIKAM}/subscriptions/{CONTOSO_E5}/supportcontact", headers=user)
    assert (missing.status_code, missing.json()) == (404, error(20003, f"Subscription with id {CONTOSO_E5} not found."))


def test_support_contact_is_app_user_only(client: TestClient, app: dict[str, str]) -> None:
    read = client.get(CONTACT_PATH, headers=app)
    written = client.put(CONTACT_PATH, json={"supportTenantId": NW.TENANT_ID, "supportMpnId": "4391507"}, headers=app)
    assert (read.status_code, read.json()) == (401, APP_ONLY_REFUSED)
    assert (written.status_code, written.json()) == (401, APP_ONLY_REFUSED)


def test_support_contact_with_the_sdk(sdk: MicrosoftPartnerStoreApis) -> None:
    new = m.MicrosoftPartnerSdkContractsV1SubscriptionsSupportContact(
        support_tenant_id="3b33e682-00c3-41ee-9dd2-a548adf56438", support_mpn_id="4847383", name="Fabrikam"
    )
    saved = sdk.putvversioncustomerscustomer.idsupportcontact(FABRIKAM, FABRIKAM_PREMIUM, new, V)
    assert (saved.support_mpn_id, saved.name) == ("4847383", "First Up Consultants")
    read = sdk.getvversioncustomerscustomer.idsupportcontact(FABRIKAM, FABRIKAM_PREMIUM, V)
    assert (read.support_tenant_id, read.support_mpn_id) == ("3b33e682-00c3-41ee-9dd2-a548adf56438", "4847383")


# --- Azure reservation registration -------------------------------------------------------------------------

AZURE_PATH = f"/v1/customers/{FABRIKAM}/subscriptions/{FABRIKAM_AZURE}"


def status(subscription: str, state: str) -> dict[str, Any]:
    return {
        "subscriptionId": subscription,
        "status": state,
        "attributes": {"objectType": "SubscriptionRegistrationStatus"},
    }


def test_registering_an_azure_subscription(client: TestClient, app: dict[str, str], state: EmulatorState) -> None:
    # get-subscription-registration-status.md's sample answer: not registered yet.
    assert client.get(f"{AZURE_PATH}/registrationstatus", headers=app).json() == status(FABRIKAM_AZURE, "NotRegistered")
    # register-a-subscription.md: 202 Accepted, no body, the status's location.
    response = client.post(f"{AZURE_PATH}/registrations", headers=app)
    assert (response.status_code, response.content) == (202, b"")
    assert response.headers["Location"] == f"/customers/{FABRIKAM}/subscriptions/{FABRIKAM_AZURE}/registrationstatus"
    assert client.get(f"{AZURE_PATH}/registrationstatus", headers=app).json() == status(FABRIKAM_AZURE, "Registering")
    state.clock.advance(30)  # the provisioning delay
    assert client.get(f"{AZURE_PATH}/registrationstatus", headers=app).json() == status(FABRIKAM_AZURE, "Registered")
    again = client.post(f"{AZURE_PATH}/registrations", headers=app)
    assert again.status_code == 202
    assert client.get(f"{AZURE_PATH}/registrationstatus", headers=app).json() == status(FABRIKAM_AZURE, "Registered")


def test_only_active_azure_subscriptions_register(client: TestClient, app: dict[str, str]) -> None:
    premium = f"/v1/customers/{FABRIKAM}/subscriptions/{FABRIKAM_PREMIUM}"
    not_azure = error(800011, "This subscription is not a valid Azure subscription")
    for response in (
        client.post(f"{premium}/registrations", headers=app),
        client.get(f"{premium}/registrationstatus", headers=app),
    ):
        assert (response.status_code, response.json()) == (400, not_azure)
    suspended = client.patch(AZURE_PATH, json={"status": "suspended"}, headers=app)
    assert suspended.status_code == 200
    refused = client.post(f"{AZURE_PATH}/registrations", headers=app)
    assert (refused.status_code, refused.json()) == (
        400,
        error(800012, "This subscription is not an active subscription (it is suspended)."),
    )
    assert client.get(f"{AZURE_PATH}/registrationstatus", headers=app).json() == status(FABRIKAM_AZURE, "NotRegistered")
    missing = client.post(f"/v1/customers/{FABRIKAM}/subscriptions/{CONTOSO_E5}/registrations", headers=app)
    assert (missing.status_code, missing.json()) == (404, error(20003, f"Subscription with id {CONTOSO_E5} not found."))


def test_registering_with_the_sdk(sdk: MicrosoftPartnerStoreApis) -> None:
    raw = sdk.postvversioncustomerscustomer.idregistrations(FABRIKAM, FABRIKAM_AZURE, V, raw=True)
    assert raw.response.status_code == 202
    assert raw.response.headers["Location"].endswith(f"/subscriptions/{FABRIKAM_AZURE}/registrationstatus")
    read = sdk.getvversioncustomerscustomer.idregistrationstatus(FABRIKAM, FABRIKAM_AZURE, V)
    assert (read.subscription_id, read.status) == (FABRIKAM_AZURE, "Registering")


# --- cancelling an order ------------------------------------------------------------------------------------------

MCA_TEMPLATE = "117a77b0-9360-443b-8795-c6dedc750cf9"


def software_order(client: TestClient, user: dict[str, str]) -> dict[str, Any]:
    """Fabrikam buys SQL Server 2022 CALs (perpetual software, one order of two line items)."""
    agreement = {
        "primaryContact": {"firstName": "Adele", "lastName": "Vance", "email": "adele@fabrikam.example"},
        "templateId": MCA_TEMPLATE,
        "dateAgreed": "2026-11-30T00:00:00.000Z",
        "type": "MicrosoftCustomerAgreement",
    }
    assert client.post(f"/v1/customers/{FABRIKAM}/agreements", json=agreement, headers=user).status_code == 201
    lines = [
        {"id": n, "catalogItemId": item, "quantity": q, "billingCycle": "one_time"}
        for n, (item, q) in enumerate(((SQL_DEVICE_CAL, 5), (SQL_USER_CAL, 2)))
    ]
    body = {"lineItems": lines, "PartnerOnRecordAttestationAccepted": True}
    cart = client.post(f"/v1/customers/{FABRIKAM}/carts", json=body, headers=user).json()
    result = client.post(f"/v1/customers/{FABRIKAM}/carts/{cart['id']}/checkout", headers=user).json()
    order: dict[str, Any] = result["orders"][0]
    return order


def test_cancelling_a_software_order(client: TestClient, user: dict[str, str], app: dict[str, str]) -> None:
    order = software_order(client, user)
    oid = order["id"]
    path = f"/v1/customers/{FABRIKAM}/orders/{oid}"
    # cancel-software-purchases.md: some line items first; the order is not cancelled while others remain.
    partial = client.patch(
        path, json={"id": oid, "status": "cancelled", "lineItems": [{"lineItemNumber": 0, "offerId": SQL_DEVICE_CAL}]},
        headers=app,
    )  # fmt: skip
    assert partial.status_code == 200
    body = partial.json()
    assert (body["status"], [(i["offerId"], i["quantity"]) for i in body["lineItems"]]) == (
        "pending", [(SQL_DEVICE_CAL, 0), (SQL_USER_CAL, 2)]
    )  # fmt: skip
    assert client.get(path, headers=app).json() == body
    # Then the rest (cancel-an-order-from-the-integration-sandbox.md's body): the order is cancelled.
    whole = client.patch(path, json={"id": oid, "status": "cancelled"}, headers=app)
    assert whole.json() == {
        "id": oid,
        "alternateId": oid,
        "referenceCustomerId": FABRIKAM,
        "billingCycle": "one_time",
        "currencyCode": "USD",
        "currencySymbol": "US$",
        "lineItems": [
            {
                "lineItemNumber": 0,
                "offerId": SQL_DEVICE_CAL,
                "transactionType": "New",
                "quantity": 0,
                "pricing": {"listPrice": 250.0, "discountedPrice": 250.0, "proratedPrice": 250.0, "price": 250.0,
                            "extendedPrice": 1250.0},
                "links": {
                    "product": link("/products/DG7GMGF0MF3T"),
                    "sku": link("/products/DG7GMGF0MF3T/skus/0001"),
                    "availability": link("/products/DG7GMGF0MF3T/skus/0001/availabilities/DG7GMGF021J8"),
                },
            },
            {
                "lineItemNumber": 1,
                "offerId": SQL_USER_CAL,
                "transactionType": "New",
                "quantity": 0,
                "pricing": {"listPrice": 250.0, "discountedPrice": 250.0, "proratedPrice": 250.0, "price": 250.0,
                            "extendedPrice": 500.0},
                "links": {
                    "product": link("/products/DG7GMGF0MF3T"),
                    "sku": link("/products/DG7GMGF0MF3T/skus/0002"),
                    "availability": link("/products/DG7GMGF0MF3T/skus/0002/availabilities/DG7GMGF0Q8ZP"),
                },
            },
        ],
        "creationDate": "2026-12-01T10:00:00.123Z",
        "status": "cancelled",
        "transactionType": "UserPurchase",
        "links": {
            "provisioningStatus": link(f"/customers/{FABRIKAM}/orders/{oid}/provisioningstatus"),
            "self": link(f"/customers/{FABRIKAM}/orders/{oid}"),
        },
        "totalPrice": 1750.0,
        "attributes": {"objectType": "Order"},
    }  # fmt: skip
    again = client.patch(path, json={"status": "cancelled"}, headers=app)
    assert (again.status_code, again.json()) == (
        400,
        error(800061, f"Order cannot be cancelled: order {oid} is already cancelled."),
    )


def test_software_can_be_cancelled_for_thirty_days(
    client: TestClient, user: dict[str, str], state: EmulatorState
) -> None:
    order = software_order(client, user)
    path = f"/v1/customers/{FABRIKAM}/orders/{order['id']}"
    state.clock.advance(30 * DAY + 1)
    app = bearer(app_token(state))  # a token issued now: the first one has expired
    late = client.patch(path, json={"status": "cancelled"}, headers=app)
    assert (late.status_code, late.json()) == (
        400,
        error(800061, "Order cannot be cancelled: perpetual software can be cancelled within 30 days."),
    )
    state.world.integration_sandbox = True  # the integration sandbox has no window [I]
    assert client.patch(path, json={"status": "cancelled"}, headers=app).json()["status"] == "cancelled"


def test_license_orders_are_not_cancelled_by_patch(
    client: TestClient, app: dict[str, str], state: EmulatorState
) -> None:
    orders = client.get(f"/v1/customers/{FABRIKAM}/orders", headers=app).json()["items"]
    path = f"/v1/customers/{FABRIKAM}/orders/{orders[0]['id']}"
    outside = client.patch(path, json={"status": "cancelled"}, headers=app)
    assert (outside.status_code, outside.json()) == (
        403,
        error(800019, "Non-Sandbox tenants are not allowed to cancel purchases other than software subscriptions "
              "and perpetual software"),
    )  # fmt: skip
    state.world.integration_sandbox = True
    inside = client.patch(path, json={"status": "cancelled"}, headers=app)
    assert (inside.status_code, inside.json()) == (
        400,
        error(800063, f"This order {orders[0]['id']} cannot be cancelled. Use PATCH /customers/{FABRIKAM}/"
              "subscriptions/<subscriptionId> to suspend subscriptions"),
    )  # fmt: skip
    assert client.get(path, headers=app).json()["status"] == "completed"


@pytest.mark.parametrize(
    ("body", "status", "answer"),
    [
        ({"status": "active"}, 400, error(800002, "Invalid request input: 'status' must be cancelled, got 'active'.")),
        ({"id": "x"}, 400, error(800002, "Invalid request input: 'status' is required.")),
        ({"status": 3}, 400, error(3000, "Invalid property: 'status' must be a non-empty string.")),
        ({"status": "cancelled", "id": "0123456789ab"}, 400,
         error(800002, "Invalid request input: 'id' 0123456789ab is not the order in the path ({order}).")),
        ({"status": "cancelled", "lineItems": [{"lineItemNumber": 7}]}, 400,
         error(800002, "Invalid request input: order {order} has no line item 7.")),
        ({"status": "cancelled", "lineItems": [{"lineItemNumber": 0, "offerId": SQL_USER_CAL}]}, 400,
         error(800002, f"Invalid request input: line item 0 is {SQL_DEVICE_CAL}, not {SQL_USER_CAL}.")),
        ({"status": "cancelled", "lineItems": [{"offerId": SQL_USER_CAL}]}, 400,
         error(800002, "Invalid request input: 'lineItems[0].lineItemNumber' is required.")),
        ({"status": "cancelled", "lineItems": {"lineItemNumber": 0}}, 400,
         error(800002, "Invalid request input: 'lineItems' is required and must be a non-empty list.")),
    ],
)  # fmt: skip
def test_cancel_bad_input_changes_nothing(
    client: TestClient, user: dict[str, str], body: dict[str, Any], status: int, answer: dict[str, Any]
) -> None:
    order = software_order(client, user)
    path = f"/v1/customers/{FABRIKAM}/orders/{order['id']}"
    response = client.patch(path, json=body, headers=user)
    expected = {**answer, "description": answer["description"].replace("{order}", order["id"])}
    assert (response.status_code, response.json()) == (status, expected)
    after = client.get(path, headers=user).json()
    assert [i["quantity"] for i in after["lineItems"]] == [5, 2]


def test_cancelling_unknown_orders(client: TestClient, app: dict[str, str]) -> None:
    response = client.patch(f"/v1/customers/{FABRIKAM}/orders/nope", json={"status": "cancelled"}, headers=app)
    assert (response.status_code, response.json()) == (404, error(20000, "Order Id not found: nope"))


def test_cancelling_with_the_sdk(sdk: MicrosoftPartnerStoreApis, emulator_app: EmulatorApp) -> None:
    state = emulator_app.state
    with TestClient(emulator_app, base_url="http://127.0.0.1:8080") as client:
        order = software_order(client, bearer(user_token(state, NW.ADMIN, ["pwd", "mfa"])))
    fetched = sdk.getvversioncustomerscustomer.id5(FABRIKAM, order["id"], V)
    fetched.status = "cancelled"
    cancelled = sdk.patchvversioncustomerscustomer.id3(FABRIKAM, order["id"], fetched, V)
    assert (cancelled.status, [i.quantity for i in cancelled.line_items]) == ("cancelled", [0, 0])


# --- the state: persisted, reset, and taken along with a deleted customer ---------------------------------------


def test_legacy_state_survives_a_restart_and_a_reset(tmp_path: Path, signing_key: SigningKey) -> None:
    config = Config(state_dir=tmp_path, persist=True, seed=3)
    first = EmulatorState(config, key=signing_key)
    headers = bearer(user_token(first, NW.ADMIN, ["pwd", "mfa"]))
    with TestClient(EmulatorApp(first), base_url="http://127.0.0.1:8080") as client:
        assert client.put("/v1/preferences/catalog/offers", json=[EXCHANGE], headers=headers).status_code == 200
        body = {"supportTenantId": NW.TENANT_ID, "supportMpnId": "4391507"}
        assert client.put(CONTACT_PATH, json=body, headers=headers).status_code == 200
        assert client.post(f"{AZURE_PATH}/registrations", headers=headers).status_code == 202
    second = EmulatorState(config, key=signing_key)
    assert second.models.legacy.preferred() == [EXCHANGE]
    customer = second.models.customers.get(FABRIKAM)
    assert second.models.legacy.support_contact(customer, FABRIKAM_PREMIUM)[1]["supportMpnId"] == "4391507"
    assert second.models.legacy.registration_status(customer, FABRIKAM_AZURE)[1] == "Registering"
    second.reset()
    assert second.models.legacy.preferred() == [M365_E5, PREMIUM]
    assert second.models.legacy.support_contact(customer, FABRIKAM_PREMIUM)[1]["supportMpnId"] == "4812345"
    assert second.models.legacy.registration_status(customer, FABRIKAM_AZURE)[1] == "NotRegistered"


def test_a_deleted_customer_takes_its_contacts_and_registrations(
    client: TestClient, user: dict[str, str], state: EmulatorState
) -> None:
    body = {"supportTenantId": NW.TENANT_ID, "supportMpnId": "4391507"}
    assert client.put(CONTACT_PATH, json=body, headers=user).status_code == 200
    assert client.post(f"{AZURE_PATH}/registrations", headers=user).status_code == 202
    state.world.integration_sandbox = True
    assert client.delete(f"/v1/customers/{FABRIKAM}", headers=user).status_code == 204
    assert state.world.support_contacts.group(FABRIKAM) == []
    assert state.world.registrations.group(FABRIKAM) == []


# --- fixtures ------------------------------------------------------------------------------------------------------


def _world_copy(tmp_path: Path) -> Path:
    target = tmp_path / "world"
    shutil.copytree(default_world_dir(), target)
    return target


def test_catalog_preferences_are_optional_and_checked(tmp_path: Path) -> None:
    directory = _world_copy(tmp_path)
    (directory / "catalog-preferences.json").unlink()
    assert load_world(directory).catalog_preferences.get("offers") is None  # an older fixture directory
    (directory / "catalog-preferences.json").write_text(json.dumps({"offerIds": [M365_E5, "NOPE"]}))
    with pytest.raises(WorldError, match=r"catalog-preferences\.json: offerIds\[1\]: no offer with id NOPE in offers"):
        load_world(directory)
    (directory / "catalog-preferences.json").write_text(json.dumps({"offerIds": M365_E5}))
    with pytest.raises(WorldError, match=r"catalog-preferences\.json: \$\.offerIds: expected"):
        load_world(directory)


def test_offer_targets_must_be_offers(tmp_path: Path) -> None:
    directory = _world_copy(tmp_path)
    path = directory / "offers.json"
    data = json.loads(path.read_text())
    data["offers"][0]["_upgradeTargetOffers"] = ["NOPE"]
    path.write_text(json.dumps(data))
    with pytest.raises(
        WorldError, match=r"offers\.json: offers\[0\]\._upgradeTargetOffers\[0\]: no offer with id NOPE"
    ):
        load_world(directory)
