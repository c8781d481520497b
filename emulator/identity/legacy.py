"""The legacy exchange, removed from the docs in January 2019: POST /generatetoken turned an Entra token (for
https://graph.windows.net or for Partner Center) into a Partner Center token for the same user and amr."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from emulator.identity.form import read_form
from emulator.partner.responses import PartnerJSON, error_body
from emulator.policy import caller, is_app_user
from emulator.profiles import PARTNER_CENTER_RESOURCE, WWW_AUTHENTICATE_INVALID_TOKEN
from emulator.state import EmulatorState
from emulator.verify import InvalidToken


def _refuse(status: int, code: int, description: str) -> Response:
    headers = dict([WWW_AUTHENTICATE_INVALID_TOKEN]) if status == 401 else {}
    return PartnerJSON(error_body(code, description), status_code=status, headers=headers)


async def generate_token(state: EmulatorState, request: Request) -> Response:
    grant = (await read_form(request, max_fields=20)).get("grant_type")  # unreadable: no grant_type
    if grant != "jwt_token":
        return _refuse(400, 800002, "Invalid request input: grant_type must be jwt_token.")
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return _refuse(401, 800001, "Partner Token missing in request context: send the Entra token as Bearer.")
    try:
        claims = state.verifier.verify(token.strip())
    except InvalidToken as exc:
        return _refuse(401, 400, f"Access denied: {exc}")
    world = state.world
    tenant = world.tenants.get(str(claims.get("tid")))
    app = world.apps.get((caller(claims).app_id or "").lower())
    if tenant is None or app is None:
        return _refuse(401, 400, "Access denied: the token's tenant or app is not in this emulator's world.")
    if is_app_user(claims):
        user = world.user_by_oid(str(claims.get("oid")))
        if user is None:
            return _refuse(401, 400, "Access denied: the token's user is not in this emulator's world.")
        amr = [str(m) for m in claims.get("amr") or []]
        issued = state.issuer.issue(state.issuer.user_claims(tenant, app, user, amr, PARTNER_CENTER_RESOURCE))
    else:
        issued = state.issuer.issue(state.issuer.app_claims(tenant, app, PARTNER_CENTER_RESOURCE))
    # access_token then token_type as in public scripts of the time; expires_in and expires_on are inferred.
    return JSONResponse(
        {
            "access_token": issued.token,
            "token_type": "bearer",
            "expires_in": issued.expires_in,
            "expires_on": issued.expires_on,
        },
        headers={"Cache-Control": "no-store"},
    )
