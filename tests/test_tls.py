"""The local CA: fenced in by name constraints, short-lived, private, renewed; and pcemu cert."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from emulator.tls import CA_KEY_FILE, certificate_builder, ensure

ENTRA_AND_PARTNER_CENTER = {
    "localhost",
    "login.microsoftonline.com",
    "login.windows.net",
    "login.microsoft.com",
    "sts.windows.net",
    "api.partnercenter.microsoft.com",
}


def test_ca_is_constrained_short_lived_and_private(tmp_path: Path) -> None:
    tls = ensure(tmp_path, ("partner.test",))
    ca = x509.load_pem_x509_certificate(tls.ca_cert.read_bytes())
    constraints = ca.extensions.get_extension_for_class(x509.NameConstraints)
    assert constraints.critical
    permitted = {str(getattr(t, "value", t)) for t in constraints.value.permitted_subtrees or []}
    assert permitted == {*ENTRA_AND_PARTNER_CENTER, "partner.test", "127.0.0.1/32", "::1/128"}
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.path_length == 0
    assert ca.not_valid_after_utc - ca.not_valid_before_utc <= dt.timedelta(days=31)
    assert stat.S_IMODE((tmp_path / CA_KEY_FILE).stat().st_mode) == 0o600
    assert stat.S_IMODE(tls.key.stat().st_mode) == 0o600
    server = x509.load_pem_x509_certificate(tls.cert.read_bytes())
    names = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert set(names.get_values_for_type(x509.DNSName)) == {*ENTRA_AND_PARTNER_CENTER, "partner.test"}


def test_ca_is_reused_renewed_near_its_end_and_unique_per_state_dir(tmp_path: Path) -> None:
    first = ensure(tmp_path / "a")
    again = ensure(tmp_path / "a")
    assert first.ca_created and not again.ca_created
    assert again.ca_cert.read_bytes() == first.ca_cert.read_bytes()
    other = ensure(tmp_path / "b")
    assert other.ca_cert.read_bytes() != first.ca_cert.read_bytes()
    later = ensure(tmp_path / "a", now=dt.datetime.now(dt.UTC) + dt.timedelta(days=25))
    assert later.ca_created  # within a week of its end: a new CA
    assert later.ca_replaced == "the old one was near its end"
    renamed = ensure(tmp_path / "a", ("another.test",), now=dt.datetime.now(dt.UTC) + dt.timedelta(days=25))
    assert renamed.ca_created  # other names, other constraints: a new CA
    assert renamed.ca_replaced == "the names changed: +another.test"
    assert first.ca_replaced is None and again.ca_replaced is None


def test_a_ca_made_before_entras_aliases_is_replaced_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The upgrade path: a CA whose name constraints lack the Entra aliases (made by an earlier version) cannot
    sign for them, so the first start after the upgrade makes a new CA and says which file to trust again."""
    import emulator.tls as tls_module

    old_names = ("localhost", "login.microsoftonline.com", "api.partnercenter.microsoft.com")
    monkeypatch.setattr(tls_module, "EMULATED_NAMES", old_names)
    old_ca = ensure(tmp_path).ca_cert.read_bytes()
    monkeypatch.undo()
    after = ensure(tmp_path)
    assert after.ca_created and after.ca_cert.read_bytes() != old_ca
    assert after.ca_replaced == "the names changed: +login.microsoft.com +login.windows.net +sts.windows.net"
    assert ensure(tmp_path).ca_replaced is None  # once only


def _serve_once(context: ssl.SSLContext) -> tuple[int, threading.Thread]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def run() -> None:
        connection, _ = listener.accept()
        try:
            with context.wrap_socket(connection, server_side=True) as tls:
                tls.recv(1)
        except (ssl.SSLError, OSError):
            pass
        finally:
            listener.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return listener.getsockname()[1], thread


def test_a_certificate_for_another_name_is_refused_by_clients(tmp_path: Path) -> None:
    """The point of the name constraints: even with the CA key, a certificate for a real bank does not verify."""
    tls = ensure(tmp_path)
    ca_key = serialization.load_pem_private_key((tmp_path / CA_KEY_FILE).read_bytes(), password=None)
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    ca = x509.load_pem_x509_certificate(tls.ca_cert.read_bytes())
    forged_key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    bank = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "www.example-bank.com")])
    forged = (
        certificate_builder(bank, ca.subject, forged_key.public_key(), (now, now + dt.timedelta(days=1)))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("www.example-bank.com")]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    (tmp_path / "forged.pem").write_bytes(forged.public_bytes(serialization.Encoding.PEM) + tls.ca_cert.read_bytes())
    (tmp_path / "forged-key.pem").write_bytes(
        forged_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(tmp_path / "forged.pem", tmp_path / "forged-key.pem")
    port, thread = _serve_once(server)
    client = ssl.create_default_context(cafile=str(tls.ca_cert))
    with socket.create_connection(("127.0.0.1", port)) as raw, pytest.raises(ssl.SSLCertVerificationError):
        client.wrap_socket(raw, server_hostname="www.example-bank.com")
    thread.join(5)
    # The emulator's own certificate verifies for an emulated name.
    good = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    good.load_cert_chain(tls.cert, tls.key)
    port, thread = _serve_once(good)
    with (
        socket.create_connection(("127.0.0.1", port)) as raw,
        client.wrap_socket(raw, server_hostname="login.microsoftonline.com") as verified,
    ):
        verified.send(b"x")
    thread.join(5)


def test_cert_command(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "emulator", "cert", "--state-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    bundle = tmp_path / "ca-bundle.pem"
    assert f"CA certificate:  {tmp_path / 'ca.pem'}" in result.stdout
    assert f"export REQUESTS_CA_BUNDLE={bundle}" in result.stdout
    assert f"export SSL_CERT_FILE={bundle}" in result.stdout
    assert f"export NODE_EXTRA_CA_CERTS={tmp_path / 'ca.pem'}" in result.stdout
    assert "connection_verify=" in result.stdout
    assert "do not add this CA to a system or browser trust store" in result.stdout
    content = bundle.read_text()
    assert content.count("BEGIN CERTIFICATE") > 1  # the system CAs and the emulator's
    assert content.strip().endswith((tmp_path / "ca.pem").read_text().strip())
