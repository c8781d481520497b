"""pcemu: serve the emulator, mint a token, show the world."""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from emulator.appcerts import CertificateError
from emulator.cli_apps import add_parser as add_app_cert_parser
from emulator.cli_apps import cmd_app_cert
from emulator.cli_control import CONTROL_COMMANDS
from emulator.cli_control import fail as _fail
from emulator.cli_judge import NOTHING_RECORDED_STATUS, cmd_check, cmd_report
from emulator.cli_world import add_fixtures_arg, cmd_world, run_command
from emulator.cli_world import add_parser as add_world_parser
from emulator.clock import Clock
from emulator.config import ConfigError, load_config
from emulator.keys import KeyFileError, KeyRing, load_or_create
from emulator.persistence import PersistenceError
from emulator.profiles import PARTNER_CENTER_RESOURCE, PROFILES
from emulator.scenarios import ScenarioError
from emulator.tls import TLSError
from emulator.tokens import TokenIssuer
from emulator.world import App, World, WorldError, load_world


def _add_state_arg(parser: argparse.ArgumentParser, holds: str) -> None:
    parser.add_argument(
        "--state-dir", type=Path, help=f"the state directory, which holds {holds} (default ~/.local/state/pcemu)"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pcemu", description="Partner Center Emulator")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the emulator")
    serve.add_argument("--config", type=Path, help="JSON settings file (flags and PCEMU_* variables override it)")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="HTTP port; 0 picks a free one (default 8080)")
    serve.add_argument("--https-port", type=int, help="HTTPS port; 0 picks a free one (default 8443)")
    serve.add_argument("--no-https", action="store_true", help="plain HTTP only (no local CA, no proxy)")
    serve.add_argument("--proxy-port", type=int, help="run the CONNECT proxy for hard-coded hosts (0: a free port)")
    serve.add_argument("--proxy-host", help="where the proxy listens (default 127.0.0.1)")
    serve.add_argument(
        "--userrealm-port", type=int, help="also serve HTTPS here (443) for MSAL's user-realm lookup on 127.0.0.1"
    )
    serve.add_argument("--cert-name", action="append", default=[], metavar="NAME", help="extra certificate name")
    serve.add_argument("--profile", choices=list(PROFILES), help="enforcement profile (default enforced-2026)")
    serve.add_argument("--rollout-percent", type=int, help="share of tenant+app pairs enforced by rollout-2026")
    add_fixtures_arg(serve)
    _add_state_arg(serve, "the signing key, the local CA and, with --persist, the world's changes")
    serve.add_argument("--clock-skew", type=float, help="seconds of skew allowed on exp/nbf (default 300)")
    serve.add_argument(
        "--control-host",
        action="append",
        default=[],
        metavar="ADDR",
        help="client address or network allowed to use /_emulator/ besides loopback ('any' for all); repeatable",
    )
    serve.add_argument("--max-head-bytes", type=int, metavar="N", help="largest request head (431 past it; 32768)")
    serve.add_argument("--max-header-fields", type=int, metavar="N", help="most header fields a request (431; 100)")
    serve.add_argument(
        "--head-timeout", type=float, metavar="SECONDS", help="time to send a request head, then closed (10)"
    )
    serve.add_argument(
        "--provisioning-delay",
        type=float,
        metavar="SECONDS",
        help="emulator-clock seconds an order and a New Commerce subscription stay pending (30)",
    )
    serve.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a Host name the control API and console answer to, besides localhost, IP addresses and the "
        "--cert-name names; repeatable",
    )
    serve.add_argument("--seed", type=int, help="deterministic ids and token lifetimes")
    serve.add_argument("--token-lifetime", type=int, help="fixed access-token lifetime in seconds")
    serve.add_argument("--access-log", action="store_true", help="log each request line (never headers or bodies)")
    serve.add_argument(
        "--scenario", action="append", default=[], metavar="NAME", help="load a scenario at start (repeatable)"
    )
    serve.add_argument("--journal-size", type=int, help="journal entries kept in memory (default 10000)")
    serve.add_argument(
        "--persist", action="store_true", help="keep the world's changes across restarts (in the state directory)"
    )
    serve.add_argument(
        "--no-sign-worker",
        action="store_true",
        help="sign tokens in the server process only (by default a second process signs when there are 2+ cores)",
    )

    token = sub.add_parser("token", help="print one signed access token")
    who = token.add_mutually_exclusive_group(required=True)
    who.add_argument("--user", metavar="UPN", help="an app+user token for this user")
    who.add_argument("--app", metavar="CLIENT_ID", help="an app-only token for this app")
    mfa = token.add_mutually_exclusive_group()
    mfa.add_argument("--mfa", dest="mfa", action="store_true", default=None, help="amr [pwd, mfa]")
    mfa.add_argument("--no-mfa", dest="mfa", action="store_false", help="amr [pwd]")
    token.add_argument(
        "--client", metavar="CLIENT_ID", help="the app a user token is issued to (default: the public app)"
    )
    token.add_argument("--tenant", help="tenant id or domain (default: the partner tenant)")
    token.add_argument("--expired", action="store_true", help="a token that expired an hour ago")
    token.add_argument("--audience", default=PARTNER_CENTER_RESOURCE, help="the aud claim")
    add_fixtures_arg(token)
    _add_state_arg(token, "the signing key the token is signed with")

    report = sub.add_parser("report", help="how many app+user calls a profile would refuse, and what to change")
    source = report.add_mutually_exclusive_group()
    source.add_argument("--url", help="a running emulator (default $PCEMU_URL or http://127.0.0.1:8080)")
    source.add_argument("--file", type=Path, metavar="EXPORT", help="a saved journal (JSON) or export (JSON lines)")
    report.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or the JSON report")
    report.add_argument("--profile", default="enforced-2026", choices=list(PROFILES), help="judge under this profile")
    report.add_argument(
        "--allow-empty",
        action="store_true",
        help=f"exit 0 when no Partner Center call was recorded (default: exit {NOTHING_RECORDED_STATUS})",
    )

    check = sub.add_parser("check", help="judge an access token: YES, NO or not affected, and why")
    check.add_argument("token", nargs="?", help="the token, or - to read it from standard input")
    check.add_argument("--har", type=Path, metavar="FILE", help="judge every Partner Center token in a HAR capture")
    check.add_argument("--json", action="store_true", help="machine-readable output")
    _add_state_arg(check, "the signing key, to say whether this emulator signed the token")

    def control_parser(name: str, help_text: str) -> argparse.ArgumentParser:
        parser_ = sub.add_parser(name, help=help_text)
        parser_.add_argument("--url", help="a running emulator (default $PCEMU_URL or http://127.0.0.1:8080)")
        return parser_

    scenario = control_parser("scenario", "scenarios: list, show, load, unload")
    scenario.add_argument("action", choices=("list", "show", "load", "unload"), help="what to do")
    scenario.add_argument("name", nargs="?", help="the scenario's name (see: pcemu scenario list)")
    fault = control_parser("fault", "fault rules: add RULE_JSON, list, delete ID, clear")
    fault.add_argument("action", choices=("add", "list", "delete", "clear"), help="what to do")
    fault.add_argument("value", nargs="?", help="the rule (JSON) to add, or the id to delete")
    keys = control_parser("keys", "signing keys: show, rotate")
    keys.add_argument("action", choices=("show", "rotate"), help="what to do")
    keys.add_argument("--grace", type=float, default=600, help="seconds the old key still verifies (rotate)")
    clock = control_parser("clock", "the emulator's clock: show, advance SECONDS")
    clock.add_argument("action", choices=("show", "advance"), help="what to do")
    clock.add_argument("seconds", nargs="?", type=float, help="how far to move the clock (advance)")
    profile = control_parser("profile", "show or change the enforcement profile")
    profile.add_argument("name", nargs="?", choices=list(PROFILES), help="the profile to switch to (none: show)")
    profile.add_argument(
        "--rollout-percent", type=int, metavar="0-100", help="rollout-2026: the share of tenant+app pairs enforced"
    )
    control_parser("reset", "world, profile, clock, journal and faults back to the start")
    journal = control_parser("journal", "print the journal (JSON)")
    journal.add_argument("--app", help="only calls by an app whose id or name contains this")
    journal.add_argument("--user", help="only calls by a user whose UPN contains this")
    journal.add_argument(
        "--verdict",
        choices=("compliant", "non-compliant", "app-only", "invalid-token", "token", "refused"),
        help="only calls with this verdict",
    )
    journal.add_argument("--kind", choices=("partner", "token"), help="only Partner Center calls or sign-ins")
    journal.add_argument("--limit", type=int, metavar="N", help="only the newest N matches")

    cert = sub.add_parser("cert", help="the local CA: its path, a CA bundle, and per-process settings")
    cert.add_argument("--cert-name", action="append", default=[], metavar="NAME", help="as for serve")
    _add_state_arg(cert, "the local CA and the CA bundle")

    add_app_cert_parser(sub)

    add_world_parser(sub)
    return parser


def cmd_serve(args: argparse.Namespace) -> int:
    from emulator.listeners import ListenError, StateDirError, check_state_dir, open_listeners

    overrides = {
        "host": args.host,
        "port": args.port,
        "profile": args.profile,
        "rollout_percent": args.rollout_percent,
        "fixtures": args.fixtures,
        "state_dir": args.state_dir,
        "clock_skew": args.clock_skew,
        "control_hosts": tuple(args.control_host) or None,
        "allowed_hosts": tuple(args.allowed_host) or None,
        "max_head_bytes": args.max_head_bytes,
        "max_header_fields": args.max_header_fields,
        "head_timeout": args.head_timeout,
        "provisioning_delay": args.provisioning_delay,
        "seed": args.seed,
        "token_lifetime": args.token_lifetime,
        "access_log": args.access_log or None,
        "persist": args.persist or None,
        "journal_size": args.journal_size,
        "https_port": args.https_port,
        "proxy_port": args.proxy_port,
        "proxy_host": args.proxy_host,
        "userrealm_port": args.userrealm_port,
        "cert_names": tuple(args.cert_name) or None,
        "scenarios": tuple(args.scenario) or None,
        "sign_worker": False if args.no_sign_worker else None,
    }
    try:
        config = load_config(args.config, overrides=overrides)
        if args.no_https:
            config.https_port = None
            config.validate()
    except ConfigError as exc:
        return _fail(str(exc))
    try:
        # The state directory and the ports are checked before the app's modules are even imported (0.4 s).
        check_state_dir(config)
        listeners = open_listeners(config)
        from emulator.serve import run  # uvicorn and the app only for the command that serves

        return run(config, listeners=listeners)
    except (WorldError, KeyFileError, PersistenceError, TLSError, ListenError, ScenarioError, CertificateError) as exc:
        return _fail(str(exc))
    except StateDirError as exc:
        return _fail(str(exc))
    except OSError as exc:
        if exc.filename is not None:  # a file of the state directory, not a socket
            return _fail(f"{exc.filename}: {exc.strerror or exc}")
        return _fail(f"cannot listen on {config.host}:{config.port}: {exc.strerror or exc}")


def cmd_token(args: argparse.Namespace) -> int:
    try:
        settings = load_config()
        world = load_world(args.fixtures or settings.fixtures)
        key, _ = load_or_create(args.state_dir or settings.resolved_state_dir())
    except (ConfigError, WorldError, KeyFileError) as exc:
        return _fail(str(exc))
    tenant = world.tenant(args.tenant) if args.tenant else world.partner
    if tenant is None:
        return _fail(f"unknown tenant '{args.tenant}'; known: {', '.join(t.domain for t in world.tenants.values())}")
    issuer = TokenIssuer(KeyRing(key), Clock(), random.Random())
    issued_at = int(time.time()) - 7200 if args.expired else None
    lifetime = 3600 if args.expired else None
    if args.app:
        app = world.apps.get(args.app.lower())
        if app is None:
            return _fail(f"unknown app '{args.app}'; see 'pcemu world'")
        if args.mfa is not None:
            return _fail("--mfa/--no-mfa apply to user tokens; app-only tokens carry no amr")
        issued = issuer.issue(issuer.app_claims(tenant, app, args.audience, lifetime=lifetime, issued_at=issued_at))
    else:
        user = world.user(args.user)
        if user is None:
            return _fail(f"unknown user '{args.user}'; see 'pcemu world'")
        app = _client_for_user(world, args.client)
        if app is None:
            return _fail(f"unknown app '{args.client}'; see 'pcemu world'")
        amr = user.default_amr if args.mfa is None else (["pwd", "mfa"] if args.mfa else ["pwd"])
        issued = issuer.issue(
            issuer.user_claims(tenant, app, user, amr, args.audience, lifetime=lifetime, issued_at=issued_at)
        )
    print(issued.token)
    return 0


def _client_for_user(world: World, client_id: str | None) -> App | None:
    if client_id:
        return world.apps.get(client_id.lower())
    public = [a for a in world.apps.values() if not a.confidential]
    return next(iter(public or world.apps.values()), None)


def cmd_cert(args: argparse.Namespace) -> int:
    from emulator.tls import ensure, system_ca_file, write_bundle

    try:
        settings = load_config()
        state_dir = args.state_dir or settings.resolved_state_dir()
        tls = ensure(state_dir, tuple(args.cert_name) or settings.cert_names)
        bundle = write_bundle(state_dir, tls.ca_cert)
    except (ConfigError, TLSError, OSError) as exc:
        return _fail(str(exc))
    system = system_ca_file()
    print(f"CA certificate:  {tls.ca_cert}")
    print(f"CA bundle:       {bundle}  (the system CAs{f' from {system}' if system else ''} plus the emulator's CA)")
    print(
        f"Names it covers: {', '.join(tls.names)} (and names below them), 127.0.0.1, ::1: its X.509 name "
        "constraints allow nothing else"
    )
    print()
    print("Trust it for one process, never system-wide:")
    print(f"  export REQUESTS_CA_BUNDLE={bundle}    # requests, MSAL, adal, msrest (partnercenterservices)")
    print(f"  export SSL_CERT_FILE={bundle}         # httpx, urllib, OpenSSL-based tools")
    print(f"  export NODE_EXTRA_CA_CERTS={tls.ca_cert}")
    print(f"  ClientSecretCredential(..., connection_verify={str(tls.ca_cert)!r})    # azure-identity")
    print(f"  curl --cacert {tls.ca_cert} ...")
    print()
    print("Warning: do not add this CA to a system or browser trust store; it is a test CA whose key sits in")
    print(f"{state_dir}, and trusting it system-wide would let anyone holding that key intercept those sign-ins.")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    commands = {
        **CONTROL_COMMANDS,
        "serve": cmd_serve,
        "token": cmd_token,
        "world": cmd_world,
        "report": cmd_report,
        "check": cmd_check,
        "cert": cmd_cert,
        "app-cert": cmd_app_cert,
    }
    return run_command(commands[args.command], args)
