"""`pcemu app-cert`: make a test certificate and private key for an app and register the certificate.

With --url (or $PCEMU_URL) it registers through a running emulator's control API, until that emulator's next reset.
Without, it writes the state directory's registrations (app-credentials.json), which an emulator loads at start
with the world and keeps across resets.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from emulator.appcerts import CertificateError, from_key_credential, make_test_certificate, save_registered
from emulator.cli_control import ControlFailure, _control, fail
from emulator.config import ConfigError, load_config
from emulator.world import WorldError, load_world


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("app-cert", help="make a test certificate for an app and register it (client assertions)")
    parser.add_argument("app", help="the app's client id")
    parser.add_argument("--out", type=Path, default=Path("."), metavar="DIR", help="where the PEM files go (.)")
    parser.add_argument("--days", type=int, default=365, help="validity in days (365)")
    parser.add_argument("--url", help="register with this running emulator (default $PCEMU_URL); else offline")
    parser.add_argument("--fixtures", type=Path, help="world directory, offline (default: the packaged world)")
    parser.add_argument(
        "--state-dir",
        type=Path,
        help="the state directory, which holds the app-cert registrations, offline (default ~/.local/state/pcemu)",
    )


def cmd_app_cert(args: argparse.Namespace) -> int:
    client_id = args.app.strip().lower()
    if not 1 <= args.days <= 3650:
        return fail("--days must be from 1 to 3650")
    online = bool(args.url or os.environ.get("PCEMU_URL"))
    if not online:
        try:
            world = load_world(args.fixtures)
        except WorldError as exc:
            return fail(str(exc))
        if client_id not in world.apps:
            return fail(f"no app with client id {client_id} in the world (see: pcemu world)")
        if not world.apps[client_id].confidential:
            return fail(f"{client_id} is a public app: it cannot authenticate with a certificate")
    key_pem, cert_pem = make_test_certificate(f"pcemu test certificate for {client_id}", args.days)
    certificate = from_key_credential(cert_pem.decode(), None, None, "pcemu app-cert")
    args.out.mkdir(parents=True, exist_ok=True)
    key_path, cert_path = args.out / f"{client_id}.key.pem", args.out / f"{client_id}.cert.pem"
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key_pem)
    cert_path.write_bytes(cert_pem)
    if online:
        try:
            _control(args, "POST", f"apps/{client_id}/certificates", {"key": cert_pem.decode()})
        except ControlFailure as exc:
            return fail(str(exc))
        where = "registered with the running emulator until its next reset"
    else:
        try:
            state_dir = load_config(environ=os.environ, overrides={"state_dir": args.state_dir}).resolved_state_dir()
            path = save_registered(state_dir, client_id, certificate)
        except (ConfigError, CertificateError, OSError) as exc:
            return fail(str(exc))
        where = f"registered in {path} (loaded when the emulator starts)"
    print(f"private key:  {key_path}")
    print(f"certificate:  {cert_path}")
    print(f"thumbprint:   {certificate.thumbprint}")
    print(where)
    credential = f'{{"private_key": open("{key_path}").read(), "thumbprint": "{certificate.thumbprint}"}}'
    print(f"msal: client_credential={credential}")
    return 0
