"""Docs as tests: every bash and python block of README.md and docs/ runs against a fresh emulator per page, and
every output the docs show is compared with what the block printed (how: tests/docs_blocks.py).

The page tests carry the `docs` marker: a bare `pytest` leaves them out, `make test` and `.ci/run` run them, and
the run ends with how many blocks ran and which were skipped, and why. The classification test below is quick
and runs everywhere: it fails on a block that is neither run, checked, nor skipped with a reason.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.docs_blocks import ROOT, Block, documentation_pages, matches, parse, serve_arguments

DOC_PORTS = {"http": 8080, "https": 8443, "proxy": 8888}
# The blocks that ran, for the summary at the end of the run (tests/conftest.py prints it with summary()).
RESULTS: list[str] = []
# The variables a page's shell must not inherit from the machine: they would point its clients elsewhere.
CLEARED = re.compile(r"^(PCEMU_\w+|XDG_STATE_HOME|REQUESTS_CA_BUNDLE|SSL_CERT_FILE|SSL_CERT_DIR|CURL_CA_BUNDLE)$")
PROXIES = {"http_proxy", "https_proxy", "no_proxy", "all_proxy"}


def test_every_block_is_run_checked_or_skipped_with_a_reason() -> None:
    problems = [f"{block.where}: {problem}" for page in documentation_pages() for block in parse(page)
                for problem in block.problems]  # fmt: skip
    assert not problems, "\n".join(problems)
    for page in documentation_pages():
        previous: Block | None = None
        for block in parse(page):
            if block.kind == "output":
                assert previous is not None and previous.kind in ("run", "serve"), f"{block.where}: output of nothing"
            if block.kind in ("run", "output", "serve", "skip", "file"):
                previous = block


def test_the_harness_compares_with_ellipses() -> None:
    assert matches("a … c\n…\nend\n", "a b b c\nx\ny\nend\n")
    assert matches("200\n", "200\n\n")
    assert not matches("200\n", "401\n")
    assert not matches("a\n…\n", "b\n")


@dataclass
class Page:
    """One page's world: a fresh HOME (state directory, key, CA), a working directory, a shell state, a server."""

    directory: Path
    env: dict[str, str] = field(default_factory=dict)
    server: subprocess.Popen[bytes] | None = None
    ports: dict[str, int] = field(default_factory=dict)

    @property
    def home(self) -> Path:
        return self.directory / "home"

    @property
    def work(self) -> Path:
        return self.directory / "work"

    @property
    def shell_state(self) -> Path:
        return self.directory / "shell-state.sh"

    def prepare(self) -> None:
        self.home.mkdir()
        bin_dir = self.work / ".venv" / "bin"
        bin_dir.mkdir(parents=True)
        # What `make run` leaves in a clone: .venv/bin/pcemu and .venv/bin/python, here this test's interpreter.
        (bin_dir / "python").write_text(f'#!/bin/sh\nexec {sys.executable} "$@"\n')
        # As pip writes a console script, so that the banner and the process list look as they do for a user.
        (bin_dir / "pcemu").write_text(
            f"#!{sys.executable}\nimport sys\nfrom emulator.__main__ import run\nsys.exit(run())\n"
        )
        for name in ("python", "pcemu"):
            (bin_dir / name).chmod(0o755)
        env = {k: v for k, v in os.environ.items() if not CLEARED.match(k) and k.lower() not in PROXIES}
        env.update(HOME=str(self.home), PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", PYTHONUNBUFFERED="1")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
        self.env = env
        baseline = subprocess.run(["bash", "--noprofile", "--norc", "-c", "compgen -v"], env=env, capture_output=True,
                                  text=True, check=True).stdout  # fmt: skip
        (self.directory / "baseline").write_text(baseline)
        self.shell_state.write_text("")

    # --- the page's emulator ---------------------------------------------------------------------------------

    def serve(self, args: list[str]) -> None:
        self.stop()
        args = list(args)
        for flag in ("--port", "--https-port", "--proxy-port"):
            if flag in args:
                args[args.index(flag) + 1] = "0"
        if "--port" not in args:
            args += ["--port", "0"]
        if "--https-port" not in args and "--no-https" not in args:
            args += ["--https-port", "0"]
        out = self.directory / "server.out"
        with out.open("wb") as stdout, (self.directory / "server.err").open("ab") as stderr:
            self.server = subprocess.Popen([str(self.work / ".venv/bin/pcemu"), "serve", *args], cwd=self.work,
                                           env=self.env, stdout=stdout, stderr=stderr)  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            ready = next((line for line in out.read_text().splitlines() if line.startswith('{"event":"ready"')), None)
            if ready is not None:
                document = json.loads(ready)
                self.ports = {name: document[f"{name}_port"] for name in DOC_PORTS if document[f"{name}_port"]}
                self.env["PCEMU_URL"] = document["url"]
                return
            if self.server.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(
            f"the page's emulator did not start: {args}\n{(self.directory / 'server.err').read_text()}"
        )

    def stop(self) -> None:
        if self.server is not None and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
        self.server = None

    # --- blocks ----------------------------------------------------------------------------------------------

    def to_page(self, text: str) -> str:
        for name, port in self.ports.items():
            text = re.sub(rf"\b(127\.0\.0\.1|localhost):{DOC_PORTS[name]}\b", rf"\g<1>:{port}", text)
        return text

    def to_docs(self, text: str) -> str:
        for name, port in self.ports.items():
            text = re.sub(rf"\b(127\.0\.0\.1|localhost):{port}\b", rf"\g<1>:{DOC_PORTS[name]}", text)
            text = text.replace(f'"{name}_port":{port},', f'"{name}_port":{DOC_PORTS[name]},')  # the ready line
        return text.replace(str(self.home), "/home/you")

    def run(self, block: Block) -> subprocess.CompletedProcess[str]:
        text = self.to_page(block.text)
        if block.runner == "bash":
            script = f"""source {self.shell_state}
__docs_save() {{  # the page's own variables (not the shell's) and its functions, for the next block
  local __docs_names
  __docs_names=$(compgen -v | grep -vxF -f {self.directory / "baseline"} | grep -v '^__docs')
  {{ if [ -n "$__docs_names" ]; then declare -p $__docs_names 2>/dev/null | grep -v '^declare -[a-zA-Z]*r'; fi
     declare -f; }} > {self.shell_state}.new
  mv {self.shell_state}.new {self.shell_state}
}}
trap __docs_save EXIT
{text}"""
            command = ["bash", "--noprofile", "--norc", "-c", script]
            env = self.env
        else:
            source = self.directory / f"block-{block.line}.py"
            source.write_text(text)
            command = [sys.executable, str(source)]
            env = self.exported()
        try:
            return subprocess.run(command, cwd=self.work, env=env, capture_output=True, text=True, timeout=180)
        except subprocess.TimeoutExpired as exc:
            raise AssertionError(f"{block.where}: still running after 180 s\n{exc.stdout!r}\n{exc.stderr!r}") from None

    def exported(self) -> dict[str, str]:
        """The environment the page's shell would give a program it starts (its exported variables)."""
        dump = subprocess.run(["bash", "--noprofile", "--norc", "-c", f"source {self.shell_state}; env -0"],
                              env=self.env, capture_output=True, text=True, check=True).stdout  # fmt: skip
        return dict(item.split("=", 1) for item in dump.split("\0") if "=" in item)


def _pages_with_blocks() -> list[Path]:
    return [page for page in documentation_pages() if any(b.kind in ("run", "serve") for b in parse(page))]


@pytest.fixture
def page(tmp_path: Path) -> Iterator[Page]:
    if shutil.which("curl") is None:
        pytest.skip("the docs' examples call curl: install it (apt-get install curl)")
    page = Page(tmp_path)
    page.prepare()
    yield page
    page.stop()


@pytest.mark.docs
@pytest.mark.parametrize("path", _pages_with_blocks(), ids=lambda p: str(p.relative_to(ROOT)))
def test_page(path: Path, page: Page) -> None:
    blocks = parse(path)
    first = next(block for block in blocks if block.kind in ("run", "serve", "file"))
    if first.kind != "serve":
        page.serve([])  # the page's emulator as `make run` starts it
    last: tuple[Block, subprocess.CompletedProcess[str]] | None = None
    for block in blocks:
        if block.kind == "file":
            (page.work / block.reason).write_text(page.to_page(block.text))
            RESULTS.append(f"{block.where} (written to {block.reason})")
        elif block.kind == "serve":
            page.serve(serve_arguments(block))
            RESULTS.append(f"{block.where} (the page's emulator)")
            # What the server printed up to its ready line is this block's output.
            printed = (page.directory / "server.out").read_text()
            last = (block, subprocess.CompletedProcess(block.text, 0, printed, ""))
        elif block.kind == "run":
            result = page.run(block)
            RESULTS.append(block.where)
            assert result.returncode == block.status, (
                f"{block.where}: exit status {result.returncode}, the docs say {block.status}\n"
                f"--- stdout\n{result.stdout}--- stderr\n{result.stderr}"
            )
            last = (block, result)
        elif block.kind == "output":
            assert last is not None
            source, result = last
            actual = page.to_docs(result.stdout)
            if not matches(block.text, actual):
                diff = "".join(difflib.unified_diff(block.text.splitlines(True), actual.splitlines(True),
                                                    "the docs", "printed"))  # fmt: skip
                raise AssertionError(
                    f"{block.where}: the output shown is not what {source.where} prints\n{diff}\n"
                    f"--- stderr\n{page.to_docs(result.stderr)}"
                )


def summary() -> list[str]:
    """How many blocks ran, and every skipped block of the docs with its reason (empty if no page ran)."""
    if not RESULTS:
        return []
    skipped = [b for page in documentation_pages() for b in parse(page) if b.kind == "skip"]
    pages = len({where.split(":")[0] for where in RESULTS})
    lines = [f"docs: {len(RESULTS)} blocks ran in {pages} pages; {len(skipped)} skipped:"]
    lines += [f"  {b.where} ({b.lang or 'text'}): {b.reason}" for b in skipped]
    return lines


def test_the_scenario_table_is_the_packaged_scenarios_own_words() -> None:
    """docs/reference/scenarios.md's table quotes each scenario file's description and expect, and lists them all."""
    page = (ROOT / "docs" / "reference" / "scenarios.md").read_text()
    rows = {m[1]: (m[2], m[3]) for m in re.finditer(r"^\| `([\w-]+)` \| (.+?) \| (.+?) \|$", page, re.MULTILINE)}
    files = sorted((ROOT / "fixtures" / "scenarios").glob("*.json"))
    packaged = {f.stem: json.loads(f.read_text()) for f in files}
    assert set(rows) == set(packaged)
    for name, scenario in packaged.items():
        assert rows[name] == (scenario["description"], scenario["expect"]), name
