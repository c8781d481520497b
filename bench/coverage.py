"""Which of Partner Center's operations the emulator serves: the list derived from the installed
partnercenterservices SDK (generated from Partner Center's own API description), each matched by method and
path against the emulator's operations table.

Run: python bench/coverage.py            prints the figure and writes docs/coverage.md
     python bench/coverage.py --check    exits 1 if docs/coverage.md is not what it would write
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil
import re
import sys
from pathlib import Path

from emulator.partner.routes import OPERATIONS, Operation

METHODS = ("get", "post", "put", "patch", "delete", "head")
DOCUMENT = Path(__file__).resolve().parent.parent / "docs" / "coverage.md"


def sdk_operations() -> list[tuple[str, str]]:
    """(METHOD, /v{version}/…) of every operation of the SDK: its functions' metadata urls, the method from the
    function's name (top-level client) or its operations class's name (getvversion…Operations)."""
    package = importlib.import_module("microsoft.store.partnercenterservices")
    modules = [importlib.import_module("microsoft.store.partnercenterservices.microsoft_partner_store_apis")]
    operations = importlib.import_module("microsoft.store.partnercenterservices.operations")
    modules += [
        importlib.import_module(f"{operations.__name__}.{m.name}") for m in pkgutil.iter_modules(operations.__path__)
    ]
    found: set[tuple[str, str]] = set()
    for module in modules:
        for class_name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__:
                continue
            for name, function in inspect.getmembers(cls, inspect.isfunction):
                url = getattr(function, "metadata", {}).get("url")
                if not url:
                    continue
                owner = name if module is modules[0] else class_name.lower()
                method = next((m for m in METHODS if owner.startswith((m + "v", m + "generatetoken"))), None)
                if method is None:
                    raise SystemExit(f"no HTTP method in the name {owner} ({url})")
                found.add((method.upper(), url))
    del package
    # /generatetoken is Entra's legacy exchange, not a Partner Center operation (the emulator serves it apart).
    found.discard(("POST", "/generatetoken"))
    return sorted(found, key=lambda o: (o[1].lower(), o[0]))


def _shape(path: str) -> tuple[str, ...]:
    """A path's segments, parameters as '*', literals in lower case (the emulator routes case-sensitively on
    literals, but the SDK's description and Partner Center's samples differ in case only in parameter names)."""
    parts = path.strip("/").split("/")
    return tuple("*" if re.fullmatch(r"\{[^}]*\}", p) else p.lower() for p in parts)


def served() -> dict[tuple[str, tuple[str, ...]], Operation]:
    return {(op.method, _shape(op.path.replace("/v1/", "/v{version}/", 1))): op for op in OPERATIONS}


KINDS = {"stateful": "stateful", "world": "from the world", "not offered": "not offered"}


def _cell(op: Operation | None) -> str:
    if op is None:
        return "not served (gateway 404)"
    if op.coverage not in KINDS:
        raise SystemExit(f"{op.operation_id}: unknown coverage {op.coverage!r}")
    cell = f"{KINDS[op.coverage]}: {op.operation_id}"
    if op.coverage == "not offered":
        if not op.searched:
            raise SystemExit(f"{op.operation_id}: a not-offered operation names the documentation searched")
        cell += f" (searched: {op.searched})"
    return cell


def table() -> tuple[str, dict[str, int], int]:
    ours = served()
    rows = []
    counts = dict.fromkeys([*KINDS.values(), "not served"], 0)
    operations = sdk_operations()
    for method, path in operations:
        op = ours.get((method, _shape(path)))
        counts[KINDS[op.coverage] if op else "not served"] += 1
        rows.append(f"| {method} | `{path}` | {_cell(op)} |")
    answered = counts["stateful"] + counts["from the world"]
    header = [
        "# Partner Center operations the emulator serves",
        "",
        "Derived from partnercenterservices 0.1.2 (generated from Partner Center's own API description) by",
        "`python bench/coverage.py`, which writes this file; a test checks that it is current.",
        "",
        f"**{answered} of {len(operations)}** operations of the SDK are answered: "
        + ", ".join(f"{n} {kind}" for kind, n in counts.items())
        + ".",
        "",
        "- *stateful*: reads come from the world's tables and writes change them; a write shows in the next read.",
        "- *from the world*: a documented answer built from the world's data; nothing changes.",
        "- *not offered*: Partner Center's own documented error for the case, or 501 in its error body naming the",
        "  operation; the documentation searched is named.",
        "",
        "The emulator serves more operations than the SDK describes (New Commerce, the MFA reports): see",
        "`/openapi.json`.",
        "",
        "| Method | Path | Emulator |",
        "|---|---|---|",
    ]
    return "\n".join(header + rows) + "\n", counts, len(operations)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/coverage.md is out of date")
    args = parser.parse_args()
    text, counts, total = table()
    if args.check:
        current = DOCUMENT.read_text(encoding="utf-8") if DOCUMENT.exists() else ""
        sys.exit(0 if current == text else 1)
    DOCUMENT.parent.mkdir(parents=True, exist_ok=True)
    DOCUMENT.write_text(text, encoding="utf-8")
    summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
    print(f"{total} operations of partnercenterservices 0.1.2: {summary}; table in {DOCUMENT}")


if __name__ == "__main__":
    main()
