"""Process start to first answered request, with a fresh state directory (keys created) and an existing one.

Run: python bench/startup.py [--runs N]   (uses the interpreter that runs it; `make bench` uses .venv)
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def first_answer(state_dir: Path) -> float:
    """Seconds from spawning `pcemu serve` to the first 200 from /_emulator/health, polled over a socket."""
    port = free_port()
    request = f"GET /_emulator/health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "emulator",
            "serve",
            "--port",
            str(port),
            "--https-port",
            "0",
            "--state-dir",
            str(state_dir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while time.perf_counter() - started < 30:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                    sock.sendall(request)
                    if sock.recv(64).startswith(b"HTTP/1.1 200"):
                        return time.perf_counter() - started
            except OSError:
                time.sleep(0.002)
        raise RuntimeError("the emulator did not answer within 30 s")
    finally:
        process.terminate()
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    fresh, existing = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            state = Path(tmp) / f"s{i}"
            fresh.append(first_answer(state))
            existing.append(first_answer(state))
    print(f"{'measure':<44} {'median':>8} {'min':>8} {'target':>8}")
    for name, values, target in (
        ("start -> first answer, new state dir (keygen)", fresh, "-"),
        ("start -> first answer, existing state dir", existing, "0.60 s"),
    ):
        print(f"{name:<44} {statistics.median(values):7.3f}s {min(values):7.3f}s {target:>8}")


if __name__ == "__main__":
    main()
