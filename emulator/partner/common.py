"""What every Partner Center handler shares: token kind checks, query and body reading, paging, idempotency keys.

Handlers parse the request, call one model method and render its answer; nothing here changes state.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import parse_qsl, quote

from msgspec import UNSET, UnsetType, convert
from starlette.requests import Request
from starlette.responses import Response

from emulator.bodies import BodyTooLarge as TooLarge
from emulator.bodies import read_limited
from emulator.partner.gate import CLAIMS_KEY
from emulator.partner.models.base import Doc, Model
from emulator.partner.models.errors import AppOnlyRefused, BodyTooLarge, InvalidInput
from emulator.partner.responses import link
from emulator.partner.schemas import resources as w
from emulator.partner.schemas.requests import B, read
from emulator.policy import caller, is_app_user
from emulator.state import EmulatorState

MAX_BODY = 1024 * 1024

Handler = Callable[[EmulatorState, Request], Awaitable[Response]]


def require_app_user(request: Request) -> None:
    """Operations documented as App+User only refuse app-only tokens (HTTP 401, code 400; inferred)."""
    if not is_app_user(request.scope[CLAIMS_KEY]):
        raise AppOnlyRefused()


def path_customer(state: EmulatorState, request: Request, *, app_user: bool = False) -> Doc:
    """The customer the path names ({customer_id}), after refusing app-only callers where the operation is
    documented as App+User only; an unknown or malformed id raises the model's error."""
    if app_user:
        require_app_user(request)
    return state.models.customers.get(request.path_params["customer_id"])


def _parse_query(raw: bytes) -> Mapping[str, str]:
    # As Starlette's QueryParams: latin-1, blank values kept, the last of a name wins.
    return dict(parse_qsl(raw.decode("latin-1"), keep_blank_values=True))


# Clients page through the same few queries, and parsing was a tenth of a list call: short ones are parsed once.
SHORT_QUERY = 512


def query(state: EmulatorState, request: Request) -> Mapping[str, str]:
    """The request's query parameters (read-only: the mapping may be shared by every request with this query)."""
    raw: bytes = request.scope.get("query_string", b"")
    if len(raw) > SHORT_QUERY:
        return _parse_query(raw)
    known = state.caches.queries
    params = known.get(raw)
    if params is None:
        if len(known) >= state.caches.QUERIES_MAX:
            known.clear()
        params = known[raw] = _parse_query(raw)
    return params


def country_param(state: EmulatorState, request: Request) -> str:
    """The market a catalogue call names: `country`, two letters, upper-cased."""
    country = query(state, request).get("country")
    if country is None or not country.strip():
        raise InvalidInput("'country' is required (a two-letter country code such as US).")
    country = country.strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise InvalidInput(f"'country' must be a two-letter country code, got '{country[:16]}'.")
    return country


def int_param(params: Mapping[str, str], name: str, default: int, minimum: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput(f"'{name}' must be an integer, got '{raw[:64]}'.") from None
    if value < minimum:
        raise InvalidInput(f"'{name}' must be at least {minimum}, got {value}.")
    return value


def lower_keys(value: Any) -> Any:
    """Request bodies are read case-insensitively: the docs send PascalCase, the SDKs camelCase."""
    if isinstance(value, dict):
        return {str(key).lower(): lower_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [lower_keys(item) for item in value]
    return value


async def json_body(request: Request) -> dict[str, Any]:
    """The body as a JSON object with lower-cased keys."""
    try:
        body = await read_limited(request, MAX_BODY)
    except TooLarge:
        raise BodyTooLarge(f"the body is larger than {MAX_BODY} bytes.") from None
    if not body.strip():
        raise InvalidInput("the request has no body; a JSON object is expected.")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise InvalidInput("the body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise InvalidInput("the body must be a JSON object.")
    lowered: dict[str, Any] = lower_keys(data)
    return lowered


async def read_body(request: Request, kind: type[B]) -> B:
    """The body as the typed request `kind`, or Partner Center's error for its first problem."""
    return read(await json_body(request), kind)


R = TypeVar("R")


async def create_once(request: Request, model: Model, kind: type[B], create: Callable[[B, str | None], R]) -> R:
    """A creating call: the first answer again for a retry with the same MS-RequestId (the body is not read), else
    `create(body, idempotency key)`, which keeps its answer for such retries."""
    key = request_key(request)
    created: R | None = model.replayed(key)
    if created is None:
        created = create(await read_body(request, kind), key)
    return created


W = TypeVar("W", bound=w.Wire)


def wire(kind: type[W], record: dict[str, Any], **fields: Any) -> W:
    """A stored record in the wire shape `kind`: internal fields (a leading underscore) left out, `fields` (by
    their wire names) added or replacing. The shape checks the document: a field it does not know is an error."""
    document = {key: value for key, value in record.items() if not key.startswith("_")}
    document.update(fields)
    return convert(document, kind)


# --- collections and paging ----------------------------------------------------------------------------------


def collection(
    items: list[Any],
    self_uri: str | None = None,
    *,
    next_link: dict[str, Any] | None = None,
    continuation_token: str | None = None,
) -> w.Collection[Any]:
    """Partner Center's collection (with links when it has a self link). totalCount counts this page's items."""
    links: w.Links | UnsetType = UNSET
    if self_uri is not None:
        links = w.self_link(self_uri)
        if next_link is not None:
            links.next = convert(next_link, w.Link)
    return w.Collection(
        total_count=len(items),
        items=items,
        links=links,
        continuation_token=continuation_token or UNSET,
        attributes=w.Attributes("Collection"),
    )


_ascii_json = json.JSONEncoder(separators=(",", ":")).encode
_NOT_OURS = "the MS-ContinuationToken header is not a continuation token this service issued."


def encode_continuation(position: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(_ascii_json(position).encode()).decode()


def decode_continuation(token: str) -> dict[str, Any]:
    try:
        data = json.loads(base64.urlsafe_b64decode(token.strip() + "=" * (-len(token.strip()) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidInput(_NOT_OURS) from None
    if not isinstance(data, dict) or not isinstance(data.get("o"), int) or not isinstance(data.get("s"), int):
        raise InvalidInput(_NOT_OURS)
    if data["o"] < 0 or data["s"] < 1:
        raise InvalidInput(_NOT_OURS)
    return data


class Page:
    """Where a list request starts and how large a page is: by `offset`, or by seek with a continuation token."""

    def __init__(self, state: EmulatorState, request: Request, *, default_size: int, max_size: int) -> None:
        params = query(state, request)
        self.seek = (params.get("seekOperation") or params.get("seekoperation") or "").strip()
        self.filter_raw: str | None = params.get("filter")
        self.by_offset = "offset" in params
        if self.seek:
            if self.seek.lower() != "next":
                raise InvalidInput(f"seekOperation '{self.seek[:32]}' is not supported; use 'Next'.")
            token = request.headers.get("ms-continuationtoken")
            if not token:
                raise InvalidInput("seekOperation=Next needs the MS-ContinuationToken header from the previous page.")
            position = decode_continuation(token)
            self.offset, self.size = position["o"], min(position["s"], max_size)
            self.filter_raw = position.get("f") if isinstance(position.get("f"), str) else None
        else:
            size = int_param(params, "size", default_size, 0)
            self.size = min(size or default_size, max_size)
            self.offset = int_param(params, "offset", 0, 0)

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


def request_key(request: Request) -> str | None:
    """The idempotency key of a creating call: its MS-RequestId, for this caller, method and path."""
    request_id = request.headers.get("ms-requestid")
    if not request_id:
        return None
    # Keyed by caller too: another app or user reusing the id gets its own answer, never someone else's.
    who = caller(request.scope.get(CLAIMS_KEY) or {})
    path = request.url.path.rstrip("/").lower()
    return f"{who.tenant_id}/{who.app_id}/{who.object_id} {request.method} {path} {request_id.strip().lower()}"
