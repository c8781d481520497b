"""device_code: poll for the token of a device sign-in (pending, declined, expired or done)."""

from __future__ import annotations

from typing import Any

from emulator.identity import errors
from emulator.identity.grants.request import TokenRequest
from emulator.identity.sessions import DEVICE_CODE_LIFETIME


async def grant(req: TokenRequest) -> dict[str, Any]:
    req.path_tenant()
    value = req.params.get("device_code") or req.params.get("code")
    if not value:
        raise errors.missing_parameter("device_code")
    app = req.client()
    interactive = req.state.interactive
    with interactive.lock:
        grant = interactive.devices.get(value)
        if grant is None or grant.client_id != app.client_id or grant.status == "redeemed":
            raise errors.device_error("bad_verification_code")
        if grant.status == "declined":
            raise errors.device_error("authorization_declined")
        if req.now - grant.created > DEVICE_CODE_LIFETIME:
            raise errors.device_error("expired_token")
        if grant.status == "pending":
            raise errors.device_error("authorization_pending")
        grant.status = "redeemed"
    user = req.state.world.user_by_oid(grant.user_oid or "")
    home = grant.tenant or req.state.world.partner
    if user is None:
        raise errors.malformed_grant()
    # The polls carry no scope or resource: the first call's are used.
    if req.v2:
        req.params["scope"] = grant.scope
    elif grant.resource:
        req.params.setdefault("resource", grant.resource)
    target = req.target(home.id)
    return await req.user_response(home, app, user, list(grant.amr), target)
