"""The documentation's code blocks, and how the docs tests run them (tests/test_docs.py).

Every fenced block of README.md and docs/**/*.md is one of:

- **run**: a `bash` (or `sh`) or `python` block. Each page runs against an emulator of its own, started fresh
  for the page (a new HOME, so a new state directory, signing key and CA) on free ports. The blocks name the
  documented ports (8080 HTTP, 8443 HTTPS, 8888 proxy): the harness rewrites `127.0.0.1:8080` and
  `localhost:8080` (and the other two) to the page's ports before it runs a block, writes them back in what
  the block printed before comparing, and sets `PCEMU_URL` for the commands that default to 8080.
  The bash blocks of a page share one shell state (variables, exported or not, and functions carry over from
  block to block, as in a terminal); a python block runs in a new interpreter with the variables the bash
  blocks exported. The working directory has `.venv/bin/pcemu` and `.venv/bin/python`, as `make run` leaves
  them in a clone, and HOME is the page's own: `~/.local/state/pcemu` is the emulator's state directory, and
  `/home/you` in the docs stands for HOME in what the blocks print.
- **output**, after `<!-- docs-test: output -->`: what the run block before it prints on stdout (after a
  serve block: what the server printed up to its ready line). `…` matches
  any text within a line, and a line of `…` alone any number of lines. Output blocks are checked, never
  trusted.
- **skipped**, after `<!-- docs-test: skip REASON -->`: a block that needs Docker, port 443, a person at a
  browser, or is in another language. The reason is listed when the tests run.
- **serve**, after `<!-- docs-test: serve -->`: a `pcemu serve …` or `make run ARGS=…` command. It (re)starts
  the page's emulator with those flags, the ports made free. Without one, a page gets `pcemu serve`'s
  defaults (what `make run` starts).
- **file**, after `<!-- docs-test: file NAME -->`: written to NAME in the working directory, for a later run
  block to use (a test module that a bash block runs with pytest, a scenario file that it loads).
- **data**: `json`, `text` and unmarked blocks that show a file, a format or an answer in prose. One that
  follows a run block directly must be marked output (or skipped), so that no shown output goes unchecked.

`<!-- docs-test: status N -->` before a run block says its exit status (default 0).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN_LANGUAGES = {"bash": "bash", "sh": "bash", "shell": "bash", "python": "python", "py": "python"}
DATA_LANGUAGES = {"", "json", "text"}
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>```+|~~~+)[ \t]*(?P<lang>[\w+-]*)[^\n]*$")
MARK = re.compile(r"^<!--\s*docs-test:\s*(?P<what>skip|output|status|serve|file)\b\s*(?P<arg>.*?)\s*-->$")


@dataclass
class Block:
    path: Path
    line: int  # 1-based line of the opening fence
    lang: str
    text: str
    kind: str = "data"  # run, output, skip, serve, file, data
    reason: str = ""
    status: int = 0
    follows_run: bool = False  # nothing but blank lines between this block and a run block before it
    problems: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"

    @property
    def runner(self) -> str:
        return RUN_LANGUAGES[self.lang]


def documentation_pages() -> list[Path]:
    """README.md and the site's pages; docs/sources/ holds quoted source notes, whose blocks are quotations."""
    pages = [ROOT / "README.md"]
    pages += sorted(p for p in (ROOT / "docs").rglob("*.md") if "sources" not in p.relative_to(ROOT / "docs").parts)
    return pages


def parse(path: Path) -> list[Block]:
    lines = path.read_text().split("\n")
    blocks: list[Block] = []
    index = 0
    last_run_end: int | None = None  # the line after the last run block's closing fence
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        indent, fence, lang = opening["indent"], opening["fence"], opening["lang"].lower()
        end = index + 1
        while end < len(lines) and not re.match(rf"^{re.escape(indent)}{fence[0]}{{{len(fence)},}}\s*$", lines[end]):
            end += 1
        body = [line[len(indent) :] if line.startswith(indent) else line.lstrip() for line in lines[index + 1 : end]]
        block = Block(path, index + 1, lang, "\n".join(body) + "\n")
        marks = _marks_before(lines, index)
        gap = lines[last_run_end:index] if last_run_end is not None else None
        block.follows_run = gap is not None and all(not line.strip() or MARK.match(line.strip()) for line in gap)
        _classify(block, marks)
        blocks.append(block)
        if block.kind in ("run", "serve"):
            last_run_end = end + 1
        index = end + 1
    return blocks


def _marks_before(lines: list[str], index: int) -> dict[str, str]:
    """The docs-test comments on the lines just above a fence (blank lines between are allowed)."""
    marks: dict[str, str] = {}
    before = index - 1
    while before >= 0:
        line = lines[before].strip()
        mark = MARK.match(line)
        if mark is not None:
            marks[mark["what"]] = mark["arg"]
        elif line:
            break
        before -= 1
    return marks


def _classify(block: Block, marks: dict[str, str]) -> None:
    status = marks.pop("status", None)
    if len(marks) > 1:
        block.problems.append(f"one of skip, output and serve at a time, not {sorted(marks)}")
    what, arg = next(iter(marks.items()), ("", ""))
    if what == "skip":
        block.kind, block.reason = "skip", arg
        if not arg:
            block.problems.append("a skipped block must say why: <!-- docs-test: skip REASON -->")
    elif what == "output":
        block.kind = "output"
    elif what == "file":
        block.kind, block.reason = "file", arg
        if not arg or "/" in arg.strip("./"):
            block.problems.append("a file block names a file of the working directory: <!-- docs-test: file NAME -->")
    elif what == "serve":
        block.kind = "serve"
        if block.lang not in RUN_LANGUAGES or not re.search(r"pcemu serve|make run", block.text):
            block.problems.append("a serve block is a bash block with `pcemu serve …` or `make run`")
    elif block.lang in RUN_LANGUAGES:
        block.kind = "run"
        if status is not None:
            block.status = int(status)
    elif block.lang in DATA_LANGUAGES:
        if block.follows_run:
            block.problems.append(
                "an answer shown right after a run block must be checked (<!-- docs-test: output -->) or skipped"
            )
    else:
        block.problems.append(f"a {block.lang} block must be skipped with its reason: <!-- docs-test: skip REASON -->")
    if status is not None and block.kind != "run":
        block.problems.append("docs-test: status belongs on a run block")


def serve_arguments(block: Block) -> list[str]:
    """The flags of a serve block's command, as a list (`make run ARGS="…"` or `pcemu serve …`)."""
    import shlex

    command = " ".join(line.split("#", 1)[0] for line in block.text.replace("\\\n", " ").splitlines()).strip()
    words = shlex.split(command)
    if "make" in words:
        args = next((word[len("ARGS=") :] for word in words if word.startswith("ARGS=")), "")
        return shlex.split(args)
    return words[words.index("serve") + 1 :]


def expected_pattern(expected: str) -> re.Pattern[str]:
    """`…` is any text within a line; a line of `…` alone is any number of lines."""
    parts = []
    for line in expected.rstrip("\n").split("\n"):
        if line.strip() == "…":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(".*?".join(re.escape(piece) for piece in line.rstrip().split("…")) + r"\n")
    return re.compile("".join(parts))


def matches(expected: str, actual: str) -> bool:
    normal = "\n".join(line.rstrip() for line in actual.rstrip("\n").split("\n")) + "\n"
    return expected_pattern(expected).fullmatch(normal) is not None
