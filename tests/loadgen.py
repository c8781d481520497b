"""A small keep-alive HTTP/1.1 load client on asyncio streams: many connections, each sending requests in turn.

httpx's async client spends far more time per request than the emulator does, so a load test through it would
measure the client; this one only writes the request bytes and reads status, headers and body.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes

    def json(self) -> object:
        return json.loads(self.body)


async def _send(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, call: Call) -> Answer:
    lines = [f"{call.method} {call.path} HTTP/1.1", f"Host: {host}", f"Content-Length: {len(call.body)}"]
    lines += [f"{name}: {value}" for name, value in call.headers]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + call.body)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ", 2)[1])
    headers = {k.lower(): v for k, _, v in (line.partition(": ") for line in header_lines if line)}
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            body += chunk[:-2]
    else:
        body = b""
    return Answer(status, body)


async def run(url: str, calls: Sequence[Call], connections: int) -> list[Answer]:
    """Send every call, spread over `connections` keep-alive connections; answers in the order of `calls`."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    answers: list[Answer | None] = [None] * len(calls)
    next_index = 0

    async def worker() -> None:
        nonlocal next_index
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while next_index < len(calls):
                index = next_index
                next_index += 1
                answers[index] = await _send(reader, writer, f"{host}:{port}", calls[index])
        finally:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(connections)))
    return [a for a in answers if a is not None]
