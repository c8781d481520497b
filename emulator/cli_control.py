"""The commands that drive a running emulator through its control API: scenario, fault, keys, clock, profile,
reset and journal. Each prints the control API's JSON answer, or one line saying what went wrong (exit 2)."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import urllib.parse
from collections.abc import Callable
from typing import Any


class ControlFailure(Exception):
    """The control API could not be reached or refused the request."""


def _control(args: argparse.Namespace, method: str, path: str, body: Any = None) -> Any:
    import urllib.error  # here: `pcemu world` imports this module (fail) and needs neither (ssl, http.client)
    import urllib.request

    base = (args.url or os.environ.get("PCEMU_URL") or "http://127.0.0.1:8080").rstrip("/")
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{base}/_emulator/{path}", data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            raw = answer.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode(errors="replace")
        with contextlib.suppress(ValueError, KeyError, TypeError):
            detail = json.loads(detail)["message"]
        raise ControlFailure(f"{method} {path}: HTTP {exc.code}: {detail}") from None
    except OSError as exc:
        raise ControlFailure(f"cannot reach the emulator at {base}: {exc}") from None
    return json.loads(raw) if raw else None


def fail(message: str) -> int:
    """Say what went wrong in one line on stderr; exit status 2."""
    print(f"pcemu: {message}", file=sys.stderr)
    return 2


def _call(args: argparse.Namespace, method: str, path: str, body: Any = None, *, show: bool = True) -> int:
    """One control call: its answer printed as JSON (unless `show` is off), or the failure in one line."""
    try:
        answer = _control(args, method, path, body)
    except ControlFailure as exc:
        return fail(str(exc))
    if show:
        print(json.dumps(answer, indent=2))
    return 0


def cmd_scenario(args: argparse.Namespace) -> int:
    from emulator.scenarios import ScenarioError, available, find

    if args.action == "list":
        for item in available().values():
            print(f"{item.name:<32} {item.description}")
        return 0
    if not args.name:
        return fail(f"scenario {args.action} needs a NAME")
    if args.action == "show":
        try:
            print(json.dumps(find(args.name).data, indent=2))
        except ScenarioError as exc:
            return fail(str(exc))
        return 0
    if args.action == "load":
        return _call(args, "POST", "scenarios", {"name": args.name})
    return _call(args, "DELETE", f"scenarios/{args.name}")


def cmd_fault(args: argparse.Namespace) -> int:
    if args.action == "list":
        return _call(args, "GET", "faults")
    if args.action == "clear":
        return _call(args, "DELETE", "faults", show=False)
    if not args.value:
        return fail(f"fault {args.action} needs {'a rule (JSON)' if args.action == 'add' else 'an id'}")
    if args.action == "delete":
        return _call(args, "DELETE", f"faults/{args.value}", show=False)
    try:
        rule = json.loads(args.value)
    except ValueError as exc:
        return fail(f"the rule is not JSON: {exc}")
    return _call(args, "POST", "faults", rule)


def cmd_keys(args: argparse.Namespace) -> int:
    if args.action == "show":
        return _call(args, "GET", "keys")
    return _call(args, "POST", "keys/rotate", {"graceSeconds": args.grace})


def cmd_clock(args: argparse.Namespace) -> int:
    if args.action == "show":
        return _call(args, "GET", "clock")
    if args.seconds is None:
        return fail("clock advance needs SECONDS")
    return _call(args, "POST", "clock/advance", {"seconds": args.seconds})


def cmd_profile(args: argparse.Namespace) -> int:
    if args.name is None:
        return _call(args, "GET", "profile")
    body: dict[str, Any] = {"name": args.name}
    if args.rollout_percent is not None:
        body["rolloutPercent"] = args.rollout_percent
    return _call(args, "PUT", "profile", body)


def cmd_reset(args: argparse.Namespace) -> int:
    return _call(args, "POST", "reset")


def cmd_journal(args: argparse.Namespace) -> int:
    query = urllib.parse.urlencode(
        {k: v for k in ("app", "user", "verdict", "kind", "limit") if (v := getattr(args, k)) is not None}
    )
    return _call(args, "GET", f"journal?{query}" if query else "journal")


CONTROL_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "scenario": cmd_scenario,
    "fault": cmd_fault,
    "keys": cmd_keys,
    "clock": cmd_clock,
    "profile": cmd_profile,
    "reset": cmd_reset,
    "journal": cmd_journal,
}
