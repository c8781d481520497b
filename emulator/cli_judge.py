"""The commands that judge: `pcemu report` (a journal, saved or live, under a profile) and `pcemu check` (a token or a
HAR capture). Their exit statuses are a CI gate's, so input they cannot judge is never a pass."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from emulator.cli_control import fail as _fail
from emulator.clock import Clock
from emulator.config import ConfigError, load_config
from emulator.keys import KeyFileError, KeyRing

# pcemu report: no Partner Center call was recorded (the client never called); --allow-empty makes it 0.
NOTHING_RECORDED_STATUS = 3


def cmd_report(args: argparse.Namespace) -> int:
    from emulator.report import NotAJournal, as_text, build, read_documents

    if args.file is not None:
        try:
            built = build(read_documents(args.file.read_text(encoding="utf-8")), args.profile)
        except (OSError, UnicodeDecodeError) as exc:
            return _fail(f"cannot read {args.file}: {exc}")
        except NotAJournal as exc:
            return _fail(f"{args.file}: {exc}")
    else:
        base = (args.url or os.environ.get("PCEMU_URL") or "http://127.0.0.1:8080").rstrip("/")
        url = f"{base}/_emulator/report?profile={args.profile}"
        try:
            with urllib.request.urlopen(url, timeout=30) as answer:
                built = json.loads(answer.read())
        except urllib.error.HTTPError as exc:
            return _fail(f"{url}: HTTP {exc.code}: {exc.read().decode(errors='replace')[:200]}")
        except (OSError, ValueError) as exc:
            return _fail(f"cannot reach the emulator at {base}: {exc}")
        if not isinstance(built, dict) or not isinstance(built.get("compliant"), bool):
            return _fail(f"{url} did not answer with a report; is it a Partner Center Emulator?")
    print(json.dumps(built, indent=2) if args.format == "json" else as_text(built))
    if not built.get("partnerCalls", 1) and not args.allow_empty:
        return NOTHING_RECORDED_STATUS
    return 0 if built["compliant"] else 1


def cmd_check(args: argparse.Namespace) -> int:
    from emulator.checker import NotAToken, as_text, judge, judge_har

    now = time.time()
    try:
        if args.har is not None:
            if args.token:
                return _fail("give a token or --har, not both")
            verdicts = judge_har(args.har.read_text(encoding="utf-8"), now)
        else:
            if not args.token:
                return _fail("give a token, - to read one from standard input, or --har FILE")
            token = sys.stdin.read() if args.token == "-" else args.token
            verdicts = [judge(token, now, signed_by_emulator=_signed_here(token, args.state_dir))]
    except NotAToken as exc:
        return _fail(str(exc))
    except (OSError, UnicodeDecodeError) as exc:
        return _fail(f"cannot read the input: {exc}")
    if args.json:
        documents = [v.as_dict() for v in verdicts]
        print(json.dumps(documents if args.har is not None else documents[0], indent=2))
    else:
        print("\n\n".join(as_text(v) for v in verdicts))
    return max(v.exit_code for v in verdicts)


def _signed_here(token: str, state_dir: Path | None) -> bool | None:
    """True when the emulator's key in the state directory signed the token; None when there is no such key."""
    from emulator.keys import load_existing
    from emulator.verify import TokenVerifier

    try:
        key = load_existing(state_dir or load_config().resolved_state_dir())
    except (ConfigError, KeyFileError):
        return None
    if key is None:
        return None
    verifier = TokenVerifier(KeyRing(key), Clock(), lambda tenant: True)
    return verifier.signed_here(token.strip().removeprefix("Bearer ").strip())
