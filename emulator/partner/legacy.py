"""Legacy offers over HTTP (issue 15): offer categories, a customer's offers and add-ons, the partner's preferred
offers, a subscription's add-ons, trial conversions, upgrades, support contact, Azure reservation registration,
and cancelling an order. Handlers parse, call one model method (models/legacy.py) and render.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from msgspec import UNSET
from starlette.requests import Request
from starlette.responses import Response

from emulator.bodies import BodyTooLarge as TooLarge
from emulator.bodies import read_limited
from emulator.partner.common import (
    MAX_BODY,
    collection,
    country_param,
    create_once,
    int_param,
    json_body,
    path_customer,
    query,
    read_body,
    request_key,
    wire,
)
from emulator.partner.models.base import Doc
from emulator.partner.models.errors import BodyTooLarge, InvalidInput
from emulator.partner.models.legacy import UPGRADE_TYPES, UpgradeOption, wire_error
from emulator.partner.offers import offer_document
from emulator.partner.orders import order_document
from emulator.partner.responses import PartnerJSON as JSON
from emulator.partner.responses import link
from emulator.partner.schemas import billing as b
from emulator.partner.schemas import legacy as lg
from emulator.partner.schemas import resources as w
from emulator.partner.schemas.requests import read
from emulator.partner.subscriptions import subscription_document
from emulator.state import EmulatorState


def _locale(request: Request) -> str:
    return request.headers.get("x-locale", "en-US").strip()[:16] or "en-US"


def _country(customer: Doc) -> str:
    country: str = customer["companyProfile"]["address"]["country"]
    return country.upper()


def _category(category: Doc, country: str, locale: str) -> b.OfferCategory:
    return b.OfferCategory(
        id=category["id"],
        name=category["name"],
        rank=category["rank"],
        locale=locale,
        country=country,
        attributes=w.Attributes("OfferCategory"),
    )


# --- offer categories, a customer's offers and add-ons --------------------------------------------------------


async def offer_categories(state: EmulatorState, request: Request) -> Response:
    country = country_param(state, request)
    offers = list(state.world.offers.values())
    categories = state.models.legacy.categories(offers)
    # As recorded (GetPartnerOfferCategory.json) and documented: no collection links.
    return JSON(collection([_category(c, country, _locale(request)) for c in categories]))


async def customer_offer_categories(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    categories = state.models.legacy.categories(state.models.legacy.purchasable())
    return JSON(collection([_category(c, _country(customer), _locale(request)) for c in categories]))


async def customer_offers(state: EmulatorState, request: Request) -> Response:
    """Offset paging as GET /v1/offers pages, under the customer's path [I: its links]."""
    customer = path_customer(state, request)
    params = query(state, request)
    category = params.get("offer_category_id")
    offers = state.models.legacy.purchasable(category)
    offset = int_param(params, "offset", 0, 0)
    size = int_param(params, "size", 0, 0) or len(offers)
    country, locale = _country(customer), _locale(request)
    path = f"/customers/{customer['id']}/offers"
    base = f"offer_category_id={quote(category, safe='')}" if category else ""
    joined = f"{base}&" if base else ""
    next_link = None
    if offset + size < len(offers):
        next_link = link(f"{path}?{joined}size={size}&offset={offset + size}")
    paged = f"{joined}size={size}&offset={offset}" if "size" in params else base
    items = [offer_document(o, country, locale) for o in offers[offset : offset + size]]
    return JSON(collection(items, f"{path}?{paged}" if paged else path, next_link=next_link))


async def offer_add_ons(state: EmulatorState, request: Request) -> Response:
    country = country_param(state, request)
    add_ons = state.models.legacy.add_ons(request.path_params["offer_id"], country)
    return JSON(collection([offer_document(o, country, _locale(request)) for o in add_ons]))


async def customer_offer_add_ons(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    country = _country(customer)
    add_ons = state.models.legacy.add_ons(request.path_params["offer_id"], country, purchasable_only=True)
    return JSON(collection([offer_document(o, country, _locale(request)) for o in add_ons]))


# --- the partner's preferred offers ----------------------------------------------------------------------------


async def preferred_offers(state: EmulatorState, request: Request) -> Response:
    return JSON(state.models.legacy.preferred())


async def set_preferred_offers(state: EmulatorState, request: Request) -> Response:
    """The body is a JSON array of offer ids (the SDK's `[str]`), not an object."""
    try:
        raw = await read_limited(request, MAX_BODY)
    except TooLarge:
        raise BodyTooLarge(f"the body is larger than {MAX_BODY} bytes.") from None
    if not raw.strip():
        raise InvalidInput("the request has no body; a JSON array of offer ids is expected.")
    try:
        body: Any = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise InvalidInput("the body is not valid JSON.") from None
    return JSON(state.models.legacy.set_preferred(body))


# --- a subscription's add-ons -----------------------------------------------------------------------------------


async def subscription_add_ons(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    add_ons = state.models.legacy.subscription_add_ons(customer, request.path_params["subscription_id"])
    # As documented: no collection links.
    return JSON(collection([subscription_document(customer, s) for s in add_ons]))


# --- trial conversions -----------------------------------------------------------------------------------------


async def list_conversions(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request, app_user=True)
    found = state.models.legacy.conversions(customer, request.path_params["subscription_id"])
    return JSON(collection([wire(lg.Conversion, c, attributes=w.Attributes("Conversion")) for c in found]))


def _conversion_result(result: Doc) -> lg.ConversionResult:
    error = result.get("error")
    return lg.ConversionResult(
        subscription_id=result["subscriptionId"],
        offer_id=result["offerId"],
        target_offer_id=result["targetOfferId"],
        error=lg.ConversionError(
            code=error["code"], description=error["description"], attributes=w.Attributes("ConversionError")
        )
        if error is not None
        else UNSET,
        attributes=w.Attributes("ConversionResult"),
    )


async def convert(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request, app_user=True)
    legacy = state.models.legacy
    sid = request.path_params["subscription_id"]
    result = await create_once(
        request, legacy, lg.ConversionIn, lambda spec, key: legacy.convert(customer, sid, spec, request_key=key)
    )
    return JSON(_conversion_result(result))


# --- upgrades ---------------------------------------------------------------------------------------------------


def _upgrade_error(error: Doc) -> lg.UpgradeError:
    return lg.UpgradeError(
        code=error["code"],
        description=error["description"],
        additional_details=error.get("additionalDetails", UNSET),
        attributes=w.Attributes("UpgradeError"),
    )


def _upgrade(option: UpgradeOption, country: str, locale: str) -> lg.Upgrade:
    return lg.Upgrade(
        target_offer=offer_document(option.target, country, locale),
        upgrade_type=option.upgrade_type,  # type: ignore[arg-type]  # one of UPGRADE_TYPES
        is_eligible=not option.errors,
        quantity=option.quantity,
        upgrade_errors=[_upgrade_error(wire_error(e)) for e in option.errors],
        attributes=w.Attributes("Upgrade"),
    )


async def list_upgrades(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    options = state.models.legacy.upgrades(customer, request.path_params["subscription_id"])
    return JSON(collection([_upgrade(o, _country(customer), _locale(request)) for o in options]))


def upgrade_type(value: Any) -> str | None:
    """upgradeType as a name (upgrade_only, UpgradeOnly, …) or the enum's number (the documented request sends 1);
    absent: the listed upgrade's own type. "none" is no upgrade at all."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value < len(UPGRADE_TYPES):
        return UPGRADE_TYPES[value]
    if isinstance(value, str):
        name = value.strip().lower().replace("_", "")
        for known in UPGRADE_TYPES[1:]:
            if name == known.replace("_", ""):
                return known
    shown = json.dumps(value)[:48]
    raise InvalidInput(f"'upgradeType' must be upgrade_only or upgrade_with_license_transfer, got {shown}.")


async def create_upgrade(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    legacy = state.models.legacy
    key = request_key(request)
    result: Doc | None = legacy.replayed(key)
    if result is None:
        body = await json_body(request)
        spec = read(body, lg.UpgradeIn)
        kind = upgrade_type(body.get("upgradetype"))
        sid = request.path_params["subscription_id"]
        result = legacy.upgrade(customer, sid, spec, kind, request_key=key)
    return JSON(
        lg.UpgradeResult(
            source_subscription_id=result["sourceSubscriptionId"],
            target_subscription_id=result.get("targetSubscriptionId", UNSET),
            upgrade_type=result["upgradeType"],
            upgrade_errors=[_upgrade_error(e) for e in result["upgradeErrors"]],
            license_errors=result["licenseErrors"],
            attributes=w.Attributes("UpgradeResult"),
        )
    )


# --- support contact ----------------------------------------------------------------------------------------


def _support_contact(customer: Doc, subscription: Doc, contact: Doc) -> lg.SupportContact:
    uri = f"/customers/{customer['id']}/subscriptions/{subscription['id']}/supportcontact"
    return lg.SupportContact(
        support_tenant_id=contact["supportTenantId"],
        support_mpn_id=contact["supportMpnId"],
        name=contact["name"],
        links=w.Links(self_=w.Link(uri, method="Get")),  # "Get", as the documented samples write it
        attributes=w.Attributes("SupportContact"),
    )


async def get_support_contact(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request, app_user=True)
    subscription, contact = state.models.legacy.support_contact(customer, request.path_params["subscription_id"])
    return JSON(_support_contact(customer, subscription, contact))


async def update_support_contact(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request, app_user=True)
    spec = await read_body(request, lg.SupportContactIn)
    subscription, contact = state.models.legacy.set_support_contact(
        customer, request.path_params["subscription_id"], spec
    )
    return JSON(_support_contact(customer, subscription, contact))


# --- Azure reservation registration -----------------------------------------------------------------------------


async def register(state: EmulatorState, request: Request) -> Response:
    """202 Accepted, no body, and a Location to read the status from (register-a-subscription.md)."""
    customer = path_customer(state, request)
    subscription = state.models.legacy.register(customer, request.path_params["subscription_id"])
    location = f"/customers/{customer['id']}/subscriptions/{subscription['id']}/registrationstatus"
    return Response(status_code=202, headers={"Location": location})


async def registration_status(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    subscription, status = state.models.legacy.registration_status(customer, request.path_params["subscription_id"])
    return JSON(
        lg.SubscriptionRegistrationStatus(
            subscription_id=subscription["id"],
            status=status,  # type: ignore[arg-type]  # one of RegistrationState
            attributes=w.Attributes("SubscriptionRegistrationStatus"),
        )
    )


# --- cancelling an order ----------------------------------------------------------------------------------------


async def cancel_order(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    spec = await read_body(request, lg.OrderCancel)
    order = state.models.legacy.cancel_order(customer, request.path_params["order_id"], spec)
    return JSON(order_document(state, order))
