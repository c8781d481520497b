"""New Commerce: catalogue, agreements, carts, checkout, lifecycle and licenses, against literal documents.

The emulator's clock is fixed (2026-12-01T10:00:00.123456Z) so that every time on the wire is literal; generated
ids are read from the answer and the rest compared as written. Facts: new-commerce-facts.md.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from emulator.clock import Clock
from emulator.state import EmulatorState
from tests.helpers import NW, app_token, bearer, serving, user_token

FIXED = datetime(2026, 12, 1, 10, 0, 0, 123456, tzinfo=UTC).timestamp()
FABRIKAM = "c13d2ea4-5bee-53d5-988a-6b3a6a13df75"
BASIC = "CFQ7TTC0LH18:0001:CFQ7TTC0K971"
MCA_TEMPLATE = "117a77b0-9360-443b-8795-c6dedc750cf9"
DAY = 86400


def error(code: int | str, description: str, data: list[str] | None = None) -> dict[str, Any]:
    return {"code": code, "description": description, "data": data or [], "source": "PartnerFD"}


def link(uri: str) -> dict[str, Any]:
    return {"uri": uri, "method": "GET", "headers": []}


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Clock, "now", lambda self: FIXED + self.offset)


@pytest.fixture
def user(state: EmulatorState) -> dict[str, str]:
    return signed_in(state)


def signed_in(state: EmulatorState) -> dict[str, str]:
    """A fresh app+user token with MFA: tests that move the clock by days sign in again, as a client would."""
    return bearer(user_token(state, NW.ADMIN, ["pwd", "mfa"]))


@pytest.fixture
def app(state: EmulatorState) -> dict[str, str]:
    return bearer(app_token(state))


def cart_body(*lines: dict[str, Any], attestation: bool | None = True) -> dict[str, Any]:
    body: dict[str, Any] = {"lineItems": list(lines)}
    if attestation is not None:
        body["PartnerOnRecordAttestationAccepted"] = attestation
    return body


def line(catalog_item_id: str = BASIC, quantity: int = 5, cycle: str = "monthly", term: str = "P1Y") -> dict[str, Any]:
    return {
        "id": 0,
        "catalogItemId": catalog_item_id,
        "quantity": quantity,
        "billingCycle": cycle,
        "termDuration": term,
    }


def confirm_agreement(client: TestClient, user: dict[str, str], customer: str = FABRIKAM) -> Any:
    body = {
        "primaryContact": {"firstName": "Adele", "lastName": "Vance", "email": "adele@fabrikam.example"},
        "templateId": MCA_TEMPLATE,
        "dateAgreed": "2026-11-30T00:00:00.000Z",
        "type": "MicrosoftCustomerAgreement",
    }
    return client.post(f"/v1/customers/{customer}/agreements", json=body, headers=user)


def bought(client: TestClient, user: dict[str, str], *lines: dict[str, Any]) -> dict[str, Any]:
    """Agreement, cart and checkout; the checkout result."""
    confirm_agreement(client, user)
    cart = client.post(f"/v1/customers/{FABRIKAM}/carts", json=cart_body(*(lines or (line(),))), headers=user)
    assert cart.status_code == 201, cart.text
    result = client.post(f"/v1/customers/{FABRIKAM}/carts/{cart.json()['id']}/checkout", headers=user)
    assert result.status_code == 201, result.text
    answer: dict[str, Any] = result.json()
    return answer


# --- catalogue ------------------------------------------------------------------------------------------------

BASIC_PRODUCT = {
    "id": "CFQ7TTC0LH18",
    "title": "Microsoft 365 Business Basic",
    "description": "Best for businesses that need easy remote solutions, with Microsoft Teams, secure cloud storage, "
    "and Office Online (Word, Excel, PowerPoint, Outlook).",
    "productType": {"id": "OnlineServicesNCE", "displayName": "OnlineServicesNCE"},
    "isMicrosoftProduct": True,
    "publisherName": "Microsoft Corporation",
    "links": {
        "skus": link("/products/CFQ7TTC0LH18/skus?country=US"),
        "self": link("/products/CFQ7TTC0LH18?country=US"),
    },
}
BASIC_SKU = {
    "id": "0001",
    "productId": "CFQ7TTC0LH18",
    "title": "Microsoft 365 Business Basic",
    "description": BASIC_PRODUCT["description"],
    "minimumQuantity": 1,
    "maximumQuantity": 300,
    "isTrial": False,
    "supportedBillingCycles": ["monthly", "annual"],
    "purchasePrerequisites": ["MicrosoftCloudAgreement"],
    "inventoryVariables": [],
    "provisioningVariables": [],
    "actions": ["Refund"],
    "dynamicAttributes": {
        "hasConstraints": False,
        "isAddon": False,
        "prerequisiteSkus": [],
        "upgradeTargetOffers": ["CFQ7TTC0LDPB:0001", "CFQ7TTC0LF8Q:0001"],
        "provisioningId": "3b555118-da6a-4418-894f-7df1e2096870",
    },
    "links": {
        "availabilities": link("/products/CFQ7TTC0LH18/skus/0001/availabilities?country=US"),
        "self": link("/products/CFQ7TTC0LH18/skus/0001?country=US"),
    },
}


def test_product_and_sku_as_documented(client: TestClient, user: dict[str, str]) -> None:
    assert client.get("/v1/products/CFQ7TTC0LH18?country=US", headers=user).json() == BASIC_PRODUCT
    assert client.get("/v1/products/cfq7ttc0lh18/skus/0001?country=us", headers=user).json() == BASIC_SKU


def test_availability_as_documented(client: TestClient, user: dict[str, str]) -> None:
    refund = [{"refundOptions": [{"sequenceId": 0, "type": "Full", "expiresAfter": "P7D"}]}]
    answer = client.get("/v1/products/CFQ7TTC0LH18/skus/0001/availabilities/CFQ7TTC0K971?country=US", headers=user)
    terms = answer.json()["terms"]
    term_ids = [t["id"] for t in terms]
    assert all(len(i) == 12 and i.isalnum() and i.lower() == i for i in term_ids)
    assert answer.json() == {
        "id": "CFQ7TTC0K971",
        "productId": "CFQ7TTC0LH18",
        "skuId": "0001",
        "catalogItemId": "CFQ7TTC0LH18:0001:CFQ7TTC0K971",
        "defaultCurrency": {"code": "USD", "symbol": "$"},
        "segment": "commercial",
        "country": "US",
        "isPurchasable": True,
        "isRenewable": True,
        "renewalInstructions": [
            {
                "applicableTermIds": term_ids,
                "renewalOptions": [{"renewToId": "CFQ7TTC0LH18:0001", "isAutoRenewable": True}],
            }
        ],
        "terms": [
            {
                "id": term_ids[0],
                "duration": "P1M",
                "description": "One-Month commitment for monthly billing",
                "billingCycle": "Monthly",
                "cancellationPolicies": refund,
            },
            {
                "id": term_ids[1],
                "duration": "P1Y",
                "description": "One-Year commitment for monthly/yearly billing",
                "billingCycle": "Monthly",
                "cancellationPolicies": refund,
            },
            {
                "id": term_ids[2],
                "duration": "P1Y",
                "description": "One-Year commitment for monthly/yearly billing",
                "billingCycle": "Annual",
                "cancellationPolicies": refund,
            },
        ],
        "product": BASIC_PRODUCT,
        "sku": BASIC_SKU,
        "links": {"self": link("/products/CFQ7TTC0LH18/skus/0001/availabilities/CFQ7TTC0K971?country=US")},
    }


def test_views_and_segments(client: TestClient, user: dict[str, str]) -> None:
    online = client.get("/v1/products?country=US&targetView=OnlineServices", headers=user).json()
    assert online["totalCount"] == 24 and online["links"] == {
        "self": link("/products?country=US&targetView=OnlineServices")
    }
    assert {p["productType"]["id"] for p in online["items"]} == {"OnlineServicesNCE"}
    software = client.get("/v1/products?country=US&targetView=software", headers=user).json()
    assert [p["id"] for p in software["items"]] == ["DG7GMGF0PN5F", "DG7GMGF0PN5D", "DG7GMGF0MF3T"]
    assert client.get("/v1/products?country=US&targetView=Azure", headers=user).json()["items"] == []
    nonprofit = client.get("/v1/products?country=US&targetView=OnlineServices&targetSegment=nonprofit", headers=user)
    assert [p["id"] for p in nonprofit.json()["items"]] == ["CFQ7TTC0LH18", "CFQ7TTC0LCHC"]
    # Nonprofit availabilities are listed only when asked for.
    path = "/v1/products/CFQ7TTC0LCHC/skus/0002/availabilities?country=US"
    assert [a["segment"] for a in client.get(path, headers=user).json()["items"]] == ["commercial"]
    asked = client.get(path + "&targetSegment=nonprofit", headers=user).json()["items"]
    assert [a["segment"] for a in asked] == ["nonprofit"]
    assert asked[0]["id"] != "CFQ7TTC0KFFN" and len(asked[0]["id"]) == 12
    trial = client.get("/v1/products/CFQ7TTC0LH18/skus/0002?country=US", headers=user).json()
    assert (trial["isTrial"], trial["supportedBillingCycles"], trial["maximumQuantity"]) == (True, ["none"], 25)


def test_a_customer_sees_its_market_and_links_under_it(client: TestClient, user: dict[str, str]) -> None:
    product = client.get(f"/v1/customers/{FABRIKAM}/products/CFQ7TTC0LH18", headers=user).json()
    assert product["links"] == {
        "skus": link(f"/customers/{FABRIKAM}/products/CFQ7TTC0LH18/skus"),
        "self": link(f"/customers/{FABRIKAM}/products/CFQ7TTC0LH18"),
    }
    listed = client.get(f"/v1/customers/{FABRIKAM}/products?targetView=OnlineServices", headers=user).json()
    assert listed["totalCount"] == 24
    availability = client.get(
        f"/v1/customers/{FABRIKAM}/products/CFQ7TTC0LH18/skus/0001/availabilities/CFQ7TTC0K971", headers=user
    ).json()
    assert availability["country"] == "US" and availability["catalogItemId"] == BASIC


@pytest.mark.parametrize(
    ("path", "status", "body"),
    [
        ("/v1/products?country=US", 400,
         error(800002, "Invalid request input: 'targetView' is required (for example OnlineServices).")),
        ("/v1/products?targetView=OnlineServices", 400,
         error(800002, "Invalid request input: 'country' is required (a two-letter country code such as US).")),
        ("/v1/products?country=USA&targetView=OnlineServices", 400,
         error(800002, "Invalid request input: 'country' must be a two-letter country code, got 'USA'.")),
        ("/v1/products?country=US&targetView=Everything", 403,
         error(400036, "Access to the requested targetView is not allowed.")),
        ("/v1/products?country=US&targetView=OnlineServices&targetSegment=military", 403,
         error(400030, "Access to the requested targetSegment is not allowed.")),
        ("/v1/products/CFQ7TTC0XXXX?country=US", 404, error(400013, "Product was not found.")),
        ("/v1/products/CFQ7TTC0LH18/skus/0009?country=US", 404, error(400018, "Sku was not found.")),
        ("/v1/products/CFQ7TTC0LH18/skus/0001/availabilities/CFQ7TTC0XXXX?country=US", 404,
         error(400019, "Availability was not found.")),
        ("/v1/offers/CFQ7TTC0LH18?country=US", 400,
         error(2100, "The offer id CFQ7TTC0LH18 is a New Commerce product: read it from /v1/products.")),
    ],
)  # fmt: skip
def test_catalogue_errors(client: TestClient, user: dict[str, str], path: str, status: int, body: Any) -> None:
    response = client.get(path, headers=user)
    assert (response.status_code, response.json()) == (status, body)


# --- agreements -----------------------------------------------------------------------------------------------


def test_agreement_metadata(client: TestClient, user: dict[str, str]) -> None:
    answer = client.get("/v1/agreements?agreementType=MicrosoftCustomerAgreement", headers=user).json()
    assert answer == {
        "totalCount": 1,
        "items": [
            {
                "templateId": MCA_TEMPLATE,
                "agreementType": "MicrosoftCustomerAgreement",
                "agreementLink": "https://aka.ms/customeragreement",
                "versionRank": 0,
            }
        ],
        "attributes": {"objectType": "Collection"},
    }
    assert len(client.get("/v1/agreements?agreementType=All", headers=user).json()["items"]) == 2


def test_confirm_an_agreement_then_read_it(client: TestClient, user: dict[str, str], state: EmulatorState) -> None:
    admin = state.world.user(NW.ADMIN)
    assert admin is not None
    confirmed = confirm_agreement(client, user)
    contact = {"firstName": "Adele", "lastName": "Vance", "email": "adele@fabrikam.example"}
    assert (confirmed.status_code, confirmed.json()) == (
        201,
        {
            "primaryContact": contact,
            "templateId": MCA_TEMPLATE,
            "dateAgreed": "2026-11-30T00:00:00.000Z",
            "type": "MicrosoftCustomerAgreement",
            "agreementLink": "https://aka.ms/customeragreement",
            "userId": admin.object_id,
            "attributes": {"objectType": "Agreement"},
        },
    )
    listed = client.get(f"/v1/customers/{FABRIKAM}/agreements?agreementType=MicrosoftCustomerAgreement", headers=user)
    assert listed.json()["items"] == [
        {
            "primaryContact": contact,
            "templateId": MCA_TEMPLATE,
            "dateAgreed": "2026-11-30T00:00:00.000Z",
            "type": "MicrosoftCustomerAgreement",
            "agreementLink": "https://aka.ms/customeragreement",
            "attributes": {"objectType": "Agreement"},
        }
    ]
    again = confirm_agreement(client, user)
    assert (again.status_code, again.json()) == (
        409,
        {
            "code": 600061,
            "message": "A partner confirmed agreement already exists for the customer.",
            "description": "A partner confirmed agreement already exists for the customer.",
            "errorName": "PartnerConfirmedAgreementAlreadyExists",
            "isRetryable": False,
            "parameters": {},
            "errorMessageExtended": "InternalErrorCode=600061",
        },
    )
    signed = client.get(f"/v1/customers/{FABRIKAM}/directSignedMicrosoftCustomerAgreementStatus", headers=user)
    assert signed.json() == {"isSigned": False}


def test_agreement_errors(client: TestClient, user: dict[str, str], app: dict[str, str]) -> None:
    body = {
        "primaryContact": {"firstName": "A", "lastName": "B", "email": "a@b.example"},
        "templateId": "998b88de-aa99-4388-a42c-1b3517d49490",
        "dateAgreed": "2026-11-30",
        "type": "MicrosoftCustomerAgreement",
    }
    wrong = client.post(f"/v1/customers/{FABRIKAM}/agreements", json=body, headers=user)
    assert (wrong.status_code, wrong.json()) == (
        400,
        error(
            800002,
            "Invalid request input: 'templateId' 998b88de-aa99-4388-a42c-1b3517d49490 is not the template of a "
            "MicrosoftCustomerAgreement.",
        ),
    )
    missing = client.post(f"/v1/customers/{FABRIKAM}/agreements", json={"templateId": MCA_TEMPLATE}, headers=user)
    assert (missing.status_code, missing.json()) == (
        400,
        error(800002, "Invalid request input: 'primaryContact' is required and must be an object."),
    )
    app_only = client.post(f"/v1/customers/{FABRIKAM}/agreements", json=body, headers=app)
    assert app_only.status_code == 401
    assert client.get("/v1/agreements?agreementType=Handshake", headers=user).json() == error(
        800002,
        "Invalid request input: 'agreementType' must be MicrosoftCustomerAgreement, MicrosoftCloudAgreement or All, "
        "got 'Handshake'.",
    )


# --- carts ----------------------------------------------------------------------------------------------------


def test_create_a_cart_as_documented(client: TestClient, user: dict[str, str], state: EmulatorState) -> None:
    admin = state.world.user(NW.ADMIN)
    assert admin is not None
    created = client.post(f"/v1/customers/{FABRIKAM}/carts", json=cart_body(line()), headers=user)
    cart_id = created.json()["id"]
    expected = {
        "id": cart_id,
        "creationTimestamp": "2026-12-01T10:00:00.123456Z",
        "lastModifiedTimestamp": "2026-12-01T10:00:00.123456Z",
        "expirationTimestamp": "2026-12-08T10:00:00.123456Z",
        "lastModifiedUser": admin.object_id,
        "status": "Active",
        "lineItems": [
            {
                "id": 0,
                "catalogItemId": BASIC,
                "quantity": 5,
                "currencyCode": "USD",
                "billingCycle": "monthly",
                "termDuration": "P1Y",
                "provisioningContext": {},
                "orderGroup": "0",
                "pricing": {
                    "listPrice": 6.0,
                    "discountedPrice": 6.0,
                    "proratedPrice": 6.0,
                    "price": 6.0,
                    "extendedPrice": 360.0,
                },
            }
        ],
        "links": {"self": link(f"/customers/{FABRIKAM}/carts/{cart_id}")},
        "attributes": {"objectType": "Cart"},
    }
    assert (created.status_code, created.json()) == (201, expected)
    assert client.get(f"/v1/customers/{FABRIKAM}/carts/{cart_id}", headers=user).json() == expected


@pytest.mark.parametrize(
    ("given", "error_code", "description"),
    [
        (line("CFQ7TTC0LH18:0001:CFQ7TTC0XXXX"), "CatalogItemIdIsNotValid",
         "The catalog item id CFQ7TTC0LH18:0001:CFQ7TTC0XXXX is not valid."),
        (line(term="P3Y"), "InvalidInput",
         f"The term P3Y with billing cycle monthly is not offered for {BASIC}; offered: P1M monthly, P1Y monthly, "
         "P1Y annual."),
        (line(quantity=301), "MaxAllowedSeatsPerSubscriptionExceeded",
         "The quantity 301 is more than the 300 seats allowed per subscription."),
        (line(quantity=0), "InvalidInput", "The quantity 0 is less than the minimum of 1."),
        (line("CFQ7TTC0MM8R:0002:" + "CFQ7TTC0" + "X"), "CatalogItemIdIsNotValid",
         "The catalog item id CFQ7TTC0MM8R:0002:CFQ7TTC0X is not valid."),
    ],
)  # fmt: skip
def test_line_item_errors(
    client: TestClient, user: dict[str, str], given: dict[str, Any], error_code: str, description: str
) -> None:
    created = client.post(f"/v1/customers/{FABRIKAM}/carts", json=cart_body(given), headers=user)
    assert created.status_code == 201
    item = created.json()["lineItems"][0]
    assert item["error"] == {"errorCode": error_code, "errorDescription": description}
    assert "pricing" not in item
    checkout = client.post(f"/v1/customers/{FABRIKAM}/carts/{created.json()['id']}/checkout", headers=user)
    assert (checkout.status_code, checkout.json()) == (400, error(800009, "Error in Cart item(s)"))


def test_an_add_on_needs_its_base(client: TestClient, user: dict[str, str]) -> None:
    copilot = client.get("/v1/products/CFQ7TTC0MM8R/skus/0002/availabilities?country=US", headers=user)
    item_id = copilot.json()["items"][0]["catalogItemId"]
    alone = client.post(f"/v1/customers/{FABRIKAM}/carts", json=cart_body(line(item_id, 1)), headers=user).json()
    assert alone["lineItems"][0]["error"]["errorCode"] == "UnableToProcessCartLineItem"
    assert alone["lineItems"][0]["error"]["errorDescription"].startswith(
        f"The add-on {item_id} needs a subscription to one of CFQ7TTC0LH18:0001, "
    )
    together = client.post(
        f"/v1/customers/{FABRIKAM}/carts", json=cart_body(line(), line(item_id, 1)), headers=user
    ).json()
    assert [("error" in i, i["orderGroup"]) for i in together["lineItems"]] == [(False, "0"), (False, "0")]


def test_cart_errors(client: TestClient, user: dict[str, str]) -> None:
    no_attestation = client.post(
        f"/v1/customers/{FABRIKAM}/carts", json=cart_body(line(), attestation=None), headers=user
    )
    assert (no_attestation.status_code, no_attestation.json()) == (400, error(900206, "Partner Attestation is missing"))
    no_lines = client.post(
        f"/v1/customers/{FABRIKAM}/carts", json={"PartnerOnRecordAttestationAccepted": True}, headers=user
    )
    assert (no_lines.status_code, no_lines.json()) == (
        400,
        error(800002, "Invalid request input: 'lineItems' is required and must be a non-empty list."),
    )
    unknown = "0f4b4a42-5a0b-4a7a-9f7e-2c1d3b4a5c6d"
    missing = client.get(f"/v1/customers/{FABRIKAM}/carts/{unknown}", headers=user)
    assert (missing.status_code, missing.json()) == (404, error(800008, f"Cart with id {unknown} was not found."))
    not_a_guid = client.get(f"/v1/customers/{FABRIKAM}/carts/cart-1", headers=user)
    assert (not_a_guid.status_code, not_a_guid.json()) == (
        400,
        error(800002, "Invalid request input: the cart id 'cart-1' is not a GUID."),
    )


def test_carts_expire_after_seven_days(client: TestClient, user: dict[str, str], state: EmulatorState) -> None:
    cart_id = client.post(f"/v1/customers/{FABRIKAM}/carts", json=cart_body(line()), headers=user).json()["id"]
    state.clock.advance(7 * DAY - 1)
    user = signed_in(state)
    assert client.get(f"/v1/customers/{FABRIKAM}/carts/{cart_id}", headers=user).status_code == 200
    state.clock.advance(1)
    assert client.get(f"/v1/customers/{FABRIKAM}/carts/{cart_id}", headers=user).status_code == 404
    # The next cart of the customer removes it from the store.
    client.post(f"/v1/customers/{FABRIKAM}/carts", json=cart_body(line()), headers=user)
    assert state.world.carts.get(cart_id) is None


def test_update_a_cart(client: TestClient, user: dict[str, str]) -> None:
    cart = client.post(f"/v1/customers/{FABRIKAM}/carts", json=cart_body(line()), headers=user).json()
    changed = client.put(
        f"/v1/customers/{FABRIKAM}/carts/{cart['id']}", json=cart_body(line(quantity=7, cycle="annual")), headers=user
    )
    assert changed.status_code == 201
    item = changed.json()["lineItems"][0]
    assert (item["quantity"], item["billingCycle"], item["pricing"]["price"], item["pricing"]["extendedPrice"]) == (
        7,
        "annual",
        72.0,
        504.0,
    )
    assert changed.json()["expirationTimestamp"] == cart["expirationTimestamp"]


# --- checkout -------------------------------------------------------------------------------------------------


def test_checkout_needs_the_customer_agreement(client: TestClient, user: dict[str, str]) -> None:
    cart_id = client.post(f"/v1/customers/{FABRIKAM}/carts", json=cart_body(line()), headers=user).json()["id"]
    refused = client.post(f"/v1/customers/{FABRIKAM}/carts/{cart_id}/checkout", headers=user)
    assert (refused.status_code, refused.json()) == (
        403,
        error(
            13605,
            "Either a partner confirmation of the customer acceptance of the Microsoft Customer Agreement must be "
            "provided or the customer must accept the Microsoft Customer Agreement in the Microsoft Admin Center "
            "before you can complete this purchase",
        ),
    )
    # The refusal changes nothing: the cart can be checked out once the agreement is confirmed.
    confirm_agreement(client, user)
    assert client.post(f"/v1/customers/{FABRIKAM}/carts/{cart_id}/checkout", headers=user).status_code == 201


def test_checkout_as_documented(client: TestClient, user: dict[str, str]) -> None:
    result = bought(client, user)
    order = result["orders"][0]
    order_id, subscription_id = order["id"], order["lineItems"][0]["subscriptionId"]
    assert len(order_id) == 12 and int(order_id, 16) >= 0 and order_id == order_id.lower()
    assert result == {
        "orders": [
            {
                "id": order_id,
                "alternateId": order_id,
                "referenceCustomerId": FABRIKAM,
                "billingCycle": "monthly",
                "currencyCode": "USD",
                "currencySymbol": "US$",
                "lineItems": [
                    {
                        "lineItemNumber": 0,
                        "offerId": BASIC,
                        "subscriptionId": subscription_id,
                        "termDuration": "P1Y",
                        "transactionType": "New",
                        "quantity": 5,
                        "pricing": {
                            "listPrice": 6.0,
                            "discountedPrice": 6.0,
                            "proratedPrice": 6.0,
                            "price": 6.0,
                            "extendedPrice": 360.0,
                        },
                        "links": {
                            "product": link("/products/CFQ7TTC0LH18"),
                            "sku": link("/products/CFQ7TTC0LH18/skus/0001"),
                            "availability": link("/products/CFQ7TTC0LH18/skus/0001/availabilities/CFQ7TTC0K971"),
                        },
                    }
                ],
                "creationDate": "2026-12-01T10:00:00.123Z",
                "status": "pending",
                "transactionType": "UserPurchase",
                "links": {
                    "provisioningStatus": link(f"/customers/{FABRIKAM}/orders/{order_id}/provisioningstatus"),
                    "self": link(f"/customers/{FABRIKAM}/orders/{order_id}"),
                },
                "totalPrice": 360.0,
                "attributes": {"objectType": "Order"},
            }
        ],
        "orderErrors": [],
    }


def test_a_cart_is_checked_out_once(client: TestClient, user: dict[str, str]) -> None:
    confirm_agreement(client, user)
    cart_id = client.post(f"/v1/customers/{FABRIKAM}/carts", json=cart_body(line()), headers=user).json()["id"]
    path = f"/v1/customers/{FABRIKAM}/carts/{cart_id}/checkout"
    first = client.post(path, headers={**user, "MS-RequestId": "retry-1"})
    retried = client.post(path, headers={**user, "MS-RequestId": "retry-1"})
    assert (first.status_code, retried.status_code, retried.json()) == (201, 201, first.json())
    second = client.post(path, headers=user)
    assert (second.status_code, second.json()) == (
        400,
        error(800065, f"can't check out an already submitted cart {cart_id}."),
    )
    assert client.get(f"/v1/customers/{FABRIKAM}/carts/{cart_id}", headers=user).json()["status"] == "Ordered"
    changed = client.put(f"/v1/customers/{FABRIKAM}/carts/{cart_id}", json=cart_body(line()), headers=user)
    assert changed.status_code == 400 and changed.json()["code"] == 800065


def test_concurrent_checkouts_of_one_cart_create_one_order(state: EmulatorState, user: dict[str, str]) -> None:
    from emulator.app import EmulatorApp

    with serving(EmulatorApp(state)) as url:
        httpx.post(f"{url}/v1/customers/{FABRIKAM}/agreements", headers=user, json={
            "primaryContact": {"firstName": "A", "lastName": "B", "email": "a@b.example"},
            "templateId": MCA_TEMPLATE, "dateAgreed": "2026-11-30", "type": "MicrosoftCustomerAgreement"})  # fmt: skip
        cart = httpx.post(f"{url}/v1/customers/{FABRIKAM}/carts", json=cart_body(line()), headers=user).json()
        statuses: list[int] = []

        def check_out() -> None:
            answer = httpx.post(f"{url}/v1/customers/{FABRIKAM}/carts/{cart['id']}/checkout", headers=user)
            statuses.append(answer.status_code)

        threads = [threading.Thread(target=check_out) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(statuses) == [201] + [400] * 7
    orders = [o for o in state.world.orders.group(FABRIKAM) if o["id"] and len(o["id"]) == 12]
    assert len(orders) == 1


# --- provisioning and the subscription's life -----------------------------------------------------------------


def test_provisioning_on_the_emulator_clock(client: TestClient, user: dict[str, str], state: EmulatorState) -> None:
    order = bought(client, user)["orders"][0]
    sid = order["lineItems"][0]["subscriptionId"]
    base = f"/v1/customers/{FABRIKAM}"
    pending = client.get(f"{base}/subscriptions/{sid}/provisioningstatus", headers=user).json()
    assert pending == {
        "skuId": "0001",
        "status": "pending",
        "quantity": 5,
        "endDate": "2027-11-30T00:00:00Z",
        "attributes": {"objectType": "SubscriptionProvisioningStatus"},
    }
    assert client.get(f"{base}/orders/{order['id']}/provisioningstatus", headers=user).json()["items"] == [
        {
            "orderLineItemId": "0",
            "lineItemNumber": 0,
            "status": "unfulfilled",
            "quantityProvisioningInformation": [{"quantity": 5, "status": "PrefulfillmentPending"}],
        }
    ]
    early = client.patch(f"{base}/subscriptions/{sid}", json={"quantity": 6}, headers=user)
    assert (early.status_code, early.json()) == (
        409,
        error(800082, "Subscription is not ready to be updated. Try again after sometime"),
    )
    state.clock.advance(30)
    assert client.get(f"{base}/orders/{order['id']}", headers=user).json()["status"] == "completed"
    assert client.get(f"{base}/subscriptions/{sid}/provisioningstatus", headers=user).json()["status"] == "success"
    subscription = client.get(f"{base}/subscriptions/{sid}", headers=user).json()
    assert subscription == {
        "id": sid,
        "offerId": BASIC,
        "entitlementId": sid,
        "offerName": "Microsoft 365 Business Basic",
        "friendlyName": "Microsoft 365 Business Basic",
        "productType": {"id": "OnlineServicesNCE", "displayName": "OnlineServicesNCE"},
        "quantity": 5,
        "unitType": "Licenses",
        "hasPurchasableAddons": True,
        "creationDate": "2026-12-01T10:00:00.123Z",
        "effectiveStartDate": "2026-12-01T00:00:00Z",
        "commitmentEndDate": "2027-11-30T00:00:00Z",
        "commitmentEndDateTime": "2027-11-30T23:59:59Z",
        "cancellationAllowedUntilDate": "2026-12-08T10:00:00Z",
        "status": "active",
        "autoRenewEnabled": True,
        "isTrial": False,
        "billingType": "license",
        "billingCycle": "monthly",
        "termDuration": "P1Y",
        "renewalTermDuration": "",
        "refundOptions": [{"type": "Full", "expiresAt": "2026-12-08T10:00:00Z"}],
        "refundableQuantity": {
            "totalQuantity": 5,
            "details": [{"quantity": 5, "allowedUntilDateTime": "2026-12-08T10:00:00Z"}],
        },
        "publisherName": "Microsoft Corporation",
        "partnerId": "",
        "attentionNeeded": False,
        "actionTaken": False,
        "links": {
            "product": link("/products/CFQ7TTC0LH18?country=US"),
            "sku": link("/products/CFQ7TTC0LH18/skus/0001?country=US"),
            "availability": link("/products/CFQ7TTC0LH18/skus/0001/availabilities/CFQ7TTC0K971?country=US"),
            "self": link(f"/customers/{FABRIKAM}/subscriptions/{sid}"),
        },
        "orderId": order["id"],
        "attributes": {"etag": subscription["attributes"]["etag"], "objectType": "Subscription"},
    }


def test_seats_come_off_lot_by_lot_inside_their_window(
    client: TestClient, user: dict[str, str], state: EmulatorState
) -> None:
    sid = bought(client, user)["orders"][0]["lineItems"][0]["subscriptionId"]
    path = f"/v1/customers/{FABRIKAM}/subscriptions/{sid}"
    state.clock.advance(3 * DAY)
    user = signed_in(state)
    up = client.patch(path, json={"quantity": 8}, headers=user).json()
    assert up["refundableQuantity"] == {
        "totalQuantity": 8,
        "details": [
            {"quantity": 5, "allowedUntilDateTime": "2026-12-08T10:00:00Z"},
            {"quantity": 3, "allowedUntilDateTime": "2026-12-11T10:00:00Z"},
        ],
    }
    state.clock.advance(5 * DAY)  # day 8: the first lot's window has closed, the second's has not
    user = signed_in(state)
    down = client.patch(path, json={"quantity": 6}, headers=user).json()
    assert (down["quantity"], down["refundableQuantity"]) == (
        6,
        {"totalQuantity": 1, "details": [{"quantity": 1, "allowedUntilDateTime": "2026-12-11T10:00:00Z"}]},
    )
    assert "refundOptions" not in down
    too_far = client.patch(path, json={"quantity": 4}, headers=user)
    assert (too_far.status_code, too_far.json()) == (400, error(800090, "Subscription quantity cannot be decreased."))
    late_cancel = client.patch(path, json={"status": "deleted"}, headers=user)
    assert (late_cancel.status_code, late_cancel.json()) == (
        400,
        error(900213, "You have passed your 168-hour cancellation window. We are unable to cancel your purchase"),
    )
    assert client.patch(path, json={"autoRenewEnabled": False}, headers=user).json()["autoRenewEnabled"] is False
    over = client.patch(path, json={"quantity": 301}, headers=user)
    assert over.json() == error(
        2002, "Subscription quantity is not within minimum and maximum allowed quantity (1 to 300)."
    )


def test_cancel_inside_the_window(client: TestClient, user: dict[str, str], state: EmulatorState) -> None:
    sid = bought(client, user)["orders"][0]["lineItems"][0]["subscriptionId"]
    state.clock.advance(2 * DAY)
    user = signed_in(state)
    path = f"/v1/customers/{FABRIKAM}/subscriptions/{sid}"
    cancelled = client.patch(path, json={"status": "deleted"}, headers=user)
    assert cancelled.status_code == 200
    shown = cancelled.json()
    assert (shown["status"], shown["autoRenewEnabled"], "refundableQuantity" in shown) == ("deleted", False, False)
    again = client.patch(path, json={"quantity": 2}, headers=user)
    assert again.json() == error(2011, f"Subscription with id {sid} and deleted status cannot be updated.")


# --- licenses -------------------------------------------------------------------------------------------------


def test_licenses_follow_the_subscriptions(
    client: TestClient, user: dict[str, str], app: dict[str, str], state: EmulatorState
) -> None:
    bought(client, user, line(quantity=1))
    state.clock.advance(30)
    skus = client.get(f"/v1/customers/{FABRIKAM}/subscribedskus", headers=user).json()["items"]
    basic = next(s for s in skus if s["productSku"]["skuPartNumber"] == "O365_BUSINESS_ESSENTIALS")
    assert {k: basic[k] for k in ("availableUnits", "activeUnits", "consumedUnits", "totalUnits")} == {
        "availableUnits": 1,
        "activeUnits": 1,
        "consumedUnits": 0,
        "totalUnits": 1,
    }
    assert basic["productSku"] == {
        "id": "3b555118-da6a-4418-894f-7df1e2096870",
        "name": "Microsoft 365 Business Basic",
        "skuPartNumber": "O365_BUSINESS_ESSENTIALS",
        "targetType": "User",
        "licenseGroupId": "group1",
    }
    users = client.get(f"/v1/customers/{FABRIKAM}/users", headers=user).json()["items"]
    first, second = users[0]["id"], users[1]["id"]
    assign = {"LicensesToAssign": [{"ExcludedPlans": None, "SkuId": basic["productSku"]["id"]}]}
    given = client.post(f"/v1/customers/{FABRIKAM}/users/{first}/licenseupdates", json=assign, headers=user)
    assert (given.status_code, given.json()) == (
        201,
        {
            "licensesToAssign": [{"skuId": "3b555118-da6a-4418-894f-7df1e2096870"}],
            "licenseWarnings": [],
            "attributes": {"objectType": "LicenseUpdate"},
        },
    )
    licenses = client.get(f"/v1/customers/{FABRIKAM}/users/{first}/licenses", headers=user).json()["items"]
    assert [(item["productSku"]["skuPartNumber"], item["attributes"]) for item in licenses] == [
        ("O365_BUSINESS_ESSENTIALS", {"objectType": "License"})
    ]
    assert {p["capabilityStatus"] for p in licenses[0]["servicePlans"]} == {"Assigned"}
    out = client.post(f"/v1/customers/{FABRIKAM}/users/{second}/licenseupdates", json=assign, headers=user)
    assert (out.status_code, out.json()) == (
        400,
        error(
            60012,
            "There are no available licenses for the product sku 3b555118-da6a-4418-894f-7df1e2096870.",
            [
                "LicenseQuotaExceededException : Subscription for the license is either not available, or all its "
                "licenses are assigned."
            ],
        ),
    )
    app_only = client.post(f"/v1/customers/{FABRIKAM}/users/{second}/licenseupdates", json=assign, headers=app)
    assert (app_only.status_code, app_only.json()) == (
        400,
        error(900316, "Partner token is not allowed in license management calls."),
    )


def test_relationship_request(client: TestClient, user: dict[str, str]) -> None:
    # ms-partner-tools 0.1.1's get_relationship_request_url(): this GET with these headers, then resp["url"].
    json_headers = {"Accept": "application/json", "Content-Type": "application/json"}
    answer = client.get("/v1/customers/relationshiprequests", headers={**user, **json_headers})
    assert (answer.status_code, answer.json()) == (
        200,
        {
            "url": "https://admin.microsoft.com/Adminportal/Home?invType=ResellerRelationship&partnerId="
            f"{NW.TENANT_ID}&msppId=0&DAP=false#/BillingAccounts/partner-invitation",
            "attributes": {"objectType": "RelationshipRequest"},
        },
    )


# --- the whole purchase, over HTTP -----------------------------------------------------------------------------


def test_a_whole_purchase_over_http(state: EmulatorState, user: dict[str, str]) -> None:
    """catalogue → agreement refused, then confirmed → cart → checkout → provisioned → seats up and down →
    cancellation refused outside the window and accepted inside → licenses."""
    from emulator.app import EmulatorApp

    with serving(EmulatorApp(state)) as url, httpx.Client(base_url=url, headers=user) as http:
        base = f"/v1/customers/{FABRIKAM}"
        products = http.get("/v1/products", params={"country": "US", "targetView": "OnlineServices"}).json()
        premium = next(p for p in products["items"] if p["title"] == "Microsoft 365 Business Premium")
        skus = http.get(premium["links"]["skus"]["uri"].replace("/products", "/v1/products", 1)).json()["items"]
        paid = next(s for s in skus if not s["isTrial"])
        availabilities = http.get(f"/v1/products/{premium['id']}/skus/{paid['id']}/availabilities?country=US")
        item = availabilities.json()["items"][0]["catalogItemId"]
        lines = [line(item, 10), line(BASIC, 2, "annual")]
        cart = http.post(f"{base}/carts", json=cart_body(*lines)).json()
        assert [i["orderGroup"] for i in cart["lineItems"]] == ["0", "1"]
        assert http.post(f"{base}/carts/{cart['id']}/checkout").json()["code"] == 13605
        assert confirm_agreement(http, user).status_code == 201  # type: ignore[arg-type]
        result = http.post(f"{base}/carts/{cart['id']}/checkout").json()
        assert [o["billingCycle"] for o in result["orders"]] == ["monthly", "annual"]
        order = result["orders"][0]
        sid = order["lineItems"][0]["subscriptionId"]
        assert http.get(f"{base}/orders/{order['id']}").json()["status"] == "pending"
        assert http.get(f"{base}/subscriptions/{sid}").json()["status"] == "pending"
        state.clock.advance(60)
        assert http.get(f"{base}/orders/{order['id']}").json()["status"] == "completed"
        assert http.get(f"{base}/subscriptions/{sid}").json()["status"] == "active"
        assert http.patch(f"{base}/subscriptions/{sid}", json={"quantity": 12}).json()["quantity"] == 12
        assert http.patch(f"{base}/subscriptions/{sid}", json={"quantity": 11}).json()["quantity"] == 11
        other = result["orders"][1]["lineItems"][0]["subscriptionId"]
        state.clock.advance(8 * DAY)
        http.headers.update(signed_in(state))
        refused = http.patch(f"{base}/subscriptions/{other}", json={"status": "deleted"})
        assert (refused.status_code, refused.json()["code"]) == (400, 900213)
        skus_now = http.get(f"{base}/subscribedskus").json()["items"]
        spb = next(s for s in skus_now if s["productSku"]["skuPartNumber"] == "SPB")
        assert (spb["activeUnits"], spb["availableUnits"]) == (11, 11)
        user_id = http.get(f"{base}/users").json()["items"][0]["id"]
        assign = {"LicensesToAssign": [{"SkuId": spb["productSku"]["id"]}]}
        assert http.post(f"{base}/users/{user_id}/licenseupdates", json=assign).status_code == 201
        spb = next(
            s
            for s in http.get(f"{base}/subscribedskus").json()["items"]
            if s["productSku"]["id"] == spb["productSku"]["id"]
        )
        assert (spb["consumedUnits"], spb["availableUnits"]) == (1, 10)
        # A new purchase, cancelled inside its window.
        fresh = http.post(f"{base}/carts", json=cart_body(line(BASIC, 1))).json()
        new_sid = http.post(f"{base}/carts/{fresh['id']}/checkout").json()["orders"][0]["lineItems"][0][
            "subscriptionId"
        ]
        state.clock.advance(60)
        assert http.patch(f"{base}/subscriptions/{new_sid}", json={"status": "deleted"}).json()["status"] == "deleted"


# --- transitions and migrations --------------------------------------------------------------------------------

LEGACY_BUSINESS_PREMIUM = "4788E20A-B38D-5A45-9312-001442304095"  # Fabrikam's Office 365 Business Premium (legacy)
LEGACY_AZURE = "166CCA8E-FD89-5BAA-A2D8-C708589BF976"
STANDARD = "CFQ7TTC0LDPB:0001:CFQ7TTC0LGNT"


def test_transition_to_an_upgrade_target(client: TestClient, user: dict[str, str], state: EmulatorState) -> None:
    sid = bought(client, user)["orders"][0]["lineItems"][0]["subscriptionId"]
    base = f"/v1/customers/{FABRIKAM}/subscriptions/{sid}"
    pending = client.get(f"{base}/transitionEligibilities", headers=user).json()["items"][0]
    not_active = [{"code": 1, "description": "The subscription is pending, not active."}]
    assert pending["eligibilities"] == [
        {"isEligible": False, "transitionType": "transition_only", "errors": not_active},
        {"isEligible": False, "transitionType": "transition_with_license_transfer", "errors": not_active},
    ]
    state.clock.advance(30)
    items = client.get(f"{base}/transitionEligibilities?eligibilityType=immediate", headers=user).json()["items"]
    assert [i["catalogItemId"] for i in items] == [STANDARD, "CFQ7TTC0LF8Q:0001:CFQ7TTC0KQDF"]
    assert items[0] == {
        "operationId": items[0]["operationId"],
        "catalogItemId": STANDARD,
        "title": "Microsoft 365 Business Standard",
        "description": "Everything in Business Basic, plus desktop versions of the Microsoft 365 apps.",
        "quantity": 5,
        "subscriptionEligibilities": [],
        "eligibilities": [
            {"isEligible": True, "transitionType": "transition_only", "errors": []},
            {"isEligible": True, "transitionType": "transition_with_license_transfer", "errors": []},
        ],
        "attributes": {"objectType": "TransitionEligibility"},
    }
    body = {"toCatalogItemId": STANDARD, "quantity": 2, "transitionType": "transition_only"}
    started = client.post(f"{base}/transitions", json=body, headers=user)
    shown = started.json()
    expected = {
        "operationId": shown["operationId"],
        "fromCatalogItemId": BASIC,
        "fromSubscriptionId": sid,
        "toCatalogItemId": STANDARD,
        "toSubscriptionId": shown["toSubscriptionId"],
        "quantity": 2,
        "termDuration": "P1Y",
        "billingCycle": "monthly",
        "transitionType": "transition_only",
        "status": "Started",
        "events": [
            {
                "name": "Conversion",
                "status": "Started",
                "timestamp": "2026-12-01T10:00:30Z",
                "attributes": {"objectType": "TransitionEvent"},
            }
        ],
        "attributes": {"objectType": "Transition"},
    }
    assert (started.status_code, shown) == (200, expected)
    assert client.get(base, headers=user).json()["quantity"] == 3
    target = client.get(f"/v1/customers/{FABRIKAM}/subscriptions/{shown['toSubscriptionId']}", headers=user).json()
    assert (target["offerId"], target["quantity"], target["status"]) == (STANDARD, 2, "pending")
    state.clock.advance(30)
    history = client.get(f"{base}/transitions?operationId={shown['operationId']}", headers=user).json()["items"]
    completed = {"name": "Conversion", "status": "Completed", "timestamp": "2026-12-01T10:01:00Z"}
    assert history == [
        {
            **expected,
            "status": "Completed",
            "events": [*expected["events"], {**completed, "attributes": {"objectType": "TransitionEvent"}}],
        }
    ]
    # The rest moves into the same target subscription; the source is then expired.
    into = {**body, "quantity": 3, "toSubscriptionId": shown["toSubscriptionId"]}
    assert client.post(f"{base}/transitions", json=into, headers=user).status_code == 200
    assert client.get(base, headers=user).json()["status"] == "expired"
    target = client.get(f"/v1/customers/{FABRIKAM}/subscriptions/{shown['toSubscriptionId']}", headers=user).json()
    assert target["quantity"] == 5


def test_transition_errors(client: TestClient, user: dict[str, str], state: EmulatorState) -> None:
    sid = bought(client, user)["orders"][0]["lineItems"][0]["subscriptionId"]
    state.clock.advance(30)
    base = f"/v1/customers/{FABRIKAM}/subscriptions"
    legacy = client.get(f"{base}/{LEGACY_BUSINESS_PREMIUM}/transitionEligibilities", headers=user)
    assert (legacy.status_code, legacy.json()) == (
        403,
        error(900263, "This API method is not supported for legacy subscriptions."),
    )
    wrong = client.post(
        f"{base}/{sid}/transitions",
        json={"toCatalogItemId": "CFQ7TTC0LFLZ:0002:CFQ7TTC0K4TS", "quantity": 1, "transitionType": "transition_only"},
        headers=user,
    )
    assert (wrong.status_code, wrong.json()) == (
        400,
        error(
            900236,
            "The subscription is not eligible for this transition: CFQ7TTC0LFLZ:0002:CFQ7TTC0K4TS is not a "
            f"transition target of {BASIC}.",
        ),
    )
    too_many = client.post(
        f"{base}/{sid}/transitions",
        json={"toCatalogItemId": STANDARD, "quantity": 6, "transitionType": "transition_only"},
        headers=user,
    )
    assert too_many.json() == error(
        900236, "The subscription is not eligible for this transition: the quantity must be from 1 to 5."
    )
    kind = client.post(
        f"{base}/{sid}/transitions", json={"toCatalogItemId": STANDARD, "quantity": 1, "transitionType": "swap"},
        headers=user,
    )  # fmt: skip
    assert kind.json() == error(
        800002,
        "Invalid request input: 'transitionType' must be transition_only or transition_with_license_transfer, "
        "got 'swap'.",
    )


def test_migrate_a_legacy_subscription(client: TestClient, user: dict[str, str], state: EmulatorState) -> None:
    base = f"/v1/customers/{FABRIKAM}/migrations/newcommerce"
    legacy_id = LEGACY_BUSINESS_PREMIUM.lower()
    valid = client.post(f"{base}/validate", json={"currentSubscriptionId": LEGACY_BUSINESS_PREMIUM}, headers=user)
    assert valid.json() == {
        "currentSubscriptionId": legacy_id,
        "isEligible": True,
        "catalogItemId": STANDARD,
        "errors": [],
    }
    azure = client.post(f"{base}/validate", json={"currentSubscriptionId": LEGACY_AZURE}, headers=user)
    assert azure.json() == {
        "currentSubscriptionId": LEGACY_AZURE.lower(),
        "isEligible": False,
        "errors": [{"code": 900218, "description": "The offer MS-AZR-0145P has no New Commerce equivalent."}],
    }
    body = {"currentSubscriptionId": LEGACY_BUSINESS_PREMIUM, "termDuration": "P1Y", "billingCycle": "monthly"}
    created = client.post(base, json=body, headers=user)
    shown = created.json()
    expected = {
        "id": shown["id"],
        "startedTime": "2026-12-01T10:00:00Z",
        "currentSubscriptionId": legacy_id,
        "status": "Processing",
        "customerTenantId": FABRIKAM,
        "catalogItemId": STANDARD,
        "newCommerceSubscriptionId": shown["newCommerceSubscriptionId"],
        "newCommerceOrderId": shown["newCommerceOrderId"],
        "subscriptionEndDate": "2027-11-30T00:00:00Z",
        "quantity": 12,
        "termDuration": "P1Y",
        "billingCycle": "Monthly",
        "purchaseFullTerm": False,
        "addOnMigrations": [],
    }
    assert (created.status_code, shown) == (201, expected)
    legacy = client.get(f"/v1/customers/{FABRIKAM}/subscriptions/{LEGACY_BUSINESS_PREMIUM}", headers=user).json()
    assert legacy["status"] == "deleted"
    state.clock.advance(30)
    done = client.get(f"{base}/{shown['id']}", headers=user).json()
    assert done == {**expected, "status": "Completed", "completedTime": "2026-12-01T10:00:30Z"}
    events = client.get(f"{base}/events?current_subscription_id={legacy_id}", headers=user).json()
    assert [(e["eventName"], e["createdTime"]) for e in events] == [
        ("MigrationStarted", "2026-12-01T10:00:00Z"),
        ("NewCommerceSubscriptionCreated", "2026-12-01T10:00:00Z"),
        ("NewCommerceSubscriptionProvisioned", "2026-12-01T10:00:30Z"),
        ("MigrationCompleted", "2026-12-01T10:00:30Z"),
    ]
    assert {e["newCommerceMigrationId"] for e in events} == {shown["id"]}
    again = client.post(base, json=body, headers=user)
    assert (again.status_code, again.json()) == (
        400,
        error(900215, "The subscription cannot be migrated to New Commerce: The subscription is deleted, not active."),
    )
    unknown = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
    missing = client.get(f"{base}/{unknown}", headers=user)
    assert (missing.status_code, missing.json()) == (404, error(800002, f"Migration with id {unknown} was not found."))


def test_new_commerce_state_is_persisted(tmp_path: Any, signing_key: Any) -> None:
    """Agreements, carts, orders, subscriptions, transitions and migrations survive a restart with --persist."""
    from emulator.app import EmulatorApp
    from emulator.config import Config

    def started() -> EmulatorApp:
        return EmulatorApp(EmulatorState(Config(in_memory_key=True, persist=True, state_dir=tmp_path), key=signing_key))

    first = started()
    user = signed_in(first.state)
    with TestClient(first, base_url="http://127.0.0.1:8080", client=("127.0.0.1", 50000)) as client:
        result = bought(client, user)
        migrated = client.post(
            f"/v1/customers/{FABRIKAM}/migrations/newcommerce",
            json={"currentSubscriptionId": LEGACY_BUSINESS_PREMIUM},
            headers=user,
        ).json()
    first.state.persistence.flush()  # type: ignore[union-attr]
    second = started()
    user = signed_in(second.state)
    with TestClient(second, base_url="http://127.0.0.1:8080", client=("127.0.0.1", 50000)) as client:
        order = result["orders"][0]
        assert client.get(f"/v1/customers/{FABRIKAM}/orders/{order['id']}", headers=user).json()["id"] == order["id"]
        sid = order["lineItems"][0]["subscriptionId"]
        assert client.get(f"/v1/customers/{FABRIKAM}/subscriptions/{sid}", headers=user).json()["quantity"] == 5
        agreements = client.get(f"/v1/customers/{FABRIKAM}/agreements", headers=user).json()["items"]
        assert len(agreements) == 1
        path = f"/v1/customers/{FABRIKAM}/migrations/newcommerce/{migrated['id']}"
        assert client.get(path, headers=user).json()["catalogItemId"] == STANDARD


# --- regressions found in review -------------------------------------------------------------------------------


def test_seats_never_move_into_a_cancelled_subscription_nor_come_back(
    client: TestClient, user: dict[str, str], state: EmulatorState
) -> None:
    result = bought(client, user, line(), line(STANDARD, 2))
    items = result["orders"][0]["lineItems"]
    sid, tid = items[0]["subscriptionId"], items[1]["subscriptionId"]
    state.clock.advance(30)
    base = f"/v1/customers/{FABRIKAM}/subscriptions"
    assert client.patch(f"{base}/{tid}", json={"status": "deleted"}, headers=user).status_code == 200
    into_cancelled = {"toCatalogItemId": STANDARD, "quantity": 2, "transitionType": "transition_only",
                      "toSubscriptionId": tid}  # fmt: skip
    refused = client.post(f"{base}/{sid}/transitions", json=into_cancelled, headers=user)
    assert (refused.status_code, refused.json()) == (
        400,
        error(900236, f"The subscription is not eligible for this transition: the subscription {tid} is deleted, "
                      "not active."),
    )  # fmt: skip
    assert client.get(f"{base}/{sid}", headers=user).json()["quantity"] == 5  # nothing moved
    # Three seats move to a new subscription: the source's refundable lots shrink with it.
    moved = {"toCatalogItemId": STANDARD, "quantity": 3, "transitionType": "transition_only"}
    assert client.post(f"{base}/{sid}/transitions", json=moved, headers=user).status_code == 200
    source = client.get(f"{base}/{sid}", headers=user).json()
    assert (source["quantity"], source["refundableQuantity"]["totalQuantity"]) == (2, 2)
    rest = {**moved, "quantity": 2}
    assert client.post(f"{base}/{sid}/transitions", json=rest, headers=user).status_code == 200
    expired = client.patch(f"{base}/{sid}", json={"quantity": 7}, headers=user)
    assert (expired.status_code, expired.json()) == (
        400,
        error(2011, f"Subscription with id {sid} and expired status cannot be updated."),
    )


@pytest.mark.parametrize("quantity", [-7, 0, 10**9])
def test_a_migration_quantity_outside_the_limits(client: TestClient, user: dict[str, str], quantity: int) -> None:
    base = f"/v1/customers/{FABRIKAM}/migrations/newcommerce"
    body = {"currentSubscriptionId": LEGACY_BUSINESS_PREMIUM, "quantity": quantity}
    valid = client.post(f"{base}/validate", json=body, headers=user).json()
    assert (valid["isEligible"], valid["errors"]) == (
        False,
        [{"code": 900220, "description": "The quantity must be from 1 to 12."}],
    )
    created = client.post(base, json=body, headers=user)
    assert (created.status_code, created.json()) == (
        400,
        error(900215, "The subscription cannot be migrated to New Commerce: The quantity must be from 1 to 12."),
    )
