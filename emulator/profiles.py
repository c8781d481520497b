"""Enforcement eras as data: what each profile checks and the exact wire shape of each refusal.

Adding an era is adding a Profile here, not a branch in the gate.
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass
from typing import Any

WWW_AUTHENTICATE_INVALID_TOKEN = ("WWW-Authenticate", 'Bearer error="invalid_token"')
# Partner Center's Application Insights header, as in every captured response (facts sheet §3, §4).
REQUEST_CONTEXT = ("Request-Context", "appId=cid-v1:03ce8ca8-8373-4021-8f25-d5dd45c7b12f")

PARTNER_CENTER_RESOURCE = "https://api.partnercenter.microsoft.com"
PARTNER_CENTER_APP_ID = "fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd"
GRAPH_AUDIENCE = "https://graph.windows.net"
# What a Partner Center call's `aud` may be: the resource URI, its app id (v1 `aud` may be either), and the
# retired Azure AD Graph audience, which the 2019 service accepted and the 2026 profiles refuse (900420).
ACCEPTED_AUDIENCES = frozenset({PARTNER_CENTER_RESOURCE, PARTNER_CENTER_APP_ID, GRAPH_AUDIENCE})


@dataclass(frozen=True)
class Refusal:
    """One refusal on the wire. `reason` replaces the status line's reason phrase; `body` None = empty body."""

    status: int
    reason: str | None
    headers: tuple[tuple[str, str], ...]
    body: dict[str, Any] | None


# The 2019 capture (facts sheet §3, MFA-DOC): reason phrase "Unauthorized - MFA required", chunked, no body.
MFA_REQUIRED_2019 = Refusal(
    status=401,
    reason="Unauthorized - MFA required",
    headers=(WWW_AUTHENTICATE_INVALID_TOKEN,),
    body=None,
)

# 2026: HTTP 401 with error code 900421 (confirmed); the body's text and `source` are inferred.
MFA_REQUIRED_2026 = Refusal(
    status=401,
    reason=None,
    headers=(WWW_AUTHENTICATE_INVALID_TOKEN,),
    body={
        "code": "900421",
        "description": "Multi-factor authentication (MFA) is required for this request. The access token "
        "does not prove MFA: its 'amr' claim has no 'mfa'. Sign in with MFA and use that token.",
        "data": [],
        "source": "PartnerFD",
    },
)

# 900420 text confirmed by Partner-Center-DotNet-Samples#140 (2025-11); `data` and `source` inferred.
GRAPH_AUDIENCE_REFUSED = Refusal(
    status=401,
    reason=None,
    headers=(WWW_AUTHENTICATE_INVALID_TOKEN,),
    body={
        "code": "900420",
        "description": "The audience 'https://graph.windows.net' in the token is invalid and is no longer "
        "supported in Partner Center API.",
        "data": [],
        "source": "PartnerFD",
    },
)


class MfaCheck(enum.Enum):
    NONE = "none"  # no MFA check at all
    HEADER = "header"  # only when the request carries MS-Enforce-MFA: true (the 2019 pilot)
    ALWAYS = "always"  # every app+user call
    ROLLOUT = "rollout"  # every app+user call of a stable share of tenant+app pairs


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    mfa_check: MfaCheck
    mfa_refusal: Refusal
    graph_audience_refusal: Refusal | None
    enforce: bool = True  # False: decide and log, refuse nothing (report-only)
    rollout_percent: int = 50

    def with_rollout(self, percent: int) -> Profile:
        return dataclasses.replace(self, rollout_percent=percent)

    @property
    def needs_reason_phrase(self) -> bool:
        """Its refusal has a status line of its own, which only `pcemu serve`'s server hook writes."""
        return self.mfa_refusal.reason is not None


PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile(
            "pilot-2019",
            "February 2019 pilot: app+user calls are checked only when they send MS-Enforce-MFA: true.",
            MfaCheck.HEADER,
            MFA_REQUIRED_2019,
            graph_audience_refusal=None,
        ),
        Profile(
            "enforced-2019",
            "2019 enforcement: every app+user call without MFA gets 401 Unauthorized - MFA required.",
            MfaCheck.ALWAYS,
            MFA_REQUIRED_2019,
            graph_audience_refusal=None,
        ),
        Profile(
            "enforced-2026",
            "2026 enforcement: every app+user call without MFA gets 401 with error 900421; "
            "tokens for https://graph.windows.net get 900420.",
            MfaCheck.ALWAYS,
            MFA_REQUIRED_2026,
            GRAPH_AUDIENCE_REFUSED,
        ),
        Profile(
            "rollout-2026",
            "June 2026 progressive rollout: enforced-2026 for a stable share of tenant+app pairs "
            "(--rollout-percent), unenforced for the rest.",
            MfaCheck.ROLLOUT,
            MFA_REQUIRED_2026,
            GRAPH_AUDIENCE_REFUSED,
        ),
        Profile(
            "report-only",
            "Nothing is refused; each call is judged by the enforced-2026 rules and the decision logged.",
            MfaCheck.ALWAYS,
            MFA_REQUIRED_2026,
            GRAPH_AUDIENCE_REFUSED,
            enforce=False,
        ),
        Profile(
            "off",
            "No MFA check; tokens are still verified.",
            MfaCheck.NONE,
            MFA_REQUIRED_2026,
            graph_audience_refusal=None,
        ),
    )
}

DEFAULT_PROFILE = "enforced-2026"


def get_profile(name: str, rollout_percent: int | None = None) -> Profile:
    """The named profile; KeyError with the known names when there is none."""
    try:
        profile = PROFILES[name]
    except KeyError:
        raise KeyError(f"unknown profile '{name}'; known: {', '.join(PROFILES)}") from None
    return profile.with_rollout(rollout_percent) if rollout_percent is not None else profile
