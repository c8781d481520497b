"""client_credentials: an app signs in as itself (app-only token; a v2 scope must be .default)."""

from __future__ import annotations

from typing import Any

from emulator.identity import errors
from emulator.identity.grants.request import TokenRequest


async def grant(req: TokenRequest) -> dict[str, Any]:
    tenant = req.path_tenant()
    if tenant is None:
        raise errors.no_tenant_information()
    app = req.client()
    target = req.target(tenant.id)
    if req.v2 and target.permission != ".default":
        raise errors.client_credentials_scope(req.params.get("scope", ""))
    issuer = req.state.issuer
    issued = await issuer.issue_async(issuer.app_claims(tenant, app, target.aud))
    return req.app_response(issued, target)
