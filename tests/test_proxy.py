"""The CONNECT proxy: emulated hosts are spliced to the target byte for byte, everything else is refused."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import socket
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from emulator.proxy import EMULATED_HOSTS, ESTABLISHED, ConnectProxy
from emulator.tls import certificate_builder

LOGIN = "login.microsoftonline.com"
API = "api.partnercenter.microsoft.com"
OK = b"HTTP/1.1 200 Connection Established\r\n\r\n"


def run(test: Callable[[], Awaitable[None]], limit: float = 5.0) -> None:
    """Run one async test with a hard limit, so a proxy bug fails the test instead of hanging the suite."""

    async def bounded() -> None:
        async with asyncio.timeout(limit):
            await test()

    asyncio.run(bounded())


def listening_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    return sock


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    writer.close()


@contextlib.asynccontextmanager
async def echo_server(tls: ssl.SSLContext | None = None) -> AsyncIterator[int]:
    """A stand-in for the emulator's HTTPS listener: it echoes, which shows bytes cross the proxy both ways."""
    server = await asyncio.start_server(_echo, "127.0.0.1", 0, ssl=tls)
    try:
        yield int(server.sockets[0].getsockname()[1])
    finally:
        server.close()


@contextlib.asynccontextmanager
async def proxy_to(target_port: int, **options: Any) -> AsyncIterator[tuple[ConnectProxy, int]]:
    proxy = ConnectProxy("127.0.0.1", target_port, **options)
    sock = listening_socket()
    port = int(sock.getsockname()[1])
    await proxy.start(sock)
    try:
        yield proxy, port
    finally:
        await proxy.close()


async def connect(port: int, request: bytes) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    return reader, writer


async def tunnel(port: int, host: str = LOGIN) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await connect(port, f"CONNECT {host}:443 HTTP/1.1\r\nHost: {host}:443\r\n\r\n".encode())
    assert await reader.readexactly(len(OK)) == OK
    return reader, writer


async def refusal(port: int, request: bytes) -> tuple[str, dict[str, str], str]:
    """Send a request and read the answer to the end: (status line, lower-cased headers, body)."""
    reader, writer = await connect(port, request)
    raw = await reader.read()  # to EOF: every refusal closes the connection
    writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value for name, value in (line.split(": ", 1) for line in lines)}
    assert headers["content-type"] == "text/plain; charset=utf-8"
    assert headers["connection"] == "close"
    assert int(headers["content-length"]) == len(body)
    return status, headers, body.decode("utf-8")


async def until(condition: Callable[[], bool], limit: float = 2.0) -> None:
    async with asyncio.timeout(limit):
        while not condition():
            await asyncio.sleep(0.01)


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A throwaway certificate naming the emulated hosts, like the one the emulator's HTTPS listener presents."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, LOGIN)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        certificate_builder(name, name, key.public_key(), (now, now + datetime.timedelta(hours=1)))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(LOGIN), x509.DNSName(API)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def test_emulated_hosts() -> None:
    assert sorted(EMULATED_HOSTS) == [API, "login.microsoft.com", LOGIN, "login.windows.net", "sts.windows.net"]
    assert OK == ESTABLISHED


@pytest.mark.parametrize("host", [LOGIN, API, "LOGIN.MicrosoftOnline.com"])
def test_connect_to_an_emulated_host_is_spliced_both_ways(host: str) -> None:
    async def test() -> None:
        async with echo_server() as target, proxy_to(target) as (proxy, port):
            reader, writer = await tunnel(port, host)
            assert proxy.tunnels == 1 and proxy.served == 1
            writer.write(b"ping")
            assert await reader.readexactly(4) == b"ping"
            # More than the buffers hold, read while it is written: flow control must carry it, not memory.
            payload = bytes(range(256)) * 8192  # 2 MiB
            writer.write(payload)
            assert await reader.readexactly(len(payload)) == payload
            writer.close()
            await until(lambda: proxy.tunnels == 0)
            assert proxy.refused == 0

    run(test)


def test_bytes_sent_right_behind_the_request_head_are_forwarded() -> None:
    async def test() -> None:
        async with echo_server() as target, proxy_to(target) as (_, port):
            reader, writer = await connect(port, f"CONNECT {API}:443 HTTP/1.1\r\n\r\nearly".encode())
            assert await reader.readexactly(len(OK) + 5) == OK + b"early"
            writer.close()

    run(test)


def test_tls_is_carried_end_to_end(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(cert, key)
    client_tls = ssl.create_default_context(cafile=str(cert))

    async def test() -> None:
        async with echo_server(server_tls) as target, proxy_to(target) as (proxy, port):
            reader, writer = await tunnel(port, LOGIN)
            await writer.start_tls(client_tls, server_hostname=LOGIN)
            tls = writer.get_extra_info("ssl_object")
            assert isinstance(tls, ssl.SSLObject)
            peer = tls.getpeercert()
            assert peer is not None and ("DNS", LOGIN) in peer["subjectAltName"]
            writer.write(b"GET / HTTP/1.1\r\nHost: login.microsoftonline.com\r\n\r\n")
            assert await reader.readuntil(b"\r\n\r\n") == b"GET / HTTP/1.1\r\nHost: login.microsoftonline.com\r\n\r\n"
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
            await until(lambda: proxy.tunnels == 0)

    run(test)


@pytest.mark.parametrize(
    ("authority", "named"),
    [
        ("example.com:443", "example.com:443"),
        (f"{LOGIN}:80", f"{LOGIN}:80"),
        (f"{API}:8443", f"{API}:8443"),
        ("[::1]:443", "[::1]:443"),
        ("127.0.0.1:443", "127.0.0.1:443"),
    ],
)
def test_other_destinations_are_refused_with_502(authority: str, named: str) -> None:
    async def test() -> None:
        async with echo_server() as target, proxy_to(target) as (proxy, port):
            status, _, body = await refusal(port, f"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n\r\n".encode())
            assert status == "HTTP/1.1 502 Bad Gateway"
            assert body.startswith(f"pcemu proxy: {named} is not an emulated host (")
            assert LOGIN in body and API in body and "never reaches the internet" in body
            assert (proxy.served, proxy.refused, proxy.tunnels) == (0, 1, 0)

    run(test)


def test_plain_http_proxy_requests_are_refused_with_405() -> None:
    async def test() -> None:
        async with echo_server() as target, proxy_to(target) as (proxy, port):
            request = f"GET http://{LOGIN}/common/discovery HTTP/1.1\r\nHost: {LOGIN}\r\n\r\n".encode()
            status, headers, body = await refusal(port, request)
            assert status == "HTTP/1.1 405 Method Not Allowed"
            assert headers["allow"] == "CONNECT"
            assert "GET is not supported" in body and "https://" in body
            assert proxy.refused == 1

    run(test)


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"hello\r\n\r\n",
        b"CONNECT login.microsoftonline.com:443\r\n\r\n",
        b"CONNECT login.microsoftonline.com:443 HTTP/2.0\r\n\r\n",
        b"CONNECT login.microsoftonline.com HTTP/1.1\r\n\r\n",
        b"CONNECT login.microsoftonline.com:99999 HTTP/1.1\r\n\r\n",
        b"CONNECT ::1:443 HTTP/1.1\r\n\r\n",
        b"CONNECT \xff:443 HTTP/1.1\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",  # a ClientHello sent to the proxy itself: no wait for a head
    ],
)
def test_garbage_is_refused_with_400(request_bytes: bytes) -> None:
    async def test() -> None:
        async with echo_server() as target, proxy_to(target) as (proxy, port):
            status, _, body = await refusal(port, request_bytes)
            assert status == "HTTP/1.1 400 Bad Request"
            assert body.startswith("pcemu proxy: ")
            assert proxy.refused == 1

    run(test)


def test_an_oversized_head_is_refused_and_closed() -> None:
    async def test() -> None:
        async with echo_server() as target, proxy_to(target) as (proxy, port):
            request = f"CONNECT {LOGIN}:443 HTTP/1.1\r\nX-Filler: {'a' * 20000}\r\n\r\n".encode()
            status, _, _ = await refusal(port, request)
            assert status == "HTTP/1.1 431 Request Header Fields Too Large"
            assert (proxy.served, proxy.refused) == (0, 1)

    run(test)


def test_a_silent_client_is_closed_after_the_handshake_timeout() -> None:
    async def test() -> None:
        async with echo_server() as target, proxy_to(target, handshake_timeout=0.3) as (proxy, port):
            started = time.monotonic()
            status, _, _ = await refusal(port, b"")
            elapsed = time.monotonic() - started
            assert status == "HTTP/1.1 408 Request Timeout"
            assert 0.25 <= elapsed < 2.0
            # A half-sent head is timed out the same way.
            status, _, _ = await refusal(port, f"CONNECT {LOGIN}:443 HTTP/1.1\r\n".encode())
            assert status == "HTTP/1.1 408 Request Timeout"
            assert (proxy.served, proxy.refused) == (0, 2)

    run(test)


def test_an_unreachable_target_is_a_502() -> None:
    async def test() -> None:
        async with proxy_to(free_port()) as (proxy, port):
            status, _, body = await refusal(port, f"CONNECT {LOGIN}:443 HTTP/1.1\r\n\r\n".encode())
            assert status == "HTTP/1.1 502 Bad Gateway"
            assert "could not be reached" in body
            assert (proxy.served, proxy.refused, proxy.tunnels) == (0, 1, 0)

    run(test)


def test_clients_that_hang_up_never_break_the_proxy() -> None:
    async def test() -> None:
        async with echo_server() as target, proxy_to(target) as (proxy, port):
            # Mid-tunnel, with a reset rather than a polite close.
            reader, writer = await tunnel(port)
            writer.write(b"x" * 100000)
            writer.transport.abort()
            await until(lambda: proxy.tunnels == 0)
            # Mid-handshake.
            _, writer = await connect(port, b"CONNECT login.microsoft")
            writer.close()
            _, writer = await connect(port, b"")
            writer.transport.abort()
            # The next client is served as usual.
            reader, writer = await tunnel(port, API)
            writer.write(b"still here")
            assert await reader.readexactly(10) == b"still here"
            writer.close()
            await until(lambda: proxy.tunnels == 0)
            assert proxy.served == 2

    run(test)


def test_an_idle_tunnel_is_closed() -> None:
    async def test() -> None:
        async with echo_server() as target, proxy_to(target, idle_timeout=0.3) as (proxy, port):
            reader, writer = await tunnel(port)
            # Traffic keeps the tunnel open well past the idle timeout...
            for _ in range(4):
                await asyncio.sleep(0.15)
                writer.write(b".")
                assert await reader.readexactly(1) == b"."
            assert proxy.tunnels == 1
            # ...silence ends it.
            started = time.monotonic()
            assert await reader.read() == b""
            assert 0.25 <= time.monotonic() - started < 2.0
            await until(lambda: proxy.tunnels == 0)
            writer.close()

    run(test)


def test_close_ends_open_tunnels_and_stops_accepting() -> None:
    async def test() -> None:
        async with echo_server() as target:
            proxy = ConnectProxy("127.0.0.1", target)
            sock = listening_socket()
            port = int(sock.getsockname()[1])
            await proxy.start(sock)
            clients = [await tunnel(port, host) for host in (LOGIN, API)]
            _, waiting = await connect(port, b"CONNECT ")  # one still in its handshake
            assert proxy.tunnels == 2
            await proxy.close()
            assert proxy.tunnels == 0
            for reader, writer in clients:
                with contextlib.suppress(ConnectionResetError):
                    assert await reader.read() == b""
                writer.close()
            waiting.close()
            with pytest.raises(OSError):
                await asyncio.open_connection("127.0.0.1", port)
            await proxy.close()  # a second close is harmless

    run(test)
