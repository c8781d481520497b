"""The compliance report: how many app+user calls a profile would refuse, grouped by app and user, with the
reason and what to change. Pure: it reads calls (the journal's entries, or the documents of a saved journal or of
Partner Center's "API request details" export) and judges each with the same policy.decide."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from emulator.formats import iso_millis
from emulator.journal import Entry, entry_app, entry_upn
from emulator.policy import APP_ONLY, caller, decide
from emulator.profiles import PARTNER_CENTER_RESOURCE, get_profile

PASSWORD_ADVICE = (
    "The account signs in with a password (grant_type=password, ROPC), and a password sign-in can never satisfy "
    "MFA. Use the Secure Application Model: sign in once interactively with MFA (authorization code flow), keep "
    "the refresh token, and get access tokens with grant_type=refresh_token; they keep the MFA proof."
)
MFA_ADVICE = (
    "The sign-in behind these tokens did not complete MFA. Require MFA for this account (Conditional Access or "
    "per-user MFA), sign in interactively so that MFA is completed, and use the refresh token from that sign-in "
    "(the Secure Application Model)."
)
NGCMFA_ADVICE = (
    "The token shows 'ngcmfa' (Windows Hello) but Partner Center looks for the literal 'mfa' in amr: get the "
    "token from a sign-in that records 'mfa'."
)
GRAPH_ADVICE = (
    "Request tokens for https://api.partnercenter.microsoft.com (scope "
    "https://api.partnercenter.microsoft.com/user_impersonation), not for https://graph.windows.net."
)


@dataclass(frozen=True)
class Call:
    """One call as the report reads it: a Partner Center call (with the claims it was judged on) or a sign-in."""

    kind: str  # "partner" or "token"
    status: int
    app_id: str
    app_name: str | None
    upn: str | None
    object_id: str | None
    when: str | None
    claims: Mapping[str, Any] | None = None  # Partner Center calls: what policy.decide reads
    enforce_header: str | None = None
    grant: str | None = None  # sign-ins: the grant type
    detail_reason: str | None = None  # API request details: why, in the export's own terms


def calls_from_journal(entries: Iterable[Entry], app_names: Mapping[str, str]) -> list[Call]:
    """The journal's entries as calls (a Partner Center call without an acceptable token has no claims)."""
    calls = []
    for entry in entries:
        app = entry_app(entry) or ""
        calls.append(
            Call(
                kind=entry.kind,
                status=entry.status,
                app_id=app,
                app_name=app_names.get(app.lower()),
                upn=entry_upn(entry),
                object_id=caller(entry.claims).object_id if entry.claims is not None else None,
                when=iso_millis(entry.time),
                claims=entry.claims,
                enforce_header=entry.enforce_header,
                grant=entry.grant,
            )
        )
    return calls


class NotAJournal(Exception):
    """The input is not a saved journal or export; the message says what was expected, in one line."""


EXPECTED = (
    "expected a saved GET /_emulator/journal answer, a JSON list of its entries, or JSON lines of its entries or "
    "of GET /_emulator/journal/export"
)


def read_documents(text: str) -> list[Call]:
    """The calls of a saved journal or export, each document checked; NotAJournal for anything else."""
    stripped = text.strip()
    try:
        if stripped.startswith("{") and "\n{" not in stripped:
            data = json.loads(stripped)
            if isinstance(data, dict) and "entries" in data:
                data = data["entries"]
                if not isinstance(data, list):
                    raise NotAJournal(f"'entries' is not a list: {EXPECTED}")
            else:
                data = [data]
        elif stripped.startswith("["):
            data = json.loads(stripped)
        else:
            data = [json.loads(line) for line in stripped.splitlines() if line.strip()]
    except (ValueError, RecursionError) as exc:
        raise NotAJournal(f"not JSON ({exc}): {EXPECTED}") from None
    if not isinstance(data, list):
        raise NotAJournal(EXPECTED)
    for index, doc in enumerate(data):
        if not _is_entry(doc) and not _is_request_detail(doc):
            shown = json.dumps(doc)[:80]
            raise NotAJournal(
                f"document {index + 1} ({shown}) is neither a journal entry nor an export line: {EXPECTED}"
            )
    return calls_from_documents(data)


def _is_entry(doc: Any) -> bool:
    return (
        isinstance(doc, dict)
        and doc.get("kind") in ("partner", "token")
        and isinstance(doc.get("status"), int)
        and isinstance(doc.get("method"), str)
        and isinstance(doc.get("path"), str)
        and (doc.get("token") is None or isinstance(doc.get("token"), dict))
    )


def _is_request_detail(doc: Any) -> bool:
    return (
        isinstance(doc, dict)
        and isinstance(doc.get("mfaCompliant"), bool)
        and isinstance(doc.get("requestId"), str)
        and isinstance(doc.get("operationName"), str)
    )


def calls_from_documents(documents: Iterable[Mapping[str, Any]]) -> list[Call]:
    """Journal documents (GET /_emulator/journal, its export) or Partner Center's "API request details"."""
    calls = []
    for doc in documents:
        if "mfaCompliant" in doc:
            # API request details: app+user calls that Partner Center accepted (so for its audience), without
            # claims or headers. Judged on what they carry; a 2019 pilot header is taken as not sent.
            compliant = bool(doc.get("mfaCompliant"))
            claims: dict[str, Any] = {
                "aud": PARTNER_CENTER_RESOURCE,
                "scp": "user_impersonation",
                "tid": doc.get("tenantId") or "",
                "appid": doc.get("applicationId") or "",
            }
            if compliant:
                claims["amr"] = ["mfa"]
            calls.append(
                Call(
                    kind="partner",
                    status=200,
                    app_id=str(doc.get("applicationId") or ""),
                    app_name=None,
                    upn=doc.get("upn"),
                    object_id=doc.get("objectId"),
                    when=doc.get("requestDateTime"),
                    claims=claims,
                    detail_reason=None
                    if compliant
                    else f"The call by {doc.get('upn')} did not prove MFA (mfaCompliant: false).",
                )
            )
            continue
        app = doc.get("app") or {}
        found = doc.get("user")
        user: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
        token = doc.get("token")
        calls.append(
            Call(
                kind=str(doc.get("kind")),
                status=int(doc.get("status") or 0),
                app_id=str(app.get("id") or ""),
                app_name=app.get("name"),
                upn=user.get("upn"),
                object_id=user.get("objectId"),
                when=doc.get("time"),
                claims=token if isinstance(token, Mapping) else None,
                enforce_header=doc.get("enforceMfaHeader"),
                grant=doc.get("grant"),
            )
        )
    return calls


@dataclass
class Group:
    app_id: str
    app_name: str | None
    upn: str | None
    object_id: str | None
    calls: int = 0
    refused: int = 0
    rules: dict[str, int] = field(default_factory=dict)
    reason: str | None = None
    amr: Any = None
    last_seen: str | None = None
    password_sign_ins: int = 0


def _advice(group: Group) -> str | None:
    if not group.refused:
        return None
    if "graph-audience" in group.rules or "wrong-audience" in group.rules:
        return GRAPH_ADVICE
    amr = group.amr if isinstance(group.amr, list) else []
    if "ngcmfa" in amr:
        return NGCMFA_ADVICE
    if group.password_sign_ins:
        return PASSWORD_ADVICE
    return MFA_ADVICE


def build(calls: Iterable[Call], profile_name: str = "enforced-2026") -> dict[str, Any]:
    """The report for `profile_name`. Every call is judged by policy.decide: a call the profile would refuse
    counts as refused whoever makes it (an app-only token for the wrong audience too)."""
    profile = get_profile(profile_name)
    groups: dict[tuple[str, str], Group] = {}
    password: dict[tuple[str, str], int] = {}
    partner = app_only = app_user = refused = 0
    for call in calls:
        partner += call.kind == "partner"
        if call.kind == "token":
            if call.grant == "password" and call.status == 200:
                key = (call.app_id.lower(), (call.upn or "").lower())
                password[key] = password.get(key, 0) + 1
            continue
        if call.claims is None:
            continue
        decision = decide(call.claims, call.enforce_header, profile)
        if decision.principal == APP_ONLY and not decision.would_refuse:
            app_only += 1
            continue
        app_user += 1
        who = (call.upn or call.object_id or ("app-only" if decision.principal == APP_ONLY else "")).lower()
        group = groups.setdefault(
            (call.app_id.lower(), who), Group(call.app_id, call.app_name, call.upn, call.object_id)
        )
        group.calls += 1
        group.last_seen = call.when or group.last_seen
        if decision.would_refuse:
            refused += 1
            group.refused += 1
            group.rules[decision.rule] = group.rules.get(decision.rule, 0) + 1
            group.reason = decision.reason if call.detail_reason is None else call.detail_reason
            group.amr = call.claims.get("amr")
    for (app, user), group in groups.items():
        group.password_sign_ins = password.get((app, user), 0)
    ordered = sorted(groups.values(), key=lambda g: (-g.refused, g.app_id, g.upn or ""))
    return {
        "profile": profile.name,
        "compliant": refused == 0,
        # Partner Center calls recorded, with or without a usable token: none means the client never called.
        "partnerCalls": partner,
        "appUserCalls": app_user,
        "wouldBeRefused": refused,
        "appOnlyCalls": app_only,
        "summary": (
            f"{refused} of {app_user} app+user calls would be refused under {profile.name}"
            if app_user
            else f"no app+user calls recorded; nothing would be refused under {profile.name}"
        ),
        "groups": [
            {
                "app": {"id": g.app_id, "name": g.app_name},
                "user": {"upn": g.upn, "objectId": g.object_id},
                "calls": g.calls,
                "wouldBeRefused": g.refused,
                "rules": g.rules,
                "reason": g.reason,
                "passwordSignIns": g.password_sign_ins,
                "advice": _advice(g),
                "lastSeen": g.last_seen,
            }
            for g in ordered
        ],
    }


NOTHING_RECORDED = (
    "NOTHING RECORDED: no Partner Center call was recorded, so there is nothing to judge. Did the client run, "
    "and against this emulator? (pcemu report --allow-empty accepts an empty journal.)"
)


def as_text(report: Mapping[str, Any]) -> str:
    lines = [f"Partner Center MFA report (profile {report['profile']})", ""]
    if not report.get("partnerCalls", 1):
        lines.append(NOTHING_RECORDED)
    elif report["compliant"]:
        lines.append(f"YES: {report['summary']}.")
    else:
        lines.append(f"NO: {report['summary']}.")
    for group in report["groups"]:
        app = group["app"]
        who = group["user"]["upn"] or group["user"]["objectId"] or "an unknown user"
        name = f"{app['name']} ({app['id']})" if app.get("name") else app["id"]
        lines.append("")
        lines.append(f"  {name} as {who}: {group['wouldBeRefused']} of {group['calls']} calls would be refused")
        if group["wouldBeRefused"]:
            lines.append(f"    Why: {group['reason']}")
            if group["passwordSignIns"]:
                lines.append(f"    Seen: {group['passwordSignIns']} password sign-ins (ROPC) by this app and user.")
            lines.append(f"    Fix: {group['advice']}")
    lines.append("")
    lines.append(f"App-only calls (not affected by the MFA requirement): {report['appOnlyCalls']}")
    return "\n".join(lines)
