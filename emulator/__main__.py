"""`pcemu` and `python -m emulator`: the command line, with Ctrl-C at any moment (even while modules load) ending
it quietly, exit status 130."""

from __future__ import annotations

import sys


def run() -> int:
    try:
        from emulator.cli import main

        return main()
    except KeyboardInterrupt:
        print("pcemu: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(run())
