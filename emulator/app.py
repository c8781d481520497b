"""create_app(config): one ASGI app that dispatches by path to Partner Center, the control API and Entra ID."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from emulator import access
from emulator.config import Config
from emulator.control import build_control_app, client_allowed, error_response
from emulator.identity import device, discovery, interactive, legacy
from emulator.identity.token import token_endpoint
from emulator.partner.gate import PartnerGate
from emulator.partner.openapi import document
from emulator.partner.router import PartnerRouter
from emulator.partner.routes import OPERATIONS
from emulator.state import EmulatorState
from emulator.world import World

Handler = Callable[[EmulatorState, Request], Awaitable[Response]]
CONSOLE_PATHS = frozenset({"/", "/check", "/journal", "/report"})
# Set on the scope of a request that came through the CONNECT proxy (emulator.serve): whatever its client's
# address, it is not local, and the control surface refuses it.
TUNNELLED = "pcemu.tunnelled"


def build_partner_app(state: EmulatorState) -> ASGIApp:
    by_path: dict[str, dict[str, Handler]] = {}
    for op in OPERATIONS:
        by_path.setdefault(op.path, {})[op.method] = op.handler
    # The .NET SDK posts new users to customers/{id}/users/ with a trailing slash: the router ignores it.
    return PartnerGate(state, PartnerRouter(state, by_path))


@functools.cache
def _openapi_bytes() -> bytes:
    """/openapi.json, built once per process on first request (0.15 s: not at every app's creation)."""
    return json.dumps(document(), separators=(",", ":")).encode()


def build_identity_app(state: EmulatorState) -> Starlette:
    async def v2_config(request: Request) -> Response:
        return discovery.openid_configuration_v2(state, request)

    async def v1_config(request: Request) -> Response:
        return discovery.openid_configuration_v1(state, request)

    async def keys_v1(request: Request) -> Response:
        return discovery.jwks(state, request, v2=False)

    async def keys_v2(request: Request) -> Response:
        return discovery.jwks(state, request, v2=True)

    async def instance(request: Request) -> Response:
        return discovery.instance_discovery(state, request)

    async def realm(request: Request) -> Response:
        return discovery.user_realm(state, request)

    async def authorize_v1(request: Request) -> Response:
        return await interactive.authorize(state, request, v2=False)

    async def authorize_v2(request: Request) -> Response:
        return await interactive.authorize(state, request, v2=True)

    async def devicecode_v1(request: Request) -> Response:
        return await device.devicecode(state, request, v2=False)

    async def devicecode_v2(request: Request) -> Response:
        return await device.devicecode(state, request, v2=True)

    async def devicelogin(request: Request) -> Response:
        return await interactive.devicelogin(state, request)

    async def generatetoken(request: Request) -> Response:
        return await legacy.generate_token(state, request)

    async def token_v1(request: Request) -> Response:
        return await token_endpoint(state, request, v2=False)

    async def token_v2(request: Request) -> Response:
        return await token_endpoint(state, request, v2=True)

    async def openapi_json(request: Request) -> Response:
        return Response(_openapi_bytes(), media_type="application/json")

    async def not_found(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return PlainTextResponse(f"{exc.status_code} {exc.detail}", status_code=exc.status_code)

    return Starlette(
        routes=[
            # GET gets Entra's own answer (AADSTS900561: POST only), other methods 405.
            Route("/{tenant}/oauth2/token", token_v1, methods=["GET", "POST", "OPTIONS"]),
            Route("/{tenant}/oauth2/v2.0/token", token_v2, methods=["GET", "POST", "OPTIONS"]),
            Route("/openapi.json", openapi_json, methods=["GET"]),
            Route("/common/discovery/instance", instance, methods=["GET"]),
            Route("/{tenant}/oauth2/authorize", authorize_v1, methods=["GET", "POST"]),
            Route("/{tenant}/oauth2/v2.0/authorize", authorize_v2, methods=["GET", "POST"]),
            Route("/{tenant}/oauth2/devicecode", devicecode_v1, methods=["POST"]),
            Route("/{tenant}/oauth2/v2.0/devicecode", devicecode_v2, methods=["POST"]),
            Route("/devicelogin", devicelogin, methods=["GET", "POST"]),
            Route("/generatetoken", generatetoken, methods=["POST"]),
            # MSAL asks /common/userrealm/…, adal /common/UserRealm/…: both, whatever the case.
            Route("/common/userrealm/{user}", realm, methods=["GET"]),
            Route("/{tenant}/v2.0/.well-known/openid-configuration", v2_config, methods=["GET"]),
            Route("/{tenant}/.well-known/openid-configuration", v1_config, methods=["GET"]),
            Route("/{tenant}/discovery/keys", keys_v1, methods=["GET"]),
            Route("/{tenant}/discovery/v2.0/keys", keys_v2, methods=["GET"]),
        ],
        exception_handlers={HTTPException: not_found},
    )


class EmulatorApp:
    """Dispatch by path prefix in plain ASGI, so a Partner Center call pays for no routing it does not need."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state
        self.partner = build_partner_app(state)
        self.control = build_control_app(state)
        self.identity = build_identity_app(state)
        self._console: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        path: str = scope.get("path", "")
        if "//" in path:
            # MSAL asks for https://login.microsoftonline.com/common//v2.0/…, and Entra answers it.
            path = re.sub("/{2,}", "/", path)
            scope = {**scope, "path": path}
        if path.startswith("/v1/"):
            await self.partner(scope, receive, send)
        elif path.startswith("/_emulator/") or path in CONSOLE_PATHS:
            refusal = self._control_refusal(scope)
            if refusal is not None:
                await error_response(403, "forbidden", refusal)(scope, receive, send)
                return
            if path.startswith("/_emulator/"):
                await self.control(scope, receive, send)
            else:
                await self.console(scope, receive, send)
        else:
            if path[:18].lower() == "/common/userrealm/" and not path.startswith("/common/userrealm/"):
                scope = {**scope, "path": "/common/userrealm/" + path[18:]}  # adal asks /common/UserRealm/…
            await self.identity(scope, receive, send)

    def _control_refusal(self, scope: Scope) -> str | None:
        """Why a request may not use the control API or the console (emulator.access), or None."""
        config = self.state.config
        if scope.get(TUNNELLED):
            return "the control API and console are not reachable through the proxy"
        client = scope.get("client")
        if not client_allowed(client[0] if client else None, config.control_hosts):
            return "the control API and console answer loopback clients only (see --control-host)"
        headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
        host = headers.get("host")
        if not access.host_allowed(host, (*config.cert_names, *config.allowed_hosts)):
            return (
                f"the control API and console answer only to this emulator's names, not {host!r} "
                "(add it with --allowed-host)"
            )
        own = f"{scope.get('scheme', 'http')}://{host}" if host else ""
        problem = access.cross_site(scope["method"], headers, own, forms=scope["path"] in CONSOLE_PATHS)
        if problem is not None:
            return f"cross-site requests cannot change the emulator: {problem}"
        return None

    @property
    def console(self) -> ASGIApp:
        if self._console is None:
            from emulator.console import build_console_app

            self._console = build_console_app(self.state)
        return self._console

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return


def create_app(config: Config | None = None, *, world: World | None = None) -> EmulatorApp:
    return EmulatorApp(EmulatorState(config or Config(), world=world))
