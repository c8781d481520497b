"""The signing key in the state directory: created once, reused, and never silently replaced when damaged."""

from __future__ import annotations

from pathlib import Path

import pytest

from emulator.cli import main
from emulator.keys import CERT_FILE, KEY_FILE, KeyFileError, load_or_create


def test_created_once_then_reused(tmp_path: Path) -> None:
    first, created = load_or_create(tmp_path)
    again, created_again = load_or_create(tmp_path)
    assert (created, created_again) == (True, False)
    assert again.kid == first.kid


@pytest.mark.parametrize(("present", "absent"), [(KEY_FILE, CERT_FILE), (CERT_FILE, KEY_FILE)])
def test_half_a_key_pair_is_reported_and_kept(tmp_path: Path, present: str, absent: str) -> None:
    (tmp_path / present).write_text("garbage")
    with pytest.raises(KeyFileError) as caught:
        load_or_create(tmp_path)
    assert str(caught.value) == (
        f"{tmp_path / present} exists but {tmp_path / absent} does not: restore it, or move both away to let pcemu "
        "create a new key"
    )
    assert (tmp_path / present).read_text() == "garbage"
    assert not (tmp_path / absent).exists()


def test_a_damaged_key_is_reported_by_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    load_or_create(tmp_path)
    (tmp_path / KEY_FILE).write_text("garbage")
    assert main(["token", "--state-dir", str(tmp_path), "--user", "admin@northwindpartners.onmicrosoft.com"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"pcemu: cannot read the signing key in {tmp_path}") and "Traceback" not in err
    assert (tmp_path / KEY_FILE).read_text() == "garbage"
