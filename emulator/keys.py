"""The RS256 signing key: generated once into the state directory, loaded once into key objects, published as JWKS."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from emulator.tls import certificate_builder, read_pem_pair

KEY_FILE = "signing-key.pem"
CERT_FILE = "signing-cert.pem"


_compact_json = json.JSONEncoder(separators=(",", ":")).encode


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _int_b64url(value: int) -> str:
    return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


@dataclass(frozen=True)
class SigningKey:
    """One key pair with its self-signed certificate; `kid` = `x5t` = SHA-1 thumbprint, as Entra publishes."""

    private_key: rsa.RSAPrivateKey
    certificate: x509.Certificate

    @cached_property
    def public_key(self) -> rsa.RSAPublicKey:
        return self.private_key.public_key()

    @cached_property  # read for every token issued; the certificate never changes
    def kid(self) -> str:
        der = self.certificate.public_bytes(serialization.Encoding.DER)
        return b64url(hashlib.sha1(der).digest())

    @cached_property
    def _jws_header(self) -> bytes:
        # Entra's header fields; keys sorted and compact, as PyJWT writes them.
        header = {"alg": "RS256", "kid": self.kid, "typ": "JWT", "x5t": self.kid}
        return base64.urlsafe_b64encode(json.dumps(header, separators=(",", ":")).encode()).rstrip(b"=")

    def signing_input(self, claims: Mapping[str, Any]) -> bytes:
        """The JWT's header and payload segments, as jwt.encode writes them with this key's kid and x5t."""
        return self._jws_header + b"." + base64.urlsafe_b64encode(_compact_json(claims).encode()).rstrip(b"=")

    def signature(self, signing_input: bytes) -> bytes:
        """The RS256 signature segment (base64url) of a signing input."""
        signature = self.private_key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
        return base64.urlsafe_b64encode(signature).rstrip(b"=")

    def sign_jwt(self, claims: Mapping[str, Any]) -> str:
        """An RS256 JWT of these claims, byte for byte what jwt.encode writes with this key, kid and x5t.

        Without PyJWT's per-call work (options, key checks, header encoding); the parts are separate so that the
        signature can be made elsewhere (emulator.signer).
        """
        signing_input = self.signing_input(claims)
        return (signing_input + b"." + self.signature(signing_input)).decode("ascii")

    def private_pem(self) -> bytes:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    def jwk(self, issuer: str | None = None) -> dict[str, object]:
        numbers = self.public_key.public_numbers()
        der = self.certificate.public_bytes(serialization.Encoding.DER)
        jwk: dict[str, object] = {
            "kty": "RSA",
            "use": "sig",
            "kid": self.kid,
            "x5t": self.kid,
            "n": _int_b64url(numbers.n),
            "e": _int_b64url(numbers.e),
            "x5c": [base64.b64encode(der).decode("ascii")],
        }
        if issuer is not None:
            jwk["issuer"] = issuer
        return jwk


def generate_key() -> SigningKey:
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Partner Center Emulator token signing")])
    now = dt.datetime.now(dt.UTC)
    valid = (now - dt.timedelta(days=1), now + dt.timedelta(days=3650))
    certificate = certificate_builder(name, name, private_key.public_key(), valid).sign(private_key, hashes.SHA256())
    return SigningKey(private_key, certificate)


def _write_private(path: Path, data: bytes) -> None:
    # Created 0600 from the first byte: the key is never readable by others, not even briefly.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


class KeyFileError(Exception):
    """A key file in the state directory could not be read."""


def load_existing(state_dir: Path) -> SigningKey | None:
    """The state directory's signing key if it has one (never creates one)."""
    if not (state_dir / KEY_FILE).exists() or not (state_dir / CERT_FILE).exists():
        return None
    key, _ = load_or_create(state_dir)
    return key


def load_or_create(state_dir: Path) -> tuple[SigningKey, bool]:
    """The state directory's signing key, created on first use. Returns (key, created)."""
    state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    key_path, cert_path = state_dir / KEY_FILE, state_dir / CERT_FILE
    if key_path.exists() and cert_path.exists():
        try:
            private_key, certificate = read_pem_pair(key_path, cert_path)
        except (ValueError, TypeError, OSError) as exc:
            raise KeyFileError(f"cannot read the signing key in {state_dir}: {exc}") from exc
        if not isinstance(private_key, rsa.RSAPrivateKey) or private_key.key_size != 2048:
            raise KeyFileError(f"{key_path} is not an RSA-2048 key")
        return SigningKey(private_key, certificate), False
    for found, missing in ((key_path, cert_path), (cert_path, key_path)):
        if found.exists() and not missing.exists():
            # Half a key pair is damage, not a fresh start: replacing it would orphan every token it signed.
            raise KeyFileError(
                f"{found} exists but {missing} does not: restore it, or move both away to let pcemu create a new key"
            )
    key = generate_key()
    tmp_key, tmp_cert = key_path.with_suffix(".tmp"), cert_path.with_suffix(".tmp")
    for tmp in (tmp_key, tmp_cert):
        tmp.unlink(missing_ok=True)
    _write_private(tmp_key, key.private_pem())
    _write_private(tmp_cert, key.certificate.public_bytes(serialization.Encoding.PEM))
    os.replace(tmp_cert, cert_path)
    os.replace(tmp_key, key_path)
    return key, True


class KeyRing:
    """The keys tokens may be signed with: one active key signs; it and the retired keys still within their grace
    period verify. Looked up by `kid` only, never from anything else in a token."""

    def __init__(self, active: SigningKey, now: Callable[[], float] | None = None) -> None:
        self.active = active
        self._now = now or time.time
        self._by_kid: dict[str, SigningKey] = {active.kid: active}
        self._retire_at: dict[str, float] = {}  # kid -> when a rotated-out key stops verifying
        self.generation = 0  # bumped on every rotation, so caches of verified tokens know to forget

    def by_kid(self, kid: str) -> SigningKey | None:
        key = self._by_kid.get(kid)
        if key is not None and kid in self._retire_at and self._now() >= self._retire_at[kid]:
            # Retired for good: moving the clock back (a reset) does not bring its tokens back.
            del self._by_kid[kid]
            del self._retire_at[kid]
            self.generation += 1
            return None
        return key

    def rotate(self, grace_seconds: float, new: SigningKey | None = None) -> SigningKey:
        """A new signing key; the current one verifies for `grace_seconds` more, then tokens it signed are refused."""
        previous = self.active
        self.active = new or generate_key()
        self._by_kid[self.active.kid] = self.active
        self._retire_at[previous.kid] = self._now() + max(0.0, grace_seconds)
        self.generation += 1
        return self.active

    def published(self) -> list[SigningKey]:
        return [key for kid in list(self._by_kid) if (key := self.by_kid(kid)) is not None]

    def jwks(self, issuer: str | None = None) -> dict[str, object]:
        return {"keys": [key.jwk(issuer) for key in self.published()]}


def default_state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "pcemu"
