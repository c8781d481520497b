"""Settings for one emulator: command-line flags over environment variables over defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from emulator.keys import default_state_dir
from emulator.profiles import DEFAULT_PROFILE


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


@dataclass
class Config:
    host: str = "127.0.0.1"
    port: int = 8080
    profile: str = field(default_factory=lambda: os.environ.get("PCEMU_PROFILE") or DEFAULT_PROFILE)
    rollout_percent: int = field(default_factory=lambda: _env_int("PCEMU_ROLLOUT_PERCENT", 50))
    fixtures: Path | None = None  # None: the packaged default world
    state_dir: Path | None = field(
        default_factory=lambda: Path(os.environ["PCEMU_STATE_DIR"]) if os.environ.get("PCEMU_STATE_DIR") else None
    )
    in_memory_key: bool = False  # tests: a fresh key that never touches disk
    clock_skew: float = field(default_factory=lambda: float(_env_int("PCEMU_CLOCK_SKEW", 300)))
    # Client addresses besides loopback that may use /_emulator/ ("any" for all).
    control_hosts: tuple[str, ...] = ()
    seed: int | None = None  # deterministic ids, token ids and lifetimes
    token_lifetime: int | None = None  # fixed access-token lifetime in seconds; None = Entra's 60-90 min
    access_log: bool = False

    def resolved_state_dir(self) -> Path:
        return self.state_dir if self.state_dir is not None else default_state_dir()
