"""The device code flow's first call: POST /{tenant}/oauth2/devicecode (v1) and /oauth2/v2.0/devicecode. The user
then signs in at /devicelogin (identity.interactive) and the client polls the token endpoint (grants.device_code).
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from emulator.identity import errors
from emulator.identity.discovery import MULTI_TENANT, origin
from emulator.identity.errors import NO_STORE, EntraError, entra_error_response
from emulator.identity.form import read_form
from emulator.identity.sessions import DEVICE_CODE_LIFETIME, DeviceGrant
from emulator.state import EmulatorState

DEVICE_INTERVAL = 5


def _user_code(state: EmulatorState) -> str:
    alphabet = string.ascii_uppercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(9))


async def devicecode(state: EmulatorState, request: Request, *, v2: bool) -> Response:
    correlation_id = request.headers.get("client-request-id")
    form = await read_form(request, max_fields=50)
    try:
        segment = request.path_params["tenant"]
        tenant = None if segment.lower() in MULTI_TENANT else state.world.tenant(segment)
        if tenant is None and segment.lower() not in MULTI_TENANT:
            raise errors.unknown_tenant(segment)
        client_id = (form.get("client_id") or "").strip().lower()
        if not client_id:
            raise errors.missing_parameter("client_id")
        app = state.world.apps.get(client_id)
        if app is None:
            raise errors.unknown_client(client_id, segment)
        scope, resource = form.get("scope", ""), form.get("resource")
        if v2 and not scope.strip():
            raise errors.missing_parameter("scope")
        if not v2 and not resource:
            raise errors.missing_parameter("resource")
    except EntraError as exc:
        return entra_error_response(exc, state.clock.now(), correlation_id)
    grant = DeviceGrant(
        device_code="DAQABAAEAAA" + secrets.token_urlsafe(64),
        user_code=_user_code(state),
        client_id=app.client_id,
        tenant=tenant,
        v2=v2,
        scope=scope,
        resource=resource,
        created=state.clock.now(),
    )
    state.interactive.forget_old(state.clock.now())
    state.interactive.add_device(grant)
    uri = f"{origin(request)}/devicelogin"
    message = (
        f"To sign in, use a web browser to open the page {uri} and enter the code {grant.user_code} to authenticate."
    )
    body: dict[str, Any] = {"user_code": grant.user_code, "device_code": grant.device_code}
    if v2:
        body |= {"verification_uri": uri, "expires_in": DEVICE_CODE_LIFETIME, "interval": DEVICE_INTERVAL}
    else:
        # The v1 endpoint names it verification_url and writes its numbers as strings, as v1 token answers do.
        body |= {"verification_url": uri, "expires_in": str(DEVICE_CODE_LIFETIME), "interval": str(DEVICE_INTERVAL)}
    body["message"] = message
    return JSONResponse(body, headers=dict(NO_STORE), media_type="application/json; charset=utf-8")
