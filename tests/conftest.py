"""Shared fixtures: one in-memory signing key per session, a fresh emulator per test, world shortcuts."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from starlette.testclient import TestClient

from emulator.app import EmulatorApp, create_app
from emulator.config import Config
from emulator.keys import SigningKey, generate_key
from emulator.state import EmulatorState
from emulator.world import World, load_world
from tests import contract

# CI bounds example counts; `HYPOTHESIS_PROFILE=thorough pytest` runs longer locally.
settings.register_profile("ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("thorough", max_examples=5000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

TENANT_ID = "a8e23bce-3ed8-5a60-9109-66655e9d1c6e"
TENANT_DOMAIN = "northwindpartners.onmicrosoft.com"
WEB_APP = "6911ffe2-0be5-5494-bde7-59b718f99954"
WEB_SECRET = "nwp~Q8x.Ke2vT7_bR4mZ1pL9sD3fG6hJ0kW5yC"
NATIVE_APP = "dac8afd6-ad8a-58e3-88fb-07a0ea990c11"
ADMIN = "admin@northwindpartners.onmicrosoft.com"
ADMIN_PASSWORD = "Adm1n!Northwind"
SERVICE = "svc-automation@northwindpartners.onmicrosoft.com"
SERVICE_PASSWORD = "Svc!Automation2019"
MEGAN = "megan.bowen@northwindpartners.onmicrosoft.com"
MEGAN_PASSWORD = "Megan!Secure42"
CONTOSO = "dc4f72ac-6584-5e1c-86c0-8ae007db5b17"
PC = "https://api.partnercenter.microsoft.com"


@pytest.fixture(scope="session")
def signing_key() -> SigningKey:
    return generate_key()


@pytest.fixture(scope="session")
def default_world() -> World:
    return load_world()


@pytest.fixture
def emulator_app(signing_key: SigningKey) -> EmulatorApp:
    return EmulatorApp(EmulatorState(Config(in_memory_key=True, seed=7), key=signing_key))


@pytest.fixture
def state(emulator_app: EmulatorApp) -> EmulatorState:
    return emulator_app.state


class ContractClient(TestClient):
    """A test client that checks every Partner Center response against the OpenAPI document."""

    def request(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        response = super().request(*args, **kwargs)
        contract.check(response)
        return response


@pytest.fixture
def client(emulator_app: EmulatorApp) -> Iterator[TestClient]:
    with ContractClient(emulator_app, base_url="http://127.0.0.1:8080", client=("127.0.0.1", 50000)) as test_client:
        yield test_client


def user_token(state: EmulatorState, upn: str, amr: list[str], *, client_id: str = NATIVE_APP, aud: str = PC) -> str:
    world = state.world
    user = world.user(upn)
    assert user is not None
    return state.issuer.user_token(world.partner, world.apps[client_id], user, amr, aud).token


def app_token(state: EmulatorState, client_id: str = WEB_APP, aud: str = PC) -> str:
    world = state.world
    return state.issuer.app_token(world.partner, world.apps[client_id], aud).token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


__all__ = ["create_app"]
