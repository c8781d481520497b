"""Interactive sign-ins in progress, issued authorization codes and device codes: state of one emulator, kept
apart from the HTTP handlers (identity.interactive) and forgotten by a reset."""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
from dataclasses import dataclass, field

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
        with self.lock:
            for ctx in [c for c, s in self.sign_ins.items() if now - s.created > PENDING_LIFETIME]:
                del self.sign_ins[ctx]
            for code in [c for c, g in self.codes.items() if now - g.created > CODE_LIFETIME * 6]:
                del self.codes[code]


def pkce_matches(code: Code, verifier: str | None) -> bool:
    if code.challenge is None:
        return True
    if not verifier:
        return False
    if code.challenge_method == "S256":
        digest = hashlib.sha256(verifier.encode("ascii", errors="replace")).digest()
        expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    else:
        expected = verifier
    return hmac.compare_digest(expected, code.challenge)
