"""The Partner Center gate, pure ASGI: verify the bearer token, apply the active profile, stamp MS-* headers.

A refusal never reaches a handler; its status, reason phrase, headers and body come from the profile's data.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from starlette.types import Message, Receive, Scope, Send

from emulator import formats
from emulator.faults import DROP, FaultRule, default_partner_body, headers_for
from emulator.journal import Entry
from emulator.partner.models.audit import ACTOR
from emulator.partner.responses import CONTENT_TYPE, error_body
from emulator.partner.router import ROUTE_KEY, PartnerRouter
from emulator.policy import caller, decide
from emulator.profiles import REQUEST_CONTEXT, WWW_AUTHENTICATE_INVALID_TOKEN, Refusal
from emulator.state import EmulatorState
from emulator.verify import InvalidToken

log = logging.getLogger("emulator.gate")

CLAIMS_KEY = "pcemu.claims"
DECISION_KEY = "pcemu.decision"

_REQUEST_CONTEXT = (REQUEST_CONTEXT[0].lower().encode(), REQUEST_CONTEXT[1].encode())
# Partner Center names the front-end server that answered; the value's format is inferred.
_SERVER_ID = (b"ms-serverid", b"101112616")
_WWW_AUTHENTICATE = (
    WWW_AUTHENTICATE_INVALID_TOKEN[0].lower().encode(),
    WWW_AUTHENTICATE_INVALID_TOKEN[1].encode(),
)


def token_refusal(why: str, *, missing: bool = False) -> Refusal:
    """401 for a token that is absent or not acceptable: Partner Center's body, saying why."""
    if missing:
        body = error_body(800001, f"Partner Token missing in request context: {why}")
    else:
        body = error_body(400, f"Access denied: {why}")
    return Refusal(401, None, (WWW_AUTHENTICATE_INVALID_TOKEN,), body)


class PartnerGate:
    def __init__(self, state: EmulatorState, router: PartnerRouter) -> None:
        self.state, self.router = state, router

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.router(scope, receive, send)
            return
        authorization = request_id = correlation_id = enforce_mfa = cv = None
        for name, value in scope["headers"]:
            if name == b"authorization":
                authorization = value
            elif name == b"ms-requestid":
                request_id = value
            elif name == b"ms-correlationid":
                correlation_id = value
            elif name == b"ms-enforce-mfa":
                enforce_mfa = value
            elif name == b"ms-cv":
                cv = value
        correlation_id = correlation_id or formats.request_id()
        request_id = request_id or formats.request_id()
        stamp = [
            (b"ms-correlationid", correlation_id),
            (b"ms-requestid", request_id),
            (b"ms-cv", formats.correlation_vector(cv)),
            _REQUEST_CONTEXT,
            _SERVER_ID,
        ]
        # The route this path takes, matched once: the journal names the operation by it, the router serves it.
        found = scope[ROUTE_KEY] = self.router.match(scope["path"])

        status = 0

        async def stamped_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), *stamp]
            await send(message)

        header = enforce_mfa.decode("latin-1") if enforce_mfa else None
        token, problem = _bearer(authorization)
        claims = None
        try:
            if token is None:
                await _send_refusal(token_refusal(problem, missing=authorization is None), stamped_send)
                return
            try:
                claims = self.state.verifier.verify(token)
            except InvalidToken as exc:
                problem = str(exc)
                await _send_refusal(token_refusal(problem), stamped_send)
                return
            await self._handle(scope, receive, stamped_send, claims, header)
        finally:
            profile = self.state.profile
            client = scope.get("client")
            self.state.journal.record(
                Entry(  # in field order (see Entry)
                    self.state.clock.now(),  # time
                    "partner",  # kind
                    scope["method"],  # method
                    scope["path"],  # path
                    status,  # status
                    profile.name,  # profile
                    profile.rollout_percent,  # rollout_percent
                    0,  # seq
                    found[0].template if found is not None else None,  # route
                    request_id.decode("latin-1"),  # request_id
                    correlation_id.decode("latin-1"),  # correlation_id
                    client[0] if client else None,  # ip
                    claims,  # claims
                    header,  # enforce_header
                    problem or None,  # problem
                )
            )

    async def _handle(
        self, scope: Scope, receive: Receive, send: Send, claims: dict[str, Any], header: str | None
    ) -> None:
        state = self.state
        if state.faults:
            who = caller(claims)
            known = state.world.apps.get((who.app_id or "").lower())
            rule = state.faults.match(
                scope["method"],
                scope["path"],
                who.app_id,
                known.display_name if known else None,
                who.upn,
                state.clock.now(),
            )
            if rule is not None and await _apply_fault(state, rule, send):
                return
        decision = decide(claims, header, state.profile)
        if decision.refusal is not None:
            await _send_refusal(decision.refusal, send)
            return
        if decision.would_refuse:
            # report-only: the call goes through; say what enforcement would do (never the token itself).
            log.info(
                "%s would refuse %s %s (rule %s): %s",
                self.state.profile.name,
                scope["method"],
                scope["path"],
                decision.rule,
                decision.reason,
            )
        scope[CLAIMS_KEY] = claims
        scope[DECISION_KEY] = decision
        # The audit trail's ACTOR: the records of the changes the call makes name its token's user and application
        # (read only when a change is recorded). Set here, once, for whichever handler the router runs.
        actor = ACTOR.set(claims)
        try:
            await self.router(scope, receive, send)
        finally:
            ACTOR.reset(actor)


async def _apply_fault(state: EmulatorState, rule: FaultRule, send: Send) -> bool:
    """Delay, drop or answer as the rule says; False when the call should go on (a delay only)."""
    delay = rule.latency_ms + (state.rng.randint(0, rule.jitter_ms) if rule.jitter_ms else 0)
    if delay:
        await asyncio.sleep(delay / 1000)
    if rule.drop:
        await send({"type": "http.response.start", "status": 500, "headers": [], DROP: True})
        await send({"type": "http.response.body", "body": b""})
        return True
    if rule.status is None:
        return False
    body = rule.body if rule.body is not None else default_partner_body(rule)
    payload = json.dumps(body, separators=(",", ":")).encode() if not isinstance(body, str) else body.encode()
    headers = [(k.lower().encode(), v.encode()) for k, v in headers_for(rule).items()]
    headers += [(b"content-type", CONTENT_TYPE.encode()), (b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": rule.status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
    return True


def _bearer(authorization: bytes | None) -> tuple[str | None, str]:
    if authorization is None:
        return None, "the request has no Authorization header"
    try:
        text = authorization.decode("ascii").strip()
    except UnicodeDecodeError:
        return None, "the Authorization header is not ASCII"
    scheme, _, rest = text.partition(" ")
    token = rest.strip()
    if scheme.lower() != "bearer":
        return None, "the Authorization header does not use the Bearer scheme"
    if not token:
        return None, "the Authorization header has no token after 'Bearer'"
    if " " in token or "," in token:
        return None, "the Authorization header carries more than one credential"
    return token, ""


async def _send_refusal(refusal: Refusal, send: Send) -> None:
    headers: list[tuple[bytes, bytes]] = [(name.lower().encode(), value.encode()) for name, value in refusal.headers]
    start: dict[str, Any] = {"type": "http.response.start", "status": refusal.status, "headers": headers}
    if refusal.reason is not None:
        # Our uvicorn protocol writes this reason phrase (emulator.server); other servers ignore the key.
        start["reason"] = refusal.reason
    if refusal.body is None:
        # As captured in 2019: no Content-Length, chunked, nothing in it.
        await send(start)
        await send({"type": "http.response.body", "body": b""})
        return
    body = json.dumps(refusal.body, separators=(",", ":")).encode()
    headers += [(b"content-type", CONTENT_TYPE.encode()), (b"content-length", str(len(body)).encode())]
    await send(start)
    await send({"type": "http.response.body", "body": body})


__all__ = ["CLAIMS_KEY", "DECISION_KEY", "_WWW_AUTHENTICATE", "PartnerGate"]
