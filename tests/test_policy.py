"""Policy details the property tests leave to examples."""

from __future__ import annotations

import pytest

from emulator.policy import decide
from emulator.profiles import PROFILES, get_profile

GRAPH_MFA_USER = {"aud": "https://graph.windows.net", "scp": "user_impersonation", "amr": ["pwd", "mfa"], "tid": "t"}


@pytest.mark.parametrize("profile", list(PROFILES))
def test_graph_audience_is_never_compliant(profile: str) -> None:
    decision = decide(GRAPH_MFA_USER, None, get_profile(profile))
    assert decision.compliant is False
    assert decision.allowed is (profile in ("pilot-2019", "enforced-2019", "report-only", "off"))


def test_reasons_speak_plainly() -> None:
    claims = {"aud": "https://api.partnercenter.microsoft.com", "scp": "user_impersonation", "amr": ["pwd"]}
    claims |= {"upn": "svc@contoso.example", "appid": "app-1", "tid": "t"}
    decision = decide(claims, None, get_profile("enforced-2026"))
    assert decision.rule == "mfa-missing"
    assert decision.reason == (
        "The token for user svc@contoso.example through app app-1 does not prove MFA: the sign-in proved a password "
        "only (amr: pwd), not MFA. Partner Center refuses app+user calls without MFA."
    )
