"""Partner Center's MFA reporting endpoints, answered from the journal in their documented shapes."""

from __future__ import annotations

from msgspec import convert
from starlette.requests import Request
from starlette.responses import Response

from emulator.journal import adoption_status, non_mfa_principals, request_details
from emulator.partner.common import collection, require_app_user
from emulator.partner.responses import PartnerJSON
from emulator.partner.schemas import reports
from emulator.state import EmulatorState


def _app_names(state: EmulatorState) -> dict[str, str]:
    return {app.client_id: app.display_name for app in state.world.apps.values()}


async def non_compliant_principals(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    items = convert(non_mfa_principals(state.journal.entries()), list[reports.NonMfaCompliantPrincipal])
    # As documented (get-portal-requests-without-mfa.md): a collection without links.
    return PartnerJSON(collection(items))


async def application_adoption(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    # As documented (get-api-request-summary.md): a bare JSON array.
    return PartnerJSON(
        convert(adoption_status(state.journal.entries(), _app_names(state)), list[reports.ApplicationMfaAdoption])
    )


async def partner_requests(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    items = convert(request_details(state.journal.entries()), list[reports.ApiRequestDetail])
    return PartnerJSON(collection(items))
