"""pytest plugin and in-process helpers: an emulator per test session, reset before each test.

Registered through the `pytest11` entry point, so installing the emulator with its `pytest` extra is enough
(`pip install "partner-center-emulator[pytest]"`, or `pip install -e ".[pytest]"` from a clone):

    def test_my_automation(partner_center):
        token = partner_center.token(user="svc-automation@northwindpartners.onmicrosoft.com")
        ...
        partner_center.assert_all_compliant()

Imports of httpx, requests and the server happen inside the fixtures, so installing the emulator never breaks a
pytest run that does not use it.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import ssl
import threading
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from emulator.app import EmulatorApp
from emulator.checker import PARTNER_CENTER_HOSTS
from emulator.config import Config
from emulator.profiles import PARTNER_CENTER_RESOURCE
from emulator.state import EmulatorState

# Entra's host and its aliases (as the proxy tunnels them), and Partner Center's hosts.
ROUTED_HOSTS = frozenset(
    {"login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net", *PARTNER_CENTER_HOSTS}
)


class PartnerCenterEmulator:
    """One emulator as a test sees it: where it is, how to get tokens, and the control API."""

    def __init__(
        self,
        app: EmulatorApp,
        url: str,
        *,
        https_url: str | None = None,
        ca_bundle: Path | None = None,
        proxy_url: str | None = None,
        client: Any = None,
    ) -> None:
        self.app = app
        self.state: EmulatorState = app.state
        self.http_url = url
        self.https_url = https_url
        self.url = https_url or url
        self.ca_bundle = ca_bundle
        self.proxy_url = proxy_url  # HTTPS_PROXY for clients with hard-coded hosts
        self.tenant_id = self.state.world.partner.id
        self.authority = f"{self.url}/{self.tenant_id}"
        self._client = client

    @property
    def client(self) -> Any:
        """An httpx client on the emulator (in-process when the fixture is, over HTTP otherwise)."""
        if self._client is None:
            import httpx

            self._client = httpx.Client(base_url=self.http_url, timeout=30)
        return self._client

    def token(
        self,
        user: str | None = None,
        *,
        app: str | None = None,
        mfa: bool | None = None,
        client_id: str | None = None,
        audience: str = PARTNER_CENTER_RESOURCE,
    ) -> str:
        """A signed access token: token(user=UPN, mfa=…) for app+user, token(app=CLIENT_ID) for app-only."""
        world = self.state.world
        tenant = world.partner
        if app is not None:
            found = world.apps.get(app.lower())
            if found is None:
                raise KeyError(f"no app {app} in the world")
            return self.state.issuer.issue(self.state.issuer.app_claims(tenant, found, audience)).token
        if user is None:
            raise TypeError("token() needs user=UPN or app=CLIENT_ID")
        person = world.user(user)
        if person is None:
            raise KeyError(f"no user {user} in the world")
        publics = [a for a in world.apps.values() if not a.confidential]
        chosen = world.apps[client_id.lower()] if client_id else (publics or list(world.apps.values()))[0]
        amr = person.default_amr if mfa is None else (["pwd", "mfa"] if mfa else ["pwd"])
        return self.state.issuer.issue(self.state.issuer.user_claims(tenant, chosen, person, amr, audience)).token

    def _control(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self.client.request(method, f"/_emulator/{path}", json=body)
        if response.status_code >= 400:
            raise RuntimeError(f"control API {method} {path}: {response.status_code} {response.text}")
        return response.json()

    def reset(self) -> None:
        self._control("POST", "reset")

    def set_profile(self, name: str, rollout_percent: int | None = None) -> None:
        body: dict[str, Any] = {"name": name}
        if rollout_percent is not None:
            body["rolloutPercent"] = rollout_percent
        self._control("PUT", "profile", body)

    def advance_clock(self, seconds: float) -> None:
        self._control("POST", "clock/advance", {"seconds": seconds})

    @property
    def journal(self) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = self._control("GET", "journal?limit=100000")["entries"]
        return entries

    def report(self, profile: str = "enforced-2026") -> dict[str, Any]:
        built: dict[str, Any] = self._control("GET", f"report?profile={profile}")
        return built

    def assert_all_compliant(self, profile: str = "enforced-2026") -> None:
        """Fail with the report when any recorded app+user call would be refused under `profile`."""
        from emulator.report import as_text

        built = self.report(profile)
        if not built["compliant"]:
            pytest.fail(as_text(built), pytrace=False)


class ServerThread:
    """A real emulator (HTTP and HTTPS with its local CA) in a thread of the test process."""

    def __init__(self, config: Config) -> None:
        from emulator.listeners import open_listeners

        self.config = config
        self.app = EmulatorApp(EmulatorState(config))
        self.listeners = open_listeners(config)
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="pcemu", daemon=True)

    def _run(self) -> None:
        from emulator.serve import _serve

        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            await _serve(self.app, self.config, self.listeners, _ReadySignal(self._ready), self._stop)

        try:
            asyncio.run(main())
        except BaseException as exc:  # reported to the test that starts the server
            self._failure = exc
            self._ready.set()

    def start(self) -> PartnerCenterEmulator:
        self._thread.start()
        if not self._ready.wait(30) or self._failure is not None:
            raise RuntimeError(f"the emulator did not start: {self._failure!r}")
        http = f"http://127.0.0.1:{self.listeners.port('http')}"
        https_port = self.listeners.port("https")
        https = f"https://127.0.0.1:{https_port}" if https_port else None
        proxy_port = self.listeners.port("proxy")
        proxy = f"http://127.0.0.1:{proxy_port}" if proxy_port else None
        return PartnerCenterEmulator(self.app, http, https_url=https, ca_bundle=self.listeners.bundle, proxy_url=proxy)

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=15)
        self.listeners.close()


class _ReadySignal(io.StringIO):
    """Where _serve prints its banner: the ready line means the servers accept connections."""

    def __init__(self, ready: threading.Event) -> None:
        super().__init__()
        self._ready_event = ready

    def write(self, text: str) -> int:
        if text.startswith('{"event":"ready"'):
            self._ready_event.set()
        return super().write(text)


@contextlib.contextmanager
def route_to_emulator(emulator: PartnerCenterEmulator) -> Iterator[None]:
    """Send this process's requests and httpx calls for login.microsoftonline.com and the Partner Center hosts to
    the emulator (like moto's mock_aws): code with hard-coded URLs needs no change. The Host header keeps the real
    name, so the emulator's documents name the real hosts."""
    import httpx
    import requests.adapters

    if emulator.https_url is None or emulator.ca_bundle is None:
        raise RuntimeError("routing needs the emulator's HTTPS listener (the partner_center fixture has one)")
    target = urlsplit(emulator.https_url)
    netloc = f"{target.hostname}:{target.port}"
    context = ssl.create_default_context(cafile=str(emulator.ca_bundle))
    sync_transport = httpx.HTTPTransport(verify=context)
    async_transport = httpx.AsyncHTTPTransport(verify=context)
    original_send = requests.adapters.HTTPAdapter.send
    original_sync = httpx.HTTPTransport.handle_request
    original_async = httpx.AsyncHTTPTransport.handle_async_request

    def send(self: Any, request: Any, **kwargs: Any) -> Any:
        parts = urlsplit(request.url)
        if (parts.hostname or "").lower() in ROUTED_HOSTS:
            request.headers["Host"] = parts.netloc
            request.url = urlunsplit(parts._replace(scheme="https", netloc=netloc))
            kwargs["verify"] = str(emulator.ca_bundle)
            kwargs["proxies"] = {}
        return original_send(self, request, **kwargs)

    def _reroute(request: httpx.Request) -> bool:
        if (request.url.host or "").lower() not in ROUTED_HOSTS:
            return False
        request.headers["Host"] = request.url.netloc.decode()
        request.url = request.url.copy_with(scheme="https", host=target.hostname, port=target.port)
        return True

    def handle_request(self: Any, request: httpx.Request) -> httpx.Response:
        if self is not sync_transport and _reroute(request):
            return sync_transport.handle_request(request)
        return original_sync(self, request)

    async def handle_async_request(self: Any, request: httpx.Request) -> httpx.Response:
        if self is not async_transport and _reroute(request):
            return await async_transport.handle_async_request(request)
        return await original_async(self, request)

    requests.adapters.HTTPAdapter.send = send  # type: ignore[method-assign,assignment]
    httpx.HTTPTransport.handle_request = handle_request  # type: ignore[method-assign]
    httpx.AsyncHTTPTransport.handle_async_request = handle_async_request  # type: ignore[method-assign]
    try:
        yield
    finally:
        requests.adapters.HTTPAdapter.send = original_send  # type: ignore[method-assign]
        httpx.HTTPTransport.handle_request = original_sync  # type: ignore[method-assign]
        httpx.AsyncHTTPTransport.handle_async_request = original_async  # type: ignore[method-assign]
        sync_transport.close()


# --- the fixtures -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def partner_center_server(tmp_path_factory: pytest.TempPathFactory) -> Generator[PartnerCenterEmulator, None, None]:
    """One real emulator per test session (per xdist worker: each worker is its own session)."""
    state_dir = tmp_path_factory.mktemp("pcemu-state")
    config = Config(host="127.0.0.1", port=0, https_port=0, proxy_port=0, state_dir=Path(state_dir))
    server = ServerThread(config)
    emulator = server.start()
    try:
        yield emulator
    finally:
        server.stop()


@pytest.fixture
def partner_center(partner_center_server: PartnerCenterEmulator) -> PartnerCenterEmulator:
    """The session's emulator, reset (world, profile, clock, journal) before the test."""
    partner_center_server.reset()
    return partner_center_server


@pytest.fixture
def partner_center_inprocess() -> Generator[PartnerCenterEmulator, None, None]:
    """An emulator with no socket at all: `.client` is an httpx client on the ASGI app."""
    import warnings

    with warnings.catch_warnings():
        # starlette 1.x suggests its httpx fork for TestClient, once, when the module loads (a UserWarning
        # subclass, StarletteDeprecationWarning); httpx itself works, and users need not see it.
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient` is deprecated")
        from starlette.testclient import TestClient

    app = EmulatorApp(EmulatorState(Config(in_memory_key=True)))
    with TestClient(app, base_url="http://127.0.0.1", client=("127.0.0.1", 50000)) as client:
        yield PartnerCenterEmulator(app, "http://127.0.0.1", client=client)


@pytest.fixture
def partner_center_routing(partner_center: PartnerCenterEmulator) -> Generator[PartnerCenterEmulator, None, None]:
    """partner_center, with login.microsoftonline.com and api.partnercenter.microsoft.com routed to it."""
    with route_to_emulator(partner_center):
        yield partner_center
