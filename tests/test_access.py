"""The control API and the console against DNS rebinding and cross-site requests (emulator.access)."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from emulator.access import cross_site, host_allowed
from emulator.app import EmulatorApp
from emulator.config import Config
from emulator.keys import SigningKey
from emulator.state import EmulatorState
from tests.helpers import app_token, bearer

OWN = "http://127.0.0.1:8080"


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("localhost:8080", True),
        ("127.0.0.1:8080", True),
        ("[::1]:8080", True),
        ("10.0.0.5", True),  # an address cannot be rebound
        ("app.localhost", True),
        ("pcemu:8080", True),  # named with --cert-name (docker-compose's service)
        ("attacker.example", False),
        ("localhost.attacker.example", False),
        (None, True),
    ],
)
def test_host_names(host: str | None, allowed: bool) -> None:
    assert host_allowed(host, ["pcemu"]) is allowed


@pytest.mark.parametrize(
    ("method", "headers", "refused"),
    [
        ("GET", {"origin": "http://attacker.example"}, None),  # reading changes nothing
        ("POST", {}, None),  # curl, pcemu
        ("POST", {"content-type": "application/x-www-form-urlencoded"}, None),  # curl -d without an Origin
        ("POST", {"origin": OWN, "content-type": "application/json"}, None),
        ("POST", {"origin": "http://attacker.example"}, "another origin"),
        ("POST", {"origin": "null"}, "another origin"),
        ("DELETE", {"sec-fetch-site": "cross-site"}, "another site"),
        ("PUT", {"sec-fetch-site": "same-site"}, "another site"),  # another port of the same host
        ("POST", {"origin": OWN, "content-type": "text/plain"}, "text/plain"),
        ("POST", {"sec-fetch-site": "same-origin", "content-type": "multipart/form-data; boundary=x"}, "multipart"),
    ],
)
def test_cross_site_rules(method: str, headers: dict[str, str], refused: str | None) -> None:
    found = cross_site(method, headers, OWN)
    assert (found is None) if refused is None else (found is not None and refused in found)


def test_a_rebinding_host_is_refused(client: TestClient) -> None:
    for path in ("/_emulator/journal", "/", "/journal"):
        refused = client.get(path, headers={"Host": "attacker.example"})
        assert refused.status_code == 403
        assert "not 'attacker.example'" in refused.json()["message"]
    assert client.get("/_emulator/journal", headers={"Host": "localhost:8080"}).status_code == 200


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/_emulator/clock/advance", '{"seconds": 60}'),
        ("/_emulator/faults", '{"status": 503}'),
        ("/_emulator/reset", ""),
    ],
)
def test_a_cross_site_simple_post_changes_nothing(
    client: TestClient, state: EmulatorState, path: str, body: str
) -> None:
    before = (state.clock.offset, len(state.faults.rules()))
    refused = client.post(
        path, content=body, headers={"Origin": "http://attacker.example", "Content-Type": "text/plain"}
    )
    assert refused.status_code == 403
    assert refused.json()["error"] == "forbidden"
    assert (state.clock.offset, len(state.faults.rules())) == before


def test_the_same_calls_from_curl_and_pcemu_still_work(client: TestClient, state: EmulatorState) -> None:
    assert client.post("/_emulator/clock/advance", json={"seconds": 60}).status_code == 200
    assert client.post("/_emulator/reset").status_code == 200
    # Partner Center calls are not the control surface: proxied ones keep the real Microsoft host.
    answer = client.get(
        "/v1/customers?size=1",
        headers={**bearer(app_token(state)), "Host": "api.partnercenter.microsoft.com", "Origin": "https://x.example"},
    )
    assert answer.status_code == 200


def test_more_names_with_allowed_host(signing_key: SigningKey) -> None:
    app = EmulatorApp(EmulatorState(Config(in_memory_key=True, allowed_hosts=("pcemu.internal",)), key=signing_key))
    with TestClient(app, base_url="http://pcemu.internal:8080", client=("127.0.0.1", 1)) as client:
        assert client.get("/_emulator/health").status_code == 200


def test_compose_calls_the_control_api_by_its_service_name(signing_key: SigningKey) -> None:
    """docker-compose.yml names the service pcemu and gives it --cert-name pcemu: http://pcemu:8080/_emulator."""
    app = EmulatorApp(EmulatorState(Config(in_memory_key=True, cert_names=("pcemu",)), key=signing_key))
    with TestClient(app, base_url="http://pcemu:8080", client=("127.0.0.1", 1)) as client:
        assert client.get("/_emulator/health").status_code == 200
        assert client.post("/_emulator/reset").status_code == 200
    compose = (Path(__file__).parents[1] / "docker-compose.yml").read_text()
    assert '"--cert-name"\n      - "pcemu"' in compose
