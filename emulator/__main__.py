"""`pcemu` and `python -m emulator`: the command line, with Ctrl-C at any moment (even while modules load) ending
it quietly, exit status 130."""

from __future__ import annotations

import sys


def run() -> int:
    try:
        if sys.argv[1:2] == ["world"]:  # on its own: see emulator.cli_world
            from emulator.cli_world import main as world

            return world(sys.argv[2:])
        from emulator.cli import main

        return main()
    except KeyboardInterrupt:
        print("pcemu: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(run())
