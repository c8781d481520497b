"""Every operation of Partner Center's API description (the partnercenterservices SDK's list, as bench/coverage.py
derives it) sent to the default world: none answers the gateway's 404 or a 5xx (but the documented 501 of an
operation the emulator does not offer), each error is in Partner Center's body, and each follows the MFA gate.

The per-area suites check the documented shapes; this one checks that nothing of the list is left unanswered."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from emulator.partner.routes import OPERATIONS
from tests.helpers import NW, bearer, user_token

ROOT = Path(__file__).resolve().parent.parent


def _coverage() -> Any:
    spec = importlib.util.spec_from_file_location("coverage_table", ROOT / "bench" / "coverage.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["coverage_table"] = module
    spec.loader.exec_module(module)
    return module


COVERAGE = _coverage()
SDK = COVERAGE.sdk_operations()
SERVED = COVERAGE.served()


def _values(world: Any) -> dict[str, str]:
    """A value from the default world for each path parameter the list uses (others: a well-formed unknown)."""
    contoso = world.customers.get(NW.CONTOSO)
    user = world.customer_users.group(NW.CONTOSO)[0]
    subscription = world.subscriptions.group(NW.CONTOSO)[0]
    order = world.orders.group(NW.CONTOSO)[0]
    return {
        "customer_id": contoso["id"],
        "user_id": user["id"],
        "subscription_id": subscription["id"],
        "order_id": order["id"],
        "offer_id": subscription["offerId"],
        "domain": contoso["companyProfile"]["domain"],
        "domain_prefix": "contosoltd",
        "country": "US",
        "partner_id": world.partner.id,
        "agent_locale": "en-US",
    }


def _url(path: str, values: dict[str, str]) -> str:
    def fill(match: re.Match[str]) -> str:
        return values.get(match.group(1), "00000000-0000-0000-0000-0000000000aa")

    return re.sub(r"\{([^}]*)\}", fill, path.replace("/v{version}/", "/v1/", 1))


@pytest.mark.parametrize(("method", "path"), SDK, ids=[f"{m} {p}" for m, p in SDK])
def test_no_operation_is_left_to_the_gateway(client: TestClient, state: Any, method: str, path: str) -> None:
    op = SERVED.get((method, COVERAGE._shape(path)))
    assert op is not None, "not served: the gateway's 404 (docs/coverage.md)"
    url = _url(path, _values(state.world))
    mfa = bearer(user_token(state, NW.ADMIN, ["pwd", "mfa"]))
    body: dict[str, Any] | None = {} if method in ("POST", "PUT", "PATCH") else None
    answer = client.request(method, url, headers=mfa, json=body)
    assert answer.status_code < 500 or (answer.status_code == 501 and op.coverage == "not offered"), answer.text
    if answer.status_code >= 400 and method != "HEAD":
        error = answer.json()
        assert "statusCode" not in error, f"the gateway's answer, not PartnerFD's: {error}"
        assert error["source"] == "PartnerFD" or "code" in error
    # The gate: without MFA, an app+user call is refused before the operation (2026 enforcement, 900421).
    pwd = bearer(user_token(state, NW.ADMIN, ["pwd"]))
    refused = client.request(method, url, headers=pwd, json=body)
    assert refused.status_code == 401, (method, url, refused.status_code)


def test_the_table_matches_the_operations() -> None:
    ops = {(op.method, op.path) for op in OPERATIONS}
    assert len(ops) == len(OPERATIONS), "an operation is listed twice"
    assert len(SDK) == 130
    answered = [SERVED.get((m, COVERAGE._shape(p))) for m, p in SDK]
    kinds = [op.coverage for op in answered if op is not None]
    # Issue 15: at least 95% of the list stateful or answered from the world.
    assert kinds.count("stateful") + kinds.count("world") >= 0.95 * len(SDK)
