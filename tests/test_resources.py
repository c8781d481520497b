"""The Partner Center resources with state: shapes, changes, paging, idempotency and every documented bad input."""

from __future__ import annotations

import base64
import json
import urllib.parse
from typing import Any

import pytest
from starlette.testclient import TestClient

from emulator.state import EmulatorState
from tests.helpers import NW, app_token, bearer, user_token

FABRIKAM = "c13d2ea4-5bee-53d5-988a-6b3a6a13df75"
TAILSPIN = "ef0b8fc9-03a9-5660-a812-afdcb0ec6c6f"
WINGTIP = "72df8664-689f-50a3-9f34-c0f099b9f1c5"
ADVENTURE = "7174f1a0-ff2b-51ff-9c5b-90365681bade"
CONTOSO_E5 = "2517076F-2EB0-5DB1-AD7B-3586F9840D02"
FABRIKAM_AZURE = "166CCA8E-FD89-5BAA-A2D8-C708589BF976"
TAILSPIN_SUSPENDED = "548E8BD1-EDC1-5542-99B3-D22CD1251AA1"
WINGTIP_PENDING = "C301D754-3A99-59ED-AED4-F3FC97B3C6F2"
ADVENTURE_DELETED = "CFE36056-3B36-5ABF-AE77-EC3E28F95BA9"
M365_E5 = "8BDBB60B-E526-43E9-92EF-AB760C8E0B72"
EXCHANGE_ARCHIVING = "2828BE95-46BA-4F91-B2FD-0BEF192ECF60"


def error(code: int | str, description: str) -> dict[str, Any]:
    return {"code": code, "description": description, "data": [], "source": "PartnerFD"}


@pytest.fixture
def user(state: EmulatorState) -> dict[str, str]:
    return bearer(user_token(state, NW.ADMIN, ["pwd", "mfa"]))


@pytest.fixture
def app(state: EmulatorState) -> dict[str, str]:
    return bearer(app_token(state))


# --- profiles ----------------------------------------------------------------------------------------------


def test_billing_profile(client: TestClient, user: dict[str, str]) -> None:
    assert client.get("/v1/profiles/billing", headers=user).json() == {
        "companyName": "Northwind Cloud Partners",
        "address": {
            "country": "US",
            "city": "Redmond",
            "state": "WA",
            "addressLine1": "4567 Willows Road",
            "addressLine2": "Suite 200",
            "postalCode": "98052",
        },
        "primaryContact": {
            "firstName": "Adele",
            "lastName": "Vance",
            "email": "billing@northwindpartners.com",
            "phoneNumber": "4255550142",
        },
        "purchaseOrderNumber": "NW-2026-0042",
        "taxId": "91-1234567",
        "billingCurrency": "USD",
        "profileType": "BillingProfile",
        "links": {"self": {"uri": "/profiles/billing", "method": "GET", "headers": []}},
        "attributes": {"etag": "-1907283310412354477", "objectType": "BillingProfile"},
    }


def test_support_profile_has_its_documented_oddities(client: TestClient, user: dict[str, str]) -> None:
    assert client.get("/v1/profiles/support", headers=user).json() == {
        "email": "support@northwindpartners.com",
        "telephone": "4255550199",
        "website": "www.northwindpartners.com",
        "profileType": "support_profile",
        "links": {"self": {"uri": "/v1/profiles/support", "method": "GET", "headers": []}},
        "attributes": {"objectType": "PartnerSupportProfile"},
    }


def test_legal_business_profile_allows_app_only(client: TestClient, app: dict[str, str]) -> None:
    body = client.get("/v1/profiles/legalbusiness?vettingVersion=Current", headers=app).json()
    assert body["profileType"] == "LegalBusinessProfile"
    assert body["vettingStatus"] == "authorized"
    assert body["attributes"] == {"objectType": "LegalBusinessProfile"}


@pytest.mark.parametrize("path", ["/v1/profiles/billing", "/v1/profiles/support", "/v1/profiles/mpn"])
def test_app_user_only_profiles_refuse_app_only(client: TestClient, app: dict[str, str], path: str) -> None:
    response = client.get(path, headers=app)
    assert response.status_code == 401
    assert response.json()["code"] == 400


def test_mpn_profile_and_lookup(client: TestClient, user: dict[str, str]) -> None:
    own = client.get("/v1/profiles/mpn", headers=user).json()
    assert own == {
        "mpnId": "4812345",
        "partnerName": "Northwind Cloud Partners",
        "profileType": "MpnProfile",
        "links": {"self": {"uri": "/profiles/mpn", "method": "GET", "headers": []}},
        "attributes": {"objectType": "MpnProfile"},
    }
    other = client.get("/v1/profiles/mpn?mpnId=4391507", headers=user).json()
    assert other["mpnId"] == "4391507"
    missing = client.get("/v1/profiles/mpn?mpnId=9999999", headers=user)
    assert missing.status_code == 404
    assert missing.json() == error(3000, "Partner Organization with partner_id 9999999 could not be found")
    assert client.get("/v1/profiles/mpn?mpnId=abc", headers=user).status_code == 400


# --- customers: paging and filter --------------------------------------------------------------------------


def test_seek_paging_walks_every_customer_once(client: TestClient, app: dict[str, str]) -> None:
    page = client.get("/v1/customers?size=15", headers=app).json()
    seen = [c["id"] for c in page["items"]]
    pages = 1
    while "next" in page["links"]:
        following = page["links"]["next"]
        assert following["uri"] == "/v1/customers?size=15&seekOperation=Next"
        (header,) = following["headers"]
        assert header["key"] == "MS-ContinuationToken"
        assert header["value"] == page["continuationToken"]
        page = client.get(following["uri"], headers={**app, "MS-ContinuationToken": header["value"]}).json()
        seen += [c["id"] for c in page["items"]]
        pages += 1
    assert pages == 3
    assert len(seen) == 40 == len(set(seen))
    assert "continuationToken" not in page


def test_the_same_page_follows_the_customer_count(client: TestClient, app: dict[str, str]) -> None:
    # The same query before and after a customer is added and removed: the links follow the count every time.
    def last_link() -> dict[str, Any]:
        page = client.get("/v1/customers?size=40&offset=0", headers=app).json()
        assert page["totalCount"] == 40
        return dict(page["links"])

    assert last_link() == {"self": {"uri": "/v1/customers?size=40&offset=0", "method": "GET", "headers": []}}
    created = client.post("/v1/customers", json=DOC_CUSTOMER, headers=app).json()
    assert last_link() == {
        "self": {"uri": "/v1/customers?size=40&offset=0", "method": "GET", "headers": []},
        "next": {"uri": "/v1/customers?size=40&offset=40", "method": "GET", "headers": []},
    }
    assert client.get(f"/v1/customers/{created['id']}", headers=app).status_code == 200
    assert client.post("/_emulator/reset").status_code == 200
    assert "next" not in last_link()
    # A refused query is refused every time (nothing is remembered of it).
    for _ in range(2):
        assert client.get("/v1/customers?size=-1", headers=app).status_code == 400


def test_filter_by_company_name_and_domain(client: TestClient, app: dict[str, str]) -> None:
    query = urllib.parse.quote(json.dumps({"Field": "CompanyName", "Value": "CONTOSO", "Operator": "starts_with"}))
    names = [
        c["companyProfile"]["companyName"]
        for c in client.get(f"/v1/customers?filter={query}", headers=app).json()["items"]
    ]
    assert names == ["Contoso Ltd", "Contoso Pharmaceuticals"]
    query = urllib.parse.quote(json.dumps({"Field": "Domain", "Value": "fabrikam", "Operator": "starts_with"}))
    domains = [
        c["companyProfile"]["domain"] for c in client.get(f"/v1/customers?filter={query}", headers=app).json()["items"]
    ]
    assert domains == ["fabrikaminc.onmicrosoft.com", "fabrikamresidences.onmicrosoft.com"]


def test_filtered_offset_paging_keeps_the_filter(client: TestClient, app: dict[str, str]) -> None:
    raw = json.dumps({"Field": "CompanyName", "Value": "co", "Operator": "starts_with"})
    first = client.get(f"/v1/customers?size=1&offset=0&filter={urllib.parse.quote(raw)}", headers=app).json()
    following = first["links"]["next"]["uri"]
    assert following == f"/v1/customers?size=1&offset=1&filter={urllib.parse.quote(raw, safe='')}"
    second = client.get(following, headers=app).json()
    assert [c["companyProfile"]["companyName"] for c in first["items"] + second["items"]] == [
        "Contoso Ltd",
        "Coho Winery",
    ]


def test_filtered_seek_paging_keeps_the_filter(client: TestClient, app: dict[str, str]) -> None:
    raw = json.dumps({"Field": "CompanyName", "Value": "co", "Operator": "starts_with"})
    first = client.get(f"/v1/customers?size=1&filter={urllib.parse.quote(raw)}", headers=app).json()
    token = first["continuationToken"]
    second = client.get("/v1/customers?seekOperation=Next", headers={**app, "MS-ContinuationToken": token}).json()
    assert [c["companyProfile"]["companyName"] for c in first["items"] + second["items"]] == [
        "Contoso Ltd",
        "Coho Winery",
    ]


@pytest.mark.parametrize(
    ("query", "headers", "description"),
    [
        (
            "filter=notjson",
            {},
            'Invalid request input: \'filter\' is not JSON; expected {"Field","Value","Operator"} URL-encoded.',
        ),
        (
            "filter=" + urllib.parse.quote('{"Field":"Email","Value":"a","Operator":"starts_with"}'),
            {},
            "Invalid request input: filter 'Field' must be CompanyName, Domain or IndirectReseller.",
        ),
        (
            "filter=" + urllib.parse.quote('{"Field":"Domain","Value":"a","Operator":"equals"}'),
            {},
            "Invalid request input: filter 'Operator' must be starts_with (the only one customers support).",
        ),
        (
            "seekOperation=Next",
            {},
            "Invalid request input: seekOperation=Next needs the MS-ContinuationToken header from the previous page.",
        ),
        ("seekOperation=Previous", {}, "Invalid request input: seekOperation 'Previous' is not supported; use 'Next'."),
        (
            "seekOperation=Next",
            {"MS-ContinuationToken": "%%%"},
            "Invalid request input: the MS-ContinuationToken header is not a continuation token this service issued.",
        ),
        (
            "seekOperation=Next",
            {"MS-ContinuationToken": base64.b64encode(b'{"o":-5,"s":2}').decode()},
            "Invalid request input: the MS-ContinuationToken header is not a continuation token this service issued.",
        ),
    ],
)
def test_customer_list_bad_input(
    client: TestClient, app: dict[str, str], query: str, headers: dict[str, str], description: str
) -> None:
    response = client.get(f"/v1/customers?{query}", headers={**app, **headers})
    assert response.status_code == 400
    assert response.json() == error(800002, description)


# --- customers: create, idempotency, delete ----------------------------------------------------------------

DOC_CUSTOMER = NW.DOC_CUSTOMER


def test_create_customer_as_documented(client: TestClient, app: dict[str, str]) -> None:
    response = client.post("/v1/customers", json=DOC_CUSTOMER, headers=app)
    assert response.status_code == 201
    body = response.json()
    cid = body["id"]
    password = body["userCredentials"]["password"]
    assert len(password) == 12
    assert body == {
        "id": cid,
        "commerceId": body["commerceId"],
        "companyProfile": {
            "tenantId": cid,
            "domain": "xyz.onmicrosoft.com",
            "attributes": {"objectType": "CustomerCompanyProfile"},
        },
        "billingProfile": {
            "id": body["billingProfile"]["id"],
            "email": "test@outlook.com",
            "culture": "en-US",
            "language": "en",
            "companyName": "test company",
            "defaultAddress": {
                "country": "US",
                "city": "Redmond",
                "state": "WA",
                "addressLine1": "One Microsoft Way",
                "postalCode": "98052",
                "firstName": "Test",
                "lastName": "Test",
                "phoneNumber": "",
            },
            "attributes": {
                "etag": body["billingProfile"]["attributes"]["etag"],
                "objectType": "CustomerBillingProfile",
            },
        },
        "relationshipToPartner": "none",
        "userCredentials": {"userName": "admin", "password": password},
        "attributes": {"objectType": "Customer"},
    }
    fetched = client.get(f"/v1/customers/{cid}", headers=app).json()
    assert fetched["companyProfile"]["companyName"] == "test company"
    assert fetched["relationshipToPartner"] == "reseller"
    assert fetched["customDomains"] == ["xyz.onmicrosoft.com"]
    listed = client.get("/v1/customers?size=500", headers=app).json()
    assert listed["totalCount"] == 41
    assert listed["items"][-1]["id"] == cid


def test_create_customer_camel_case_like_the_sdk(client: TestClient, app: dict[str, str]) -> None:
    body = json.loads(
        json.dumps(DOC_CUSTOMER).replace('"CompanyProfile"', '"companyProfile"').replace('"Domain"', '"domain"')
    )
    body["companyProfile"]["domain"] = "camel.onmicrosoft.com"
    assert client.post("/v1/customers", json=body, headers=app).status_code == 201


def test_domain_already_taken(client: TestClient, app: dict[str, str]) -> None:
    body = json.loads(json.dumps(DOC_CUSTOMER))
    body["CompanyProfile"]["Domain"] = "ContosoLtd.onmicrosoft.com"
    response = client.post("/v1/customers", json=body, headers=app)
    assert response.status_code == 400
    assert response.json() == error(
        3000, "Invalid property: the domain 'contosoltd.onmicrosoft.com' is already in use by another tenant."
    )


def _without(path: list[str]) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(json.dumps(DOC_CUSTOMER))
    target = body
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return body


@pytest.mark.parametrize(
    ("body", "description"),
    [
        (_without(["BillingProfile", "Email"]), "Invalid property: 'BillingProfile.Email' is required."),
        (_without(["CompanyProfile"]), "Invalid property: 'CompanyProfile' is required and must be an object."),
        (
            _without(["BillingProfile", "DefaultAddress", "City"]),
            "Invalid property: 'BillingProfile.DefaultAddress.City' is required.",
        ),
        (
            {**DOC_CUSTOMER, "CompanyProfile": {"Domain": "not a domain"}},
            "Invalid property: 'CompanyProfile.Domain' 'not a domain' is not a domain name (for example x.onmicrosoft.com).",
        ),
        (
            {**DOC_CUSTOMER, "BillingProfile": {**DOC_CUSTOMER["BillingProfile"], "Email": "nobody"}},
            "Invalid property: 'BillingProfile.Email' 'nobody' is not an email address.",
        ),
        (
            {**DOC_CUSTOMER, "BillingProfile": {**DOC_CUSTOMER["BillingProfile"], "Culture": 7}},
            "Invalid property: 'BillingProfile.Culture' must be a non-empty string.",
        ),
    ],
)
def test_create_customer_validation(
    client: TestClient, app: dict[str, str], body: dict[str, Any], description: str
) -> None:
    response = client.post("/v1/customers", json=body, headers=app)
    assert response.status_code == 400
    assert response.json() == error(3000, description)
    assert len(client.get("/v1/customers", headers=app).json()["items"]) == 40  # nothing half-created


@pytest.mark.parametrize(
    ("content", "status", "description"),
    [
        (b"{not json", 400, "Invalid request input: the body is not valid JSON."),
        (b"[1, 2, 3]", 400, "Invalid request input: the body must be a JSON object."),
        (b"", 400, "Invalid request input: the request has no body; a JSON object is expected."),
        (b"[" * 100_000, 400, "Invalid request input: the body is not valid JSON."),
        (
            b'{"a": "' + b"x" * (1024 * 1024) + b'"}',
            413,
            "Invalid request input: the body is larger than 1048576 bytes.",
        ),
    ],
)
def test_unreadable_bodies(
    client: TestClient, app: dict[str, str], content: bytes, status: int, description: str
) -> None:
    response = client.post("/v1/customers", content=content, headers={**app, "Content-Type": "application/json"})
    assert response.status_code == status
    assert response.json() == error(800002, description)


def test_retried_create_with_the_same_request_id_creates_nothing(client: TestClient, app: dict[str, str]) -> None:
    headers = {**app, "MS-RequestId": "0f9b2a4e-6a1c-4c55-9d55-3b0f6a0c1d2e"}
    first = client.post("/v1/customers", json=DOC_CUSTOMER, headers=headers)
    again = client.post("/v1/customers", json=DOC_CUSTOMER, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert len(client.get("/v1/customers", headers=app).json()["items"]) == 41
    other = client.post("/v1/customers", json=DOC_CUSTOMER, headers={**app, "MS-RequestId": "another"})
    assert other.status_code == 400  # a new request id is a new request: the domain is now taken


def test_a_request_id_is_never_replayed_to_another_caller(
    client: TestClient, state: EmulatorState, app: dict[str, str]
) -> None:
    request_id = "0f9b2a4e-6a1c-4c55-9d55-3b0f6a0c1d2f"
    first = client.post("/v1/customers", json=DOC_CUSTOMER, headers={**app, "MS-RequestId": request_id})
    assert first.status_code == 201
    someone_else = bearer(user_token(state, NW.ADMIN, ["pwd", "mfa"]))
    other = client.post("/v1/customers", json=DOC_CUSTOMER, headers={**someone_else, "MS-RequestId": request_id})
    assert other.status_code == 400  # judged as its own request (the domain is taken), not given the first answer
    assert "userCredentials" not in other.json()


def test_delete_customer_outside_the_sandbox_is_refused(client: TestClient, app: dict[str, str]) -> None:
    response = client.delete(f"/v1/customers/{NW.CONTOSO}", headers=app)
    assert response.status_code == 400
    assert response.json()["code"] == 900127
    assert client.get(f"/v1/customers/{NW.CONTOSO}", headers=app).status_code == 200


def test_delete_customer_in_the_sandbox(
    client: TestClient, state: EmulatorState, app: dict[str, str], user: dict[str, str]
) -> None:
    state.world.integration_sandbox = True
    assert client.delete(f"/v1/customers/{NW.CONTOSO}", headers=app).status_code == 204
    assert client.get(f"/v1/customers/{NW.CONTOSO}", headers=app).status_code == 404
    assert client.get(f"/v1/customers/{NW.CONTOSO}/subscriptions", headers=app).status_code == 404
    assert state.world.subscriptions.get(CONTOSO_E5) is None
    assert state.world.customer_users.group(NW.CONTOSO) == []
    assert client.delete(f"/v1/customers/{NW.CONTOSO}", headers=app).status_code == 404


def test_reset_restores_the_fixtures(client: TestClient, state: EmulatorState, app: dict[str, str]) -> None:
    client.post("/v1/customers", json=DOC_CUSTOMER, headers=app)
    client.patch(f"/v1/customers/{NW.CONTOSO}/subscriptions/{CONTOSO_E5}", json={"quantity": 30}, headers=app)
    assert client.post("/_emulator/reset").status_code == 200
    assert len(client.get("/v1/customers", headers=app).json()["items"]) == 40
    assert client.get(f"/v1/customers/{NW.CONTOSO}/subscriptions/{CONTOSO_E5}", headers=app).json()["quantity"] == 25


# --- customer users ------------------------------------------------------------------------------------------


def test_list_users(client: TestClient, user: dict[str, str]) -> None:
    body = client.get(f"/v1/customers/{NW.CONTOSO}/users", headers=user).json()
    assert [u["userPrincipalName"] for u in body["items"]] == [
        "admin@contosoltd.onmicrosoft.com",
        "fernandez.patti@contosoltd.onmicrosoft.com",
    ]
    admin = body["items"][0]
    assert admin["links"]["self"]["uri"] == f"/customers/{NW.CONTOSO}/users/{admin['id']}"
    assert admin["attributes"] == {"objectType": "CustomerUser"}
    assert "usageLocation" not in admin and body["items"][1]["usageLocation"] == "US"


def test_users_refuse_app_only(client: TestClient, app: dict[str, str]) -> None:
    response = client.get(f"/v1/customers/{NW.CONTOSO}/users", headers=app)
    assert response.status_code == 401
    assert response.json()["code"] == 400


NEW_USER = {
    "usageLocation": "US",
    "userPrincipalName": "jane.doe@contosoltd.onmicrosoft.com",
    "firstName": "Jane",
    "lastName": "Doe",
    "displayName": "Jane Doe",
    "passwordProfile": {"password": "abCD123*xyz", "forceChangePassword": True},
}


def test_create_get_and_delete_a_user(client: TestClient, user: dict[str, str], state: EmulatorState) -> None:
    created = client.post(f"/v1/customers/{NW.CONTOSO}/users", json=NEW_USER, headers=user)
    assert created.status_code == 201
    body = created.json()
    assert body == {
        "usageLocation": "US",
        "id": body["id"],
        "userPrincipalName": "jane.doe@contosoltd.onmicrosoft.com",
        "firstName": "Jane",
        "lastName": "Doe",
        "displayName": "Jane Doe",
        "userDomainType": "none",
        "state": "active",
        "passwordProfile": {"forceChangePassword": True, "password": "abCD123*xyz"},
        "lastDirectorySyncTime": None,
        "softDeletionTime": None,
        "attributes": {"objectType": "CustomerUser"},
    }
    stored = state.world.customer_users.get(body["id"])
    assert "abCD123*xyz" not in json.dumps(stored)  # the password is not kept (so never saved either)
    path = f"/v1/customers/{NW.CONTOSO}/users/{body['id']}"
    assert client.get(path, headers=user).json()["displayName"] == "Jane Doe"
    assert client.delete(path, headers=user).status_code == 204
    gone = client.get(path, headers=user)
    assert gone.status_code == 404
    assert gone.json() == error(60002, f"User object Id is not found: {body['id']}")


@pytest.mark.parametrize(
    ("change", "description"),
    [
        (
            {"userPrincipalName": "jane@elsewhere.com"},
            "Invalid property: 'userPrincipalName' must be in one of the customer's domains: contosoltd.com, contosoltd.onmicrosoft.com.",
        ),
        (
            {"userPrincipalName": "admin@contosoltd.onmicrosoft.com"},
            "Invalid property: a user with userPrincipalName 'admin@contosoltd.onmicrosoft.com' already exists.",
        ),
        (
            {"passwordProfile": {"password": "short"}},
            "Invalid property: 'passwordProfile.password' must have at least 8 characters.",
        ),
        ({"displayName": None}, "Invalid property: 'displayName' is required."),
    ],
)
def test_create_user_validation(
    client: TestClient, user: dict[str, str], change: dict[str, Any], description: str
) -> None:
    response = client.post(f"/v1/customers/{NW.CONTOSO}/users", json={**NEW_USER, **change}, headers=user)
    assert response.status_code == 400
    assert response.json() == error(3000, description)


# --- subscriptions ---------------------------------------------------------------------------------------------


def test_subscription_list_and_get(client: TestClient, app: dict[str, str]) -> None:
    listed = client.get(f"/v1/customers/{NW.CONTOSO}/subscriptions", headers=app).json()
    assert listed["totalCount"] == 2
    assert "links" not in listed
    got = client.get(f"/v1/customers/{NW.CONTOSO}/subscriptions/{CONTOSO_E5.lower()}", headers=app).json()
    assert got == listed["items"][0]
    assert got["id"] == CONTOSO_E5
    assert got["offerId"] == M365_E5
    assert got["offerName"] == "Microsoft 365 E5"
    assert got["quantity"] == 25
    assert got["status"] == "active"
    assert got["billingType"] == "license"
    assert got["links"] == {
        "offer": {"uri": f"/offers/{M365_E5}?country=US", "method": "GET", "headers": []},
        "self": {"uri": f"/customers/{NW.CONTOSO}/subscriptions/{CONTOSO_E5}", "method": "GET", "headers": []},
    }
    etag = json.loads(base64.b64decode(got["attributes"]["etag"]))
    assert etag == {"id": CONTOSO_E5.lower(), "version": 1}
    addon = listed["items"][1]
    assert addon["parentSubscriptionId"] == CONTOSO_E5
    assert addon["links"]["parentSubscription"]["uri"] == f"/customers/{NW.CONTOSO}/subscriptions/{CONTOSO_E5}"


def test_unknown_subscription(client: TestClient, app: dict[str, str]) -> None:
    missing = "00000000-0000-0000-0000-0000000000AA"
    response = client.get(f"/v1/customers/{NW.CONTOSO}/subscriptions/{missing}", headers=app)
    assert response.status_code == 404
    assert response.json() == error(20003, f"Subscription with id {missing} not found.")
    # Another customer's subscription is not this customer's.
    assert client.get(f"/v1/customers/{FABRIKAM}/subscriptions/{CONTOSO_E5}", headers=app).status_code == 404


def test_change_quantity_with_the_etag(client: TestClient, app: dict[str, str]) -> None:
    path = f"/v1/customers/{NW.CONTOSO}/subscriptions/{CONTOSO_E5}"
    current = client.get(path, headers=app).json()
    etag = current["attributes"]["etag"]
    changed = client.patch(path, json={**current, "quantity": 30}, headers={**app, "If-Match": etag})
    assert changed.status_code == 200
    assert changed.json()["quantity"] == 30
    new_etag = changed.json()["attributes"]["etag"]
    assert json.loads(base64.b64decode(new_etag))["version"] == 2
    stale = client.patch(path, json={"quantity": 31}, headers={**app, "If-Match": etag})
    assert stale.status_code == 412
    assert stale.json() == error(2055, "Etag is no longer valid")
    stale_in_body = client.patch(path, json={"Quantity": 31, "Attributes": {"Etag": etag}}, headers=app)
    assert stale_in_body.status_code == 412
    assert client.get(path, headers=app).json()["quantity"] == 30


@pytest.mark.parametrize(
    ("subscription", "customer", "patch", "status", "code", "description"),
    [
        (
            CONTOSO_E5,
            NW.CONTOSO,
            {"quantity": 0},
            400,
            2002,
            "Subscription quantity is not within minimum and maximum allowed quantity (1 to 10000000).",
        ),
        (
            CONTOSO_E5,
            NW.CONTOSO,
            {"quantity": "lots"},
            400,
            800002,
            "Invalid request input: 'quantity' must be a whole number, got \"lots\".",
        ),
        (
            CONTOSO_E5,
            NW.CONTOSO,
            {"billingCycle": "annual"},
            400,
            2054,
            "The billing cycle for an existing subscription cannot be updated using update-subscription operation. Please use update-Order operation",
        ),
        (CONTOSO_E5, NW.CONTOSO, {"status": "deleted"}, 400, 800096, "Cannot update the status for this subscription"),
        (
            CONTOSO_E5,
            NW.CONTOSO,
            {"autoRenewEnabled": "yes"},
            400,
            800002,
            "Invalid request input: 'autoRenewEnabled' must be true or false, got \"yes\".",
        ),
        (
            TAILSPIN_SUSPENDED,
            TAILSPIN,
            {"quantity": 41},
            400,
            800091,
            "Cannot update a subscription with suspended status",
        ),
        (WINGTIP_PENDING, WINGTIP, {"quantity": 4}, 400, 800081, "Cannot update a subscription before activating it"),
        (
            ADVENTURE_DELETED,
            ADVENTURE,
            {"quantity": 4},
            400,
            2011,
            f"Subscription with id {ADVENTURE_DELETED} and deleted status cannot be updated.",
        ),
        (
            FABRIKAM_AZURE,
            FABRIKAM,
            {"quantity": 2},
            400,
            800095,
            "Cannot update the seat quantity for this subscription",
        ),
        (
            FABRIKAM_AZURE,
            FABRIKAM,
            {"autoRenewEnabled": True},
            400,
            800093,
            "The subscription is not eligible to be auto-renewed",
        ),
    ],
)
def test_subscription_update_errors(
    client: TestClient,
    app: dict[str, str],
    subscription: str,
    customer: str,
    patch: dict[str, Any],
    status: int,
    code: int,
    description: str,
) -> None:
    path = f"/v1/customers/{customer}/subscriptions/{subscription}"
    before = client.get(path, headers=app).json()
    response = client.patch(path, json=patch, headers=app)
    assert response.status_code == status
    assert response.json() == error(code, description)
    assert client.get(path, headers=app).json() == before


def test_suspend_reactivate_rename_and_auto_renew(client: TestClient, app: dict[str, str]) -> None:
    path = f"/v1/customers/{NW.CONTOSO}/subscriptions/{CONTOSO_E5}"
    suspended = client.patch(path, json={"Status": "suspended"}, headers=app).json()  # PascalCase, as documented
    assert suspended["status"] == "suspended"
    assert suspended["suspensionReasons"] == ["CustomerCancellation"]
    active = client.patch(
        path, json={"status": "active", "friendlyName": "E5 for sales", "autoRenewEnabled": False}, headers=app
    ).json()
    assert active["status"] == "active"
    assert "suspensionReasons" not in active
    assert active["friendlyName"] == "E5 for sales"
    assert active["autoRenewEnabled"] is False
    assert json.loads(base64.b64decode(active["attributes"]["etag"]))["version"] == 3


# --- offers ----------------------------------------------------------------------------------------------------


def test_offer_by_id_in_the_recorded_shape(client: TestClient, app: dict[str, str]) -> None:
    body = client.get(f"/v1/offers/{M365_E5.lower()}?country=US", headers=app).json()
    assert body == {
        "id": M365_E5,
        "name": "Microsoft 365 E5",
        "description": "Office 365 Enterprise E5, Enterprise Mobility + Security E5, and Window 10 Enterprise E5. This "
        "per-user licensed suite of products offers customers the latest, most advanced enterprise security, "
        "management, collaboration, and business analytics.",
        "minimumQuantity": 1,
        "maximumQuantity": 10000000,
        "rank": 174,
        "uri": f"/3c95518e-8c37-41e3-9627-0ca339200f53/Offers/{M365_E5}",
        "locale": "en-US",
        "country": "US",
        "category": {
            "id": "Enterprise_Key",
            "name": "Enterprise",
            "rank": 20,
            "locale": "en-US",
            "country": "US",
            "attributes": {"objectType": "OfferCategory"},
        },
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
        "links": {
            "learnMore": {"method": "GET", "headers": []},
            "self": {"uri": f"/offers/{M365_E5}?country=US", "method": "GET", "headers": []},
        },
        "attributes": {"objectType": "Offer"},
    }


def test_offer_list_category_and_paging(client: TestClient, app: dict[str, str]) -> None:
    everything = client.get("/v1/offers?country=gb", headers={**app, "X-Locale": "en-GB"}).json()
    assert everything["totalCount"] == 13
    assert everything["links"] == {"self": {"uri": "/offers?country=GB", "method": "GET", "headers": []}}
    assert {o["country"] for o in everything["items"]} == {"GB"}
    assert {o["locale"] for o in everything["items"]} == {"en-GB"}
    small = client.get("/v1/offers?country=US&offer_category_id=SmallBusiness_Key", headers=app).json()
    assert [o["name"] for o in small["items"]] == ["Office 365 Business Premium", "Office 365 Business Essentials"]
    page = client.get("/v1/offers?country=US&size=5&offset=0", headers=app).json()
    assert page["totalCount"] == 5
    assert page["links"]["next"]["uri"] == "/offers?country=US&size=5&offset=5"


@pytest.mark.parametrize(
    ("path", "status", "body"),
    [
        (
            "/v1/offers",
            400,
            error(800002, "Invalid request input: 'country' is required (a two-letter country code such as US)."),
        ),
        (
            "/v1/offers?country=USA",
            400,
            error(800002, "Invalid request input: 'country' must be a two-letter country code, got 'USA'."),
        ),
        ("/v1/offers/NOPE?country=US", 404, error(1000, "Not found: no offer with id NOPE in market US.")),
    ],
)
def test_offer_bad_input(client: TestClient, app: dict[str, str], path: str, status: int, body: dict[str, Any]) -> None:
    response = client.get(path, headers=app)
    assert response.status_code == status
    assert response.json() == body


# --- orders ------------------------------------------------------------------------------------------------------

ORDER = {
    "ReferenceCustomerId": FABRIKAM,
    "BillingCycle": "monthly",
    "LineItems": [{"LineItemNumber": 0, "OfferId": M365_E5, "FriendlyName": "E5 for Fabrikam", "Quantity": 5}],
}


def test_order_creates_its_subscriptions(client: TestClient, state: EmulatorState, app: dict[str, str]) -> None:
    response = client.post(f"/v1/customers/{FABRIKAM}/orders", json=ORDER, headers=app)
    assert response.status_code == 201
    order = response.json()
    (item,) = order["lineItems"]
    sid = item["subscriptionId"]
    assert order == {
        "id": order["id"],
        "referenceCustomerId": FABRIKAM,
        "billingCycle": "monthly",
        "currencyCode": "USD",
        "lineItems": [
            {
                "lineItemNumber": 0,
                "offerId": M365_E5,
                "subscriptionId": sid,
                "friendlyName": "E5 for Fabrikam",
                "quantity": 5,
                "links": {
                    "subscription": {
                        "uri": f"/customers/{FABRIKAM}/subscriptions/{sid}",
                        "method": "GET",
                        "headers": [],
                    }
                },
            }
        ],
        "creationDate": order["creationDate"],
        "status": "pending",
        "links": {
            "provisioningStatus": {
                "uri": f"/customers/{FABRIKAM}/orders/{order['id']}/provisioningstatus",
                "method": "GET",
                "headers": [],
            },
            "self": {"uri": f"/customers/{FABRIKAM}/orders/{order['id']}", "method": "GET", "headers": []},
        },
        "attributes": {"objectType": "Order"},
    }
    subscription = client.get(f"/v1/customers/{FABRIKAM}/subscriptions/{sid}", headers=app).json()
    assert subscription["status"] == "active"
    assert subscription["quantity"] == 5
    assert subscription["orderId"] == order["id"]
    assert subscription["billingCycle"] == "monthly"
    by_order = client.get(f"/v1/customers/{FABRIKAM}/subscriptions?order_id={order['id']}", headers=app).json()
    assert [s["id"] for s in by_order["items"]] == [sid]
    assert client.get(f"/v1/customers/{FABRIKAM}/orders/{order['id']}", headers=app).json()["status"] == "pending"
    state.clock.advance(31)
    assert client.get(f"/v1/customers/{FABRIKAM}/orders/{order['id']}", headers=app).json()["status"] == "completed"
    assert len(client.get(f"/v1/customers/{FABRIKAM}/orders", headers=app).json()["items"]) == 2


def test_retried_order_creates_nothing_twice(client: TestClient, app: dict[str, str]) -> None:
    headers = {**app, "MS-RequestId": "5a0c2f3e-1111-4c55-9d55-3b0f6a0c1d2e"}
    first = client.post(f"/v1/customers/{FABRIKAM}/orders", json=ORDER, headers=headers).json()
    again = client.post(f"/v1/customers/{FABRIKAM}/orders", json=ORDER, headers=headers).json()
    assert first == again
    assert len(client.get(f"/v1/customers/{FABRIKAM}/subscriptions", headers=app).json()["items"]) == 3


def _order(*items: dict[str, Any], cycle: str = "monthly") -> dict[str, Any]:
    return {"BillingCycle": cycle, "LineItems": list(items)}


def _item(number: int, offer: str = M365_E5, quantity: Any = 1, **extra: Any) -> dict[str, Any]:
    return {"LineItemNumber": number, "OfferId": offer, "Quantity": quantity, **extra}


@pytest.mark.parametrize(
    ("body", "status", "code", "description"),
    [
        (_order(_item(0, "NO-SUCH-OFFER")), 400, 800004, "Invalid offer Id: NO-SUCH-OFFER"),
        (
            _order(_item(0, quantity=0)),
            400,
            2002,
            f"Subscription quantity is not within minimum and maximum allowed quantity: offer {M365_E5} allows 1 to 10000000, the order asks for 0.",
        ),
        (
            _order(_item(0, "031C9E47-4802-4248-838E-778FB1D2CC05", 301)),
            400,
            2002,
            "Subscription quantity is not within minimum and maximum allowed quantity: offer 031C9E47-4802-4248-838E-778FB1D2CC05 allows 1 to 300, the order asks for 301.",
        ),
        (_order(_item(0), _item(0)), 400, 800071, "Line Item number should be from 0 to number of line items count"),
        (_order(_item(1)), 400, 800071, "Line Item number should be from 0 to number of line items count"),
        (
            _order(_item(0, "F1B2C3D4-5E6F-4A7B-8C9D-0E1F2A3B4C5D")),
            403,
            2091,
            "The offer is no longer available for purchase: F1B2C3D4-5E6F-4A7B-8C9D-0E1F2A3B4C5D",
        ),
        (
            _order(_item(0, EXCHANGE_ARCHIVING)),
            400,
            800029,
            "The add-on is not related to the specified parent subscription",
        ),
        (
            _order(_item(0), cycle="weekly"),
            400,
            6001,
            f"The billing cycle could not be changed because one of the order's Offer Ids does not support the billing term: {M365_E5} supports annual, monthly.",
        ),
        (
            _order(_item(0), _item(1, quantity=-3)),
            400,
            2002,
            f"Subscription quantity is not within minimum and maximum allowed quantity: offer {M365_E5} allows 1 to 10000000, the order asks for -3.",
        ),
        (
            _order(_item(0, quantity="5")),
            400,
            800002,
            "Invalid request input: 'LineItems[0].Quantity' must be a whole number, got \"5\".",
        ),
        (
            {"LineItems": []},
            400,
            800002,
            "Invalid request input: 'LineItems' is required and must be a non-empty list.",
        ),
        (
            {**_order(_item(0)), "ReferenceCustomerId": NW.CONTOSO},
            400,
            800002,
            "Invalid request input: 'ReferenceCustomerId' must be the customer id in the path.",
        ),
    ],
)
def test_order_errors_create_nothing(
    client: TestClient, app: dict[str, str], body: dict[str, Any], status: int, code: int, description: str
) -> None:
    response = client.post(f"/v1/customers/{FABRIKAM}/orders", json=body, headers=app)
    assert response.status_code == status
    assert response.json() == error(code, description)
    assert len(client.get(f"/v1/customers/{FABRIKAM}/subscriptions", headers=app).json()["items"]) == 2
    assert len(client.get(f"/v1/customers/{FABRIKAM}/orders", headers=app).json()["items"]) == 1


def test_add_on_with_its_parent(client: TestClient, app: dict[str, str]) -> None:
    body = _order(_item(0, "1C410588-DA3B-4F88-B38F-707EB9DE46C0", 2, ParentSubscriptionId=CONTOSO_E5))
    response = client.post(f"/v1/customers/{NW.CONTOSO}/orders", json=body, headers=app)
    assert response.status_code == 201
    sid = response.json()["lineItems"][0]["subscriptionId"]
    assert (
        client.get(f"/v1/customers/{NW.CONTOSO}/subscriptions/{sid}", headers=app).json()["parentSubscriptionId"]
        == CONTOSO_E5
    )


def test_unknown_order_and_customer(client: TestClient, app: dict[str, str]) -> None:
    response = client.get(f"/v1/customers/{FABRIKAM}/orders/nope", headers=app)
    assert response.status_code == 404
    assert response.json() == error(20000, "Order Id not found: nope")
    missing = "00000000-0000-0000-0000-000000000009"
    for path in (f"/v1/customers/{missing}/orders", f"/v1/customers/{missing}/subscriptions"):
        assert client.get(path, headers=app).json()["code"] == 60003


# --- invoices ------------------------------------------------------------------------------------------------------


def test_invoices_page_by_offset(client: TestClient, app: dict[str, str], user: dict[str, str]) -> None:
    page = client.get("/v1/invoices?size=2&offset=0", headers=app).json()
    assert page["totalCount"] == 2
    assert page["links"] == {
        "self": {"uri": "/invoices?size=2&offset=0", "method": "GET", "headers": []},
        "next": {"uri": "/invoices?size=2&offset=2", "method": "GET", "headers": []},
    }
    first = page["items"][0]
    assert first["id"] == "D000030001"
    assert first["invoiceType"] == "Recurring"
    assert first["links"]["self"]["uri"] == "/invoices/Recurring-D000030001"
    assert first["pdfDownloadLink"] == "/invoices/D000030001/documents/statement"
    assert [d["links"]["self"]["uri"] for d in first["invoiceDetails"]] == [
        "/invoices/Recurring-D000030001/lineitems/Office/BillingLineItems",
        "/invoices/Recurring-D000030001/lineitems/Azure/BillingLineItems",
        "/invoices/Recurring-D000030001/lineitems/Azure/UsageLineItems",
    ]
    assert isinstance(first["totalCharges"], float)
    by_id = client.get("/v1/invoices/Recurring-D000030001", headers=user).json()
    assert by_id == first
    assert client.get("/v1/invoices/D000030001", headers=user).json() == first
    assert client.get("/v1/invoices/D000030001", headers=app).status_code == 401
    assert client.get("/v1/invoices/X123", headers=user).json()["code"] == 1000


# --- application consents ----------------------------------------------------------------------------------------

CONSENT = {
    "displayName": "CPV Marketplace",
    "applicationId": "11112222-3333-4444-5555-666677778888",
    "applicationGrants": [
        {
            "enterpriseApplicationId": "00000002-0000-0000-c000-000000000000",
            "scope": "Domain.ReadWrite.All,User.ReadWrite.All",
        },
        {"enterpriseApplicationId": "797f4846-ba00-4fd7-ba43-dac1f8f63013", "scope": "user_impersonation"},
    ],
}


def test_application_consent_lifecycle(client: TestClient, user: dict[str, str], app: dict[str, str]) -> None:
    path = f"/v1/customers/{NW.CONTOSO}/applicationconsents"
    assert client.post(path, json=CONSENT, headers=app).status_code == 401
    created = client.post(path, json=CONSENT, headers=user)
    assert created.status_code == 201
    assert created.json() == CONSENT
    duplicate = client.post(path, json=CONSENT, headers=user)
    assert duplicate.status_code == 409
    assert client.delete(f"{path}/{CONSENT['applicationId']}", headers=user).status_code == 204
    assert client.delete(f"{path}/{CONSENT['applicationId']}", headers=user).status_code == 404
    assert client.post(path, json=CONSENT, headers=user).status_code == 201  # granted again


@pytest.mark.parametrize(
    ("body", "description"),
    [
        ({**CONSENT, "applicationId": "not-a-guid"}, "Invalid property: 'applicationId' must be a GUID."),
        (
            {**CONSENT, "applicationGrants": []},
            "Invalid property: 'applicationGrants' is required and must be a non-empty list.",
        ),
        (
            {**CONSENT, "applicationGrants": [{"scope": "x"}]},
            "Invalid property: 'applicationGrants[0].enterpriseApplicationId' is required.",
        ),
    ],
)
def test_application_consent_validation(
    client: TestClient, user: dict[str, str], body: dict[str, Any], description: str
) -> None:
    response = client.post(f"/v1/customers/{NW.CONTOSO}/applicationconsents", json=body, headers=user)
    assert response.status_code == 400
    assert response.json() == error(3000, description)
