"""The table of audit records (emulator.partner.models.audit): appended in sequence, bounded, its slots reused.

A store table like the others (persisted, emptied by a reset) whose documents are never a fixture's: it has no
base, and a deleted record's memory is freed at once, so a long run's expired and replaced records cost nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from emulator.store import Doc, Table

TABLE = "auditRecords"
# [I] Partner Center documents no count limit, only the 90 days. 100,000 records hold a CI run's activity (the
# 100,000-customer write benchmark fills it exactly) while bounding memory (a record is 1-2 KB, most of it the
# resource's JSON: at most ~200 MB) and the saved state: a slot is reused, so the SQLite file holds at most as
# many rows.
RECORDS_KEPT = 100_000


class AuditTable(Table):
    """The audit records, oldest first. A record's id is its slot (its sequence number modulo RECORDS_KEPT):
    writing a slot again replaces the oldest record, so the table, and its saved rows, never hold more than
    RECORDS_KEPT. Unlike a fixtures table it has no base, and a deleted record's memory is freed."""

    def __init__(self) -> None:
        super().__init__(())

    def reset(self) -> None:
        super().reset()
        self._records: dict[str, Doc] = {}  # slot -> record, in sequence order
        self._sorted = True

    def _ordered(self) -> dict[str, Doc]:
        if not self._sorted:  # restored from the saved state, whose row order is the slots' first use
            self._records = dict(sorted(self._records.items(), key=lambda item: item[1]["_seq"]))
            self._sorted = True
        return self._records

    def get(self, key: str) -> Doc | None:
        return self._records.get(key.lower())

    def __len__(self) -> int:
        return len(self._records)

    def page(self, offset: int, size: int) -> list[Doc]:
        return list(self._ordered().values())[offset : offset + size]

    def group(self, name: str) -> list[Doc]:
        return []

    def put(self, doc: Doc) -> None:
        records = self._records
        key = doc["id"].lower()
        records.pop(key, None)
        if self._sorted and records and doc["_seq"] < next(reversed(records.values()))["_seq"]:
            self._sorted = False  # sorted once, when next read: a restore of wrapped slots stays linear
        records[key] = doc

    def delete(self, key: str) -> bool:
        return self._records.pop(key.lower(), None) is not None

    def restore(self, key: str, doc: Doc | None) -> None:
        if doc is not None:
            self.put(doc)
        else:
            self.delete(key)

    def newest_first(self) -> list[Doc]:
        """A snapshot of the records, newest first (list() of a dict's values runs without a thread switch)."""
        records = list(self._ordered().values())
        records.reverse()
        return records

    def oldest(self) -> Iterator[Doc]:
        """The records, oldest first, without a copy: for the store's transactions, under its lock (a transaction
        stages its writes, so the records do not change while it reads them)."""
        return iter(self._ordered().values())

    def last_seq(self) -> int:
        records = self._ordered()
        return int(next(reversed(records.values()))["_seq"]) if records else -1
