"""Authenticated GET /v1/customers?size=2 through the full gate vs a bare Starlette endpoint of the same body size.

The bare endpoint is the one the performance facts measure the gate against: Starlette, no authentication, and
the same JSON document serialised per request (as every JSON endpoint does). A second bare endpoint that writes
pre-serialised bytes is shown for reference: it is the floor of uvicorn and Starlette alone.

All run as separate `uvicorn`-served processes (uvloop, httptools, no access log) and get the same request, the
bearer token included; wrk (Debian package `wrk`) drives each with 64 connections for a few seconds, alternating,
and the ratio of medians is reported: compare ratios, not absolute numbers (these machines drift 15-25 % between
runs).

Run: python bench/throughput.py [--seconds 5] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

BARE_APP = textwrap.dedent(
    """
    import json
    import sys
    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    BODY = open(sys.argv[2], "rb").read()
    DOCUMENT = json.loads(BODY)

    async def serialised(request):
        body = json.dumps(DOCUMENT, ensure_ascii=False, separators=(",", ":")).encode()
        return Response(body, media_type="application/json; charset=utf-8")

    async def static(request):
        return Response(BODY, media_type="application/json; charset=utf-8")

    endpoint = static if sys.argv[3] == "static" else serialised
    app = Starlette(routes=[Route("/v1/customers", endpoint)])
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", http="httptools",
                loop="uvloop", lifespan="off", server_header=False, proxy_headers=False)
    """
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_ready(port: int, path: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=1)
            return
        except Exception:
            time.sleep(0.05)
    raise RuntimeError(f"nothing answered on port {port}")


def wrk(port: int, path: str, seconds: int, token: str | None) -> float:
    command = ["wrk", "-t2", "-c64", f"-d{seconds}s", f"http://127.0.0.1:{port}{path}"]
    if token:
        command[1:1] = ["-H", f"Authorization: Bearer {token}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{errors.group(1)} failed responses:\n{out}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    assert match, out
    return float(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    with tempfile.TemporaryDirectory() as tmp:
        state = Path(tmp) / "state"
        emulator_port = free_port()
        emulator = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "emulator",
                "serve",
                "--port",
                str(emulator_port),
                "--no-https",
                "--state-dir",
                str(state),
            ],
            stdout=subprocess.DEVNULL,
        )
        try:
            wait_ready(emulator_port, "/_emulator/health")
            user = "admin@northwindpartners.onmicrosoft.com"
            token = subprocess.run(
                [sys.executable, "-m", "emulator", "token", "--user", user, "--mfa", "--state-dir", str(state)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            request = urllib.request.Request(
                f"http://127.0.0.1:{emulator_port}/v1/customers?size=2", headers={"Authorization": f"Bearer {token}"}
            )
            body = urllib.request.urlopen(request).read()
            json.loads(body)
            body_file = Path(tmp) / "body.json"
            body_file.write_bytes(body)
            (Path(tmp) / "bare.py").write_text(BARE_APP)
            bare_port, static_port = free_port(), free_port()
            bares = [
                subprocess.Popen([sys.executable, str(Path(tmp) / "bare.py"), str(port), str(body_file), kind])
                for port, kind in ((bare_port, "serialised"), (static_port, "static"))
            ]
            try:
                wait_ready(bare_port, "/v1/customers")
                wait_ready(static_port, "/v1/customers")
                gate, plain, static = [], [], []
                for _ in range(args.rounds):
                    gate.append(wrk(emulator_port, "/v1/customers?size=2", args.seconds, token))
                    plain.append(wrk(bare_port, "/v1/customers?size=2", args.seconds, token))
                    static.append(wrk(static_port, "/v1/customers?size=2", args.seconds, token))
            finally:
                for bare in bares:
                    bare.terminate()
                    bare.wait()
        finally:
            emulator.terminate()
            emulator.wait()
    g, p, f = statistics.median(gate), statistics.median(plain), statistics.median(static)
    print(f"body {len(body)} bytes, wrk -t2 -c64, {args.rounds} rounds of {args.seconds} s, cores {os.cpu_count()}")
    print(f"{'measure':<62} {'req/s':>9} {'target':>8}")
    print(f"{'bare Starlette endpoint, same document serialised per request':<62} {p:9.0f}")
    print(f"{'bare Starlette endpoint, pre-serialised bytes (reference)':<62} {f:9.0f}")
    print(f"{'GET /v1/customers?size=2, MFA token, full gate':<62} {g:9.0f}")
    print(f"{'ratio gate / bare':<62} {g / p:9.2f} {'>= 0.85':>8}")
    print(f"{'ratio gate / pre-serialised bare (reference)':<62} {g / f:9.2f}")


if __name__ == "__main__":
    main()
