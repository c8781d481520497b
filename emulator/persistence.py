"""Optional persistence of the world's changes (--persist): coalesced, atomic saves of the overlay tables.

Only the overlay is saved (what changed since the fixtures), so a save costs what changed, not the world's size.
A file that cannot be read is reported and left in place: it is never silently replaced.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path
from typing import Any

from emulator.world import World

STATE_FILE = "world-state.json"
FORMAT = 1
# A burst of writes becomes one save this many seconds after the first of them.
SAVE_DELAY = 0.25


class PersistenceError(Exception):
    """The saved state cannot be used; the message says which file and why."""


class Persistence:
    def __init__(self, state_dir: Path, world: World, delay: float = SAVE_DELAY) -> None:
        self.path = state_dir / STATE_FILE
        self.world, self.delay = world, delay
        self._dirty = False
        self._scheduled = False
        self.saves = 0
        world.store.on_commit = self.mark_dirty

    def load(self) -> bool:
        """Apply the saved overlay to the world; False when there is none yet."""
        if not self.path.exists():
            return False
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            raise PersistenceError(
                f"{self.path}: the saved world state cannot be read ({exc}); move or delete the file to start "
                "from the fixtures"
            ) from None
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("tables"), dict):
            raise PersistenceError(f"{self.path}: not a saved world state of format {FORMAT}; move or delete it")
        if data.get("source") != str(self.world.source):
            raise PersistenceError(
                f"{self.path}: saved for the world in {data.get('source')}, not {self.world.source}; "
                "use another --state-dir or delete the file"
            )
        tables = self.world.tables()
        try:
            for name, overlay in data["tables"].items():
                if name not in tables or not isinstance(overlay, dict):
                    raise PersistenceError(f"{self.path}: unknown table '{name}'")
                tables[name].apply_overlay(overlay)
        except (KeyError, TypeError, AttributeError) as exc:
            raise PersistenceError(
                f"{self.path}: a saved table is malformed ({exc}); move or delete the file"
            ) from None
        return True

    def mark_dirty(self) -> None:
        self._dirty = True
        if self._scheduled:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.flush()
            return
        self._scheduled = True
        loop.call_later(self.delay, self._scheduled_flush)

    def _scheduled_flush(self) -> None:
        self._scheduled = False
        self.flush()

    def flush(self) -> None:
        """Write the overlay now if anything changed: temp file, fsync, rename, fsync of the directory."""
        if not self._dirty:
            return
        with self.world.store.lock:
            document: dict[str, Any] = {
                "format": FORMAT,
                "source": str(self.world.source),
                "tables": {name: table.overlay() for name, table in self.world.tables().items()},
            }
            self._dirty = False
        payload = json.dumps(document, separators=(",", ":")).encode()
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, payload)
            os.fsync(fd)
        finally:
            os.close(fd)
        hold = os.environ.get("PCEMU_TEST_HOLD_SAVE")
        if hold:
            # Test hook for crash safety: announce that the new file is written but not yet renamed, then wait.
            Path(hold).write_text(str(os.getpid()))
            time.sleep(30)
        os.replace(tmp, self.path)
        directory = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        self.saves += 1
