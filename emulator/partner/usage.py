"""Azure usage, spending budgets, rate cards and license analytics over HTTP.

Which calls need App+User tokens follows each documentation page's prerequisites (docs/sources/usage.md): the usage
records and summaries and the license analytics are App+User only; a customer's budget, a subscription's resource
records and the utilization records take app-only tokens too, and so do the rate cards (their pages name no
restriction) [I for the daily records and the rate cards, whose pages say nothing].
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, quote

from msgspec import UNSET
from starlette.requests import Request
from starlette.responses import Response

from emulator import consumption as cu
from emulator.partner.common import (
    collection,
    decode_continuation,
    encode_continuation,
    int_param,
    json_body,
    path_customer,
    query,
    require_app_user,
)
from emulator.partner.models.analytics import CHANNEL, percent
from emulator.partner.models.errors import InvalidInput
from emulator.partner.models.usage import CustomerUsage, Money, SubscriptionUsage, Usage, Utilization, as_utc
from emulator.partner.responses import PartnerJSON as JSON
from emulator.partner.responses import link
from emulator.partner.schemas import requests as rq
from emulator.partner.schemas import resources as w
from emulator.partner.schemas import usage as u
from emulator.ratecard import MARKETS, METERS, OFFER_TERMS, USD_TO, local_rate
from emulator.state import EmulatorState

# --- documents ------------------------------------------------------------------------------------------------


def budget_document(amount: float | int | None, **more: Any) -> u.SpendingBudget:
    return u.SpendingBudget(
        amount=UNSET if amount is None else amount, attributes=w.Attributes("SpendingBudget"), **more
    )


def _currency(usage: Usage, cost: Money, legacy: bool) -> dict[str, Any]:
    """Microsoft Azure (MS-AZR-0145P): the partner's locale; an Azure plan: the currency code (the samples)."""
    return {"currency_locale": usage.partner_locale()} if legacy else {"currency_code": cost.currency}


def customer_record(usage: Usage, found: CustomerUsage) -> u.CustomerMonthlyUsageRecord:
    customer = found.customer
    budget = budget_document(found.budget)
    legacy = not found.upgraded
    return u.CustomerMonthlyUsageRecord(
        budget=budget,
        # The Microsoft Azure customer's sample repeats its budget as customerSpendingBudget.
        customer_spending_budget=budget if legacy else UNSET,
        percent_used=found.percent_used,
        is_upgraded=found.upgraded,
        resource_id=customer["id"],
        id=customer["id"],
        resource_name=customer["companyProfile"]["companyName"],
        name=customer["companyProfile"]["companyName"],
        total_cost=found.cost.amount,
        usd_total_cost=0.0 if legacy else found.cost.usd,  # "available for Azure plans": 0 in the legacy sample
        last_modified_date=usage.last_modified(),
        attributes=w.Attributes("CustomerMonthlyUsageRecord"),
        **_currency(usage, found.cost, legacy),
    )


def subscription_record(usage: Usage, found: SubscriptionUsage) -> u.SubscriptionMonthlyUsageRecord:
    subscription = found.subscription
    legacy = found.kind == "legacy"
    return u.SubscriptionMonthlyUsageRecord(
        status=subscription["status"],
        partner_on_record=UNSET if legacy else str(usage.world.profiles["mpn"]["mpnId"]),  # [I] the partner's id
        offer_id=subscription["offerId"],
        resource_id=subscription["id"],
        id=subscription["id"],
        resource_name=subscription["friendlyName"],
        name=subscription["friendlyName"],
        total_cost=found.cost.amount,
        usd_total_cost=0.0 if legacy else found.cost.usd,
        last_modified_date=usage.last_modified(),
        attributes=w.Attributes("SubscriptionMonthlyUsageRecord"),
        **_currency(usage, found.cost, legacy),
    )


# --- partner and customers ----------------------------------------------------------------------------------------


async def partner_usage_summary(state: EmulatorState, request: Request) -> Response:
    """get-a-partner-usage-summary.md: Microsoft Azure (MS-AZR-0145P) consumption only ("will not return
    consumption for customers that have an Azure plan"); the budget counts cover every usage customer."""
    require_app_user(request)
    usage = state.models.usage
    customers = usage.all_customers()
    legacy_usd = sum(s.cost.usd for c in customers for s in c.subscriptions if s.kind == "legacy")
    total = usage.money(legacy_usd, usage.partner_currency())
    period = usage.period("legacy")
    partner = state.world.partner
    name = str(state.world.organization["companyName"])
    return JSON(
        u.PartnerUsageSummary(
            customers_over_budget=sum(1 for c in customers if c.over_budget),
            customers_trending_over=sum(1 for c in customers if c.trending_over),
            customers_with_usage_based_subscription=len(customers),
            resource_id=partner.id,
            id=partner.id,
            resource_name=name,
            name=name,
            billing_start_date=cu.stamp(period.first),
            billing_end_date=cu.stamp(period.end),
            total_cost=total.amount,
            currency_locale=usage.partner_locale(),
            last_modified_date=usage.last_modified(),
            links=w.self_link("/usagesummary"),
            attributes=w.Attributes("PartnerUsageSummary"),
        )
    )


async def customers_usage_records(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    usage = state.models.usage
    records = [customer_record(usage, found) for found in usage.all_customers()]
    return JSON(collection(records, "/customers/usagerecords"))


async def customer_usage_summary(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request, app_user=True)
    usage = state.models.usage
    found = usage.customer_usage(customer)
    assert found is not None
    legacy = not found.upgraded
    name = customer["companyProfile"]["companyName"]
    return JSON(
        u.CustomerUsageSummary(
            budget=budget_document(found.budget),
            resource_id=customer["id"],
            id=customer["id"],
            resource_name=name,
            name=name,
            billing_start_date=cu.stamp(found.period.first),
            billing_end_date=cu.stamp(found.period.end),
            total_cost=found.cost.amount,
            usd_total_cost=UNSET if legacy else found.cost.usd,
            last_modified_date=usage.last_modified(),
            links=w.self_link(f"/customers/{customer['id']}/usagesummary"),
            attributes=w.Attributes("CustomerUsageSummary"),
            **_currency(usage, found.cost, legacy),
        )
    )


async def subscriptions_usage_records(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request, app_user=True)
    usage = state.models.usage
    records = [subscription_record(usage, usage.subscription_usage(customer, s)) for s in usage.azure(customer)]
    return JSON(collection(records, f"/customers/{customer['id']}/subscriptions/usagerecords"))


# --- one subscription -------------------------------------------------------------------------------------------


async def subscription_usage_summary(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request, app_user=True)
    usage = state.models.usage
    subscription = usage.subscription(customer, request.path_params["subscription_id"])
    found = usage.subscription_usage(customer, subscription)
    legacy = found.kind == "legacy"
    return JSON(
        u.SubscriptionUsageSummary(
            resource_id=subscription["id"],
            id=subscription["id"],
            resource_name=subscription["friendlyName"],
            name=subscription["friendlyName"],
            billing_start_date=cu.stamp(found.period.first),
            billing_end_date=cu.stamp(found.period.end),
            total_cost=found.cost.amount,
            usd_total_cost=UNSET if legacy else found.cost.usd,
            last_modified_date=usage.last_modified(),
            links=w.self_link(f"/customers/{customer['id']}/subscriptions/{subscription['id']}/usagesummary"),
            attributes=w.Attributes("SubscriptionUsageSummary"),
            **_currency(usage, found.cost, legacy),
        )
    )


async def subscription_daily_records(state: EmulatorState, request: Request) -> Response:
    """subscription-usage-resources.md's SubscriptionDailyUsageRecord (obsolete, no page of its own): one record a
    day of the current period, the subscription as the resource."""
    customer = path_customer(state, request, app_user=True)
    usage = state.models.usage
    subscription = usage.subscription(customer, request.path_params["subscription_id"])
    legacy = cu.kind(subscription) == "legacy"
    records = [
        u.SubscriptionDailyUsageRecord(
            date_used=cu.stamp(day.day),
            resource_id=subscription["id"],
            id=subscription["id"],
            resource_name=subscription["friendlyName"],
            name=subscription["friendlyName"],
            total_cost=day.cost.amount,
            usd_total_cost=UNSET if legacy else day.cost.usd,
            last_modified_date=usage.last_modified(),
            attributes=w.Attributes("SubscriptionDailyUsageRecord"),
            **_currency(usage, day.cost, legacy),
        )
        for day in usage.daily(customer, subscription)
    ]
    return JSON(
        collection(records, f"/customers/{customer['id']}/subscriptions/{subscription['id']}/usagerecords/daily")
    )


async def subscription_resource_records(state: EmulatorState, request: Request) -> Response:
    """get-all-monthly-usage-records-for-a-subscription.md: Microsoft Azure (MS-AZR-0145P) subscriptions only."""
    customer = path_customer(state, request)
    usage = state.models.usage
    subscription = usage.subscription(customer, request.path_params["subscription_id"], legacy_only=True)
    records = [
        u.AzureResourceMonthlyUsageRecord(
            category=found.resource.meter.category,
            subcategory=found.resource.meter.subcategory,
            quantity_used=found.quantity,
            unit=found.resource.meter.unit,
            resource_id=found.resource.meter.id,
            id=found.resource.meter.id,
            resource_name=found.resource.meter.name,
            name=found.resource.meter.name,
            total_cost=found.cost.amount,
            currency_locale=usage.partner_locale(),
            last_modified_date=usage.last_modified(),
            attributes=w.Attributes("AzureResourceMonthlyUsageRecord"),
        )
        for found in usage.by_resource(customer, subscription)
    ]
    return JSON(
        collection(records, f"/customers/{customer['id']}/subscriptions/{subscription['id']}/usagerecords/resources")
    )


# --- utilization (get-a-customer-s-utilization-record-for-azure.md) -------------------------------------------------

MAX_UTILIZATION_PAGE = 1000  # "The default is 1000. The max is 1000."


def _raw_query(request: Request) -> Mapping[str, str]:
    """The query with a '+' kept as '+': an unencoded offset (…T00:00:00+01:00) is common in hand-written URLs."""
    raw: bytes = request.scope.get("query_string", b"")
    return dict(parse_qsl(raw.decode("latin-1").replace("+", "%2B"), keep_blank_values=True))


def _time(params: Mapping[str, str], name: str) -> datetime:
    raw = params.get(name, "").strip()
    if not raw:
        raise InvalidInput(f"'{name}' is required (a date and time such as 2026-01-01T00:00:00Z).")
    try:
        return as_utc(datetime.fromisoformat(raw))  # a time without an offset is UTC [I]
    except (ValueError, OverflowError):  # not a time, or one that leaves the calendar once in UTC
        raise InvalidInput(f"'{name}' is not a date and time: '{raw[:40]}'.") from None


def _choice(params: Mapping[str, str], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = params.get(name, "").strip().lower() or default
    if value not in allowed:
        raise InvalidInput(f"'{name}' must be one of {', '.join(allowed)}, got '{value[:32]}'.")
    return value


def utilization_document(found: Utilization, details: bool) -> u.AzureUtilizationRecord:
    resource, meter = found.resource, found.resource.meter
    return u.AzureUtilizationRecord(
        usage_start_time=found.start.isoformat(),
        usage_end_time=found.end.isoformat(),
        resource=u.AzureResource(
            id=meter.id, name=meter.name, category=meter.category, subcategory=meter.subcategory, region=meter.region
        ),
        quantity=found.quantity,
        unit=meter.unit,
        info_fields={},
        instance_data=u.AzureInstanceData(
            resource_uri=resource.uri, location=meter.location, part_number="", order_number=""
        )
        if details
        else UNSET,
        attributes=w.Attributes("AzureUtilizationRecord"),
    )


async def azure_utilization(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    usage = state.models.usage
    subscription = usage.subscription(customer, request.path_params["subscription_id"], legacy_only=True)
    params = _raw_query(request)
    start, end = _time(params, "start_time"), _time(params, "end_time")
    if end <= start:
        raise InvalidInput("'end_time' must be later than 'start_time'.")
    granularity = _choice(params, "granularity", ("daily", "hourly"), "daily")
    details = _choice(params, "show_details", ("true", "false"), "true") == "true"
    size = int_param(params, "size", MAX_UTILIZATION_PAGE, 1)
    if size > MAX_UTILIZATION_PAGE:
        raise InvalidInput(f"'size' must be at most {MAX_UTILIZATION_PAGE}, got {size}.")
    offset = 0
    seek = params.get("seek_operation", "").strip().lower()
    if seek:
        if seek != "next":
            raise InvalidInput(f"'seek_operation' {seek[:16]!r} is not supported; use 'next'.")
        token = request.headers.get("ms-continuationtoken")
        if not token:
            raise InvalidInput("seek_operation=next needs the MS-ContinuationToken header from the previous page.")
        position = decode_continuation(token)
        offset, size = position["o"], min(position["s"], MAX_UTILIZATION_PAGE)
    records = usage.utilization(subscription, start, end, hourly=granularity == "hourly")
    page = [utilization_document(r, details) for r in records[offset : offset + size]]
    base = f"/customers/{customer['id']}/subscriptions/{subscription['id']}/utilizations/azure"
    shown = (
        f"start_time={quote(start.isoformat(), safe=':')}&end_time={quote(end.isoformat(), safe=':')}"
        f"&granularity={granularity.capitalize()}&show_details={details!s}&size={size}"
    )
    following, token_value = offset + size, None
    next_link = None
    if following < len(records):
        token_value = encode_continuation({"o": following, "s": size})
        next_link = link(
            f"{base}?{shown}&seek_operation=next", headers=[{"key": "MS-ContinuationToken", "value": token_value}]
        )
    return JSON(collection(page, f"{base}?{shown}", next_link=next_link, continuation_token=token_value))


# --- spending budget ----------------------------------------------------------------------------------------------


def _budget_answer(customer: dict[str, Any], amount: float | int | None, method: str) -> u.SpendingBudget:
    # As the samples: the link has /v1, and names the method that was called.
    self_link = w.Links(self_=w.Link(f"/v1/customers/{customer['id']}/usagebudget", method))
    if amount is None:
        return budget_document(None, links=self_link)
    return budget_document(amount, usage_spending_budget=amount, links=self_link)


async def get_usage_budget(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    return JSON(_budget_answer(customer, state.models.usage.budget(customer), "GET"))


async def update_usage_budget(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    body = await json_body(request)
    if "amount" not in body:
        raise InvalidInput("'Amount' is required: a number, or null to remove the budget.")
    change = rq.read(body, rq.SpendingBudgetIn)
    amount = state.models.usage.set_budget(customer, change.amount)
    return JSON(_budget_answer(customer, amount, "PATCH"))


# --- rate cards (get-prices-for-microsoft-azure.md, …-partner-shared-services.md) --------------------------------


def _locale(request: Request) -> str:
    return request.headers.get("x-locale", "").strip().strip('"')[:16] or "en-US"


def _rate_card_market(state: EmulatorState, request: Request, *, shared: bool) -> tuple[str, str]:
    params = query(state, request)
    currency, region = params.get("currency", "").strip().upper(), params.get("region", "").strip().upper()
    if currency and (len(currency) != 3 or not currency.isalpha()):
        raise InvalidInput(f"'currency' must be a three-letter ISO currency code such as EUR, got '{currency[:16]}'.")
    if currency and currency not in USD_TO:
        raise InvalidInput(f"the currency '{currency}' is not supported; one of {', '.join(sorted(USD_TO))}.")
    if region and (len(region) != 2 or not region.isalpha()):
        raise InvalidInput(f"'region' must be a two-letter ISO country code such as FR, got '{region[:16]}'.")
    if region and region not in MARKETS:
        raise InvalidInput(f"the region '{region}' is not a market of the rate card.")
    if shared:  # defaults: the partner profile's market (…-partner-shared-services.md)
        home = str(state.world.organization["defaultAddress"]["country"]).upper()
        home = home if home in MARKETS else "US"
        return currency or MARKETS[home], region or home
    if not currency and not region:  # neither: the X-Locale header decides (get-prices-for-microsoft-azure.md)
        country = _locale(request).split("-")[-1].upper()
        country = country if country in MARKETS else "US"
        return MARKETS[country], country
    return currency or "USD", region or "US"


def rate_card_document(currency: str, locale: str) -> u.AzureRateCard:
    return u.AzureRateCard(
        locale=locale,
        currency=currency,
        is_tax_included=False,
        meters=[
            u.AzureMeter(
                id=m.id,
                name=m.name,
                rates={"0": local_rate(m, currency)},
                tags=[],
                category=m.category,
                subcategory=m.subcategory,
                region=m.region,
                unit=m.unit,
                included_quantity=0.0,
                effective_date=m.effective_date,
            )
            for m in METERS
        ],
        offer_terms=[
            u.AzureOfferTerm(
                name=t.name,
                discount=t.discount,
                excluded_meter_ids=list(t.excluded_meter_ids),
                effective_date=t.effective_date,
            )
            for t in OFFER_TERMS
        ],
        attributes=w.Attributes("AzureRateCard"),
    )


async def azure_rate_card(state: EmulatorState, request: Request) -> Response:
    currency, _ = _rate_card_market(state, request, shared=False)
    # The sample answers "en" for X-Locale en-US: the language of the locale [I].
    return JSON(rate_card_document(currency, _locale(request).split("-")[0].lower()))


async def azure_shared_rate_card(state: EmulatorState, request: Request) -> Response:
    currency, _ = _rate_card_market(state, request, shared=True)
    return JSON(rate_card_document(currency, _locale(request)))  # the sample answers "en-US" in full


# --- license analytics (get-partner-licenses-*.md, get-customer-licenses-*.md) ----------------------------------


async def partner_licenses_deployment(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    processed = cu.stamp(state.models.usage.today())
    sold: dict[str, list[int]] = {}
    for product in state.models.analytics.all_products():
        totals = sold.setdefault(product.service, [0, 0])
        totals[0] += product.sold
        totals[1] += product.deployed
    items = [
        u.PartnerLicensesDeploymentInsights(
            prorated_deployment_percent=percent(deployed, count),
            licenses_sold=count,
            processed_date_time=processed,
            service_name=service,
            channel=CHANNEL,
            attributes=w.Attributes("PartnerLicensesDeploymentInsights"),
        )
        for service, (count, deployed) in sorted(sold.items())
    ]
    return JSON(collection(items))


async def partner_licenses_usage(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    processed = cu.stamp(state.models.usage.today())
    workloads: dict[tuple[str, str], list[int]] = {}
    for product in state.models.analytics.all_products():
        for workload in product.workloads:
            totals = workloads.setdefault((product.service, workload), [0, 0])
            totals[0] += product.sold
            totals[1] += product.active
    items = [
        u.PartnerLicensesUsageInsights(
            prorated_licenses_usage_percent=percent(active, count),
            workload_name=workload,
            processed_date_time=processed,
            service_name=service,
            channel=CHANNEL,
            attributes=w.Attributes("PartnerLicensesUsageInsights"),
        )
        for (service, workload), (count, active) in sorted(workloads.items())
    ]
    return JSON(collection(items))


async def customer_licenses_deployment(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request, app_user=True)
    processed = cu.stamp(state.models.usage.today())
    items = [
        u.CustomerLicensesDeploymentInsights(
            customer_id=customer["id"],
            customer_name=customer["companyProfile"]["companyName"],
            product_name=p.product,
            licenses_deployed=p.deployed,
            deployment_percent=percent(p.deployed, p.sold),
            licenses_sold=p.sold,
            processed_date_time=processed,
            service_name=p.service,
            channel=CHANNEL,
            attributes=w.Attributes("CustomerLicensesDeploymentInsights"),
        )
        for p in state.models.analytics.products(customer)
    ]
    return JSON(collection(items))


async def customer_licenses_usage(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request, app_user=True)
    processed = cu.stamp(state.models.usage.today())
    items = [
        u.CustomerLicensesUsageInsights(
            customer_id=customer["id"],
            customer_name=customer["companyProfile"]["companyName"],
            product_name=p.product,
            licenses_active=p.active,
            licenses_qualified=p.sold,
            usage_percent=percent(p.active, p.sold),
            workload_name=workload,
            processed_date_time=processed,
            service_name=p.service,
            channel=CHANNEL,
            attributes=w.Attributes("CustomerLicensesUsageInsights"),
        )
        for p in state.models.analytics.products(customer)
        for workload in p.workloads
    ]
    return JSON(collection(items))
