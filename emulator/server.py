"""Running the emulator under uvicorn, and the one place that knows uvicorn's internals: the server hook that
writes the 2019 reason phrase, drops connections for fault rules and sends a small response in one write."""

from __future__ import annotations

import asyncio
import contextlib
import http
import logging
import re
from dataclasses import dataclass
from typing import Any

import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.flow_control import FlowControl
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle
from uvicorn.protocols.utils import get_client_addr, get_path_with_query_string

from emulator.config import Config
from emulator.faults import DROP
from emulator.tls import ServerTLS

# Bodies up to this size are copied behind the head; larger ones go in a write of their own.
_JOIN_LIMIT = 256 * 1024
# The uvicorn minor version the hook is written and tested for (pyproject.toml pins it).
TESTED_UVICORN = "0.54"
# What an HTTP/1.1 header may not hold (RFC 9110 tokens; a value may hold a tab), as uvicorn refuses them.
_BAD_NAME = re.compile(b'[\x00-\x1f\x7f()<>@,;:\\[\\]={} \t\\\\"]')
_BAD_VALUE = re.compile(b"[\x00-\x08\x0a-\x1f\x7f]")


def _status_line(status: int, reason: str | None = None) -> bytes:
    if reason is None:
        try:
            reason = http.HTTPStatus(status).phrase
        except ValueError:
            reason = ""
    phrase = reason.encode("latin-1")
    if b"\r" in phrase or b"\n" in phrase:
        raise ValueError("a reason phrase cannot contain line breaks")
    return b"HTTP/1.1 %d %s\r\n" % (status, phrase)


_STATUS_LINES = {status: _status_line(status) for status in range(100, 600)}


class PartnerCenterCycle(RequestResponseCycle):
    """uvicorn's request/response cycle with its `send` rewritten for three things uvicorn does not do:

    - a `reason` key on http.response.start writes a custom reason phrase: the 2019 refusal's
      "401 Unauthorized - MFA required" is shown to users by the .NET SDK and PowerShell;
    - a fault rule's DROP key closes the connection without a word, as a failing network would;
    - the head is held until the first body message and leaves with a body of up to 256 KB in one write: one
      send(2) per response instead of two, the largest single cost of a small response.

    Everything else is uvicorn's `send` as of 0.54 (framing, Content-Length checks, keep-alive, access log).
    uvicorn's private names it uses, all of uvicorn 0.54's httptools implementation:
    HttpToolsProtocol._start_asgi_task (where a cycle starts: PartnerCenterHttpProtocol), and of
    RequestResponseCycle: run_asgi, send, and the state send keeps: transport, flow, scope, default_headers,
    access_log, access_logger, keep_alive, chunked_encoding, expected_content_length, waiting_for_100_continue,
    response_started, response_complete, disconnected, message_event, on_response. `hook_problem` checks them at
    start-up.
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
        line = _STATUS_LINES[status] if reason is None else _status_line(status, reason)
        self.response_started = True
        self.waiting_for_100_continue = False
        headers = self.default_headers + list(message.get("headers", ()))
        # One search over all names and one over all values: the same characters refused as uvicorn's per-header
        # checks (a tab, which joins the values, is allowed in a value).
        if _BAD_NAME.search(b"".join(name for name, _ in headers)):
            raise RuntimeError("Invalid HTTP header name.")
        if _BAD_VALUE.search(b"\t".join(value for _, value in headers)):
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


@dataclass(frozen=True)
class HeadLimits:
    """What a request head may be: its size (request line and headers), its number of header fields, and the time
    to complete it. Past a limit: 431 and the connection closed; past the time: closed. uvicorn's httptools
    protocol has none of these. Partner Center's and Entra's own limits are not documented, so the values are
    our choice [I]: room for several times the heads real clients send (a few KB, a few dozen fields), and twice
    uvicorn's keep-alive for the time."""

    max_bytes: int = 32 * 1024
    max_fields: int = 100
    timeout: float = 10.0


# The gateway's own error shape, as for its 404 and 429 (facts sheet §4); the 431 itself is inferred [I].
_TOO_LARGE = b'{"statusCode":431,"message":"Request Header Fields Too Large"}'


class PartnerCenterHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, answering through PartnerCenterCycle, with limits on request heads.

    uvicorn's names it overrides or uses: _start_asgi_task; data_received; the parser callbacks on_message_begin,
    on_headers_complete, on_body, on_message_complete; connection_made, connection_lost and on_response_complete;
    and its transport, loop, config, url and headers.
    """

    _limits = HeadLimits()
    _chunk = 0
    _refused = False
    _in_head = True  # until the first request's head is complete
    _raw_head = 0
    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._limits = getattr(self.config, "pcemu_head_limits", HeadLimits())
        self._arm_head_timer()  # a connection that never sends a head is closed too

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        # httptools hands a header over only once its line ends: a header that never ends would grow in the
        # parser unseen. So the raw bytes of a head still incomplete after this data are counted.
        self._chunk = len(data)
        in_head = self._in_head
        super().data_received(data)
        if in_head and self._in_head and not self._refused:
            self._raw_head += len(data)
            if self._raw_head > self._limits.max_bytes:
                self._refuse()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._raw_head = 0
        self._in_head = True

    def on_headers_complete(self) -> None:
        if self._refused:
            return
        self._in_head = False
        limits = self._limits
        # The exact size is added up only when the bytes received could exceed the limit (never for a common
        # request: the cost of a check on every header was measurable on the throughput bench).
        too_large = self._raw_head + self._chunk > limits.max_bytes and (
            len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers) > limits.max_bytes
        )
        if too_large or len(self.headers) > limits.max_fields:
            self._refuse()
            return
        self._disarm_head_timer()
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self._refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if not self._refused:
            super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._in_head, self._raw_head = True, 0
            self._arm_head_timer()  # the next request's head, on a kept-alive connection

    def _refuse(self) -> None:
        """431 for a head past the limits, and the connection closed (what follows it is never read)."""
        self._refused = True
        self._disarm_head_timer()
        self.transport.write(
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: application/json; charset=utf-8\r\n"
            b"content-length: %d\r\nconnection: close\r\n\r\n%b" % (len(_TOO_LARGE), _TOO_LARGE)
        )
        self.transport.close()

    def _arm_head_timer(self) -> None:
        self._disarm_head_timer()
        self._head_timer = self.loop.call_later(self._limits.timeout, self._head_too_slow)

    def _disarm_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if not self.transport.is_closing():
            self.transport.close()

    def _start_asgi_task(self, cycle: RequestResponseCycle, app: Any) -> None:
        # uvicorn builds the cycle itself; the subclass adds only methods, so the instance can take its class.
        cycle.__class__ = PartnerCenterCycle
        super()._start_asgi_task(cycle, app)


class _ProbeTransport:
    """Enough of a transport for one response through the hook, kept in memory."""

    def __init__(self) -> None:
        self.written: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.written.append(data)

    def is_closing(self) -> bool:
        return False

    def close(self) -> None:
        pass

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


def hook_problem() -> str | None:
    """None when the hook works with the installed uvicorn; else why not, in one line.

    Sends one 2019 refusal through a PartnerCenterCycle into memory, as a request would, and checks the bytes.
    """
    version = uvicorn.__version__
    if ".".join(version.split(".")[:2]) != TESTED_UVICORN:
        return f"uvicorn {version} is installed, and the server hook is written for uvicorn {TESTED_UVICORN}.x"
    if not callable(getattr(HttpToolsProtocol, "_start_asgi_task", None)):
        return f"uvicorn {version}'s HttpToolsProtocol has no _start_asgi_task"
    transport = _ProbeTransport()
    try:
        cycle = PartnerCenterCycle(
            scope={
                "type": "http",
                "asgi": {"version": "3.0", "spec_version": "2.3"},
                "http_version": "1.1",
                "server": None,
                "client": None,
                "scheme": "http",
                "method": "GET",
                "root_path": "",
                "path": "/",
                "raw_path": b"/",
                "query_string": b"",
                "headers": [],
            },
            transport=transport,  # type: ignore[arg-type]
            flow=FlowControl(transport),  # type: ignore[arg-type]
            logger=logging.getLogger("uvicorn.error"),
            access_logger=logging.getLogger("uvicorn.access"),
            access_log=False,
            default_headers=[],
            message_event=asyncio.Event(),
            expect_100_continue=False,
            keep_alive=True,
            on_response=lambda: None,
        )
        for message in (
            {"type": "http.response.start", "status": 401, "reason": "Unauthorized - MFA required", "headers": []},
            {"type": "http.response.body", "body": b"", "more_body": False},
        ):
            with contextlib.suppress(StopIteration):
                cycle.send(message).send(None)  # nothing is awaited when the transport is not paused
    except Exception as exc:  # any change in uvicorn's cycle shows here
        return f"the server hook does not work with uvicorn {version}: {exc!r}"
    written = b"".join(transport.written)
    if not written.startswith(b"HTTP/1.1 401 Unauthorized - MFA required\r\n"):
        return f"the server hook does not write the reason phrase with uvicorn {version}"
    return None


def _loop_name() -> str:
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return "asyncio"
    return "uvloop"


def uvicorn_config(app: ASGIApp, config: Config, tls: ServerTLS | None = None, *, hook: bool = True) -> uvicorn.Config:
    served = uvicorn.Config(
        app,
        http=PartnerCenterHttpProtocol if hook else "httptools",
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
    # Read by PartnerCenterHttpProtocol: an attribute of our own on the Config it is handed.
    served.pcemu_head_limits = HeadLimits(config.max_head_bytes, config.max_header_fields, config.head_timeout)  # type: ignore[attr-defined]
    return served
