"""The journal, the reporting endpoints and the report built from it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from emulator.app import EmulatorApp
from emulator.config import Config
from emulator.keys import SigningKey
from emulator.state import EmulatorState
from tests.helpers import NW, app_token, bearer, user_token

V2 = f"/{NW.TENANT_ID}/oauth2/v2.0/token"


def traffic(client: TestClient, state: EmulatorState) -> dict[str, str]:
    """A service account that signs in with its password, an admin with MFA, and an app-only daemon."""
    signed_in = client.post(
        V2,
        data={
            **NW.SERVICE_ROPC,
            "scope": f"{NW.PC}/user_impersonation offline_access",
        },
        headers={"client-request-id": "11111111-1111-4111-8111-111111111111"},
    ).json()
    service = bearer(signed_in["access_token"])
    admin = bearer(user_token(state, NW.ADMIN, ["pwd", "mfa"]))
    daemon = bearer(app_token(state))
    for _ in range(3):
        client.get("/v1/customers?size=1", headers={**service, "MS-RequestId": "r-service", "MS-CorrelationId": "c-1"})
    client.get("/v1/customers?size=1", headers=admin)
    client.get("/v1/invoices?size=1", headers=daemon)
    client.get("/v1/customers", headers={"Authorization": "Bearer not.a.token"})
    return {"service": signed_in["access_token"], "refresh": signed_in["refresh_token"]}


def test_journal_records_each_call_without_secrets(client: TestClient, state: EmulatorState) -> None:
    secrets = traffic(client, state)
    body = client.get("/_emulator/journal").json()
    assert body["recorded"] == 7
    assert body["dropped"] == 0
    token_call, *api = body["entries"]
    assert token_call["kind"] == "token"
    assert token_call["grant"] == "password"
    assert token_call["status"] == 200
    assert token_call["app"] == {"id": NW.NATIVE_APP, "name": "Northwind Partner Console"}
    assert token_call["user"] == {"upn": NW.SERVICE}
    assert token_call["amr"] == ["pwd"]
    assert token_call["correlationId"] == "11111111-1111-4111-8111-111111111111"
    first = api[0]
    assert first["method"] == "GET" and first["path"] == "/v1/customers"
    assert first["requestId"] == "r-service" and first["correlationId"] == "c-1"
    assert first["status"] == 401
    assert first["principal"] == "app+user"
    assert first["user"]["upn"] == NW.SERVICE
    assert first["amr"] == ["pwd"]
    assert first["decision"]["profile"] == "enforced-2026"
    assert first["decision"]["allowed"] is False
    assert first["decision"]["rule"] == "mfa-missing"
    assert {name: judged["allowed"] for name, judged in first["profiles"].items()} == {
        "pilot-2019": True,
        "enforced-2019": False,
        "enforced-2026": False,
        "rollout-2026": False,  # the console app's pair lands in the enforced half at 50 %
        "report-only": True,
        "off": True,
    }
    assert api[3]["user"]["upn"] == NW.ADMIN and api[3]["status"] == 200
    assert api[4]["user"] == "app-only" and api[4]["decision"]["rule"] == "app-only"
    assert (api[5]["principal"] is None and api[5]["problem"].startswith("the token's header is not JSON")) or api[5][
        "problem"
    ]
    text = json.dumps(body)
    for secret in (secrets["service"], secrets["refresh"], NW.SERVICE_PASSWORD, NW.WEB_SECRET):
        assert secret not in text


def test_journal_filters(client: TestClient, state: EmulatorState) -> None:
    traffic(client, state)

    def count(query: str) -> int:
        return int(client.get(f"/_emulator/journal?{query}").json()["matched"])

    assert count("verdict=non-compliant") == 3
    assert count("verdict=compliant") == 1
    assert count("verdict=app-only") == 1
    assert count("verdict=invalid-token") == 1
    assert count("verdict=refused") == 4
    assert count("user=svc-automation") == 4  # three calls and the sign-in
    assert count("app=Billing") == 1
    assert count("app=Billing&verdict=non-compliant") == 0
    assert count("kind=token") == 1
    assert client.get("/_emulator/journal?verdict=maybe").status_code == 400
    assert client.get("/_emulator/journal?limit=0").status_code == 400
    assert len(client.get("/_emulator/journal?limit=2").json()["entries"]) == 2


def test_journal_is_bounded_and_counts_drops(signing_key: SigningKey) -> None:
    app = EmulatorApp(EmulatorState(Config(in_memory_key=True, journal_size=5), key=signing_key))
    with TestClient(app, base_url="http://127.0.0.1", client=("127.0.0.1", 1)) as client:
        token = bearer(app_token(app.state))
        for _ in range(12):
            client.get("/v1/customers?size=1", headers=token)
        body = client.get("/_emulator/journal").json()
        assert (body["size"], body["recorded"], body["dropped"], len(body["entries"])) == (5, 12, 7, 5)
        assert [e["seq"] for e in body["entries"]] == [8, 9, 10, 11, 12]
        client.post("/_emulator/reset")
        assert client.get("/_emulator/journal").json()["recorded"] == 0


def test_export_is_api_request_details(client: TestClient, state: EmulatorState) -> None:
    traffic(client, state)
    response = client.get("/_emulator/journal/export")
    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert len(lines) == 4  # app+user calls only
    first = lines[0]
    fields = "requestId correlationId operationName requestDateTime sourceIpAddress objectId tenantId upn applicationId mfaCompliant"
    assert " ".join(first) == fields
    assert first["operationName"] == "Get /v{version}/customers"
    assert first["requestId"] == "r-service"
    assert first["upn"] == NW.SERVICE
    assert first["applicationId"] == NW.NATIVE_APP
    assert first["mfaCompliant"] is False
    assert "Z" not in first["requestDateTime"] and "T" in first["requestDateTime"]
    assert lines[3]["upn"] == NW.ADMIN and lines[3]["mfaCompliant"] is True


def test_reporting_endpoints_list_exactly_the_non_compliant_principals(
    client: TestClient, state: EmulatorState
) -> None:
    traffic(client, state)
    admin = bearer(user_token(state, NW.ADMIN, ["pwd", "mfa"]))
    principals = client.get("/v1/nonMfaCompliantPartnerPrincipals", headers=admin).json()
    service_oid = state.world.user(NW.SERVICE).object_id  # type: ignore[union-attr]
    assert principals["totalCount"] == 1
    (item,) = principals["items"]
    assert list(item) == ["objectId", "tenantId", "upn", "lastNonMfaCompliantRequestDateTime"]
    assert (item["objectId"], item["tenantId"], item["upn"]) == (service_oid, NW.TENANT_ID, NW.SERVICE)
    adoption = client.get("/v1/applicationmfaadoptionstatus", headers=admin).json()
    assert isinstance(adoption, list)
    by_app = {row["applicationId"]: row for row in adoption}
    # Three refused calls by the service account, the admin's call, and the two reporting calls just made.
    assert by_app[NW.NATIVE_APP]["totalRequestCount"] == 5
    assert by_app[NW.NATIVE_APP]["mfaCompliantRequestCount"] == 2
    assert by_app[NW.NATIVE_APP]["applicationName"] == "Northwind Partner Console"
    details = client.get("/v1/partnerRequests", headers=admin).json()
    assert details["totalCount"] == 6
    assert client.get("/v1/partnerRequests", headers=bearer(app_token(state))).status_code == 401


def test_report_from_the_control_api(client: TestClient, state: EmulatorState) -> None:
    traffic(client, state)
    report: dict[str, Any] = client.get("/_emulator/report").json()
    assert report["summary"] == "3 of 4 app+user calls would be refused under enforced-2026"
    assert report["compliant"] is False
    assert report["appOnlyCalls"] == 1
    worst = report["groups"][0]
    assert worst["user"]["upn"] == NW.SERVICE
    assert worst["wouldBeRefused"] == 3
    assert worst["passwordSignIns"] == 1
    assert worst["advice"].startswith("The account signs in with a password (grant_type=password, ROPC)")
    assert report["groups"][1]["wouldBeRefused"] == 0
    pilot = client.get("/_emulator/report?profile=pilot-2019").json()
    assert pilot["compliant"] is True
    text = client.get("/_emulator/report?format=text").text
    assert text.startswith(
        "Partner Center MFA report (profile enforced-2026)\n\nNO: 3 of 4 app+user calls would be refused"
    )
    assert client.get("/_emulator/report?profile=nope").status_code == 400


@pytest.mark.heavy
def test_report_command_on_a_file(tmp_path: Path, client: TestClient, state: EmulatorState) -> None:
    traffic(client, state)
    journal = tmp_path / "journal.json"
    journal.write_text(client.get("/_emulator/journal").text)
    export = tmp_path / "export.jsonl"
    export.write_text(client.get("/_emulator/journal/export").text)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "emulator", "report", *args], capture_output=True, text=True)

    result = run("--file", str(journal))
    assert result.returncode == 1
    assert "NO: 3 of 4 app+user calls would be refused under enforced-2026." in result.stdout
    assert "Fix: The account signs in with a password" in result.stdout
    assert run("--file", str(journal), "--profile", "pilot-2019").returncode == 0
    as_json = json.loads(run("--file", str(export), "--format", "json").stdout)
    assert as_json["wouldBeRefused"] == 3
    compliant = tmp_path / "good.jsonl"
    compliant.write_text("\n".join(line for line in export.read_text().splitlines() if '"mfaCompliant":true' in line))
    assert run("--file", str(compliant)).returncode == 0
    assert run("--file", str(tmp_path / "missing.json")).returncode == 2
    assert run("--url", "http://127.0.0.1:9").returncode == 2


def test_a_refused_call_is_named_by_the_route_the_gate_matched(client: TestClient, state: EmulatorState) -> None:
    no_mfa = bearer(user_token(state, NW.SERVICE, ["pwd"]))
    refused = client.get(f"/v1/customers/{NW.CONTOSO}/users/00000000-0000-0000-0000-000000000001", headers=no_mfa)
    assert refused.status_code == 401  # refused by the gate, before any handler
    assert (
        client.get("/v1/no/such/route", headers=bearer(user_token(state, NW.ADMIN, ["pwd", "mfa"]))).status_code == 404
    )
    lines = [json.loads(line) for line in client.get("/_emulator/journal/export").text.splitlines()]
    assert [line["operationName"] for line in lines] == [
        "Get /v{version}/customers/{customer_id}/users/{user_id}",
        "Get /v{version}/no/such/route",
    ]
