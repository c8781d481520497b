"""pcemu check: YES, NO or not affected for any token, and HAR captures, without printing secrets back."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from emulator.checker import NO, NOT_AFFECTED, YES, NotAToken, judge, judge_har

TID = "72f988bf-86f1-41af-91ab-2d7cd011db47"


def foreign(claims: dict[str, Any]) -> str:
    """A token as a real tenant would issue it (unsigned here: the checker cannot verify foreign signatures anyway)."""

    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'typ': 'JWT', 'alg': 'RS256', 'kid': 'abc'})}.{part(claims)}.c2lnbmF0dXJl"


def user_claims(**extra: Any) -> dict[str, Any]:
    now = int(time.time())
    return {
        "aud": "https://api.partnercenter.microsoft.com",
        "iss": f"https://sts.windows.net/{TID}/",
        "iat": now - 300,
        "nbf": now - 300,
        "exp": now + 3600,
        "appid": "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
        "scp": "user_impersonation",
        "tid": TID,
        "upn": "ops@contoso.example",
        "ver": "1.0",
        **extra,
    }


def test_yes_for_mfa() -> None:
    verdict = judge(foreign(user_claims(amr=["pwd", "mfa"])), time.time())
    assert verdict.verdict == YES
    assert verdict.exit_code == 0
    assert verdict.headline == "YES: the token proves MFA ('mfa' in amr); Partner Center accepts it."
    assert any("cannot be verified offline" in note for note in verdict.notes)
    assert verdict.claims["amr"] == ["pwd", "mfa"]


def test_no_for_password_only() -> None:
    verdict = judge("Bearer " + foreign(user_claims(amr=["pwd"])), time.time())
    assert verdict.verdict == NO
    assert verdict.exit_code == 1
    assert "the sign-in proved a password only (amr: pwd), not MFA" in verdict.reasons[0]


def test_ngcmfa_is_not_mfa() -> None:
    verdict = judge(foreign(user_claims(amr=["rsa", "ngcmfa"])), time.time())
    assert verdict.verdict == NO
    assert "The token has 'ngcmfa' but not 'mfa': Partner Center checks for the literal 'mfa' in amr." in verdict.notes


def test_app_only_is_not_affected() -> None:
    claims = user_claims()
    for name in ("scp", "upn"):
        claims.pop(name)
    verdict = judge(foreign({**claims, "roles": ["x"], "idtyp": "app"}), time.time())
    assert verdict.verdict == NOT_AFFECTED
    assert verdict.exit_code == 0
    assert verdict.headline == "NOT AFFECTED: an app-only token is not affected by the MFA requirement."


def test_expired_is_said_beside_the_verdict() -> None:
    verdict = judge(foreign(user_claims(amr=["pwd", "mfa"], exp=int(time.time()) - 7200)), time.time())
    assert verdict.verdict == YES
    assert verdict.expired is True
    assert any(note.startswith("The token has expired: at ") and "(120 minutes ago)" in note for note in verdict.notes)


def test_graph_audience_and_other_audiences() -> None:
    assert judge(foreign(user_claims(amr=["mfa"], aud="https://graph.windows.net")), time.time()).verdict == NO
    graph_v2 = judge(foreign(user_claims(amr=["mfa"], aud="00000003-0000-0000-c000-000000000000")), time.time())
    assert graph_v2.verdict == NO
    assert (
        graph_v2.headline
        == "NO: this token is not for Partner Center (aud '00000003-0000-0000-c000-000000000000'); Partner Center refuses it whatever it proves."
    )
    assert any("not for Partner Center" in note for note in graph_v2.notes)


@pytest.mark.parametrize("text", ["", "hello", "a.b", "a.b.c.d", "e30.e30", "!!!.###.$$$"])
def test_not_a_token(text: str) -> None:
    with pytest.raises(NotAToken):
        judge(text, time.time())


def har(*requests: tuple[str, str, dict[str, str], str | None]) -> str:
    entries = []
    for method, url, headers, body in requests:
        request: dict[str, Any] = {
            "method": method,
            "url": url,
            "headers": [{"name": k, "value": v} for k, v in headers.items()],
        }
        if body is not None:
            request["postData"] = {"mimeType": "application/x-www-form-urlencoded", "text": body}
        entries.append({"request": request, "response": {"status": 200}})
    return json.dumps({"log": {"version": "1.2", "entries": entries}})


def test_har_groups_requests_by_token() -> None:
    bad, good = foreign(user_claims(amr=["pwd"])), foreign(user_claims(amr=["pwd", "mfa"]))
    capture = har(
        (
            "POST",
            "https://login.microsoftonline.com/common/oauth2/token",
            {},
            "grant_type=password&username=a&password=Hunter2!",
        ),
        (
            "GET",
            "https://api.partnercenter.microsoft.com/v1/customers?size=10",
            {"Authorization": f"Bearer {bad}"},
            None,
        ),
        ("GET", "https://api.partnercenter.microsoft.com/v1/invoices", {"Authorization": f"Bearer {bad}"}, None),
        (
            "GET",
            "https://api.partnercenter.microsoft.com/v1/profiles/organization",
            {"authorization": f"Bearer {good}"},
            None,
        ),
        ("GET", "https://graph.microsoft.com/v1.0/me", {"Authorization": "Bearer unrelated"}, None),
    )
    verdicts = judge_har(capture, time.time())
    assert [(v.verdict, v.requests) for v in verdicts] == [
        (NO, ["GET /v1/customers", "GET /v1/invoices"]),
        (YES, ["GET /v1/profiles/organization"]),
    ]


@pytest.mark.heavy
def test_check_command(tmp_path: Path) -> None:
    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "emulator", "check", *args], capture_output=True, text=True, input=stdin
        )

    bad = foreign(user_claims(amr=["pwd"]))
    result = run(bad)
    assert result.returncode == 1
    assert result.stdout.startswith("=== NO ===\n")
    assert bad not in result.stdout
    assert run("-", stdin=foreign(user_claims(amr=["pwd", "mfa"])) + "\n").returncode == 0
    assert json.loads(run(bad, "--json").stdout)["verdict"] == "no"
    # With the emulator's state directory, its own tokens are verified.
    own = subprocess.run(
        [
            sys.executable,
            "-m",
            "emulator",
            "token",
            "--user",
            "admin@northwindpartners.onmicrosoft.com",
            "--state-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    verified = run(own, "--state-dir", str(tmp_path))
    assert verified.returncode == 0
    assert "The signature was verified: this token was issued by this emulator." in verified.stdout
    garbage = run("not-a-token")
    assert garbage.returncode == 2
    assert garbage.stderr == "pcemu: not a JWT: an access token has three parts separated by dots\n"
    capture = tmp_path / "capture.har"
    capture.write_text(
        har(
            (
                "POST",
                "https://login.microsoftonline.com/common/oauth2/token",
                {},
                "grant_type=password&username=a&password=Hunter2!&client_secret=s3cr3t",
            ),
            (
                "GET",
                "https://api.partnercenter.microsoft.com/v1/customers?size=10",
                {"Authorization": f"Bearer {bad}"},
                None,
            ),
        )
    )
    result = run("--har", str(capture))
    assert result.returncode == 1
    for secret in (bad, "Hunter2!", "s3cr3t", "size=10"):
        assert secret not in result.stdout + result.stderr
    assert "Used by 1 request(s):\n  GET /v1/customers" in result.stdout
    (tmp_path / "empty.har").write_text(har())
    assert run("--har", str(tmp_path / "empty.har")).returncode == 2
    (tmp_path / "bad.har").write_text("not json")
    assert run("--har", str(tmp_path / "bad.har")).returncode == 2
