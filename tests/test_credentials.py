"""Client credentials: certificates (client assertions) with real clients and every bad assertion, 'Allow public
client flows' per app, registration (control API, pcemu app-cert) and the fidelity fixes of the credentials issue.

Expected codes and texts: docs/sources/entra-assertion-errors.md.
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import hashlib
import hmac
import json
import ssl
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import jwt
import msal
import pytest
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from azure.identity import CertificateCredential, ClientAssertionCredential
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from starlette.testclient import TestClient

from emulator.app import EmulatorApp
from emulator.appcerts import from_key_credential, make_test_certificate
from emulator.cli_apps import cmd_app_cert
from emulator.config import Config
from emulator.state import EmulatorState
from emulator.testing import PartnerCenterEmulator
from tests.helpers import NW, app_form, assert_entra_error, bearer, ropc_form, serving

PC_SCOPE = f"{NW.PC}/.default"
V2 = f"/{NW.TENANT_ID}/oauth2/v2.0/token"
V1 = f"/{NW.TENANT_ID}/oauth2/token"
AUD = f"http://127.0.0.1:8080{V2}"
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
DOCS = "https://learn.microsoft.com/entra/identity-platform/certificate-credentials"


@dataclasses.dataclass
class Cert:
    key_pem: bytes
    cert_pem: bytes
    thumbprint: str
    x5t: str
    x5t_s256: str
    key_id: str

    @property
    def key(self) -> Any:
        return serialization.load_pem_private_key(self.key_pem, password=None)


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def new_cert() -> Cert:
    key_pem, cert_pem = make_test_certificate("test")
    found = from_key_credential(cert_pem.decode(), None, None)
    return Cert(key_pem, cert_pem, found.thumbprint, found.x5t, found.x5t_s256, found.key_id)


@pytest.fixture(scope="module")
def cert() -> Cert:
    return new_cert()


@pytest.fixture
def registered(client: TestClient, cert: Cert) -> Cert:
    answer = client.post(f"/_emulator/apps/{NW.WEB_APP}/certificates", json={"key": cert.cert_pem.decode()})
    assert answer.status_code == 201, answer.text
    cert.key_id = answer.json()["keyId"]
    return cert


def assertion(
    cert: Cert, *, header: dict[str, Any] | None = None, key: Any = None, algorithm: str = "RS256", **claims: Any
) -> str:
    now = int(time.time())
    payload = {"aud": AUD, "iss": NW.WEB_APP, "sub": NW.WEB_APP, "jti": str(uuid.uuid4()), "nbf": now,
               "exp": now + 600, **claims}  # fmt: skip
    payload = {k: v for k, v in payload.items() if v is not None}
    headers = {"x5t": cert.x5t} if header is None else header
    return jwt.encode(payload, key if key is not None else cert.key, algorithm=algorithm, headers=headers)


def with_assertion(value: str, **more: str) -> dict[str, str]:
    return {"grant_type": "client_credentials", "client_id": NW.WEB_APP, "scope": PC_SCOPE,
            "client_assertion_type": JWT_BEARER, "client_assertion": value, **more}  # fmt: skip


# --- the assertion, accepted ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "algorithm"),
    [("x5t", "RS256"), ("x5t#S256", "PS256"), ("kid", "RS384")],
)
def test_an_assertion_signed_with_a_registered_certificate(
    client: TestClient, registered: Cert, header: str, algorithm: str
) -> None:
    names = {"x5t": registered.x5t, "x5t#S256": registered.x5t_s256, "kid": registered.key_id}
    signed = assertion(registered, header={header: names[header]}, algorithm=algorithm)
    answer = client.post(V2, data=with_assertion(signed))
    assert answer.status_code == 200, answer.text
    token = answer.json()["access_token"]
    assert client.get("/v1/customers?size=1", headers=bearer(token)).status_code == 200
    # Entra accepts a jti again (MSAL reuses one assertion for 9 minutes): so does the emulator.
    assert client.post(V2, data=with_assertion(signed)).status_code == 200


def test_v1_endpoint_and_its_audience(client: TestClient, registered: Cert) -> None:
    signed = assertion(registered, aud=f"http://127.0.0.1:8080/{NW.TENANT_DOMAIN}/oauth2/token")
    answer = client.post(V1, data={**with_assertion(signed), "resource": NW.PC, "scope": ""})
    assert answer.status_code == 200, answer.text


# --- the assertion, refused --------------------------------------------------------------------------------------


def _refused(client: TestClient, value: str, status: int, error: str, code: int, message: str) -> None:
    assert_entra_error(client.post(V2, data=with_assertion(value)), status, error, code, message)


def test_not_a_jwt(client: TestClient, registered: Cert) -> None:
    _refused(client, "not-a-jwt", 400, "invalid_request", 50027, "JWT token is invalid or malformed.")
    huge = assertion(registered, header={"x5t": registered.x5t, "pad": "x" * 20_000})
    _refused(client, huge, 400, "invalid_request", 50027, "JWT token is invalid or malformed.")


@pytest.mark.parametrize("algorithm", ["none", "HS256", "ES256"])
def test_algorithms_entra_does_not_take(client: TestClient, registered: Cert, algorithm: str) -> None:
    if algorithm == "none":
        body = base64.urlsafe_b64encode(json.dumps({"iss": NW.WEB_APP}).encode()).rstrip(b"=").decode()
        head = base64.urlsafe_b64encode(b'{"alg":"none","x5t":"' + registered.x5t.encode() + b'"}')
        value = f"{head.rstrip(b'=').decode()}.{body}."
    elif algorithm == "HS256":
        # The classic confusion: HMAC keyed with the certificate's public key.
        head = b64url(json.dumps({"alg": "HS256", "x5t": registered.x5t}).encode())
        signing_input = f"{head}.{b64url(json.dumps({'iss': NW.WEB_APP}).encode())}"
        mac = hmac.new(registered.cert_pem, signing_input.encode(), hashlib.sha256).digest()
        value = f"{signing_input}.{b64url(mac)}"
    else:
        value = assertion(registered, key=ec.generate_private_key(ec.SECP256R1()), algorithm="ES256")
    _refused(
        client,
        value,
        401,
        "invalid_client",
        5002738,
        f"Invalid JWT token. '{algorithm}' is not a supported signature algorithm. Supported signing algorithms "
        "are: 'RS256,RS384,RS512'",
    )


def test_a_certificate_that_is_not_registered(client: TestClient, registered: Cert) -> None:
    other = new_cert()
    _refused(
        client,
        assertion(other, header={"x5t": other.x5t}),
        401,
        "invalid_client",
        700027,
        f"Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used "
        f"by client: '{other.x5t}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see "
        f"configured keys for app Id '{NW.WEB_APP}'. Review the documentation at "
        "https://docs.microsoft.com/en-us/graph/deployments to determine the corresponding service endpoint and "
        "https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0&tabs=http to build a query "
        f"request URL, such as 'https://graph.microsoft.com/beta/applications/{NW.WEB_APP}'].",
    )
    _refused(
        client,
        assertion(registered, header={}),
        401,
        "invalid_client",
        5002723,
        "Invalid JWT token. No certificate SHA-1 thumbprint, certificate SHA-256 thumbprint, nor keyId specified in "
        "token header.",
    )


def test_a_registered_thumbprint_with_another_key(client: TestClient, registered: Cert) -> None:
    """Headers that point elsewhere (jku, x5u, jwk) are never followed: only the registered key verifies."""
    attacker = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    header = {"x5t": registered.x5t, "jku": "https://attacker.example/keys", "x5u": "https://attacker.example/c",
              "jwk": {"kty": "RSA", "n": "AQAB", "e": "AQAB"}}  # fmt: skip
    _refused(
        client,
        assertion(registered, header=header, key=attacker),
        401,
        "invalid_client",
        700027,
        "Client assertion failed signature validation.",
    )


def test_times(client: TestClient, registered: Cert) -> None:
    expired = assertion(registered, nbf=1_000_000_000, exp=1_000_000_600)
    answer = client.post(V2, data=with_assertion(expired))
    description = answer.json()["error_description"]
    assert answer.status_code == 401 and answer.json()["error_codes"] == [700024]
    assert description.startswith("AADSTS700024: Client assertion is not within its valid time range. Current time: ")
    assert (
        ", assertion valid from 2001-09-09T01:46:40.0000000Z, expiry time of assertion "
        f"2001-09-09T01:56:40.0000000Z. Review the documentation at {DOCS} .\r\nTrace ID: "
    ) in description
    later = int(time.time()) + 3600
    early = client.post(V2, data=with_assertion(assertion(registered, nbf=later, exp=later + 600)))
    assert early.json()["error_codes"] == [700024]
    no_expiry = client.post(V2, data=with_assertion(assertion(registered, exp=None)))
    assert no_expiry.json()["error_codes"] == [700024]


def test_claims(client: TestClient, registered: Cert) -> None:
    _refused(
        client,
        assertion(registered, aud="https://login.microsoftonline.com/another-tenant/oauth2/v2.0/token"),
        401,
        "invalid_client",
        700023,
        f"Client assertion audience claim does not match Realm issuer. Review the documentation at {DOCS} .",
    )
    _refused(client, assertion(registered, aud=[AUD]), 400, "invalid_request", 50027,
             "JWT token is invalid or malformed.")  # fmt: skip
    _refused(
        client,
        assertion(registered, aud=None),
        400,
        "invalid_request",
        90014,
        "The required field 'aud' is missing from the credential. Ensure that you have all the necessary parameters "
        "for the login request.",
    )
    _refused(
        client,
        assertion(registered, iss=NW.NATIVE_APP, sub=NW.NATIVE_APP),
        401,
        "invalid_client",
        700021,
        f"Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at "
        f"{DOCS} .",
    )
    _refused(client, assertion(registered, sub="someone"), 401, "invalid_client", 50048,
             "Subject must match the issuer claim in the client assertion.")  # fmt: skip


def test_who_may_present_an_assertion(client: TestClient, registered: Cert) -> None:
    public = {**with_assertion(assertion(registered)), "client_id": NW.NATIVE_APP}
    assert_entra_error(
        client.post(V2, data=public),
        401,
        "invalid_client",
        700025,
        "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
    )
    wrong_secret = client.post(V2, data=with_assertion(assertion(registered), client_secret="nope"))
    assert wrong_secret.json()["error_codes"] == [7000215]
    both = client.post(V2, data=with_assertion(assertion(registered), client_secret=NW.WEB_SECRET))
    assert both.status_code == 200
    no_type = {k: v for k, v in with_assertion(assertion(registered)).items() if k != "client_assertion_type"}
    assert_entra_error(
        client.post(V2, data=no_type),
        400,
        "invalid_request",
        900144,
        "The request body must contain the following parameter: 'client_assertion_type'.",
    )


# --- registration ----------------------------------------------------------------------------------------------


def test_registration_through_the_control_api_lasts_until_a_reset(client: TestClient, cert: Cert) -> None:
    path = f"/_emulator/apps/{NW.WEB_APP}/certificates"
    created = client.post(path, json={"key": cert.cert_pem.decode(), "displayName": "ci"})
    shown = created.json()
    assert created.status_code == 201
    assert {k: shown[k] for k in ("customKeyIdentifier", "displayName", "type", "usage", "runtime")} == {
        "customKeyIdentifier": cert.thumbprint,
        "displayName": "ci",
        "type": "AsymmetricX509Cert",
        "usage": "Verify",
        "runtime": True,
    }
    assert client.get(path).json()["keyCredentials"] == [shown]
    assert client.post(V2, data=with_assertion(assertion(cert))).status_code == 200
    client.post("/_emulator/reset")
    assert client.get(path).json()["keyCredentials"] == []
    assert client.post(V2, data=with_assertion(assertion(cert))).json()["error_codes"] == [700027]


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({}, 400, "invalid_body"),
        ({"key": "not a certificate"}, 400, "invalid_certificate"),
        ({"key": "x", "customKeyIdentifier": 5}, 400, "invalid_body"),
    ],
)
def test_registration_errors(client: TestClient, body: dict[str, Any], status: int, error: str) -> None:
    answer = client.post(f"/_emulator/apps/{NW.WEB_APP}/certificates", json=body)
    assert (answer.status_code, answer.json()["error"]) == (status, error)
    unknown = client.post("/_emulator/apps/00000000-0000-0000-0000-000000000000/certificates", json=body)
    assert unknown.status_code == 404


def test_a_thumbprint_that_is_not_the_certificates_is_refused(client: TestClient, cert: Cert) -> None:
    answer = client.post(
        f"/_emulator/apps/{NW.WEB_APP}/certificates",
        json={"key": cert.cert_pem.decode(), "customKeyIdentifier": "00" * 20},
    )
    assert answer.json() == {
        "error": "invalid_certificate",
        "message": f"customKeyIdentifier: {'00' * 20} is not the certificate's SHA-1 thumbprint ({cert.thumbprint})",
    }


def _app_cert_args(tmp_path: Path, **more: Any) -> argparse.Namespace:
    return argparse.Namespace(app=NW.WEB_APP, out=tmp_path / "out", days=30, url=None, fixtures=None,
                              state_dir=tmp_path / "state", **more)  # fmt: skip


def test_pcemu_app_cert_offline_registers_in_the_state_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("PCEMU_URL", raising=False)
    assert cmd_app_cert(_app_cert_args(tmp_path)) == 0
    printed = capsys.readouterr().out
    key_path = tmp_path / "out" / f"{NW.WEB_APP}.key.pem"
    assert key_path.stat().st_mode & 0o777 == 0o600
    thumbprint = next(line.split()[-1] for line in printed.splitlines() if line.startswith("thumbprint:"))
    state = EmulatorState(Config(state_dir=tmp_path / "state", seed=3))
    app = state.world.apps[NW.WEB_APP]
    assert [c.thumbprint for c in state.world.certificates(app)] == [thumbprint]
    state.reset()
    assert [c.thumbprint for c in state.world.certificates(app)] == [thumbprint]  # kept: it is the world's
    registered = new_cert()
    registered.key_pem = key_path.read_bytes()
    registered.x5t = state.world.certificates(app)[0].x5t
    with TestClient(EmulatorApp(state), base_url="http://127.0.0.1:8080", client=("127.0.0.1", 1)) as client:
        assert client.post(V2, data=with_assertion(assertion(registered))).status_code == 200


def test_pcemu_app_cert_with_a_running_emulator(
    tmp_path: Path, state: EmulatorState, capsys: pytest.CaptureFixture[str]
) -> None:
    with serving(EmulatorApp(state)) as url:
        assert cmd_app_cert(_online(tmp_path, url)) == 0
    assert "registered with the running emulator until its next reset" in capsys.readouterr().out
    assert len(state.world.registered[NW.WEB_APP]) == 1


def _online(tmp_path: Path, url: str) -> argparse.Namespace:
    args = _app_cert_args(tmp_path)
    args.url = url
    return args


def test_pcemu_app_cert_refuses_unknown_and_public_apps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PCEMU_URL", raising=False)
    unknown = _app_cert_args(tmp_path)
    unknown.app = "00000000-0000-0000-0000-000000000000"
    assert cmd_app_cert(unknown) == 2
    public = _app_cert_args(tmp_path)
    public.app = NW.NATIVE_APP
    assert cmd_app_cert(public) == 2


# --- "Allow public client flows" -------------------------------------------------------------------------------


def test_public_client_flows_per_app(client: TestClient, state: EmulatorState) -> None:
    missing = "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."
    scope = f"{NW.PC}/user_impersonation"
    # The confidential app without its secret: refused while the setting is off (the default) ...
    confidential = ropc_form(NW.SERVICE, NW.SERVICE_PASSWORD, client_id=NW.WEB_APP, scope=scope)
    assert_entra_error(client.post(V2, data=confidential), 401, "invalid_client", 7000218, missing)
    apps = state.world.apps
    apps[NW.WEB_APP] = dataclasses.replace(apps[NW.WEB_APP], public_client_flows=True)
    assert client.post(V2, data=confidential).status_code == 200  # ... and signed in once it is on
    # Its secret keeps working either way; client credentials still need one.
    assert client.post(V2, data={**confidential, "client_secret": NW.WEB_SECRET}).status_code == 200
    no_secret = {k: v for k, v in app_form(scope=PC_SCOPE).items() if k != "client_secret"}
    assert client.post(V2, data=no_secret).json()["error_codes"] == [7000218]
    # The public app: signs in while the setting is on (its default), refused once it is off.
    public = ropc_form(NW.SERVICE, NW.SERVICE_PASSWORD, scope=scope)
    assert client.post(V2, data=public).status_code == 200
    apps[NW.NATIVE_APP] = dataclasses.replace(apps[NW.NATIVE_APP], public_client_flows=False)
    assert_entra_error(client.post(V2, data=public), 401, "invalid_client", 7000218, missing)


# --- the fidelity fixes ----------------------------------------------------------------------------------------


def test_a_password_sign_in_over_common(client: TestClient) -> None:
    ropc = ropc_form(NW.SERVICE, NW.SERVICE_PASSWORD, scope=f"{NW.PC}/user_impersonation")
    assert_entra_error(
        client.post("/common/oauth2/v2.0/token", data=ropc),
        400,
        "invalid_request",
        9001023,
        "The grant type isn't supported over the /common or /consumers endpoints. Please use the /organizations or "
        "tenant-specific endpoint.",
    )
    assert client.post("/organizations/oauth2/v2.0/token", data=ropc).status_code == 200


def test_a_code_that_was_never_issued(client: TestClient) -> None:
    form = {**app_form(scope=PC_SCOPE), "grant_type": "authorization_code", "code": "never-issued",
            "redirect_uri": "http://localhost:8400/callback"}  # fmt: skip
    assert_entra_error(
        client.post(V2, data=form),
        400,
        "invalid_grant",
        70000,
        "The provided value for the 'code' parameter is not valid.",
    )


def test_token_answers_carry_the_request_id_and_server(client: TestClient) -> None:
    answer = client.post(V2, data=app_form(scope=PC_SCOPE))
    assert answer.status_code == 200
    assert uuid.UUID(answer.headers["x-ms-request-id"])
    assert answer.headers["x-ms-ests-server"] == "2.1.19465.4 - pcemu ProdSlices"
    assert answer.headers["cache-control"] == "no-store, no-cache"


# --- real clients, unmodified ----------------------------------------------------------------------------------


@pytest.fixture
def certified(partner_center: PartnerCenterEmulator, monkeypatch: pytest.MonkeyPatch) -> Cert:
    assert partner_center.ca_bundle is not None
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(partner_center.ca_bundle))
    for name in ("HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    found = new_cert()
    answer = partner_center.client.post(
        f"/_emulator/apps/{NW.WEB_APP}/certificates", json={"key": found.cert_pem.decode()}
    )
    found.key_id = answer.json()["keyId"]
    return found


def _call(emulator: PartnerCenterEmulator, token: str) -> int:
    assert emulator.ca_bundle is not None
    context = ssl.create_default_context(cafile=str(emulator.ca_bundle))
    return httpx.get(f"{emulator.url}/v1/customers?size=1", headers=bearer(token), verify=context).status_code


def test_msal_certificate_credential(partner_center: PartnerCenterEmulator, certified: Cert) -> None:
    for credential in (
        {"private_key": certified.key_pem.decode(), "thumbprint": certified.thumbprint},
        {"private_key": certified.key_pem.decode(), "thumbprint": certified.thumbprint,
         "public_certificate": certified.cert_pem.decode()},
    ):  # fmt: skip
        app = msal.ConfidentialClientApplication(
            NW.WEB_APP, client_credential=credential, authority=partner_center.authority, instance_discovery=False
        )
        result = app.acquire_token_for_client(scopes=[PC_SCOPE])
        assert "access_token" in result, result
        assert _call(partner_center, result["access_token"]) == 200


def test_azure_identity_certificate_and_assertion_credentials(
    partner_center: PartnerCenterEmulator, certified: Cert
) -> None:
    assert partner_center.https_url is not None and partner_center.ca_bundle is not None
    common = {
        "authority": partner_center.https_url.removeprefix("https://"),
        "disable_instance_discovery": True,
        "connection_verify": str(partner_center.ca_bundle),
        "retry_total": 0,
    }
    by_certificate = CertificateCredential(
        partner_center.tenant_id, NW.WEB_APP, certificate_data=certified.key_pem + certified.cert_pem, **common
    )
    assert _call(partner_center, by_certificate.get_token(PC_SCOPE).token) == 200
    endpoint = f"{partner_center.https_url}/{partner_center.tenant_id}/oauth2/v2.0/token"

    def signed() -> str:
        now = int(time.time())
        claims = {"aud": endpoint, "iss": NW.WEB_APP, "sub": NW.WEB_APP, "jti": str(uuid.uuid4()), "nbf": now,
                  "exp": now + 600}  # fmt: skip
        return jwt.encode(claims, certified.key, algorithm="PS256", headers={"x5t#S256": certified.x5t_s256})

    by_assertion = ClientAssertionCredential(partner_center.tenant_id, NW.WEB_APP, signed, **common)
    assert _call(partner_center, by_assertion.get_token(PC_SCOPE).token) == 200


def test_authlib_private_key_jwt(partner_center: PartnerCenterEmulator, certified: Cert) -> None:
    """authlib's PrivateKeyJWT with the header Entra needs (its `headers` option): x5t, the certificate's
    thumbprint. Without client_id in the form (authlib leaves it out), the assertion's iss names the client."""
    assert partner_center.https_url is not None and partner_center.ca_bundle is not None
    endpoint = f"{partner_center.https_url}/{partner_center.tenant_id}/oauth2/v2.0/token"
    auth = PrivateKeyJWT(endpoint, headers={"x5t": certified.x5t})
    session = OAuth2Session(NW.WEB_APP, certified.key_pem, token_endpoint_auth_method=auth, scope=PC_SCOPE)
    session.verify = str(partner_center.ca_bundle)
    token = session.fetch_token(endpoint, grant_type="client_credentials")
    assert _call(partner_center, token["access_token"]) == 200


# --- federated credentials (workload identity federation) -------------------------------------------------------

CI_SUBJECT = "repo:northwind/billing-automation:ref:refs/heads/main"
LOCAL_ISSUER = "https://oidc.pcemu.localhost"
FEDERATION_DOCS = "https://learn.microsoft.com/entra/workload-id/workload-identity-federation"


def minted(client: TestClient, **body: Any) -> str:
    answer = client.post("/_emulator/oidc/token", json={"subject": CI_SUBJECT, **body})
    assert answer.status_code == 200, answer.text
    value: str = answer.json()["value"]
    return value


def test_a_ci_job_signs_in_with_its_oidc_token(client: TestClient) -> None:
    discovery = client.get("/_emulator/oidc/.well-known/openid-configuration").json()
    assert discovery["issuer"] == LOCAL_ISSUER
    assert discovery["jwks_uri"] == "http://127.0.0.1:8080/_emulator/oidc/keys"
    keys = client.get("/_emulator/oidc/keys").json()["keys"]
    token = minted(client)
    assert jwt.get_unverified_header(token)["kid"] == keys[0]["kid"]
    answer = client.post(V2, data=with_assertion(token))
    assert answer.status_code == 200, answer.text
    assert client.get("/v1/customers?size=1", headers=bearer(answer.json()["access_token"])).status_code == 200


@pytest.mark.parametrize(
    ("body", "code", "what", "value"),
    [
        ({"subject": "repo:northwind/billing-automation:pull_request"}, 700213, "subject",
         "repo:northwind/billing-automation:pull_request"),
        ({"audience": "api://SomethingElse"}, 700212, "audience", "api://SomethingElse"),
    ],
)  # fmt: skip
def test_a_ci_token_that_matches_no_federated_credential(
    client: TestClient, body: dict[str, str], code: int, what: str, value: str
) -> None:
    assert_entra_error(
        client.post(V2, data=with_assertion(minted(client, **body))),
        401,
        "invalid_client",
        code,
        f"No matching federated identity record found for presented assertion {what} '{value}'. Check your "
        f"federated identity credential Subject, Audience and Issuer against the presented assertion. {FEDERATION_DOCS}",
    )


def test_a_subject_that_differs_only_in_case(client: TestClient) -> None:
    subject = CI_SUBJECT.upper()
    assert_entra_error(
        client.post(V2, data=with_assertion(minted(client, subject=subject))),
        401,
        "invalid_client",
        7002138,
        f"No matching federated identity record found for presented assertion subject '{subject}'. The subject "
        "matches with case-insensitive comparison, but not with case-sensitive comparison. Check your federated "
        f"identity credential Subject, Audience and Issuer against the presented assertion. See documentation at: "
        f"{FEDERATION_DOCS}. See breaking change notification and remediation at: "
        "https://learn.microsoft.com/en-us/entra/identity-platform/reference-breaking-changes#august-2024.",
    )


def test_other_issuers(client: TestClient, cert: Cert) -> None:
    # An issuer the app does not trust.
    foreign = assertion(cert, iss="https://token.actions.githubusercontent.com", sub=CI_SUBJECT,
                        aud="api://AzureADTokenExchange")  # fmt: skip
    assert_entra_error(
        client.post(V2, data=with_assertion(foreign)),
        401,
        "invalid_client",
        700211,
        "No matching federated identity record found for presented assertion issuer "
        "'https://token.actions.githubusercontent.com'. Check your federated identity credential Subject, Audience "
        f"and Issuer against the presented assertion. {FEDERATION_DOCS}",
    )
    # A trusted issuer whose keys the emulator cannot fetch (it never goes online).
    trusted = {"name": "gh", "issuer": "https://token.actions.githubusercontent.com", "subject": CI_SUBJECT}
    assert client.post(f"/_emulator/apps/{NW.WEB_APP}/federatedCredentials", json=trusted).status_code == 201
    assert_entra_error(
        client.post(V2, data=with_assertion(foreign)),
        400,
        "invalid_request",
        90061,
        "Request to External OIDC endpoint failed.",
    )
    # The local issuer's name on a token it did not sign.
    forged = assertion(cert, header={"kid": "forged"}, iss=LOCAL_ISSUER, sub=CI_SUBJECT,
                       aud="api://AzureADTokenExchange")  # fmt: skip
    assert client.post(V2, data=with_assertion(forged)).json()["error_codes"] == [700027]


def test_federated_credentials_registered_at_run_time(client: TestClient) -> None:
    path = f"/_emulator/apps/{NW.WEB_APP}/federatedCredentials"
    pr = {"name": "ci-pr", "issuer": LOCAL_ISSUER, "subject": "repo:northwind/billing-automation:pull_request"}
    created = client.post(path, json=pr)
    assert created.json() == {**pr, "audiences": ["api://AzureADTokenExchange"], "description": "", "runtime": True}
    assert [f["name"] for f in client.get(path).json()["federatedIdentityCredentials"]] == ["ci-main", "ci-pr"]
    token = minted(client, subject=pr["subject"])
    assert client.post(V2, data=with_assertion(token)).status_code == 200
    client.post("/_emulator/reset")
    assert [f["name"] for f in client.get(path).json()["federatedIdentityCredentials"]] == ["ci-main"]
    assert client.post(V2, data=with_assertion(token)).json()["error_codes"] == [700213]
    bad = client.post(path, json={"name": "x", "issuer": LOCAL_ISSUER})
    assert (bad.status_code, bad.json()["error"]) == (400, "invalid_body")
    assert client.post("/_emulator/oidc/token", json={}).status_code == 400


def test_azure_identity_from_a_ci_job(partner_center: PartnerCenterEmulator) -> None:
    """ClientAssertionCredential with the CI job's token, as a pipeline uses it."""
    assert partner_center.https_url is not None and partner_center.ca_bundle is not None
    ci_token = partner_center.client.post("/_emulator/oidc/token", json={"subject": CI_SUBJECT}).json()["value"]
    credential = ClientAssertionCredential(
        partner_center.tenant_id,
        NW.WEB_APP,
        lambda: ci_token,
        authority=partner_center.https_url.removeprefix("https://"),
        disable_instance_discovery=True,
        connection_verify=str(partner_center.ca_bundle),
        retry_total=0,
    )
    assert _call(partner_center, credential.get_token(PC_SCOPE).token) == 200


def test_an_assertion_serves_every_grant_of_a_confidential_client(
    client: TestClient, registered: Cert, state: EmulatorState
) -> None:
    """Refresh (the Secure Application Model's step) and authorization code take the assertion as they take the
    secret: the credential is checked once, for every grant."""
    user = state.world.user(NW.ADMIN)
    assert user is not None
    refresh = state.refresh_tokens.issue(NW.WEB_APP, NW.TENANT_ID, user.object_id, ["pwd", "mfa"], state.clock.now())
    form = {**with_assertion(assertion(registered)), "grant_type": "refresh_token", "refresh_token": refresh,
            "scope": f"{NW.PC}/user_impersonation"}  # fmt: skip
    answer = client.post(V2, data=form)
    assert answer.status_code == 200, answer.text
    assert client.get("/v1/customers?size=1", headers=bearer(answer.json()["access_token"])).status_code == 200
    code = {**with_assertion(assertion(registered)), "grant_type": "authorization_code", "code": "never-issued"}
    assert client.post(V2, data=code).json()["error_codes"] == [70000]  # authenticated, then the code is judged


# --- regressions found in review -------------------------------------------------------------------------------


def test_an_absurd_time_is_refused_not_a_500(client: TestClient, registered: Cert) -> None:
    answer = client.post(V2, data=with_assertion(assertion(registered, nbf=10**20)))
    assert (answer.status_code, answer.json()["error_codes"]) == (401, [700024])
    assert "assertion valid from 9999-12-31T23:59:59.0000000Z" in answer.json()["error_description"]


def test_an_upper_case_client_id_is_the_same_client(client: TestClient, registered: Cert) -> None:
    upper = NW.WEB_APP.upper()
    form = {**with_assertion(assertion(registered, iss=upper, sub=upper)), "client_id": upper}
    assert client.post(V2, data=form).status_code == 200


def test_registration_refuses_what_it_cannot_use(client: TestClient, cert: Cert) -> None:
    der = base64.b64decode(from_key_credential(cert.cert_pem.decode(), None, None).key_credential()["key"])
    odd = der.replace(bytes.fromhex("06092a864886f70d010101"), bytes.fromhex("06092a864886f70d01010f"))
    answer = client.post(f"/_emulator/apps/{NW.WEB_APP}/certificates", json={"key": base64.b64encode(odd).decode()})
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_certificate"
    public = client.post(f"/_emulator/apps/{NW.NATIVE_APP}/certificates", json={"key": cert.cert_pem.decode()})
    assert (public.status_code, public.json()["error"]) == (400, "public_app")
    nested = client.post("/_emulator/oidc/token", content=b"[" * 60_000, headers={"Content-Type": "application/json"})
    assert (nested.status_code, nested.json()["error"]) == (400, "invalid_json")


def test_a_federated_credential_registered_with_spaces_still_matches(client: TestClient) -> None:
    spaced = {"name": " pr ", "issuer": f" {LOCAL_ISSUER} ", "subject": " repo:x:pull_request "}
    assert client.post(f"/_emulator/apps/{NW.WEB_APP}/federatedCredentials", json=spaced).status_code == 201
    assert client.post(V2, data=with_assertion(minted(client, subject="repo:x:pull_request"))).status_code == 200
