"""Every scenario's client-visible outcome, fault rules counted exactly, key rotation, and the control API/CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jwt
import msal
import pytest
from starlette.testclient import TestClient

from emulator.scenarios import ScenarioError, available, load_file
from emulator.state import EmulatorState
from emulator.testing import PartnerCenterEmulator
from tests.helpers import NW, app_form, app_token, bearer, refresh_form, user_token

V2 = f"/{NW.TENANT_ID}/oauth2/v2.0/token"
ROPC = {
    **NW.SERVICE_ROPC,
    "scope": f"{NW.PC}/user_impersonation offline_access",
}


def load(client: TestClient, name: str) -> None:
    response = client.post("/_emulator/scenarios", json={"name": name})
    assert response.status_code == 201, response.text


def test_every_scenario_file_is_valid_and_described() -> None:
    found = available()
    assert set(found) == {
        "service-account-without-mfa",
        "conditional-access-blocks-ropc",
        "refresh-token-expired",
        "consent-missing",
        "graph-audience",
        "token-expires-mid-run",
        "key-rotation",
        "throttled",
        "enforcement-day",
    }
    for scenario in found.values():
        assert len(scenario.description) > 40 and len(scenario.expect) > 40


def test_service_account_without_mfa(client: TestClient) -> None:
    load(client, "service-account-without-mfa")
    token = client.post(V2, data=ROPC).json()["access_token"]
    refused = client.get("/v1/customers", headers=bearer(token))
    assert (refused.status_code, refused.json()["code"]) == (401, "900421")
    assert "The account signs in with a password" in client.get("/_emulator/report").json()["groups"][0]["advice"]


def test_conditional_access_blocks_ropc_with_msal(
    partner_center: PartnerCenterEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert partner_center.ca_bundle is not None and partner_center.proxy_url is not None
    # MSAL asks the user realm on port 443 of the authority's host: through the proxy that is the real host.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(partner_center.ca_bundle))
    monkeypatch.setenv("HTTPS_PROXY", partner_center.proxy_url)
    partner_center.client.post("/_emulator/scenarios", json={"name": "conditional-access-blocks-ropc"})
    app = msal.PublicClientApplication(NW.NATIVE_APP, authority="https://login.microsoftonline.com/organizations")
    result = app.acquire_token_by_username_password(
        NW.SERVICE, NW.SERVICE_PASSWORD, scopes=[f"{NW.PC}/user_impersonation"]
    )
    assert result["error"] == "interaction_required"
    assert 50076 in result["error_codes"]


def test_refresh_token_expired(client: TestClient) -> None:
    refresh = client.post(V2, data=ROPC).json()["refresh_token"]
    load(client, "refresh-token-expired")
    answer = client.post(
        V2,
        data=refresh_form(refresh, scope=ROPC["scope"]),
    )
    assert answer.status_code == 400
    assert answer.json()["error_codes"] == [700082]


def test_consent_missing(client: TestClient) -> None:
    load(client, "consent-missing")
    answer = client.post(V2, data=ROPC)
    assert answer.json()["error_codes"] == [65001]
    assert client.delete("/_emulator/scenarios/consent-missing").status_code == 200
    assert client.post(V2, data=ROPC).status_code == 200  # unloaded: consent is back


def test_graph_audience(client: TestClient) -> None:
    load(client, "graph-audience")
    token = client.post(
        f"/{NW.TENANT_ID}/oauth2/token",
        data=app_form(resource="https://graph.windows.net"),
    ).json()["access_token"]
    assert client.get("/v1/customers", headers=bearer(token)).json()["code"] == "900420"


def test_token_expires_mid_run(client: TestClient, state: EmulatorState) -> None:
    load(client, "token-expires-mid-run")
    first = client.post(V2, data=ROPC).json()
    assert first["expires_in"] == 60
    assert client.get("/v1/customers", headers=bearer(user_token(state, NW.ADMIN, ["pwd", "mfa"]))).status_code == 200
    token = user_token(state, NW.ADMIN, ["pwd", "mfa"])
    client.post("/_emulator/clock/advance", json={"seconds": 61})
    assert client.get("/v1/customers", headers=bearer(token)).status_code == 401  # no skew: expired
    assert client.get("/v1/customers", headers=bearer(user_token(state, NW.ADMIN, ["pwd", "mfa"]))).status_code == 200


def test_key_rotation(client: TestClient, state: EmulatorState) -> None:
    old = user_token(state, NW.ADMIN, ["pwd", "mfa"])
    old_kid = jwt.get_unverified_header(old)["kid"]
    assert client.get("/v1/customers", headers=bearer(old)).status_code == 200  # now in the verified-token cache
    load(client, "key-rotation")
    keys = [k["kid"] for k in client.get("/common/discovery/keys").json()["keys"]]
    assert len(keys) == 2 and old_kid in keys
    new = user_token(state, NW.ADMIN, ["pwd", "mfa"])
    assert jwt.get_unverified_header(new)["kid"] != old_kid
    assert client.get("/v1/customers", headers=bearer(old)).status_code == 200  # within the grace
    client.post("/_emulator/clock/advance", json={"seconds": 601})
    refused = client.get("/v1/customers", headers=bearer(old))
    assert refused.status_code == 401
    assert "unknown or retired 'kid'" in refused.json()["description"]
    assert client.get("/v1/customers", headers=bearer(user_token(state, NW.ADMIN, ["pwd", "mfa"]))).status_code == 200
    assert [k["kid"] for k in client.get("/common/discovery/keys").json()["keys"]] == [
        jwt.get_unverified_header(new)["kid"]
    ]


def test_throttled_first_three_then_every_fifth(client: TestClient, state: EmulatorState) -> None:
    load(client, "throttled")
    token = bearer(app_token(state))
    statuses = [client.get("/v1/customers", headers=token).status_code for _ in range(12)]
    assert statuses == [429, 429, 429, 200, 429, 200, 200, 200, 200, 429, 200, 200]
    throttled = client.get("/v1/customers", headers=token)  # the 13th: not throttled
    assert throttled.status_code == 200
    for _ in range(2):
        last = client.get("/v1/customers", headers=token)
    assert last.status_code == 429  # the 15th
    assert last.headers["retry-after"] == "57"
    assert last.json() == {"statusCode": 429, "message": "Rate limit is exceeded. Try again in 57 seconds."}
    assert client.get("/v1/invoices", headers=token).status_code == 200  # another operation is not matched
    (rule,) = client.get("/_emulator/faults").json()["faults"]
    assert (rule["matches"], rule["hits"]) == (15, 6)


def test_enforcement_day(client: TestClient, state: EmulatorState) -> None:
    load(client, "enforcement-day")
    token = user_token(state, NW.SERVICE, ["pwd"], aud=NW.PC)
    assert client.get("/v1/customers", headers=bearer(token)).status_code == 200
    assert client.get("/v1/customers", headers={**bearer(token), "MS-Enforce-MFA": "true"}).status_code == 401
    client.post("/_emulator/clock/advance", json={"seconds": 3601})
    fresh = user_token(state, NW.SERVICE, ["pwd"])
    answer = client.get("/v1/customers", headers=bearer(fresh))
    assert (answer.status_code, answer.json()["code"]) == (401, "900421")
    assert client.get("/_emulator/profile").json()["name"] == "enforced-2026"


def test_scenarios_compose_and_unload(client: TestClient) -> None:
    load(client, "consent-missing")
    load(client, "conditional-access-blocks-ropc")
    assert client.get("/_emulator/scenarios").json()["loaded"] == ["consent-missing", "conditional-access-blocks-ropc"]
    assert client.post(V2, data=ROPC).json()["error_codes"] == [50076]
    client.delete("/_emulator/scenarios/conditional-access-blocks-ropc")
    assert client.post(V2, data=ROPC).json()["error_codes"] == [65001]
    assert client.post("/_emulator/scenarios", json={"name": "consent-missing"}).status_code == 400  # already loaded
    assert client.post("/_emulator/scenarios", json={"name": "nope"}).status_code == 400
    assert client.delete("/_emulator/scenarios/nope").status_code == 404
    client.post("/_emulator/reset")
    assert client.get("/_emulator/scenarios").json()["loaded"] == []
    assert client.post(V2, data=ROPC).status_code == 200


def rule(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/_emulator/faults", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def test_fault_rules_match_by_app_user_and_window(client: TestClient, state: EmulatorState) -> None:
    rule(client, {"path": "/v1/*", "user": NW.SERVICE, "status": 503, "retryAfter": 5})
    rule(client, {"app": "Northwind Billing Automation", "every": 2, "status": 500})
    rule(
        client,
        {
            "method": "GET",
            "path": "/v1/invoices",
            "window": {"fromSeconds": 60, "forSeconds": 60},
            "status": 418,
            "body": {"statusCode": 418, "message": "teapot"},
        },
    )
    service = bearer(user_token(state, NW.SERVICE, ["pwd", "mfa"]))
    answer = client.get("/v1/customers", headers=service)
    assert (answer.status_code, answer.headers["retry-after"]) == (503, "5")
    assert answer.json()["code"] == 800003
    daemon = bearer(app_token(state))
    assert [client.get("/v1/customers", headers=daemon).status_code for _ in range(4)] == [200, 500, 200, 500]
    admin = bearer(user_token(state, NW.ADMIN, ["pwd", "mfa"]))
    assert client.get("/v1/invoices", headers=admin).status_code == 200  # before the window
    client.post("/_emulator/clock/advance", json={"seconds": 61})
    assert client.get("/v1/invoices", headers=bearer(user_token(state, NW.ADMIN, ["pwd", "mfa"]))).json() == {
        "statusCode": 418,
        "message": "teapot",
    }
    counts = {r["id"]: (r["matches"], r["hits"]) for r in client.get("/_emulator/faults").json()["faults"]}
    assert counts == {"f1": (1, 1), "f2": (4, 2), "f3": (1, 1)}
    assert client.delete("/_emulator/faults/f2").status_code == 204
    assert client.delete("/_emulator/faults/f2").status_code == 404
    assert client.delete("/_emulator/faults").status_code == 204
    assert client.get("/_emulator/faults").json() == {"faults": []}


def test_fault_on_the_token_endpoint_and_latency(client: TestClient) -> None:
    rule(client, {"path": "/*/oauth2/v2.0/token", "app": NW.NATIVE_APP, "first": 1, "status": 429, "retryAfter": 2})
    rule(client, {"path": "/*/oauth2/v2.0/token", "latencyMs": 50})
    first = client.post(V2, data=ROPC)
    assert first.status_code == 429
    assert first.headers["retry-after"] == "2"
    assert first.json()["error"] == "temporarily_unavailable"
    assert client.post(V2, data=ROPC).status_code == 200


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"path": "/v1/*"}, "status, drop or latencyMs: a rule must answer, drop or delay"),
        ({"status": 99}, "status: expected a whole number from 100 to 599"),
        ({"status": 500, "first": 0}, "first: expected a whole number from 1 to 1000000000"),
        ({"status": 500, "colour": "red"}, "colour: unknown field"),
        ({"status": 500, "window": {"forSeconds": -1}}, "window.forSeconds: expected a positive number of seconds"),
    ],
)
def test_bad_fault_rules(client: TestClient, body: dict[str, Any], message: str) -> None:
    response = client.post("/_emulator/faults", json=body)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_fault"
    assert message in response.json()["message"]


def test_dropped_connection_over_a_real_socket(partner_center: PartnerCenterEmulator) -> None:
    import httpx

    partner_center.client.post("/_emulator/faults", json={"path": "/v1/invoices", "drop": True})
    token = partner_center.token(app=NW.WEB_APP)
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(f"{partner_center.http_url}/v1/invoices", headers=bearer(token))
    assert httpx.get(f"{partner_center.http_url}/v1/customers", headers=bearer(token)).status_code == 200


def test_scenario_file_errors_name_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    for data, message in [
        ({"name": "broken", "description": "x", "expect": "y", "profile": "enforced-2030"}, "profile: unknown profile"),
        (
            {"name": "broken", "description": "x", "expect": "y", "users": {"a@b": {"mfaRequired": "yes"}}},
            "users.a@b.mfaRequired",
        ),
        ({"name": "other", "description": "x", "expect": "y"}, "name: 'other' must match the file name"),
        ({"name": "broken", "expect": "y"}, "description: required text is missing"),
        ({"name": "broken", "description": "x", "expect": "y", "faults": [{"status": 1}]}, r"faults\[0\]: status"),
    ]:
        path.write_text(json.dumps(data))
        with pytest.raises(ScenarioError, match=message):
            load_file(path)


@pytest.mark.heavy
def test_serve_with_a_scenario_and_the_cli_on_the_control_api(tmp_path: Path) -> None:
    from tests.helpers import start, stop

    emulator = start(tmp_path / "state", "--scenario", "throttled", "--scenario", "consent-missing")
    try:

        def cli(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [sys.executable, "-m", "emulator", *args, "--url", emulator.url],
                capture_output=True,
                text=True,
                timeout=30,
            )

        assert json.loads(cli("scenario", "load", "graph-audience").stdout)["loaded"] == [
            "throttled",
            "consent-missing",
            "graph-audience",
        ]
        assert cli("scenario", "unload", "graph-audience").returncode == 0
        added = json.loads(cli("fault", "add", '{"path": "/v1/offers", "status": 503}').stdout)
        assert [f["id"] for f in json.loads(cli("fault", "list").stdout)["faults"]] == ["f1", added["id"]]
        assert cli("fault", "delete", added["id"]).returncode == 0
        rotated = json.loads(cli("keys", "rotate", "--grace", "30").stdout)
        assert len(rotated["published"]) == 2
        assert json.loads(cli("clock", "advance", "60").stdout)["offsetSeconds"] == 60
        assert json.loads(cli("profile", "pilot-2019").stdout)["name"] == "pilot-2019"
        assert json.loads(cli("reset").stdout)["status"] == "reset"
        assert json.loads(cli("journal", "--limit", "5").stdout)["recorded"] == 0
        bad = cli("fault", "add", '{"status": 7}')
        assert bad.returncode == 2 and "status: expected a whole number" in bad.stderr
        assert cli("scenario", "load", "nope").returncode == 2
    finally:
        stop(emulator)
    missing = subprocess.run(
        [
            sys.executable,
            "-m",
            "emulator",
            "serve",
            "--port",
            "0",
            "--https-port",
            "0",
            "--state-dir",
            str(tmp_path / "s2"),
            "--scenario",
            "nope",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert missing.returncode == 2 and "unknown scenario 'nope'" in missing.stderr
