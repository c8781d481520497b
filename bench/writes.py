"""Persisted writes over HTTP: customer creations per second and their latency, with --persist, in a world of
1,000 and of 100,000 customers (the durable-state issue's targets: at least 300/s, p50 at most 5 ms, 2 cores).

Four client threads create customers for --seconds against `pcemu serve --persist`; each creation is written to
SQLite before it is answered.

Run: python bench/writes.py [--seconds 10] [--sizes 1000,100000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

WEB_APP = "6911ffe2-0be5-5494-bde7-59b718f99954"
ADDRESS = {"firstName": "A", "lastName": "B", "addressLine1": "1", "city": "C", "postalCode": "1", "country": "US"}


def create(url: str, bearer: str, worker: int, until: float, latencies: list[float]) -> None:
    with httpx.Client(base_url=url, timeout=10, headers={"Authorization": f"Bearer {bearer}"}) as http:
        n = 0
        while time.perf_counter() < until:
            n += 1
            billing = {"email": "a@b.c", "culture": "en-US", "language": "en", "companyName": "W",
                       "defaultAddress": ADDRESS}  # fmt: skip
            body = {"companyProfile": {"domain": f"write{worker}n{n}.onmicrosoft.com"}, "billingProfile": billing}
            started = time.perf_counter()
            answer = http.post("/v1/customers", json=body)
            if answer.status_code != 201:
                raise SystemExit(f"creation refused: {answer.status_code} {answer.text[:200]}")
            latencies.append(time.perf_counter() - started)


def measure(size: int, seconds: int, tmp: Path) -> None:
    world = tmp / f"world{size}"
    subprocess.run([sys.executable, "-m", "emulator", "world", "--generate", str(size), "--out", str(world)],
                   check=True, capture_output=True)  # fmt: skip
    state_dir = tmp / f"state{size}"
    bearer = subprocess.run(
        [sys.executable, "-m", "emulator", "token", "--app", WEB_APP, "--state-dir", str(state_dir)],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    command = [sys.executable, "-m", "emulator", "serve", "--port", "0", "--https-port", "0", "--persist",
               "--fixtures", str(world), "--state-dir", str(state_dir)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    url = next(json.loads(line)["url"] for line in process.stdout if line.startswith("{"))
    try:
        latencies: list[float] = []
        until = time.perf_counter() + seconds
        threads = [threading.Thread(target=create, args=(url, bearer, w, until, latencies)) for w in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        process.terminate()
        process.wait()
    ordered = sorted(latencies)
    p50, p99 = statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.99)] * 1000
    print(f"{size:>9} {len(latencies) / seconds:>9.0f} {p50:>8.2f} {p99:>8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--sizes", default="1000,100000")
    args = parser.parse_args()
    print("customers  create/s  p50 ms   p99 ms   (--persist, 4 clients; targets: >= 300/s, p50 <= 5 ms)")
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            measure(size, args.seconds, Path(tmp))


if __name__ == "__main__":
    main()
