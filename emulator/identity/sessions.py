"""Interactive sign-ins in progress, issued authorization codes and device codes: state of one emulator, kept
apart from the HTTP handlers (identity.interactive) and forgotten by a reset."""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from emulator.world import App, Tenant, User

CODE_LIFETIME = 600  # Entra's authorization codes live about ten minutes
DEVICE_CODE_LIFETIME = 900
PENDING_LIFETIME = 3600  # an abandoned sign-in page is forgotten after an hour


@dataclass
class SignIn:
    """One interactive sign-in in progress (an authorize request, or a device code being approved)."""

    ctx: str
    tenant: Tenant
    app: App
    v2: bool
    created: float
    redirect_uri: str = ""
    response_type: str = "code"
    response_mode: str = "query"
    scope: str = ""
    resource: str | None = None
    state: str | None = None
    nonce: str | None = None
    challenge: str | None = None
    challenge_method: str = "plain"
    device_code: str | None = None
    user: User | None = None


@dataclass
class Code:
    client_id: str
    tenant_id: str
    user_oid: str
    amr: tuple[str, ...]
    redirect_uri: str
    scope: str
    resource: str | None
    nonce: str | None
    challenge: str | None
    challenge_method: str
    created: float
    used: bool = False


@dataclass
class DeviceGrant:
    device_code: str
    user_code: str
    client_id: str
    tenant: Tenant | None
    v2: bool
    scope: str
    resource: str | None
    created: float
    status: str = "pending"  # pending, approved, declined, redeemed
    user_oid: str | None = None
    amr: tuple[str, ...] = ()


@dataclass
class Interactive:
    """What sign-ins in progress, issued codes and device codes are; forgotten by reset."""

    sign_ins: dict[str, SignIn] = field(default_factory=dict)
    codes: dict[str, Code] = field(default_factory=dict)
    devices: dict[str, DeviceGrant] = field(default_factory=dict)
    by_user_code: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def clear(self) -> None:
        with self.lock:
            self.sign_ins.clear()
            self.codes.clear()
            self.devices.clear()
            self.by_user_code.clear()

    def forget_old(self, now: float) -> None:
        """Drop what has expired on the emulator's clock, oldest first: each table is in the order of creation, so
        this stops at the first one still alive (O(expired), not O(all))."""
        with self.lock:
            _expire(self.sign_ins, lambda s: now - s.created > PENDING_LIFETIME)
            _expire(self.codes, lambda c: now - c.created > CODE_LIFETIME * 6)
            for grant in _expire(self.devices, lambda g: now - g.created > DEVICE_CODE_LIFETIME * 2):
                self.by_user_code.pop(grant.user_code, None)

    def add_sign_in(self, sign_in: SignIn) -> None:
        with self.lock:
            self.sign_ins[sign_in.ctx] = sign_in
            _cap(self.sign_ins)

    def add_code(self, value: str, code: Code) -> None:
        with self.lock:
            self.codes[value] = code
            _cap(self.codes)

    def add_device(self, grant: DeviceGrant) -> None:
        with self.lock:
            self.devices[grant.device_code] = grant
            self.by_user_code[grant.user_code] = grant.device_code
            for dropped in _cap(self.devices):
                self.by_user_code.pop(dropped.user_code, None)


# Each table holds at most this many entries; past it the oldest go first (a client that starts sign-ins and never
# finishes them cannot grow the emulator without bound).
MAX_ENTRIES = 10_000

T = TypeVar("T")


def _expire(table: dict[str, T], expired: Callable[[T], bool]) -> list[T]:
    gone = []
    while table:
        key = next(iter(table))
        if not expired(table[key]):
            break
        gone.append(table.pop(key))
    return gone


def _cap(table: dict[str, T]) -> list[T]:
    gone = []
    while len(table) > MAX_ENTRIES:
        gone.append(table.pop(next(iter(table))))
    return gone


def pkce_matches(code: Code, verifier: str | None) -> bool:
    if code.challenge is None:
        return True
    # RFC 7636: a verifier is 43 to 128 characters of A-Z a-z 0-9 - . _ ~; anything else cannot match.
    if not verifier or not verifier.isascii():
        return False
    if code.challenge_method == "S256":
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    else:
        expected = verifier
    # Bytes: compare_digest refuses str with characters outside ASCII, and a challenge may hold any.
    return hmac.compare_digest(expected.encode(), code.challenge.encode())
