"""Shared fixtures: one in-memory signing key per session, a fresh emulator per test, world shortcuts."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from starlette.testclient import TestClient

from emulator.app import EmulatorApp
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


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The docs tests' count (blocks run, and the skipped ones with their reasons) and the container test's times."""
    docs = sys.modules.get("tests.test_docs")
    for line in docs.summary() if docs is not None else []:
        terminalreporter.write_line(line)
    container = sys.modules.get("tests.test_container")
    if container is not None and container.TIMINGS:
        times = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in container.TIMINGS.items())
        terminalreporter.write_line(f"container ({container.NOTE}): {times}")
