"""Customer list latency at the first and the last page, with 1,000 and 100,000 customers, and the cost of a reset.

Measured in-process through the whole ASGI app (gate, policy, routing, JSON), without sockets, so that the figure
is the emulator's own cost. A page's cost must not grow with the world (the overlay tables slice by position).

Run: python bench/lists.py [--sizes 1000 100000] [--calls 300]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from emulator.app import EmulatorApp
from emulator.config import Config
from emulator.generate import write_world
from emulator.state import EmulatorState


async def _call(app: EmulatorApp, path: str, query: bytes, token: str, method: str = "GET", body: bytes = b"") -> int:
    status = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "headers": [(b"authorization", f"Bearer {token}".encode()), (b"content-type", b"application/json")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
        "scheme": "http",
        "http_version": "1.1",
        "root_path": "",
    }
    await app(scope, receive, send)  # type: ignore[arg-type]
    return status


# The smallest valid default address: create-a-customer.md's required fields.
ADDRESS = {"firstName": "A", "lastName": "B", "addressLine1": "1", "city": "C", "postalCode": "1", "country": "US"}


def timed(app: EmulatorApp, query: bytes, token: str, calls: int) -> float:
    async def run() -> list[float]:
        samples = []
        for _ in range(calls):
            start = time.perf_counter()
            assert await _call(app, "/v1/customers", query, token) == 200
            samples.append(time.perf_counter() - start)
        return samples

    return statistics.median(asyncio.run(run())) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100000])
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    print(
        f"{'world':>9} {'load s':>7} {'first page ms':>14} {'last page ms':>13} {'reset ms':>9}  (page of 100, median)"
    )
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            write_world(Path(tmp), size)
            started = time.perf_counter()
            state = EmulatorState(Config(in_memory_key=True, fixtures=Path(tmp)))
            load = time.perf_counter() - started
        app = EmulatorApp(state)
        world = state.world
        token = state.issuer.issue(
            state.issuer.app_claims(
                world.partner, next(iter(world.apps.values())), "https://api.partnercenter.microsoft.com"
            )
        ).token
        first = timed(app, b"size=100&offset=0", token, args.calls)
        last = timed(app, f"size=100&offset={size - 100}".encode(), token, args.calls)
        body = json.dumps(
            {
                "companyProfile": {"domain": "bench.onmicrosoft.com"},
                "billingProfile": {
                    "email": "a@b.c",
                    "culture": "en-US",
                    "language": "en",
                    "companyName": "B",
                    "defaultAddress": ADDRESS,
                },
            }
        ).encode()
        assert asyncio.run(_call(app, "/v1/customers", b"", token, "POST", body)) == 201
        started = time.perf_counter()
        state.reset()
        reset = (time.perf_counter() - started) * 1000
        print(f"{size:>9} {load:>7.2f} {first:>14.3f} {last:>13.3f} {reset:>9.3f}")


if __name__ == "__main__":
    main()
