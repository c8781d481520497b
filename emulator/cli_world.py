"""`pcemu world`: print the world, or write one (--generate, --import).

Its imports are light, the rest where a command needs it: `pcemu world` runs without the server's and the sign-in
code's modules (`emulator.__main__` sends it here first), so that a large world's generation does not wait 0.3 s for
them."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from emulator.cli_control import fail


def add_fixtures_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--fixtures", type=Path, help="world directory (default: the packaged default world)")


def _add_arguments(world: argparse.ArgumentParser) -> None:
    world.add_argument("--json", action="store_true", help="machine-readable output")
    world.add_argument("--generate", type=int, metavar="N", help="write a world of N customers to --out instead")
    world.add_argument("--out", type=Path, metavar="DIR", help="where --generate or --import writes the world")
    world.add_argument(
        "--format",
        choices=("sqlite", "json"),
        default="sqlite",
        help="--generate: the large tables in a world file (two SQLite files) that serve opens without parsing "
        "(default), or as "
        "JSON fixture files to read and edit",
    )
    world.add_argument(
        "--import",
        dest="import_from",
        action="store_true",
        help="check the JSON world of --fixtures and write it to --out as a world file",
    )
    add_fixtures_arg(world)


HELP = "print the world: tenants, apps, users, customers"


def add_parser(sub: Any) -> None:
    """`world` among `pcemu`'s subcommands (`sub`: its subparsers)."""
    _add_arguments(sub.add_parser("world", help=HELP))


def main(argv: list[str]) -> int:
    """`pcemu world ARGS…` on its own: the same arguments, help and usage as under `pcemu` (an argument that
    neither knows is reported by `pcemu world`, not `pcemu`)."""
    parser = argparse.ArgumentParser(prog="pcemu world")
    _add_arguments(parser)
    return run_command(cmd_world, parser.parse_args(argv))


def run_command(command: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    try:
        return command(args)
    except BrokenPipeError:  # `pcemu world | head`
        sys.stderr.close()
        return 0


def cmd_world(args: argparse.Namespace) -> int:
    from emulator.world import WorldError

    if args.generate is not None or args.import_from:
        if args.out is None:
            return fail(f"{'--generate' if args.generate is not None else '--import'} needs --out DIR")
        if args.generate is not None and not 1 <= args.generate <= 1_000_000:
            return fail("--generate takes 1 to 1000000 customers")
        from emulator.generate import import_world, write_world

        try:
            if args.generate is not None:
                counts = write_world(args.out, args.generate, partner_dir=args.fixtures, form=args.format)
            else:
                counts = import_world(args.fixtures, args.out)
        except WorldError as exc:
            return fail(str(exc))
        except (OSError, ValueError, KeyError) as exc:
            return fail(f"cannot write the world: {exc}")
        print(f"wrote {args.out}: " + ", ".join(f"{n} {name.removesuffix('.json')}" for name, n in counts.items()))
        print(f"serve it with: pcemu serve --fixtures {args.out}")
        return 0
    from emulator.summary import world_summary
    from emulator.world import load_world

    try:
        world = load_world(args.fixtures)
    except WorldError as exc:
        return fail(str(exc))
    summary = world_summary(world)
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    for tenant in summary["tenants"]:
        print(f"Tenant  {tenant['displayName']}: {tenant['domain']} ({tenant['id']})")
    print("\nApps")
    for app in summary["apps"]:
        secret = f"  secret {app['secret']}" if app["secret"] else ""
        print(f"  {app['displayName']:<32} {app['type']:<12} {app['clientId']}{secret}")
    print("\nUsers")
    for user in summary["users"]:
        posture = (
            "MFA required" if user["mfaRequired"] else ("MFA registered" if user["mfaRegistered"] else "password only")
        )
        print(f"  {user['userPrincipalName']:<50} {user['password']:<20} {posture}")
    print(f"\nCustomers ({len(summary['customers'])})")
    for customer in summary["customers"]:
        print(f"  {customer['companyName']:<28} {customer['domain']:<36} {customer['id']}")
    return 0
