"""The command line's own promises: every flag and argument says what it is for."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest

from emulator.cli import build_parser
from emulator.listeners import command_name


def _undocumented(parser: argparse.ArgumentParser, path: str) -> list[str]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                found += _undocumented(child, f"{path} {name}")
        elif not action.help and action.dest != "help":
            found.append(f"{path} {'/'.join(action.option_strings) or action.dest}")
    return found


def test_every_flag_has_help() -> None:
    assert _undocumented(build_parser(), "pcemu") == []


def test_state_dir_says_what_it_holds_for_each_command() -> None:
    helps = {}
    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                for option in child._actions:
                    if "--state-dir" in option.option_strings:
                        helps[name] = option.help
    assert set(helps) == {"serve", "token", "check", "cert", "app-cert"}
    assert "app-cert" in (helps["app-cert"] or "") or "registrations" in (helps["app-cert"] or "")
    assert "local CA" in (helps["cert"] or "") and "signing key" not in (helps["cert"] or "")
    assert "signing key" in (helps["token"] or "")


def test_the_banner_names_pcemu_as_the_user_can_run_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = tmp_path / "venv" / "bin" / "pcemu"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    monkeypatch.setattr(sys, "argv", [str(script), "serve"])
    monkeypatch.setenv("PATH", "/usr/bin")
    assert command_name() == str(script)  # not on PATH: the path, as after `make run`
    monkeypatch.setenv("PATH", f"{script.parent}:/usr/bin")
    assert command_name() == "pcemu"
    monkeypatch.setattr(sys, "argv", ["/somewhere/emulator/__main__.py", "serve"])
    assert command_name() == f"{sys.executable} -m emulator"


# `pcemu world` on its own (emulator.__main__ sends it to emulator.cli_world): a large world's generation must not
# first import the server's and the sign-in code's modules.
_WORLD_ALONE = """
import sys
from emulator.__main__ import run
sys.argv = ["pcemu", *sys.argv[1:]]
status = run()
heavy = sorted(set(sys.modules) & {"starlette", "uvicorn", "cryptography", "jwt", "ssl", "urllib.request"})
print("status", status, "heavy", heavy)
"""


def test_world_generation_runs_without_the_server_modules(tmp_path: Path) -> None:
    import subprocess

    out = tmp_path / "w"
    found = subprocess.run(
        [sys.executable, "-c", _WORLD_ALONE, "world", "--generate", "3", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert found.stdout.splitlines()[-1] == "status 0 heavy []"
    assert f"wrote {out}: " in found.stdout
    assert (out / "tables.sqlite").is_file()


def test_world_alone_parses_as_under_pcemu(capsys: pytest.CaptureFixture[str]) -> None:
    from emulator.cli import main
    from emulator.cli_world import main as world

    for argv in (["--help"], ["--format", "xml"], ["--generate", "x"]):
        with pytest.raises(SystemExit) as alone:
            world(argv)
        first = capsys.readouterr()
        with pytest.raises(SystemExit) as under:
            main(["world", *argv])
        assert (alone.value.code, first) == (under.value.code, capsys.readouterr())
    # An argument no parser knows: pcemu's own parser names pcemu, the world command's names pcemu world.
    with pytest.raises(SystemExit) as alone:
        world(["--bogus"])
    assert alone.value.code == 2
    assert capsys.readouterr().err.endswith("pcemu world: error: unrecognized arguments: --bogus\n")
    assert world(["--generate", "0", "--out", "unused"]) == 2
    assert capsys.readouterr().err == "pcemu: --generate takes 1 to 1000000 customers\n"
