"""`pcemu report` as a CI gate: it cannot pass by accident. Input that is not a journal is refused (exit 2, one
line, no traceback); an empty journal is its own status (3); a journal of app-only calls passes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from emulator.app import EmulatorApp
from emulator.cli import NOTHING_RECORDED_STATUS, main
from emulator.state import EmulatorState
from tests.helpers import app_token, bearer, serving


def _report(tmp_path: Path, content: str, *args: str) -> int:
    saved = tmp_path / "journal.json"
    saved.write_text(content)
    return main(["report", "--file", str(saved), *args])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{}", "document 1 ({}) is neither a journal entry nor an export line"),
        ('[{"foo":1}]', 'document 1 ({"foo": 1}) is neither a journal entry nor an export line'),
        ('{"entries":"x"}', "'entries' is not a list"),
        ('{"size":1,"entries":[{"bogus":true}]}', 'document 1 ({"bogus": true}) is neither a journal entry'),
        ('{"kind":"partner","status":"200","method":"GET","path":"/v1/customers"}', "document 1 "),
        ("not json at all", "not JSON"),
        ('{"a": 1}\n{"b": 2}', 'document 1 ({"a": 1})'),
    ],
)
def test_what_is_not_a_journal_exits_2_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    assert _report(tmp_path, content) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"pcemu: {tmp_path / 'journal.json'}: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "expected a saved GET /_emulator/journal answer" in err


@pytest.mark.parametrize("content", ["[]", '{"size":10000,"recorded":0,"dropped":0,"matched":0,"entries":[]}', ""])
def test_an_empty_journal_is_nothing_recorded(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str) -> None:
    assert _report(tmp_path, content) == NOTHING_RECORDED_STATUS == 3
    assert "NOTHING RECORDED: no Partner Center call was recorded" in capsys.readouterr().out
    assert _report(tmp_path, content, "--allow-empty") == 0


def test_a_journal_of_app_only_calls_passes(
    tmp_path: Path, client: TestClient, state: EmulatorState, capsys: pytest.CaptureFixture[str]
) -> None:
    assert client.get("/v1/customers?size=1", headers=bearer(app_token(state))).status_code == 200
    assert _report(tmp_path, client.get("/_emulator/journal").text) == 0
    out = capsys.readouterr().out
    assert "YES: no app+user calls recorded; nothing would be refused under enforced-2026." in out
    assert "App-only calls (not affected by the MFA requirement): 1" in out


def test_report_from_a_running_emulator(emulator_app: EmulatorApp, capsys: pytest.CaptureFixture[str]) -> None:
    with serving(emulator_app) as url:
        assert main(["report", "--url", url]) == NOTHING_RECORDED_STATUS
        assert main(["report", "--url", url, "--allow-empty"]) == 0
        TestClient(emulator_app).get("/v1/customers?size=1", headers=bearer(app_token(emulator_app.state)))
        capsys.readouterr()
        assert main(["report", "--url", url, "--format", "json"]) == 0
        report = json.loads(capsys.readouterr().out)
    assert (report["partnerCalls"], report["appOnlyCalls"], report["compliant"]) == (1, 1, True)
    with serving(emulator_app) as url:
        assert main(["report", "--url", f"{url}/v1"]) == 2  # not an emulator's report: a clear error
    assert "pcemu: " in capsys.readouterr().err


def _ci_recipe() -> str:
    page = (Path(__file__).parents[1] / "docs" / "how-to" / "ci.md").read_text()
    section = page[page.index("The job's script:") :]
    return section[section.index("```bash\n") + 8 : section.index("\n```", section.index("```bash\n"))]


@pytest.mark.heavy
@pytest.mark.parametrize(("client", "status"), [("false", 1), ("exit 7", 7), ("true", NOTHING_RECORDED_STATUS)])
def test_the_documented_ci_recipe_fails_when_the_client_does_or_never_calls(
    tmp_path: Path, client: str, status: int
) -> None:
    import subprocess
    import sys

    script = _ci_recipe()
    assert "./run-my-client" in script and ".venv/bin/pcemu" in script
    script = script.replace(".venv/bin/pcemu", f"{sys.executable} -m emulator")
    script = script.replace("--profile report-only", f"--profile report-only --state-dir {tmp_path / 'state'}")
    script = script.replace('./run-my-client --partner-center "$url"', f"( {client} )")
    result = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == status, result.stderr
