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
from typing import Any, Protocol

Doc = dict[str, Any]
Write = tuple[str, str, "Doc | None"]  # (table, lower-cased id, new document or None: deleted)
# One document's change in a transaction: (table, lower-cased id, document before or None, after or None).
Change = tuple[str, str, "Doc | None", "Doc | None"]


class Base(Protocol):
    """A table's read-only base documents (the fixtures): in memory (`MemoryBase`), or in a world's SQLite file
    (`emulator.worldfile.SqliteBase`), which a 100,000-customer world opens without parsing it all."""

    def __len__(self) -> int: ...
    def get(self, key: str) -> Doc | None: ...
    def __contains__(self, key: str) -> bool: ...
    def page(self, offset: int, size: int) -> list[tuple[str, Doc]]: ...
    def keys(self) -> list[str]: ...
    def position(self, key: str) -> int: ...  # orders documents; a world file's positions have gaps
    def group(self, name: str) -> list[str]: ...
    def find(self, index: str, value: str) -> list[str]: ...
    def prefixed(self, index: str, prefix: str) -> list[tuple[int, str]]: ...


# A document's lower-cased values under a named index: one (a customer's company name) or several (its initial and
# verified domains).
Index = Callable[[Doc], tuple[str, ...]]


def _starts(values: tuple[str, ...], prefix: str) -> bool:
    return any(v.startswith(prefix) for v in values)


class MemoryBase:
    """Base documents held in a dict (JSON fixture worlds). Indexes are built on first use."""

    def __init__(self, rows: Iterable[Doc], group_of: Callable[[Doc], str] | None, indexes: dict[str, Index]) -> None:
        self._docs: dict[str, Doc] = {}
        self._groups: dict[str, list[str]] = {}
        for row in rows:
            key = row["id"].lower()
            self._docs[key] = row
            if group_of is not None:
                self._groups.setdefault(group_of(row).lower(), []).append(key)
        self._order = list(self._docs)
        self._pairs = list(self._docs.items())  # in order: a page is a slice of it
        self._indexes = indexes
        self._built: dict[str, dict[str, list[str]]] = {}
        self._positions: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self._order)

    def get(self, key: str) -> Doc | None:
        return self._docs.get(key)

    def __contains__(self, key: str) -> bool:
        return key in self._docs

    def page(self, offset: int, size: int) -> list[tuple[str, Doc]]:
        return self._pairs[offset : offset + size]

    def keys(self) -> list[str]:
        return self._order

    def position(self, key: str) -> int:
        if self._positions is None:
            self._positions = {k: i for i, k in enumerate(self._order)}
        return self._positions[key]

    def group(self, name: str) -> list[str]:
        return self._groups.get(name, [])

    def _index(self, index: str) -> dict[str, list[str]]:
        built = self._built.get(index)
        if built is None:
            value = self._indexes[index]
            built = self._built[index] = {}
            for key in self._order:
                for one in value(self._docs[key]):
                    built.setdefault(one, []).append(key)
        return built

    def find(self, index: str, value: str) -> list[str]:
        return self._index(index).get(value, [])

    def prefixed(self, index: str, prefix: str) -> list[tuple[int, str]]:
        value = self._indexes[index]
        return [(i, k) for i, k in enumerate(self._order) if _starts(value(self._docs[k]), prefix)]


class Table:
    """Documents by id in insertion order, optionally grouped (for example subscriptions by customer), with named
    indexes of lower-cased values (a customer's domain) for lookups that must not scan the table."""

    def __init__(
        self,
        rows: Iterable[Doc] = (),
        *,
        group_of: Callable[[Doc], str] | None = None,
        indexes: dict[str, Index] | None = None,
        base: Base | None = None,
    ) -> None:
        self.group_of = group_of
        self.indexes = indexes or {}
        self._base: Base = base if base is not None else MemoryBase(rows, group_of, self.indexes)
        self.reset()

    def reset(self) -> None:
        self._changed: dict[str, Doc] = {}
        self._deleted: set[str] = set()
        self._added: list[str] = []
        self._added_groups: dict[str, dict[str, None]] = {}  # ordered sets: a document moving back is listed once
        self._live: list[str] | None = None  # the id order once something was deleted, built on demand
        # Each index's values of changed and added documents (checked again on use: a value may have moved on).
        self._indexed: dict[str, dict[str, dict[str, None]]] = {name: {} for name in self.indexes}

    # --- reading -----------------------------------------------------------------------------------------------

    def get(self, key: str) -> Doc | None:
        key = key.lower()
        if key in self._deleted:
            return None
        return self._changed.get(key) or self._base.get(key)

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None

    def __len__(self) -> int:
        return len(self._base) + len(self._added) - len(self._deleted)

    def _order(self) -> list[str]:
        if self._live is None:
            self._live = [k for k in (*self._base.keys(), *self._added) if k not in self._deleted]
        return self._live

    def page(self, offset: int, size: int) -> list[Doc]:
        """One page by position. Without deletions this reads the base directly: its cost does not grow with size."""
        if self._deleted:
            return [self._changed.get(k) or self._doc(k) for k in self._order()[offset : offset + size]]
        based = self._base.page(offset, size) if offset < len(self._base) else []
        changed = self._changed
        docs = [changed.get(k) or doc for k, doc in based] if changed else [doc for _, doc in based]
        if len(docs) < size:
            start = max(0, offset - len(self._base))
            docs += [self._changed[k] for k in self._added[start : start + size - len(docs)]]
        return docs

    def _doc(self, key: str) -> Doc:
        doc = self._base.get(key)
        assert doc is not None, key
        return doc

    def __iter__(self) -> Iterator[Doc]:
        return iter(self.page(0, len(self)))

    def group(self, name: str) -> list[Doc]:
        name = name.lower()
        ids = dict.fromkeys([*self._base.group(name), *self._added_groups.get(name, ())])
        docs = (self.get(k) for k in ids)
        # A document that moved to another group (a customer served by another reseller) is listed in its new one.
        return [d for d in docs if d is not None and (self.group_of is None or self.group_of(d).lower() == name)]

    def find(self, index: str, value: str) -> Doc | None:
        """A document whose `index` value is `value` (lower-case), through the index: no scan. Changed documents
        are checked as they are now, so a value two documents shared is still found when one of them moves on."""
        for key in list(self._indexed[index].get(value, ())):
            doc = self.get(key)
            if doc is not None and value in self.indexes[index](doc):
                return doc
        for key in self._base.find(index, value):
            if key not in self._changed and key not in self._deleted:
                return self._base.get(key)
        return None

    def starting_with(self, index: str, prefix: str) -> list[str]:
        """The keys of the documents whose `index` value starts with `prefix` (lower-case), in table order. Keys,
        not documents: a caller reads only the page it answers."""
        value = self.indexes[index]
        hits = [
            (p, k) for p, k in self._base.prefixed(index, prefix) if k not in self._deleted and k not in self._changed
        ]
        # Base documents changed since: checked as they are now, in their base place (the prefix first: a base
        # lookup may be a query). A snapshot of the changes: another thread may be writing.
        moved = [k for k, doc in list(self._changed.items()) if _starts(value(doc), prefix) and k in self._base]
        if moved:
            hits = sorted(hits + [(self._base.position(k), k) for k in moved if k not in self._deleted])
        added = [k for k in self._added if k not in self._deleted and _starts(value(self._changed[k]), prefix)]
        return [k for _, k in hits] + added

    # --- changing (only through Store.transaction) ----------------------------------------------------------

    def put(self, doc: Doc) -> None:
        key = doc["id"].lower()
        known = key in self._changed or key in self._base
        if key in self._deleted:
            # Re-created under the same id (a consent granted again): it comes back in its old place.
            self._deleted.discard(key)
            self._live = None
        if not known:
            self._added.append(key)
            if self._live is not None:
                self._live.append(key)
            if self.group_of is not None:
                self._added_groups.setdefault(self.group_of(doc).lower(), {})[key] = None
        elif self.group_of is not None:
            previous = self._changed.get(key) or self._base.get(key)
            group = self.group_of(doc).lower()
            if previous is not None and self.group_of(previous).lower() != group:
                self._added_groups.setdefault(group, {})[key] = None
        self._changed[key] = doc
        for name, value in self.indexes.items():
            for one in value(doc):
                self._indexed[name].setdefault(one, {})[key] = None

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
        elif key.lower() in self._changed or key.lower() in self._base:
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
        # A document this transaction moved to another group (a customer served by another reseller) is listed there.
        return [d for d in docs if d is not None and (group_of is None or group_of(d).lower() == name.lower())]

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
