"""What the tests share: the default world's names, tokens, and ways to run an emulator (a process, or a server
in a thread). Fixtures live in conftest.py; everything else the test modules share lives here."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

from emulator.app import EmulatorApp
from emulator.listeners import bind
from emulator.server import uvicorn_config
from emulator.state import EmulatorState

# --- the default world ---------------------------------------------------------------------------------------


class NW:
    """The default world's names (Northwind Cloud Partners): NW.ADMIN, NW.TENANT_ID, …"""

    TENANT_ID = "a8e23bce-3ed8-5a60-9109-66655e9d1c6e"
    TENANT_DOMAIN = "northwindpartners.onmicrosoft.com"
    WEB_APP = "6911ffe2-0be5-5494-bde7-59b718f99954"
    WEB_SECRET = "nwp~Q8x.Ke2vT7_bR4mZ1pL9sD3fG6hJ0kW5yC"
    NATIVE_APP = "dac8afd6-ad8a-58e3-88fb-07a0ea990c11"
    ADMIN = "admin@northwindpartners.onmicrosoft.com"
    ADMIN_PASSWORD = "Adm1n!Northwind"
    SERVICE = "svc-automation@northwindpartners.onmicrosoft.com"
    SERVICE_PASSWORD = "Svc!Automation2019"
    MEGAN = "megan.bowen@northwindpartners.onmicrosoft.com"
    MEGAN_PASSWORD = "Megan!Secure42"
    # The service account's password sign-in (ROPC) with the public app: add "scope" (v2) or "resource" (v1).
    SERVICE_ROPC = {
        "grant_type": "password",
        "client_id": NATIVE_APP,
        "username": SERVICE,
        "password": SERVICE_PASSWORD,
    }
    CONTOSO = "dc4f72ac-6584-5e1c-86c0-8ae007db5b17"
    PC = "https://api.partnercenter.microsoft.com"
    # The body of create-a-customer.md's sample request, PascalCase as documented.
    DOC_CUSTOMER = {
        "CompanyProfile": {"Domain": "xyz.onmicrosoft.com"},
        "BillingProfile": {
            "Culture": "EN-US",
            "Email": "test@outlook.com",
            "Language": "en",
            "CompanyName": "test company",
            "DefaultAddress": {
                "FirstName": "Test",
                "LastName": "Test",
                "AddressLine1": "One Microsoft Way",
                "City": "Redmond",
                "State": "WA",
                "PostalCode": "98052",
                "Country": "US",
            },
        },
    }


# --- tokens ----------------------------------------------------------------------------------------------------


def user_token(
    state: EmulatorState, upn: str, amr: list[str], *, client_id: str = NW.NATIVE_APP, aud: str = NW.PC
) -> str:
    world = state.world
    user = world.user(upn)
    assert user is not None
    return state.issuer.issue(state.issuer.user_claims(world.partner, world.apps[client_id], user, amr, aud)).token


def app_token(state: EmulatorState, client_id: str = NW.WEB_APP, aud: str = NW.PC) -> str:
    world = state.world
    return state.issuer.issue(state.issuer.app_claims(world.partner, world.apps[client_id], aud)).token


def ropc_form(username: str, password: str, client_id: str = NW.NATIVE_APP, **fields: str) -> dict[str, str]:
    """A password-grant (ROPC) form; add scope (v2) or resource (v1), and client_secret for a confidential app."""
    return {"grant_type": "password", "client_id": client_id, "username": username, "password": password, **fields}


def refresh_form(refresh_token: str, client_id: str = NW.NATIVE_APP, **fields: str) -> dict[str, str]:
    """A refresh_token-grant form; add scope or resource, and client_secret for a confidential app."""
    return {"grant_type": "refresh_token", "client_id": client_id, "refresh_token": refresh_token, **fields}


def app_form(**fields: str) -> dict[str, str]:
    """A client_credentials form for the web app with its secret; add resource (v1) or scope (v2)."""
    return {"grant_type": "client_credentials", "client_id": NW.WEB_APP, "client_secret": NW.WEB_SECRET, **fields}


def customer_body(name: str) -> dict[str, Any]:
    """A minimal valid create-a-customer body, camelCase, for the domain {name}.onmicrosoft.com."""
    address = {"firstName": "A", "lastName": "B", "addressLine1": "1 Way", "city": "Redmond", "state": "WA"}
    return {
        "companyProfile": {"domain": f"{name}.onmicrosoft.com"},
        "billingProfile": {
            "email": f"owner@{name}.com",
            "culture": "en-US",
            "language": "en",
            "companyName": f"Company {name}",
            "defaultAddress": {**address, "postalCode": "98052", "country": "US"},
        },
    }


def consent_query(redirect_uri: str) -> str:
    """The Secure Application Model's documented consent request (v1 authorize): code id_token, form_post, nonce."""
    return urllib.parse.urlencode(
        {
            "client_id": NW.WEB_APP,
            "response_mode": "form_post",
            "response_type": "code id_token",
            "scope": "openid profile",
            "nonce": "1",
            "redirect_uri": redirect_uri,
        }
    )


def assert_entra_error(response: Any, status: int, error: str, code: int, message: str) -> None:
    """An Entra error answer, as documented: its fields in order, the AADSTS description with the trace and
    correlation ids and the timestamp, and the headers of a token answer (x-ms-request-id is the trace id)."""
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    body = response.json()
    assert " ".join(body) == "error error_description error_codes timestamp trace_id correlation_id error_uri"
    assert body["error"] == error
    assert body["error_codes"] == [code]
    assert body["error_uri"] == f"https://login.microsoftonline.com/error?code={code}"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ", body["timestamp"])
    assert body["error_description"] == (
        f"AADSTS{code}: {message}\r\nTrace ID: {body['trace_id']}\r\nCorrelation ID: {body['correlation_id']}"
        f"\r\nTimestamp: {body['timestamp']}"
    )
    assert response.headers["x-ms-request-id"] == body["trace_id"]
    assert response.headers["cache-control"] == "no-store, no-cache"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- an emulator served in a thread of the test process (clients that need HTTP) ---------------------------


@contextmanager
def serving(app: EmulatorApp) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 (a free port) until the block ends; yields the base URL."""
    sock = bind("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn_config(app, app.state.config))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the emulator did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


# --- `pcemu` as a real process ------------------------------------------------------------------------------


class Emulator:
    def __init__(self, process: subprocess.Popen[str], ready: dict[str, Any], banner: list[str]) -> None:
        self.process, self.ready, self.banner = process, ready, banner
        self.url: str = ready["url"]


def pcemu(*args: str) -> list[str]:
    return [sys.executable, "-m", "emulator", *args]


def start(state_dir: Path, *extra: str, env: dict[str, str] | None = None) -> Emulator:
    process = subprocess.Popen(
        pcemu("serve", "--port", "0", "--https-port", "0", "--state-dir", str(state_dir), *extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **env} if env else None,
    )
    assert process.stdout is not None
    banner: list[str] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        banner.append(line.rstrip("\n"))
        if line.startswith("{"):
            ready = json.loads(line)
            assert ready["event"] == "ready"
            return Emulator(process, ready, banner)
    process.kill()
    raise AssertionError("no ready line:\n" + "\n".join(banner))


def stop(emulator: Emulator) -> tuple[int, str]:
    emulator.process.send_signal(signal.SIGINT)
    out, _ = emulator.process.communicate(timeout=15)
    return emulator.process.returncode, out


def cli_token(state_dir: Path, *args: str) -> str:
    result = subprocess.run(
        pcemu("token", "--state-dir", str(state_dir), *args), capture_output=True, text=True, check=True
    )
    token = result.stdout.strip()
    assert token.count(".") == 2
    return token


def raw_get(emulator: Emulator, path: str, headers: dict[str, str]) -> bytes:
    """One request over a plain socket, to read the status line exactly as sent."""
    port = emulator.ready["http_port"]
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)
