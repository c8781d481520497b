"""Entra ID over HTTP: discovery, keys, the v1 and v2 token endpoints, their grants and AADSTS errors."""

from __future__ import annotations

import base64
import json
from typing import Any

import jwt
import pytest
from starlette.testclient import TestClient

from emulator.state import EmulatorState
from tests.helpers import NW, app_form, assert_entra_error, bearer, refresh_form, ropc_form

V1 = f"/{NW.TENANT_ID}/oauth2/token"
V2 = f"/{NW.TENANT_ID}/oauth2/v2.0/token"
USER_SCOPE = f"{NW.PC}/user_impersonation offline_access openid profile"


def claims_of(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def header_of(token: str) -> dict[str, Any]:
    return jwt.get_unverified_header(token)


# --- discovery and keys ----------------------------------------------------------------------------------


def test_v2_discovery_is_built_from_the_request_origin(client: TestClient) -> None:
    body = client.get(f"/{NW.TENANT_ID}/v2.0/.well-known/openid-configuration").json()
    base = f"http://127.0.0.1:8080/{NW.TENANT_ID}"
    assert body["issuer"] == f"{base}/v2.0"
    assert body["token_endpoint"] == f"{base}/oauth2/v2.0/token"
    assert body["authorization_endpoint"] == f"{base}/oauth2/v2.0/authorize"
    assert body["device_authorization_endpoint"] == f"{base}/oauth2/v2.0/devicecode"
    assert body["jwks_uri"] == f"{base}/discovery/v2.0/keys"
    assert body["subject_types_supported"] == ["pairwise"]
    other = client.get(f"/{NW.TENANT_DOMAIN}/v2.0/.well-known/openid-configuration", headers={"Host": "login.example"})
    assert other.json()["token_endpoint"] == f"http://login.example/{NW.TENANT_DOMAIN}/oauth2/v2.0/token"


def test_v1_discovery(client: TestClient) -> None:
    body = client.get(f"/{NW.TENANT_ID}/.well-known/openid-configuration").json()
    assert body["issuer"] == f"https://sts.windows.net/{NW.TENANT_ID}/"
    assert body["token_endpoint"] == f"http://127.0.0.1:8080/{NW.TENANT_ID}/oauth2/token"
    assert body["jwks_uri"] == "http://127.0.0.1:8080/common/discovery/keys"
    common = client.get("/common/v2.0/.well-known/openid-configuration").json()
    assert common["issuer"] == "http://127.0.0.1:8080/{tenantid}/v2.0"


def test_discovery_for_an_unknown_tenant(client: TestClient) -> None:
    response = client.get("/nosuch.onmicrosoft.com/v2.0/.well-known/openid-configuration")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_tenant"
    assert response.json()["error_codes"] == [90002]


@pytest.mark.parametrize(
    "path", ["/common/discovery/keys", f"/{NW.TENANT_ID}/discovery/keys", f"/{NW.TENANT_ID}/discovery/v2.0/keys"]
)
def test_jwks_publishes_the_signing_key(client: TestClient, state: EmulatorState, path: str) -> None:
    keys = client.get(path).json()["keys"]
    assert len(keys) == 1
    key = keys[0]
    assert key["kty"] == "RSA"
    assert key["use"] == "sig"
    assert key["e"] == "AQAB"
    assert key["kid"] == key["x5t"] == state.keys.active.kid
    assert isinstance(key["x5c"], list) and len(key["x5c"]) == 1
    assert ("issuer" in key) == path.endswith("v2.0/keys")
    # A token the emulator issues verifies with the published key alone, as any resource server would do it.
    token = state.issuer.issue(state.issuer.app_claims(state.world.partner, state.world.apps[NW.WEB_APP], NW.PC)).token
    public = jwt.PyJWK(key).key
    jwt.decode(token, public, algorithms=["RS256"], audience=NW.PC)


# --- client credentials ----------------------------------------------------------------------------------


def test_client_credentials_v2(client: TestClient) -> None:
    response = client.post(
        V2,
        data=app_form(scope=f"{NW.PC}/.default"),
    )
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["token_type", "expires_in", "ext_expires_in", "access_token"]
    assert body["token_type"] == "Bearer"
    assert isinstance(body["expires_in"], int) and 3600 <= body["expires_in"] <= 5400
    assert body["ext_expires_in"] == body["expires_in"]
    assert response.headers["cache-control"] == "no-store, no-cache"
    claims = claims_of(body["access_token"])
    assert "scp" not in claims and "amr" not in claims and "upn" not in claims
    assert claims["aud"] == NW.PC
    assert claims["iss"] == f"https://sts.windows.net/{NW.TENANT_ID}/"
    assert claims["appid"] == NW.WEB_APP
    assert claims["appidacr"] == "1"
    assert claims["idtyp"] == "app"  # the web app asks for this optional claim in the default world
    assert "roles" not in claims  # it has no app roles
    assert claims["ver"] == "1.0"
    assert claims["iat"] == claims["nbf"]
    header = header_of(body["access_token"])
    assert header["alg"] == "RS256"
    assert header["kid"] == header["x5t"]


def test_client_credentials_v1_numbers_are_strings(client: TestClient) -> None:
    response = client.post(
        V1,
        data=app_form(resource=NW.PC),
    )
    assert response.status_code == 200
    body = response.json()
    assert " ".join(body) == "token_type expires_in ext_expires_in expires_on not_before resource access_token"
    for name in ("expires_in", "ext_expires_in", "expires_on", "not_before"):
        assert isinstance(body[name], str) and body[name].isdigit()
    assert body["resource"] == NW.PC
    claims = claims_of(body["access_token"])
    assert int(body["expires_on"]) == claims["exp"]
    assert int(body["not_before"]) == claims["nbf"]
    # iat = nbf = issue time - 300 s; expires_in counts from the issue time.
    assert claims["exp"] - claims["iat"] == int(body["expires_in"]) + 300


def test_client_credentials_token_calls_partner_center(client: TestClient) -> None:
    token = client.post(
        V2,
        data=app_form(scope=f"{NW.PC}/.default"),
    ).json()["access_token"]
    assert client.get("/v1/customers?size=1", headers=bearer(token)).status_code == 200


def test_wrong_secret_is_7000215(client: TestClient) -> None:
    response = client.post(
        V2,
        data={
            "grant_type": "client_credentials",
            "client_id": NW.WEB_APP,
            "client_secret": "nope",
            "scope": f"{NW.PC}/.default",
        },
    )
    assert_entra_error(
        response,
        401,
        "invalid_client",
        7000215,
        "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, "
        f"not the client secret ID, for a secret added to app '{NW.WEB_APP}'.",
    )


def test_unknown_client_is_700016(client: TestClient) -> None:
    stranger = "11111111-2222-3333-4444-555555555555"
    response = client.post(
        V2,
        data={
            "grant_type": "client_credentials",
            "client_id": stranger,
            "client_secret": "x",
            "scope": f"{NW.PC}/.default",
        },
    )
    assert_entra_error(
        response,
        400,
        "unauthorized_client",
        700016,
        f"Application with identifier '{stranger}' was not found in the directory '{NW.TENANT_ID}'. This can happen if "
        "the application has not been installed by the administrator of the tenant or consented to by any user in "
        "the tenant. You may have sent your authentication request to the wrong tenant.",
    )


def test_unknown_tenant_is_90002(client: TestClient) -> None:
    response = client.post("/contoso.example/oauth2/v2.0/token", data={"grant_type": "client_credentials"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert response.json()["error_codes"] == [90002]


def test_client_credentials_on_common_is_50059(client: TestClient) -> None:
    response = client.post(
        "/common/oauth2/v2.0/token",
        data=app_form(scope=f"{NW.PC}/.default"),
    )
    assert_entra_error(
        response,
        400,
        "invalid_request",
        50059,
        "No tenant-identifying information found in either the request or implied by any provided credentials.",
    )


def test_client_credentials_scope_must_be_default(client: TestClient) -> None:
    response = client.post(
        V2,
        data=app_form(scope=f"{NW.PC}/user_impersonation"),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_malformed_scope_is_70011(client: TestClient) -> None:
    response = client.post(
        V2,
        data={
            **NW.SERVICE_ROPC,
            "scope": "openid profile",
        },
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"
    assert response.json()["error_codes"] == [70011]


def test_unknown_resource_is_500011(client: TestClient) -> None:
    response = client.post(
        V1,
        data=app_form(resource="https://example.com"),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_resource"
    assert response.json()["error_codes"] == [500011]


@pytest.mark.parametrize(
    ("data", "missing"),
    [
        ({}, "grant_type"),
        ({"grant_type": "client_credentials"}, "client_id"),
        ({"grant_type": "password", "client_id": NW.NATIVE_APP, "scope": f"{NW.PC}/.default"}, "username"),
        ({"grant_type": "refresh_token", "client_id": NW.NATIVE_APP, "scope": f"{NW.PC}/.default"}, "refresh_token"),
    ],
)
def test_missing_parameters_are_900144(client: TestClient, data: dict[str, str], missing: str) -> None:
    assert_entra_error(
        client.post(V2, data=data),
        400,
        "invalid_request",
        900144,
        f"The request body must contain the following parameter: '{missing}'.",
    )


def test_unknown_grant_type(client: TestClient) -> None:
    response = client.post(V2, data={"grant_type": "urn:example:magic"})
    assert_entra_error(
        response,
        400,
        "unsupported_grant_type",
        70003,
        "The app requested an unsupported grant type 'urn:example:magic'.",
    )


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"grant_type": "client_credentials"}', "application/json"),
        (b"\xff\xfe\x00garbage", "application/x-www-form-urlencoded"),
        (b"--x\r\nbroken", "multipart/form-data; boundary=x"),
        (b"", "text/plain"),
    ],
)
def test_unreadable_bodies_are_a_clear_400(client: TestClient, content: bytes, content_type: str) -> None:
    response = client.post(V2, content=content, headers={"Content-Type": content_type})
    assert response.status_code == 400
    assert response.json()["error"] in ("invalid_request", "unsupported_grant_type")


def test_options_on_the_token_endpoint(client: TestClient) -> None:
    response = client.options(V2)
    assert response.status_code == 200
    assert response.headers["allow"] == "POST, OPTIONS"


def test_get_on_the_token_endpoint(client: TestClient) -> None:
    response = client.get(V2)
    assert response.status_code == 400
    assert response.json()["error_codes"] == [900561]


# --- password (ROPC) -------------------------------------------------------------------------------------


def test_ropc_v2_for_the_service_account(client: TestClient) -> None:
    response = client.post(
        V2,
        data={
            **NW.SERVICE_ROPC,
            "scope": USER_SCOPE,
            "client_info": "1",
        },
    )
    assert response.status_code == 200
    body = response.json()
    fields = "token_type scope expires_in ext_expires_in access_token refresh_token id_token client_info"
    assert " ".join(body) == fields
    assert body["scope"] == f"{NW.PC}/user_impersonation"
    assert isinstance(body["expires_in"], int)
    claims = claims_of(body["access_token"])
    assert claims["amr"] == ["pwd"]
    assert claims["scp"] == "user_impersonation"
    assert claims["upn"] == claims["unique_name"] == NW.SERVICE
    assert claims["appidacr"] == "0"
    assert claims["acr"] == "1"
    assert claims["tid"] == NW.TENANT_ID
    assert claims["ver"] == "1.0"  # Partner Center accepts v1 tokens, whichever endpoint issued them
    info = json.loads(base64.urlsafe_b64decode(body["client_info"] + "=="))
    assert info == {"uid": claims["oid"], "utid": NW.TENANT_ID}
    id_claims = claims_of(body["id_token"])
    assert id_claims["iss"] == f"http://127.0.0.1:8080/{NW.TENANT_ID}/v2.0"
    assert id_claims["aud"] == NW.NATIVE_APP
    assert id_claims["preferred_username"] == NW.SERVICE
    # The password-only token is refused by Partner Center under the default profile.
    refused = client.get("/v1/customers", headers=bearer(body["access_token"]))
    assert refused.status_code == 401
    assert refused.json()["code"] == "900421"


def test_ropc_v2_without_offline_access_or_openid(client: TestClient) -> None:
    body = client.post(
        V2,
        data={
            **NW.SERVICE_ROPC,
            "scope": f"{NW.PC}/user_impersonation",
        },
    ).json()
    assert "refresh_token" not in body and "id_token" not in body
    assert "client_info" in body


def test_ropc_v1_for_the_service_account(client: TestClient) -> None:
    response = client.post(
        V1,
        data=ropc_form(
            NW.SERVICE,
            NW.SERVICE_PASSWORD,
            client_id=NW.WEB_APP,
            client_secret=NW.WEB_SECRET,
            resource=NW.PC,
            scope="openid",
        ),
    )
    assert response.status_code == 200
    body = response.json()
    fields = (
        "token_type scope expires_in ext_expires_in expires_on not_before resource access_token refresh_token id_token"
    )
    assert " ".join(body) == fields
    assert body["scope"] == "user_impersonation"
    assert body["resource"] == NW.PC
    assert all(isinstance(body[k], str) for k in ("expires_in", "ext_expires_in", "expires_on", "not_before"))
    claims = claims_of(body["access_token"])
    assert claims["amr"] == ["pwd"]
    assert claims["appidacr"] == "1"
    assert client.get("/v1/customers", headers=bearer(body["access_token"])).status_code == 401


def test_ropc_on_organizations_finds_the_tenant_by_upn(client: TestClient) -> None:
    response = client.post(
        "/organizations/oauth2/v2.0/token",
        data=ropc_form(NW.ADMIN, NW.ADMIN_PASSWORD, scope=USER_SCOPE),
    )
    assert response.status_code == 200
    assert claims_of(response.json()["access_token"])["tid"] == NW.TENANT_ID


def test_ropc_wrong_password_is_50126(client: TestClient) -> None:
    response = client.post(
        V2,
        data=ropc_form(NW.SERVICE, "guess", scope=USER_SCOPE),
    )
    assert_entra_error(
        response, 400, "invalid_grant", 50126, "Error validating credentials due to invalid username or password."
    )


def test_ropc_unknown_user_is_50034(client: TestClient) -> None:
    response = client.post(
        V2,
        data=ropc_form(f"nobody@{NW.TENANT_DOMAIN}", "x", scope=USER_SCOPE),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert response.json()["error_codes"] == [50034]


def test_ropc_for_a_user_who_must_use_mfa_is_50076(client: TestClient) -> None:
    response = client.post(
        V2,
        data=ropc_form(NW.MEGAN, NW.MEGAN_PASSWORD, scope=USER_SCOPE),
    )
    assert_entra_error(
        response,
        400,
        "interaction_required",
        50076,
        "Due to a configuration change made by your administrator, or because you moved to a new location, you must "
        "use multi-factor authentication to access 'fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd'.",
    )


def test_confidential_client_must_authenticate_for_ropc(client: TestClient) -> None:
    response = client.post(
        V2,
        data=ropc_form(NW.SERVICE, NW.SERVICE_PASSWORD, client_id=NW.WEB_APP, scope=USER_SCOPE),
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response.json()["error_codes"] == [7000218]


def test_public_client_must_not_send_a_secret(client: TestClient) -> None:
    response = client.post(
        V2,
        data=ropc_form(NW.SERVICE, NW.SERVICE_PASSWORD, client_secret="x", scope=USER_SCOPE),
    )
    assert response.status_code == 401
    assert response.json()["error_codes"] == [700025]


def test_client_request_id_becomes_the_correlation_id(client: TestClient) -> None:
    response = client.post(
        V2, data={"grant_type": "password"}, headers={"client-request-id": "4f3c2b1a-0000-4000-8000-000000000001"}
    )
    assert response.json()["correlation_id"] == "4f3c2b1a-0000-4000-8000-000000000001"
    assert response.headers["client-request-id"] == "4f3c2b1a-0000-4000-8000-000000000001"


# --- refresh tokens --------------------------------------------------------------------------------------


def _sign_in(client: TestClient, upn: str = NW.SERVICE, password: str = NW.SERVICE_PASSWORD) -> dict[str, Any]:
    response = client.post(
        V2,
        data=ropc_form(upn, password, scope=USER_SCOPE),
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_refresh_keeps_amr_and_the_old_refresh_token_still_works(client: TestClient) -> None:
    first = _sign_in(client)
    refreshed = client.post(
        V2,
        data=refresh_form(first["refresh_token"], scope=USER_SCOPE),
    )
    assert refreshed.status_code == 200
    second = refreshed.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert claims_of(second["access_token"])["amr"] == ["pwd"]
    again = client.post(
        V2,
        data=refresh_form(first["refresh_token"], scope=USER_SCOPE),
    )
    assert again.status_code == 200


def test_refresh_on_v1_with_resource_secure_application_model(client: TestClient, state: EmulatorState) -> None:
    # A refresh token that carries MFA (as an interactive sign-in would give) passes Partner Center after refresh.
    user = state.world.user(NW.ADMIN)
    assert user is not None
    refresh = state.refresh_tokens.issue(NW.WEB_APP, NW.TENANT_ID, user.object_id, ["pwd", "mfa"], state.clock.now())
    response = client.post(
        V1,
        data=refresh_form(refresh, client_id=NW.WEB_APP, client_secret=NW.WEB_SECRET, resource=NW.PC, scope="openid"),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["resource"] == NW.PC
    assert isinstance(body["expires_in"], str)
    assert claims_of(body["access_token"])["amr"] == ["pwd", "mfa"]
    assert client.get("/v1/profiles/organization", headers=bearer(body["access_token"])).status_code == 200


def test_refresh_token_unused_for_90_days_is_700082(client: TestClient, state: EmulatorState) -> None:
    first = _sign_in(client)
    state.clock.advance(89 * 86400)
    second = client.post(
        V2,
        data=refresh_form(first["refresh_token"], scope=USER_SCOPE),
    )
    assert second.status_code == 200  # used within 90 days: the inactivity window starts again
    state.clock.advance(91 * 86400)
    expired = client.post(
        V2,
        data=refresh_form(first["refresh_token"], scope=USER_SCOPE),
    )
    assert expired.status_code == 400
    body = expired.json()
    assert body["error"] == "invalid_grant"
    assert body["error_codes"] == [700082]
    assert body["error_description"].startswith("AADSTS700082: The refresh token has expired due to inactivity.")


def test_refresh_token_bound_to_its_client(client: TestClient) -> None:
    first = _sign_in(client)
    response = client.post(
        V2,
        data=refresh_form(first["refresh_token"], client_id=NW.WEB_APP, client_secret=NW.WEB_SECRET, scope=USER_SCOPE),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_unknown_refresh_token(client: TestClient) -> None:
    response = client.post(
        V2,
        data=refresh_form("0.Agarbage", scope=USER_SCOPE),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert response.json()["error_codes"] == [9002313]


def test_refresh_without_mfa_for_a_user_who_must_use_mfa_is_50076(client: TestClient, state: EmulatorState) -> None:
    user = state.world.user(NW.MEGAN)
    assert user is not None
    refresh = state.refresh_tokens.issue(NW.NATIVE_APP, NW.TENANT_ID, user.object_id, ["pwd"], state.clock.now())
    response = client.post(
        V2,
        data=refresh_form(refresh, scope=USER_SCOPE),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "interaction_required"


def test_authorization_code_is_refused_until_codes_exist(client: TestClient) -> None:
    response = client.post(
        V2, data={"grant_type": "authorization_code", "client_id": NW.NATIVE_APP, "code": "abc", "scope": USER_SCOPE}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


# --- what MSAL and adal ask besides the token endpoint ---------------------------------------------------


def test_instance_discovery(client: TestClient) -> None:
    body = client.get(
        "/common/discovery/instance?api-version=1.1&authorization_endpoint=https://login.microsoftonline.com/common/oauth2/authorize",
        headers={"Host": "login.microsoftonline.com"},
    ).json()
    assert (
        body["tenant_discovery_endpoint"]
        == "http://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration"
    )
    assert body["api-version"] == "1.1"
    assert body["metadata"] == [
        {
            "preferred_network": "login.microsoftonline.com",
            "preferred_cache": "login.windows.net",
            "aliases": ["login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net"],
        }
    ]
    local = client.get(
        f"/common/discovery/instance?authorization_endpoint=https://127.0.0.1:8443/{NW.TENANT_ID}/oauth2/authorize"
    ).json()
    assert local["metadata"][0] == {
        "preferred_network": "127.0.0.1:8080",
        "preferred_cache": "127.0.0.1:8080",
        "aliases": ["127.0.0.1:8080"],
    }
    assert local["tenant_discovery_endpoint"].endswith(f"/{NW.TENANT_ID}/v2.0/.well-known/openid-configuration")


@pytest.mark.parametrize("path", ["/common/userrealm/", "/common/UserRealm/", "/COMMON/USERREALM/"])
def test_user_realm_any_case(client: TestClient, path: str) -> None:
    body = client.get(f"{path}{NW.SERVICE}?api-version=1.0").json()
    assert body == {
        "ver": "1.0",
        "account_type": "Managed",
        "domain_name": NW.TENANT_DOMAIN,
        "cloud_instance_name": "microsoftonline.com",
        "cloud_audience_urn": "urn:federation:MicrosoftOnline",
    }
    assert client.get(f"{path}someone@elsewhere.example").json()["account_type"] == "Unknown"


def test_double_slashes_are_tolerated(client: TestClient) -> None:
    # MSAL asks for https://login.microsoftonline.com/common//v2.0/.well-known/openid-configuration.
    assert client.get("/common//v2.0/.well-known/openid-configuration").status_code == 200


@pytest.mark.parametrize("host", ["login.windows.net", "login.microsoft.com", "sts.windows.net"])
def test_discovery_on_an_entra_alias(client: TestClient, host: str) -> None:
    """As Entra answers on login.windows.net (docs/sources/alias-discovery.md): the endpoints on the alias, the v2
    issuer on login.microsoftonline.com, the v1 issuer on sts.windows.net."""
    v2 = client.get(f"/{NW.TENANT_ID}/v2.0/.well-known/openid-configuration", headers={"Host": host}).json()
    assert v2["issuer"] == f"https://login.microsoftonline.com/{NW.TENANT_ID}/v2.0"
    assert v2["token_endpoint"] == f"http://{host}/{NW.TENANT_ID}/oauth2/v2.0/token"
    assert v2["jwks_uri"] == f"http://{host}/{NW.TENANT_ID}/discovery/v2.0/keys"
    v1 = client.get(f"/{NW.TENANT_ID}/.well-known/openid-configuration", headers={"Host": host}).json()
    assert v1["issuer"] == f"https://sts.windows.net/{NW.TENANT_ID}/"
    assert v1["token_endpoint"] == f"http://{host}/{NW.TENANT_ID}/oauth2/token"
