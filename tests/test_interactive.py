"""Interactive sign-in: authorization code (v1, v2, PKCE, form_post), device code, consent, the Secure Application
Model end to end, and the legacy /generatetoken exchange."""

from __future__ import annotations

import base64
import hashlib
import html
import re
import urllib.parse
from typing import Any

import jwt
import pytest
from starlette.testclient import TestClient

from emulator.state import EmulatorState
from tests.helpers import NW, bearer, consent_query, refresh_form, ropc_form

V2 = f"/{NW.TENANT_ID}/oauth2/v2.0"
V1 = f"/{NW.TENANT_ID}/oauth2"
REDIRECT = "http://localhost:8400/callback"
NATIVE_REDIRECT = "http://localhost"


def ctx_of(page: str) -> str:
    found = re.search(r'name="ctx" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def sign_in(client: TestClient, path: str, page: str, upn: str, password: str, choice: str, **extra: str) -> Any:
    ctx = ctx_of(page)
    second = client.post(path, data={"ctx": ctx, "step": "password", "username": upn, "password": password})
    assert second.status_code == 200, second.text
    return client.post(path, data={"ctx": ctx, "step": "mfa", "choice": choice, **extra}, follow_redirects=False)


def pkce() -> tuple[str, str]:
    verifier = "v" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_v2(
    client: TestClient, challenge: str, *, client_id: str = NW.NATIVE_APP, redirect: str = NATIVE_REDIRECT
) -> Any:
    query = urllib.parse.urlencode(
        {
            "client_id": client_id,
            "response_type": "code",
            "redirect_uri": redirect,
            "scope": f"{NW.PC}/user_impersonation openid profile offline_access",
            "state": "xyz",
            "nonce": "n-0S6_WzA2Mj",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    return client.get(f"{V2}/authorize?{query}")


def code_from(response: Any) -> dict[str, str]:
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))


def redeem(client: TestClient, code: str, verifier: str, **more: str) -> Any:
    """The native app redeems an authorization code at the v2 token endpoint (PKCE)."""
    form = {
        "grant_type": "authorization_code",
        "client_id": NW.NATIVE_APP,
        "code": code,
        "redirect_uri": NATIVE_REDIRECT,
        "code_verifier": verifier,
    }
    return client.post(f"{V2}/token", data={**form, **more})


def test_v2_code_flow_with_pkce_and_mfa(client: TestClient) -> None:
    verifier, challenge = pkce()
    page = authorize_v2(client, challenge)
    assert page.status_code == 200
    assert NW.SERVICE in page.text and NW.ADMIN in page.text
    returned = code_from(sign_in(client, f"{V2}/authorize", page.text, NW.ADMIN, NW.ADMIN_PASSWORD, "mfa"))
    assert returned["state"] == "xyz"
    token = redeem(client, returned["code"], verifier, scope=f"{NW.PC}/user_impersonation openid offline_access")
    assert token.status_code == 200, token.text
    body = token.json()
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["amr"] == ["pwd", "mfa"]
    assert jwt.decode(body["id_token"], options={"verify_signature": False})["nonce"] == "n-0S6_WzA2Mj"
    assert "refresh_token" in body
    assert client.get("/v1/customers", headers=bearer(body["access_token"])).status_code == 200
    again = redeem(client, returned["code"], verifier)
    assert again.json()["error_codes"] == [54005]


def test_pkce_is_checked(client: TestClient) -> None:
    _, challenge = pkce()
    returned = code_from(
        sign_in(client, f"{V2}/authorize", authorize_v2(client, challenge).text, NW.ADMIN, NW.ADMIN_PASSWORD, "mfa")
    )
    wrong = redeem(client, returned["code"], "w" * 50)
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid_grant"
    assert wrong.json()["error_codes"] == [501481]


def test_skipping_mfa_gives_a_token_partner_center_refuses(client: TestClient) -> None:
    verifier, challenge = pkce()
    returned = code_from(
        sign_in(client, f"{V2}/authorize", authorize_v2(client, challenge).text, NW.ADMIN, NW.ADMIN_PASSWORD, "skip")
    )
    body = redeem(client, returned["code"], verifier).json()
    assert jwt.decode(body["access_token"], options={"verify_signature": False})["amr"] == ["pwd"]
    assert client.get("/v1/customers", headers=bearer(body["access_token"])).json()["code"] == "900421"


def test_mfa_required_user_cannot_skip_and_password_only_user_cannot_approve(client: TestClient) -> None:
    _, challenge = pkce()
    page = authorize_v2(client, challenge)
    ctx = ctx_of(page.text)
    mfa_page = client.post(
        f"{V2}/authorize", data={"ctx": ctx, "step": "password", "username": NW.MEGAN, "password": NW.MEGAN_PASSWORD}
    )
    assert 'id="approve"' in mfa_page.text and 'id="skip"' not in mfa_page.text
    still = client.post(f"{V2}/authorize", data={"ctx": ctx, "step": "mfa", "choice": "skip"}, follow_redirects=False)
    assert still.status_code == 200 and "Verify your identity" in still.text  # no code for a refused skip
    page = authorize_v2(client, challenge)
    service_page = client.post(
        f"{V2}/authorize",
        data={"ctx": ctx_of(page.text), "step": "password", "username": NW.SERVICE, "password": NW.SERVICE_PASSWORD},
    )
    assert 'id="approve"' not in service_page.text and 'id="skip"' in service_page.text


def test_wrong_password_stays_on_the_page(client: TestClient) -> None:
    _, challenge = pkce()
    page = authorize_v2(client, challenge)
    wrong = client.post(
        f"{V2}/authorize", data={"ctx": ctx_of(page.text), "step": "password", "username": NW.ADMIN, "password": "nope"}
    )
    assert wrong.status_code == 400
    assert "AADSTS50126" in wrong.text


@pytest.mark.parametrize(
    ("query", "code"),
    [
        (
            {
                "client_id": NW.NATIVE_APP,
                "response_type": "code",
                "redirect_uri": "https://evil.example/cb",
                "scope": "openid",
            },
            50011,
        ),
        (
            {
                "client_id": "11111111-2222-3333-4444-555555555555",
                "response_type": "code",
                "redirect_uri": NATIVE_REDIRECT,
                "scope": "openid",
            },
            700016,
        ),
        ({"response_type": "code"}, 900144),
    ],
)
def test_authorize_errors_are_pages_not_redirects(client: TestClient, query: dict[str, str], code: int) -> None:
    response = client.get(f"{V2}/authorize?{urllib.parse.urlencode(query)}", follow_redirects=False)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert f"AADSTS{code}:" in response.text
    assert "location" not in response.headers


def test_unknown_tenant_page(client: TestClient) -> None:
    response = client.get("/nowhere.example/oauth2/v2.0/authorize?client_id=x")
    assert response.status_code == 400
    assert "AADSTS90002" in response.text


def test_unsupported_response_type_goes_back_to_the_app(client: TestClient) -> None:
    query = urllib.parse.urlencode(
        {
            "client_id": NW.NATIVE_APP,
            "response_type": "token",
            "redirect_uri": NATIVE_REDIRECT,
            "scope": "openid",
            "state": "s1",
        }
    )
    returned = code_from(client.get(f"{V2}/authorize?{query}", follow_redirects=False))
    assert returned["error"] == "unsupported_response_type"
    assert returned["state"] == "s1"


def secure_application_model(client: TestClient, choice: str) -> dict[str, Any]:
    """The documented consent: v1 authorize, code id_token, form_post, nonce; then the code for v1 tokens."""
    query = consent_query(REDIRECT)
    page = client.get(f"/common/oauth2/authorize?{query}")
    assert page.status_code == 200
    posted = sign_in(client, "/common/oauth2/authorize", page.text, NW.ADMIN, NW.ADMIN_PASSWORD, choice)
    assert posted.status_code == 200
    assert f'<form method="post" action="{REDIRECT}">' in posted.text
    fields = {name: html.unescape(value) for name, value in re.findall(r'name="(\w+)" value="([^"]*)"', posted.text)}
    assert jwt.decode(fields["id_token"], options={"verify_signature": False})["nonce"] == "1"
    tokens = client.post(
        f"{V1}/token",
        data={
            "resource": NW.PC,
            "client_id": NW.WEB_APP,
            "client_secret": NW.WEB_SECRET,
            "grant_type": "authorization_code",
            "code": fields["code"],
            "redirect_uri": REDIRECT,
        },
    )
    assert tokens.status_code == 200, tokens.text
    body: dict[str, Any] = tokens.json()
    assert isinstance(body["expires_in"], str)
    assert body["resource"] == NW.PC
    return body


def test_secure_application_model_end_to_end(client: TestClient, state: EmulatorState) -> None:
    consented = secure_application_model(client, "mfa")
    refreshed = client.post(
        f"{V1}/token",
        data=refresh_form(
            consented["refresh_token"],
            client_id=NW.WEB_APP,
            resource=NW.PC,
            client_secret=NW.WEB_SECRET,
            scope="openid",
        ),
    ).json()
    assert client.get("/v1/customers", headers=bearer(refreshed["access_token"])).status_code == 200
    skipped = secure_application_model(client, "skip")
    refreshed = client.post(
        f"{V1}/token",
        data=refresh_form(skipped["refresh_token"], client_id=NW.WEB_APP, resource=NW.PC, client_secret=NW.WEB_SECRET),
    ).json()
    refused = client.get("/v1/customers", headers=bearer(refreshed["access_token"]))
    assert refused.status_code == 401
    report = client.get("/_emulator/report").json()
    assert report["summary"] == "1 of 2 app+user calls would be refused under enforced-2026"
    assert "did not complete MFA" in report["groups"][0]["advice"]
    # 90 days without use: the refresh token is gone.
    state.clock.advance(91 * 86400)
    expired = client.post(
        f"{V1}/token",
        data=refresh_form(
            consented["refresh_token"], client_id=NW.WEB_APP, resource=NW.PC, client_secret=NW.WEB_SECRET
        ),
    )
    assert expired.json()["error_codes"] == [700082]


def test_consent_missing_is_aadsts65001_until_granted(client: TestClient, state: EmulatorState) -> None:
    import dataclasses

    state.world.apps[NW.NATIVE_APP] = dataclasses.replace(state.world.apps[NW.NATIVE_APP], consented=False)
    ropc = client.post(
        f"{V2}/token",
        data=ropc_form(NW.ADMIN, NW.ADMIN_PASSWORD, scope=f"{NW.PC}/user_impersonation"),
    )
    assert ropc.status_code == 400
    assert ropc.json()["error_codes"] == [65001]
    verifier, challenge = pkce()
    page = authorize_v2(client, challenge)
    ctx = ctx_of(page.text)
    consent_page = client.post(
        f"{V2}/authorize", data={"ctx": ctx, "step": "password", "username": NW.ADMIN, "password": NW.ADMIN_PASSWORD}
    )
    assert 'name="consent"' in consent_page.text
    returned = code_from(
        client.post(
            f"{V2}/authorize",
            data={"ctx": ctx, "step": "mfa", "choice": "mfa", "consent": "accept"},
            follow_redirects=False,
        )
    )
    token = redeem(client, returned["code"], verifier)
    assert token.status_code == 200
    client.post("/_emulator/reset")
    assert not state.world.consented(state.world.apps[NW.NATIVE_APP])


# --- device code ---------------------------------------------------------------------------------------------


def approve_device(
    client: TestClient, user_code: str, choice: str, upn: str = NW.ADMIN, password: str = NW.ADMIN_PASSWORD
) -> Any:
    page = client.post("/devicelogin", data={"otc": user_code.lower()})
    assert page.status_code == 200, page.text
    return sign_in(client, "/devicelogin", page.text, upn, password, choice)


def test_device_code_v2(client: TestClient, state: EmulatorState) -> None:
    started = client.post(
        f"{V2}/devicecode", data={"client_id": NW.NATIVE_APP, "scope": f"{NW.PC}/user_impersonation offline_access"}
    )
    assert started.status_code == 200
    body = started.json()
    assert list(body) == ["user_code", "device_code", "verification_uri", "expires_in", "interval", "message"]
    assert body["verification_uri"] == "http://127.0.0.1:8080/devicelogin"
    assert (body["expires_in"], body["interval"]) == (900, 5)
    assert body["user_code"] in body["message"]
    poll = {
        "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
        "client_id": NW.NATIVE_APP,
        "device_code": body["device_code"],
    }
    pending = client.post(f"{V2}/token", data=poll)
    assert pending.status_code == 400
    assert pending.json()["error"] == "authorization_pending"
    done = approve_device(client, body["user_code"], "mfa")
    assert "You&#39;re signed in" in done.text or "You're signed in" in done.text
    token = client.post(f"{V2}/token", data=poll)
    assert token.status_code == 200, token.text
    tokens = token.json()
    assert tokens["scope"] == f"{NW.PC}/user_impersonation"  # the first call's scope: the polls carry none
    assert jwt.decode(tokens["access_token"], options={"verify_signature": False})["amr"] == ["pwd", "mfa"]
    assert client.post(f"{V2}/token", data=poll).json()["error"] == "bad_verification_code"


def test_device_code_declined_expired_and_unknown(client: TestClient, state: EmulatorState) -> None:
    def start() -> dict[str, Any]:
        result: dict[str, Any] = client.post(
            f"{V2}/devicecode", data={"client_id": NW.NATIVE_APP, "scope": f"{NW.PC}/user_impersonation"}
        ).json()
        return result

    declined = start()
    approve_device(client, declined["user_code"], "decline")
    poll = {"grant_type": "urn:ietf:params:oauth:grant-type:device_code", "client_id": NW.NATIVE_APP}
    assert (
        client.post(f"{V2}/token", data={**poll, "device_code": declined["device_code"]}).json()["error"]
        == "authorization_declined"
    )
    late = start()
    state.clock.advance(901)
    assert (
        client.post(f"{V2}/token", data={**poll, "device_code": late["device_code"]}).json()["error"] == "expired_token"
    )
    assert client.post("/devicelogin", data={"otc": late["user_code"]}).status_code == 400
    assert client.post(f"{V2}/token", data={**poll, "device_code": "nope"}).json()["error"] == "bad_verification_code"
    assert client.post(f"{V2}/devicecode", data={"client_id": NW.NATIVE_APP}).json()["error_codes"] == [900144]


def test_device_code_v1(client: TestClient) -> None:
    body = client.post(f"{V1}/devicecode", data={"client_id": NW.NATIVE_APP, "resource": NW.PC}).json()
    assert list(body) == ["user_code", "device_code", "verification_url", "expires_in", "interval", "message"]
    assert (body["expires_in"], body["interval"]) == ("900", "5")
    approve_device(client, body["user_code"], "skip")
    tokens = client.post(
        f"{V1}/token", data={"grant_type": "device_code", "client_id": NW.NATIVE_APP, "code": body["device_code"]}
    ).json()
    assert tokens["resource"] == NW.PC
    assert jwt.decode(tokens["access_token"], options={"verify_signature": False})["amr"] == ["pwd"]


# --- legacy /generatetoken -----------------------------------------------------------------------------------


def test_generatetoken_keeps_user_and_amr(client: TestClient, state: EmulatorState) -> None:
    from tests.helpers import user_token

    graph = user_token(state, NW.ADMIN, ["pwd"], aud="https://graph.windows.net")
    answer = client.post("/generatetoken", data={"grant_type": "jwt_token"}, headers=bearer(graph))
    assert answer.status_code == 200
    body = answer.json()
    assert list(body)[:2] == ["access_token", "token_type"]
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["aud"] == NW.PC
    assert claims["upn"] == NW.ADMIN
    assert claims["amr"] == ["pwd"]
    assert client.get("/v1/customers", headers=bearer(body["access_token"])).json()["code"] == "900421"
    with_mfa = client.post(
        "/generatetoken",
        data={"grant_type": "jwt_token"},
        headers=bearer(user_token(state, NW.ADMIN, ["pwd", "mfa"], aud="https://graph.windows.net")),
    ).json()
    assert client.get("/v1/customers", headers=bearer(with_mfa["access_token"])).status_code == 200
    assert client.post("/generatetoken", data={"grant_type": "jwt_token"}).status_code == 401
    assert client.post("/generatetoken", data={"grant_type": "password"}, headers=bearer(graph)).status_code == 400
    assert client.post("/generatetoken", data={"grant_type": "jwt_token"}, headers=bearer("x.y.z")).status_code == 401


@pytest.mark.parametrize("verifier", ["vérifier-" + "x" * 40, "\u2603" * 43])
def test_a_verifier_outside_ascii_is_invalid_grant_not_a_500(client: TestClient, verifier: str) -> None:
    _, challenge = pkce()
    returned = code_from(
        sign_in(client, f"{V2}/authorize", authorize_v2(client, challenge).text, NW.ADMIN, NW.ADMIN_PASSWORD, "mfa")
    )
    answer = redeem(client, returned["code"], verifier)
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"


def test_a_challenge_outside_ascii_is_refused_at_redemption_not_a_500(client: TestClient) -> None:
    returned = code_from(
        sign_in(client, f"{V2}/authorize", authorize_v2(client, "défi" * 12).text, NW.ADMIN, NW.ADMIN_PASSWORD, "mfa")
    )
    answer = redeem(client, returned["code"], "v" * 50)
    assert (answer.status_code, answer.json()["error"]) == (400, "invalid_grant")
