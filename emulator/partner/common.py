"""What every Partner Center handler shares: token kind checks, query and body parsing, paging, ids, idempotency."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, quote

from starlette.requests import Request
from starlette.responses import Response

from emulator.partner.gate import CLAIMS_KEY
from emulator.partner.responses import PartnerError, PartnerJSON, link
from emulator.policy import is_app_user
from emulator.state import EmulatorState
from emulator.world import is_guid

MAX_BODY = 1024 * 1024
IDEMPOTENCY_ENTRIES = 10_000

Handler = Callable[[EmulatorState, Request], Awaitable[Response]]


def require_app_user(request: Request) -> None:
    """Operations documented as App+User only refuse app-only tokens (HTTP 401, code 400; inferred)."""
    if not is_app_user(request.scope[CLAIMS_KEY]):
        raise PartnerError(
            401,
            400,
            "Access denied: this operation supports App+User authentication only; the token is app-only "
            "(client credentials). Sign in a user and call with that token.",
        )


def invalid_input(message: str) -> PartnerError:
    return PartnerError(400, 800002, f"Invalid request input: {message}")


def invalid_property(message: str) -> PartnerError:
    return PartnerError(400, 3000, f"Invalid property: {message}")


def _parse_query(raw: bytes) -> Mapping[str, str]:
    # As Starlette's QueryParams: latin-1, blank values kept, the last of a name wins.
    return dict(parse_qsl(raw.decode("latin-1"), keep_blank_values=True))


# Clients page through the same few queries, and parsing was a tenth of a list call: short ones are parsed once.
_parse_short_query = lru_cache(maxsize=1024)(_parse_query)
SHORT_QUERY = 512


def query(request: Request) -> Mapping[str, str]:
    """The request's query parameters (read-only: the mapping may be shared by every request with this query)."""
    raw: bytes = request.scope.get("query_string", b"")
    return _parse_short_query(raw) if len(raw) <= SHORT_QUERY else _parse_query(raw)


def int_param(request: Request, name: str, default: int, minimum: int) -> int:
    raw = query(request).get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid_input(f"'{name}' must be an integer, got '{raw[:64]}'.") from None
    if value < minimum:
        raise invalid_input(f"'{name}' must be at least {minimum}, got {value}.")
    return value


def guid_param(value: str, what: str) -> str:
    if not is_guid(value):
        raise invalid_input(f"the {what} '{value[:64]}' is not a GUID.")
    return value.lower()


def now_iso(state: EmulatorState) -> str:
    moment = datetime.fromtimestamp(state.clock.now(), UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def new_id(state: EmulatorState) -> str:
    """A GUID; drawn from the seeded generator when the emulator runs deterministically."""
    if state.config.seed is not None:
        return str(uuid.UUID(int=state.rng.getrandbits(128), version=4))
    return str(uuid.uuid4())


def public(doc: dict[str, Any]) -> dict[str, Any]:
    """A stored document without its internal fields (those starting with an underscore)."""
    return {key: value for key, value in doc.items() if not key.startswith("_")}


def lower_keys(value: Any) -> Any:
    """Request bodies are read case-insensitively: the docs send PascalCase, the SDKs camelCase."""
    if isinstance(value, dict):
        return {str(key).lower(): lower_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [lower_keys(item) for item in value]
    return value


async def json_body(request: Request) -> dict[str, Any]:
    body = await request.body()
    if len(body) > MAX_BODY:
        raise PartnerError(413, 800002, f"Invalid request input: the body is larger than {MAX_BODY} bytes.")
    if not body.strip():
        raise invalid_input("the request has no body; a JSON object is expected.")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise invalid_input("the body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise invalid_input("the body must be a JSON object.")
    lowered: dict[str, Any] = lower_keys(data)
    return lowered


# --- fields of a request body (keys already lower-cased) -------------------------------------------------------


def field_text(body: dict[str, Any], key: str, path: str, *, required: bool = True, limit: int = 256) -> str | None:
    value = body.get(key)
    if value is None:
        if required:
            raise invalid_property(f"'{path}' is required.")
        return None
    if not isinstance(value, str) or not value.strip():
        raise invalid_property(f"'{path}' must be a non-empty string.")
    if len(value) > limit:
        raise invalid_property(f"'{path}' is longer than {limit} characters.")
    return value.strip()


def field_object(body: dict[str, Any], key: str, path: str) -> dict[str, Any]:
    value = body.get(key)
    if not isinstance(value, dict):
        raise invalid_property(f"'{path}' is required and must be an object.")
    return value


def field_int(body: dict[str, Any], key: str, path: str) -> int | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid_input(f"'{path}' must be a whole number, got {json.dumps(value)[:64]}.")
    return value


def field_bool(body: dict[str, Any], key: str, path: str) -> bool | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise invalid_input(f"'{path}' must be true or false, got {json.dumps(value)[:64]}.")
    return value


# --- collections and paging ----------------------------------------------------------------------------------


def collection(
    items: list[dict[str, Any]],
    self_uri: str,
    *,
    next_link: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Partner Center's collection. totalCount counts the items of this page, as the documented samples do."""
    links: dict[str, Any] = {"self": link(self_uri)}
    if next_link is not None:
        links["next"] = next_link
    doc: dict[str, Any] = {"totalCount": len(items), "items": items, "links": links}
    if extra:
        doc |= extra
    doc["attributes"] = {"objectType": "Collection"}
    return doc


_ascii_json = json.JSONEncoder(separators=(",", ":")).encode


def encode_continuation(position: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(_ascii_json(position).encode()).decode()


def decode_continuation(token: str) -> dict[str, Any]:
    try:
        data = json.loads(base64.urlsafe_b64decode(token.strip() + "=" * (-len(token.strip()) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise invalid_input(
            "the MS-ContinuationToken header is not a continuation token this service issued."
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("o"), int) or not isinstance(data.get("s"), int):
        raise invalid_input("the MS-ContinuationToken header is not a continuation token this service issued.")
    if data["o"] < 0 or data["s"] < 1:
        raise invalid_input("the MS-ContinuationToken header is not a continuation token this service issued.")
    return data


class Page:
    """Where a list request starts and how large a page is: by `offset`, or by seek with a continuation token."""

    def __init__(self, request: Request, *, default_size: int, max_size: int) -> None:
        params = query(request)
        self.seek = (params.get("seekOperation") or params.get("seekoperation") or "").strip()
        self.filter_raw: str | None = params.get("filter")
        self.by_offset = "offset" in params
        if self.seek:
            if self.seek.lower() != "next":
                raise invalid_input(f"seekOperation '{self.seek[:32]}' is not supported; use 'Next'.")
            token = request.headers.get("ms-continuationtoken")
            if not token:
                raise invalid_input("seekOperation=Next needs the MS-ContinuationToken header from the previous page.")
            position = decode_continuation(token)
            self.offset, self.size = position["o"], min(position["s"], max_size)
            self.filter_raw = position.get("f") if isinstance(position.get("f"), str) else None
        else:
            size = int_param(request, "size", default_size, 0)
            self.size = min(size or default_size, max_size)
            self.offset = int_param(request, "offset", 0, 0)

    def next_link(self, path: str, total: int) -> tuple[dict[str, Any] | None, str | None]:
        """(links.next, continuationToken) for the page after this one; (None, None) on the last page."""
        following = self.offset + self.size
        if following >= total:
            return None, None
        if self.by_offset:
            query = f"size={self.size}&offset={following}"
            if self.filter_raw is not None:
                query += f"&filter={quote(self.filter_raw, safe='')}"
            return link(f"{path}?{query}"), None
        position: dict[str, Any] = {"o": following, "s": self.size}
        if self.filter_raw is not None:
            position["f"] = self.filter_raw
        token = encode_continuation(position)
        query = f"size={self.size}"
        if self.filter_raw is not None:
            query += f"&filter={quote(self.filter_raw, safe='')}"
        return link(
            f"{path}?{query}&seekOperation=Next", headers=[{"key": "MS-ContinuationToken", "value": token}]
        ), token


def self_uri(request: Request, path: str) -> str:
    # The query as sent: the HTTP parser admits only ASCII in a request line, so latin-1 decodes it exactly.
    raw = request.scope.get("query_string", b"").decode("latin-1")
    return f"{path}?{raw}" if raw else path


# --- idempotency (MS-RequestId) -------------------------------------------------------------------------------


def replayed(state: EmulatorState, request: Request) -> Response | None:
    """The first answer to this creating call if it is a retry with the same MS-RequestId, else None."""
    key = _idempotency_key(request)
    if key is None:
        return None
    found = state.world.idempotent.get(key)
    if found is None:
        return None
    status, body = found
    return PartnerJSON(body, status_code=status)


def remember(state: EmulatorState, request: Request, status: int, body: Any) -> Response:
    key = _idempotency_key(request)
    if key is not None:
        table = state.world.idempotent
        if len(table) >= IDEMPOTENCY_ENTRIES:
            table.pop(next(iter(table)))
        table[key] = (status, body)
    return PartnerJSON(body, status_code=status)


def _idempotency_key(request: Request) -> str | None:
    request_id = request.headers.get("ms-requestid")
    if not request_id:
        return None
    # Keyed by caller too: another app or user reusing the id gets its own answer, never someone else's.
    claims = request.scope.get(CLAIMS_KEY) or {}
    caller = f"{claims.get('tid')}/{claims.get('appid') or claims.get('azp')}/{claims.get('oid')}"
    return f"{caller} {request.method} {request.url.path.rstrip('/').lower()} {request_id.strip().lower()}"


def customer_or_404(state: EmulatorState, customer_id: str) -> dict[str, Any]:
    customer = state.world.customers.get(guid_param(customer_id, "customer id"))
    if customer is None:
        # Inferred: no capture of this answer; 60003 "Tenant not found" fits a customer (tenant) id.
        raise PartnerError(
            404, 60003, f"Tenant not found: no customer with id {customer_id.lower()} in this partner's customers."
        )
    return customer
