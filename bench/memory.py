"""Resident memory of `pcemu serve`: after start, and after a million requests with the journal at its default bound.

wrk (64 connections) sends authenticated requests, a mix of compliant and non-compliant calls (MFA and password-only
tokens, lists, offers, a profile, an unknown customer) in rounds of a few seconds until the count is reached (the
last round may overshoot it); the resident size is read from /proc/PID/status (Linux) at start and after every
round, so growth shows as a curve.

Run: python bench/memory.py [--requests 1000000] [--round 30]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from throughput import free_port, wait_ready

LUA = """
local paths = {"/v1/customers?size=2", "/v1/customers?size=20&offset=10", "/v1/offers?country=US&size=5",
               "/v1/customers/00000000-0000-0000-0000-000000000000", "/v1/profiles/organization"}
local tokens = {"Bearer %(mfa)s", "Bearer %(pwd)s"}
local seen = 0
function request()
    seen = seen + 1
    local path = paths[(seen %% #paths) + 1]
    local auth = tokens[(math.floor(seen / #paths) %% #tokens) + 1]
    return wrk.format("GET", path, {["Authorization"] = auth})
end
"""


def resident_kib(pid: int) -> int:
    match = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    assert match
    return int(match.group(1))


def token(state: Path, *flags: str) -> str:
    user = "admin@northwindpartners.onmicrosoft.com"
    command = [sys.executable, "-m", "emulator", "token", "--user", user, *flags, "--state-dir", str(state)]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--round", type=int, default=30, help="seconds of load between two readings")
    args = parser.parse_args()
    if shutil.which("wrk") is None or not Path("/proc/self/status").exists():
        sys.exit("needs wrk (apt-get install wrk) and Linux's /proc")
    with tempfile.TemporaryDirectory() as tmp:
        state = Path(tmp) / "state"
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "emulator", "serve", "--port", str(port), "--no-https", "--state-dir", str(state)],
            stdout=subprocess.DEVNULL,
        )
        try:
            wait_ready(port, "/_emulator/health")
            rows = [(0, resident_kib(server.pid))]
            script = Path(tmp) / "mix.lua"
            tokens = {"mfa": token(state, "--mfa"), "pwd": token(state, "--no-mfa")}
            script.write_text(LUA % tokens)
            sent = 0
            while sent < args.requests:
                out = subprocess.run(
                    ["wrk", "-t2", "-c64", f"-d{args.round}s", "-s", str(script), f"http://127.0.0.1:{port}/"],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                done = re.search(r"(\d+) requests in", out)
                assert done, out
                if "Socket errors" in out:
                    raise SystemExit(out)
                sent += int(done.group(1))
                rows.append((sent, resident_kib(server.pid)))
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_emulator/journal?limit=1") as answer:
                journal = json.load(answer)
        finally:
            server.terminate()
            server.wait()
    print(f"{'requests answered':>18} {'resident MiB':>13}")
    for count, kib in rows:
        print(f"{count:>18,} {kib / 1024:>13.1f}")
    grown = (rows[-1][1] - rows[1][1]) / 1024 if len(rows) > 2 else 0.0
    print(
        f"journal: size {journal['size']:,}, recorded {journal['recorded']:,}, dropped {journal['dropped']:,}; "
        f"growth after the first {rows[1][0]:,} requests: {grown:+.1f} MiB (target: bounded)"
    )


if __name__ == "__main__":
    main()
