"""`pcemu serve --port 0` as a real process: the ready line, HTTP over a socket, the 2019 status line, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import socket
import ssl
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.helpers import NW, Emulator, cli_token, pcemu, raw_get, refresh_form, ropc_form, start, stop

# Each test runs `pcemu` as a process: run by make test and CI, not by a bare pytest.
pytestmark = pytest.mark.heavy


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Emulator]:
    emulator = start(tmp_path / "state")
    try:
        yield emulator
    finally:
        if emulator.process.poll() is None:
            emulator.process.kill()
            emulator.process.wait()


def test_ready_line_and_banner(running: Emulator, tmp_path: Path) -> None:
    ready = running.ready
    port = ready["http_port"]
    assert port > 0
    assert ready["url"] == f"http://127.0.0.1:{port}"
    https_port = ready["https_port"]
    assert https_port > 0 and https_port != port
    assert ready["https_url"] == f"https://127.0.0.1:{https_port}"
    assert ready["authority"] == f"https://127.0.0.1:{https_port}/{NW.TENANT_ID}"  # MSAL accepts https authorities only
    assert ready["ca"] == str(tmp_path / "state" / "ca.pem")
    assert ready["ca_bundle"] == str(tmp_path / "state" / "ca-bundle.pem")
    assert ready["proxy_port"] is None
    assert ready["console"] == f"http://127.0.0.1:{port}/"
    assert ready["tenant_id"] == NW.TENANT_ID
    assert ready["profile"] == "enforced-2026"
    assert ready["state_dir"] == str(tmp_path / "state")
    text = "\n".join(running.banner)
    assert f"listening on http://127.0.0.1:{port}" in text
    # The command as this user can run it: here `python -m emulator`, as the test started it.
    assert f"{sys.executable} -m emulator token --user svc-automation@northwindpartners.onmicrosoft.com" in text
    assert NW.WEB_SECRET not in text  # the banner never prints secrets
    health = httpx.get(f"{running.url}/_emulator/health", timeout=10)
    assert health.json()["status"] == "ready"
    secure = httpx.get(
        f"{ready['https_url']}/{NW.TENANT_ID}/v2.0/.well-known/openid-configuration",
        verify=ssl.create_default_context(cafile=ready["ca"]),
        timeout=10,
    )
    assert secure.json()["token_endpoint"] == f"https://127.0.0.1:{https_port}/{NW.TENANT_ID}/oauth2/v2.0/token"


def test_key_file_is_private_and_reused(running: Emulator, tmp_path: Path) -> None:
    key_file = tmp_path / "state" / "signing-key.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "state").stat().st_mode) == 0o700
    before = key_file.read_bytes()
    token = cli_token(tmp_path / "state", "--user", NW.SERVICE, "--mfa")
    assert httpx.get(f"{running.url}/v1/customers", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    code, out = stop(running)
    assert code == 0
    assert "stopped" in out
    again = start(tmp_path / "state")
    try:
        # The same key after a restart: the token minted before still verifies.
        assert key_file.read_bytes() == before
        response = httpx.get(f"{again.url}/v1/customers", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
    finally:
        stop(again)


def test_done_when_scenario(running: Emulator, tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    url = running.url
    plain = cli_token(state_dir, "--user", NW.SERVICE)
    mfa = cli_token(state_dir, "--user", NW.SERVICE, "--mfa")
    refused = httpx.get(f"{url}/v1/customers?size=2", headers={"Authorization": f"Bearer {plain}"})
    assert refused.status_code == 401
    assert refused.json()["code"] == "900421"
    assert httpx.get(f"{url}/v1/customers?size=2", headers={"Authorization": f"Bearer {mfa}"}).status_code == 200

    assert httpx.put(f"{url}/_emulator/profile", json={"name": "pilot-2019"}).status_code == 200
    assert httpx.get(f"{url}/v1/customers", headers={"Authorization": f"Bearer {plain}"}).status_code == 200
    raw = raw_get(running, "/v1/customers", {"Authorization": f"Bearer {plain}", "MS-Enforce-MFA": "True"})
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    assert lines[0] == b"HTTP/1.1 401 Unauthorized - MFA required"
    headers = {k.lower(): v for k, _, v in (line.partition(b": ") for line in lines[1:])}
    assert headers[b"www-authenticate"] == b'Bearer error="invalid_token"'
    assert headers[b"transfer-encoding"] == b"chunked"
    assert headers[b"request-context"] == b"appId=cid-v1:03ce8ca8-8373-4021-8f25-d5dd45c7b12f"
    assert b"content-length" not in headers
    assert body == b"0\r\n\r\n"  # an empty chunked body
    # Any other status keeps its standard reason phrase on the same server.
    ok = raw_get(running, "/_emulator/health", {})
    assert ok.startswith(b"HTTP/1.1 200 OK\r\n")
    assert httpx.put(f"{url}/_emulator/profile", json={"name": "enforced-2026"}).status_code == 200

    # ROPC for the service account through v1 and v2: a token, refused by Partner Center.
    v1 = httpx.post(
        f"{url}/{NW.TENANT_ID}/oauth2/token",
        data=ropc_form(
            NW.SERVICE, NW.SERVICE_PASSWORD, client_id=NW.WEB_APP, client_secret=NW.WEB_SECRET, resource=NW.PC
        ),
    ).json()
    v2 = httpx.post(
        f"{url}/{NW.TENANT_ID}/oauth2/v2.0/token",
        data={
            **NW.SERVICE_ROPC,
            "scope": f"{NW.PC}/user_impersonation offline_access",
        },
    ).json()
    for body_ in (v1, v2):
        response = httpx.get(f"{url}/v1/customers", headers={"Authorization": f"Bearer {body_['access_token']}"})
        assert response.status_code == 401
        assert response.json()["code"] == "900421"
    # A refresh keeps amr, and the older refresh token still works.
    for _ in range(2):
        refreshed = httpx.post(
            f"{url}/{NW.TENANT_ID}/oauth2/v2.0/token",
            data=refresh_form(v2["refresh_token"], scope=f"{NW.PC}/user_impersonation offline_access"),
        )
        assert refreshed.status_code == 200


def test_expired_and_app_tokens_from_the_cli(running: Emulator, tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    expired = cli_token(state_dir, "--user", NW.SERVICE, "--mfa", "--expired")
    response = httpx.get(f"{running.url}/v1/customers", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401
    assert "expired" in response.json()["description"]
    app_only = cli_token(state_dir, "--app", NW.WEB_APP)
    assert httpx.get(f"{running.url}/v1/customers", headers={"Authorization": f"Bearer {app_only}"}).status_code == 200
    graph = cli_token(state_dir, "--user", NW.SERVICE, "--mfa", "--audience", "https://graph.windows.net")
    assert (
        httpx.get(f"{running.url}/v1/customers", headers={"Authorization": f"Bearer {graph}"}).json()["code"]
        == "900420"
    )


def test_proxy_for_hard_coded_hosts(tmp_path: Path) -> None:
    emulator = start(tmp_path / "state", "--proxy-port", "0")
    try:
        ready = emulator.ready
        assert ready["proxy_url"] == f"http://127.0.0.1:{ready['proxy_port']}"
        context = ssl.create_default_context(cafile=ready["ca"])
        with httpx.Client(proxy=ready["proxy_url"], verify=context, timeout=10) as client:
            discovery = client.get(
                "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration"
            ).json()
            assert discovery["token_endpoint"] == "https://login.microsoftonline.com/common/oauth2/v2.0/token"
            token = cli_token(tmp_path / "state", "--user", NW.SERVICE)
            refused = client.get(
                "https://api.partnercenter.microsoft.com/v1/customers", headers={"Authorization": f"Bearer {token}"}
            )
            assert refused.json()["code"] == "900421"
            with pytest.raises(httpx.ProxyError):
                client.get("https://www.example.com/")
            # The proxy connects from 127.0.0.1, yet a tunnelled request never reaches the control surface.
            for host in ("login.microsoftonline.com", "api.partnercenter.microsoft.com"):
                for path in ("/_emulator/health", "/", "/journal"):
                    bypass = client.get(f"https://{host}{path}")
                    assert bypass.status_code == 403, (host, path)
                    assert "not reachable through the proxy" in bypass.text
                assert client.post(f"https://{host}/_emulator/reset").status_code == 403
        # The same calls made directly, from loopback, still work.
        assert httpx.get(f"{ready['url']}/_emulator/health", timeout=10).status_code == 200
    finally:
        stop(emulator)


def test_sigterm_stops_cleanly(tmp_path: Path) -> None:
    emulator = start(tmp_path / "state")
    emulator.process.send_signal(signal.SIGTERM)
    out, _ = emulator.process.communicate(timeout=15)
    assert emulator.process.returncode == 0
    assert "Partner Center Emulator stopped." in out


def test_config_file_and_environment(tmp_path: Path) -> None:
    config = tmp_path / "pcemu.json"
    config.write_text(json.dumps({"profile": "pilot-2019", "clockSkew": 60}))
    env = {**os.environ, "PCEMU_PROFILE": "off"}
    process = subprocess.Popen(
        pcemu("serve", "--config", str(config), "--port", "0", "--https-port", "0", "--state-dir", str(tmp_path / "s")),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    try:
        ready = next(json.loads(line) for line in process.stdout if line.startswith("{"))
        assert ready["profile"] == "off"  # the environment overrides the file
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=15)


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        ((), {"PCEMU_PROFILE": "nope"}, "--profile (PCEMU_PROFILE, profile): unknown profile 'nope'"),
        ((), {"PCEMU_CLOCK_SKEW": "soon"}, "PCEMU_CLOCK_SKEW: invalid value"),
        (("--token-lifetime", "0"), {}, "--token-lifetime (PCEMU_TOKEN_LIFETIME, tokenLifetime): must be positive"),
        (
            ("--rollout-percent", "150"),
            {},
            "--rollout-percent (PCEMU_ROLLOUT_PERCENT, rolloutPercent): must be from 0 to 100",
        ),
        (
            (),
            {"PCEMU_JOURNAL_SIZE": "0"},
            "--journal-size (PCEMU_JOURNAL_SIZE, journalSize): must be from 1 to 10000000",
        ),
        (
            ("--no-https", "--proxy-port", "0"),
            {},
            "--proxy-port and --userrealm-port need HTTPS: do not combine them with --no-https",
        ),
    ],
)
def test_bad_settings_are_clear(tmp_path: Path, args: tuple[str, ...], env: dict[str, str], message: str) -> None:
    result = subprocess.run(
        pcemu("serve", "--port", "0", "--https-port", "0", "--state-dir", str(tmp_path), *args),
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=30,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_errors_are_clear(tmp_path: Path) -> None:
    result = subprocess.run(
        pcemu("token", "--state-dir", str(tmp_path), "--user", "ghost@example.com"), capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "unknown user 'ghost@example.com'" in result.stderr
    result = subprocess.run(
        pcemu(
            "serve",
            "--fixtures",
            str(tmp_path / "none"),
            "--port",
            "0",
            "--https-port",
            "0",
            "--state-dir",
            str(tmp_path),
        ),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "fixtures directory does not exist" in result.stderr


def test_world_command(tmp_path: Path) -> None:
    result = subprocess.run(pcemu("world", "--json"), capture_output=True, text=True, check=True)
    world = json.loads(result.stdout)
    assert world["tenants"][0]["id"] == NW.TENANT_ID
    assert {u["userPrincipalName"]: u["amr"] for u in world["users"]}[NW.SERVICE] == ["pwd"]
    text = subprocess.run(pcemu("world"), capture_output=True, text=True, check=True).stdout
    assert "password only" in text and "MFA required" in text


def test_port_in_use_is_a_clear_error(running: Emulator, tmp_path: Path) -> None:
    port = str(running.ready["http_port"])
    result = subprocess.run(
        pcemu("serve", "--port", port, "--https-port", "0", "--state-dir", str(tmp_path / "other")),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


@pytest.mark.skipif(not socket.has_ipv6, reason="no IPv6 on this machine")
def test_ipv6_loopback(tmp_path: Path) -> None:
    try:
        probe = socket.socket(socket.AF_INET6)
        probe.bind(("::1", 0))
        probe.close()
    except OSError:
        pytest.skip("::1 cannot be bound here")
    emulator = start(tmp_path / "state", "--host", "::1")
    try:
        assert emulator.url.startswith("http://[::1]:")
        assert httpx.get(f"{emulator.url}/_emulator/health").status_code == 200
    finally:
        stop(emulator)
