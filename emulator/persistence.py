"""Durable state (--persist): every committed change written to SQLite before any reader sees it.

The fixtures stay the read-only base; the database holds the overlay, one row per changed document (its last
version, or NULL for a deletion), in the order documents were first written. Each store transaction is one
SQLite transaction, written under the store's lock before the change is applied in memory, so a change is
acknowledged (and answered) only once it is in the database. A reset empties the overlay table.

Durability: journal_mode=WAL, synchronous=NORMAL (stdlib sqlite3; 28 us a one-row transaction on these machines,
performance-facts.md). A process crash (kill -9) loses no acknowledged change: a committed transaction is in the
WAL file, which SQLite replays at the next open. A power loss or an operating-system crash may lose the last
transactions since the WAL was last synced (at a checkpoint), never the database's consistency. synchronous=FULL
would sync every commit (248 us) to survive power loss too; a test emulator does not need it.

A saved state of the earlier JSON format (world-state.json) is imported once and renamed *.imported. A file that
cannot be read is reported and left in place: it is never silently replaced.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from emulator.store import Write
from emulator.world import World

STATE_FILE = "world.sqlite"
LEGACY_FILE = "world-state.json"
FORMAT = "2"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS overlay (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tbl TEXT NOT NULL,
    key TEXT NOT NULL,
    doc TEXT,
    UNIQUE (tbl, key)
);
"""
_UPSERT = "INSERT INTO overlay (tbl, key, doc) VALUES (?, ?, ?) ON CONFLICT (tbl, key) DO UPDATE SET doc = excluded.doc"


class PersistenceError(Exception):
    """The saved state cannot be used; the message says which file and why."""


class Persistence:
    def __init__(self, state_dir: Path, world: World) -> None:
        self.path = state_dir / STATE_FILE
        self.world = world
        self.saves = 0  # committed transactions written
        self._db: sqlite3.Connection | None = None

    # --- start ------------------------------------------------------------------------------------------------

    def load(self) -> bool:
        """Open (or create) the database and apply its overlay to the world; False when there was none yet."""
        existed = self.path.exists()
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            if not existed:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # private from the start
                os.close(fd)
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_SCHEMA)
            meta = dict(db.execute("SELECT name, value FROM meta").fetchall())
        except sqlite3.DatabaseError as exc:
            raise PersistenceError(
                f"{self.path}: the saved world state cannot be read ({exc}); move or delete the file to start "
                "from the fixtures"
            ) from None
        source = str(self.world.source)
        if not meta:
            db.executemany("INSERT INTO meta VALUES (?, ?)", [("format", FORMAT), ("source", source)])
        elif meta.get("format") != FORMAT:
            raise PersistenceError(f"{self.path}: not a saved world state of format {FORMAT}; move or delete it")
        elif meta.get("source") != source:
            raise PersistenceError(
                f"{self.path}: saved for the world in {meta.get('source')}, not {source}; "
                "use another --state-dir or delete the file"
            )
        self._db = db
        restored = self._restore(db)
        legacy = self.path.with_name(LEGACY_FILE)
        if legacy.exists() and "imported" not in meta:
            # Decided by a mark in the database, not by whether it existed: a failed import is tried again.
            self._import_legacy(legacy)
            db.execute("INSERT OR REPLACE INTO meta VALUES ('imported', ?)", (LEGACY_FILE,))
            restored = True
        self.world.store.on_write = self.write
        self.world.store.on_reset = self.clear
        return restored

    def _restore(self, db: sqlite3.Connection) -> bool:
        tables = self.world.tables()
        rows = 0
        try:
            for table, key, doc in db.execute("SELECT tbl, key, doc FROM overlay ORDER BY seq"):
                if table not in tables:
                    raise PersistenceError(f"{self.path}: unknown table '{table}'")
                tables[table].restore(key, json.loads(doc) if doc is not None else None)
                rows += 1
        except (sqlite3.DatabaseError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise PersistenceError(f"{self.path}: a saved row is malformed ({exc}); move or delete the file") from None
        return rows > 0

    def _import_legacy(self, legacy: Path) -> None:
        """world-state.json of the earlier format: its overlay applied and written here, the file renamed."""
        try:
            data = json.loads(legacy.read_text(encoding="utf-8"))
            if data.get("source") != str(self.world.source):
                raise PersistenceError(f"{legacy}: saved for the world in {data.get('source')}; move or delete it")
            writes: list[Write] = []
            tables = self.world.tables()
            for name, overlay in data["tables"].items():
                for doc in overlay.get("changed", []):
                    tables[name].restore(doc["id"], doc)
                    writes.append((name, doc["id"].lower(), doc))
                for key in overlay.get("deleted", []):
                    tables[name].restore(key, None)
                    writes.append((name, key.lower(), None))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise PersistenceError(
                f"{legacy}: the saved world state cannot be read ({exc}); move or delete it"
            ) from None
        self.write(writes)
        os.replace(legacy, legacy.with_name(LEGACY_FILE + ".imported"))

    # --- while serving (under the store's lock) ----------------------------------------------------------------

    def write(self, writes: list[Write]) -> None:
        assert self._db is not None
        rows: list[tuple[str, str, Any]] = [
            (table, key, json.dumps(doc, separators=(",", ":")) if doc is not None else None)
            for table, key, doc in writes
        ]
        with self._db:  # one SQLite transaction: BEGIN … COMMIT, rolled back if it fails
            self._db.execute("BEGIN")
            self._db.executemany(_UPSERT, rows)
        self.saves += 1

    def clear(self) -> None:
        assert self._db is not None
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute("DELETE FROM overlay")

    def flush(self) -> None:
        """At shutdown: the WAL folded into the database file (every commit is already durable)."""
        if self._db is not None:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
