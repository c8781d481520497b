"""Responses on the wire: the head and a small body leave in one write; HEAD, large bodies and keep-alive."""

from __future__ import annotations

import socket
from typing import Any

from emulator.app import EmulatorApp
from emulator.config import Config
from emulator.keys import generate_key
from emulator.server import _HeldHead
from emulator.state import EmulatorState
from tests.live import serving


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

    def get_extra_info(self, name: str) -> Any:
        return ("127.0.0.1", 1) if name == "peername" else None


def test_head_and_small_body_leave_together() -> None:
    wire = Recorder()
    held = _HeldHead(wire)  # type: ignore[arg-type]
    held.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
    assert wire.writes == []
    held.write(b"{}")
    held.write(b"more")
    assert wire.writes == [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}", b"more"]
    assert held.get_extra_info("peername") == ("127.0.0.1", 1)


def test_large_body_is_not_copied_behind_the_head() -> None:
    wire = Recorder()
    held = _HeldHead(wire)  # type: ignore[arg-type]
    body = b"x" * (256 * 1024 + 1)
    held.write(b"HTTP/1.1 200 OK\r\n\r\n")
    held.write(body)
    assert wire.writes == [b"HTTP/1.1 200 OK\r\n\r\n", body]


def test_head_without_body_is_flushed_and_on_close() -> None:
    wire = Recorder()
    held = _HeldHead(wire)  # type: ignore[arg-type]
    held.write(b"HTTP/1.1 204 No Content\r\n\r\n")
    held.flush()
    held.flush()
    assert wire.writes == [b"HTTP/1.1 204 No Content\r\n\r\n"]
    closing = Recorder()
    held = _HeldHead(closing)  # type: ignore[arg-type]
    held.write(b"HTTP/1.1 200 OK\r\n\r\n")
    held.close()
    assert closing.writes == [b"HTTP/1.1 200 OK\r\n\r\n"] and closing.closed


def test_head_is_not_written_to_a_connection_the_client_closed() -> None:
    gone = Recorder()
    held = _HeldHead(gone)  # type: ignore[arg-type]
    held.write(b"HTTP/1.1 200 OK\r\n\r\n")
    gone.closed = True
    held.flush()  # uvloop raises on a write to a closed transport; this must not
    assert gone.writes == []


def test_reason_phrase_rewrites_only_the_status_line() -> None:
    wire = Recorder()
    held = _HeldHead(wire, b"HTTP/1.1 401 Unauthorized\r\n", b"HTTP/1.1 401 Unauthorized - MFA required\r\n")  # type: ignore[arg-type]
    held.write(b"HTTP/1.1 401 Unauthorized\r\nx: HTTP/1.1 401 Unauthorized\r\n\r\n")
    held.write(b"0\r\n\r\n")
    assert wire.writes == [b"HTTP/1.1 401 Unauthorized - MFA required\r\nx: HTTP/1.1 401 Unauthorized\r\n\r\n0\r\n\r\n"]


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
                b"GET /_emulator/health HTTP/1.1\r\nHost: x\r\n\r\n",
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
