"""schemathesis over the control API's own description (/_emulator/openapi.json): no 5xx, answers as described."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from emulator.app import EmulatorApp
from emulator.config import Config
from emulator.keys import generate_key
from emulator.state import EmulatorState

# Fuzz: run by make test and .ci/run (pytest -m ''), not by a bare pytest.
pytestmark = pytest.mark.heavy

APP = EmulatorApp(EmulatorState(Config(in_memory_key=True, seed=5), key=generate_key()))


async def on_loopback(scope: Any, receive: Any, send: Any) -> None:
    """The control API answers loopback clients, at its own names only; schemathesis' in-process client has no
    address and calls itself 'testserver'."""
    headers = [(name, value) for name, value in scope["headers"] if name != b"host"] + [(b"host", b"127.0.0.1")]
    await APP({**scope, "client": ("127.0.0.1", 50000), "headers": headers}, receive, send)


schema = schemathesis.openapi.from_asgi("/_emulator/openapi.json", on_loopback)
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_control_api_conforms(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)
