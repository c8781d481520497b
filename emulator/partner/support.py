"""Service requests, support topics and Office service incidents over HTTP.

Service requests and their topics are App+User only (create-a-service-request, get-service-request-details-by-id,
update-a-service-request, get-all-service-requests-for-a-customer, get-service-request-support-topics); the
partner's list is too [I] (no page documents it). Incidents have no documentation page: app-only and App+User
[I]. Sources: docs/sources/support.md.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from emulator.partner.common import (
    collection,
    create_once,
    int_param,
    path_customer,
    query,
    read_body,
    require_app_user,
    wire,
)
from emulator.partner.gate import CLAIMS_KEY
from emulator.partner.models.base import Doc
from emulator.partner.models.errors import InvalidInput
from emulator.partner.models.support import STATUSES, SUPPORT_TOPICS, Contact, enum_value
from emulator.partner.responses import PartnerJSON as JSON
from emulator.partner.responses import link
from emulator.partner.schemas import resources as w
from emulator.partner.schemas import support as s
from emulator.policy import caller
from emulator.state import EmulatorState

MAX_PAGE_SIZE = 500  # [I] as customers'


# --- filters ---------------------------------------------------------------------------------------------------


def parse_filter(raw: str, fields: Mapping[str, tuple[str, ...]]) -> tuple[str, str]:
    """A documented simple filter, {"Field": …, "Value": …, "Operator": …} (keys and field in any case), as
    (field in lower case, value); `fields` names each field as documented, with its operators. Anything else is
    invalid input."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise InvalidInput('\'filter\' is not JSON; expected {"Field","Value","Operator"} URL-encoded.') from None
    if not isinstance(data, dict):
        raise InvalidInput("'filter' must be a JSON object with Field, Value and Operator.")
    lowered = {str(k).lower(): v for k, v in data.items()}
    field, value, operator = lowered.get("field"), lowered.get("value"), lowered.get("operator")
    named = {name.lower(): name for name in fields}
    if not isinstance(field, str) or field.lower() not in named:
        raise InvalidInput(f"filter 'Field' must be one of: {', '.join(fields)}.")
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("filter 'Value' must be a non-empty string.")
    operators = fields[named[field.lower()]]
    if not isinstance(operator, str) or operator.lower() not in operators:
        raise InvalidInput(f"filter 'Operator' for {named[field.lower()]} must be {' or '.join(operators)}.")
    return field.lower(), value.strip()


# --- service requests ------------------------------------------------------------------------------------------


def request_document(stored: Doc) -> s.ServiceRequest:
    fields: dict[str, Any] = {"attributes": w.Attributes("ServiceRequest")}
    document = {k: v for k, v in stored.items() if not (k == "notes" and not v)}  # no notes: no field [I]
    return wire(s.ServiceRequest, document, **fields)


def contact(state: EmulatorState, request: Request) -> Contact:
    """The signed-in user (an App+User token: the caller is known to the world)."""
    claims = request.scope[CLAIMS_KEY]
    who = caller(claims)
    user = state.world.user(who.upn or "")
    if user is not None:
        return Contact(user.object_id, user.given_name, user.surname, user.upn, user.display_name)
    name = str(claims.get("name") or who.upn or "")
    return Contact(who.object_id or "", str(claims.get("given_name") or ""), str(claims.get("family_name") or name),
                   who.upn or "", name)  # fmt: skip


def _list(state: EmulatorState, request: Request, customer: Doc | None, path: str) -> Response:
    params = query(state, request)
    size = min(int_param(params, "size", MAX_PAGE_SIZE, 0) or MAX_PAGE_SIZE, MAX_PAGE_SIZE)
    offset = int_param(params, "offset", 0, 0)
    raw = params.get("filter")
    status = None
    if raw is not None:
        # ServiceRequestSearchField: Status (the .NET SDK's samples: {"Field":"Status","Value":"Open",…"equals"})
        _, value = parse_filter(raw, {"Status": ("equals",)})
        status = enum_value(value, STATUSES, "service request status")
    found = state.models.service_requests.of(customer, status)
    chosen = [request_document(d) for d in found[offset : offset + size]]
    if offset + size >= len(found) and offset == 0:
        return JSON(collection(chosen))  # one page: as get-all-service-requests-for-a-customer.md's sample
    tail = f"&filter={quote(raw, safe='')}" if raw is not None else ""
    following = link(f"{path}?size={size}&offset={offset + size}{tail}") if offset + size < len(found) else None
    return JSON(collection(chosen, f"{path}?size={size}&offset={offset}{tail}", next_link=following))


async def list_requests(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    return _list(state, request, None, "/servicerequests")


async def list_customer_requests(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request, app_user=True)
    return _list(state, request, customer, f"/customers/{customer['id']}/servicerequests")


async def get_request(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    return JSON(request_document(state.models.service_requests.get(None, request.path_params["service_request_id"])))


async def get_customer_request(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request, app_user=True)
    found = state.models.service_requests.get(customer, request.path_params["service_request_id"])
    return JSON(request_document(found))


async def create_request(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    locale = request.path_params["service_request_id"]  # the one template of this path: here, the locale
    if not 2 <= len(locale) <= 16 or not all(c.isalnum() or c == "-" for c in locale):
        raise InvalidInput(f"the agent locale '{locale[:16]}' is not a locale such as en-US.")
    models, who = state.models.service_requests, contact(state, request)
    created = await create_once(
        request, models, s.ServiceRequestCreate, lambda spec, key: models.create(spec, who, request_key=key)
    )
    return JSON(request_document(created), status_code=201)


async def _update(state: EmulatorState, request: Request, customer: Doc | None) -> Response:
    change = await read_body(request, s.ServiceRequestUpdate)
    updated = state.models.service_requests.update(
        customer, request.path_params["service_request_id"], change, contact(state, request)
    )
    return JSON(request_document(updated))


async def update_request(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    return await _update(state, request, None)


async def update_customer_request(state: EmulatorState, request: Request) -> Response:
    return await _update(state, request, path_customer(state, request, app_user=True))


async def support_topics(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    topics = [
        s.SupportTopic(
            name=t["name"], description=t["description"], id=t["id"], attributes=w.Attributes("SupportTopic")
        )
        for t in SUPPORT_TOPICS
    ]
    return JSON(collection(topics))  # as the documented sample: no links


# --- service incidents -----------------------------------------------------------------------------------------

_RANK = ("normal", "information", "warning", "critical")
_MESSAGE_TYPES = ("none", "incident", "message_center", "all")
INCIDENT_FIELDS = {
    "Resolved": ("equals",), "MessageType": ("equals",), "StartDate": ("equals", "greater_than_or_equals"),
    "EndDate": ("equals", "less_than_or_equals"),
}  # fmt: skip


def _day(value: str, what: str) -> float:
    for form in ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S", "%m/%d/%Y %H:%M:%S"):
        try:
            return datetime.strptime(value, form).replace(tzinfo=UTC).timestamp()
        except ValueError:
            continue
    raise InvalidInput(f"filter {what} '{value[:32]}' is not a date (yyyy-mm-dd).")


def _incidents(state: EmulatorState, request: Request, customer: Doc | None) -> list[Doc]:
    raw = query(state, request).get("filter")
    resolved = message_type = start = end = None
    if raw is not None:
        # The .NET SDK's ServiceIncidentSearchField (Resolved); partnercenterservices: MessageType, StartDate,
        # EndDate. [I] StartDate and EndDate bound an incident's startTime.
        field, value = parse_filter(raw, INCIDENT_FIELDS)
        if field == "resolved":
            if value.lower() not in ("true", "false"):
                raise InvalidInput(f"filter Resolved must be true or false, got '{value[:16]}'.")
            resolved = value.lower() == "true"
        elif field == "messagetype":
            message_type = enum_value(value, _MESSAGE_TYPES, "message type")
        elif field == "startdate":
            start = _day(value, "StartDate")
        else:
            end = _day(value, "EndDate") + 86399.999
    return state.models.service_incidents.of(customer, resolved, message_type, start, end)


def _detail(incident: Doc) -> s.ServiceIncidentDetail:
    document = {k: v for k, v in incident.items() if k != "followUpUrl"}
    fields: dict[str, Any] = {"impactedCustomers": len(incident.get("_customerIds", ()))}
    if "followUpUrl" in incident:
        fields["serviceHealthLinks"] = s.ServiceHealthLinks(follow_up_url=w.Link(incident["followUpUrl"]))
    return wire(s.ServiceIncidentDetail, document, **fields)


def _by_workload(incidents: list[Doc]) -> list[s.ServiceIncidents]:
    """One item per workload (the .NET SDK's ServiceIncidents): its incidents, its message-center messages, and
    its status, the worst of its unresolved incidents' [I]."""
    workloads: dict[str, list[Doc]] = {}
    for incident in incidents:
        workloads.setdefault(incident["workload"], []).append(incident)
    items = []
    for workload, found in workloads.items():
        open_ = [i["status"] for i in found if i["messageType"] == "incident" and not i["resolved"]]
        status = max(open_, key=_RANK.index) if open_ else "normal"
        items.append(
            s.ServiceIncidents(
                workload=workload,
                incidents=[_detail(i) for i in found if i["messageType"] == "incident"],
                status=status,  # type: ignore[arg-type]
                message_center_messages=[_detail(i) for i in found if i["messageType"] == "message_center"],
            )
        )
    return items


async def office_incidents(state: EmulatorState, request: Request) -> Response:
    return JSON(collection(_by_workload(_incidents(state, request, None))))


async def customer_office_incidents(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    return JSON(collection(_by_workload(_incidents(state, request, customer))))


async def office_incident_count(state: EmulatorState, request: Request) -> Response:
    """[I] The incidents themselves, one item each (partnercenterservices' answer type): totalCount counts them."""
    return JSON(collection([_detail(i) for i in _incidents(state, request, None)]))
