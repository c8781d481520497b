"""The emulator's local CA and server certificate, for HTTPS that unmodified clients accept.

The CA could intercept real sign-ins if it were trusted system-wide and its key leaked, so it is fenced in:
X.509 name constraints (critical) allow it to vouch only for the emulated names (and, as DNS constraints do, names
below them), loopback addresses, it lives 30 days and is
renewed a week before it ends, it is unique to its state directory, and nothing here installs it anywhere.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import ssl
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes, PrivateKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_KEY_FILE = "ca-key.pem"
CA_CERT_FILE = "ca.pem"
SERVER_KEY_FILE = "server-key.pem"
SERVER_CERT_FILE = "server.pem"
BUNDLE_FILE = "ca-bundle.pem"
PUBLIC_DIR = "public"

# Entra's hosts (login.microsoftonline.com and its aliases, as instance discovery lists them) and Partner Center's.
EMULATED_NAMES = (
    "localhost",
    "login.microsoftonline.com",
    "login.windows.net",
    "login.microsoft.com",
    "sts.windows.net",
    "api.partnercenter.microsoft.com",
)
EMULATED_IPS = ("127.0.0.1", "::1")
CA_LIFETIME = dt.timedelta(days=30)
RENEW_BEFORE = dt.timedelta(days=7)


class TLSError(Exception):
    """The CA or certificate files cannot be used; the message names the file."""


@dataclass(frozen=True)
class ServerTLS:
    ca_cert: Path
    cert: Path
    key: Path
    names: tuple[str, ...]
    ca_created: bool
    # Why an existing CA was replaced (None: kept, or the first one): clients that trusted it must trust the new one.
    ca_replaced: str | None = None

    def context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context


def _write_private(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _write_public(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _subtrees(names: tuple[str, ...]) -> list[x509.GeneralName]:
    trees: list[x509.GeneralName] = [x509.DNSName(name) for name in names]
    trees += [x509.IPAddress(ipaddress.ip_network(ip)) for ip in ("127.0.0.1/32", "::1/128")]
    return trees


def read_pem_pair(key_path: Path, cert_path: Path) -> tuple[PrivateKeyTypes, x509.Certificate]:
    """A PEM private key and certificate; ValueError, TypeError or OSError says why they cannot be read.

    An RSA key is not validated (its primes checked): the state directory's keys are the emulator's own, written
    by it, and the check took 50 ms of every start. A damaged key still fails to parse, and its signatures would
    fail the emulator's own verification."""
    return (
        serialization.load_pem_private_key(key_path.read_bytes(), password=None, unsafe_skip_rsa_key_validation=True),
        x509.load_pem_x509_certificate(cert_path.read_bytes()),
    )


def certificate_builder(
    subject: x509.Name, issuer: x509.Name, public_key: CertificatePublicKeyTypes, valid: tuple[dt.datetime, dt.datetime]
) -> x509.CertificateBuilder:
    """The fields every certificate starts from (a random serial); the caller adds extensions and signs."""
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid[0])
        .not_valid_after(valid[1])
    )


def _new_ca(names: tuple[str, ...], now: dt.datetime) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "Partner Center Emulator local CA (test only)"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "pcemu"),
        ]
    )
    certificate = (
        certificate_builder(name, name, key.public_key(), (now - dt.timedelta(minutes=5), now + CA_LIFETIME))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.NameConstraints(permitted_subtrees=_subtrees(names), excluded_subtrees=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def _constrained_names(certificate: x509.Certificate) -> set[str]:
    try:
        constraints = certificate.extensions.get_extension_for_class(x509.NameConstraints).value
    except x509.ExtensionNotFound:
        return set()
    return {t.value for t in constraints.permitted_subtrees or [] if isinstance(t, x509.DNSName)}


def ensure(state_dir: Path, extra_names: tuple[str, ...] = (), now: dt.datetime | None = None) -> ServerTLS:
    """The CA of this state directory (created, or renewed when near its end or when the names changed) and a
    fresh server certificate it signed for the emulated names."""
    now = now or dt.datetime.now(dt.UTC)
    names = tuple(dict.fromkeys((*EMULATED_NAMES, *(n.lower() for n in extra_names))))
    state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    ca_key_path, ca_cert_path = state_dir / CA_KEY_FILE, state_dir / CA_CERT_FILE
    created = False
    replaced: str | None = None
    ca_key: ec.EllipticCurvePrivateKey | None = None
    ca_cert: x509.Certificate | None = None
    if ca_key_path.exists() and ca_cert_path.exists():
        try:
            loaded, ca_cert = read_pem_pair(ca_key_path, ca_cert_path)
        except (ValueError, TypeError, OSError) as exc:
            raise TLSError(f"cannot read the local CA in {state_dir}: {exc}") from None
        if not isinstance(loaded, ec.EllipticCurvePrivateKey):
            raise TLSError(f"{ca_key_path} is not the emulator's CA key")
        ca_key = loaded
        before = _constrained_names(ca_cert)
        if ca_cert.not_valid_after_utc - now < RENEW_BEFORE:
            replaced = "the old one was near its end"
        elif before != set(names):
            added, removed = sorted(set(names) - before), sorted(before - set(names))
            replaced = "the names changed:" + "".join(f" +{n}" for n in added) + "".join(f" -{n}" for n in removed)
        if replaced is not None:
            ca_key = ca_cert = None  # a new CA, so old certificates (and trust in the old CA) stop working
    if ca_key is None or ca_cert is None:
        ca_key, ca_cert = _new_ca(names, now)
        _write_private(ca_key_path, _pem_key(ca_key))
        _write_public(ca_cert_path, ca_cert.public_bytes(serialization.Encoding.PEM))
        created = True
    server_key = ec.generate_private_key(ec.SECP256R1())
    alternative: list[x509.GeneralName] = [x509.DNSName(n) for n in names]
    alternative += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in EMULATED_IPS]
    server_cert = (
        certificate_builder(
            x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]),
            ca_cert.subject,
            server_key.public_key(),
            (now - dt.timedelta(minutes=5), ca_cert.not_valid_after_utc),
        )
        .add_extension(x509.SubjectAlternativeName(alternative), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key_path, cert_path = state_dir / SERVER_KEY_FILE, state_dir / SERVER_CERT_FILE
    _write_private(key_path, _pem_key(server_key))
    # The chain (server, then CA) so that clients holding only the CA can build the path.
    _write_public(
        cert_path,
        server_cert.public_bytes(serialization.Encoding.PEM) + ca_cert.public_bytes(serialization.Encoding.PEM),
    )
    return ServerTLS(ca_cert_path, cert_path, key_path, names, created, replaced)


def system_ca_file() -> Path | None:
    """The system's CA bundle, where the platform keeps one (certifi's when installed)."""
    try:
        import certifi

        return Path(certifi.where())
    except ImportError:
        pass
    for candidate in (
        ssl.get_default_verify_paths().cafile,
        "/etc/ssl/certs/ca-certificates.crt",
        "/etc/pki/tls/certs/ca-bundle.crt",
        "/etc/ssl/cert.pem",
    ):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def write_bundle(state_dir: Path, ca_cert: Path) -> Path:
    """System CAs plus the emulator's CA, for one process's REQUESTS_CA_BUNDLE (requests ignores SSL_CERT_FILE)."""
    system = system_ca_file()
    parts = [system.read_bytes()] if system else []
    parts.append(ca_cert.read_bytes())
    bundle = state_dir / BUNDLE_FILE
    _write_public(bundle, b"\n".join(parts))
    # The same two files in public/, a directory that can be shared (a container volume) without the keys.
    public = state_dir / PUBLIC_DIR
    public.mkdir(exist_ok=True)
    _write_public(public / CA_CERT_FILE, ca_cert.read_bytes())
    _write_public(public / BUNDLE_FILE, b"\n".join(parts))
    return bundle
