"""Tables of Partner Center documents, and the one way to change them: a store transaction.

The fixtures are a read-only base and every change lives in an overlay, so a reset costs the same for ten
customers or a hundred thousand. Documents are treated as immutable: a change stores a new dict in the overlay and
never edits a base document in place.

Models change tables only inside `Store.transaction()`: writes are staged and applied together when the block
ends without an error, so a rule that fails half-way leaves nothing behind. The write hook (persistence, in
SQLite) is handed the writes before they are applied, under the store's lock: a change is durable before any
reader sees it, and a write that cannot be saved is not applied.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

Doc = dict[str, Any]
Write = tuple[str, str, "Doc | None"]  # (table, lower-cased id, new document or None: deleted)
# One document's change in a transaction: (table, lower-cased id, document before or None, after or None).
Change = tuple[str, str, "Doc | None", "Doc | None"]


class Table:
    """Documents by id in insertion order, optionally grouped (for example subscriptions by customer)."""

    def __init__(self, rows: Iterable[Doc], *, group_of: Callable[[Doc], str] | None = None) -> None:
        self.group_of = group_of
        self._base: dict[str, Doc] = {}
        self._base_groups: dict[str, list[str]] = {}
        for row in rows:
            key = row["id"].lower()
            self._base[key] = row
            if group_of is not None:
                self._base_groups.setdefault(group_of(row).lower(), []).append(key)
        self._base_order = list(self._base)
        self.reset()

    def reset(self) -> None:
        self._changed: dict[str, Doc] = {}
        self._deleted: set[str] = set()
        self._added: list[str] = []
        self._added_groups: dict[str, list[str]] = {}
        self._live: list[str] | None = None  # the id order once something was deleted, built on demand

    # --- reading -----------------------------------------------------------------------------------------------

    def get(self, key: str) -> Doc | None:
        key = key.lower()
        if key in self._deleted:
            return None
        return self._changed.get(key) or self._base.get(key)

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None

    def __len__(self) -> int:
        return len(self._base_order) + len(self._added) - len(self._deleted)

    def _order(self) -> list[str]:
        if not self._deleted:
            return self._base_order if not self._added else self._base_order + self._added
        if self._live is None:
            self._live = [k for k in (*self._base_order, *self._added) if k not in self._deleted]
        return self._live

    def page(self, offset: int, size: int) -> list[Doc]:
        """One page by position. Without deletions this slices the base directly: its cost does not grow with size."""
        if not self._deleted and offset + size <= len(self._base_order):
            ids = self._base_order[offset : offset + size]
        elif not self._deleted:
            base = self._base_order[offset : offset + size]
            start = max(0, offset - len(self._base_order))
            ids = base + self._added[start : start + size - len(base)]
        else:
            ids = self._order()[offset : offset + size]
        return [self._changed.get(k) or self._base[k] for k in ids]

    def __iter__(self) -> Iterator[Doc]:
        return iter(self.page(0, len(self)))

    def group(self, name: str) -> list[Doc]:
        name = name.lower()
        ids = [*self._base_groups.get(name, ()), *self._added_groups.get(name, ())]
        docs = (self.get(k) for k in ids)
        return [d for d in docs if d is not None]

    # --- changing (only through Store.transaction) ----------------------------------------------------------

    def put(self, doc: Doc) -> None:
        key = doc["id"].lower()
        known = key in self._base or key in self._changed
        if key in self._deleted:
            # Re-created under the same id (a consent granted again): it comes back in its old place.
            self._deleted.discard(key)
            self._live = None
        if not known:
            self._added.append(key)
            if self.group_of is not None:
                self._added_groups.setdefault(self.group_of(doc).lower(), []).append(key)
        self._changed[key] = doc

    def delete(self, key: str) -> bool:
        key = key.lower()
        if self.get(key) is None:
            return False
        self._deleted.add(key)
        self._live = None
        return True

    # --- persistence of the overlay -----------------------------------------------------------------------

    def restore(self, key: str, doc: Doc | None) -> None:
        """A saved change applied at start: the document as it was last written, or its deletion."""
        if doc is not None:
            self.put(doc)
        elif key.lower() in self._base or key.lower() in self._changed:
            self.delete(key)


# A creating call's first answer is kept under its idempotency key (MS-RequestId and caller): this many at most,
# for this long on the emulator's clock. Partner Center documents neither; a day is inferred (a client retries
# within minutes).
ANSWERS_KEPT = 10_000
ANSWER_LIFETIME = 24 * 3600


class Transaction:
    """Staged writes of one model method; reads see the staged writes. Applied by Store.transaction on success."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._writes: dict[tuple[str, str], Doc | None] = {}  # (table, lower-cased id) -> new document or deletion
        self._answers: list[tuple[str, Any]] = []

    def get(self, table: str, key: str) -> Doc | None:
        staged = (table, key.lower())
        if staged in self._writes:
            return self._writes[staged]
        return self._store.tables[table].get(key)

    def group(self, table: str, name: str) -> list[Doc]:
        """The group's documents as committed, with this transaction's changes to them (new ones last)."""
        committed = self._store.tables[table].group(name)
        docs = [self.get(table, d["id"]) for d in committed]
        known = {d["id"].lower() for d in committed}
        group_of = self._store.tables[table].group_of
        for (name_, key), doc in self._writes.items():
            new = name_ == table and doc is not None and key not in known
            if new and doc is not None and group_of is not None and group_of(doc).lower() == name.lower():
                docs.append(doc)
        return [d for d in docs if d is not None]

    def put(self, table: str, doc: Doc) -> None:
        self._writes[(table, doc["id"].lower())] = doc

    def delete(self, table: str, key: str) -> bool:
        if self.get(table, key) is None:
            return False
        self._writes[(table, key.lower())] = None
        return True

    def replayed(self, request_key: str | None) -> Any:
        """The first answer under this idempotency key, or None (checked inside the transaction: no race)."""
        return self._store.replayed(request_key)

    def remember(self, request_key: str | None, answer: Any) -> None:
        """Keep `answer` as the answer to every retry with this key, once the transaction commits."""
        if request_key is not None:
            self._answers.append((request_key, answer))

    def _apply(self) -> None:
        for (table, key), doc in self._writes.items():
            if doc is None:
                self._store.tables[table].delete(key)
            else:
                self._store.tables[table].put(doc)
        answers, now = self._store._answers, self._store.now()
        for request_key, answer in self._answers:
            self._store._forget_answers(now)
            if len(answers) >= ANSWERS_KEPT:
                answers.pop(next(iter(answers)))
            answers[request_key] = (now, answer)


class Store:
    """The world's tables. Reads need no transaction; every change goes through `transaction()`."""

    def __init__(self, tables: dict[str, Table]) -> None:
        self.tables = tables
        # One lock for every change: a customer with its users, an order with its subscriptions, never half-applied.
        self.lock = threading.RLock()
        self._answers: dict[str, tuple[float, Any]] = {}  # key -> (when, answer), oldest first
        # The emulator's clock (the state sets it); kept answers expire on it.
        self.now: Callable[[], float] = time.time
        # Persistence: handed each transaction's writes (table, lower-cased id, document or None for a deletion)
        # before they are applied, and told of every reset.
        self.on_write: Callable[[list[Write]], None] | None = None
        self.on_reset: Callable[[], None] | None = None
        # The audit trail: handed each transaction's changes (with the documents as they were) when its block
        # ends, before they are saved and applied. It may stage writes of its own in the same transaction (its
        # records), which are saved and applied with the changes they describe, all or nothing, and are not
        # handed to it again.
        self.on_change: Callable[[Transaction, list[Change]], None] | None = None

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Run a model method's changes: all of them are applied when the block ends, none if it raises."""
        with self.lock:
            tx = Transaction(self)
            yield tx
            if tx._writes and self.on_change is not None:
                self.on_change(tx, [(t, key, self.tables[t].get(key), doc) for (t, key), doc in tx._writes.items()])
            if tx._writes and self.on_write is not None:
                self.on_write([(table, key, doc) for (table, key), doc in tx._writes.items()])
            tx._apply()

    def replayed(self, request_key: str | None) -> Any:
        if request_key is None:
            return None
        found = self._answers.get(request_key)
        if found is None or self.now() - found[0] > ANSWER_LIFETIME:
            return None
        return found[1]

    def _forget_answers(self, now: float) -> None:
        """Drop expired answers, oldest first, stopping at the first one still kept."""
        while self._answers:
            key = next(iter(self._answers))
            if now - self._answers[key][0] <= ANSWER_LIFETIME:
                break
            del self._answers[key]

    def reset(self) -> None:
        """Back to the fixtures: every overlay dropped, kept answers forgotten. O(1) in the number of documents."""
        with self.lock:
            if self.on_reset is not None:
                self.on_reset()  # the saved state first: if it cannot be emptied, memory is left as it is
            for table in self.tables.values():
                table.reset()
            self._answers.clear()
