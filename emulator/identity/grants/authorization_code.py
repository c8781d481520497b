"""authorization_code: redeem the code of an interactive sign-in (redirect URI and PKCE checked, single use)."""

from __future__ import annotations

from typing import Any

from emulator.identity import errors
from emulator.identity.grants.request import TokenRequest
from emulator.identity.sessions import CODE_LIFETIME, pkce_matches
from emulator.profiles import PARTNER_CENTER_RESOURCE


async def grant(req: TokenRequest) -> dict[str, Any]:
    req.path_tenant()
    value = req.param("code")
    app = req.client()
    interactive = req.state.interactive
    with interactive.lock:
        code = interactive.codes.get(value)
        if code is None:
            raise errors.unknown_code()  # never issued (or long gone): AADSTS70000, as Entra answers
        if req.now - code.created > CODE_LIFETIME:
            raise errors.code_expired()
        if code.used:
            raise errors.code_redeemed()
        if code.client_id != app.client_id:
            raise errors.grant_not_for_client()
        redirect = req.params.get("redirect_uri")
        if (redirect or req.v2) and redirect != code.redirect_uri:
            raise errors.redirect_mismatch()
        if not pkce_matches(code, req.params.get("code_verifier")):
            raise errors.pkce_mismatch()
        code.used = True
    home = req.state.world.tenants[code.tenant_id]
    user = req.state.world.user_by_oid(code.user_oid)
    if user is None:
        raise errors.malformed_grant()
    if not req.v2 and not req.params.get("resource") and code.resource:
        req.params["resource"] = code.resource
    if req.v2 and not req.params.get("scope"):
        req.params["scope"] = code.scope
    if not req.v2 and "openid" in code.scope.split() and "openid" not in req.params.get("scope", "").split():
        req.params["scope"] = (req.params.get("scope", "") + " openid").strip()
    target = req.target(home.id, default_aud=PARTNER_CENTER_RESOURCE)
    return await req.user_response(home, app, user, list(code.amr), target, nonce=code.nonce)
