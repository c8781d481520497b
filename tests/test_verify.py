"""Verifying access tokens: a token signed with the emulator's own key is still refused when its times are not
finite numbers (it would never expire)."""

from __future__ import annotations

import math

import pytest
from starlette.testclient import TestClient

from emulator.state import EmulatorState
from emulator.verify import InvalidToken
from tests.helpers import NW, bearer, user_token


def _claims_of(state: EmulatorState, token: str) -> dict[str, object]:
    return dict(state.verifier.verify(token))


@pytest.mark.parametrize("claim", ["exp", "nbf", "iat"])
@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_a_time_that_is_not_finite_is_refused(
    client: TestClient, state: EmulatorState, claim: str, value: float
) -> None:
    claims = _claims_of(state, user_token(state, NW.ADMIN, ["pwd", "mfa"]))
    claims[claim] = value
    token = state.keys.active.sign_jwt(claims)
    with pytest.raises(InvalidToken, match=f"the token's '{claim}' claim is {value}, not a time"):
        state.verifier.verify(token)
    refused = client.get("/v1/customers?size=1", headers=bearer(token))
    assert refused.status_code == 401
    assert refused.json()["description"] == f"Access denied: the token's '{claim}' claim is {value}, not a time"
