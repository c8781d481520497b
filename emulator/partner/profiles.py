"""The partner's own profiles over HTTP: organization, billing, legal business, support (read and replaced), MPN
(and MPN lookup, also as the partner network profile)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from emulator.partner.common import query, read_body, require_app_user, wire
from emulator.partner.models.base import Doc
from emulator.partner.responses import PartnerJSON
from emulator.partner.schemas import relations as r
from emulator.partner.schemas import resources as w
from emulator.state import EmulatorState


def _organization(state: EmulatorState, org: Doc) -> w.OrganizationProfile:
    tenant = state.world.partner
    return wire(
        w.OrganizationProfile,
        {k: v for k, v in org.items() if k != "etag"},
        tenantId=tenant.id,
        domain=tenant.domain,
        profileType="OrganizationProfile",
        links=w.self_link("/profiles/organization"),
        attributes=w.EtagAttributes(org["etag"], "OrganizationProfile"),
    )


def _billing(profile: Doc) -> w.BillingProfile:
    return wire(
        w.BillingProfile,
        {k: v for k, v in profile.items() if k != "etag"},
        profileType="BillingProfile",
        links=w.self_link("/profiles/billing"),
        attributes=w.EtagAttributes(profile["etag"], "BillingProfile"),
    )


def _legal_business(profile: Doc) -> w.LegalBusinessProfile:
    return wire(
        w.LegalBusinessProfile,
        profile,
        profileType="LegalBusinessProfile",
        links=w.self_link("/profiles/legalbusiness"),
        attributes=w.Attributes("LegalBusinessProfile"),
    )


def _support(profile: Doc) -> w.SupportProfile:
    # As documented: snake_case profileType, an objectType of its own and a self link with /v1.
    return wire(
        w.SupportProfile,
        profile,
        profileType="support_profile",
        links=w.self_link("/v1/profiles/support"),
        attributes=w.Attributes("PartnerSupportProfile"),
    )


async def organization(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    return PartnerJSON(_organization(state, state.models.profiles.get("organization")))


async def update_organization(state: EmulatorState, request: Request) -> Response:
    """update-an-organization-profile.md (App+User only)."""
    require_app_user(request)
    body = await read_body(request, r.OrganizationProfileUpdate)
    updated = state.models.profiles.update_organization(body, request.headers.get("if-match"))
    return PartnerJSON(_organization(state, updated))


async def billing(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    return PartnerJSON(_billing(state.models.profiles.get("billing")))


async def update_billing(state: EmulatorState, request: Request) -> Response:
    """update-partner-billing-profile.md (App+User only)."""
    require_app_user(request)
    body = await read_body(request, r.PartnerBillingUpdate)
    return PartnerJSON(_billing(state.models.profiles.update_billing(body, request.headers.get("if-match"))))


async def legal_business(state: EmulatorState, request: Request) -> Response:
    # The one profile documented for app-only tokens too.
    profile = state.models.profiles.legal_business(query(state, request).get("vettingVersion"))
    return PartnerJSON(_legal_business(profile))


async def update_legal_business(state: EmulatorState, request: Request) -> Response:
    """update-legal-business-profile.md (App+User only)."""
    require_app_user(request)
    body = await read_body(request, r.LegalBusinessUpdate)
    return PartnerJSON(_legal_business(state.models.profiles.update_legal_business(body)))


async def support(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    return PartnerJSON(_support(state.models.profiles.get("support")))


async def update_support(state: EmulatorState, request: Request) -> Response:
    """update-support-profile.md (App+User only)."""
    require_app_user(request)
    body = await read_body(request, r.SupportProfileUpdate)
    return PartnerJSON(_support(state.models.profiles.update_support(body)))


def _mpn(profile: Doc, path: str) -> w.MpnProfile:
    return w.MpnProfile(
        mpn_id=profile["mpnId"],
        partner_name=profile["partnerName"],
        profile_type="MpnProfile",
        links=w.self_link(path),
        attributes=w.Attributes("MpnProfile"),
    )


async def mpn(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    return PartnerJSON(_mpn(state.models.profiles.mpn(query(state, request).get("mpnId")), "/profiles/mpn"))


async def partner_network(state: EmulatorState, request: Request) -> Response:
    """GET /v1/profiles/partnernetworkprofile (the SDK's name for the MPN profile, get-partner-network-profile.md;
    App+User only): the same profile, its self link the path asked [I]."""
    require_app_user(request)
    profile = state.models.profiles.mpn(query(state, request).get("mpnId"))
    return PartnerJSON(_mpn(profile, "/profiles/partnernetworkprofile"))
