"""The control API: health, reset, profile, clock; loopback clients only; clear 4xx on bad input."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from emulator.app import EmulatorApp
from emulator.control import client_allowed
from emulator.state import EmulatorState
from tests.helpers import NW, bearer, user_token


def test_health(client: TestClient) -> None:
    body = client.get("/_emulator/health").json()
    assert body["status"] == "ready"
    assert body["profile"] == "enforced-2026"
    assert body["tenant"] == {"id": NW.TENANT_ID, "domain": NW.TENANT_DOMAIN}
    assert body["customers"] == 40


def test_profile_get_and_put(client: TestClient) -> None:
    assert client.get("/_emulator/profile").json()["name"] == "enforced-2026"
    body = client.put("/_emulator/profile", json={"name": "rollout-2026", "rolloutPercent": 25}).json()
    assert body["name"] == "rollout-2026"
    assert body["rolloutPercent"] == 25
    assert [p["name"] for p in body["profiles"]] == [
        "pilot-2019",
        "enforced-2019",
        "enforced-2026",
        "rollout-2026",
        "report-only",
        "off",
    ]


@pytest.mark.parametrize(
    ("content", "status", "error"),
    [
        (b"{not json", 400, "invalid_json"),
        (b"[1, 2]", 400, "invalid_body"),
        (b'{"name": 5}', 400, "invalid_body"),
        (b'{"name": "enforced-2030"}', 400, "unknown_profile"),
        (b'{"name": "rollout-2026", "rolloutPercent": 101}', 400, "invalid_body"),
        (b'{"name": "rollout-2026", "rolloutPercent": true}', 400, "invalid_body"),
        (b'{"name": "off", "pad": "' + b"x" * 70_000 + b'"}', 413, "body_too_large"),
    ],
)
def test_profile_put_bad_input(client: TestClient, content: bytes, status: int, error: str) -> None:
    response = client.put("/_emulator/profile", content=content, headers={"Content-Type": "application/json"})
    assert response.status_code == status
    assert response.json()["error"] == error
    assert client.get("/_emulator/profile").json()["name"] == "enforced-2026"  # nothing changed


def test_clock_advance_moves_token_expiry(client: TestClient, state: EmulatorState) -> None:
    token = user_token(state, NW.SERVICE, ["pwd", "mfa"])
    before = client.get("/_emulator/clock").json()
    assert before["offsetSeconds"] == 0
    after = client.post("/_emulator/clock/advance", json={"seconds": 3 * 3600}).json()
    assert after["offsetSeconds"] == 3 * 3600
    assert after["now"] - before["now"] >= 3 * 3600
    response = client.get("/v1/customers", headers=bearer(token))
    assert response.status_code == 401
    assert "expired" in response.json()["description"]


@pytest.mark.parametrize("body", [{}, {"seconds": "ten"}, {"seconds": True}, {"seconds": None}])
def test_clock_advance_bad_input(client: TestClient, body: dict[str, object]) -> None:
    response = client.post("/_emulator/clock/advance", json=body)
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_body", "message": "'seconds' (a finite number) is required"}


def test_reset_restores_profile_clock_and_refresh_tokens(client: TestClient, state: EmulatorState) -> None:
    client.put("/_emulator/profile", json={"name": "off"})
    client.post("/_emulator/clock/advance", json={"seconds": 60})
    state.refresh_tokens.issue("a", NW.TENANT_ID, "b", ["pwd"], 0)
    body = client.post("/_emulator/reset").json()
    assert body["status"] == "reset"
    assert body["profile"] == "enforced-2026"
    assert body["clock"]["offsetSeconds"] == 0
    assert len(state.refresh_tokens) == 0


def test_unknown_control_route_and_method(client: TestClient) -> None:
    assert client.get("/_emulator/nothing").json()["error"] == "not_found"
    response = client.delete("/_emulator/profile")
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"


def test_remote_clients_are_refused(emulator_app: EmulatorApp) -> None:
    with TestClient(emulator_app, base_url="http://10.0.0.5:8080", client=("10.1.2.3", 4000)) as remote:
        response = remote.post("/_emulator/reset")
        assert response.status_code == 403
        assert response.json()["error"] == "forbidden"


@pytest.mark.parametrize(
    ("host", "allowed", "expected"),
    [
        ("127.0.0.1", (), True),
        ("127.8.9.1", (), True),
        ("::1", (), True),
        ("::ffff:127.0.0.1", (), True),
        (None, (), True),
        ("10.1.2.3", (), False),
        ("testclient", (), False),
        ("10.1.2.3", ("10.0.0.0/8",), True),
        ("10.1.2.3", ("10.1.2.4",), False),
        ("192.0.2.7", ("any",), True),
        ("192.0.2.7", ("not-an-address",), False),
    ],
)
def test_client_allowed(host: str | None, allowed: tuple[str, ...], expected: bool) -> None:
    assert client_allowed(host, allowed) is expected
