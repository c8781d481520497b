"""The store transaction API: all of a model method's writes or none, reads that see them, kept answers, reset."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.store import ANSWER_LIFETIME, ANSWERS_KEPT, Store, Table


def _store() -> tuple[Store, list[str]]:
    customers = Table([{"id": "C1", "name": "one"}])
    users = Table([{"id": "u1", "_customerId": "C1"}], group_of=lambda d: d["_customerId"])
    store = Store({"customers": customers, "users": users})
    commits: list[str] = []
    store.on_write = lambda writes: commits.append("commit")
    store.on_reset = lambda: commits.append("reset")
    return store, commits


def test_writes_apply_together_when_the_block_ends() -> None:
    store, commits = _store()
    with store.transaction() as tx:
        tx.put("customers", {"id": "C2", "name": "two"})
        tx.put("users", {"id": "u2", "_customerId": "C2"})
        assert store.tables["customers"].get("c2") is None  # staged, not yet visible outside
        assert tx.get("customers", "c2") == {"id": "C2", "name": "two"}
        assert [u["id"] for u in tx.group("users", "c2")] == ["u2"]
    assert store.tables["customers"].get("C2") == {"id": "C2", "name": "two"}
    assert [u["id"] for u in store.tables["users"].group("C2")] == ["u2"]
    assert commits == ["commit"]


def test_a_document_moved_in_the_transaction_is_listed_in_its_new_group() -> None:
    store, _ = _store()
    with store.transaction() as tx:
        tx.put("users", {"id": "u1", "_customerId": "C2"})
        assert tx.group("users", "c1") == []
        assert tx.group("users", "c2") == [{"id": "u1", "_customerId": "C2"}]
        tx.put("users", {"id": "u1", "_customerId": "C1"})
        assert tx.group("users", "c1") == [{"id": "u1", "_customerId": "C1"}]
        assert tx.group("users", "c2") == []
    assert [u["id"] for u in store.tables["users"].group("c1")] == ["u1"]


def test_an_error_leaves_nothing_behind() -> None:
    store, commits = _store()
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.put("customers", {"id": "C2", "name": "two"})
        tx.delete("users", "u1")
        tx.remember("key", "answer")
        raise RuntimeError("a rule failed half-way")
    assert store.tables["customers"].get("C2") is None
    assert store.tables["users"].get("u1") is not None
    assert store.replayed("key") is None
    assert commits == []


def test_deletes_are_seen_inside_and_a_read_only_block_commits_nothing() -> None:
    store, commits = _store()
    with store.transaction() as tx:
        assert tx.delete("users", "U1")
        assert tx.get("users", "u1") is None
        assert tx.group("users", "C1") == []
        assert not tx.delete("users", "u1")  # already gone in this transaction
    assert store.tables["users"].get("u1") is None
    with store.transaction() as tx:
        assert tx.get("customers", "c1") is not None
    assert commits == ["commit"]


def test_answers_are_kept_on_commit_bounded_and_forgotten_by_a_reset() -> None:
    store, commits = _store()
    with store.transaction() as tx:
        assert tx.replayed("k") is None
        tx.remember("k", {"first": True})
        tx.remember(None, "no key, not kept")
    assert store.replayed("k") == {"first": True}
    for n in range(ANSWERS_KEPT):
        with store.transaction() as tx:
            tx.remember(f"k{n}", n)
    assert store.replayed("k") is None  # the oldest went first
    assert store.replayed(f"k{ANSWERS_KEPT - 1}") == ANSWERS_KEPT - 1
    store.reset()
    assert store.replayed(f"k{ANSWERS_KEPT - 1}") is None
    assert commits == ["reset"]  # only the reset: kept answers alone change no table


def test_reset_drops_every_change() -> None:
    store, commits = _store()
    with store.transaction() as tx:
        tx.put("customers", {"id": "C1", "name": "renamed"})
        tx.put("customers", {"id": "C9", "name": "new"})
    store.reset()
    customers: Any = store.tables["customers"]
    assert [c["name"] for c in customers] == ["one"]
    assert commits == ["commit", "reset"]


def test_kept_answers_expire_on_the_emulators_clock() -> None:
    store, _ = _store()
    now = [1000.0]
    store.now = lambda: now[0]
    with store.transaction() as tx:
        tx.remember("old", "first")
    now[0] += ANSWER_LIFETIME
    assert store.replayed("old") == "first"  # a day on, still kept
    now[0] += 1
    assert store.replayed("old") is None  # then a retry creates anew
    with store.transaction() as tx:
        tx.remember("new", "second")
    assert list(store._answers) == ["new"]  # expired ones are dropped as new ones come
