"""Running the emulator under uvicorn: free ports, the ready line, and the 2019 reason phrase on the wire."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import socket
import sys
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import uvicorn
from uvicorn.protocols.http.httptools_impl import (
    HEADER_RE,
    HEADER_VALUE_RE,
    STATUS_LINE,
    HttpToolsProtocol,
    RequestResponseCycle,
)
from uvicorn.protocols.utils import get_client_addr, get_path_with_query_string

import emulator
from emulator.app import EmulatorApp, create_app
from emulator.config import Config
from emulator.faults import DROP
from emulator.proxy import ConnectProxy
from emulator.signer import SigningWorker
from emulator.tls import ServerTLS, write_bundle
from emulator.tls import ensure as ensure_tls

# Bodies up to this size are copied behind the head; larger ones go in a write of their own.
_JOIN_LIMIT = 256 * 1024


def _status_line(status: int, reason: str) -> bytes:
    phrase = reason.encode("latin-1")
    if b"\r" in phrase or b"\n" in phrase:
        raise ValueError("a reason phrase cannot contain line breaks")
    return b"HTTP/1.1 %d %s\r\n" % (status, phrase)


class PartnerCenterCycle(RequestResponseCycle):
    """uvicorn's request/response cycle with its `send` rewritten for three things uvicorn does not do:

    - a `reason` key on http.response.start writes a custom reason phrase: the 2019 refusal's
      "401 Unauthorized - MFA required" is shown to users by the .NET SDK and PowerShell;
    - a fault rule's DROP key closes the connection without a word, as a failing network would;
    - the head is held until the first body message and leaves with a body of up to 256 KB in one write: one
      send(2) per response instead of two, the largest single cost of a small response.

    Everything else is uvicorn's `send` as of 0.54 (framing, Content-Length checks, keep-alive, access log).
    """

    _head: bytes | None = None
    _app: Any = None

    async def run_asgi(self, app: Any) -> None:
        self._app = app
        await super().run_asgi(self._run_app)

    async def _run_app(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await self._app(scope, receive, send)
        finally:
            # An app that started a response and then failed or stopped before its body (or whose body was refused):
            # the head still goes out before uvicorn closes the connection, as when uvicorn writes it at once.
            head, self._head = self._head, None
            if head is not None and not self.disconnected and not self.transport.is_closing():
                self.transport.write(head)

    async def send(self, message: Any) -> None:
        if self.flow.write_paused and not self.disconnected:
            await self.flow.drain()
        if self.disconnected:
            return
        if not self.response_started:
            if message["type"] != "http.response.start":
                raise RuntimeError(f"Expected ASGI message 'http.response.start', but got '{message['type']}'.")
            if message.get(DROP):
                self.response_started = self.response_complete = self.disconnected = True
                self.transport.close()
                return
            self._start(message)
        elif not self.response_complete:
            if message["type"] != "http.response.body":
                raise RuntimeError(f"Expected ASGI message 'http.response.body', but got '{message['type']}'.")
            self._body(message.get("body", b""), message.get("more_body", False))
        else:
            raise RuntimeError(f"Unexpected ASGI message '{message['type']}' sent, after response already completed.")

    def _start(self, message: Any) -> None:
        status: int = message["status"]
        reason = message.get("reason")
        # Before the response counts as started: a phrase that cannot be written still gets uvicorn's 500.
        line = STATUS_LINE[status] if reason is None else _status_line(status, reason)
        self.response_started = True
        self.waiting_for_100_continue = False
        headers = self.default_headers + list(message.get("headers", ()))
        # One search over all names and one over all values: the same characters refused as uvicorn's per-header
        # checks (a tab, which joins the values, is allowed in a value).
        if HEADER_RE.search(b"".join(name for name, _ in headers)):
            raise RuntimeError("Invalid HTTP header name.")
        if HEADER_VALUE_RE.search(b"\t".join(value for _, value in headers)):
            raise RuntimeError("Invalid HTTP header value.")
        if self.access_log:
            self.access_logger.info(
                '%s - "%s %s HTTP/%s" %d',
                get_client_addr(self.scope),
                self.scope["method"],
                get_path_with_query_string(self.scope),
                self.scope["http_version"],
                status,
            )
        content = [line]
        has_connection_close = False
        for raw_name, value in headers:
            name = raw_name.lower()
            if name == b"content-length" and self.chunked_encoding is None:
                self.expected_content_length = int(value.decode())
                self.chunked_encoding = False
            elif name == b"transfer-encoding" and value.lower() == b"chunked":
                self.expected_content_length = 0
                self.chunked_encoding = True
            elif name == b"connection" and b"close" in [token.lower().strip() for token in value.split(b",")]:
                self.keep_alive = False
                has_connection_close = True
            content += (name, b": ", value, b"\r\n")
        if not self.keep_alive and not has_connection_close:
            content.append(b"connection: close\r\n")
        if self.chunked_encoding is None and self.scope["method"] != "HEAD" and status not in (204, 304):
            self.chunked_encoding = True
            content.append(b"transfer-encoding: chunked\r\n")
        content.append(b"\r\n")
        self._head = b"".join(content)

    def _body(self, body: bytes, more_body: bool) -> None:
        if self.scope["method"] == "HEAD":
            self.expected_content_length = 0
            data = b""
        elif self.chunked_encoding:
            data = b"%x\r\n%b\r\n" % (len(body), body) if body else b""
            if not more_body:
                data += b"0\r\n\r\n"
        else:
            if len(body) > self.expected_content_length:
                raise RuntimeError("Response content longer than Content-Length")
            self.expected_content_length -= len(body)
            data = body
        head, self._head = self._head, None
        if head is not None and len(data) <= _JOIN_LIMIT:
            self.transport.write(head + data)
        else:
            if head is not None:
                self.transport.write(head)
            if data:
                self.transport.write(data)
        if not more_body:
            if self.expected_content_length != 0:
                raise RuntimeError("Response content shorter than Content-Length")
            self.response_complete = True
            self.message_event.set()
            if not self.keep_alive:
                self.transport.close()
            self.on_response()


class PartnerCenterHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, answering through PartnerCenterCycle."""

    def _start_asgi_task(self, cycle: RequestResponseCycle, app: Any) -> None:
        # uvicorn builds the cycle itself; the subclass adds only methods, so the instance can take its class.
        cycle.__class__ = PartnerCenterCycle
        super()._start_asgi_task(cycle, app)


class ListenError(OSError):
    """A port could not be bound; the message names the address."""


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6 and host in ("::", "[::]"):
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise ListenError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(2048)
    return sock


def url_host(host: str) -> str:
    """The host to print in URLs: a wildcard bind is reached on loopback."""
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    if host in ("::", "[::]"):
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def _loop_name() -> str:
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return "asyncio"
    return "uvloop"


def uvicorn_config(app: EmulatorApp, config: Config, tls: ServerTLS | None = None) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        http=PartnerCenterHttpProtocol,
        loop=_loop_name(),
        lifespan="off",
        access_log=config.access_log,
        log_level="info" if config.access_log else "warning",
        server_header=False,
        ws="none",
        # No X-Forwarded-* trust: the client address decides the control API's loopback check.
        proxy_headers=False,
        ssl_certfile=str(tls.cert) if tls else None,
        ssl_keyfile=str(tls.key) if tls else None,
        # Clients keep connections alive: shut down within seconds rather than waiting for them forever.
        timeout_graceful_shutdown=2,
    )


@dataclass
class Listeners:
    """The sockets one emulator serves on, bound before anything starts so that port 0 is resolved early."""

    http: socket.socket
    https: socket.socket | None = None
    userrealm: socket.socket | None = None
    proxy: socket.socket | None = None
    tls: ServerTLS | None = None
    bundle: Path | None = None

    def port(self, name: str) -> int | None:
        sock = getattr(self, name)
        return None if sock is None else int(sock.getsockname()[1])

    def close(self) -> None:
        for sock in (self.http, self.https, self.userrealm, self.proxy):
            if sock is not None:
                sock.close()


def open_listeners(config: Config) -> Listeners:
    listeners = Listeners(bind(config.host, config.port))
    try:
        if config.https_port is not None:
            listeners.tls = ensure_tls(config.resolved_state_dir(), config.cert_names)
            listeners.bundle = write_bundle(config.resolved_state_dir(), listeners.tls.ca_cert)
            listeners.https = bind(config.host, config.https_port)
            if config.userrealm_port is not None:
                listeners.userrealm = bind(config.host, config.userrealm_port)
            if config.proxy_port is not None:
                # The proxy is for clients on this machine (loopback) unless --proxy-host says otherwise.
                listeners.proxy = bind(config.proxy_host, config.proxy_port)
    except BaseException:
        listeners.close()
        raise
    return listeners


def ready_document(app: EmulatorApp, config: Config, listeners: Listeners) -> dict[str, Any]:
    state = app.state
    host = url_host(config.host)
    base = f"http://{host}:{listeners.port('http')}"
    https_port = listeners.port("https")
    secure = f"https://{host}:{https_port}" if https_port else None
    tenant = state.world.partner
    authority_base = secure or base
    return {
        "event": "ready",
        "version": emulator.__version__,
        "pid": os.getpid(),
        "host": config.host,
        "http_port": listeners.port("http"),
        "https_port": https_port,
        "proxy_port": listeners.port("proxy"),
        "userrealm_port": listeners.port("userrealm"),
        "url": base,
        "https_url": secure,
        "proxy_url": f"http://{url_host(config.proxy_host)}:{listeners.port('proxy')}" if listeners.proxy else None,
        # MSAL and azure-identity accept only https authorities.
        "authority": f"{authority_base}/{tenant.id}",
        "token_endpoint": f"{authority_base}/{tenant.id}/oauth2/v2.0/token",
        "token_endpoint_v1": f"{authority_base}/{tenant.id}/oauth2/token",
        "partner_center": f"{authority_base}/v1",
        "control": f"{base}/_emulator",
        "console": f"{base}/",
        "ca": str(listeners.tls.ca_cert) if listeners.tls else None,
        "ca_bundle": str(listeners.bundle) if listeners.bundle else None,
        "tenant_id": tenant.id,
        "tenant_domain": tenant.domain,
        "profile": state.profile.name,
        "state_dir": None if config.in_memory_key else str(config.resolved_state_dir()),
    }


def control_access(config: Config) -> str:
    if not config.control_hosts:
        return "loopback clients only"
    return "loopback and " + ", ".join(config.control_hosts)


def _banner(app: EmulatorApp, ready: dict[str, Any], out: TextIO) -> None:
    state = app.state
    world = state.world
    service = next((u for u in world.users.values() if not u.mfa_registered), None)
    web = next((a for a in world.apps.values() if a.confidential), None)
    state_flag = "" if ready["state_dir"] is None else f" --state-dir {ready['state_dir']}"
    lines = [f"Partner Center Emulator {emulator.__version__} listening on {ready['url']}"]
    if ready["https_url"]:
        lines.append(f"  HTTPS:          {ready['https_url']}  (CA {ready['ca']})")
    if ready["proxy_url"]:
        lines.append(
            f"  proxy:          HTTPS_PROXY={ready['proxy_url']} REQUESTS_CA_BUNDLE={ready['ca_bundle']}"
            "  (login.microsoftonline.com, api.partnercenter.microsoft.com)"
        )
    lines += [
        f"  profile:        {state.profile.name} ({state.profile.description})",
        f"  tenant:         {world.partner.domain} ({world.partner.id})",
        f"  authority:      {ready['authority']}",
        f"  Partner Center: {ready['partner_center']}/",
        f"  console:        {ready['console']}  (token check, journal, report; {control_access(state.config)})",
        f"  control API:    {ready['control']}/health ({control_access(state.config)})",
    ]
    if ready["state_dir"]:
        created = "created" if state.key_created else "reused"
        lines.append(f"  signing key:    {created} in {ready['state_dir']}")
    lines.append("Get a token:")
    if service is not None:
        lines.append(f"  pcemu token --user {service.upn}{state_flag}          (password only, no MFA)")
        lines.append(f"  pcemu token --user {service.upn} --mfa{state_flag}    (with MFA)")
    if web is not None:
        lines.append(
            f"  curl -s {ready['url']}/{world.partner.id}/oauth2/v2.0/token -d grant_type=client_credentials "
            f"-d client_id={web.client_id} -d client_secret=<secret from 'pcemu world'> "
            "-d scope=https://api.partnercenter.microsoft.com/.default"
        )
    lines.append("Press Ctrl-C to stop.")
    for line in lines:
        print(line, file=out)
    print(json.dumps(ready, separators=(",", ":")), file=out, flush=True)


class _QuietServer(uvicorn.Server):
    """A listener that leaves signals to the primary server, which stops the others when it stops."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


async def _serve(
    app: EmulatorApp, config: Config, listeners: Listeners, out: TextIO, stop: asyncio.Event | None = None
) -> None:
    """Serve every listener until the primary server stops (a signal), or until `stop` is set (tests)."""
    primary = uvicorn.Server(uvicorn_config(app, config))
    others: list[uvicorn.Server] = []
    for sock in (listeners.https, listeners.userrealm):
        if sock is not None and listeners.tls is not None:
            others.append(_QuietServer(uvicorn_config(app, config, tls=listeners.tls)))
    tasks = [asyncio.create_task(primary.serve(sockets=[listeners.http]))]
    secure_sockets = [s for s in (listeners.https, listeners.userrealm) if s is not None]
    tasks += [
        asyncio.create_task(server.serve(sockets=[sock])) for server, sock in zip(others, secure_sockets, strict=True)
    ]
    proxy = None
    if listeners.proxy is not None and listeners.https is not None:
        # Tunnels go to the HTTPS listener where it listens (loopback when it listens everywhere).
        target = config.host if config.host not in ("0.0.0.0", "::", "[::]", "") else "127.0.0.1"
        proxy = ConnectProxy(target.strip("[]"), int(listeners.https.getsockname()[1]))
        await proxy.start(listeners.proxy)
    try:
        while not all(server.started for server in (primary, *others)):
            for task in tasks:
                if task.done():
                    await task
                    raise RuntimeError("the server stopped during start-up")
            await asyncio.sleep(0.005)
        _banner(app, ready_document(app, config, listeners), out)
        if config.sign_worker and (os.cpu_count() or 1) >= 2:
            # A second process for token signatures, where there is a second core to run it (emulator.signer).
            app.state.issuer.worker = SigningWorker()
        if stop is None:
            await tasks[0]
        else:
            stopping = asyncio.create_task(stop.wait())
            await asyncio.wait([tasks[0], stopping], return_when=asyncio.FIRST_COMPLETED)
            primary.should_exit = True
            stopping.cancel()
            await tasks[0]
    finally:
        for server in others:
            server.should_exit = True
        if proxy is not None:
            await proxy.close()
        issuer = app.state.issuer
        if issuer.worker is not None:
            worker, issuer.worker = issuer.worker, None
            await worker.close()
        await asyncio.gather(*tasks[1:], return_exceptions=True)


def _configure_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("emulator")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


class _Stop(Exception):
    """SIGTERM, re-raised by uvicorn after its graceful shutdown: end like Ctrl-C, with status 0."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise _Stop


def run(config: Config, out: TextIO = sys.stdout) -> int:
    _configure_logging()
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    app = create_app(config)
    listeners = open_listeners(config)
    try:
        with asyncio.Runner(loop_factory=uvicorn_config(app, config).get_loop_factory()) as runner:
            runner.run(_serve(app, config, listeners, out))
    except (KeyboardInterrupt, _Stop):
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        listeners.close()
        if app.state.persistence is not None:
            app.state.persistence.flush()  # the last burst of changes, saved before exit
    print("Partner Center Emulator stopped.", file=out, flush=True)
    return 0
