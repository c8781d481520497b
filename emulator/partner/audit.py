"""Audit records over HTTP (get-a-record-of-partner-center-activity-by-user.md), and who acts in a request.

GET /v1/auditrecords?startDate=&endDate=&size=&filter= answers the newest records first: a start date defaults
to 30 days before the request; one more than 90 days back is refused (400); the end date defaults to the start
plus the largest window or today, whichever is earlier. Pages follow with seekOperation=Next and the
MS-ContinuationToken header of links.next (a seek: records that arrive meanwhile do not shift the pages).
App-only and App+User tokens.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from msgspec import convert
from starlette.requests import Request
from starlette.responses import Response

from emulator.partner.common import collection, int_param, query, self_uri
from emulator.partner.models.audit import RETENTION, resource_values
from emulator.partner.models.base import Doc, guid
from emulator.partner.models.errors import InvalidInput
from emulator.partner.responses import PartnerJSON as JSON
from emulator.partner.responses import link
from emulator.partner.schemas import support as s
from emulator.partner.support import parse_filter
from emulator.state import EmulatorState

DEFAULT_DAYS = 30  # documented: "If none is provided, the result set will default to 30 days prior"
# [I] "the max window": 30 days, the chunks Partner Center's PowerShell module queries with a start date alone.
WINDOW_DAYS = 30
PAGE_SIZE = 500  # the documented sample's self link: size=500 where the request gave none
DAY = 86400.0
FILTER_FIELDS = {"CompanyName": ("substring",), "CustomerId": ("equals",), "ResourceType": ("equals",)}
# auditing-resources.md's resource types
RESOURCE_TYPES = (
    "customer", "customer_user", "order", "subscription", "license", "third_party_add_on", "mpn_association",
    "transfer", "application", "application_credential", "partner_user", "partner_relationship",
    "partner_customer_dap", "customer_directory_role", "referral", "software_key", "software_download_link",
    "spending_limit", "invoice", "agreement", "partner_customer_relationship", "self_serve_policy",
    "granular_admin_relationship", "granular_admin_access_assignment", "credit", "software_page", "device", "policy",
    "new_commerce_migration",
)  # fmt: skip
_NOT_OURS = "the MS-ContinuationToken header is not a continuation token this service issued."


# --- dates, filter, continuation ---------------------------------------------------------------------------------

_DAY_FORMS = ("%Y-%m-%d",)
# The .NET SDK writes DateTime.ToString(CultureInfo.InvariantCulture); the documented request, en-US's form.
_MOMENT_FORMS = (
    "%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S",
    "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M:%S %p",
)  # fmt: skip


def parse_date(raw: str, name: str, *, end: bool) -> float:
    """A date (yyyy-mm-dd: the whole day; an end date includes it) or a moment, in UTC."""
    text = raw.strip()
    for form in _DAY_FORMS:
        try:
            day = datetime.strptime(text, form).replace(tzinfo=UTC)
        except ValueError:
            continue
        return (day + timedelta(days=1)).timestamp() - 0.001 if end and day.year < 9999 else day.timestamp()
    for form in _MOMENT_FORMS:
        try:
            return datetime.strptime(text, form).replace(tzinfo=UTC).timestamp()
        except ValueError:
            continue
    raise InvalidInput(f"'{name}' '{text[:32]}' is not a date in yyyy-mm-dd format.")


def _day(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).date().isoformat()


def _encode(position: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(position, separators=(",", ":")).encode()).decode()


def _decode(token: str) -> dict[str, Any]:
    text = token.strip()
    try:
        data = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError):
        raise InvalidInput(_NOT_OURS) from None
    numbers = ("s", "e")
    if (
        not isinstance(data, dict)
        or not all(isinstance(data.get(k), (int, float)) and not isinstance(data.get(k), bool) for k in numbers)
        or not isinstance(data.get("b"), int)
        or not isinstance(data.get("z"), int)
        or not 1 <= data["z"] <= PAGE_SIZE
        or not isinstance(data.get("q"), str)
        or ("f" in data and not isinstance(data["f"], str))
    ):
        raise InvalidInput(_NOT_OURS)
    return data


def _matcher(raw: str | None) -> Any:
    if raw is None:
        return lambda record: True
    field, value = parse_filter(raw, FILTER_FIELDS)
    if field == "companyname":
        wanted = value.lower()  # "The case of the value is ignored"
        return lambda record: wanted in record.get("customerName", "").lower()
    if field == "customerid":
        customer_id = guid(value, "filter's customer id")
        return lambda record: record.get("customerId", "").lower() == customer_id
    # ResourceType: the .NET enum's name (Subscription, CustomerUser) or the wire's (customer_user)
    wanted = value.lower().replace("_", "")
    names = {name.replace("_", ""): name for name in RESOURCE_TYPES}
    if wanted not in names:
        raise InvalidInput(f"filter ResourceType '{value[:32]}' is not a resource type of audit records.")
    resource_type = names[wanted]
    return lambda record: record["resourceType"] == resource_type


# --- the operation -----------------------------------------------------------------------------------------------


def record_document(record: Doc) -> s.AuditRecord:
    document = {k: v for k, v in record.items() if not k.startswith("_") and k != "id"}
    return convert(document | resource_values(record), s.AuditRecord)


async def list_audit_records(state: EmulatorState, request: Request) -> Response:
    params = query(state, request)
    now = state.clock.now()
    seek = (params.get("seekOperation") or params.get("seekoperation") or "").strip()
    if seek:
        if seek.lower() != "next":
            raise InvalidInput(f"seekOperation '{seek[:32]}' is not supported; use 'Next'.")
        token = request.headers.get("ms-continuationtoken")
        if not token:
            raise InvalidInput("seekOperation=Next needs the MS-ContinuationToken header from the previous page.")
        position = _decode(token)
        start, end, size, before, raw_filter = (
            position["s"],
            position["e"],
            position["z"],
            position["b"],
            position.get("f"),
        )
        self_query = position["q"]
    else:
        raw_start, raw_end, raw_filter = params.get("startDate"), params.get("endDate"), params.get("filter")
        start = parse_date(raw_start, "startDate", end=False) if raw_start else now - DEFAULT_DAYS * DAY
        oldest = datetime.fromtimestamp(now - RETENTION, UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        if start < oldest.timestamp():
            raise InvalidInput(
                f"'startDate' {_day(start)} is more than 90 days before today: "
                "activity records are kept for the previous 90 days."
            )
        # No end date: the largest window or now, whichever is earlier (a start in the future: nothing).
        end = parse_date(raw_end, "endDate", end=True) if raw_end else max(start, min(start + WINDOW_DAYS * DAY, now))
        if end < start:
            raise InvalidInput("'endDate' is before 'startDate'.")
        size = min(int_param(params, "size", PAGE_SIZE, 0) or PAGE_SIZE, PAGE_SIZE)
        before = None
        self_query = f"startDate={_day(start)}"
        if raw_end:
            self_query += f"&endDate={_day(end)}"
        self_query += f"&size={size}"
        if raw_filter is not None:
            self_query += f"&filter={quote(raw_filter, safe='')}"
    match = _matcher(raw_filter)
    # Records older than 90 days are gone, whatever the window.
    found, following = state.models.audit.query(max(start, now - RETENTION), end, match, before, size)
    items = [record_document(r) for r in found]
    uri = f"/auditrecords?{self_query}" if not seek else self_uri(request, "/auditrecords")
    if following is None:
        return JSON(collection(items, uri))
    position = {"b": following, "s": start, "e": end, "z": size, "q": self_query}
    if raw_filter is not None:
        position["f"] = raw_filter
    token = _encode(position)
    # As get-invoice-unbilled-recon-lineitems.md's next link: the query again, seekOperation=Next, the token.
    next_link = link(
        f"/auditrecords?{self_query}&seekOperation=Next", headers=[{"key": "MS-ContinuationToken", "value": token}]
    )
    return JSON(collection(items, uri, next_link=next_link, continuation_token=token))
