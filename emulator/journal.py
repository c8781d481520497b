"""The journal: what each call was, and what every enforcement profile decides about it.

The hot path stores only the decision's inputs (the verified claims it already holds, the MS-Enforce-MFA header,
the status); the profiles are judged when the journal is read, by the same policy.decide as the gate. Nothing
secret is kept: no token, no password, no client secret, no refresh token.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from emulator.formats import iso_millis, login_date, request_date_time
from emulator.policy import caller, decide, has_mfa, is_app_user, verdict_today
from emulator.profiles import PROFILES, get_profile

DEFAULT_SIZE = 10_000
ENFORCED_2026 = "enforced-2026"
# The claims the policy reads, and the ones a person needs to recognise the caller; the rest is never copied.
POLICY_CLAIMS = ("aud", "scp", "amr", "tid", "appid", "azp", "upn", "unique_name", "oid", "idtyp", "roles")


@dataclass(slots=True)
class Entry:
    """One recorded call. Built with keywords, except on the Partner Center gate's path, in field order: a class
    called with keywords gets them as a dict, which cost every call 1.3 µs. `seq` is given by the journal when
    it records the entry."""

    time: float
    kind: str  # "partner" (a Partner Center call) or "token" (a token endpoint call)
    method: str
    path: str
    status: int
    profile: str  # the profile active at the time
    rollout_percent: int
    seq: int = 0
    route: str | None = None  # Partner Center calls: the operation's route template, as the router matched it
    request_id: str | None = None
    correlation_id: str | None = None
    ip: str | None = None
    claims: Mapping[str, Any] | None = None  # verified claims of a Partner Center call (None: no acceptable token)
    enforce_header: str | None = None
    problem: str | None = None  # why the token was not accepted, or the AADSTS error of a token call
    grant: str | None = None  # token calls: the grant type
    client_id: str | None = None  # token calls: the client
    upn: str | None = None  # token calls: the user signing in
    amr: tuple[str, ...] | None = None  # token calls: what the issued token proves


class Journal:
    """Bounded in memory: the oldest entries are dropped first, and counted."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._entries: deque[Entry] = deque(maxlen=size)
        self._lock = threading.Lock()
        self.recorded = 0

    @property
    def dropped(self) -> int:
        return self.recorded - len(self._entries)

    def next_seq(self) -> int:
        return self.recorded + 1

    def record(self, entry: Entry) -> None:
        with self._lock:
            self.recorded += 1
            entry.seq = self.recorded
            self._entries.append(entry)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.recorded = 0

    def entries(self) -> list[Entry]:
        with self._lock:
            return list(self._entries)


# --- reading -------------------------------------------------------------------------------------------------


def policy_claims(claims: Mapping[str, Any]) -> dict[str, Any]:
    return {name: claims[name] for name in POLICY_CLAIMS if name in claims}


def entry_app(entry: Entry) -> str | None:
    return caller(entry.claims).app_id if entry.claims is not None else entry.client_id


def entry_upn(entry: Entry) -> str | None:
    return caller(entry.claims).upn if entry.claims is not None else entry.upn


def judge(entry: Entry, profile_name: str, rollout_percent: int | None = None) -> dict[str, Any] | None:
    """What `profile_name` decides about a Partner Center call (None for token calls and unusable tokens)."""
    if entry.kind != "partner" or entry.claims is None:
        return None
    decision = decide(entry.claims, entry.enforce_header, get_profile(profile_name, rollout_percent))
    return {
        "allowed": decision.allowed,
        "wouldRefuse": decision.would_refuse,
        "compliant": decision.compliant,
        "rule": decision.rule,
        "reason": decision.reason,
    }


def render(entry: Entry, app_names: Mapping[str, str]) -> dict[str, Any]:
    app = entry_app(entry)
    doc: dict[str, Any] = {
        "seq": entry.seq,
        "time": iso_millis(entry.time),
        "kind": entry.kind,
        "method": entry.method,
        "path": entry.path,
        "requestId": entry.request_id,
        "correlationId": entry.correlation_id,
        "ipAddress": entry.ip,
        "status": entry.status,
        "app": {"id": app, "name": app_names.get((app or "").lower())} if app else None,
    }
    if entry.kind == "partner":
        claims = entry.claims
        if claims is None:
            doc["principal"] = None
            doc["problem"] = entry.problem
        else:
            who = caller(claims)
            doc["principal"] = who.principal
            doc["user"] = {"upn": who.upn, "objectId": who.object_id} if who.app_user else "app-only"
            doc["amr"] = claims.get("amr")
            doc["token"] = policy_claims(claims)
            doc["enforceMfaHeader"] = entry.enforce_header
            active = judge(entry, entry.profile, entry.rollout_percent)
            doc["decision"] = {"profile": entry.profile, **(active or {})}
            doc["profiles"] = {name: judge(entry, name, entry.rollout_percent) for name in PROFILES}
    else:
        doc["grant"] = entry.grant
        doc["user"] = {"upn": entry.upn} if entry.upn else None
        doc["amr"] = list(entry.amr) if entry.amr is not None else None
        doc["error"] = entry.problem
    return doc


def verdict_of(entry: Entry) -> str:
    """policy.verdict_today's compliant, non-compliant or app-only; invalid-token, or token (a sign-in)."""
    if entry.kind != "partner":
        return "token"
    if entry.claims is None:
        return "invalid-token"
    return verdict_today(entry.claims, entry.enforce_header)[0]


def select(
    entries: Iterable[Entry],
    app_names: Mapping[str, str],
    *,
    app: str | None = None,
    user: str | None = None,
    verdict: str | None = None,
    kind: str | None = None,
) -> list[Entry]:
    """Filter: app by id or name, user by UPN (substring, any case), verdict as verdict_of() or 'refused'."""
    result = []
    for entry in entries:
        if kind and entry.kind != kind:
            continue
        if app:
            app_id = (entry_app(entry) or "").lower()
            name = app_names.get(app_id, "").lower()
            if app.lower() not in app_id and app.lower() not in name:
                continue
        if user and user.lower() not in (entry_upn(entry) or "").lower():
            continue
        if verdict:
            if verdict == "refused":
                if entry.status < 400:
                    continue
            elif verdict_of(entry) != verdict:
                continue
        result.append(entry)
    return result


# --- Partner Center's own reporting shapes ------------------------------------------------------------------


def app_user_calls(entries: Iterable[Entry]) -> list[Entry]:
    return [e for e in entries if e.kind == "partner" and e.claims is not None and is_app_user(e.claims)]


def request_details(entries: Iterable[Entry]) -> list[dict[str, Any]]:
    """Partner Center's "API request details" resource, one per app+user call (get-api-request-details)."""
    result = []
    for entry in app_user_calls(entries):
        claims = entry.claims or {}
        who = caller(claims)
        # The route with its parameters' names; a path that no route serves, as sent.
        operation = entry.route or entry.path.replace("/v1/", "/v{version}/", 1)
        result.append(
            {
                "requestId": entry.request_id or "",
                "correlationId": entry.correlation_id or "",
                "operationName": f"{entry.method.title()} {operation}",
                "requestDateTime": request_date_time(entry.time),
                "sourceIpAddress": entry.ip or "",
                "objectId": claims.get("oid"),
                "tenantId": claims.get("tid"),
                "upn": who.upn,
                "applicationId": who.app_id,
                # Partner Center's field: did the call prove MFA (the audience is another matter).
                "mfaCompliant": has_mfa(claims),
            }
        )
    return result


def non_mfa_principals(entries: Iterable[Entry]) -> list[dict[str, Any]]:
    """Who made app+user calls without MFA, and when last (nonMfaCompliantPartnerPrincipals)."""
    latest: dict[tuple[str, str], tuple[float, Mapping[str, Any]]] = {}
    for entry in app_user_calls(entries):
        claims = entry.claims or {}
        if has_mfa(claims):
            continue
        key = (str(claims.get("oid")), str(claims.get("tid")))
        if key not in latest or entry.time >= latest[key][0]:
            latest[key] = (entry.time, claims)
    return [
        {
            "objectId": claims.get("oid"),
            "tenantId": claims.get("tid"),
            "upn": caller(claims).upn,
            "lastNonMfaCompliantRequestDateTime": request_date_time(when),
        }
        for when, claims in sorted(latest.values(), key=lambda item: item[0])
    ]


def adoption_status(entries: Iterable[Entry], app_names: Mapping[str, str]) -> list[dict[str, Any]]:
    """App+user calls per application and day, and how many proved MFA (applicationmfaadoptionstatus)."""
    counts: dict[tuple[str, str], list[int]] = {}
    for entry in app_user_calls(entries):
        claims = entry.claims or {}
        day = login_date(entry.time)
        app = caller(claims).app_id or ""
        bucket = counts.setdefault((day, app), [0, 0])
        bucket[0] += 1 if has_mfa(claims) else 0
        bucket[1] += 1
    return [
        {
            "loginDate": day,
            "mfaCompliantRequestCount": compliant,
            "totalRequestCount": total,
            "applicationId": app,
            "applicationName": app_names.get(app.lower(), ""),
        }
        for (day, app), (compliant, total) in sorted(counts.items())
    ]
