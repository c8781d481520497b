"""docs/coverage.md is the coverage table bench/coverage.py derives from the SDK: it must be current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_coverage_table_is_current() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "coverage.py"), "--check"], cwd=ROOT, timeout=120)
    assert result.returncode == 0, "docs/coverage.md is out of date: run python bench/coverage.py"


def test_the_table_says_what_the_emulator_serves() -> None:
    text = (ROOT / "docs" / "coverage.md").read_text(encoding="utf-8")
    assert "| POST | `/v{version}/customers/{customer_id}/carts/{cart_id}/checkout` | stateful: checkoutCart |" in text
    assert "| GET | `/v{version}/offers/{offer_id}` | from the world: getOffer |" in text
