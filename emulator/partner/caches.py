"""Caches of one emulator's Partner Center answers. They live on its state, and a reset empties them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class Caches:
    # Bounds: past them a cache starts again empty (simple, and a client pages through few distinct queries).
    QUERIES_MAX = 1024
    PAGES_MAX = 1024
    # A rendered customer pins its parsed document: 10,000 bound a large world's resident memory (a world file's
    # customer is about 3.3 KB parsed, 1 KB rendered) and hold the pages a client reads again.
    RENDERED_MAX = 10_000

    def __init__(self) -> None:
        # a short query string -> its parameters
        self.queries: dict[bytes, Mapping[str, str]] = {}
        # (query string, continuation token, customer count) -> (offset, size, the collection's tail)
        self.pages: dict[tuple[bytes, bytes | None, int], tuple[int, int, bytes]] = {}
        # customer id -> (the stored document, its list form's bytes); right while that same document is stored
        self.rendered: dict[str, tuple[dict[str, Any], bytes]] = {}

    def clear(self) -> None:
        self.queries.clear()
        self.pages.clear()
        self.rendered.clear()
