"""Responses on the wire: the head and a small body leave in one write; HEAD, large bodies and keep-alive."""

from __future__ import annotations

import asyncio
import logging
import re
import socket
from types import SimpleNamespace
from typing import Any

import pytest

from emulator.app import EmulatorApp
from emulator.config import Config
from emulator.faults import DROP
from emulator.keys import generate_key
from emulator.listeners import bind
from emulator.server import PartnerCenterCycle
from emulator.state import EmulatorState
from tests.helpers import serving


class Recorder:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(bytes(data))

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed


def cycle(wire: Recorder, method: str = "GET", *, keep_alive: bool = True) -> PartnerCenterCycle:
    scope: Any = {"type": "http", "method": method, "http_version": "1.1", "path": "/", "query_string": b""}
    return PartnerCenterCycle(
        scope=scope,
        transport=wire,  # type: ignore[arg-type]
        flow=SimpleNamespace(write_paused=False),  # type: ignore[arg-type]
        logger=logging.getLogger("test"),
        access_logger=logging.getLogger("test.access"),
        access_log=False,
        default_headers=[(b"date", b"Sat, 28 Nov 2026 15:00:00 GMT")],
        message_event=asyncio.Event(),
        expect_100_continue=False,
        keep_alive=keep_alive,
        on_response=lambda: None,
    )


def start(status: int, *headers: tuple[bytes, bytes], **extra: Any) -> dict[str, Any]:
    return {"type": "http.response.start", "status": status, "headers": list(headers), **extra}


def body(data: bytes, more: bool = False) -> dict[str, Any]:
    return {"type": "http.response.body", "body": data, "more_body": more}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


DATE = b"date: Sat, 28 Nov 2026 15:00:00 GMT\r\n"


@pytest.mark.anyio
async def test_head_and_small_body_leave_together() -> None:
    wire = Recorder()
    answer = cycle(wire)
    await answer.send(start(200, (b"Content-Length", b"6"), (b"X-Tab", b"a\tb")))
    assert wire.writes == []
    await answer.send(body(b"{}", more=True))
    await answer.send(body(b"more"))
    assert wire.writes == [
        b"HTTP/1.1 200 OK\r\n" + DATE + b"content-length: 6\r\nx-tab: a\tb\r\n\r\n{}",
        b"more",
    ]
    assert answer.response_complete and not wire.closed


@pytest.mark.anyio
async def test_large_body_is_not_copied_behind_the_head() -> None:
    wire = Recorder()
    answer = cycle(wire, keep_alive=False)
    data = b"x" * (256 * 1024 + 1)
    await answer.send(start(200, (b"content-length", str(len(data)).encode())))
    await answer.send(body(data))
    head = b"HTTP/1.1 200 OK\r\n" + DATE + b"content-length: 262145\r\nconnection: close\r\n\r\n"
    assert wire.writes == [head, data] and wire.closed


@pytest.mark.anyio
async def test_head_request_writes_the_head_alone() -> None:
    wire = Recorder()
    answer = cycle(wire, "HEAD")
    await answer.send(start(200, (b"content-length", b"5")))
    await answer.send(body(b""))
    assert wire.writes == [b"HTTP/1.1 200 OK\r\n" + DATE + b"content-length: 5\r\n\r\n"]


@pytest.mark.anyio
async def test_reason_phrase_rewrites_only_the_status_line_and_chunks_an_empty_body() -> None:
    wire = Recorder()
    answer = cycle(wire)
    await answer.send(start(401, (b"x", b"HTTP/1.1 401 Unauthorized"), reason="Unauthorized - MFA required"))
    await answer.send(body(b""))
    assert wire.writes == [
        b"HTTP/1.1 401 Unauthorized - MFA required\r\n"
        + DATE
        + b"x: HTTP/1.1 401 Unauthorized\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n"
    ]


@pytest.mark.anyio
async def test_reason_phrase_with_a_line_break_is_refused() -> None:
    with pytest.raises(ValueError, match="line breaks"):
        await cycle(Recorder()).send(start(401, reason="Unauthorized\r\nSet-Cookie: x"))


@pytest.mark.anyio
async def test_drop_closes_without_a_byte() -> None:
    wire = Recorder()
    answer = cycle(wire)
    await answer.send(start(500, **{DROP: True}))
    await answer.send(body(b""))
    assert wire.writes == [] and wire.closed and answer.disconnected


@pytest.mark.anyio
async def test_nothing_is_written_once_the_client_left() -> None:
    wire = Recorder()
    answer = cycle(wire)
    await answer.send(start(200, (b"content-length", b"2")))
    answer.disconnected = True  # uvicorn sets this when the connection is lost; uvloop raises on a later write
    await answer.send(body(b"{}"))
    assert wire.writes == []


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("header", "problem"),
    [
        ((b"bad name", b"v"), "Invalid HTTP header name."),
        ((b"x:y", b"v"), "Invalid HTTP header name."),
        ((b"x", b"a\r\nset-cookie: s=1"), "Invalid HTTP header value."),
        ((b"x", b"\x00"), "Invalid HTTP header value."),
    ],
)
async def test_header_injection_is_refused(header: tuple[bytes, bytes], problem: str) -> None:
    wire = Recorder()
    with pytest.raises(RuntimeError, match=re.escape(problem)):
        await cycle(wire).send(start(200, (b"content-length", b"0"), header))
    assert wire.writes == []


@pytest.mark.anyio
async def test_content_length_is_enforced() -> None:
    with pytest.raises(RuntimeError, match="longer than Content-Length"):
        answer = cycle(Recorder())
        await answer.send(start(200, (b"content-length", b"1")))
        await answer.send(body(b"{}"))
    with pytest.raises(RuntimeError, match="shorter than Content-Length"):
        answer = cycle(Recorder())
        await answer.send(start(200, (b"content-length", b"3")))
        await answer.send(body(b"{}"))


def read_response(
    sock: socket.socket, buffer: bytearray, *, head_only: bool = False
) -> tuple[bytes, dict[bytes, bytes], bytes]:
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        assert chunk, "connection closed before a whole head"
        buffer += chunk
    head, _, rest = bytes(buffer).partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    headers = {k.lower(): v for k, _, v in (line.partition(b": ") for line in lines[1:])}
    length = 0 if head_only else int(headers.get(b"content-length", b"0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        assert chunk, "connection closed before the whole body"
        rest += chunk
    buffer[:] = rest[length:]
    return lines[0], headers, rest[:length]


def test_keep_alive_connection_with_head_small_and_large_bodies() -> None:
    app = EmulatorApp(EmulatorState(Config(in_memory_key=True), key=generate_key()))
    with serving(app) as url:
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            buffer = bytearray()
            requests = [
                b"GET /_emulator/health HTTP/1.1\r\nHost: localhost\r\n\r\n",
                b"HEAD /openapi.json HTTP/1.1\r\nHost: x\r\n\r\n",
                b"GET /openapi.json HTTP/1.1\r\nHost: x\r\n\r\n",
                b"GET /v1/customers HTTP/1.1\r\nHost: x\r\n\r\n",
            ]
            sock.sendall(b"".join(requests))  # pipelined: each answer must end exactly where it says
            status, _, health = read_response(sock, buffer)
            assert status == b"HTTP/1.1 200 OK" and health.startswith(b"{")
            status, head_headers, _ = read_response(sock, buffer, head_only=True)
            assert status == b"HTTP/1.1 200 OK"
            status, headers, document = read_response(sock, buffer)
            assert status == b"HTTP/1.1 200 OK"
            assert headers[b"content-length"] == head_headers[b"content-length"] == str(len(document)).encode()
            assert document.startswith(b'{"openapi":')
            status, headers, refusal = read_response(sock, buffer)
            assert status == b"HTTP/1.1 401 Unauthorized"
            assert headers[b"www-authenticate"] == b'Bearer error="invalid_token"'
            assert refusal == (
                b'{"code":800001,"description":"Partner Token missing in request context: the request has no '
                b'Authorization header","data":[],"source":"PartnerFD"}'
            )
            assert buffer == b""


async def fails_after_starting(scope: Any, receive: Any, send: Any) -> None:
    await send(start(200, (b"content-length", b"1")))
    raise ValueError("a bug after the start")


async def sends_too_long_a_body(scope: Any, receive: Any, send: Any) -> None:
    await send(start(200, (b"content-length", b"1")))
    await send(body(b"{}"))


@pytest.mark.anyio
@pytest.mark.parametrize("app", [fails_after_starting, sends_too_long_a_body])
async def test_head_goes_out_before_the_close_when_the_app_fails(app: Any) -> None:
    wire = Recorder()
    await cycle(wire).run_asgi(app)
    assert wire.writes == [b"HTTP/1.1 200 OK\r\n" + DATE + b"content-length: 1\r\n\r\n"] and wire.closed


@pytest.mark.anyio
async def test_a_reason_phrase_that_cannot_be_written_gets_a_500() -> None:
    async def bad_phrase(scope: Any, receive: Any, send: Any) -> None:
        await send(start(401, reason="Unauthorized \u2013 MFA"))  # an en dash: not latin-1

    wire = Recorder()
    await cycle(wire).run_asgi(bad_phrase)
    assert wire.writes == [
        b"HTTP/1.1 500 Internal Server Error\r\n"
        + DATE
        + b"content-type: text/plain; charset=utf-8\r\ncontent-length: 21\r\nconnection: close\r\n\r\n"
        + b"Internal Server Error"
    ]


def test_listening_sockets_are_not_inherited() -> None:
    sock = bind("127.0.0.1", 0)
    try:
        assert not sock.get_inheritable()  # a child process (the signing worker) must not hold the port
    finally:
        sock.close()
