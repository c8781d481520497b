"""Entra's token endpoints, v1 (`resource=`) and v2 (`scope=`): read the form, apply fault rules, run the grant
named by grant_type (identity.grants), answer, and record the call in the journal."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from emulator.faults import DROP, headers_for
from emulator.formats import trace_id
from emulator.identity import errors
from emulator.identity.errors import EntraError, entra_error_response, token_headers
from emulator.identity.form import read_form
from emulator.identity.grants import GRANTS
from emulator.identity.grants.request import TokenRequest
from emulator.journal import Entry
from emulator.state import EmulatorState


async def token_endpoint(state: EmulatorState, request: Request, *, v2: bool) -> Response:
    correlation_id = request.headers.get("client-request-id")
    if request.method == "OPTIONS":
        return Response(status_code=200, headers={"Allow": "POST, OPTIONS"})
    params: dict[str, str] = {}
    handler: TokenRequest | None = None
    try:
        if request.method != "POST":
            raise EntraError(
                400,
                "invalid_request",
                900561,
                f"The endpoint only accepts POST, OPTIONS requests. Received a {request.method} request.",
            )
        params = await read_form(request)
        handler = TokenRequest(state, request, params, v2=v2)
        injected = await _fault(state, request, params) if state.faults else None
        response = injected or await _grant(handler, params.get("grant_type"), correlation_id)
    except EntraError as exc:
        response = entra_error_response(exc, state.clock.now(), correlation_id)
    client = request.client
    state.journal.record(
        Entry(
            time=state.clock.now(),
            kind="token",
            method=request.method,
            path=request.scope["path"],
            correlation_id=correlation_id,
            ip=client.host if client else None,
            status=response.status_code,
            profile=state.profile.name,
            rollout_percent=state.profile.rollout_percent,
            problem=_error_code(response),
            grant=params.get("grant_type"),
            client_id=params.get("client_id"),
            upn=handler.upn if handler else None,
            amr=handler.amr if handler else None,
        )
    )
    return response


async def _fault(state: EmulatorState, request: Request, params: dict[str, str]) -> Response | None:
    client_id = params.get("client_id", "").lower()
    app = state.world.apps.get(client_id)
    rule = state.faults.match(
        request.method,
        request.scope["path"],
        client_id,
        app.display_name if app else None,
        params.get("username"),
        state.clock.now(),
    )
    if rule is None:
        return None
    delay = rule.latency_ms + (state.rng.randint(0, rule.jitter_ms) if rule.jitter_ms else 0)
    if delay:
        await asyncio.sleep(delay / 1000)
    if rule.drop:
        return _Dropped()
    if rule.status is None:
        return None
    if rule.body is not None:
        return JSONResponse(rule.body, status_code=rule.status, headers=headers_for(rule))
    error = EntraError(
        rule.status, "temporarily_unavailable", 90033, f"A transient error has occurred (fault rule {rule.id})."
    )
    response = entra_error_response(error, state.clock.now(), request.headers.get("client-request-id"))
    response.headers.update(headers_for(rule))
    return response


class _Dropped(Response):
    """A fault rule's dropped connection on the token endpoint."""

    def __init__(self) -> None:
        super().__init__(status_code=500)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 500, "headers": [], DROP: True})
        await send({"type": "http.response.body", "body": b""})


async def _grant(handler: TokenRequest, grant_type: str | None, correlation_id: str | None) -> Response:
    if not grant_type:
        raise errors.missing_parameter("grant_type")
    grant = GRANTS.get(grant_type)
    if grant is None:
        raise errors.unsupported_grant(grant_type)
    body = await grant(handler)
    headers = token_headers(trace_id(), correlation_id)
    return JSONResponse(body, headers=headers, media_type="application/json; charset=utf-8")


def _error_code(response: Response) -> str | None:
    """AADSTSnnnn of an error answer, for the journal."""
    if response.status_code < 400:
        return None
    try:
        codes = json.loads(bytes(response.body)).get("error_codes") or []
    except (ValueError, AttributeError):
        return None
    return f"AADSTS{codes[0]}" if codes else None
