"""The cost of --persist on a write: POST /v1/customers in-process, 1,000 in a row, without and with SQLite
(each creation writes the customer and its admin user in one SQLite transaction before it is answered).

Run: python bench/persist.py
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from pathlib import Path

from emulator.app import EmulatorApp
from emulator.config import Config
from emulator.keys import generate_key
from emulator.state import EmulatorState

key = generate_key()


def body(n):
    a = {"firstName": "A", "lastName": "B", "addressLine1": "1", "city": "C", "postalCode": "1", "country": "US"}
    return json.dumps(
        {
            "companyProfile": {"domain": f"p{n}.onmicrosoft.com"},
            "billingProfile": {
                "email": "a@b.c",
                "culture": "en-US",
                "language": "en",
                "companyName": "B",
                "defaultAddress": a,
            },
        }
    ).encode()


async def call(app, tok, n):
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/v1/customers",
        "raw_path": b"/v1/customers",
        "query_string": b"",
        "headers": [
            (b"host", b"127.0.0.1:8080"),
            (b"authorization", f"Bearer {tok}".encode()),
            (b"content-type", b"application/json"),
        ],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8080),
        "scheme": "http",
        "http_version": "1.1",
        "root_path": "",
    }
    sent = False

    async def receive():
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body(n), "more_body": False}

    status = []

    async def send(m):
        if m["type"] == "http.response.start":
            status.append(m["status"])

    await app(scope, receive, send)
    return status[0]


def run(persist: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        st = EmulatorState(Config(in_memory_key=True, persist=persist, state_dir=Path(tmp), seed=1), key=key)
        app = EmulatorApp(st)
        w = st.world
        tok = st.issuer.issue(
            st.issuer.app_claims(w.partner, next(iter(w.apps.values())), "https://api.partnercenter.microsoft.com")
        ).token

        async def go():
            t = time.perf_counter()
            for n in range(1000):
                assert await call(app, tok, n) == 201
            return (time.perf_counter() - t) / 1000 * 1000

        ms = asyncio.run(go())
        print(f"persist={persist}: {ms:.3f} ms per POST /v1/customers (1000 in a row, in-process)")


if __name__ == "__main__":
    run(False)
    run(True)
