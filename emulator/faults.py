"""Fault rules: deterministic answers on demand (throttling, errors, latency, dropped connections).

A rule matches by method, path pattern, client app and user; it acts on the first N matches, on every Nth, and/or
inside a time window of the emulator's clock. Each rule counts its matches and the times it acted.
"""

from __future__ import annotations

import fnmatch
import itertools
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

DROP = "pcemu.drop"  # key of http.response.start that makes our uvicorn protocol close the connection instead
FAULT_HEADER = b"x-pcemu-fault"  # on answers a fault rule made: the rule's id


class FaultError(ValueError):
    """A rule is malformed; the message names the field."""


@dataclass
class FaultRule:
    id: str
    method: str | None = None
    path: str | None = None  # a glob: /v1/customers*, /*/oauth2/v2.0/token
    app: str | None = None  # client id (or display name)
    user: str | None = None  # UPN
    first: int | None = None
    every: int | None = None
    window: tuple[float, float] | None = None  # [from, until) on the emulator's clock, epoch seconds
    status: int | None = None
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    retry_after: int | None = None
    latency_ms: int = 0
    jitter_ms: int = 0
    drop: bool = False
    scenario: str | None = None
    matches: int = 0
    hits: int = 0

    def as_dict(self) -> dict[str, Any]:
        """The rule as the control API shows it: the field names in camelCase, the window as a list."""
        shown = {_camel(f.name): getattr(self, f.name) for f in fields(self)}
        shown["window"] = list(self.window) if self.window else None
        return shown


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _opt_str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise FaultError(f"{key}: expected a non-empty string")
    return value


def _opt_int(data: Mapping[str, Any], key: str, low: int, high: int) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise FaultError(f"{key}: expected a whole number from {low} to {high}")
    return value


def parse_rule(data: Any, rule_id: str, now: float, scenario: str | None = None) -> FaultRule:
    """A rule from its JSON form (control API, scenario files); FaultError names what is wrong."""
    if not isinstance(data, Mapping):
        raise FaultError("a fault rule is a JSON object")
    known = {
        "method",
        "path",
        "app",
        "user",
        "first",
        "every",
        "window",
        "status",
        "body",
        "headers",
        "retryAfter",
        "latencyMs",
        "jitterMs",
        "drop",
    }
    unknown = sorted(set(data) - known)
    if unknown:
        raise FaultError(f"{unknown[0]}: unknown field; known: {', '.join(sorted(known))}")
    window = None
    raw_window = data.get("window")
    if raw_window is not None:
        if not isinstance(raw_window, Mapping):
            raise FaultError('window: expected {"fromSeconds": n, "forSeconds": n} relative to now')
        start = raw_window.get("fromSeconds", 0)
        length = raw_window.get("forSeconds")
        if isinstance(start, bool) or not isinstance(start, int | float):
            raise FaultError("window.fromSeconds: expected a number of seconds from now")
        if isinstance(length, bool) or not isinstance(length, int | float) or length <= 0:
            raise FaultError("window.forSeconds: expected a positive number of seconds")
        window = (now + start, now + start + length)
    headers = data.get("headers") or {}
    if not isinstance(headers, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
    ):
        raise FaultError("headers: expected an object of strings")
    drop = data.get("drop", False)
    if not isinstance(drop, bool):
        raise FaultError("drop: expected true or false")
    rule = FaultRule(
        id=rule_id,
        method=(_opt_str(data, "method") or "").upper() or None,
        path=_opt_str(data, "path"),
        app=_opt_str(data, "app"),
        user=_opt_str(data, "user"),
        first=_opt_int(data, "first", 1, 10**9),
        every=_opt_int(data, "every", 1, 10**9),
        window=window,
        status=_opt_int(data, "status", 100, 599),
        body=data.get("body"),
        headers=dict(headers),
        retry_after=_opt_int(data, "retryAfter", 0, 86400),
        latency_ms=_opt_int(data, "latencyMs", 0, 120_000) or 0,
        jitter_ms=_opt_int(data, "jitterMs", 0, 120_000) or 0,
        drop=drop,
        scenario=scenario,
    )
    if rule.status is None and not rule.drop and not rule.latency_ms:
        raise FaultError("status, drop or latencyMs: a rule must answer, drop or delay")
    return rule


class Faults:
    """The active rules, in the order they were added; the first rule that acts decides the answer."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def __bool__(self) -> bool:
        return bool(self._rules)

    def add(self, data: Any, now: float, scenario: str | None = None) -> FaultRule:
        rule = parse_rule(data, f"f{next(self._ids)}", now, scenario)
        with self._lock:
            self._rules.append(rule)
        return rule

    def remove(self, rule_id: str) -> bool:
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if r.id != rule_id]
            return len(self._rules) != before

    def remove_scenario(self, scenario: str) -> None:
        with self._lock:
            self._rules = [r for r in self._rules if r.scenario != scenario]

    def clear(self) -> None:
        with self._lock:
            self._rules = []

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def match(
        self, method: str, path: str, app: str | None, app_name: str | None, user: str | None, now: float
    ) -> FaultRule | None:
        """Count the matches of every rule and return the first that acts on this call (None: answer normally)."""
        acting = None
        with self._lock:
            for rule in self._rules:
                if rule.method and rule.method != method.upper():
                    continue
                if rule.path and not fnmatch.fnmatchcase(path, rule.path):
                    continue
                if rule.app and rule.app.lower() not in ((app or "").lower(), (app_name or "").lower()):
                    continue
                if rule.user and rule.user.lower() != (user or "").lower():
                    continue
                if rule.window and not rule.window[0] <= now < rule.window[1]:
                    continue
                rule.matches += 1
                acts = True
                if rule.first is not None or rule.every is not None:
                    acts = (rule.first is not None and rule.matches <= rule.first) or (
                        rule.every is not None and rule.matches % rule.every == 0
                    )
                if acts and acting is None:
                    rule.hits += 1
                    acting = rule
        return acting


# --- answering -------------------------------------------------------------------------------------------------


def default_partner_body(rule: FaultRule) -> Any:
    status = rule.status or 500
    if status == 429:
        # As documented (api-throttling-guidance.md): the gateway's shape, with Retry-After.
        return {"statusCode": 429, "message": f"Rate limit is exceeded. Try again in {retry_after(rule)} seconds."}
    if status >= 500:
        return {
            "code": 800003,
            "description": f"Unexpected service error (fault rule {rule.id})",
            "data": [],
            "source": "PartnerFD",
        }
    return {
        "code": 800002,
        "description": f"Invalid request input (fault rule {rule.id})",
        "data": [],
        "source": "PartnerFD",
    }


def retry_after(rule: FaultRule) -> int:
    return rule.retry_after if rule.retry_after is not None else 57


def headers_for(rule: FaultRule) -> dict[str, str]:
    headers = dict(rule.headers)
    headers[FAULT_HEADER.decode()] = rule.id
    if (rule.status or 0) in (429, 503) and not any(k.lower() == "retry-after" for k in headers):
        headers["Retry-After"] = str(retry_after(rule))
    return headers
