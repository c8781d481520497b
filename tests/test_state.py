"""State under pressure: concurrent creations, concurrent retries, and persistence across restarts."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from emulator.app import EmulatorApp
from emulator.config import Config
from emulator.keys import SigningKey
from emulator.persistence import STATE_FILE, PersistenceError
from emulator.state import EmulatorState
from tests.helpers import app_token, bearer, customer_body, pcemu, start, stop

FABRIKAM = "c13d2ea4-5bee-53d5-988a-6b3a6a13df75"
M365_E5 = "8BDBB60B-E526-43E9-92EF-AB760C8E0B72"


async def _gather(
    app: EmulatorApp, calls: list[tuple[str, str, dict[str, Any], dict[str, str]]]
) -> list[httpx.Response]:
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        return await asyncio.gather(*(client.request(m, u, json=b, headers=h) for m, u, b, h in calls))


def test_concurrent_creations_each_create_one_customer(emulator_app: EmulatorApp) -> None:
    headers = bearer(app_token(emulator_app.state))
    responses = asyncio.run(
        _gather(emulator_app, [("POST", "/v1/customers", customer_body(f"concurrent{n}"), headers) for n in range(300)])
    )
    assert [r.status_code for r in responses] == [201] * 300
    ids = {r.json()["id"] for r in responses}
    assert len(ids) == 300
    assert len(emulator_app.state.world.customers) == 340


def test_concurrent_retries_of_one_order_create_its_subscriptions_once(emulator_app: EmulatorApp) -> None:
    headers = {**bearer(app_token(emulator_app.state)), "MS-RequestId": "7d1e6f0a-0000-4000-8000-00000000aaaa"}
    order = {"lineItems": [{"lineItemNumber": 0, "offerId": M365_E5, "quantity": 2}]}
    responses = asyncio.run(_gather(emulator_app, [("POST", f"/v1/customers/{FABRIKAM}/orders", order, headers)] * 50))
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    assert len(emulator_app.state.world.subscriptions.group(FABRIKAM)) == 3  # two from the fixtures, one new


def test_a_persisted_world_survives_a_restart(tmp_path: Path, signing_key: SigningKey) -> None:
    config = Config(state_dir=tmp_path, persist=True, seed=3)
    first = EmulatorApp(EmulatorState(config, key=signing_key))
    headers = bearer(app_token(first.state))
    created = asyncio.run(
        _gather(first, [("POST", "/v1/customers", customer_body(f"concurrent{n}"), headers) for n in range(20)])
    )
    assert first.state.persistence is not None
    # Every creation is one SQLite transaction, written before it was answered.
    assert first.state.persistence.saves == 20
    second = EmulatorState(config, key=signing_key)
    assert len(second.world.customers) == 60
    assert second.world.customers.get(created[0].json()["id"]) is not None
    second.reset()
    assert len(EmulatorState(config, key=signing_key).world.customers) == 40


def test_a_corrupt_state_file_is_reported_and_kept(tmp_path: Path, signing_key: SigningKey) -> None:
    path = tmp_path / STATE_FILE
    path.write_bytes(b"not a database, " * 100)
    with pytest.raises(PersistenceError) as caught:
        EmulatorState(Config(state_dir=tmp_path, persist=True), key=signing_key)
    assert str(caught.value).startswith(f"{path}: the saved world state cannot be read (file is not a database)")
    assert path.read_bytes() == b"not a database, " * 100  # never replaced


def test_a_state_saved_for_another_world_is_refused(tmp_path: Path, signing_key: SigningKey) -> None:
    EmulatorState(Config(state_dir=tmp_path, persist=True), key=signing_key)
    with sqlite3.connect(tmp_path / STATE_FILE) as db:
        db.execute("UPDATE meta SET value = '/elsewhere' WHERE name = 'source'")
    with pytest.raises(PersistenceError, match="saved for the world in /elsewhere"):
        EmulatorState(Config(state_dir=tmp_path, persist=True), key=signing_key)


def test_the_earlier_json_state_is_imported_once(tmp_path: Path, signing_key: SigningKey) -> None:
    from emulator.world import default_world_dir

    customer = {**customer_document(), "id": "0f4b4a42-5a0b-4a7a-9f7e-2c1d3b4a5c6d"}
    legacy = {"format": 1, "source": str(default_world_dir().resolve()),
              "tables": {"customers": {"changed": [customer], "deleted": [FABRIKAM]}}}  # fmt: skip
    (tmp_path / "world-state.json").write_text(json.dumps(legacy))
    state = EmulatorState(Config(state_dir=tmp_path, persist=True), key=signing_key)
    assert state.world.customers.get(customer["id"]) is not None and state.world.customers.get(FABRIKAM) is None
    assert not (tmp_path / "world-state.json").exists() and (tmp_path / "world-state.json.imported").exists()
    again = EmulatorState(Config(state_dir=tmp_path, persist=True), key=signing_key)
    assert len(again.world.customers) == len(state.world.customers) == 40


def customer_document() -> dict[str, Any]:
    state = EmulatorState(Config(in_memory_key=True, seed=1))
    return dict(state.world.customers.get(FABRIKAM) or {})


@pytest.mark.heavy
def test_persist_across_a_real_restart(tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    emulator = start(state_dir, "--persist")
    try:
        token = subprocess.run(
            pcemu("token", "--app", "6911ffe2-0be5-5494-bde7-59b718f99954", "--state-dir", str(state_dir)),
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        response = httpx.post(f"{emulator.url}/v1/customers", json=customer_body("concurrent1"), headers=bearer(token))
        assert response.status_code == 201
        customer_id = response.json()["id"]
    finally:
        code, _ = stop(emulator)
    assert code == 0
    with sqlite3.connect(state_dir / STATE_FILE) as db:
        saved = db.execute("SELECT tbl, key FROM overlay WHERE tbl = 'customers'").fetchall()
    assert saved == [("customers", customer_id)]
    again = start(state_dir, "--persist")
    try:
        assert httpx.get(f"{again.url}/v1/customers/{customer_id}", headers=bearer(token)).status_code == 200
    finally:
        stop(again)
    (state_dir / STATE_FILE).write_bytes(b"garbage " * 200)
    for leftover in ("-wal", "-shm"):
        (state_dir / (STATE_FILE + leftover)).unlink(missing_ok=True)
    result = subprocess.run(
        pcemu("serve", "--port", "0", "--https-port", "0", "--persist", "--state-dir", str(state_dir)),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "the saved world state cannot be read" in result.stderr
    assert (state_dir / STATE_FILE).read_bytes() == b"garbage " * 200


def test_a_failed_import_of_the_earlier_state_is_tried_again(tmp_path: Path, signing_key: SigningKey) -> None:
    from emulator.world import default_world_dir

    legacy = tmp_path / "world-state.json"
    source = str(default_world_dir().resolve())
    legacy.write_text(json.dumps({"format": 1, "source": source, "tables": {"customers": {"changed": [{"no": "id"}]}}}))
    with pytest.raises(PersistenceError):
        EmulatorState(Config(state_dir=tmp_path, persist=True), key=signing_key)
    legacy.write_text(json.dumps({"format": 1, "source": source, "tables": {"customers": {"deleted": [FABRIKAM]}}}))
    state = EmulatorState(Config(state_dir=tmp_path, persist=True), key=signing_key)
    assert state.world.customers.get(FABRIKAM) is None  # imported on the second start
