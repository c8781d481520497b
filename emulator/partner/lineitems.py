"""Invoice line items over HTTP: an invoice's (get-invoiceline-items.md, get-invoice-billed-consumption-lineitems.md)
and the unbilled ones (get-invoice-unbilled-recon-lineitems.md, get-invoice-unbilled-consumption-lineitems.md).

The provider and line item type come as query parameters (?provider=office&invoicelineitemtype=billinglineitems) or
as the path's last two segments (/lineitems/Office/BillingLineItems, the form the invoices' links use); names and
values are read in any case. Office and Azure lines page by size and offset; OneTime lines by seek
(seekOperation=Next with the MS-ContinuationToken of the previous page), or by size and offset. App-only tokens are
accepted ("both standalone App and App+User credentials").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from emulator import consumption as cu
from emulator.partner.common import Page, collection, encode_continuation, query, self_uri
from emulator.partner.models.base import Doc
from emulator.partner.models.errors import InvalidInput, LineItemsNotOnInvoice
from emulator.partner.models.lineitems import (
    AZURE_CHARGE,
    AZURE_SKU,
    Charge,
    DailyCharge,
    LineItems,
    MeterCharge,
    Purchase,
    account_number,
    rounddown,
    stamp,
    term_text,
)
from emulator.partner.responses import PartnerJSON as JSON
from emulator.partner.responses import link
from emulator.partner.schemas import lineitems as li
from emulator.partner.schemas import resources as w
from emulator.ratecard import USD_TO
from emulator.state import EmulatorState

MAX_PAGE_SIZE = 2000  # "The maximum number of items to return. Default max size = 2000"
PROVIDERS = {"office": "office", "azure": "azure", "onetime": "one_time", "one_time": "one_time"}
KINDS = {
    "billinglineitems": "billing_line_items",
    "billing_line_items": "billing_line_items",
    "usagelineitems": "usage_line_items",
    "usage_line_items": "usage_line_items",
}
PERIODS = ("current", "previous")
PLAN_PRODUCT, PLAN_SKU, PLAN_AVAILABILITY = cu.AZURE_PLAN_ITEM.split(":")


class Context:
    """Who bills (the partner) and the documents' shared values, computed once a request."""

    def __init__(self, state: EmulatorState) -> None:
        world = state.world
        self.partner_id = world.partner.id
        self.partner_name = str(world.organization["companyName"])
        self.mpn = str(world.profiles["mpn"]["mpnId"])
        self.mpn_number = int(self.mpn) if self.mpn.isdigit() else 0
        self.billable_account = account_number(self.partner_id)


def _name(customer: Doc) -> str:
    return str(customer["companyProfile"]["companyName"])


def _domain(customer: Doc) -> str:
    return str(customer["companyProfile"]["domain"])


def _country(customer: Doc) -> str:
    return str(customer["companyProfile"]["address"]["country"])


def billing_id(subscription: Doc) -> str:
    """A legacy subscription's id in the billing platform: sixteen characters, as the samples' "4KIKawEAAAAAAAEA";
    Partner Center's own id is the syndicationPartnerSubscriptionNumber [I: derived from it]."""
    import base64
    import hashlib

    digest = hashlib.sha256(subscription["id"].lower().encode()).digest()
    return base64.b64encode(digest[:12]).decode().replace("+", "A").replace("/", "B")


# --- documents ------------------------------------------------------------------------------------------------


def license_line(ctx: Context, charge: Charge, currency: str) -> li.LicenseBasedLineItem:
    subscription, customer = charge.subscription, charge.customer
    unit = round(charge.unit_usd * USD_TO[currency], 2)
    amount = round(unit * subscription["quantity"], 2)
    annual = subscription.get("billingCycle") == "annual"
    return li.LicenseBasedLineItem(
        partner_id=ctx.partner_id,
        customer_id=customer["id"],
        customer_name=_name(customer),
        mpn_id=ctx.mpn_number,
        tier2_mpn_id=-1,
        order_id=subscription["orderId"],
        subscription_id=billing_id(subscription),
        syndication_partner_subscription_number=subscription["id"],
        offer_id=subscription["offerId"],
        durable_offer_id=subscription["offerId"],
        offer_name=subscription["offerName"],
        domain_name=_domain(customer),
        billing_cycle_type="ANNUAL" if annual else "MONTHLY",
        subscription_name=subscription["friendlyName"],
        subscription_description=subscription["offerName"],
        subscription_start_date=stamp(cu.started(subscription)),
        subscription_end_date=stamp(date.fromisoformat(subscription["commitmentEndDate"][:10])),
        charge_start_date=stamp(charge.first),
        charge_end_date=stamp(charge.last),
        charge_type="Cycle fee",  # common-billing-scenarios-monthly.md: a cycle's charge
        unit_price=unit,
        quantity=subscription["quantity"],
        amount=amount,
        total_other_discount=0.0,
        subtotal=amount,
        tax=0.0,
        total_for_customer=amount,
        currency=currency,
        invoice_line_item_type="billing_line_items",
        billing_provider="office",
        attributes=w.Attributes("LicenseBasedLineItem"),
    )


def _azure_common(ctx: Context, customer: Doc, subscription: Doc, invoice_id: str) -> dict[str, Any]:
    return {
        "partner_id": ctx.partner_id,
        "partner_name": ctx.partner_name,
        "partner_billable_account_id": ctx.billable_account,
        "customer_id": customer["id"],
        "domain_name": _domain(customer),
        "customer_company_name": _name(customer),
        "mpn_id": ctx.mpn_number,
        "tier2_mpn_id": -1,
        "invoice_number": invoice_id,
        "subscription_id": subscription["id"],
        "subscription_name": subscription["friendlyName"],
        "subscription_description": subscription["offerName"],
        "billing_cycle_type": "Monthly",
        "order_id": subscription["orderId"],
    }


def azure_line(ctx: Context, charge: MeterCharge, invoice_id: str, currency: str) -> li.UsageBasedLineItem:
    meter, quantity = charge.meter, charge.quantity
    price = round(meter.rate * USD_TO[currency], 6)
    pretax = round(quantity * price, 2)
    rate = round(pretax / quantity, 8) if quantity else 0.0
    return li.UsageBasedLineItem(
        detail_line_item_id=1,
        sku=AZURE_SKU,
        included_quantity=0.0,
        overage_quantity=quantity,
        list_price=price,
        currency=currency,
        pretax_charges=pretax,
        tax_amount=0.0,
        post_tax_total=pretax,
        pretax_effective_rate=rate,
        post_tax_effective_rate=rate,
        charge_type=AZURE_CHARGE,
        invoice_line_item_type="billing_line_items",
        service_name=meter.category,
        service_type=meter.subcategory,
        resource_guid=meter.id,
        resource_name=meter.name,
        region=meter.region,
        consumed_quantity=quantity,
        charge_start_date=stamp(charge.first),
        charge_end_date=stamp(charge.last),
        unit=meter.unit,
        billing_provider="azure",
        attributes=w.Attributes("UsageBasedLineItem"),
        **_azure_common(ctx, charge.customer, charge.subscription, invoice_id),
    )


def daily_line(ctx: Context, charge: DailyCharge, invoice_id: str) -> li.DailyUsageLineItem:
    meter = charge.resource.meter
    return li.DailyUsageLineItem(
        customer_billable_account=account_number(charge.customer["id"]),
        usage_date=stamp(charge.day),
        invoice_line_item_type="usage_line_items",
        service_name=meter.category,
        service_type=meter.subcategory,
        resource_guid=meter.id,
        resource_name=meter.name,
        region=meter.region,
        consumed_quantity=charge.quantity,
        charge_start_date=stamp(charge.first),
        charge_end_date=stamp(charge.last),
        unit=meter.unit,
        billing_provider="azure",
        attributes=w.Attributes("DailyUsageLineItem"),
        **_azure_common(ctx, charge.customer, charge.subscription, invoice_id),
    )


def _one_time_common(ctx: Context, customer: Doc, subscription: Doc, invoice_id: str) -> dict[str, Any]:
    return {
        "partner_id": ctx.partner_id,
        "customer_id": customer["id"],
        "customer_name": _name(customer),
        "customer_domain_name": _domain(customer),
        "customer_country": _country(customer),
        "invoice_number": invoice_id,
        "mpn_id": ctx.mpn,
        "reseller_mpn_id": 0,
        "order_id": subscription["orderId"],
        "order_date": subscription["creationDate"],
        "publisher_name": "Microsoft Corporation",
        "publisher_id": "",
        "subscription_description": subscription["friendlyName"],
        "subscription_id": subscription["id"],
        "subscription_start_date": stamp(cu.started(subscription), "Z"),
        "subscription_end_date": stamp(date.fromisoformat(subscription["commitmentEndDate"][:10]), "Z"),
        "alternate_id": subscription["orderId"],
        "reference_id": "",
        "price_adjustment_description": "",
        "discount_details": "",
        "pricing_currency": "USD",
        "reservation_order_id": "",
        "invoice_line_item_type": "billing_line_items",
        "billing_provider": "one_time",
        "promotion_id": str(subscription.get("promotionId", "")),
        "attributes": w.Attributes("OneTimeInvoiceLineItem"),
    }


def plan_line(ctx: Context, charge: MeterCharge, invoice_id: str, currency: str) -> li.OneTimeInvoiceLineItem:
    """An Azure plan's usage of a meter over the period. Subtotal: modern-invoice-reconciliation-file's usage-based
    formula, ROUNDDOWN(ROUNDDOWN(EffectiveUnitPrice * BillableQuantity, 2) * PCToBCExchangeRate, 2)."""
    meter, rate = charge.meter, USD_TO[currency]
    subtotal = rounddown(rounddown(meter.rate * charge.quantity) * rate)
    region = f" - {meter.region}" if meter.region else ""
    return li.OneTimeInvoiceLineItem(
        product_id=PLAN_PRODUCT,
        sku_id=PLAN_SKU,
        availability_id=PLAN_AVAILABILITY,
        product_name=meter.category,  # [I] the meter's service, as the file's "Tables" for "Tables - LRS"
        sku_name=meter.name,
        product_qualifiers=[],
        charge_type="new",
        unit_price=meter.rate,
        effective_unit_price=meter.rate,
        unit_type=meter.unit,
        quantity=1,
        subtotal=subtotal,
        tax_total=0.0,
        total_for_customer=subtotal,
        currency=currency,
        charge_start_date=stamp(charge.first, "Z"),
        charge_end_date=stamp(charge.last, "Z"),
        term_and_billing_cycle="",
        pc_to_bc_exchange_rate=rate,
        pc_to_bc_exchange_rate_date=stamp(cu.month_start(charge.first)),
        billable_quantity=charge.quantity,
        meter_description=f"{meter.category} - {meter.name}{region}",
        billing_frequency="",
        **_one_time_common(ctx, charge.customer, charge.subscription, invoice_id),
    )


def purchase_line(ctx: Context, purchase: Purchase, invoice_id: str, lines: LineItems) -> li.OneTimeInvoiceLineItem:
    """A New Commerce purchase's "new" charge. Subtotal: the file's license-based formula,
    ROUNDDOWN(EffectiveUnitPrice * PCToBCExchangeRate, 2) * BillableQuantity."""
    subscription, rate = purchase.subscription, USD_TO[purchase.currency]
    product_id, sku_id, availability = [*subscription["offerId"].split(":"), "", "", ""][:3]
    item = lines.catalog.item(subscription["offerId"])
    qualifiers = (["AddOn"] if item is not None and item.sku.add_on else []) + (
        ["Trial"] if subscription.get("isTrial") else []
    )
    quantity = int(subscription["quantity"])
    subtotal = round(rounddown(purchase.unit_usd * rate) * quantity, 2)
    cycle = str(subscription.get("billingCycle", ""))
    return li.OneTimeInvoiceLineItem(
        product_id=product_id,
        sku_id=sku_id,
        availability_id=availability,
        product_name=item.product.title if item is not None else subscription["offerName"],
        sku_name=subscription["offerName"],
        product_qualifiers=qualifiers,
        charge_type="new",
        unit_price=purchase.unit_usd,
        effective_unit_price=purchase.unit_usd,
        unit_type="",
        quantity=quantity,
        subtotal=subtotal,
        tax_total=0.0,
        total_for_customer=subtotal,
        currency=purchase.currency,
        charge_start_date=stamp(purchase.first, "Z"),
        charge_end_date=stamp(purchase.last, "Z"),
        term_and_billing_cycle=term_text(subscription),
        pc_to_bc_exchange_rate=rate,
        pc_to_bc_exchange_rate_date=stamp(cu.month_start(purchase.first)),
        billable_quantity=float(quantity),
        meter_description="",
        billing_frequency="" if subscription.get("isTrial") else cycle.capitalize(),
        **_one_time_common(ctx, purchase.customer, subscription, invoice_id),
    )


def rated_line(ctx: Context, charge: DailyCharge, invoice_id: str, currency: str) -> li.DailyRatedUsageLineItem:
    """An Azure plan's daily rated usage of one resource (daily-rated-usage-recon-files.md's columns)."""
    customer, subscription, resource = charge.customer, charge.subscription, charge.resource
    meter, rate = resource.meter, USD_TO[currency]
    pricing = round(charge.quantity * meter.rate, 8)
    return li.DailyRatedUsageLineItem(
        partner_id=ctx.partner_id,
        partner_name=ctx.partner_name,
        customer_id=customer["id"],
        customer_name=_name(customer),
        customer_domain_name=_domain(customer),
        invoice_number=invoice_id,
        product_id=PLAN_PRODUCT,
        sku_id=PLAN_SKU,
        availability_id=PLAN_AVAILABILITY,
        sku_name=meter.name,
        product_name=meter.category,
        publisher_name="Microsoft Corporation",
        publisher_id="",
        subscription_id=subscription["id"],
        subscription_description=subscription["friendlyName"],
        charge_start_date=stamp(charge.first, "Z"),
        charge_end_date=stamp(charge.last + cu.DAY, "Z"),  # the sample's: the first of the following month
        usage_date=stamp(charge.day, "Z"),
        meter_type=meter.unit,
        meter_category=meter.category,
        meter_id=meter.id,
        meter_sub_category=meter.subcategory,
        meter_name=meter.name,
        meter_region=meter.region,
        unit_of_measure=meter.unit,
        resource_location=meter.location.upper(),
        consumed_service=resource.provider_namespace,
        resource_group=resource.group,
        resource_uri=resource.uri,
        tags="",
        additional_info="",
        service_info1="",
        service_info2="",
        customer_country=_country(customer),
        mpn_id=ctx.mpn,
        reseller_mpn_id="",  # "It's blank in the unbilled usage data" (daily-rated-usage-recon-files.md)
        charge_type="new",
        unit_price=meter.rate,
        quantity=charge.quantity,
        unit_type=meter.unit,
        billing_pre_tax_total=round(pricing * rate, 8),
        billing_currency=currency,
        pricing_pre_tax_total=pricing,
        pricing_currency="USD",
        entitlement_id=resource.entitlement_id,
        entitlement_description="Partner Subscription",  # the samples' Azure subscription name
        pc_to_bc_exchange_rate=rate,
        pc_to_bc_exchange_rate_date=stamp(cu.month_start(charge.day), "Z"),
        effective_unit_price=meter.rate,
        rate_of_partner_earned_credit=0.0,
        rate_of_credit=0.0,
        credit_type="Credit Not Applied",
        invoice_line_item_type="usage_line_items",
        billing_provider="one_time",
        benefit_order_id="",
        benefit_id="",
        benefit_type="Charge",
        attributes=w.Attributes("DailyRatedUsageLineItem"),
    )


# --- requests -----------------------------------------------------------------------------------------------------


def _params(state: EmulatorState, request: Request) -> dict[str, str]:
    """The query with lower-cased names: the samples write invoiceLineItemType and invoicelineitemtype alike."""
    return {k.lower(): v for k, v in query(state, request).items()}


def _provider_and_kind(params: Mapping[str, str], request: Request) -> tuple[str, str, str, str]:
    """(provider, kind, as given, as given): from the path's last segments, else the query."""
    given_provider = request.path_params.get("provider") or params.get("provider", "")
    given_kind = request.path_params.get("kind") or params.get("invoicelineitemtype", "")
    if not given_provider.strip():
        raise InvalidInput("'provider' is required: office, azure or onetime.")
    if not given_kind.strip():
        raise InvalidInput("'invoicelineitemtype' is required: billinglineitems or usagelineitems.")
    provider = PROVIDERS.get(given_provider.strip().lower())
    kind = KINDS.get(given_kind.strip().lower())
    if provider is None:
        raise InvalidInput(f"'provider' must be office, azure or onetime, got '{given_provider[:32]}'.")
    if kind is None:
        raise InvalidInput(
            f"'invoicelineitemtype' must be billinglineitems or usagelineitems, got '{given_kind[:32]}'."
        )
    if provider == "office" and kind == "usage_line_items":
        raise InvalidInput("the office provider has billing line items only.")
    return provider, kind, given_provider.strip(), given_kind.strip()


def _currency(params: Mapping[str, str], *, required: bool, default: str = "") -> str:
    raw = params.get("currencycode", "").strip().upper()
    if not raw:
        if required:
            raise InvalidInput("'currencycode' is required: the three-letter currency of the line items, such as USD.")
        return default
    if len(raw) != 3 or not raw.isalpha():
        raise InvalidInput(f"'currencycode' must be a three-letter currency code, got '{raw[:16]}'.")
    if raw not in USD_TO:
        raise InvalidInput(f"the currency '{raw}' is not a billing currency; one of {', '.join(sorted(USD_TO))}.")
    return raw


def _earned_credit_only(params: Mapping[str, str]) -> bool:
    raw = params.get("haspartnerearnedcredit", "").strip().lower()
    if raw not in ("", "true", "false"):
        raise InvalidInput(f"'hasPartnerEarnedCredit' must be true or false, got '{raw[:16]}'.")
    return raw == "true"


def _paged(
    state: EmulatorState,
    request: Request,
    items: list[Any],
    *,
    seek: bool,
    next_query: Callable[[int, int], str],
    base: str,
) -> Response:
    """One page of `items`: by size and offset, or (seek) with a continuation token for the next page."""
    page = Page(state, request, default_size=MAX_PAGE_SIZE, max_size=MAX_PAGE_SIZE)
    chosen = items[page.offset : page.offset + page.size]
    following = page.offset + page.size
    next_link, token = None, None
    if following < len(items):
        if seek:
            token = encode_continuation({"o": following, "s": page.size})
            next_link = link(
                f"{base}?{next_query(page.size, following)}&seekOperation=Next",
                headers=[{"key": "MS-ContinuationToken", "value": token}],
            )
        else:
            next_link = link(f"{base}?{next_query(page.size, following)}&offset={following}")
    return JSON(
        collection(
            chosen,
            self_uri(request, request.url.path.removeprefix("/v1")),
            next_link=next_link,
            continuation_token=token,
        )
    )


def _has_detail(invoice: Doc, provider: str, kind: str) -> bool:
    details = {(d["billingProvider"], d["invoiceLineItemType"]) for d in invoice["invoiceDetails"]}
    if provider == "one_time" and kind == "usage_line_items":
        # A one-time invoice's billed consumption (get-invoice-billed-consumption-lineitems.md) [I]: its details
        # name the billing line items only.
        return ("one_time", "billing_line_items") in details
    return (provider, kind) in details


async def invoice_line_items(state: EmulatorState, request: Request) -> Response:
    invoice = state.models.invoices.get(request.path_params["invoice_id"])
    params = _params(state, request)
    provider, kind, given_provider, given_kind = _provider_and_kind(params, request)
    if not _has_detail(invoice, provider, kind):
        raise LineItemsNotOnInvoice(invoice["id"], provider, kind)
    lines, ctx = state.models.line_items, Context(state)
    currency = str(invoice["currencyCode"]).upper()
    invoice_id = invoice["id"]
    items: list[Any]
    if provider == "office":
        items = [license_line(ctx, c, currency) for c in lines.license_charges(invoice)]
    elif provider == "azure" and kind == "billing_line_items":
        items = [azure_line(ctx, c, invoice_id, currency) for c in lines.azure_charges(invoice)]
    elif provider == "azure":
        items = [daily_line(ctx, c, invoice_id) for c in lines.azure_daily(invoice)]
    else:
        first, last = lines.one_time_period(invoice)
        if kind == "billing_line_items":
            items = [plan_line(ctx, c, invoice_id, currency) for c in lines.plan_charges(first, last, currency)]
            items += [purchase_line(ctx, p, invoice_id, lines) for p in lines.purchases(first, last, currency)]
        else:
            asked = _currency(params, required=True)
            earned_only = _earned_credit_only(params)
            items = []
            if asked == currency and not earned_only:  # no partner earned credit is applied in the emulator [I]
                items = [rated_line(ctx, c, invoice_id, currency) for c in lines.plan_daily(first, last, currency)]
    path = request.url.path.removeprefix("/v1")
    if "provider" in request.path_params:
        return _paged(
            state, request, items, seek=provider == "one_time", base=path, next_query=lambda size, _: f"size={size}"
        )
    fixed = f"provider={quote(given_provider)}&invoicelineitemtype={quote(given_kind)}"
    if provider == "one_time" and kind == "usage_line_items":
        fixed += f"&currencycode={quote(params.get('currencycode', '').strip())}"
    return _paged(
        state,
        request,
        items,
        seek=provider == "one_time",
        base=path,
        next_query=lambda size, _: f"{fixed}&size={size}",
    )


async def unbilled_line_items(state: EmulatorState, request: Request) -> Response:
    params = _params(state, request)
    provider, kind, given_provider, given_kind = _provider_and_kind(params, request)
    if provider != "one_time":
        raise InvalidInput("unbilled line items have the provider onetime only.")
    currency = _currency(params, required=True)
    period = params.get("period", "").strip().lower()
    if not period:
        raise InvalidInput("'period' is required: current or previous.")
    if period not in PERIODS:
        raise InvalidInput(f"'period' must be current or previous, got '{period[:32]}'.")
    earned_only = _earned_credit_only(params)
    lines, ctx = state.models.line_items, Context(state)
    first, last = lines.unbilled_period(period)
    items: list[Any]
    if kind == "billing_line_items":
        items = [plan_line(ctx, c, "", currency) for c in lines.plan_charges(first, last, currency)]
        items += [purchase_line(ctx, p, "", lines) for p in lines.purchases(first, last, currency)]
    else:
        items = (
            [] if earned_only else [rated_line(ctx, c, "", currency) for c in lines.plan_daily(first, last, currency)]
        )
    fixed = (
        f"provider={quote(given_provider)}&invoicelineitemtype={quote(given_kind)}"
        f"&currencycode={quote(params.get('currencycode', '').strip())}&period={quote(period)}"
    )
    return _paged(
        state,
        request,
        items,
        seek=True,
        base="/invoices/unbilled/lineitems",
        next_query=lambda s, _: f"{fixed}&size={s}",
    )
