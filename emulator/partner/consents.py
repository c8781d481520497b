"""Application consents over HTTP (Control Panel Vendor / Secure Application Model): grant, remove."""

from __future__ import annotations

from typing import Any

from msgspec import convert
from starlette.requests import Request
from starlette.responses import Response

from emulator.partner.common import create_once, path_customer
from emulator.partner.responses import PartnerJSON as JSON
from emulator.partner.schemas import resources as w
from emulator.partner.schemas.requests import ApplicationConsentCreate
from emulator.state import EmulatorState


def consent_document(consent: dict[str, Any]) -> w.ApplicationConsent:
    # The record's id ("customer:application") is the store's key, not a field of the wire shape.
    return convert({k: consent[k] for k in ("displayName", "applicationId", "applicationGrants")}, w.ApplicationConsent)


async def create_consent(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request, app_user=True)
    consents = state.models.consents
    consent = await create_once(
        request, consents, ApplicationConsentCreate, lambda spec, key: consents.grant(customer, spec, request_key=key)
    )
    return JSON(consent_document(consent), status_code=201)


async def delete_consent(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request, app_user=True)
    state.models.consents.remove(customer, request.path_params["application_id"])
    return Response(status_code=204)
