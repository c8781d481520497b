"""refresh_token: a new access token from an earlier sign-in's refresh token, keeping that sign-in's amr."""

from __future__ import annotations

from typing import Any

from emulator.formats import entra_timestamp
from emulator.identity import errors
from emulator.identity.grants.request import TokenRequest
from emulator.profiles import PARTNER_CENTER_RESOURCE


async def grant(req: TokenRequest) -> dict[str, Any]:
    tenant = req.path_tenant()
    token = req.param("refresh_token")
    app = req.client()
    refresh_tokens = req.state.refresh_tokens
    grant = refresh_tokens.get(token)
    if grant is None or grant.revoked:
        raise errors.malformed_grant()
    if grant.client_id != app.client_id:
        raise errors.grant_not_for_client()
    if tenant is not None and tenant.id != grant.tenant_id:
        raise errors.malformed_grant()
    inactive = req.now - grant.last_used
    if inactive > req.state.refresh_inactivity:
        raise errors.refresh_token_inactive(entra_timestamp(grant.issued_at), inactive / 86400)
    home = req.state.world.tenants.get(grant.tenant_id)
    user = req.state.world.user_by_oid(grant.user_oid)
    if home is None or user is None:
        raise errors.malformed_grant()
    target = req.target(home.id, default_aud=PARTNER_CENTER_RESOURCE)
    amr = list(grant.amr)
    if user.mfa_required and "mfa" not in amr:
        raise errors.mfa_required(target.resource.app_id)
    refresh_tokens.touch(grant, req.now)
    return await req.user_response(home, app, user, amr, target)
