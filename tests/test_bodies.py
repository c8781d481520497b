"""Bodies are refused at the route's limit as they come: a declared Content-Length over it before a byte is read,
a streamed body as soon as it passes it (emulator.bodies). Nothing over the limit is held in memory."""

from __future__ import annotations

import json
import socket

import pytest

from emulator.app import EmulatorApp
from tests.helpers import app_token, serving

HUGE = 10_000_000_000


def _send(url: str, head: str, body: bytes = b"") -> tuple[int, dict[str, object]]:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head.encode() + b"\r\n" + body)
        data = b""
        while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    head_bytes, _, rest = data.partition(b"\r\n\r\n")
    status = int(head_bytes.split(b" ")[1])
    if b"transfer-encoding: chunked" in head_bytes.lower():
        rest = rest.split(b"\r\n", 1)[1].rsplit(b"\r\n0\r\n", 1)[0]
    return status, json.loads(rest)


@pytest.mark.parametrize(
    ("path", "limit", "expected"),
    [
        (
            "/v1/customers",
            1048576,
            {
                "code": 800002,
                "description": "Invalid request input: the body is larger than 1048576 bytes.",
                "data": [],
                "source": "PartnerFD",
            },
        ),
        (
            "/_emulator/faults",
            65536,
            {"error": "body_too_large", "message": "the request body is larger than 65536 bytes"},
        ),
    ],
)
def test_a_declared_length_over_the_limit_is_refused_before_the_body_comes(
    emulator_app: EmulatorApp, path: str, limit: int, expected: dict[str, object]
) -> None:
    token = app_token(emulator_app.state)
    with serving(emulator_app) as url:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {HUGE}\r\n"
        )
        status, body = _send(url, head, b"{}")  # three bytes of ten gigabytes: the answer comes anyway
        assert (status, body) == (413, expected)
        chunk = b"a" * 65536
        streamed = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(limit // len(chunk) + 1))
        head = head.replace(f"Content-Length: {HUGE}", "Transfer-Encoding: chunked")
        status, body = _send(url, head, streamed)  # no end: refused as soon as the limit is passed
        assert (status, body) == (413, expected)
