"""Partner Center over HTTP: the gate, each profile's refusal on the wire, and the first resources."""

from __future__ import annotations

import uuid

import pytest
from starlette.testclient import TestClient

from emulator.state import EmulatorState
from tests.helpers import NW, app_token, bearer, customer_body, user_token

WWW_AUTHENTICATE = 'Bearer error="invalid_token"'
REQUEST_CONTEXT = "appId=cid-v1:03ce8ca8-8373-4021-8f25-d5dd45c7b12f"

MFA_900421 = {
    "code": "900421",
    "description": "Multi-factor authentication (MFA) is required for this request. The access token does not prove "
    "MFA: its 'amr' claim has no 'mfa'. Sign in with MFA and use that token.",
    "data": [],
    "source": "PartnerFD",
}
GRAPH_900420 = {
    "code": "900420",
    "description": "The audience 'https://graph.windows.net' in the token is invalid and is no longer supported in "
    "Partner Center API.",
    "data": [],
    "source": "PartnerFD",
}


def set_profile(client: TestClient, name: str, **extra: object) -> None:
    response = client.put("/_emulator/profile", json={"name": name, **extra})
    assert response.status_code == 200, response.text


# --- enforced-2026 (the default) ---------------------------------------------------------------------------


def test_password_only_user_refused_with_900421(client: TestClient, state: EmulatorState) -> None:
    response = client.get("/v1/customers?size=2", headers=bearer(user_token(state, NW.SERVICE, ["pwd"])))
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == WWW_AUTHENTICATE
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.json() == MFA_900421


def test_mfa_user_accepted(client: TestClient, state: EmulatorState) -> None:
    response = client.get("/v1/customers?size=2", headers=bearer(user_token(state, NW.SERVICE, ["pwd", "mfa"])))
    assert response.status_code == 200
    assert response.json()["totalCount"] == 2


@pytest.mark.parametrize("amr", [["pwd"], [], ["rsa"], ["pwd", "otp"], ["ngcmfa"], ["wiaormfa"]])
def test_every_amr_without_mfa_is_refused(client: TestClient, state: EmulatorState, amr: list[str]) -> None:
    response = client.get("/v1/customers", headers=bearer(user_token(state, NW.ADMIN, amr)))
    assert response.status_code == 401
    assert response.json()["code"] == "900421"


def test_app_only_token_passes_without_mfa(client: TestClient, state: EmulatorState) -> None:
    response = client.get("/v1/customers?size=1", headers=bearer(app_token(state)))
    assert response.status_code == 200


def test_graph_audience_refused_with_900420(client: TestClient, state: EmulatorState) -> None:
    token = user_token(state, NW.ADMIN, ["pwd", "mfa"], aud="https://graph.windows.net")
    response = client.get("/v1/customers", headers=bearer(token))
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == WWW_AUTHENTICATE
    assert response.json() == GRAPH_900420


def test_partner_center_app_id_audience_accepted(client: TestClient, state: EmulatorState) -> None:
    token = user_token(state, NW.ADMIN, ["pwd", "mfa"], aud="fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd")
    assert client.get("/v1/customers", headers=bearer(token)).status_code == 200


# --- 2019 profiles ---------------------------------------------------------------------------------------


def test_pilot_2019_checks_only_with_the_header(client: TestClient, state: EmulatorState) -> None:
    set_profile(client, "pilot-2019")
    token = user_token(state, NW.SERVICE, ["pwd"])
    assert client.get("/v1/customers", headers=bearer(token)).status_code == 200
    assert client.get("/v1/customers", headers={**bearer(token), "MS-Enforce-MFA": "false"}).status_code == 200
    for value in ("true", "True", "TRUE"):
        refused = client.get("/v1/customers", headers={**bearer(token), "MS-Enforce-MFA": value})
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == WWW_AUTHENTICATE
        assert refused.content == b""
        assert "content-length" not in refused.headers or refused.headers["content-length"] == "0"
    mfa = user_token(state, NW.SERVICE, ["pwd", "mfa"])
    assert client.get("/v1/customers", headers={**bearer(mfa), "MS-Enforce-MFA": "true"}).status_code == 200


def test_enforced_2019_refuses_every_call_without_mfa(client: TestClient, state: EmulatorState) -> None:
    set_profile(client, "enforced-2019")
    response = client.get("/v1/customers", headers=bearer(user_token(state, NW.SERVICE, ["pwd"])))
    assert response.status_code == 401
    assert response.content == b""
    assert response.headers["www-authenticate"] == WWW_AUTHENTICATE


def test_2019_profiles_still_accept_the_graph_audience(client: TestClient, state: EmulatorState) -> None:
    set_profile(client, "enforced-2019")
    token = user_token(state, NW.ADMIN, ["pwd", "mfa"], aud="https://graph.windows.net")
    assert client.get("/v1/customers", headers=bearer(token)).status_code == 200


def test_rollout_is_stable_per_tenant_and_app(client: TestClient, state: EmulatorState) -> None:
    set_profile(client, "rollout-2026", rolloutPercent=0)
    native = user_token(state, NW.SERVICE, ["pwd"], client_id=NW.NATIVE_APP)
    assert client.get("/v1/customers", headers=bearer(native)).status_code == 200
    set_profile(client, "rollout-2026", rolloutPercent=100)
    assert client.get("/v1/customers", headers=bearer(native)).json() == MFA_900421
    # At 50 % the two world apps land in fixed buckets; the same pair answers the same every time.
    set_profile(client, "rollout-2026", rolloutPercent=50)
    web = user_token(state, NW.SERVICE, ["pwd"], client_id=NW.WEB_APP)
    first = [client.get("/v1/customers", headers=bearer(t)).status_code for t in (native, web)]
    for _ in range(3):
        assert [client.get("/v1/customers", headers=bearer(t)).status_code for t in (native, web)] == first


def test_report_only_and_off_refuse_nothing(client: TestClient, state: EmulatorState) -> None:
    token = user_token(state, NW.SERVICE, ["pwd"])
    graph = user_token(state, NW.SERVICE, ["pwd"], aud="https://graph.windows.net")
    for profile in ("report-only", "off"):
        set_profile(client, profile)
        assert client.get("/v1/customers", headers=bearer(token)).status_code == 200
        assert client.get("/v1/customers", headers=bearer(graph)).status_code == 200


# --- the token itself ------------------------------------------------------------------------------------


def test_missing_token_is_800001(client: TestClient) -> None:
    response = client.get("/v1/customers")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == WWW_AUTHENTICATE
    assert response.json() == {
        "code": 800001,
        "description": "Partner Token missing in request context: the request has no Authorization header",
        "data": [],
        "source": "PartnerFD",
    }


@pytest.mark.parametrize(
    ("header", "why"),
    [
        ("Basic dXNlcjpwYXNz", "the Authorization header does not use the Bearer scheme"),
        ("Bearer", "the Authorization header has no token after 'Bearer'"),
        ("Bearer ", "the Authorization header has no token after 'Bearer'"),
        ("eyJhbGciOiJSUzI1NiJ9.e30.sig", "the Authorization header does not use the Bearer scheme"),
        ("Bearer a.b.c, Bearer d.e.f", "the Authorization header carries more than one credential"),
        ("Bearer abc def", "the Authorization header carries more than one credential"),
    ],
)
def test_malformed_authorization_headers(client: TestClient, header: str, why: str) -> None:
    response = client.get("/v1/customers", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == WWW_AUTHENTICATE
    assert response.json() == {"code": 400, "description": f"Access denied: {why}", "data": [], "source": "PartnerFD"}


def test_expired_token_refused_beyond_skew(client: TestClient, state: EmulatorState) -> None:
    token = user_token(state, NW.ADMIN, ["pwd", "mfa"])
    exp = state.verifier.verify(token)["exp"]
    state.clock.advance(exp - state.clock.now() + 299)  # inside the 300 s skew
    assert client.get("/v1/customers", headers=bearer(token)).status_code == 200
    state.clock.advance(2)
    response = client.get("/v1/customers", headers=bearer(token))
    assert response.status_code == 401
    assert response.json()["description"].startswith("Access denied: the token expired at ")


def test_padded_token_refused(client: TestClient, state: EmulatorState) -> None:
    token = user_token(state, NW.ADMIN, ["pwd", "mfa"])
    assert client.get("/v1/customers", headers=bearer(token)).status_code == 200
    response = client.get("/v1/customers", headers=bearer(token + "=="))
    assert response.status_code == 401
    assert "padding" in response.json()["description"]


def test_not_yet_valid_token_refused(client: TestClient, state: EmulatorState) -> None:
    state.clock.advance(3600)
    token = user_token(state, NW.ADMIN, ["pwd", "mfa"])
    state.clock.reset()
    response = client.get("/v1/customers", headers=bearer(token))
    assert response.status_code == 401
    assert "not valid before" in response.json()["description"]


def test_unknown_key_refused(client: TestClient, state: EmulatorState) -> None:
    from emulator.clock import Clock
    from emulator.keys import KeyRing, generate_key
    from emulator.tokens import TokenIssuer

    stranger = TokenIssuer(KeyRing(generate_key()), Clock(), state.rng)
    world = state.world
    user = world.user(NW.ADMIN)
    assert user is not None
    token = stranger.issue(
        stranger.user_claims(
            world.partner, world.apps[NW.NATIVE_APP], user, ["pwd", "mfa"], "https://api.partnercenter.microsoft.com"
        )
    ).token
    response = client.get("/v1/customers", headers=bearer(token))
    assert response.status_code == 401
    assert response.json()["description"] == (
        "Access denied: the token was signed with a key the emulator does not publish (unknown or retired 'kid')"
    )


# --- response headers ------------------------------------------------------------------------------------


def test_correlation_and_request_ids_are_echoed(client: TestClient, state: EmulatorState) -> None:
    correlation, request = str(uuid.uuid4()), str(uuid.uuid4())
    headers = {**bearer(app_token(state)), "MS-CorrelationId": correlation, "MS-RequestId": request}
    for response in (client.get("/v1/customers", headers=headers), client.get("/v1/customers")):
        assert response.headers["request-context"] == REQUEST_CONTEXT
        assert response.headers["ms-serverid"] == "101112616"
        assert response.headers["ms-cv"].endswith(".0")
    echoed = client.get("/v1/customers", headers=headers)
    assert echoed.headers["ms-correlationid"] == correlation
    assert echoed.headers["ms-requestid"] == request
    generated = client.get("/v1/customers")
    uuid.UUID(generated.headers["ms-correlationid"])
    uuid.UUID(generated.headers["ms-requestid"])


# --- resources ---------------------------------------------------------------------------------------------


def test_organization_profile(client: TestClient, state: EmulatorState) -> None:
    response = client.get("/v1/profiles/organization", headers=bearer(user_token(state, NW.ADMIN, ["pwd", "mfa"])))
    assert response.status_code == 200
    assert response.json() == {
        "id": "f43ce5e9-b420-5e1c-bf2c-074ed073481f",
        "companyName": "Northwind Cloud Partners",
        "defaultAddress": {
            "country": "US",
            "city": "Redmond",
            "state": "WA",
            "addressLine1": "4567 Willows Road",
            "addressLine2": "Suite 200",
            "postalCode": "98052",
            "firstName": "Adele",
            "lastName": "Vance",
            "phoneNumber": "4255550142",
        },
        "tenantId": NW.TENANT_ID,
        "domain": NW.TENANT_DOMAIN,
        "email": "csp-admin@northwindpartners.com",
        "language": "en",
        "culture": "en-US",
        "profileType": "OrganizationProfile",
        "links": {"self": {"uri": "/profiles/organization", "method": "GET", "headers": []}},
        "attributes": {"etag": "-6271543217790346917", "objectType": "OrganizationProfile"},
    }


def test_organization_profile_refuses_app_only(client: TestClient, state: EmulatorState) -> None:
    response = client.get("/v1/profiles/organization", headers=bearer(app_token(state)))
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == WWW_AUTHENTICATE
    body = response.json()
    assert body["code"] == 400
    assert body["source"] == "PartnerFD"
    assert body["description"].startswith("Access denied: this operation supports App+User authentication only")


def test_customer_list_page(client: TestClient, state: EmulatorState) -> None:
    response = client.get("/v1/customers?size=2", headers=bearer(app_token(state)))
    assert response.status_code == 200
    assert response.json() == {
        "totalCount": 2,
        "items": [
            {
                "id": NW.CONTOSO,
                "companyProfile": {
                    "tenantId": NW.CONTOSO,
                    "domain": "contosoltd.onmicrosoft.com",
                    "companyName": "Contoso Ltd",
                    "links": {
                        "self": {"uri": f"/customers/{NW.CONTOSO}/profiles/company", "method": "GET", "headers": []}
                    },
                    "attributes": {"objectType": "CustomerCompanyProfile"},
                },
                "relationshipToPartner": "reseller",
                "links": {"self": {"uri": f"/customers/{NW.CONTOSO}", "method": "GET", "headers": []}},
                "attributes": {"objectType": "Customer"},
            },
            {
                "id": "c13d2ea4-5bee-53d5-988a-6b3a6a13df75",
                "companyProfile": {
                    "tenantId": "c13d2ea4-5bee-53d5-988a-6b3a6a13df75",
                    "domain": "fabrikaminc.onmicrosoft.com",
                    "companyName": "Fabrikam Inc",
                    "links": {
                        "self": {
                            "uri": "/customers/c13d2ea4-5bee-53d5-988a-6b3a6a13df75/profiles/company",
                            "method": "GET",
                            "headers": [],
                        }
                    },
                    "attributes": {"objectType": "CustomerCompanyProfile"},
                },
                "relationshipToPartner": "reseller",
                "links": {
                    "self": {"uri": "/customers/c13d2ea4-5bee-53d5-988a-6b3a6a13df75", "method": "GET", "headers": []}
                },
                "attributes": {"objectType": "Customer"},
            },
        ],
        "links": {
            "self": {"uri": "/v1/customers?size=2", "method": "GET", "headers": []},
            "next": {
                "uri": "/v1/customers?size=2&seekOperation=Next",
                "method": "GET",
                "headers": [{"key": "MS-ContinuationToken", "value": "eyJvIjoyLCJzIjoyfQ=="}],
            },
        },
        "continuationToken": "eyJvIjoyLCJzIjoyfQ==",
        "attributes": {"objectType": "Collection"},
    }


def test_customer_paging_by_offset_walks_every_customer_once(client: TestClient, state: EmulatorState) -> None:
    headers = bearer(app_token(state))
    seen: list[str] = []
    uri: str | None = "/v1/customers?size=7&offset=0"
    while uri:
        page = client.get(uri, headers=headers).json()
        seen += [item["id"] for item in page["items"]]
        assert page["totalCount"] == len(page["items"])
        uri = page["links"].get("next", {}).get("uri")
        assert "continuationToken" not in page
    assert len(seen) == 40 == len(set(seen))


@pytest.mark.parametrize(
    ("query", "description"),
    [
        ("size=abc", "Invalid request input: 'size' must be an integer, got 'abc'."),
        ("size=-1", "Invalid request input: 'size' must be at least 0, got -1."),
        ("size=2&offset=-1", "Invalid request input: 'offset' must be at least 0, got -1."),
    ],
)
def test_customer_list_bad_paging(client: TestClient, state: EmulatorState, query: str, description: str) -> None:
    response = client.get(f"/v1/customers?{query}", headers=bearer(app_token(state)))
    assert response.status_code == 400
    assert response.json() == {"code": 800002, "description": description, "data": [], "source": "PartnerFD"}


def test_customer_by_id(client: TestClient, state: EmulatorState) -> None:
    response = client.get(f"/v1/customers/{NW.CONTOSO}", headers=bearer(user_token(state, NW.MEGAN, ["pwd", "mfa"])))
    assert response.status_code == 200
    body = response.json()
    fields = "id commerceId companyProfile billingProfile relationshipToPartner allowDelegatedAccess customDomains links attributes"
    assert " ".join(body) == fields
    assert body["companyProfile"] == {
        "tenantId": NW.CONTOSO,
        "domain": "contosoltd.onmicrosoft.com",
        "companyName": "Contoso Ltd",
        "address": {
            "country": "US",
            "region": "WA",
            "city": "Seattle",
            "addressLine1": "1 Microsoft Way",
            "postalCode": "98101",
            "phoneNumber": "2065550101",
        },
        "email": "patti.fernandez@contosoltd.com",
        "links": {"self": {"uri": f"/customers/{NW.CONTOSO}/profiles/company", "method": "GET", "headers": []}},
        "attributes": {"objectType": "CustomerCompanyProfile"},
    }
    assert body["billingProfile"]["attributes"]["objectType"] == "CustomerBillingProfile"
    assert isinstance(body["billingProfile"]["attributes"]["etag"], str)
    assert body["billingProfile"]["links"]["self"]["uri"] == f"/customers/{NW.CONTOSO}/profiles/billing"
    assert body["allowDelegatedAccess"] is True
    assert body["customDomains"] == ["contosoltd.onmicrosoft.com", "contosoltd.com"]
    assert body["links"] == {"self": {"uri": f"/customers/{NW.CONTOSO}", "method": "GET", "headers": []}}
    assert body["attributes"] == {"objectType": "Customer"}


def test_unknown_customer_is_404(client: TestClient, state: EmulatorState) -> None:
    missing = "00000000-0000-0000-0000-000000000001"
    response = client.get(f"/v1/customers/{missing}", headers=bearer(app_token(state)))
    assert response.status_code == 404
    assert response.json() == {
        "code": 60003,
        "description": f"Tenant not found: no customer with id {missing} in this partner's customers.",
        "data": [],
        "source": "PartnerFD",
    }


def test_malformed_customer_id_is_400(client: TestClient, state: EmulatorState) -> None:
    response = client.get("/v1/customers/not-a-guid", headers=bearer(app_token(state)))
    assert response.status_code == 400
    assert response.json()["code"] == 800002


def test_unknown_route_gets_the_gateway_404(client: TestClient, state: EmulatorState) -> None:
    response = client.get("/v1/nothing-here", headers=bearer(app_token(state)))
    assert response.status_code == 404
    assert response.json() == {"statusCode": 404, "message": "Resource not found"}


def test_wrong_method_is_405_not_500(client: TestClient, state: EmulatorState) -> None:
    response = client.delete("/v1/profiles/organization", headers=bearer(app_token(state)))
    assert response.status_code == 405
    assert response.json()["statusCode"] == 405


def test_verify_domain_availability(client: TestClient, state: EmulatorState) -> None:
    """verify-domain-availability.md: HEAD /v1/domains/{domain}, 200 when in use, 404 when available, no body."""
    headers = bearer(app_token(state))
    taken = client.head("/v1/domains/FABRIKAMINC.onmicrosoft.com", headers=headers)
    free = client.head("/v1/domains/nobody-has-this.onmicrosoft.com", headers=headers)
    own = client.head(f"/v1/domains/{NW.TENANT_DOMAIN}", headers=headers)
    assert (taken.status_code, taken.content, free.status_code, free.content, own.status_code) == (
        200, b"", 404, b"", 200,
    )  # fmt: skip
    # A customer created now takes its domain; a reset frees it.
    created = client.post("/v1/customers", json=customer_body("justtaken"), headers=headers)
    assert created.status_code == 201
    assert client.head("/v1/domains/justtaken.onmicrosoft.com", headers=headers).status_code == 200
    get = client.get("/v1/domains/justtaken.onmicrosoft.com", headers=headers)
    assert (get.status_code, get.headers["allow"]) == (405, "HEAD, POST")  # POST adds a verified domain
