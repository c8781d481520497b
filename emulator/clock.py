"""The emulator's one clock: token times, refresh-token inactivity and expiry checks all read it."""

from __future__ import annotations

import time
from datetime import UTC, datetime


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
        return iso(self.now())


def iso(epoch: float) -> str:
    """UTC time the way Entra writes `timestamp` in error bodies: 2019-02-14 21:54:58Z."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%SZ")
