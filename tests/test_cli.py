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
