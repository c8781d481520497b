"""The compliance report: how many app+user calls a profile would refuse, grouped by app and user, with the
reason and what to change. Pure: it reads journal documents (GET /_emulator/journal, or a file of them) or
Partner Center's "API request details" export, and judges with the same policy.decide."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from emulator.policy import decide
from emulator.profiles import get_profile

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
    if "graph-audience" in group.rules:
        return GRAPH_ADVICE
    amr = group.amr if isinstance(group.amr, list) else []
    if "ngcmfa" in amr:
        return NGCMFA_ADVICE
    if group.password_sign_ins:
        return PASSWORD_ADVICE
    return MFA_ADVICE


def build(entries: Iterable[Mapping[str, Any]], profile_name: str = "enforced-2026") -> dict[str, Any]:
    """The report for `profile_name` from journal documents or "API request details" documents."""
    profile = get_profile(profile_name)
    groups: dict[tuple[str, str], Group] = {}
    password: dict[tuple[str, str], int] = {}
    app_only = app_user = refused = 0
    for doc in entries:
        if doc.get("kind") == "token":
            if doc.get("grant") == "password" and doc.get("status") == 200:
                user = (doc.get("user") or {}).get("upn") or ""
                app = (doc.get("app") or {}).get("id") or ""
                key = (app.lower(), user.lower())
                password[key] = password.get(key, 0) + 1
            continue
        judged = _judge(doc, profile)
        if judged is None:
            continue
        principal, would_refuse, rule, reason = judged
        if principal == "app-only":
            app_only += 1
            continue
        app_user += 1
        app_id, app_name, upn, oid, amr, when = _who(doc)
        group = groups.setdefault((app_id.lower(), (upn or oid or "").lower()), Group(app_id, app_name, upn, oid))
        group.calls += 1
        group.last_seen = when or group.last_seen
        if would_refuse:
            refused += 1
            group.refused += 1
            group.rules[rule] = group.rules.get(rule, 0) + 1
            group.reason, group.amr = reason, amr
    for (app, user), group in groups.items():
        group.password_sign_ins = password.get((app, user), 0)
    ordered = sorted(groups.values(), key=lambda g: (-g.refused, g.app_id, g.upn or ""))
    return {
        "profile": profile.name,
        "compliant": refused == 0,
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


def _judge(doc: Mapping[str, Any], profile: Any) -> tuple[str, bool, str, str] | None:
    token = doc.get("token")
    if isinstance(token, Mapping):
        decision = decide(token, doc.get("enforceMfaHeader"), profile)
        return decision.principal, decision.would_refuse, decision.rule, decision.reason
    if "mfaCompliant" in doc:
        # Partner Center's API request details: app+user calls, no claims, no headers. Judge what they do carry
        # (tenant, app, MFA or not) with the same policy; a 2019 pilot header is taken as not sent.
        compliant = bool(doc.get("mfaCompliant"))
        claims = {
            "scp": "user_impersonation",
            "tid": doc.get("tenantId") or "",
            "appid": doc.get("applicationId") or "",
        }
        if compliant:
            claims["amr"] = ["mfa"]
        decision = decide(claims, None, profile)
        reason = "" if compliant else f"The call by {doc.get('upn')} did not prove MFA (mfaCompliant: false)."
        return decision.principal, decision.would_refuse, decision.rule, reason
    return None


def _who(doc: Mapping[str, Any]) -> tuple[str, str | None, str | None, str | None, Any, str | None]:
    if "mfaCompliant" in doc:
        return (
            str(doc.get("applicationId") or ""),
            None,
            doc.get("upn"),
            doc.get("objectId"),
            None,
            doc.get("requestDateTime"),
        )
    app = doc.get("app") or {}
    found = doc.get("user")
    user: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    return (
        str(app.get("id") or ""),
        app.get("name"),
        user.get("upn"),
        user.get("objectId"),
        doc.get("amr"),
        doc.get("time"),
    )


def as_text(report: Mapping[str, Any]) -> str:
    lines = [f"Partner Center MFA report (profile {report['profile']})", ""]
    if report["compliant"]:
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
