"""The acceptance clients, unmodified: MSAL, azure-identity, adal, partnercenterservices and plain requests/httpx,
over HTTPS with the emulator's CA, directly or through the proxy for hard-coded hosts."""

from __future__ import annotations

import ssl
from collections.abc import Iterator

import adal
import httpx
import msal
import pytest
import requests
from azure.identity import ClientSecretCredential

from emulator.testing import PartnerCenterEmulator, route_to_emulator
from tests.helpers import NW

PC_SCOPE = f"{NW.PC}/.default"
USER_SCOPES = [f"{NW.PC}/user_impersonation"]


@pytest.fixture
def trusting(partner_center: PartnerCenterEmulator, monkeypatch: pytest.MonkeyPatch) -> PartnerCenterEmulator:
    """The per-process settings the docs show: the CA bundle for requests-based clients."""
    assert partner_center.ca_bundle is not None
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(partner_center.ca_bundle))
    monkeypatch.delenv("HTTPS_PROXY", raising=False)
    monkeypatch.delenv("https_proxy", raising=False)
    return partner_center


@pytest.fixture
def proxied(trusting: PartnerCenterEmulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[PartnerCenterEmulator]:
    """HTTPS_PROXY at the emulator's proxy: clients keep their hard-coded https://login.microsoftonline.com."""
    proxy = trusting.proxy_url
    assert proxy is not None
    for name in ("HTTPS_PROXY", "https_proxy"):
        monkeypatch.setenv(name, proxy)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    yield trusting


def call_partner_center(base: str, token: str, **kwargs: object) -> requests.Response:
    return requests.get(
        f"{base}/v1/customers?size=2", headers={"Authorization": f"Bearer {token}"}, timeout=30, **kwargs
    )  # type: ignore[arg-type]


def test_msal_client_credentials_over_https(trusting: PartnerCenterEmulator) -> None:
    app = msal.ConfidentialClientApplication(
        NW.WEB_APP, client_credential=NW.WEB_SECRET, authority=trusting.authority, instance_discovery=False
    )
    result = app.acquire_token_for_client(scopes=[PC_SCOPE])
    assert "access_token" in result, result
    assert call_partner_center(trusting.url, result["access_token"]).status_code == 200
    assert trusting.journal[-1]["user"] == "app-only"


ORGANIZATIONS = "https://login.microsoftonline.com/organizations"


def test_msal_password_sign_in_through_the_proxy_with_the_organizations_authority(
    proxied: PartnerCenterEmulator,
) -> None:
    # MSAL's default authority (/common) gets AADSTS9001023 for a password sign-in, as from Entra.
    common = msal.PublicClientApplication(NW.NATIVE_APP)
    refused = common.acquire_token_by_username_password(NW.SERVICE, NW.SERVICE_PASSWORD, scopes=USER_SCOPES)
    assert refused.get("error_codes") == [9001023], refused
    app = msal.PublicClientApplication(NW.NATIVE_APP, authority=ORGANIZATIONS)
    result = app.acquire_token_by_username_password(NW.SERVICE, NW.SERVICE_PASSWORD, scopes=USER_SCOPES)
    assert "access_token" in result, result
    assert result["token_type"] == "Bearer"
    refused = call_partner_center("https://api.partnercenter.microsoft.com", result["access_token"])
    assert refused.status_code == 401
    assert refused.json()["code"] == "900421"
    # The emulator built its URLs from the Host header: the journal saw the real host's calls.
    calls = [(e["kind"], e["path"]) for e in proxied.journal]
    assert ("token", "/organizations/oauth2/v2.0/token") in calls
    assert ("partner", "/v1/customers") in calls


def test_msal_surfaces_aadsts50076_for_a_user_who_must_use_mfa(proxied: PartnerCenterEmulator) -> None:
    app = msal.PublicClientApplication(NW.NATIVE_APP, authority=ORGANIZATIONS)
    result = app.acquire_token_by_username_password(NW.MEGAN, NW.MEGAN_PASSWORD, scopes=USER_SCOPES)
    assert result.get("error") == "interaction_required"
    assert 50076 in result.get("error_codes", [])


def test_msal_refresh_keeps_amr(trusting: PartnerCenterEmulator) -> None:
    app = msal.PublicClientApplication(NW.NATIVE_APP, authority=trusting.authority, instance_discovery=False)
    user = trusting.state.world.user(NW.ADMIN)
    assert user is not None
    # A refresh token from an interactive sign-in that completed MFA (the Secure Application Model's first step).
    refresh = trusting.state.refresh_tokens.issue(
        NW.NATIVE_APP, trusting.tenant_id, user.object_id, ["pwd", "mfa"], trusting.state.clock.now()
    )
    result = app.acquire_token_by_refresh_token(refresh, scopes=USER_SCOPES)
    assert "access_token" in result, result
    assert call_partner_center(trusting.url, result["access_token"]).status_code == 200


def test_azure_identity_client_secret_credential(partner_center: PartnerCenterEmulator) -> None:
    assert partner_center.https_url is not None and partner_center.ca_bundle is not None
    credential = ClientSecretCredential(
        partner_center.tenant_id,
        NW.WEB_APP,
        NW.WEB_SECRET,
        authority=partner_center.https_url.removeprefix("https://"),
        disable_instance_discovery=True,
        connection_verify=str(partner_center.ca_bundle),
        retry_total=0,
    )
    token = credential.get_token(PC_SCOPE)
    assert token.expires_on > 0
    response = httpx.get(
        f"{partner_center.url}/v1/customers?size=1",
        headers={"Authorization": f"Bearer {token.token}"},
        verify=ssl.create_default_context(cafile=str(partner_center.ca_bundle)),
    )
    assert response.status_code == 200


def test_adal_client_credentials_and_the_secure_application_model_refresh(trusting: PartnerCenterEmulator) -> None:
    context = adal.AuthenticationContext(trusting.authority, validate_authority=False)
    app_only = context.acquire_token_with_client_credentials(NW.PC, NW.WEB_APP, NW.WEB_SECRET)
    assert call_partner_center(trusting.url, app_only["accessToken"]).status_code == 200
    user = trusting.state.world.user(NW.ADMIN)
    assert user is not None
    refresh = trusting.state.refresh_tokens.issue(
        NW.WEB_APP, trusting.tenant_id, user.object_id, ["pwd", "mfa"], trusting.state.clock.now()
    )
    refreshed = context.acquire_token_with_refresh_token(refresh, NW.WEB_APP, NW.PC, NW.WEB_SECRET)
    assert refreshed["resource"] == NW.PC
    assert call_partner_center(trusting.url, refreshed["accessToken"]).status_code == 200
    # adal's password sign-in (it asks /common/UserRealm/… first): a token Partner Center refuses.
    password = context.acquire_token_with_username_password(NW.PC, NW.SERVICE, NW.SERVICE_PASSWORD, NW.NATIVE_APP)
    assert call_partner_center(trusting.url, password["accessToken"]).json()["code"] == "900421"


def test_partnercenterservices_through_the_proxy_on_its_default_base_url(proxied: PartnerCenterEmulator) -> None:
    from microsoft.store.partnercenterservices import MicrosoftPartnerStoreApis
    from msrest.authentication import BasicTokenAuthentication

    client = MicrosoftPartnerStoreApis(
        BasicTokenAuthentication({"access_token": proxied.token(user=NW.ADMIN, mfa=True)})
    )
    client.config.retry_policy.policy.status_forcelist = []
    customers = client.getvversioncustomersfilterfilter.value("1", size=5)
    assert customers.total_count == 5
    assert customers.items[0].company_profile.company_name == "Contoso Ltd"


def test_routing_for_hard_coded_urls_without_a_proxy(partner_center: PartnerCenterEmulator) -> None:
    with route_to_emulator(partner_center):
        discovery = requests.get(
            "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration", timeout=30
        ).json()
        assert discovery["token_endpoint"] == "https://login.microsoftonline.com/common/oauth2/v2.0/token"
        token = partner_center.token(user=NW.ADMIN, mfa=True)
        assert (
            httpx.get(
                "https://api.partnercenter.microsoft.com/v1/customers?size=1",
                headers={"Authorization": f"Bearer {token}"},
            ).status_code
            == 200
        )
    with pytest.raises(requests.RequestException):
        requests.get("https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration", timeout=2)


def test_assert_all_compliant(partner_center: PartnerCenterEmulator) -> None:
    call_partner_center(partner_center.http_url, partner_center.token(user=NW.ADMIN, mfa=True))
    partner_center.assert_all_compliant()
    call_partner_center(partner_center.http_url, partner_center.token(user=NW.SERVICE))
    with pytest.raises(pytest.fail.Exception, match="NO: 1 of 2 app\\+user calls would be refused under enforced-2026"):
        partner_center.assert_all_compliant()


def test_in_process_fixture(partner_center_inprocess: PartnerCenterEmulator) -> None:
    response = partner_center_inprocess.client.get(
        "/v1/customers?size=1", headers={"Authorization": f"Bearer {partner_center_inprocess.token(app=NW.WEB_APP)}"}
    )
    assert response.status_code == 200
    partner_center_inprocess.set_profile("off")
    assert partner_center_inprocess.state.profile.name == "off"


@pytest.mark.parametrize("host", ["login.windows.net", "login.microsoft.com", "sts.windows.net"])
def test_msal_with_an_entra_alias_authority_through_the_proxy(proxied: PartnerCenterEmulator, host: str) -> None:
    """Older code names Entra by an alias: the proxy tunnels it, the certificate names it, discovery answers on it."""
    app = msal.ConfidentialClientApplication(
        NW.WEB_APP, client_credential=NW.WEB_SECRET, authority=f"https://{host}/{NW.TENANT_ID}"
    )
    result = app.acquire_token_for_client(scopes=[PC_SCOPE])
    assert "access_token" in result, result
    assert call_partner_center("https://api.partnercenter.microsoft.com", result["access_token"]).status_code == 200
    assert ("token", f"/{NW.TENANT_ID}/oauth2/v2.0/token") in [(e["kind"], e["path"]) for e in proxied.journal]
