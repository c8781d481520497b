"""Every Partner Center response the suite receives is checked against /openapi.json (tests/conftest.py)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import httpx
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from emulator.partner.openapi import document


@cache
def _spec() -> tuple[dict[str, Any], Registry, list[tuple[re.Pattern[str], dict[str, Any]]]]:
    spec = document()
    registry: Registry = Registry().with_resource("urn:pcemu:openapi", Resource.from_contents(spec, DRAFT202012))
    routes = []
    for template, item in spec["paths"].items():
        pattern = re.sub(r"\{[^}]+\}", "[^/]+", template)
        routes.append((re.compile(f"^{pattern}/?$"), item))
    # Literal paths first, so /v1/customers/{id} never shadows a longer literal route.
    routes.sort(key=lambda r: r[0].pattern.count("[^/]+"))
    return spec, registry, routes


class ContractError(AssertionError):
    pass


def check(response: httpx.Response) -> None:
    """Raise ContractError when a /v1 response is not what the OpenAPI document says it may be."""
    request = response.request
    path = request.url.path
    if not path.startswith("/v1/") or "x-pcemu-fault" in response.headers:
        return  # a fault rule's answer is whatever the test asked for
    _, registry, routes = _spec()
    item = next((item for pattern, item in routes if pattern.match(path)), None)
    status = str(response.status_code)
    if item is None:
        if status != "404":
            raise ContractError(f"{request.method} {path}: no such path in the document, yet {status}")
        return
    operation = item.get(request.method.lower())
    if operation is None:
        if status != "405":
            raise ContractError(f"{request.method} {path}: method not in the document, yet {status}")
        return
    documented = operation["responses"].get(status)
    if documented is None:
        raise ContractError(f"{request.method} {path}: status {status} is not documented")
    content = documented.get("content")
    if request.method == "HEAD":
        return  # a HEAD answer has no body, whatever the status (RFC 9110)
    if not response.content:
        if content is not None and not (status == "401"):
            raise ContractError(f"{request.method} {path}: {status} has no body but the document has one")
        return
    if content is None:
        raise ContractError(f"{request.method} {path}: {status} has a body but the document has none")
    if not response.headers.get("content-type", "").startswith("application/json"):
        raise ContractError(f"{request.method} {path}: content type {response.headers.get('content-type')}")
    validator = Draft202012Validator(_anchor(content["application/json"]["schema"]), registry=registry)
    errors = sorted(validator.iter_errors(response.json()), key=lambda e: [str(p) for p in e.path])
    if errors:
        first = errors[0]
        raise ContractError(
            f"{request.method} {path} {status}: {first.message} at {'/'.join(str(p) for p in first.path)}"
        )


def _anchor(schema: Any) -> Any:
    """Point the document's local references at the registered document."""
    if isinstance(schema, dict):
        return {
            key: (f"urn:pcemu:openapi{value}" if key == "$ref" and isinstance(value, str) else _anchor(value))
            for key, value in schema.items()
        }
    if isinstance(schema, list):
        return [_anchor(item) for item in schema]
    return schema
