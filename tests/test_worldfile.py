"""Large worlds in a SQLite world file: the same world as its JSON fixtures, answered the same, changed through the
same overlay, indexed lookups that agree with a scan, and clear errors for a file that is not a world."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from emulator.app import EmulatorApp
from emulator.cli import main
from emulator.config import Config
from emulator.generate import import_world, write_world
from emulator.state import EmulatorState
from emulator.store import Table
from emulator.world import SPECS, World, WorldError, default_world_dir, load_world, table
from emulator.worldfile import WORLD_FILE, WorldFile, Writer
from tests.helpers import NW, bearer, customer_body, user_token

TABLES = (
    "customers",
    "subscriptions",
    "orders",
    "customerUsers",
    "invoices",
    "consents",
    "roleMembers",
    "devicePolicies",
    "deviceBatches",
    "devices",
    "resellerCustomers",
    "usageBudgets",
    "serviceRequests",
)


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> tuple[World, World]:
    """The same generated world of 60 customers, once as JSON fixture files and once as a world file."""
    root = tmp_path_factory.mktemp("worlds")
    write_world(root / "json", 60, form="json")
    write_world(root / "sqlite", 60)
    assert not (root / "json" / WORLD_FILE).exists() and (root / "sqlite" / WORLD_FILE).exists()
    assert not (root / "sqlite" / "customers.json").exists()
    return load_world(root / "json"), load_world(root / "sqlite")


def test_both_forms_hold_the_same_documents(worlds: tuple[World, World]) -> None:
    from_json, from_file = worlds
    for name in TABLES:
        assert list(from_file.tables()[name]) == list(from_json.tables()[name]), name
        assert len(from_file.tables()[name]) == len(from_json.tables()[name])
    customer = list(from_json.customers)[7]["id"]
    for name in ("subscriptions", "orders", "customerUsers", "consents"):
        assert from_file.tables()[name].group(customer) == from_json.tables()[name].group(customer), name
    assert from_file.customers.page(55, 10) == from_json.customers.page(55, 10)  # the last 5
    assert from_file.customers.page(60, 10) == []


@pytest.mark.parametrize("cores", [2, 1])
def test_a_world_written_in_chunks_is_the_same_world(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cores: int
) -> None:
    """Chunks of 8 customers, each a slot of the file, written by worker processes (2 cores) or by this one (1):
    the same documents in the same order as the JSON form, and lookups that cross the chunks."""
    from emulator import generate

    monkeypatch.setattr(generate, "CHUNK", 8)
    monkeypatch.setattr(generate.os, "sched_getaffinity", lambda pid: set(range(cores)))
    write_world(tmp_path / "json", 60, form="json")
    write_world(tmp_path / "file", 60)
    from_json, from_file = load_world(tmp_path / "json"), load_world(tmp_path / "file")
    for name in TABLES:
        assert list(from_file.tables()[name]) == list(from_json.tables()[name]), name
    assert from_file.customers.page(5, 10) == from_json.customers.page(5, 10)  # across the first two chunks
    last = list(from_json.customers)[-1]
    assert from_file.customers.find("domain", last["companyProfile"]["domain"]) == last
    assert from_file.customers.starting_with("companyName", "c") == from_json.customers.starting_with(
        "companyName", "c"
    )
    user = list(from_json.customer_users)[-1]
    assert from_file.customer_users.find("upn", user["userPrincipalName"].lower()) == user
    with sqlite3.connect(tmp_path / "file" / WORLD_FILE) as db:
        slots = [pos >> 32 for (pos,) in db.execute("SELECT pos FROM docs_customers ORDER BY pos")]
        assert slots == [1 + n // 8 for n in range(60)]  # slot 0: the partner's own documents
        assert db.execute("SELECT count(*) FROM docs_invoices WHERE pos >> 32 = 0").fetchone() == (8,)
    with sqlite3.connect(tmp_path / "file" / "tables-2.sqlite") as db:  # the second part
        assert db.execute("SELECT count(*) FROM docs_roleMembers WHERE pos >> 32 = 0").fetchone() == (6,)
        assert dict(db.execute("SELECT name, value FROM meta")) == {"format": "pcemu-world 2", "part": "2"}
    assert not [p.name for p in (tmp_path / "file").iterdir() if p.name.endswith(".partial")]


def test_a_bad_document_in_a_worker_stops_the_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from emulator import generate

    made = generate.users

    def users(index: int, cust: dict[str, Any]) -> list[dict[str, Any]]:
        found = made(index, cust)
        return [{**found[0], "state": "gone"}] if index == 37 else found

    monkeypatch.setattr(generate, "CHUNK", 8)
    monkeypatch.setattr(generate, "users", users)  # the worker processes are forked: they inherit it
    with pytest.raises(
        WorldError, match=r"customerUsers: document [0-9a-f-]{36}: Invalid enum value 'gone' - at `\$.state`"
    ):
        write_world(tmp_path, 60)
    assert not (tmp_path / WORLD_FILE).exists()
    assert not (tmp_path / (WORLD_FILE + ".partial")).exists()


def _strings(kind: Any, path: str = "$") -> dict[str, tuple[str | None, int | None, int | None]]:
    """Every string field of a record type, nested ones included, by path: (pattern, min length, max length)."""
    from msgspec import inspect

    found: dict[str, tuple[str | None, int | None, int | None]] = {}
    if isinstance(kind, inspect.StrType):
        found[path] = (kind.pattern, kind.min_length, kind.max_length)
    elif isinstance(kind, inspect.StructType):
        for info in kind.fields:
            found |= _strings(info.type, f"{path}.{info.encode_name}")
    elif isinstance(kind, inspect.ListType):
        found |= _strings(kind.item_type, f"{path}[]")
    elif isinstance(kind, inspect.UnionType):
        for n, member in enumerate(kind.types):
            found |= _strings(member, f"{path}|{n}")
    return found


def test_generated_slots_check_guids_by_length_and_every_other_rule() -> None:
    """guids_by_length: the same record, its GUID fields (nested ones, in lists and unions too) checked for their
    length (36) instead of the pattern; every other field as it was. Literal paths, not the code's own walk."""
    from msgspec import inspect

    from emulator.generate import _records
    from emulator.partner.schemas.resources import GUID_PATTERN
    from emulator.records import guids_by_length

    relaxed_paths: dict[str, list[str]] = {}
    for name, (_, _, record) in _records().items():
        strict, relaxed = _strings(inspect.type_info(record)), _strings(inspect.type_info(guids_by_length(record)))
        assert strict.keys() == relaxed.keys(), name
        for path, (pattern, low, high) in strict.items():
            if pattern == GUID_PATTERN:
                assert (low, high) == (None, None) and relaxed[path] == (None, 36, 36), (name, path)
                relaxed_paths.setdefault(name, []).append(path)
            else:
                assert relaxed[path] == strict[path], (name, path)
    assert relaxed_paths == {
        "customers": ["$.id", "$.commerceId", "$.companyProfile.tenantId", "$.billingProfile.id"],
        "subscriptions": ["$._customerId"],
        "orders": ["$.referenceCustomerId"],
        "customerUsers": ["$.id", "$._customerId"],
        "consents": ["$.applicationId", "$._customerId"],
        "roleMembers": ["$.roleId", "$.memberId", "$._tenantId"],
        "devicePolicies": ["$.id", "$._customerId"],
        "deviceBatches": ["$._customerId"],
        "devices": ["$.id", "$.policies[].value|0", "$._customerId"],
        "resellerCustomers": ["$.id", "$.resellerId"],
        "usageBudgets": ["$.id"],
        "serviceRequests": ["$._customerId"],
    }


def _second_round() -> dict[str, list[dict[str, Any]]]:
    """Customers 2,000-2,599 and what they own, as `pcemu world --generate` makes them from the default world's
    partner and web application (the first slot after the first, one whole round of 600)."""
    from emulator.generate import _tables

    source = default_world_dir()
    partner = json.loads((source / "partner.json").read_text(encoding="utf-8"))
    apps = json.loads((source / "apps.json").read_text(encoding="utf-8"))["apps"]
    web = next(a for a in apps if a["type"] == "confidential")
    return _tables(2000, 2600, (web["clientId"].lower(), web["displayName"]), partner)


def test_customers_after_the_first_slot_hold_guids_that_the_full_check_accepts() -> None:
    """Later slots' GUIDs are checked for their length only, because the first slot holds every kind of document
    and value the generator makes: its branches (every 2nd to 13th customer, 300 days, 600 moments) repeat within
    600 customers. Customers 2,000 to 2,599, one whole round after the first slot, pass the full check."""
    from emulator.generate import CHUNK, _checked

    assert CHUNK == 2000
    checked = _checked(_second_round(), guid_patterns=True)
    assert {name: len(docs) for name, (docs, _) in checked.items()} == {
        "customers": 600,
        "subscriptions": 1200,
        "orders": 700,
        "customerUsers": 1000,
        "consents": 300,
        "roleMembers": 1200,
        "devicePolicies": 60,
        "deviceBatches": 60,
        "devices": 180,
        "resellerCustomers": 92,
        "usageBudgets": 100,
        "serviceRequests": 120,
    }


def test_the_default_world_is_the_generators_first_40_customers(tmp_path: Path) -> None:
    """fixtures/default is what `write_world` makes of 40 customers, byte for byte: a change to the generator (a
    quicker way of making the same documents, say) that changes a document shows here."""
    write_world(tmp_path / "made", 40, form="json")
    made = _files(tmp_path / "made")
    assert sorted(made) == sorted(_files(default_world_dir()))
    for name, data in _files(default_world_dir()).items():
        assert made[name] == data, name


def test_later_customers_documents_are_unchanged() -> None:
    """Customers 2,000-2,599 (a second slot, its companies numbered) and what they own: the digest of their JSON,
    as generated when it was recorded. A change that is meant to change them records a new digest."""
    import hashlib

    from emulator.generate import _checked

    digest = hashlib.sha256()
    for name, (_, encoded) in _checked(_second_round()).items():
        digest.update(name.encode())
        for text in encoded:
            digest.update(text)
    assert digest.hexdigest() == "4290f793d81ade3f2071efd872729188519f23869c8466bbb0deefa3f96a9548"


@pytest.mark.parametrize(
    ("bad", "every", "message"),
    [
        # A value in the GUID's place that is not one, made for every customer: the first slot finds it.
        ("zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", True, "Expected `str` matching regex"),
        # Too short, for one customer of a later slot: the length is checked in every slot.
        ("0000-0000", False, "Expected `str` of length >= 36"),
    ],
)
def test_a_generated_guid_that_is_not_one_stops_the_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bad: str, every: bool, message: str
) -> None:
    from emulator import generate

    made = generate.users

    def users(index: int, cust: dict[str, Any]) -> list[dict[str, Any]]:
        found = made(index, cust)
        return [{**found[0], "_customerId": bad}, *found[1:]] if every or index == 37 else found

    monkeypatch.setattr(generate, "CHUNK", 8)
    monkeypatch.setattr(generate, "users", users)
    with pytest.raises(
        WorldError, match=rf"customerUsers: document [0-9a-f-]{{36}}: {message}.* - at `\$._customerId`"
    ):
        write_world(tmp_path / "world", 60)
    assert not (tmp_path / "world").exists()


def _files(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


@pytest.mark.parametrize("form", ["sqlite", "json"])
def test_a_failed_write_leaves_the_directory_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, form: str
) -> None:
    """Every file is written beside its final name and renamed into place with the others at the end: a failure
    (here in a worker, at customer 37) leaves the world that was there, of the other form, untouched."""
    from emulator import generate

    write_world(tmp_path / "world", 5, form="json" if form == "sqlite" else "sqlite")
    before = _files(tmp_path / "world")
    made = generate.users

    def users(index: int, cust: dict[str, Any]) -> list[dict[str, Any]]:
        if index == 37:
            raise RuntimeError("the disk is full")
        return made(index, cust)

    monkeypatch.setattr(generate, "CHUNK", 8)
    monkeypatch.setattr(generate, "users", users)
    with pytest.raises(RuntimeError, match="the disk is full"):
        write_world(tmp_path / "world", 60, form=form)
    assert _files(tmp_path / "world") == before
    with pytest.raises(RuntimeError, match="the disk is full"):
        write_world(tmp_path / "new" / "world", 60, form=form)
    assert not (tmp_path / "new" / "world").exists()


def test_an_import_replaces_a_json_world_and_refuses_its_own_source(tmp_path: Path) -> None:
    write_world(tmp_path / "src", 7, form="json")
    write_world(tmp_path / "out", 3, form="json")
    assert import_world(tmp_path / "src", tmp_path / "out")["customers"] == 7
    names = set(_files(tmp_path / "out"))
    assert WORLD_FILE in names and "relationships.json" in names
    assert not names & {"customers.json", "subscriptions.json", "customer-users.json", "devices.json"}
    assert len(load_world(tmp_path / "out").customers) == 7
    before = _files(tmp_path / "src")
    with pytest.raises(ValueError, match="is the world being imported"):
        import_world(tmp_path / "src", tmp_path / "src")
    assert _files(tmp_path / "src") == before


@contextmanager
def _client_of(world_dir: Path, signing_key: Any) -> Iterator[tuple[TestClient, dict[str, str]]]:
    app = EmulatorApp(EmulatorState(Config(in_memory_key=True, seed=7, fixtures=world_dir), key=signing_key))
    token = user_token(app.state, NW.ADMIN, ["pwd", "mfa"])
    with TestClient(app, base_url="http://127.0.0.1:8080", client=("127.0.0.1", 50000)) as client:
        yield client, bearer(token)


def test_the_default_world_imported_answers_as_the_default_world(tmp_path: Path, signing_key: Any) -> None:
    counts = import_world(None, tmp_path / "imported")
    assert counts == {
        "customers": 40,
        "subscriptions": 80,
        "orders": 47,
        "customerUsers": 67,
        "invoices": 8,
        "consents": 20,
        "roleMembers": 87,
        "devicePolicies": 7,
        "deviceBatches": 5,
        "devices": 14,
        "resellerCustomers": 6,
        "usageBudgets": 8,
        "serviceRequests": 10,
    }
    paths = [
        "/v1/customers?size=500",
        "/v1/customers?size=7&offset=35",
        f"/v1/customers/{NW.CONTOSO}",
        f"/v1/customers/{NW.CONTOSO}/subscriptions",
        f"/v1/customers/{NW.CONTOSO}/users",
        f"/v1/customers/{NW.CONTOSO}/orders",
        "/v1/customers?filter=%7B%22Field%22%3A%22CompanyName%22%2C%22Value%22%3A%22w%22%2C%22Operator%22%3A%22starts_with%22%7D",
        "/v1/customers?filter=%7B%22Field%22%3A%22Domain%22%2C%22Value%22%3A%22CONTOSO%22%2C%22Operator%22%3A%22starts_with%22%7D",
        "/v1/invoices",
        f"/v1/customers/{NW.CONTOSO}/directoryroles/62e90394-69f5-4237-9190-012177145e10/usermembers",
        f"/v1/customers/{NW.CONTOSO}/policies",
        f"/v1/customers/{NW.CONTOSO}/deviceBatches",
        "/v1/customers/ef0b8fc9-03a9-5660-a812-afdcb0ec6c6f/usagebudget",
        "/v1/customers?filter=%7B%22Field%22%3A%22IndirectReseller%22%2C%22Value%22%3A%22484e548c-f5f3-4528-93a9-c16c6373cb59%22%2C%22Operator%22%3A%22starts_with%22%7D",
        "/v1/customers/00000000-0000-0000-0000-000000000001",
    ]
    answers: list[list[Any]] = []
    for directory in (default_world_dir(), tmp_path / "imported"):
        with _client_of(directory, signing_key) as (client, auth):
            answers.append([(r.status_code, r.json()) for r in (client.get(p, headers=auth) for p in paths)])
    assert answers[0] == answers[1]
    assert answers[1][0][1]["totalCount"] == 40
    assert [c["companyProfile"]["companyName"] for c in answers[1][6][1]["items"]] == [
        "Wingtip Toys",
        "Woodgrove Bank",
        "Wide World Importers",
        "Woodgrove Pharmaceuticals",
    ]
    assert [c["companyProfile"]["domain"] for c in answers[1][7][1]["items"]] == [
        "contosoltd.onmicrosoft.com",
        "contosopharma.onmicrosoft.com",
    ]


def test_changes_live_in_the_overlay_and_a_reset_returns_to_the_file(tmp_path: Path, signing_key: Any) -> None:
    write_world(tmp_path, 30)
    with _client_of(tmp_path, signing_key) as (client, auth):
        created = client.post("/v1/customers", json=customer_body("overlaytest"), headers=auth)
        assert created.status_code == 201
        page = client.get("/v1/customers?size=500", headers=auth).json()
        assert page["totalCount"] == 31 and page["items"][-1]["companyProfile"]["companyName"] == "Company overlaytest"
        # The domain index sees the new customer and the file's.
        again = client.post("/v1/customers", json=customer_body("overlaytest"), headers=auth)
        assert again.status_code == 400 and "already in use" in again.json()["description"]
        first = page["items"][0]
        taken = customer_body("someoneelse")
        taken["companyProfile"]["domain"] = first["companyProfile"]["domain"].upper()
        assert client.post("/v1/customers", json=taken, headers=auth).status_code == 400
        assert client.head(f"/v1/domains/{first['companyProfile']['domain']}", headers=auth).status_code == 200
        assert client.post("/_emulator/reset").status_code == 200
        assert client.get("/v1/customers?size=500", headers=auth).json()["totalCount"] == 30
        assert client.post("/v1/customers", json=customer_body("overlaytest"), headers=auth).status_code == 201


def _both(rows: list[dict[str, Any]], tmp_path: Path) -> list[Table]:
    writer = Writer(tmp_path / WORLD_FILE, {"customers": SPECS["customers"]})
    writer.add("customers", rows, [json.dumps(r).encode() for r in rows])
    writer.close()
    return [table("customers", rows), table("customers", file=WorldFile(tmp_path / WORLD_FILE))]


def _customer(n: int, name: str) -> dict[str, Any]:
    return {"id": f"00000000-0000-0000-0000-{n:012d}", "companyProfile": {"companyName": name, "domain": f"d{n}.com"}}


def test_indexed_lookups_agree_with_the_overlay(tmp_path: Path) -> None:
    rows = [_customer(n, name) for n, name in enumerate(["Alpha", "Beta", "alps", "Gamma", "Alpine"])]
    for customers in _both(rows, tmp_path):
        assert [
            customers.get(k)["companyProfile"]["companyName"] for k in customers.starting_with("companyName", "al")
        ] == [
            "Alpha",
            "alps",
            "Alpine",
        ]
        assert customers.find("domain", "d3.com") == rows[3]
        customers.put({**rows[1], "companyProfile": {"companyName": "Aleph", "domain": "moved.com"}})  # moves in
        customers.put({**rows[0], "companyProfile": {"companyName": "Omega", "domain": "d0.com"}})  # moves out
        customers.delete(rows[2]["id"])
        customers.put(_customer(9, "Alto"))
        assert [
            customers.get(k)["companyProfile"]["companyName"] for k in customers.starting_with("companyName", "al")
        ] == [
            "Aleph",
            "Alpine",
            "Alto",
        ]
        assert customers.find("domain", "d1.com") is None  # the base's value is no longer the document's
        assert customers.find("domain", "moved.com") is not None
        assert customers.find("domain", "d2.com") is None  # deleted
        assert customers.find("domain", "d9.com") == _customer(9, "Alto")
        assert [c["id"][-1] for c in customers.page(0, 10)] == ["0", "1", "3", "4", "9"]
        customers.reset()
        assert customers.find("domain", "d1.com") == rows[1] and len(customers) == 5


def test_a_file_that_is_not_a_world_is_named(tmp_path: Path) -> None:
    write_world(tmp_path, 2)
    (tmp_path / WORLD_FILE).write_bytes(b"not a database at all, just some bytes" * 100)
    with pytest.raises(WorldError, match=f"{WORLD_FILE}: not a world file"):
        load_world(tmp_path)
    sqlite3.connect(tmp_path / WORLD_FILE).close()
    (tmp_path / WORLD_FILE).unlink()
    db = sqlite3.connect(tmp_path / WORLD_FILE)
    db.execute("CREATE TABLE meta (name TEXT, value TEXT)")
    db.execute("INSERT INTO meta VALUES ('format', 'something else 9')")
    db.commit()
    db.close()
    with pytest.raises(WorldError, match="format 'something else 9', expected 'pcemu-world 2'"):
        load_world(tmp_path)


def test_a_missing_or_wrong_second_part_is_named(tmp_path: Path) -> None:
    write_world(tmp_path / "a", 3)
    write_world(tmp_path / "b", 4)
    (tmp_path / "a" / "tables-2.sqlite").rename(tmp_path / "a" / "spare.sqlite")
    with pytest.raises(WorldError, match=r"tables-2\.sqlite: missing \(part 2 of the world file .*tables\.sqlite\)"):
        load_world(tmp_path / "a")
    (tmp_path / "b" / WORLD_FILE).replace(tmp_path / "a" / "tables-2.sqlite")  # another world's first part
    with pytest.raises(WorldError, match=r"tables-2\.sqlite: not part 2 of the world file"):
        load_world(tmp_path / "a")


def test_a_world_file_of_the_first_format_still_reads(tmp_path: Path) -> None:
    """Format 1 was one file: its meta has no parts."""
    rows = [_customer(n, f"C{n}") for n in range(3)]
    writer = Writer(tmp_path / WORLD_FILE, {"customers": SPECS["customers"]})
    writer.add("customers", rows, [json.dumps(r).encode() for r in rows])
    writer.close()
    with sqlite3.connect(tmp_path / WORLD_FILE) as db:
        db.execute("UPDATE meta SET value = 'pcemu-world 1' WHERE name = 'format'")
        db.execute("DELETE FROM meta WHERE name IN ('parts', 'part')")
    assert table("customers", file=WorldFile(tmp_path / WORLD_FILE)).page(0, 5) == rows


def test_an_invalid_json_world_is_not_imported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_world(tmp_path / "src", 3, form="json")
    path = tmp_path / "src" / "subscriptions.json"
    path.write_text(path.read_text().replace('"quantity": 1', '"quantity": -4', 1))
    assert main(["world", "--import", "--fixtures", str(tmp_path / "src"), "--out", str(tmp_path / "out")]) == 2
    assert "subscriptions.json: subscriptions[" in capsys.readouterr().err
    assert not (tmp_path / "out" / WORLD_FILE).exists()


def test_a_document_that_breaks_its_record_stops_the_writer(tmp_path: Path) -> None:
    from emulator.generate import write_tables

    bad = {**_customer(1, "Bad"), "companyProfile": {"companyName": "Bad"}}
    with pytest.raises(WorldError, match="customers: document 00000000-0000-0000-0000-000000000001"):
        write_tables(tmp_path, {"customers": [bad]})
    assert list(tmp_path.iterdir()) == []


def test_world_command_generates_both_forms(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["world", "--generate", "5", "--out", str(tmp_path / "a")]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"wrote {tmp_path / 'a'}: 5 customers, ")
    assert main(["world", "--generate", "5", "--format", "json", "--out", str(tmp_path / "b")]) == 0
    assert "5 customers" in capsys.readouterr().out
    names = {p.name for p in (tmp_path / "a").iterdir()}
    assert {"apps.json", "offers.json", "partner.json", "users.json", WORLD_FILE} <= names
    assert not names & {"customers.json", "subscriptions.json", "orders.json", "customer-users.json"}
    assert main(["world", "--import", "--out", str(tmp_path / "c"), "--fixtures", str(tmp_path / "a")]) == 2
    assert "is a world file already" in capsys.readouterr().err
    assert main(["world", "--import"]) == 2
    assert "--import needs --out DIR" in capsys.readouterr().err


def test_saved_changes_over_a_world_file_survive_a_restart(tmp_path: Path, signing_key: Any) -> None:
    write_world(tmp_path / "world", 10)
    config = Config(in_memory_key=True, persist=True, state_dir=tmp_path / "state", fixtures=tmp_path / "world")
    first = EmulatorState(config, key=signing_key)
    customers = first.world.customers
    gone, changed = customers.page(0, 2)
    with first.world.store.transaction() as tx:
        tx.put("customers", {**changed, "companyProfile": {**changed["companyProfile"], "companyName": "Renamed"}})
        tx.delete("customers", gone["id"])
    restarted = EmulatorState(config, key=signing_key).world.customers
    assert len(restarted) == 9
    assert restarted.get(gone["id"]) is None
    assert restarted.page(0, 1)[0]["companyProfile"]["companyName"] == "Renamed"
    assert restarted.starting_with("companyName", "ren") == [changed["id"]]


def test_a_document_moved_to_another_group_is_listed_there(tmp_path: Path) -> None:
    rows = [{"id": f"c{n}", "resellerId": "r1" if n < 2 else "r2"} for n in range(3)]
    writer = Writer(tmp_path / WORLD_FILE, {"resellerCustomers": SPECS["resellerCustomers"]})
    writer.add("resellerCustomers", rows, [json.dumps(r).encode() for r in rows])
    writer.close()
    for served in (table("resellerCustomers", rows), table("resellerCustomers", file=WorldFile(tmp_path / WORLD_FILE))):
        served.put({"id": "c0", "resellerId": "r2"})
        assert [r["id"] for r in served.group("r1")] == ["c1"]
        assert [r["id"] for r in served.group("r2")] == ["c2", "c0"]
        served.put({"id": "c0", "resellerId": "r1"})
        assert [r["id"] for r in served.group("r1")] == ["c0", "c1"]
        assert [r["id"] for r in served.group("r2")] == ["c2"]


def test_a_value_two_documents_share_is_found_while_one_still_has_it(tmp_path: Path) -> None:
    rows = [{**_customer(n, f"C{n}"), "customDomains": ["shared.com"]} for n in range(2)]
    for customers in _both(rows, tmp_path):
        customers.delete(rows[0]["id"])
        assert customers.find("domains", "shared.com") == rows[1]
        customers.put({**rows[1], "customDomains": []})
        assert customers.find("domains", "shared.com") is None
        customers.put({**rows[1], "customDomains": ["shared.com"]})
        assert customers.find("domains", "shared.com") is not None
        # The filter's index holds the company profile's domain only.
        assert customers.starting_with("domain", "shared") == []


def test_writing_one_form_removes_the_other(tmp_path: Path) -> None:
    write_world(tmp_path, 5)
    write_world(tmp_path, 7, form="json")
    assert not (tmp_path / WORLD_FILE).exists()
    assert len(load_world(tmp_path).customers) == 7
    write_world(tmp_path, 3)
    assert not (tmp_path / "customers.json").exists()
    assert len(load_world(tmp_path).customers) == 3
