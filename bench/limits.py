"""What hostile clients cost `pcemu serve` in resident memory: 20 request heads of 50 MiB that never end, and 8
chunked bodies of 100 MiB each to the token endpoint, POST /v1/customers and POST /_emulator/faults. Each should
raise the resident size by less than 50 MiB (the limits refuse them as they come, without buffering).

Run: python bench/limits.py
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

TENANT = "a8e23bce-3ed8-5a60-9109-66655e9d1c6e"
FORM = (
    "grant_type=client_credentials&client_id=6911ffe2-0be5-5494-bde7-59b718f99954"
    "&client_secret=nwp~Q8x.Ke2vT7_bR4mZ1pL9sD3fG6hJ0kW5yC&scope=https://api.partnercenter.microsoft.com/.default"
)
MIB = 1024 * 1024


def resident_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def endless_head(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        try:
            sock.sendall(b"GET /v1/customers HTTP/1.1\r\nHost: localhost\r\nX-Big: ")
            for _ in range(50):  # 50 MiB, and the header never ends
                sock.sendall(b"a" * MIB)
        except OSError:
            pass  # closed by the server: what the limit is for


def huge_body(port: int, path: str, content_type: str, token: str) -> None:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
            f"Authorization: Bearer {token}\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        try:
            sock.sendall(head.encode())
            for _ in range(100):  # 100 MiB
                sock.sendall(b"%x\r\n%b\r\n" % (MIB, b"a" * MIB))
            sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass


def peak_during(pid: int, clients: list[Callable[[], None]]) -> float:
    threads = [threading.Thread(target=client) for client in clients]
    peak = resident_mib(pid)
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        peak = max(peak, resident_mib(pid))
        time.sleep(0.02)
    return peak


def main() -> None:
    with tempfile.TemporaryDirectory() as state:
        command = [sys.executable, "-m", "emulator", "serve", "--port", "0", "--no-https", "--state-dir", state]
        server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        try:
            assert server.stdout is not None
            ready = next(json.loads(line) for line in server.stdout if line.startswith("{"))
            port = ready["http_port"]
            token_url = f"http://127.0.0.1:{port}/{TENANT}/oauth2/v2.0/token"
            token = json.loads(urllib.request.urlopen(token_url, data=FORM.encode()).read())["access_token"]
            time.sleep(0.5)
            base = resident_mib(server.pid)
            print(f"{'case':<58} {'peak MiB':>9} {'rise':>6}  target < 50 MiB")
            heads = peak_during(server.pid, [lambda: endless_head(port)] * 20)
            print(f"{'20 request heads of 50 MiB that never end':<58} {heads:>9.0f} {heads - base:>6.0f}")
            for path, kind in (
                (f"/{TENANT}/oauth2/v2.0/token", "application/x-www-form-urlencoded"),
                ("/v1/customers", "application/json"),
                ("/_emulator/faults", "application/json"),
            ):
                peak = peak_during(server.pid, [lambda p=path, k=kind: huge_body(port, p, k, token)] * 8)
                shown = "the token endpoint" if "oauth2" in path else path
                print(f"{'8 chunked bodies of 100 MiB, POST ' + shown:<58} {peak:>9.0f} {peak - base:>6.0f}")
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
