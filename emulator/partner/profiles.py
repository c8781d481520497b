"""The partner's own profiles over HTTP: organization, billing, legal business, support, MPN (and MPN lookup)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from emulator.partner.common import query, require_app_user, wire
from emulator.partner.responses import PartnerJSON
from emulator.partner.schemas import resources as w
from emulator.state import EmulatorState


async def organization(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    org = state.models.profiles.get("organization")
    tenant = state.world.partner
    return PartnerJSON(
        wire(
            w.OrganizationProfile,
            {k: v for k, v in org.items() if k != "etag"},
            tenantId=tenant.id,
            domain=tenant.domain,
            profileType="OrganizationProfile",
            links=w.self_link("/profiles/organization"),
            attributes=w.EtagAttributes(org["etag"], "OrganizationProfile"),
        )
    )


async def billing(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    profile = state.models.profiles.get("billing")
    return PartnerJSON(
        wire(
            w.BillingProfile,
            {k: v for k, v in profile.items() if k != "etag"},
            profileType="BillingProfile",
            links=w.self_link("/profiles/billing"),
            attributes=w.EtagAttributes(profile["etag"], "BillingProfile"),
        )
    )


async def legal_business(state: EmulatorState, request: Request) -> Response:
    # The one profile documented for app-only tokens too.
    profile = state.models.profiles.legal_business(query(state, request).get("vettingVersion"))
    return PartnerJSON(
        wire(
            w.LegalBusinessProfile,
            profile,
            profileType="LegalBusinessProfile",
            links=w.self_link("/profiles/legalbusiness"),
            attributes=w.Attributes("LegalBusinessProfile"),
        )
    )


async def support(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    # As documented: snake_case profileType, an objectType of its own and a self link with /v1.
    return PartnerJSON(
        wire(
            w.SupportProfile,
            state.models.profiles.get("support"),
            profileType="support_profile",
            links=w.self_link("/v1/profiles/support"),
            attributes=w.Attributes("PartnerSupportProfile"),
        )
    )


async def mpn(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    profile = state.models.profiles.mpn(query(state, request).get("mpnId"))
    return PartnerJSON(
        w.MpnProfile(
            mpn_id=profile["mpnId"],
            partner_name=profile["partnerName"],
            profile_type="MpnProfile",
            links=w.self_link("/profiles/mpn"),
            attributes=w.Attributes("MpnProfile"),
        )
    )
