"""One verdict everywhere: a token for the wrong audience gets the same answer from the journal filter, the
console, /_emulator/report, `pcemu report` and `pcemu check` as from the gate (policy.decide)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from emulator.policy import APP_ONLY, COMPLIANT, NON_COMPLIANT, caller, verdict_today
from emulator.state import EmulatorState
from tests.helpers import NW, app_token, bearer, user_token

GRAPH = "https://graph.windows.net"


def _pcemu(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "emulator", *args], capture_output=True, text=True, input=stdin, timeout=60
    )


@pytest.mark.parametrize(
    ("claims", "expected", "rule"),
    [
        (
            {"aud": "https://api.partnercenter.microsoft.com", "scp": "x", "amr": ["pwd", "mfa"]},
            COMPLIANT,
            "mfa-present",
        ),
        ({"aud": "https://api.partnercenter.microsoft.com", "scp": "x", "amr": ["pwd"]}, NON_COMPLIANT, "mfa-missing"),
        ({"aud": "https://api.partnercenter.microsoft.com", "roles": []}, APP_ONLY, "app-only"),
        # Wrong audience: refused whatever the token proves, app-only or app+user.
        ({"aud": GRAPH, "scp": "x", "amr": ["pwd", "mfa"]}, NON_COMPLIANT, "graph-audience"),
        ({"aud": GRAPH, "roles": []}, NON_COMPLIANT, "graph-audience"),
        ({"aud": "https://management.azure.com", "scp": "x", "amr": ["mfa"]}, NON_COMPLIANT, "wrong-audience"),
        ({"aud": "https://management.azure.com"}, NON_COMPLIANT, "wrong-audience"),
    ],
)
def test_the_verdict_table(claims: dict[str, object], expected: str, rule: str) -> None:
    verdict, decision = verdict_today(claims)
    assert (verdict, decision.rule) == (expected, rule)


def test_caller_is_read_once_from_v1_or_v2_claims() -> None:
    v1 = caller({"appid": "A", "tid": "T", "scp": "s", "upn": "u@x", "oid": "O"})
    v2 = caller({"azp": "A", "tid": "T", "scp": "s", "unique_name": "u@x", "oid": "O"})
    assert v1 == v2
    assert (v1.app_id, v1.tenant_id, v1.upn, v1.object_id, v1.principal) == ("A", "T", "u@x", "O", "app+user")
    app_only = caller({"appid": "A", "tid": "T", "upn": "ignored", "oid": "SP"})
    assert (app_only.principal, app_only.upn) == ("app-only", None)


@pytest.fixture
def graph_calls(client: TestClient, state: EmulatorState) -> dict[str, str]:
    """One app+user Graph token with MFA and one app-only Graph token, each calling Partner Center once."""
    tokens = {
        "user": user_token(state, NW.ADMIN, ["pwd", "mfa"], aud=GRAPH),
        "app": app_token(state, aud=GRAPH),
    }
    for token in tokens.values():
        refused = client.get("/v1/customers?size=1", headers=bearer(token))
        assert refused.status_code == 401 and refused.json()["code"] == "900420"
    return tokens


def test_journal_filter(client: TestClient, graph_calls: dict[str, str]) -> None:
    listed = client.get("/_emulator/journal?kind=partner&verdict=non-compliant").json()["entries"]
    assert len(listed) == 2
    assert client.get("/_emulator/journal?kind=partner&verdict=compliant").json()["entries"] == []
    assert client.get("/_emulator/journal?kind=partner&verdict=app-only").json()["entries"] == []


def test_console_journal(client: TestClient, graph_calls: dict[str, str]) -> None:
    page = client.get("/journal?refresh=0").text
    assert re.findall(r'<span class="tag ([a-z-]+)">', page) == ["non-compliant", "non-compliant"]


def test_control_report(client: TestClient, graph_calls: dict[str, str]) -> None:
    report = client.get("/_emulator/report").json()
    assert report["compliant"] is False
    assert report["wouldBeRefused"] == 2
    assert report["appOnlyCalls"] == 0
    assert {tuple(g["rules"]) for g in report["groups"]} == {("graph-audience",)}
    assert all(
        g["advice"].startswith("Request tokens for https://api.partnercenter.microsoft.com") for g in report["groups"]
    )


@pytest.mark.heavy
def test_report_command(client: TestClient, graph_calls: dict[str, str], tmp_path: Path) -> None:
    saved = tmp_path / "journal.json"
    saved.write_text(client.get("/_emulator/journal").text)
    result = _pcemu("report", "--file", str(saved), "--format", "json")
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["wouldBeRefused"] == 2


@pytest.mark.heavy
def test_check_command(graph_calls: dict[str, str]) -> None:
    for token in graph_calls.values():
        result = _pcemu("check", "--json", "-", stdin=token)
        assert result.returncode == 1, result.stderr
        assert json.loads(result.stdout)["verdict"] == "no"
