"""Reading the JSON files a user hands the emulator (config, fixtures, scenarios), with errors that name the
file and, for malformed JSON, the line and column."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class JsonFileError(Exception):
    """The file is missing, unreadable or not JSON; the message names it."""


def read_json(path: Path, *, what: str = "file") -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise JsonFileError(f"{path}: {what} is missing") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise JsonFileError(f"{path}: cannot be read: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise JsonFileError(f"{path}: line {exc.lineno} column {exc.colno}: invalid JSON: {exc.msg}") from None
