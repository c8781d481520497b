"""The OpenAPI 3.1 description of the control API (/_emulator/openapi.json)."""

from __future__ import annotations

from typing import Any

import emulator

OBJ: dict[str, Any] = {"type": "object"}
ERROR = {
    "type": "object",
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
    "required": ["error", "message"],
}


def _answer(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": description}
    if schema is not None:
        answer["content"] = {"application/json": {"schema": schema}}
    return answer


def _op(
    summary: str,
    ok: str = "200",
    *,
    body: dict[str, Any] | None = None,
    errors: tuple[str, ...] = ("400",),
    ok_schema: dict[str, Any] | None = OBJ,
    params: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    responses: dict[str, Any] = {ok: _answer("Success.", ok_schema)}
    for status in errors:
        responses[status] = _answer("A clear error: what is wrong with the request.", ERROR)
    responses["403"] = _answer("The client is not on loopback (see --control-host).", ERROR)
    operation: dict[str, Any] = {"summary": summary, "responses": responses}
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if params:
        operation["parameters"] = params
    return operation


def _path(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def _query(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema}


FAULT_RULE = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "method": {"type": "string"},
        "path": {"type": "string", "description": "glob, e.g. /v1/customers*"},
        "app": {"type": "string"},
        "user": {"type": "string"},
        "first": {"type": "integer", "minimum": 1},
        "every": {"type": "integer", "minimum": 1},
        "window": {
            "type": "object",
            "properties": {"fromSeconds": {"type": "number"}, "forSeconds": {"type": "number"}},
        },
        "status": {"type": "integer", "minimum": 100, "maximum": 599},
        "body": {},
        "headers": {"type": "object", "additionalProperties": {"type": "string"}},
        "retryAfter": {"type": "integer", "minimum": 0},
        "latencyMs": {"type": "integer", "minimum": 0},
        "jitterMs": {"type": "integer", "minimum": 0},
        "drop": {"type": "boolean"},
    },
}


def _report() -> dict[str, Any]:
    operation = _op(
        "How many app+user calls a profile would refuse",
        params=[_query("profile", {"type": "string"}), _query("format", {"enum": ["json", "text"]})],
    )
    operation["responses"]["200"]["content"]["text/plain"] = {"schema": {"type": "string"}}
    return operation


def control_document() -> dict[str, Any]:
    profile_body = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "rolloutPercent": {"type": "integer"}},
        "required": ["name"],
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Partner Center Emulator control API", "version": emulator.__version__},
        "paths": {
            "/_emulator/health": {"get": _op("Ready, with the profile and tenant", errors=())},
            "/_emulator/reset": {"post": _op("World, profile, clock, journal and faults back to the start", errors=())},
            "/_emulator/profile": {
                "get": _op("The active enforcement profile", errors=()),
                "put": _op("Change the enforcement profile", body=profile_body, errors=("400", "409", "413")),
            },
            "/_emulator/clock": {"get": _op("The emulator's clock", errors=())},
            "/_emulator/clock/advance": {
                "post": _op(
                    "Move the clock",
                    body={"type": "object", "properties": {"seconds": {"type": "number"}}, "required": ["seconds"]},
                    errors=("400", "413"),
                )
            },
            "/_emulator/journal": {
                "get": _op(
                    "Recorded calls with every profile's decision",
                    params=[_query(n, {"type": "string"}) for n in ("app", "user", "verdict", "kind")]
                    + [_query("limit", {"type": "integer", "minimum": 1})],
                )
            },
            "/_emulator/journal/export": {
                "get": {
                    "summary": "API request details as JSON lines",
                    "responses": {
                        "200": {
                            "description": "One JSON document per line.",
                            "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
                        },
                        "403": _answer("Not loopback.", ERROR),
                    },
                }
            },
            "/_emulator/report": {"get": _report()},
            "/_emulator/scenarios": {
                "get": _op("Scenarios available and loaded", errors=()),
                "post": _op(
                    "Load a scenario",
                    "201",
                    body={"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
                    errors=("400", "413"),
                ),
            },
            "/_emulator/apps/{client_id}/certificates": {
                "get": _op(
                    "An app's certificates (keyCredentials), with runtime for those a reset removes",
                    errors=("404",),
                    params=[_path("client_id")],
                ),
                "post": _op(
                    "Register a certificate for an app (until the next reset)",
                    "201",
                    body={
                        "type": "object",
                        "properties": {
                            "key": {"type": "string", "minLength": 1},
                            "customKeyIdentifier": {"type": "string"},
                            "displayName": {"type": "string"},
                        },
                        "required": ["key"],
                    },
                    errors=("400", "404", "413"),
                    params=[_path("client_id")],
                ),
            },
            "/_emulator/apps/{client_id}/federatedCredentials": {
                "get": _op("An app's federated identity credentials", errors=("404",), params=[_path("client_id")]),
                "post": _op(
                    "Trust an issuer, subject and audience for an app (until the next reset)",
                    "201",
                    body={
                        "type": "object",
                        "properties": {
                            "name": {"type": "string", "minLength": 1},
                            "issuer": {"type": "string", "minLength": 1},
                            "subject": {"type": "string", "minLength": 1},
                            "audiences": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
                            "description": {"type": "string"},
                        },
                        "required": ["name", "issuer", "subject"],
                    },
                    errors=("400", "404", "413"),
                    params=[_path("client_id")],
                ),
            },
            "/_emulator/oidc/.well-known/openid-configuration": {
                "get": _op("The local test issuer's discovery document (the CI system's OIDC issuer)", errors=())
            },
            "/_emulator/oidc/keys": {"get": _op("The local test issuer's keys", errors=())},
            "/_emulator/oidc/token": {
                "post": _op(
                    "A token of the local test issuer, as a CI job gets one: {value}",
                    body={
                        "type": "object",
                        "properties": {
                            "subject": {"type": "string", "minLength": 1},
                            "audience": {"type": "string", "minLength": 1},
                            "lifetimeSeconds": {"type": "integer", "minimum": 1, "maximum": 86400},
                        },
                        "required": ["subject"],
                    },
                    errors=("400", "413"),
                )
            },
            "/_emulator/scenarios/{name}": {
                "delete": _op("Unload a scenario", errors=("404",), params=[_path("name")])
            },
            "/_emulator/keys": {"get": _op("The signing keys: active and published", errors=())},
            "/_emulator/keys/rotate": {
                "post": _op(
                    "Rotate the signing key",
                    body={
                        "type": "object",
                        "properties": {"graceSeconds": {"type": "number", "minimum": 0, "maximum": 2592000}},
                    },
                    errors=("400", "413"),
                )
            },
            "/_emulator/faults": {
                "get": _op("Fault rules with their counts", errors=()),
                "post": _op("Add a fault rule", "201", body=FAULT_RULE, errors=("400", "413")),
                "delete": _op("Remove every fault rule", "204", ok_schema=None, errors=()),
            },
            "/_emulator/faults/{rule_id}": {
                "delete": _op("Remove a fault rule", "204", ok_schema=None, errors=("404",), params=[_path("rule_id")])
            },
        },
    }
