"""Azure usage, spending budgets, rate cards and license analytics on the wire.

Field names and order follow the documented samples (docs/sources/usage.md): customer-usage-resources.md,
subscription-usage-resources.md, azure-utilization-record-resources.md, azure-rate-card-resources.md and
analytics-resources.md, and the SDK's models (partnercenterservices 0.1.2) where the samples leave a field out.
Where the Microsoft Azure (MS-AZR-0145P) and the Azure plan samples differ, both forms are here: currencyLocale for
the first, currencyCode and usdTotalCost for the second.
"""

from __future__ import annotations

from typing import Literal

from msgspec import UNSET, UnsetType

from emulator.partner.schemas.resources import Attributes, Links, Wire

Number = int | float  # amounts keep the form they were given in (a budget of 100 stays 100)


# --- spending budgets and usage summaries (customer-usage-resources.md) ----------------------------------------------


class SpendingBudget(Wire, kw_only=True):
    """amount is absent when the customer has no budget (get-a-customer-s-usage-records.md's first item)."""

    amount: Number | UnsetType = UNSET
    usage_spending_budget: Number | UnsetType = UNSET  # the usagebudget resource only
    links: Links | UnsetType = UNSET
    attributes: Attributes[Literal["SpendingBudget"]]


class CustomerMonthlyUsageRecord(Wire, kw_only=True):
    budget: SpendingBudget
    customer_spending_budget: SpendingBudget | UnsetType = UNSET
    percent_used: float
    is_upgraded: bool
    resource_id: str
    id: str
    resource_name: str
    name: str
    total_cost: float
    currency_locale: str | UnsetType = UNSET
    currency_code: str | UnsetType = UNSET
    usd_total_cost: float
    last_modified_date: str
    attributes: Attributes[Literal["CustomerMonthlyUsageRecord"]]


class CustomerUsageSummary(Wire, kw_only=True):
    budget: SpendingBudget
    resource_id: str
    id: str
    resource_name: str
    name: str
    billing_start_date: str
    billing_end_date: str
    total_cost: float
    currency_locale: str | UnsetType = UNSET
    currency_code: str | UnsetType = UNSET
    usd_total_cost: float | UnsetType = UNSET
    last_modified_date: str
    links: Links
    attributes: Attributes[Literal["CustomerUsageSummary"]]


class PartnerUsageSummary(Wire, kw_only=True):
    customers_over_budget: int
    customers_trending_over: int
    customers_with_usage_based_subscription: int
    resource_id: str
    id: str
    resource_name: str
    name: str
    billing_start_date: str
    billing_end_date: str
    total_cost: float
    currency_locale: str
    last_modified_date: str
    links: Links
    attributes: Attributes[Literal["PartnerUsageSummary"]]


# --- subscription usage (subscription-usage-resources.md, get-all-monthly-usage-records-for-a-subscription.md) --------


class SubscriptionMonthlyUsageRecord(Wire, kw_only=True):
    status: str
    partner_on_record: str | UnsetType = UNSET
    offer_id: str
    resource_id: str
    id: str
    resource_name: str
    name: str
    total_cost: float
    currency_locale: str | UnsetType = UNSET
    currency_code: str | UnsetType = UNSET
    usd_total_cost: float
    last_modified_date: str
    attributes: Attributes[Literal["SubscriptionMonthlyUsageRecord"]]


class SubscriptionUsageSummary(Wire, kw_only=True):
    resource_id: str
    id: str
    resource_name: str
    name: str
    billing_start_date: str
    billing_end_date: str
    total_cost: float
    currency_locale: str | UnsetType = UNSET
    currency_code: str | UnsetType = UNSET
    usd_total_cost: float | UnsetType = UNSET
    last_modified_date: str
    links: Links
    attributes: Attributes[Literal["SubscriptionUsageSummary"]]


class SubscriptionDailyUsageRecord(Wire, kw_only=True):
    date_used: str
    resource_id: str
    id: str
    resource_name: str
    name: str
    total_cost: float
    currency_locale: str | UnsetType = UNSET
    currency_code: str | UnsetType = UNSET
    usd_total_cost: float | UnsetType = UNSET
    last_modified_date: str
    attributes: Attributes[Literal["SubscriptionDailyUsageRecord"]]


class AzureResourceMonthlyUsageRecord(Wire, kw_only=True):
    category: str
    subcategory: str
    quantity_used: float
    unit: str
    resource_id: str
    id: str
    resource_name: str
    name: str
    total_cost: float
    currency_locale: str
    last_modified_date: str
    attributes: Attributes[Literal["AzureResourceMonthlyUsageRecord"]]


# --- Azure utilization (azure-utilization-record-resources.md) ---------------------------------------------------


class AzureResource(Wire, kw_only=True):
    id: str
    name: str
    category: str
    subcategory: str
    region: str


class AzureInstanceData(Wire, kw_only=True):
    resource_uri: str
    location: str
    part_number: str
    order_number: str
    additional_info: dict[str, str] | UnsetType = UNSET


class AzureUtilizationRecord(Wire, kw_only=True):
    usage_start_time: str
    usage_end_time: str
    resource: AzureResource
    quantity: float
    unit: str
    info_fields: dict[str, str]
    instance_data: AzureInstanceData | UnsetType = UNSET
    attributes: Attributes[Literal["AzureUtilizationRecord"]]


# --- rate cards (azure-rate-card-resources.md) -------------------------------------------------------------------


class AzureMeter(Wire, kw_only=True):
    id: str
    name: str
    rates: dict[str, float]
    tags: list[str]
    category: str
    subcategory: str
    region: str
    unit: str
    included_quantity: float
    effective_date: str


class AzureOfferTerm(Wire, kw_only=True):
    name: str
    discount: float
    excluded_meter_ids: list[str]
    effective_date: str


class AzureRateCard(Wire, kw_only=True):
    locale: str
    currency: str
    is_tax_included: bool
    meters: list[AzureMeter]
    offer_terms: list[AzureOfferTerm]
    attributes: Attributes[Literal["AzureRateCard"]]


# --- license analytics (analytics-resources.md) --------------------------------------------------------------------


class PartnerLicensesDeploymentInsights(Wire, kw_only=True):
    prorated_deployment_percent: float
    licenses_sold: int
    processed_date_time: str
    service_name: str
    channel: str
    attributes: Attributes[Literal["PartnerLicensesDeploymentInsights"]]


class PartnerLicensesUsageInsights(Wire, kw_only=True):
    prorated_licenses_usage_percent: float
    workload_name: str
    processed_date_time: str
    service_name: str
    channel: str
    attributes: Attributes[Literal["PartnerLicensesUsageInsights"]]


class CustomerLicensesDeploymentInsights(Wire, kw_only=True):
    customer_id: str
    customer_name: str
    product_name: str
    licenses_deployed: int
    deployment_percent: float
    licenses_sold: int
    processed_date_time: str
    service_name: str
    channel: str
    attributes: Attributes[Literal["CustomerLicensesDeploymentInsights"]]


class CustomerLicensesUsageInsights(Wire, kw_only=True):
    customer_id: str
    customer_name: str
    product_name: str
    licenses_active: int
    licenses_qualified: int
    usage_percent: float
    workload_name: str
    processed_date_time: str
    service_name: str
    channel: str
    attributes: Attributes[Literal["CustomerLicensesUsageInsights"]]
