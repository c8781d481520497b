"""The emulator's one clock: token times, refresh-token inactivity and expiry checks all read it."""

from __future__ import annotations

import time

from emulator.formats import entra_timestamp


class Clock:
    """Wall time plus an offset that tests and the control API move (time never has to pass for real)."""

    __slots__ = ("_offset",)

    def __init__(self, offset: float = 0.0) -> None:
        self._offset = float(offset)

    def now(self) -> float:
        return time.time() + self._offset

    @property
    def offset(self) -> float:
        return self._offset

    def advance(self, seconds: float) -> None:
        self._offset += float(seconds)

    def reset(self) -> None:
        self._offset = 0.0

    def isoformat(self) -> str:
        return entra_timestamp(self.now())
