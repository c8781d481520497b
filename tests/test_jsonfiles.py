"""The one reader of users' JSON files: every kind of bad file gets one line naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from emulator.config import ConfigError, load_config
from emulator.jsonfiles import JsonFileError, read_json


def test_reads_a_json_value(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"a": [1, "é"]}', encoding="utf-8")
    assert read_json(tmp_path / "a.json") == {"a": [1, "é"]}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "a.json: fixture file is missing"),
        (b'{\n  "a": 1\n  "b": 2}', "a.json: line 3 column 3: invalid JSON: Expecting ',' delimiter"),
        (
            b"\xff\xfe{}",
            "a.json: cannot be read: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte",
        ),
    ],
)
def test_bad_files_name_the_file_and_why(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "a.json"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(JsonFileError) as caught:
        read_json(path, what="fixture file")
    assert str(caught.value) == f"{tmp_path}/{message}"


def test_a_directory_is_not_readable(tmp_path: Path) -> None:
    with pytest.raises(JsonFileError, match=r": cannot be read: Is a directory$"):
        read_json(tmp_path)


def test_config_file_errors_use_it(tmp_path: Path) -> None:
    path = tmp_path / "pcemu.json"
    path.write_text("{port: 1}")
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    assert (
        str(caught.value) == f"{path}: line 1 column 2: invalid JSON: Expecting property name enclosed in double quotes"
    )
