"""`pcemu world --json`: the world as a tester needs it to sign in (secrets included: it is test data)."""

from __future__ import annotations

from typing import Any

from emulator.world import World


def world_summary(world: World) -> dict[str, Any]:
    """What `pcemu world --json` prints: everything a tester needs to sign in, secrets included (test data)."""
    return {
        "source": str(world.source),
        "tenants": [
            {"id": t.id, "domain": t.domain, "displayName": t.display_name, "domains": list(t.domains)}
            for t in world.tenants.values()
        ],
        "apps": [
            {
                "clientId": a.client_id,
                "displayName": a.display_name,
                "type": "confidential" if a.confidential else "public",
                "secret": a.secret,
                "redirectUris": list(a.redirect_uris),
                "roles": list(a.roles),
            }
            for a in world.apps.values()
        ],
        "users": [
            {
                "userPrincipalName": u.upn,
                "objectId": u.object_id,
                "displayName": u.display_name,
                "password": u.password,
                "mfaRegistered": u.mfa_registered,
                "mfaRequired": u.mfa_required,
                "amr": u.default_amr,
                "description": u.description,
            }
            for u in world.users.values()
        ],
        "customers": [
            {
                "id": c["id"],
                "companyName": c["companyProfile"]["companyName"],
                "domain": c["companyProfile"]["domain"],
            }
            for c in world.customers
        ],
    }
