"""An HTTP CONNECT proxy that tunnels the emulated Microsoft hosts to the emulator's own HTTPS listener.

Unmodified clients (MSAL, azure-identity, requests, the Partner Center SDKs) call https://login.microsoftonline.com
and https://api.partnercenter.microsoft.com. With HTTPS_PROXY=http://127.0.0.1:PORT they send
``CONNECT login.microsoftonline.com:443 HTTP/1.1``; the proxy answers 200 and splices the raw bytes (the client's TLS)
to the emulator's HTTPS listener, whose certificate names those hosts. Every other destination is refused: the proxy
never reaches the internet, and it never sees plaintext, so it never logs payload bytes (they may hold tokens).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import socket
from collections.abc import Iterable

log = logging.getLogger("emulator.proxy")

# Entra's host and the aliases older code still uses (login.windows.net, sts.windows.net, login.microsoft.com),
# and Partner Center's.
EMULATED_HOSTS: frozenset[str] = frozenset(
    {
        "login.microsoftonline.com",
        "login.windows.net",
        "login.microsoft.com",
        "sts.windows.net",
        "api.partnercenter.microsoft.com",
    }
)

MAX_HEAD = 16 * 1024
TUNNEL_PORT = 443
ESTABLISHED = b"HTTP/1.1 200 Connection Established\r\n\r\n"

_CHUNK = 65536
_HEAD_END = re.compile(rb"\r?\n\r?\n")
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_VERSION = re.compile(r"HTTP/1\.[0-9]")
_PORT = re.compile(r"[0-9]{1,5}")
_METHOD_START = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
# After an error answer, bytes the client already sent are read and dropped for a moment: closing a socket with unread
# data makes the kernel send a reset, which can destroy the answer before the client reads it.
_LINGER_SECONDS = 1.0
_LINGER_BYTES = 1 << 20
# A peer that never reads must not hold a close (and so ConnectProxy.close) forever.
_CLOSE_SECONDS = 5.0


class _Refusal(Exception):
    """An error answer: status line, a plain-text message and any extra headers."""

    def __init__(self, status: int, reason: str, message: str, headers: tuple[tuple[str, str], ...] = ()) -> None:
        super().__init__(f"{status} {reason}")
        self.status, self.reason, self.message, self.headers = status, reason, message, headers

    def encode(self) -> bytes:
        body = (self.message + "\n").encode("utf-8")
        lines = [
            f"HTTP/1.1 {self.status} {self.reason}",
            "Content-Type: text/plain; charset=utf-8",
            f"Content-Length: {len(body)}",
            "Connection: close",
            *(f"{name}: {value}" for name, value in self.headers),
        ]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def _normalize(host: str) -> str:
    return host.strip().lower().removesuffix(".")


def _split_authority(target: str) -> tuple[str, int] | None:
    """``host:port`` or ``[v6]:port`` → (lower-case host without brackets, port); None if malformed."""
    if target.startswith("["):
        host, sep, rest = target[1:].partition("]")
        if not sep or not rest.startswith(":"):
            return None
        port = rest[1:]
    else:
        host, sep, port = target.rpartition(":")
        if not sep or ":" in host:  # an IPv6 literal must be bracketed
            return None
    if not host or not _PORT.fullmatch(port) or not 0 < int(port) < 65536:
        return None
    return _normalize(host), int(port)


def _destination(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _peer(writer: asyncio.StreamWriter) -> str:
    peer = writer.get_extra_info("peername")
    return f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) and len(peer) >= 2 else "?"


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    try:
        async with asyncio.timeout(_CLOSE_SECONDS):
            await writer.wait_closed()
    except Exception:  # the error that ended the connection, or a peer that never reads: nothing left to save
        writer.transport.abort()


class ConnectProxy:
    """Answers ``CONNECT <emulated host>:443`` by splicing the connection to (target_host, target_port).

    ``tunnels`` counts open tunnels, ``served`` the CONNECTs accepted, ``refused`` the requests answered with an error.
    """

    def __init__(
        self,
        target_host: str,
        target_port: int,
        *,
        hosts: Iterable[str] = EMULATED_HOSTS,
        idle_timeout: float = 120.0,
        handshake_timeout: float = 10.0,
    ) -> None:
        if idle_timeout <= 0 or handshake_timeout <= 0:
            raise ValueError("timeouts must be positive")
        self._target_host, self._target_port = target_host, target_port
        self._hosts = frozenset(_normalize(h) for h in hosts)
        self._listing = ", ".join(sorted(self._hosts))
        self._idle_timeout, self._handshake_timeout = idle_timeout, handshake_timeout
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()
        self._tunnels = self._served = self._refused = 0

    @property
    def hosts(self) -> frozenset[str]:
        return self._hosts

    @property
    def tunnels(self) -> int:
        return self._tunnels

    @property
    def served(self) -> int:
        return self._served

    @property
    def refused(self) -> int:
        return self._refused

    async def start(self, sock: socket.socket) -> None:
        """Serve on a bound, listening socket and return; the server owns the socket from now on."""
        if self._server is not None:
            raise RuntimeError("the proxy is already started")
        self._server = await asyncio.start_server(self._accept, sock=sock)

    async def close(self) -> None:
        """Stop accepting, end every open tunnel and handshake, and wait until they are gone."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
        while self._handlers:
            handlers = list(self._handlers)
            for task in handlers:
                task.cancel()
            await asyncio.gather(*handlers, return_exceptions=True)
        if server is not None:
            await server.wait_closed()

    def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # Registered synchronously, so close() also reaches a handler that was accepted but has not run yet.
        task = asyncio.get_running_loop().create_task(self._handle(reader, writer))
        self._handlers.add(task)

        def done(task: asyncio.Task[None]) -> None:
            self._handlers.discard(task)
            if not writer.is_closing():  # cancelled before it ever ran
                writer.transport.abort()

        task.add_done_callback(done)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = _peer(writer)
        try:
            await self._serve(reader, writer, peer)
        except (OSError, asyncio.IncompleteReadError, TimeoutError) as exc:  # ConnectionError is an OSError
            log.debug("proxy: %s: connection ended (%s)", peer, type(exc).__name__)
        except Exception:
            log.exception("proxy: %s: unexpected error", peer)
        finally:
            await _close(writer)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, peer: str) -> None:
        try:
            try:
                async with asyncio.timeout(self._handshake_timeout):
                    request = await self._read_head(reader)
            except TimeoutError:
                raise _Refusal(
                    408, "Request Timeout", f"pcemu proxy: no request head within {self._handshake_timeout:g} s."
                ) from None
            if request is None:
                log.debug("proxy: %s: hung up before a complete request head", peer)
                return
            head, early = request
            host, port = self._parse(head)
            try:
                async with asyncio.timeout(self._handshake_timeout):
                    target_reader, target_writer = await asyncio.open_connection(self._target_host, self._target_port)
            except (OSError, TimeoutError) as exc:
                raise _Refusal(
                    502,
                    "Bad Gateway",
                    f"pcemu proxy: the emulator's HTTPS listener at {self._target_host}:{self._target_port} "
                    f"could not be reached ({type(exc).__name__}).",
                ) from None
        except _Refusal as refusal:
            self._refused += 1
            log.debug("proxy: %s: %s %s", peer, refusal.status, refusal.reason)
            await self._answer(reader, writer, refusal)
            return
        await self._tunnel(reader, writer, target_reader, target_writer, early, _destination(host, port), peer)

    @staticmethod
    async def _read_head(reader: asyncio.StreamReader) -> tuple[bytes, bytes] | None:
        """(request head, bytes sent after it) or None if the client hung up first."""
        buf = bytearray()
        while True:
            chunk = await reader.read(_CHUNK)
            if not chunk:
                return None
            start = max(0, len(buf) - 3)  # the terminator may straddle two reads
            buf += chunk
            if buf[0] not in _METHOD_START:  # fail fast, e.g. a client speaking TLS to the proxy itself
                hint = " (this looks like TLS: the proxy URL must be http://, not https://)" if buf[0] == 0x16 else ""
                raise _Refusal(400, "Bad Request", f"pcemu proxy: the request is not HTTP{hint}.")
            end = _HEAD_END.search(buf, start)
            if end is not None and end.end() <= MAX_HEAD:
                return bytes(buf[: end.start()]), bytes(buf[end.end() :])
            if end is not None or len(buf) > MAX_HEAD:
                raise _Refusal(
                    431, "Request Header Fields Too Large", f"pcemu proxy: the request head exceeds {MAX_HEAD} bytes."
                )

    def _parse(self, head: bytes) -> tuple[str, int]:
        """The CONNECT destination, or a _Refusal; headers (Proxy-Authorization among them) are ignored."""
        line = head.split(b"\n", 1)[0].rstrip(b"\r")
        try:
            parts = line.decode("ascii").split(" ")
        except UnicodeDecodeError:
            parts = []
        if len(parts) != 3 or not _TOKEN.fullmatch(parts[0]) or not _VERSION.fullmatch(parts[2]):
            raise _Refusal(
                400, "Bad Request", "pcemu proxy: malformed request line; expected CONNECT host:443 HTTP/1.1."
            )
        method, target, _ = parts
        if method != "CONNECT":
            raise _Refusal(
                405,
                "Method Not Allowed",
                f"pcemu proxy: {method} is not supported; only CONNECT to {self._listing} (port {TUNNEL_PORT}) is "
                "tunnelled, so call https:// URLs. This proxy never reaches the internet.",
                (("Allow", "CONNECT"),),
            )
        authority = _split_authority(target)
        if authority is None:
            raise _Refusal(400, "Bad Request", f"pcemu proxy: CONNECT needs host:port, got {target!r}.")
        host, port = authority
        if host not in self._hosts or port != TUNNEL_PORT:
            raise _Refusal(
                502,
                "Bad Gateway",
                f"pcemu proxy: {_destination(host, port)} is not an emulated host ({self._listing}; port "
                f"{TUNNEL_PORT} only); this proxy never reaches the internet.",
            )
        return host, port

    async def _answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, refusal: _Refusal) -> None:
        writer.write(refusal.encode())
        async with asyncio.timeout(self._handshake_timeout):
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()  # the client sees the end of the answer now, whatever the linger below does
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(min(_LINGER_SECONDS, self._handshake_timeout)):
                dropped = 0
                while dropped < _LINGER_BYTES and (chunk := await reader.read(_CHUNK)):
                    dropped += len(chunk)

    async def _tunnel(
        self,
        client_reader: asyncio.StreamReader,
        client_writer: asyncio.StreamWriter,
        target_reader: asyncio.StreamReader,
        target_writer: asyncio.StreamWriter,
        early: bytes,
        destination: str,
        peer: str,
    ) -> None:
        loop = asyncio.get_running_loop()
        last = loop.time()
        moved = {"up": 0, "down": 0}  # byte counts for the debug log; the bytes themselves are never logged

        async def pump(source: asyncio.StreamReader, sink: asyncio.StreamWriter, direction: str) -> None:
            nonlocal last
            while chunk := await source.read(_CHUNK):
                last = loop.time()
                moved[direction] += len(chunk)
                sink.write(chunk)
                await sink.drain()

        self._served += 1
        self._tunnels += 1
        log.debug("proxy: %s: tunnel to %s open", peer, destination)
        ending = "closed"
        try:
            client_writer.write(ESTABLISHED)
            if early:  # bytes the client sent right behind the request head (a ClientHello that did not wait)
                moved["up"] += len(early)
                target_writer.write(early)
            pumps = [
                loop.create_task(pump(client_reader, target_writer, "up")),
                loop.create_task(pump(target_reader, client_writer, "down")),
            ]
            try:
                # Until either side closes (or fails), or no byte moved either way for idle_timeout.
                while (remaining := last + self._idle_timeout - loop.time()) > 0:
                    done, _ = await asyncio.wait(pumps, timeout=remaining, return_when=asyncio.FIRST_COMPLETED)
                    if done:
                        break
                else:
                    ending = "idle"
            finally:
                for task in pumps:
                    task.cancel()
                await asyncio.gather(*pumps, return_exceptions=True)
        finally:
            await _close(target_writer)
            self._tunnels -= 1
            log.debug(
                "proxy: %s: tunnel to %s %s (%d bytes up, %d down)",
                peer,
                destination,
                ending,
                moved["up"],
                moved["down"],
            )
