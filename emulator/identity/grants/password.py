"""password (ROPC): a user's name and password. It proves a password only, so it can never satisfy MFA."""

from __future__ import annotations

import hmac
from typing import Any

from emulator.identity import errors
from emulator.identity.grants.request import TokenRequest


async def grant(req: TokenRequest) -> dict[str, Any]:
    if req.segment.lower() in ("common", "consumers"):
        raise errors.password_over_common()  # Entra: use /organizations or the tenant
    tenant = req.path_tenant()
    username = req.param("username")
    req.upn = username
    password = req.param("password")
    app = req.client()
    domain = username.rpartition("@")[2]
    home = tenant or req.state.world.tenant(domain)
    if home is None:
        raise errors.unknown_user(username, req.segment)
    target = req.target(home.id)
    user = req.state.world.user(username)
    if user is None or user.tenant_id != home.id:
        raise errors.unknown_user(username, home.domain)
    if not hmac.compare_digest(password.encode(), user.password.encode()):
        raise errors.bad_credentials()
    if user.mfa_required:
        raise errors.mfa_required(target.resource.app_id)
    if not req.state.world.consented(app):
        raise errors.consent_missing(app.client_id, app.display_name)
    return await req.user_response(home, app, user, ["pwd"], target)
