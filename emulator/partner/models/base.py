"""What every Partner Center model shares: the world and its store, the clock, and the id generators."""

from __future__ import annotations

import random
import secrets
import string
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from emulator import formats
from emulator.clock import Clock
from emulator.partner.models.errors import InvalidInput
from emulator.store import Store, Transaction
from emulator.world import World, is_guid

Doc = dict[str, Any]
T = TypeVar("T")


class Ids:
    """GUIDs, etags and passwords: drawn from the seeded generator when the emulator runs deterministically."""

    _PASSWORD_ALPHABET = string.ascii_letters + string.digits + "!#$%&*+-=?@"

    def __init__(self, rng: random.Random, seeded: bool) -> None:
        self.rng, self.seeded = rng, seeded

    def guid(self) -> str:
        return formats.guid(self.rng if self.seeded else None)

    def etag(self) -> str:
        return str(self.rng.getrandbits(62))

    def password(self) -> str:
        if self.seeded:
            return "".join(self.rng.choice(self._PASSWORD_ALPHABET) for _ in range(12))
        return "".join(secrets.choice(self._PASSWORD_ALPHABET) for _ in range(12))


class Model:
    # Seconds an order stays "pending" (and a New Commerce subscription "pending") on the emulator's clock [I]:
    # the --provisioning-delay setting.
    provisioning_delay: float = 30.0

    def __init__(self, world: World, clock: Clock, ids: Ids) -> None:
        self.world, self.clock, self.ids = world, clock, ids
        self.store: Store = world.store

    def once(self, request_key: str | None, make: Callable[[Transaction], T]) -> T:
        """Run a creating write in one transaction, unless its MS-RequestId already has an answer (a concurrent
        retry may have finished while this one read its body); keep the answer for the retries to come."""
        with self.store.transaction() as tx:
            prior: T | None = tx.replayed(request_key)
            if prior is not None:
                return prior
            answer = make(tx)
            tx.remember(request_key, answer)
            return answer

    def replayed(self, request_key: str | None) -> Any:
        """The first answer to a creating call retried with the same idempotency key, or None."""
        return self.store.replayed(request_key)

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock.now(), UTC)


def guid(value: str, what: str) -> str:
    """A GUID from a path or body, lower-cased; anything else is invalid input."""
    if not is_guid(value):
        raise InvalidInput(f"the {what} '{value[:64]}' is not a GUID.")
    return value.lower()
