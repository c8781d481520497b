"""The partner's own profiles: organization, billing, legal business, support, MPN (and MPN lookup)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from emulator.partner.common import invalid_input, query, require_app_user
from emulator.partner.responses import PartnerError, PartnerJSON, link
from emulator.state import EmulatorState


async def organization(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    org = state.world.profiles["organization"]
    tenant = state.world.partner
    return PartnerJSON(
        {
            "id": org["id"],
            "companyName": org["companyName"],
            "defaultAddress": org["defaultAddress"],
            "tenantId": tenant.id,
            "domain": tenant.domain,
            "email": org["email"],
            "language": org["language"],
            "culture": org["culture"],
            "profileType": "OrganizationProfile",
            "links": {"self": link("/profiles/organization")},
            "attributes": {"etag": org["etag"], "objectType": "OrganizationProfile"},
        }
    )


async def billing(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    profile = state.world.profiles["billing"]
    doc: dict[str, Any] = {k: v for k, v in profile.items() if k != "etag"}
    doc |= {
        "profileType": "BillingProfile",
        "links": {"self": link("/profiles/billing")},
        "attributes": {"etag": profile["etag"], "objectType": "BillingProfile"},
    }
    return PartnerJSON(doc)


async def legal_business(state: EmulatorState, request: Request) -> Response:
    # The one profile documented for app-only tokens too.
    version = query(request).get("vettingVersion")
    if version is not None and version.strip().lower() not in ("current", "lastfinalized"):
        raise PartnerError(
            400, 900126, f"Unable to parse enum: '{version[:32]}' is not a vetting version (Current, LastFinalized)."
        )
    profile = state.world.profiles["legalbusiness"]
    return PartnerJSON(
        {
            **profile,
            "profileType": "LegalBusinessProfile",
            "links": {"self": link("/profiles/legalbusiness")},
            "attributes": {"objectType": "LegalBusinessProfile"},
        }
    )


async def support(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    profile = state.world.profiles["support"]
    # As documented: snake_case profileType, an objectType of its own and a self link with /v1.
    return PartnerJSON(
        {
            **profile,
            "profileType": "support_profile",
            "links": {"self": link("/v1/profiles/support")},
            "attributes": {"objectType": "PartnerSupportProfile"},
        }
    )


async def mpn(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    mpn_id = query(request).get("mpnId")
    if mpn_id is None:
        profile = state.world.profiles["mpn"]
    else:
        if not mpn_id.strip().isdigit():
            raise invalid_input(f"'mpnId' must be a number, got '{mpn_id[:32]}'.")
        found = state.world.mpn_directory.get(mpn_id.strip())
        if found is None:
            # The documented answer: 404 with code 3000 (get-partner-by-mpn-id.md).
            raise PartnerError(404, 3000, f"Partner Organization with partner_id {mpn_id.strip()} could not be found")
        profile = found
    return PartnerJSON(
        {
            "mpnId": profile["mpnId"],
            "partnerName": profile["partnerName"],
            "profileType": "MpnProfile",
            "links": {"self": link("/profiles/mpn")},
            "attributes": {"objectType": "MpnProfile"},
        }
    )
