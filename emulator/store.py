"""Tables of Partner Center documents: the fixtures are a read-only base, every change lives in an overlay.

Reset drops the overlay, so it costs the same for ten customers or a hundred thousand. Documents are treated as
immutable: a change stores a new dict in the overlay and never edits a base document in place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

Doc = dict[str, Any]


class Table:
    """Documents by id in insertion order, optionally grouped (for example subscriptions by customer)."""

    def __init__(self, rows: Iterable[Doc], *, group_of: Callable[[Doc], str] | None = None) -> None:
        self._group_of = group_of
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

    # --- changing (callers hold the store's lock) ----------------------------------------------------------

    def put(self, doc: Doc) -> None:
        key = doc["id"].lower()
        known = key in self._base or key in self._changed
        if key in self._deleted:
            # Re-created under the same id (a consent granted again): it comes back in its old place.
            self._deleted.discard(key)
            self._live = None
        if not known:
            self._added.append(key)
            if self._group_of is not None:
                self._added_groups.setdefault(self._group_of(doc).lower(), []).append(key)
        self._changed[key] = doc

    def delete(self, key: str) -> bool:
        key = key.lower()
        if self.get(key) is None:
            return False
        self._deleted.add(key)
        self._live = None
        return True

    # --- persistence of the overlay -----------------------------------------------------------------------

    def overlay(self) -> dict[str, Any]:
        return {
            "changed": [self._changed[k] for k in (*self._changed_base_keys(), *self._added)],
            "deleted": sorted(self._deleted),
        }

    def _changed_base_keys(self) -> list[str]:
        return [k for k in self._changed if k in self._base]

    def apply_overlay(self, overlay: dict[str, Any]) -> None:
        for doc in overlay.get("changed", []):
            self.put(doc)
        for key in overlay.get("deleted", []):
            self._deleted.add(key)
        self._live = None
