"""Large worlds in a world file (`tables.sqlite` and its second part `tables-2.sqlite`, beside `partner.json`):
`serve` opens it without parsing it.

Why SQLite: the standard library reads it, a point read by key costs about 8 µs and a page of 100 documents a
fraction of a millisecond, while parsing a 100,000-customer world's JSON took 12 s and 1.3 GiB. The documents are
checked against the fixture records when the file is written (`pcemu world --generate` or `--import`), not at
every start. Memory holds what is hot: the documents last read (a bounded cache), never the whole table.

Layout: per table `docs_<table>(pos INTEGER PRIMARY KEY, key, grp, doc)`, positions in fixture order (see `SLOT`),
unique on key, indexed on (grp, pos); per named index `idx_<table>_<name>(value, pos)`, a row per value (a
customer's initial and verified domains), indexed on (value, pos). Each table is in the file of its part
(`Spec.part`); the first file's meta table lists the format, the number of parts and every table's count, and the
reader attaches the other parts, so that a table is found by its name wherever it is.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import defaultdict
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from contextlib import AbstractContextManager, nullcontext
from itertools import chain, repeat
from operator import itemgetter
from pathlib import Path
from typing import Any

import msgspec

from emulator.store import Doc, Index

WORLD_FILE = "tables.sqlite"  # not world.sqlite: the saved state's name (a state dir may be a world dir)
FORMAT = "pcemu-world 2"  # 2: in parts (files); 1 (one file) still reads
READABLE = (FORMAT, "pcemu-world 1")
CACHED_DOCS = 4096  # parsed documents kept per table: the hot set (a page of customers is at most 500)


class WorldFileError(Exception):
    """The world file is missing a table, is of another format, or is not a SQLite database."""


class Spec:
    """How a table is stored: its group (owner) and its indexes."""

    def __init__(
        self,
        group_of: Callable[[Doc], str] | None = None,
        indexes: Mapping[str, Index] | None = None,
        *,
        part: int = 1,
    ) -> None:
        self.group_of = group_of
        self.indexes = dict(indexes or {})
        self.part = part  # the file of the world file that holds the table (see `part_path`)

    def index_statements(self, table: str) -> list[str]:
        return [
            f'CREATE UNIQUE INDEX "docs_{table}_key" ON "docs_{table}" (key)',
            *([f'CREATE INDEX "docs_{table}_grp" ON "docs_{table}" (grp, pos)'] if self.group_of is not None else []),
            *(f'CREATE INDEX "idx_{table}_{name}_value" ON "idx_{table}_{name}" (value, pos)' for name in self.indexes),
        ]


def part_path(path: Path, part: int) -> Path:
    """The file of part `part` of the world file `path`: tables.sqlite itself, then tables-2.sqlite. Two files, so
    that two processes build their indexes at once (one SQLite file has one writer): 2.3-2.5 s in one, 1.4-1.5 s
    in two."""
    return path if part == 1 else path.with_name(f"{path.stem}-{part}{path.suffix}")


# Every file a world file may have (a world written in the other form, JSON, removes them).
WORLD_FILES = (WORLD_FILE, part_path(Path(WORLD_FILE), 2).name)


def uri(path: Path) -> str:
    return path.resolve().as_uri() + "?mode=ro"


# Positions order a table's rows (fixture order) and need not be dense: the rows of slot n (a chunk of a generated
# world, written by whichever process made it, in any order) are numbered n * SLOT + 1, + 2, …
SLOT = 1 << 32


def _writing(db: sqlite3.Connection) -> None:
    db.execute("PRAGMA journal_mode=OFF")  # a failed write leaves only the .partial file, removed
    db.execute("PRAGMA synchronous=OFF")
    # An index build sorts in runs the size of the cache, merged in memory (not in temporary files). Runs of 4 MiB
    # build a 100,000-customer world's indexes in 2.7 s, one run of 256 MiB in 3.8-4.5 s: they fit the CPU's caches.
    db.execute("PRAGMA cache_size=-4096")
    db.execute("PRAGMA temp_store=MEMORY")


# Rows per INSERT statement: one statement for many rows does less work per row than executemany's one row at a time
# (callgrind: 19% fewer instructions at 50 rows; 32 keeps a statement at 128 values).
BATCH = 32


# An INSERT statement and its parameters: one list per execution.
Statement = tuple[str, list[list[Any]]]


def _statements(name: str, columns: list[list[Any]]) -> list[Statement]:
    """Rows given column by column, as INSERTs of BATCH rows (and one-row INSERTs for the rest)."""
    count, width = len(columns[0]), len(columns)
    if not count:
        return []
    flat: list[Any] = [None] * (count * width)
    for n, column in enumerate(columns):
        flat[n::width] = column
    full = count - count % BATCH
    row = "(" + ", ".join("?" * width) + ")"
    step = BATCH * width
    found = [
        (
            f"INSERT INTO {name} VALUES " + ", ".join([row] * BATCH),
            [flat[at : at + step] for at in range(0, full * width, step)],
        )
    ]
    rest = flat[full * width :]
    found.append((f"INSERT INTO {name} VALUES {row}", [rest[at : at + width] for at in range(0, len(rest), width)]))
    return [(sql, params) for sql, params in found if params]


def _rows(table: str, spec: Spec, first: int, docs: list[Doc], encoded: list[bytes]) -> list[Statement]:
    """The INSERTs of documents (and their JSON, checked) as rows numbered from `first`, with their index values:
    made before the file is locked, so that the lock is held only to execute them. (map and chain loop in C: 6%
    fewer instructions than comprehensions; the rows are about 6% of a large world's generation.)"""
    positions = range(first, first + len(docs))
    keys = list(map(str.lower, map(_ID, docs)))
    group_of = spec.group_of
    groups = list(map(str.lower, map(group_of, docs))) if group_of is not None else [None] * len(docs)
    found = _statements(f'"docs_{table}"', [list(positions), keys, groups, encoded])
    for name, index in spec.indexes.items():
        values = list(map(index, docs))  # a tuple of values per document
        at = list(chain.from_iterable(map(repeat, positions, map(len, values))))
        found += _statements(f'"idx_{table}_{name}"', [list(chain.from_iterable(values)), at])
    return found


_ID = itemgetter("id")


def _execute(db: sqlite3.Connection, statements: list[Statement]) -> None:
    for sql, params in statements:
        db.executemany(sql, params)
    db.commit()


# A table's documents and their JSON encodings (each checked against its fixture record).
Encoded = tuple[list[Doc], list[bytes]]


Locks = Mapping[int, AbstractContextManager[Any]]  # per part: the writing processes take turns at each file


def _nolocks() -> Locks:
    return defaultdict(nullcontext)


def _index(partial: Path, statements: list[tuple[str, str]]) -> None:
    """A part's indexes built (in whichever process has a core free): (table, CREATE INDEX) in order."""
    db = sqlite3.connect(partial)
    try:
        _writing(db)
        for table, statement in statements:
            try:
                db.execute(statement)
            except sqlite3.IntegrityError:
                raise WorldFileError(f"{table}: two documents have the same id") from None
        db.commit()
    finally:
        db.close()


class Writer:
    """A new world file: its tables' rows in slots (see `SLOT`), in the files of their parts, indexed when closed.
    Other processes may write slots of their own at the same time (`Appender`, taking turns at each file)."""

    def __init__(self, path: Path, specs: Mapping[str, Spec]) -> None:
        self.path, self.specs = path, specs
        parts = sorted({1, *(spec.part for spec in specs.values())})
        self.partials = {part: Path(f"{part_path(path, part)}.partial") for part in parts}
        self._dbs: dict[int, sqlite3.Connection] = {}
        for part, partial in self.partials.items():
            partial.unlink(missing_ok=True)
            db = self._dbs[part] = sqlite3.connect(partial, check_same_thread=False)
            db.execute("PRAGMA page_size=16384")  # documents of 1-3 KB: measured 20% quicker to insert than 4 KiB
            _writing(db)
            db.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
        self.counts: dict[str, int] = {}
        for table, spec in specs.items():
            db = self._dbs[spec.part]
            db.execute(f'CREATE TABLE "docs_{table}" (pos INTEGER PRIMARY KEY, key TEXT NOT NULL, grp TEXT, doc BLOB)')
            for name in spec.indexes:
                db.execute(f'CREATE TABLE "idx_{table}_{name}" (value TEXT NOT NULL, pos INTEGER NOT NULL)')
            self.counts[table] = 0
        for db in self._dbs.values():
            db.commit()
        self._own: dict[str, int] = {}

    def add(self, table: str, docs: list[Doc], encoded: list[bytes], *, locks: Locks | None = None) -> None:
        """Documents after those added before, in slot 0 (before every other slot); under `locks` while
        `Appender`s are writing."""
        first = self._own.get(table, 0) + 1
        if first + len(docs) > SLOT:
            raise WorldFileError(f"{table}: more than {SLOT - 1} documents in one slot")
        part = self.specs[table].part
        statements = _rows(table, self.specs[table], first, docs, encoded)
        with (locks or _nolocks())[part]:
            _execute(self._dbs[part], statements)
        self._own[table] = first - 1 + len(docs)
        self.counts[table] += len(docs)

    def added(self, counts: Mapping[str, int]) -> None:
        """Documents an `Appender` added."""
        for table, count in counts.items():
            self.counts[table] += count

    def close(self, *, publish: bool = True, helper: Executor | None = None) -> dict[str, int]:
        """Indexes built (a part other than the first by `helper`, if given, at the same time), counts recorded;
        the files renamed into place (or left as `partials`, for the caller to rename with the files they belong
        with)."""
        for part, db in self._dbs.items():
            meta = [("format", FORMAT), ("part", str(part))]
            if part == 1:
                meta += [("parts", str(max(self._dbs))), *((f"count:{t}", str(n)) for t, n in self.counts.items())]
            db.executemany("INSERT INTO meta VALUES (?, ?)", meta)
            db.commit()
            db.close()
        plans = {
            part: [(t, sql) for t, spec in self.specs.items() if spec.part == part for sql in spec.index_statements(t)]
            for part in self.partials
        }
        elsewhere = [helper.submit(_index, self.partials[part], plans[part]) for part in plans if part != 1 and helper]
        _index(self.partials[1], plans[1])
        for part in plans:
            if part != 1 and helper is None:
                _index(self.partials[part], plans[part])
        for future in elsewhere:
            future.result()
        if publish:
            for part, partial in self.partials.items():
                partial.replace(part_path(self.path, part))
        return self.counts

    def abandon(self) -> None:
        for db in self._dbs.values():
            db.close()
        for partial in self.partials.values():
            partial.unlink(missing_ok=True)


class Appender:
    """Another process's connections to a world file being written: it adds whole slots, one process at a time at
    each file (`locks`, shared by the writing processes). Returns each table's count; the `Writer` adds them up."""

    def __init__(self, partials: Mapping[int, Path], specs: Mapping[str, Spec], locks: Locks) -> None:
        self.specs, self._locks = specs, locks
        self._dbs = {part: sqlite3.connect(partial) for part, partial in partials.items()}
        for db in self._dbs.values():
            _writing(db)

    def write(self, slot: int, tables: Mapping[str, Encoded]) -> dict[str, int]:
        if slot < 1:
            raise ValueError("slot 0 is the Writer's")
        statements: dict[int, list[Statement]] = defaultdict(list)
        for table, (docs, encoded) in tables.items():
            spec = self.specs[table]
            statements[spec.part] += _rows(table, spec, slot * SLOT + 1, docs, encoded)
        for part, found in statements.items():
            with self._locks[part]:
                _execute(self._dbs[part], found)
        return {table: len(docs) for table, (docs, _) in tables.items()}

    def close(self) -> None:
        for db in self._dbs.values():
            db.close()


class WorldFile:
    """An open world file, read-only, shared by its tables' bases (one connection, one lock)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._db = sqlite3.connect(uri(path), uri=True, check_same_thread=False)
        except sqlite3.Error as exc:
            raise WorldFileError(f"{path}: not a world file ({exc})") from None
        try:
            self.counts = self._open(path)
        except (WorldFileError, ValueError) as exc:
            self._db.close()
            if isinstance(exc, WorldFileError):
                raise
            raise WorldFileError(f"{path}: not a world file ({exc})") from None
        self.lock = threading.Lock()

    def _open(self, path: Path) -> dict[str, int]:
        """Each table's count, once the format is known and the other parts attached: their tables are found by
        their names, as the first part's are."""
        meta = self._meta(path, "main")
        if meta.get("format") not in READABLE:
            raise WorldFileError(f"{path}: format {meta.get('format')!r}, expected {FORMAT!r}")
        for part in range(2, int(meta.get("parts", "1")) + 1):
            other = part_path(path, part)
            if not other.exists():
                raise WorldFileError(f"{other}: missing (part {part} of the world file {path})")
            if self._meta(other, f"part{part}").get("part") != str(part):
                raise WorldFileError(f"{other}: not part {part} of the world file {path}")
        return {k.removeprefix("count:"): int(v) for k, v in meta.items() if k.startswith("count:")}

    def _meta(self, path: Path, schema: str) -> dict[str, str]:
        """The meta table of `path`, attached read-only as `schema` first unless it is the connection's own."""
        try:
            if schema != "main":
                self._db.execute("ATTACH DATABASE ? AS ?", (uri(path), schema))
            return dict(self._db.execute(f"SELECT name, value FROM {schema}.meta").fetchall())
        except sqlite3.DatabaseError as exc:
            raise WorldFileError(f"{path}: not a world file ({exc})") from None

    def rows(self, sql: str, *args: Any) -> list[Any]:
        with self.lock:
            return self._db.execute(sql, args).fetchall()

    def base(self, table: str, indexes: Mapping[str, Index]) -> SqliteBase:
        if table not in self.counts:
            raise WorldFileError(f"{self.path}: no table {table}")
        return SqliteBase(self, table, self.counts[table], set(indexes))

    def close(self) -> None:
        with self.lock:
            self._db.close()


class SqliteBase:
    """A table's base documents in the world file (see `emulator.store.Base`)."""

    def __init__(self, file: WorldFile, table: str, count: int, indexes: set[str]) -> None:
        self._file, self._table, self._count, self._indexes = file, table, count, indexes
        self._docs = f'"docs_{table}"'
        # The hot set: the documents last read, first in, first out (reads do not reorder it: no lock to read).
        self._cache: dict[str, Doc] = {}
        self._cached = threading.Lock()
        self._keys: list[str] | None = None
        self._decode = msgspec.json.Decoder().decode

    def __len__(self) -> int:
        return self._count

    def _remember(self, key: str, doc: Doc) -> Doc:
        with self._cached:  # writers take turns; a reader needs no lock (a dict lookup is atomic)
            self._cache[key] = doc
            if len(self._cache) > CACHED_DOCS:
                del self._cache[next(iter(self._cache))]  # the first read: first in, first out
        return doc

    def _recall(self, key: str) -> Doc | None:
        return self._cache.get(key)

    def get(self, key: str) -> Doc | None:
        doc = self._recall(key)
        if doc is not None:
            return doc
        found = self._file.rows(f"SELECT doc FROM {self._docs} WHERE key = ?", key)
        return self._remember(key, self._decode(found[0][0])) if found else None

    def __contains__(self, key: str) -> bool:
        return key in self._cache or bool(self._file.rows(f"SELECT 1 FROM {self._docs} WHERE key = ?", key))

    def page(self, offset: int, size: int) -> list[tuple[str, Doc]]:
        """A page by position: its keys from the key list (read once, about 10 MB at 100,000), its documents from
        the hot set, the others read in one query. A page read again costs no SQL (the lists stay flat)."""
        keys = self.keys()[offset : offset + size]
        docs = {key: self._recall(key) for key in keys}
        missing = [key for key, doc in docs.items() if doc is None]
        for start in range(0, len(missing), 500):  # SQLite's default limit is 32,766 variables: well below
            chunk = missing[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for key, doc in self._file.rows(f"SELECT key, doc FROM {self._docs} WHERE key IN ({marks})", *chunk):
                docs[key] = self._remember(key, self._decode(doc))
        return [(key, doc) for key, doc in docs.items() if doc is not None]

    def keys(self) -> list[str]:
        """Every key in order, read once when first needed (a page, or a deletion in the overlay)."""
        if self._keys is None:
            self._keys = [k for (k,) in self._file.rows(f"SELECT key FROM {self._docs} ORDER BY pos")]
        return self._keys

    def position(self, key: str) -> int:
        found = self._file.rows(f"SELECT pos FROM {self._docs} WHERE key = ?", key)
        if not found:
            raise KeyError(key)
        position: int = found[0][0] - 1
        return position

    def group(self, name: str) -> list[str]:
        return [k for (k,) in self._file.rows(f"SELECT key FROM {self._docs} WHERE grp = ? ORDER BY pos", name)]

    def _lookup(self, index: str) -> str:
        if index not in self._indexes:
            raise KeyError(index)
        return f'"idx_{self._table}_{index}"'

    def find(self, index: str, value: str) -> list[str]:
        found = self._file.rows(
            f"SELECT d.key FROM {self._lookup(index)} i JOIN {self._docs} d ON d.pos = i.pos "
            "WHERE i.value = ? ORDER BY i.pos",
            value,
        )
        return [k for (k,) in found]

    def prefixed(self, index: str, prefix: str) -> list[tuple[int, str]]:
        found: list[tuple[int, str]] = self._file.rows(
            f"SELECT DISTINCT d.pos - 1, d.key FROM {self._lookup(index)} i JOIN {self._docs} d ON d.pos = i.pos "
            "WHERE i.value >= ? AND i.value < ? ORDER BY d.pos",
            prefix,
            prefix + "\U0010ffff",
        )
        return found
