"""Judge any access token, including one captured from a real tenant: YES, NO, or not affected, and why.

Pure: decode the claims (a foreign token's signature cannot be verified offline), take policy.verdict_today (the
verdict every part of the emulator shows) and say what matters in plain words. Never returns or prints the token.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from emulator.policy import APP_ONLY, COMPLIANT, verdict_today
from emulator.profiles import ACCEPTED_AUDIENCES
from emulator.verify import InvalidToken, decode_unverified

PARTNER_CENTER_HOSTS = (
    "api.partnercenter.microsoft.com",
    "api.partnercenter.microsoft-ppe.com",
    "partner.partnercenterapi.microsoftonline.cn",
)
YES, NO, NOT_AFFECTED = "yes", "no", "not-affected"
SHOWN_CLAIMS = (
    "aud",
    "iss",
    "appid",
    "azp",
    "app_displayname",
    "upn",
    "unique_name",
    "oid",
    "tid",
    "amr",
    "scp",
    "roles",
    "idtyp",
    "ver",
)


class NotAToken(Exception):
    """The input is not a JWT; the message says why in one line."""


@dataclass
class Verdict:
    verdict: str  # yes, no, not-affected
    headline: str
    reasons: list[str]
    notes: list[str]
    claims: dict[str, Any]
    expires: str | None
    expired: bool
    fingerprint: str
    requests: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.verdict == NO else 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def fingerprint(token: str) -> str:
    """A short name for a token that does not reveal it."""
    return "sha256:" + hashlib.sha256(token.encode()).hexdigest()[:12]


def judge(token: str, now: float, *, signed_by_emulator: bool | None = None) -> Verdict:
    token = token.strip()
    if token.lower().startswith("bearer "):
        token = token[7:].strip()
    if token.count(".") != 2:
        raise NotAToken("not a JWT: an access token has three parts separated by dots")
    try:
        _, claims = decode_unverified(token)
    except InvalidToken as exc:
        raise NotAToken(f"not a JWT: {exc}") from None
    today, decision = verdict_today(claims)
    shown = {name: claims[name] for name in SHOWN_CLAIMS if name in claims}
    notes: list[str] = []
    if signed_by_emulator is True:
        notes.append("The signature was verified: this token was issued by this emulator.")
    else:
        notes.append(
            "The signature of a token from a real tenant cannot be verified offline: this verdict is about its "
            "claims (what Partner Center reads after it has verified the signature)."
        )
    amr = claims.get("amr")
    if isinstance(amr, list) and "ngcmfa" in amr and "mfa" not in amr:
        notes.append("The token has 'ngcmfa' but not 'mfa': Partner Center checks for the literal 'mfa' in amr.")
    if "amr" not in claims and claims.get("ver") == "2.0":
        notes.append("v2 access tokens carry no amr claim; Partner Center's tokens are v1 (ask for its resource).")
    aud = claims.get("aud")
    if aud not in ACCEPTED_AUDIENCES:
        notes.append(f"The token is for {aud!r}, not for Partner Center: Partner Center refuses it for its audience.")
    exp = claims.get("exp")
    expires = None
    expired = False
    if isinstance(exp, int | float) and not isinstance(exp, bool):
        moment = datetime.fromtimestamp(exp).astimezone()
        expires = moment.strftime("%Y-%m-%d %H:%M:%S %Z")
        if exp < now:
            expired = True
            minutes = int((now - exp) // 60)
            notes.append(f"The token has expired: at {expires} ({minutes} minutes ago).")
    if today == APP_ONLY:
        verdict = NOT_AFFECTED
        headline = "NOT AFFECTED: an app-only token is not affected by the MFA requirement."
    elif today == COMPLIANT:
        verdict, headline = YES, "YES: the token proves MFA ('mfa' in amr); Partner Center accepts it."
    elif decision.rule == "graph-audience":
        verdict, headline = NO, "NO: Partner Center refuses tokens for https://graph.windows.net (900420)."
    elif decision.rule == "wrong-audience":
        verdict = NO
        headline = (
            f"NO: this token is not for Partner Center (aud {aud!r}); Partner Center refuses it whatever it proves."
        )
    else:
        verdict, headline = NO, "NO: Partner Center refuses this app+user token: it does not prove MFA."
    return Verdict(verdict, headline, [decision.reason], notes, shown, expires, expired, fingerprint(token))


def judge_har(text: str, now: float) -> list[Verdict]:
    """Each distinct bearer token sent to a Partner Center host in a HAR capture, judged once, with its requests."""
    try:
        har = json.loads(text)
        entries = har["log"]["entries"]
    except (ValueError, KeyError, TypeError):
        raise NotAToken("not a HAR capture: expected JSON with log.entries") from None
    if not isinstance(entries, list):
        raise NotAToken("not a HAR capture: log.entries is not a list")
    tokens: dict[str, list[str]] = {}
    for entry in entries:
        request = entry.get("request") if isinstance(entry, Mapping) else None
        if not isinstance(request, Mapping):
            continue
        url = str(request.get("url", ""))
        parts = urlsplit(url)
        if (parts.hostname or "").lower() not in PARTNER_CENTER_HOSTS:
            continue
        for header in request.get("headers") or []:
            if not isinstance(header, Mapping) or str(header.get("name", "")).lower() != "authorization":
                continue
            value = str(header.get("value", ""))
            if value.lower().startswith("bearer "):
                # The path only: a query string may hold something that should not be printed again.
                tokens.setdefault(value[7:].strip(), []).append(f"{request.get('method', 'GET')} {parts.path}")
    if not tokens:
        raise NotAToken("the capture has no request to Partner Center with a bearer token")
    verdicts = []
    for token, requests in tokens.items():
        try:
            verdict = judge(token, now)
        except NotAToken as exc:
            verdict = Verdict(NO, f"NO: {exc}", [], [], {}, None, False, fingerprint(token))
        verdict.requests = requests
        verdicts.append(verdict)
    return verdicts


def as_text(verdict: Verdict) -> str:
    banner = {YES: "YES", NO: "NO", NOT_AFFECTED: "NOT AFFECTED"}[verdict.verdict]
    lines = [f"=== {banner} ===", verdict.headline, ""]
    lines += [f"Why: {reason}" for reason in verdict.reasons if reason]
    lines += [f"Note: {note}" for note in verdict.notes]
    lines.append("")
    for name, value in verdict.claims.items():
        mark = "  <== Partner Center checks this" if name == "amr" else ""
        lines.append(f"  {name:<16} {json.dumps(value)}{mark}")
    if verdict.expires:
        lines.append(f"  {'exp':<16} {verdict.expires}{' (expired)' if verdict.expired else ''}")
    lines.append(f"  {'token':<16} {verdict.fingerprint} (the token itself is not shown)")
    if verdict.requests:
        lines.append("")
        lines.append(f"Used by {len(verdict.requests)} request(s):")
        lines += [f"  {request}" for request in verdict.requests[:20]]
        if len(verdict.requests) > 20:
            lines.append(f"  … and {len(verdict.requests) - 20} more")
    return "\n".join(lines)
