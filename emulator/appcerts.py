"""App certificates: the keyCredentials of an app registration, as Entra shows them (Microsoft Graph's
keyCredential: customKeyIdentifier, key, type, usage), and test certificates made for an app.

A client proves itself with a JWT signed by the certificate's private key; the JWT's header names the
certificate by `x5t` (SHA-1 thumbprint, base64url), `x5t#S256` (SHA-256) or `kid`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from emulator.tls import certificate_builder


class CertificateError(ValueError):
    """A keyCredential that cannot be used; the message says why."""


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass(frozen=True)
class AppCertificate:
    key_id: str  # keyId, a GUID
    der: bytes
    display_name: str = ""
    runtime: bool = False  # registered through the control API: a reset removes it

    @property
    def certificate(self) -> x509.Certificate:
        return x509.load_der_x509_certificate(self.der)

    @property
    def thumbprint(self) -> str:
        """customKeyIdentifier: the SHA-1 thumbprint in upper-case hex, as Entra shows it."""
        return hashlib.sha1(self.der).hexdigest().upper()

    @property
    def x5t(self) -> str:
        return _b64url(hashlib.sha1(self.der).digest())

    @property
    def x5t_s256(self) -> str:
        return _b64url(hashlib.sha256(self.der).digest())

    def names(self) -> set[str]:
        """What a JWT header may name it by: x5t, x5t#S256, kid (the hex thumbprint or the keyId)."""
        return {self.x5t, self.x5t_s256, self.thumbprint, self.thumbprint.lower(), self.key_id}

    def key_credential(self) -> dict[str, Any]:
        certificate = self.certificate
        return {
            "customKeyIdentifier": self.thumbprint,
            "displayName": self.display_name,
            "endDateTime": certificate.not_valid_after_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "key": base64.b64encode(self.der).decode(),
            "keyId": self.key_id,
            "startDateTime": certificate.not_valid_before_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "type": "AsymmetricX509Cert",
            "usage": "Verify",
        }


def from_key_credential(
    key: str, custom_key_identifier: str | None, key_id: str | None, display_name: str = "", *, runtime: bool = False
) -> AppCertificate:
    """A keyCredential's certificate (base64 DER, or PEM), checked: an RSA key of 2048 bits or more, and the
    thumbprint, when given, that of the certificate."""
    text = key.strip()
    try:
        if text.startswith("-----BEGIN"):
            der = x509.load_pem_x509_certificate(text.encode()).public_bytes(serialization.Encoding.DER)
        else:
            der = base64.b64decode(text, validate=True)
        certificate = x509.load_der_x509_certificate(der)
    except (ValueError, binascii.Error) as exc:
        raise CertificateError(f"key: not an X.509 certificate (base64 DER or PEM): {exc}") from None
    try:
        public = certificate.public_key()
    except (UnsupportedAlgorithm, ValueError):
        raise CertificateError("key: the certificate's key is of a kind this emulator cannot read") from None
    if not isinstance(public, rsa.RSAPublicKey) or public.key_size < 2048:
        raise CertificateError("key: the certificate's key must be RSA, 2048 bits or more")
    found = AppCertificate(key_id or str(uuid.uuid4()), der, display_name, runtime)
    if custom_key_identifier is not None and custom_key_identifier.strip().upper() != found.thumbprint:
        raise CertificateError(
            f"customKeyIdentifier: {custom_key_identifier[:64]} is not the certificate's SHA-1 thumbprint "
            f"({found.thumbprint})"
        )
    return found


def make_test_certificate(subject: str, days: int = 365) -> tuple[bytes, bytes]:
    """(private key PEM, certificate PEM): a self-signed RSA-2048 certificate for signing client assertions."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject[:64])])
    now = dt.datetime.now(dt.UTC)
    valid = (now - dt.timedelta(minutes=5), now + dt.timedelta(days=days))
    certificate = certificate_builder(name, name, key.public_key(), valid).sign(key, hashes.SHA256())
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM)


# --- certificates registered outside the fixtures ------------------------------------------------------------

# In the state directory: certificates `pcemu app-cert` registered while no emulator ran. They load with the world
# at start, like the fixtures' keyCredentials, so a reset keeps them.
STATE_FILE = "app-credentials.json"


def load_registered(state_dir: Path) -> dict[str, list[AppCertificate]]:
    path = state_dir / STATE_FILE
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        found: dict[str, list[AppCertificate]] = {}
        for client_id, credentials in data["apps"].items():
            found[client_id.lower()] = [
                from_key_credential(c["key"], c["customKeyIdentifier"], c["keyId"], c.get("displayName", ""))
                for c in credentials
            ]
        return found
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CertificateError(f"{path}: cannot be read ({exc}); move or delete it") from None


def save_registered(state_dir: Path, client_id: str, certificate: AppCertificate) -> Path:
    """Add a certificate to the state directory's registrations (written atomically)."""
    state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = state_dir / STATE_FILE
    current = {k: [c.key_credential() for c in v] for k, v in load_registered(state_dir).items()}
    current.setdefault(client_id.lower(), []).append(certificate.key_credential())
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"apps": current}, indent=2), encoding="utf-8")
    os.replace(tmp, path)
    return path
