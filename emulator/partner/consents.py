"""Application consents (Control Panel Vendor / Secure Application Model): grant an app in a customer, remove it."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from emulator.partner.common import (
    customer_or_404,
    field_text,
    guid_param,
    invalid_property,
    json_body,
    remember,
    replayed,
    require_app_user,
)
from emulator.partner.responses import PartnerError
from emulator.state import EmulatorState
from emulator.world import is_guid


def _grants(body: dict[str, Any]) -> list[dict[str, str]]:
    raw = body.get("applicationgrants")
    if not isinstance(raw, list) or not raw:
        raise invalid_property("'applicationGrants' is required and must be a non-empty list.")
    grants = []
    for index, grant in enumerate(raw):
        if not isinstance(grant, dict):
            raise invalid_property(f"'applicationGrants[{index}]' must be an object.")
        app = field_text(grant, "enterpriseapplicationid", f"applicationGrants[{index}].enterpriseApplicationId") or ""
        if not is_guid(app):
            raise invalid_property(f"'applicationGrants[{index}].enterpriseApplicationId' must be a GUID.")
        scope = field_text(grant, "scope", f"applicationGrants[{index}].scope", limit=2048) or ""
        grants.append({"enterpriseApplicationId": app.lower(), "scope": scope})
    return grants


async def create_consent(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    customer = customer_or_404(state, request.path_params["customer_id"])
    again = replayed(state, request)
    if again is not None:
        return again
    body = await json_body(request)
    app_id = field_text(body, "applicationid", "applicationId") or ""
    if not is_guid(app_id):
        raise invalid_property("'applicationId' must be a GUID.")
    app_id = app_id.lower()
    display = field_text(body, "displayname", "displayName", required=False) or app_id
    grants = _grants(body)
    world = state.world
    with world.lock:
        # A concurrent retry with the same MS-RequestId may have finished while this one read its body.
        again = replayed(state, request)
        if again is not None:
            return again
        key = f"{customer['id']}:{app_id}"
        if key in world.consents:
            raise PartnerError(
                409,
                3000,
                f"Invalid property: application {app_id} already has consent in this customer; delete it first.",
            )
        consent = {
            "id": key,
            "displayName": display,
            "applicationId": app_id,
            "applicationGrants": grants,
            "_customerId": customer["id"],
        }
        world.consents.put(consent)
        state.persist_soon()
        answer = {"displayName": display, "applicationId": app_id, "applicationGrants": grants}
        return remember(state, request, 201, answer)


async def delete_consent(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    customer = customer_or_404(state, request.path_params["customer_id"])
    app_id = guid_param(request.path_params["application_id"], "application id")
    world = state.world
    with world.lock:
        if not world.consents.delete(f"{customer['id']}:{app_id}"):
            raise PartnerError(404, 1000, f"Not found: application {app_id} has no consent in this customer.")
        state.persist_soon()
    return Response(status_code=204)
