"""The OpenAPI 3.1 description of the emulated Partner Center surface, served at /openapi.json.

Generated: the paths from the operations table (`routes.OPERATIONS`), the schemas from the typed wire shapes
(`schemas.resources`) and request bodies (`schemas.requests`). Nothing here describes a field by hand.
"""

from __future__ import annotations

import json
import re
from typing import Any

import msgspec

import emulator
from emulator.partner.routes import OPERATIONS, Operation, param
from emulator.partner.schemas import commerce, requests, resources

REF = "#/components/schemas/{name}"

ERROR_STATUSES = {
    "400": "Invalid request input or an invalid property (code 800002, 3000 and others).",
    "401": "The token is missing, invalid or refused by the MFA rule (900421, 900420) of the active profile. "
    "Under the 2019 profiles the MFA refusal has an empty body.",
    "403": "Forbidden for this partner.",
    "404": "Not found (Partner Center's error body) or no such route (the gateway's {statusCode, message}).",
    "409": "Conflict.",
    "412": "The etag (If-Match or attributes.etag) is no longer valid (code 2055).",
    "413": "The request body is too large.",
    "429": "Too many requests (throttling): Retry-After and the gateway's {statusCode, message}.",
    "500": "Unexpected service error (code 800003).",
    "503": "Service unavailable, with Retry-After.",
}
# Answered by the gateway too (a route it does not know, throttling, an outage): either body.
GATEWAY_STATUSES = ("404", "429", "503")

HEADERS = [
    param(
        "MS-RequestId",
        "header",
        {"type": "string"},
        "Idempotency key: a retried creating call with the same value returns the first answer and creates "
        "nothing new.",
    ),
    param("MS-CorrelationId", "header", {"type": "string"}, "Echoed in the response."),
    param("MS-Enforce-MFA", "header", {"type": "string"}, "The 2019 pilot's opt-in header (profile pilot-2019)."),
]


def _names(text: str) -> str:
    """msgspec names generic shapes after their parameters; give them the names a reader expects."""
    text = re.sub(r"(Etag)?Attributes_typing\.Literal__(\w+?)___", r"\2\1Attributes", text)
    return re.sub(r"Collection_(\w+?)_\b", r"\1Collection", text)


def _components() -> tuple[dict[str, Any], dict[str, Any]]:
    """(answer schema by operation id, component schemas) for every wire shape the operations use."""
    answered = [op for op in OPERATIONS if op.answer is not None]
    # An answer of one of several shapes (invoice line items: one collection type per provider) is a tuple of them.
    shapes = [op.answer if isinstance(op.answer, tuple) else (op.answer,) for op in answered]
    types = [shape for each in shapes for shape in each]
    types += [resources.Error, resources.GatewayError, commerce.ExtendedError]
    schemas, components = msgspec.json.schema_components(types, ref_template=REF)
    found = iter(schemas)
    answers = {}
    for op, each in zip(answered, shapes, strict=True):
        alternatives = [next(found) for _ in each]
        answers[op.operation_id] = alternatives[0] if len(alternatives) == 1 else {"anyOf": alternatives}
    for op in OPERATIONS:
        if op.body is not None:
            components[op.body.__name__] = requests.schema(op.body)
    for schema in components.values():
        schema.pop("title", None)
    renamed: tuple[dict[str, Any], dict[str, Any]] = json.loads(_names(json.dumps([answers, components])))
    return renamed


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _errors(*statuses: str, extended: tuple[str, ...] = ()) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for status in statuses:
        error: dict[str, Any] = {"$ref": REF.format(name="Error")}
        gateway = {"$ref": REF.format(name="GatewayError")}
        schema = {"oneOf": [error, gateway]} if status in GATEWAY_STATUSES else error
        if status in extended:
            schema = {"oneOf": [error, {"$ref": REF.format(name="ExtendedError")}]}
        result[status] = {"description": ERROR_STATUSES[status], "content": _json(schema)}
    return result


def _operation(op: Operation, answer: dict[str, Any] | None) -> dict[str, Any]:
    success: dict[str, Any] = {"description": "Success."}
    if answer is not None:
        success["content"] = _json(answer)
    errors = (*op.errors, "413") if op.body is not None and "413" not in op.errors else op.errors
    operation: dict[str, Any] = {
        "summary": op.summary,
        "description": "App+User tokens only; app-only tokens get 401 code 400."
        if op.app_user_only
        else "App-only and App+User tokens.",
        "operationId": op.operation_id,
        "parameters": [*op.params, *HEADERS],
        "responses": {str(op.status): success, **_errors(*errors, extended=op.extended)},
    }
    if op.body is not None:
        operation["requestBody"] = {"required": True, "content": _json({"$ref": REF.format(name=op.body.__name__)})}
    elif op.raw_body is not None:
        operation["requestBody"] = {"required": True, "content": _json(op.raw_body)}
    if op.method == "HEAD":  # a HEAD answer has no body, whatever its status (RFC 9110)
        for answer in operation["responses"].values():
            answer.pop("content", None)
    return operation


def document() -> dict[str, Any]:
    answers, components = _components()
    paths: dict[str, Any] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op, answers.get(op.operation_id))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Partner Center REST API (emulated)",
            "version": emulator.__version__,
            "description": "The Partner Center operations the emulator serves, with their documented shapes. "
            "Every call needs a bearer token issued by the emulator; the active enforcement profile decides "
            "whether an app+user token without MFA is refused.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }
