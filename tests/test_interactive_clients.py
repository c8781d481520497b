"""MSAL's auth code and device flows and adal's Secure Application Model against the interactive sign-in, the
pages driven with httpx as a person would submit them."""

from __future__ import annotations

import html
import re
import ssl
import threading
import urllib.parse
from typing import Any

import adal
import httpx
import msal
import pytest
import requests

from emulator.testing import PartnerCenterEmulator
from tests.helpers import NW, consent_query, refresh_form

USER_SCOPES = [f"{NW.PC}/user_impersonation"]


@pytest.fixture
def emulator(partner_center: PartnerCenterEmulator, monkeypatch: pytest.MonkeyPatch) -> PartnerCenterEmulator:
    assert partner_center.ca_bundle is not None
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(partner_center.ca_bundle))
    for name in ("HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    return partner_center


def browser(emulator: PartnerCenterEmulator) -> httpx.Client:
    assert emulator.ca_bundle is not None
    return httpx.Client(
        verify=ssl.create_default_context(cafile=str(emulator.ca_bundle)), timeout=30, follow_redirects=False
    )


def complete_sign_in(person: httpx.Client, url: str, choice: str) -> httpx.Response:
    page = person.get(url)
    assert page.status_code == 200, page.text
    ctx = re.search(r'name="ctx" value="([^"]+)"', page.text)
    assert ctx is not None
    action = urllib.parse.urljoin(url, re.search(r'form method="post" action="([^"]+)"', page.text).group(1))  # type: ignore[union-attr]
    step = person.post(
        action, data={"ctx": ctx.group(1), "step": "password", "username": NW.ADMIN, "password": NW.ADMIN_PASSWORD}
    )
    assert step.status_code == 200, step.text
    return person.post(action, data={"ctx": ctx.group(1), "step": "mfa", "choice": choice})


def call(emulator: PartnerCenterEmulator, token: str) -> requests.Response:
    return requests.get(f"{emulator.url}/v1/customers?size=1", headers={"Authorization": f"Bearer {token}"}, timeout=30)


@pytest.mark.parametrize(("choice", "status"), [("mfa", 200), ("skip", 401)])
def test_msal_auth_code_flow(emulator: PartnerCenterEmulator, choice: str, status: int) -> None:
    app = msal.PublicClientApplication(NW.NATIVE_APP, authority=emulator.authority, instance_discovery=False)
    flow = app.initiate_auth_code_flow(USER_SCOPES, redirect_uri="http://localhost:53127")
    with browser(emulator) as person:
        answer = complete_sign_in(person, flow["auth_uri"], choice)
    assert answer.status_code == 302
    redirected = urllib.parse.urlsplit(answer.headers["location"])
    assert redirected.netloc == "localhost:53127"
    result = app.acquire_token_by_auth_code_flow(flow, dict(urllib.parse.parse_qsl(redirected.query)))
    assert "access_token" in result, result
    assert result["id_token_claims"]["preferred_username"] == NW.ADMIN
    assert call(emulator, result["access_token"]).status_code == status


def test_msal_device_flow(emulator: PartnerCenterEmulator) -> None:
    app = msal.PublicClientApplication(NW.NATIVE_APP, authority=emulator.authority, instance_discovery=False)
    flow = app.initiate_device_flow(scopes=USER_SCOPES)
    assert "user_code" in flow, flow
    assert flow["interval"] == 5  # as Entra answers; the test polls faster
    flow["interval"] = 1
    result: dict[str, Any] = {}
    polling = threading.Thread(target=lambda: result.update(app.acquire_token_by_device_flow(flow)))
    polling.start()
    with browser(emulator) as person:
        code_page = person.post(flow["verification_uri"], data={"otc": flow["user_code"]})
        assert code_page.status_code == 200
        ctx = re.search(r'name="ctx" value="([^"]+)"', code_page.text).group(1)  # type: ignore[union-attr]
        person.post(
            flow["verification_uri"],
            data={"ctx": ctx, "step": "password", "username": NW.ADMIN, "password": NW.ADMIN_PASSWORD},
        )
        done = person.post(flow["verification_uri"], data={"ctx": ctx, "step": "mfa", "choice": "mfa"})
        assert "signed in" in done.text
    polling.join(30)
    assert "access_token" in result, result
    assert call(emulator, result["access_token"]).status_code == 200


def test_adal_secure_application_model(emulator: PartnerCenterEmulator) -> None:
    query = consent_query("http://localhost:8400/callback")
    with browser(emulator) as person:
        posted = complete_sign_in(person, f"{emulator.url}/common/oauth2/authorize?{query}", "mfa")
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', posted.text))
    code = html.unescape(fields["code"])
    context = adal.AuthenticationContext(emulator.authority, validate_authority=False)
    first = context.acquire_token_with_authorization_code(
        code, "http://localhost:8400/callback", NW.PC, NW.WEB_APP, NW.WEB_SECRET
    )
    assert first["resource"] == NW.PC
    refreshed = context.acquire_token_with_refresh_token(first["refreshToken"], NW.WEB_APP, NW.PC, NW.WEB_SECRET)
    assert call(emulator, refreshed["accessToken"]).status_code == 200
    emulator.assert_all_compliant()


def test_plain_requests_secure_application_model(emulator: PartnerCenterEmulator) -> None:
    query = consent_query("http://localhost:8400/callback")
    with browser(emulator) as person:
        posted = complete_sign_in(person, f"{emulator.url}/{emulator.tenant_id}/oauth2/authorize?{query}", "skip")
    code = html.unescape(dict(re.findall(r'name="(\w+)" value="([^"]*)"', posted.text))["code"])
    token_url = f"{emulator.url}/{emulator.tenant_id}/oauth2/token"
    first = requests.post(
        token_url,
        data={
            "resource": NW.PC,
            "client_id": NW.WEB_APP,
            "client_secret": NW.WEB_SECRET,
            "grant_type": "authorization_code",
            "code": code,
        },
        timeout=30,
    ).json()
    refreshed = requests.post(
        token_url,
        data=refresh_form(
            first["refresh_token"], client_id=NW.WEB_APP, resource=NW.PC, client_secret=NW.WEB_SECRET, scope="openid"
        ),
        timeout=30,
    ).json()
    refused = call(emulator, refreshed["access_token"])
    assert refused.status_code == 401
    assert refused.json()["code"] == "900421"
    with pytest.raises(pytest.fail.Exception, match="did not complete MFA"):
        emulator.assert_all_compliant()
