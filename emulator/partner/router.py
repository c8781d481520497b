"""Routing of Partner Center calls in plain ASGI: one dictionary lookup by segment count, then literal segments.

Leaner than a general-purpose router on the hot path, and it answers like Partner Center's gateway: an unknown
path is {statusCode: 404, message}, a wrong method a 405 whose Allow header names the methods of the path.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from emulator.partner.errors import partner_error
from emulator.partner.models.errors import DomainError
from emulator.partner.responses import PartnerError, gateway_error
from emulator.state import EmulatorState

Handler = Callable[[EmulatorState, Request], Awaitable[Response]]


# Where the gate leaves the route it matched for a request, so that the router does not match it again.
ROUTE_KEY = "pcemu.route"


@dataclass(frozen=True)
class _Route:
    template: str  # as Partner Center names operations: /v{version}/customers/{customer_id}
    segments: tuple[str | None, ...]  # None where the template has a {parameter}
    names: tuple[str, ...]  # the parameters' names, in order
    handlers: Mapping[str, Handler]
    allow: str


class PartnerRouter:
    def __init__(self, state: EmulatorState, routes: Mapping[str, Mapping[str, Handler]]) -> None:
        self.state = state
        self._by_length: dict[int, list[_Route]] = {}
        for template, handlers in routes.items():
            parts = template.strip("/").split("/")
            segments = tuple(None if p.startswith("{") else p for p in parts)
            names = tuple(p[1:-1] for p in parts if p.startswith("{"))
            methods = sorted({*handlers, *(["HEAD"] if "GET" in handlers else [])})
            named = template.replace("/v1/", "/v{version}/", 1)
            route = _Route(named, segments, names, dict(handlers), ", ".join(methods))
            self._by_length.setdefault(len(segments), []).append(route)
        for candidates in self._by_length.values():
            # Literal segments win over parameters: /v1/customers/{id} never shadows a longer literal path.
            candidates.sort(key=lambda r: sum(s is None for s in r.segments))

    def match(self, path: str) -> tuple[_Route, dict[str, str]] | None:
        parts = path.strip("/").split("/")
        for route in self._by_length.get(len(parts), ()):
            params: dict[str, str] = {}
            names = iter(route.names)
            for want, got in zip(route.segments, parts, strict=True):
                if want is None:
                    if not got:
                        break
                    params[next(names)] = got
                elif want != got:
                    break
            else:
                return route, params
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = scope[ROUTE_KEY] if ROUTE_KEY in scope else self.match(scope["path"])
        if found is None:
            response = gateway_error(404, "Resource not found")
        else:
            route, params = found
            method = scope["method"]
            handler = route.handlers.get(method) or (route.handlers.get("GET") if method == "HEAD" else None)
            if handler is None:
                response = gateway_error(405, "Method Not Allowed")
                response.headers["Allow"] = route.allow
            else:
                scope["path_params"] = params
                try:
                    response = await handler(self.state, Request(scope, receive))
                except DomainError as exc:
                    response = partner_error(exc).response()
                except PartnerError as exc:
                    response = exc.response()
        await response(scope, receive, send)
