"""Partner Center's JSON responses and error body: {code, description, data, source: "PartnerFD"}."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from emulator.partner.schemas.resources import encode
from emulator.profiles import WWW_AUTHENTICATE_INVALID_TOKEN

CONTENT_TYPE = "application/json; charset=utf-8"


class PartnerJSON(Response):
    """A wire shape (or a plain document) as compact UTF-8 JSON."""

    media_type = CONTENT_TYPE

    def render(self, content: Any) -> bytes:
        return encode(content)


def error_body(code: int | str, description: str, data: list[Any] | None = None) -> dict[str, Any]:
    # Classic codes (3000, 1000, …) are integers as in the documented samples; 9004xx are strings (2025 report).
    return {"code": code, "description": description[:1024], "data": data or [], "source": "PartnerFD"}


class PartnerError(Exception):
    """A refusal a handler raises; rendered in Partner Center's error body by the router."""

    def __init__(
        self,
        status: int,
        code: int | str,
        description: str,
        headers: dict[str, str] | None = None,
        *,
        body: dict[str, Any] | None = None,
        data: list[Any] | None = None,
    ) -> None:
        super().__init__(description)
        self.status, self.code, self.description, self.headers = status, code, description, headers or {}
        self.body = body  # another documented form than the classic one
        self.data = data or []

    def response(self) -> Response:
        headers = dict(self.headers)
        if self.status == 401:
            headers.setdefault(*WWW_AUTHENTICATE_INVALID_TOKEN)  # every 401 of the API carries it
        body = self.body if self.body is not None else error_body(self.code, self.description, self.data)
        return PartnerJSON(body, status_code=self.status, headers=headers)


def not_offered(operation_id: str) -> PartnerError:
    """An operation the emulator knows but does not emulate: 501 in Partner Center's error body, naming it, so a
    client sees at once that the emulator (not its own call) is the limit."""
    return PartnerError(
        501, 501, f"The Partner Center emulator does not offer the operation {operation_id}; see docs/coverage.md."
    )


def gateway_error(status: int, message: str) -> Response:
    """The API gateway's own shape, used before a request reaches PartnerFD (404 route, 405, 429)."""
    return PartnerJSON({"statusCode": status, "message": message}, status_code=status)


def link(uri: str, method: str = "GET", headers: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"uri": uri, "method": method, "headers": headers or []}
