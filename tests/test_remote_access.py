"""Another host against the control surface. Two network namespaces of the test's own, joined by a veth pair with
documentation addresses (192.0.2.0/30) and removed afterwards, play the emulator's host and another host; no other
traffic. The emulator listens on every address of its host; the other host gets Partner Center and Entra, and
never the control API or the console: not directly, and not through the proxy."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

pytestmark = pytest.mark.heavy

HOST_ADDRESS, OTHER_ADDRESS = "192.0.2.1", "192.0.2.2"


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def hosts() -> Iterator[tuple[str, str]]:
    """(the emulator's host, another host): two network namespaces joined by a veth pair."""
    if os.geteuid() != 0 or subprocess.run(["which", "ip"], capture_output=True).returncode != 0:
        pytest.skip("network namespaces need root and iproute2")
    tag = os.getpid() % 100000
    server, other = f"pcemu-{tag}-host", f"pcemu-{tag}-other"
    try:
        _ip("netns", "add", server)
        _ip("netns", "add", other)
        _ip("link", "add", f"pce{tag}a", "type", "veth", "peer", "name", f"pce{tag}b")
        for namespace, device, address in ((server, f"pce{tag}a", HOST_ADDRESS), (other, f"pce{tag}b", OTHER_ADDRESS)):
            _ip("link", "set", device, "netns", namespace)
            _ip("netns", "exec", namespace, "ip", "addr", "add", f"{address}/30", "dev", device)
            _ip("netns", "exec", namespace, "ip", "link", "set", device, "up")
            _ip("netns", "exec", namespace, "ip", "link", "set", "lo", "up")
    except subprocess.CalledProcessError as exc:
        for namespace in (server, other):
            subprocess.run(["ip", "netns", "del", namespace], capture_output=True)
        pytest.skip(f"cannot make network namespaces here: {exc.stderr.decode().strip()}")
    try:
        yield server, other
    finally:
        for namespace in (server, other):  # the veth pair goes with them
            subprocess.run(["ip", "netns", "del", namespace], capture_output=True)
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    assert server not in listed and other not in listed


# The client the other host runs: plain sockets and ssl, one request, the status and body printed as JSON.
CLIENT = r"""
import json, socket, ssl, sys
target, port, path, host, proxy, ca, method, headers = json.loads(sys.argv[1])
sock = socket.create_connection((target, port), timeout=10)
if proxy:
    sock.sendall(f"CONNECT {host}:443 HTTP/1.1\r\nHost: {host}:443\r\n\r\n".encode())
    assert sock.recv(4096).startswith(b"HTTP/1.1 200")
    sock = ssl.create_default_context(cafile=ca).wrap_socket(sock, server_hostname=host)
extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
sock.sendall(f"{method} {path} HTTP/1.1\r\nHost: {host}\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n".encode())
data = b""
while chunk := sock.recv(65536):
    data += chunk
head, _, body = data.partition(b"\r\n\r\n")
print(json.dumps({"status": int(head.split(b" ")[1]), "body": body.decode(errors="replace")}))
"""


def _from_other_host(namespace: str, port: int, path: str, *, host: str | None = None, proxy: bool = False,
                     ca: str | None = None, method: str = "GET", headers: dict[str, str] | None = None) -> dict[str, object]:  # fmt: skip
    args = json.dumps([HOST_ADDRESS, port, path, host or f"{HOST_ADDRESS}:{port}", proxy, ca, method, headers or {}])
    result = subprocess.run(
        ["ip", "netns", "exec", namespace, sys.executable, "-c", CLIENT, args],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    answer: dict[str, object] = json.loads(result.stdout)
    return answer


@pytest.fixture(scope="module")
def everywhere(tmp_path_factory: pytest.TempPathFactory, hosts: tuple[str, str]) -> Iterator[dict[str, object]]:
    """The emulator on its host, listening on every address, with the proxy; yields its ready document."""
    state = tmp_path_factory.mktemp("remote") / "state"
    command = ["ip", "netns", "exec", hosts[0], sys.executable, "-m", "emulator", "serve", "--host", "0.0.0.0"]
    command += ["--port", "0", "--https-port", "0", "--proxy-port", "0", "--proxy-host", "0.0.0.0"]
    command += ["--state-dir", str(state)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    ready = None
    for line in process.stdout:
        if line.startswith("{"):
            ready = json.loads(line)
            break
    try:
        assert ready is not None, "the emulator did not start"
        yield ready
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=15)


def test_partner_center_answers_the_other_host(hosts: tuple[str, str], everywhere: dict[str, Any]) -> None:
    answer = _from_other_host(hosts[1], everywhere["http_port"], "/v1/customers")
    assert answer["status"] == 401  # served (no token): the other host reaches Partner Center


@pytest.mark.parametrize("path", ["/_emulator/health", "/", "/journal"])
def test_the_control_surface_refuses_the_other_host_directly(
    hosts: tuple[str, str], everywhere: dict[str, Any], path: str
) -> None:
    answer = _from_other_host(hosts[1], everywhere["http_port"], path)
    assert answer["status"] == 403 and "loopback clients only" in str(answer["body"])


@pytest.mark.parametrize("path", ["/_emulator/health", "/", "/journal"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_the_proxy_is_no_way_around_it(
    hosts: tuple[str, str], everywhere: dict[str, Any], path: str, method: str
) -> None:
    path = "/_emulator/reset" if method == "POST" and path == "/_emulator/health" else path
    answer = _from_other_host(
        hosts[1],
        everywhere["proxy_port"],
        path,
        host="login.microsoftonline.com",
        proxy=True,
        ca=everywhere["ca"],
        method=method,
    )
    assert answer["status"] == 403 and "not reachable through the proxy" in str(answer["body"])
    # ... while the same tunnel serves Entra.
    discovery = _from_other_host(
        hosts[1], everywhere["proxy_port"], "/common/discovery/instance?api-version=1.1"
        "&authorization_endpoint=https://login.microsoftonline.com/common/oauth2/authorize",
        host="login.microsoftonline.com", proxy=True, ca=everywhere["ca"],
    )  # fmt: skip
    assert discovery["status"] == 200
