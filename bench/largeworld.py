"""A 100,000-customer world: generation, start to first answer, resident memory, and a busy port reported.

  1. `pcemu world --generate N` (wall time; a world file).
  2. `pcemu serve --fixtures <world>`: seconds from spawning to the first 200 of an authenticated
     `GET /v1/customers` (the world is used, not only the health check), and resident memory then.
  3. Resident memory after a read mix over the whole world: 20,000 requests for random customers, their users
     and subscriptions, pages anywhere, the prefix filter (the hot-set cache is bounded).
  4. `pcemu serve --port <busy>` with that world: seconds until it exits with the port named.

Run: python bench/largeworld.py [--customers 100000] [--requests 20000]
Targets (issue 17): generate <= 10 s, first answer <= 2 s, resident <= 300 MiB, busy port <= 1 s.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from throughput import free_port

ADMIN = "admin@northwindpartners.onmicrosoft.com"


def resident_mib(pid: int) -> float:
    match = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    assert match
    return int(match.group(1)) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=20_000)
    args = parser.parse_args()
    pcemu = [sys.executable, "-m", "emulator"]
    with tempfile.TemporaryDirectory() as tmp:
        world, state = Path(tmp) / "world", Path(tmp) / "state"
        started = time.perf_counter()
        subprocess.run([*pcemu, "world", "--generate", str(args.customers), "--out", str(world)], check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        generated = time.perf_counter() - started
        size = sum(path.stat().st_size for path in world.glob("tables*.sqlite")) / 2**20
        token = subprocess.run([*pcemu, "token", "--user", ADMIN, "--mfa", "--state-dir", str(state)],
                               capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
        auth = {"Authorization": f"Bearer {token}"}

        port = free_port()
        started = time.perf_counter()
        server = subprocess.Popen([*pcemu, "serve", "--port", str(port), "--no-https", "--state-dir", str(state),
                                   "--fixtures", str(world)], stdout=subprocess.DEVNULL)  # fmt: skip
        try:
            url = f"http://127.0.0.1:{port}"
            with httpx.Client(base_url=url, headers=auth, timeout=10) as client:
                while True:
                    try:
                        if client.get("/v1/customers?size=100").status_code == 200:
                            break
                    except httpx.TransportError:
                        time.sleep(0.005)
                first = time.perf_counter() - started
                at_start = resident_mib(server.pid)
                rng = random.Random(17)
                total = args.customers
                ids = [c["id"] for c in client.get("/v1/customers?size=500").json()["items"]]
                started = time.perf_counter()
                for n in range(args.requests):
                    kind = n % 5
                    if kind == 0:
                        page = client.get(f"/v1/customers?size=100&offset={rng.randrange(total)}").json()
                        ids += [c["id"] for c in page["items"][:5]]
                    elif kind == 1:
                        client.get(f"/v1/customers/{rng.choice(ids)}").raise_for_status()
                    elif kind == 2:
                        client.get(f"/v1/customers/{rng.choice(ids)}/users").raise_for_status()
                    elif kind == 3:
                        client.get(f"/v1/customers/{rng.choice(ids)}/subscriptions").raise_for_status()
                    else:
                        value = urllib.parse.quote(json.dumps(
                            {"Field": "CompanyName", "Value": rng.choice("abcdefghw") + rng.choice("aeiou"),
                             "Operator": "starts_with"}))  # fmt: skip
                        client.get(f"/v1/customers?size=20&filter={value}").raise_for_status()
                mix = time.perf_counter() - started
                after = resident_mib(server.pid)

            with socket.socket() as busy:
                busy.bind(("127.0.0.1", 0))
                busy.listen()
                taken = busy.getsockname()[1]
                started = time.perf_counter()
                command = [*pcemu, "serve", "--port", str(taken), "--no-https", "--state-dir", str(state),
                           "--fixtures", str(world)]  # fmt: skip
                conflict = subprocess.run(command, capture_output=True, text=True)
                reported = time.perf_counter() - started
                assert conflict.returncode == 2 and str(taken) in conflict.stderr, conflict.stderr
        finally:
            server.terminate()
            server.wait()
    print(f"{'measure':<52} {'value':>12} {'target':>8}")
    for name, value, target in (
        (f"world --generate {args.customers} (world file {size:,.0f} MiB)", f"{generated:.2f} s", "10 s"),
        ("serve: start -> first GET /v1/customers 200", f"{first:.2f} s", "2 s"),
        ("resident memory after start", f"{at_start:.0f} MiB", "300 MiB"),
        (f"resident memory after {args.requests:,} reads ({mix:.1f} s)", f"{after:.0f} MiB", "300 MiB"),
        ("busy port reported (exit 2, port named)", f"{reported:.2f} s", "1 s"),
    ):
        print(f"{name:<52} {value:>12} {target:>8}")


if __name__ == "__main__":
    main()
