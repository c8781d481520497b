"""The Partner Center model layer's rules: handlers never touch the store, every domain error has its wire form,
request bodies are read in either spelling, and caches do not outlive a reset."""

from __future__ import annotations

import ast
import copy
import json
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

import emulator.partner
from emulator.partner.errors import WIRE
from emulator.partner.models import errors
from emulator.partner.schemas import requests as rq
from emulator.state import EmulatorState
from tests.helpers import NW, app_token, bearer, user_token

PARTNER = Path(emulator.partner.__file__).parent
HANDLERS = sorted(p for p in PARTNER.glob("*.py") if p.name not in ("__init__.py", "errors.py"))


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("path", HANDLERS, ids=lambda p: p.name)
def test_no_http_module_reaches_the_store_or_persistence(path: Path) -> None:
    assert not {m for m in _imports(path) if m.startswith(("emulator.store", "emulator.persistence"))}
    text = path.read_text()
    for forbidden in ("persist", ".lock", ".put(", "transaction("):
        assert forbidden not in text, f"{path.name} uses {forbidden}"


def test_models_know_no_http() -> None:
    for path in (PARTNER / "models").glob("*.py"):
        assert not {m for m in _imports(path) if m.startswith("starlette")}, path.name


def test_every_domain_error_has_one_wire_form() -> None:
    kinds = {
        value
        for value in vars(errors).values()
        if isinstance(value, type) and issubclass(value, errors.DomainError) and value is not errors.DomainError
    }
    assert kinds == set(WIRE)


# --- request bodies: each kind of bad input, worded as before ------------------------------------------------


@pytest.mark.parametrize(
    ("body", "kind", "code", "description"),
    [
        ({}, rq.CustomerCreate, 3000, "Invalid property: 'CompanyProfile' is required and must be an object."),
        (
            {"companyprofile": {"domain": None}},
            rq.CustomerCreate,
            3000,
            "Invalid property: 'CompanyProfile.Domain' is required.",
        ),
        (
            {"companyprofile": {"domain": "   "}},
            rq.CustomerCreate,
            3000,
            "Invalid property: 'CompanyProfile.Domain' must be a non-empty string.",
        ),
        (
            {"companyprofile": {"domain": "x" * 257}},
            rq.CustomerCreate,
            3000,
            "Invalid property: 'CompanyProfile.Domain' is longer than 256 characters.",
        ),
        (
            {"lineitems": "all"},
            rq.OrderCreate,
            800002,
            "Invalid request input: 'LineItems' is required and must be a non-empty list.",
        ),
        ({"lineitems": [7]}, rq.OrderCreate, 800002, "Invalid request input: 'LineItems[0]' must be an object."),
        (
            {"lineitems": [{"quantity": 1}]},
            rq.OrderCreate,
            800002,
            "Invalid request input: 'LineItems[0].OfferId' is required.",
        ),
        (
            {"lineitems": [{"offerid": 5, "quantity": 1}]},
            rq.OrderCreate,
            3000,
            "Invalid property: 'LineItems[0].OfferId' must be a non-empty string.",
        ),
        (
            {"lineitems": [{"offerid": "x", "quantity": 1}] * 101},
            rq.OrderCreate,
            800002,
            "Invalid request input: 'LineItems' has at most 100 items.",
        ),
        (
            {"quantity": 1.5},
            rq.SubscriptionUpdate,
            800002,
            "Invalid request input: 'quantity' must be a whole number, got 1.5.",
        ),
        (
            {"quantity": True},
            rq.SubscriptionUpdate,
            800002,
            "Invalid request input: 'quantity' must be a whole number, got true.",
        ),
        (
            {"autorenewenabled": "yes"},
            rq.SubscriptionUpdate,
            800002,
            "Invalid request input: 'autoRenewEnabled' must be true or false, got \"yes\".",
        ),
        (
            {"applicationid": "nope", "applicationgrants": []},
            rq.ApplicationConsentCreate,
            3000,
            "Invalid property: 'applicationId' must be a GUID.",
        ),
        (
            {
                "applicationid": "11112222-3333-4444-5555-666677778888",
                "applicationgrants": [{"enterpriseapplicationid": "x", "scope": "s"}],
            },
            rq.ApplicationConsentCreate,
            3000,
            "Invalid property: 'applicationGrants[0].enterpriseApplicationId' must be a GUID.",
        ),
        (
            {"userprincipalname": "a@b.c", "displayname": "A", "passwordprofile": "secret"},
            rq.CustomerUserCreate,
            3000,
            "Invalid property: 'passwordProfile' is required and must be an object.",
        ),
    ],
)
def test_request_reader_words_each_problem(
    body: dict[str, Any], kind: type[rq.Body], code: int, description: str
) -> None:
    with pytest.raises(errors.DomainError) as caught:
        rq.read(body, kind)
    assert WIRE[type(caught.value)][1] == code
    assert caught.value.description == description


def test_request_reader_strips_text_and_ignores_unknown_fields() -> None:
    update = rq.read({"friendlyname": "  Sales  ", "unknown": [1]}, rq.SubscriptionUpdate)
    assert update == rq.SubscriptionUpdate(friendly_name="Sales")


def test_request_schema_uses_the_documented_names() -> None:
    schema = rq.schema(rq.OrderCreate)
    assert schema["required"] == ["lineItems"]
    fields = "lineItemNumber offerId quantity friendlyName parentSubscriptionId"
    assert " ".join(schema["properties"]["lineItems"]["items"]["properties"]) == fields


def _spellings(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The body in PascalCase (the documentation) and camelCase (the SDKs)."""

    def recase(value: Any, first: Any) -> Any:
        if isinstance(value, dict):
            return {first(k[0]) + k[1:]: recase(v, first) for k, v in value.items()}
        if isinstance(value, list):
            return [recase(v, first) for v in value]
        return value

    return [recase(body, str.upper), recase(body, str.lower)]


USER_BODY = {
    "userPrincipalName": "spelled@contosoltd.onmicrosoft.com",
    "displayName": "Spelled",
    "passwordProfile": {"password": "abCD123*xyz", "forceChangePassword": True},
}
ORDER_BODY = {"lineItems": [{"lineItemNumber": 0, "offerId": "8BDBB60B-E526-43E9-92EF-AB760C8E0B72", "quantity": 2}]}
CONSENT_BODY = {
    "applicationId": "11112222-3333-4444-5555-666677778888",
    "applicationGrants": [{"enterpriseApplicationId": "00000002-0000-0000-c000-000000000000", "scope": "x"}],
}


@pytest.mark.parametrize("spelling", ["Pascal", "camel"])
def test_both_spellings_are_accepted(client: TestClient, state: EmulatorState, spelling: str) -> None:
    headers = bearer(user_token(state, NW.ADMIN, ["pwd", "mfa"]))
    index = 0 if spelling == "Pascal" else 1
    user = client.post(f"/v1/customers/{NW.CONTOSO}/users", json=_spellings(USER_BODY)[index], headers=headers)
    assert user.status_code == 201 and user.json()["displayName"] == "Spelled"
    order = client.post(f"/v1/customers/{NW.CONTOSO}/orders", json=_spellings(ORDER_BODY)[index], headers=headers)
    assert order.status_code == 201 and order.json()["lineItems"][0]["quantity"] == 2
    consent = client.post(
        f"/v1/customers/{NW.CONTOSO}/applicationconsents", json=_spellings(CONSENT_BODY)[index], headers=headers
    )
    assert consent.status_code == 201 and consent.json() == {
        "displayName": CONSENT_BODY["applicationId"],
        **CONSENT_BODY,
    }
    subscription = order.json()["lineItems"][0]["subscriptionId"]
    patched = client.patch(
        f"/v1/customers/{NW.CONTOSO}/subscriptions/{subscription}",
        json=_spellings({"quantity": 3, "friendlyName": "Renamed"})[index],
        headers=headers,
    )
    assert patched.status_code == 200
    assert (patched.json()["quantity"], patched.json()["friendlyName"]) == (3, "Renamed")


# --- caches belong to one emulator and end with a reset ------------------------------------------------------


def test_a_reset_leaves_no_stale_page(client: TestClient, state: EmulatorState) -> None:
    headers = bearer(app_token(state))
    body = copy.deepcopy(NW.DOC_CUSTOMER)
    body["CompanyProfile"]["Domain"] = "before-reset.onmicrosoft.com"
    body["BillingProfile"]["CompanyName"] = "Before Reset"
    assert client.post("/v1/customers", json=body, headers=headers).status_code == 201
    first = client.get("/v1/customers?size=1&offset=40", headers=headers).json()
    assert [c["companyProfile"]["companyName"] for c in first["items"]] == ["Before Reset"]
    state.reset()
    # The same customer count (41) again, with another customer last: the page must show the new one.
    body["CompanyProfile"]["Domain"] = "after-reset.onmicrosoft.com"
    body["BillingProfile"]["CompanyName"] = "After Reset"
    headers = bearer(app_token(state))
    assert client.post("/v1/customers", json=body, headers=headers).status_code == 201
    second = client.get("/v1/customers?size=1&offset=40", headers=headers).json()
    assert [c["companyProfile"]["companyName"] for c in second["items"]] == ["After Reset"]
    assert json.dumps(second) != json.dumps(first)


def test_two_emulators_share_no_cache(client: TestClient, state: EmulatorState, signing_key: Any) -> None:
    from emulator.app import EmulatorApp
    from emulator.config import Config

    other = EmulatorApp(EmulatorState(Config(in_memory_key=True, seed=7), key=signing_key))
    client.get("/v1/customers?size=2", headers=bearer(app_token(state)))
    assert state.caches.pages and not other.state.caches.pages


def test_a_domain_is_free_again_after_a_reset_and_taken_after_a_creation(emulator_app: Any) -> None:
    from starlette.testclient import TestClient

    from tests.helpers import app_token, bearer, customer_body

    state = emulator_app.state
    headers = bearer(app_token(state))
    with TestClient(emulator_app, base_url="http://127.0.0.1:8080", client=("127.0.0.1", 1)) as client:
        assert client.post("/v1/customers", json=customer_body("indexed"), headers=headers).status_code == 201
        again = client.post("/v1/customers", json=customer_body("indexed"), headers=headers)
        assert again.json()["description"] == (
            "Invalid property: the domain 'indexed.onmicrosoft.com' is already in use by another tenant."
        )
        state.reset()
        headers = bearer(app_token(state))
        assert client.post("/v1/customers", json=customer_body("indexed"), headers=headers).status_code == 201
