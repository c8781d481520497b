"""The web console: a YES or NO for a pasted token, the journal and the report; in a real headless browser too."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from emulator.app import EmulatorApp
from emulator.state import EmulatorState
from tests.helpers import NW, app_token, bearer, serving, user_token


def test_index_has_the_token_form(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<form method="post" action="/check">' in page.text
    assert (
        "<script" not in page.text and "http://" not in page.text.split("<main>")[0]
    )  # no scripts, no external assets
    assert page.headers["cache-control"] == "no-store"


def csrf(client: TestClient) -> str:
    """The token the console's form carries (a form posted from another site cannot know it)."""
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text)
    assert found is not None
    return found[1]


def test_check_says_yes_and_no(client: TestClient, state: EmulatorState) -> None:
    good = client.post("/check", data={"token": user_token(state, NW.ADMIN, ["pwd", "mfa"]), "csrf": csrf(client)})
    assert good.status_code == 200
    assert '<p class="verdict yes" id="verdict">YES</p>' in good.text
    assert "this token was issued by this emulator" in good.text
    bad_token = user_token(state, NW.SERVICE, ["pwd"])
    bad = client.post("/check", data={"token": bad_token, "csrf": csrf(client)})
    assert '<p class="verdict no" id="verdict">NO</p>' in bad.text
    assert "the sign-in proved a password only (amr: pwd), not MFA" in bad.text
    assert bad_token not in bad.text
    app_only = client.post("/check", data={"token": app_token(state), "csrf": csrf(client)})
    assert "NOT AFFECTED" in app_only.text
    # The pasted tokens are not journaled.
    assert client.get("/_emulator/journal").json()["recorded"] == 0


@pytest.mark.parametrize(
    ("data", "status", "text"), [({"token": "nonsense"}, 400, "not a JWT"), ({}, 400, "Paste a token first.")]
)
def test_check_bad_input(client: TestClient, data: dict[str, str], status: int, text: str) -> None:
    response = client.post("/check", data={**data, "csrf": csrf(client)})
    assert response.status_code == status
    assert text in response.text


def test_a_form_without_the_consoles_token_is_refused(client: TestClient, state: EmulatorState) -> None:
    token = user_token(state, NW.ADMIN, ["pwd", "mfa"])
    for extra in ({}, {"csrf": "guessed"}):
        refused = client.post("/check", data={"token": token, **extra})
        assert refused.status_code == 403
        assert "This form did not come from this console." in refused.text


def test_check_oversized_and_get(client: TestClient) -> None:
    assert client.post("/check", data={"token": "x" * 70_000}).status_code == 413
    assert client.get("/check").status_code == 405


def test_journal_and_report_pages(client: TestClient, state: EmulatorState) -> None:
    client.get("/v1/customers", headers=bearer(user_token(state, NW.SERVICE, ["pwd"])))
    client.get("/v1/customers", headers=bearer(user_token(state, NW.ADMIN, ["pwd", "mfa"])))
    journal = client.get("/journal?verdict=non-compliant")
    assert journal.status_code == 200
    assert '<meta http-equiv="refresh" content="5">' in journal.text
    assert NW.SERVICE in journal.text and NW.ADMIN not in journal.text
    assert "refresh" not in client.get("/journal?refresh=0").text.split("<title>")[0]
    report = client.get("/report")
    assert '<p class="verdict no" id="verdict">NO</p>' in report.text
    assert "1 of 2 app+user calls would be refused under enforced-2026" in report.text
    assert "1 of 2 app+user calls" in client.get("/").text


def test_console_is_loopback_only(emulator_app: EmulatorApp) -> None:
    with TestClient(emulator_app, client=("10.1.2.3", 4000)) as remote:
        assert remote.get("/").status_code == 403
        assert remote.post("/check", data={"token": "x"}).status_code == 403


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def browser_url(emulator_app: EmulatorApp) -> Iterator[str]:
    with serving(emulator_app) as url:
        yield url


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium here: apt-get install chromium (.ci/run installs it)")
def test_in_a_real_browser(browser_url: str, emulator_app: EmulatorApp, tmp_path: Path) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    state = emulator_app.state
    good, bad = user_token(state, NW.ADMIN, ["pwd", "mfa"]), user_token(state, NW.SERVICE, ["pwd"])
    httpx.get(f"{browser_url}/v1/customers", headers=bearer(bad))
    httpx.get(f"{browser_url}/v1/invoices", headers=bearer(app_token(state)))
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-gpu",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
            page.goto(f"{browser_url}/")
            page.fill("#token", good)
            page.click("button[type=submit]")
            assert page.inner_text("#verdict") == "YES"
            page.fill("#token", bad)
            page.click("button[type=submit]")
            assert page.inner_text("#verdict") == "NO"
            assert "proved a password only (amr: pwd), not MFA" in page.inner_text("main")
            page.screenshot(path=str(tmp_path / "verdict.png"), full_page=True)
            page.goto(f"{browser_url}/journal")
            rows = page.locator("#journal tr")
            assert rows.count() == 3  # the header and two calls
            assert "non-compliant" in page.inner_text("#journal")
            page.select_option("select[name=verdict]", "app-only")
            page.click("form.filters button")
            assert page.locator("#journal tr").count() == 2
            page.goto(f"{browser_url}/report")
            assert page.inner_text("#verdict") == "NO"
            assert "1 of 1 app+user calls would be refused" in page.inner_text("#summary")
        finally:
            browser.close()
