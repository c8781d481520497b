"""The contract check itself: it must reject what the document does not allow, or it proves nothing."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.contract import ContractError, check


def response(method: str, path: str, status: int, body: object | None) -> httpx.Response:
    content = b"" if body is None else json.dumps(body).encode()
    headers = {"content-type": "application/json; charset=utf-8"} if body is not None else {}
    return httpx.Response(status, content=content, headers=headers, request=httpx.Request(method, f"http://x{path}"))


GOOD_COLLECTION = {
    "totalCount": 0,
    "items": [],
    "links": {"self": {"uri": "/v1/customers", "method": "GET", "headers": []}},
    "attributes": {"objectType": "Collection"},
}


def test_accepts_a_documented_answer() -> None:
    check(response("GET", "/v1/customers", 200, GOOD_COLLECTION))
    check(
        response("GET", "/v1/customers/1", 404, {"code": 60003, "description": "x", "data": [], "source": "PartnerFD"})
    )
    check(response("GET", "/v1/nothing", 404, {"statusCode": 404, "message": "Resource not found"}))


@pytest.mark.parametrize(
    ("method", "path", "status", "body"),
    [
        ("GET", "/v1/customers", 200, {**GOOD_COLLECTION, "totalCount": "0"}),  # a number as a string
        ("GET", "/v1/customers", 200, {k: v for k, v in GOOD_COLLECTION.items() if k != "items"}),
        ("GET", "/v1/customers", 200, {**GOOD_COLLECTION, "extra": 1}),
        ("GET", "/v1/customers", 418, GOOD_COLLECTION),  # an undocumented status
        ("GET", "/v1/customers", 400, {"code": 1, "description": "x", "data": [], "source": "Other"}),
        ("DELETE", "/v1/customers/1", 204, {"unexpected": True}),
        ("GET", "/v1/invoices", 200, None),
    ],
)
def test_rejects_what_the_document_does_not_allow(method: str, path: str, status: int, body: object) -> None:
    with pytest.raises(ContractError):
        check(response(method, path, status, body))
