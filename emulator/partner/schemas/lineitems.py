"""Invoice line items on the wire: legacy license-based and usage-based (Office and Microsoft Azure providers), and
New Commerce's one-time items and daily rated usage (the OneTime provider, billed and unbilled).

Sources (docs/sources/usage.md): the samples of get-invoiceline-items.md, get-invoice-unbilled-recon-lineitems.md,
get-invoice-unbilled-consumption-lineitems.md and get-invoice-billed-consumption-lineitems.md for the fields and
their order, invoice-resources.md for their types. The samples write some OneTime amounts as strings and others as
numbers; the types here are invoice-resources.md's (decimal and int: numbers).
"""

from __future__ import annotations

from typing import Literal

from msgspec import field

from emulator.partner.schemas.resources import Attributes, Wire

BillingLines = Literal["billing_line_items"]
UsageLines = Literal["usage_line_items"]


class LicenseBasedLineItem(Wire, kw_only=True):
    partner_id: str
    customer_id: str
    customer_name: str
    mpn_id: int
    tier2_mpn_id: int
    order_id: str
    subscription_id: str
    syndication_partner_subscription_number: str
    offer_id: str
    durable_offer_id: str
    offer_name: str
    domain_name: str
    billing_cycle_type: str
    subscription_name: str
    subscription_description: str
    subscription_start_date: str
    subscription_end_date: str
    charge_start_date: str
    charge_end_date: str
    charge_type: str
    unit_price: float
    quantity: int
    amount: float
    total_other_discount: float
    subtotal: float
    tax: float
    total_for_customer: float
    currency: str
    invoice_line_item_type: BillingLines
    billing_provider: Literal["office"]
    attributes: Attributes[Literal["LicenseBasedLineItem"]]


class UsageBasedLineItem(Wire, kw_only=True):
    detail_line_item_id: int
    sku: str
    included_quantity: float
    overage_quantity: float
    list_price: float
    currency: str
    pretax_charges: float
    tax_amount: float
    post_tax_total: float
    pretax_effective_rate: float
    post_tax_effective_rate: float
    charge_type: str
    invoice_line_item_type: BillingLines
    partner_id: str
    partner_name: str
    partner_billable_account_id: str
    customer_id: str
    domain_name: str
    customer_company_name: str
    mpn_id: int
    tier2_mpn_id: int
    invoice_number: str
    subscription_id: str
    subscription_name: str
    subscription_description: str
    billing_cycle_type: str
    order_id: str
    service_name: str
    service_type: str
    resource_guid: str
    resource_name: str
    region: str
    consumed_quantity: float
    charge_start_date: str
    charge_end_date: str
    unit: str
    billing_provider: Literal["azure"]
    attributes: Attributes[Literal["UsageBasedLineItem"]]


class DailyUsageLineItem(Wire, kw_only=True):
    customer_billable_account: str
    usage_date: str
    invoice_line_item_type: UsageLines
    partner_id: str
    partner_name: str
    partner_billable_account_id: str
    customer_id: str
    domain_name: str
    customer_company_name: str
    mpn_id: int
    tier2_mpn_id: int
    invoice_number: str
    subscription_id: str
    subscription_name: str
    subscription_description: str
    billing_cycle_type: str
    order_id: str
    service_name: str
    service_type: str
    resource_guid: str
    resource_name: str
    region: str
    consumed_quantity: float
    charge_start_date: str
    charge_end_date: str
    unit: str
    billing_provider: Literal["azure"]
    attributes: Attributes[Literal["DailyUsageLineItem"]]


class OneTimeInvoiceLineItem(Wire, kw_only=True):
    partner_id: str
    customer_id: str
    customer_name: str
    customer_domain_name: str
    customer_country: str
    invoice_number: str
    mpn_id: str
    reseller_mpn_id: int
    order_id: str
    order_date: str
    product_id: str
    sku_id: str
    availability_id: str
    product_name: str
    sku_name: str
    product_qualifiers: list[str]
    charge_type: str
    unit_price: float
    effective_unit_price: float
    unit_type: str
    quantity: int
    subtotal: float
    tax_total: float
    total_for_customer: float
    currency: str
    publisher_name: str
    publisher_id: str
    subscription_description: str
    subscription_id: str
    subscription_start_date: str
    subscription_end_date: str
    charge_start_date: str
    charge_end_date: str
    term_and_billing_cycle: str
    alternate_id: str
    reference_id: str
    price_adjustment_description: str
    discount_details: str
    pricing_currency: str
    pc_to_bc_exchange_rate: float = field(name="pcToBCExchangeRate")
    pc_to_bc_exchange_rate_date: str = field(name="pcToBCExchangeRateDate")
    billable_quantity: float
    meter_description: str
    billing_frequency: str
    reservation_order_id: str
    invoice_line_item_type: BillingLines
    billing_provider: Literal["one_time"]
    promotion_id: str
    attributes: Attributes[Literal["OneTimeInvoiceLineItem"]]


class DailyRatedUsageLineItem(Wire, kw_only=True):
    partner_id: str
    partner_name: str
    customer_id: str
    customer_name: str
    customer_domain_name: str
    invoice_number: str
    product_id: str
    sku_id: str
    availability_id: str
    sku_name: str
    product_name: str
    publisher_name: str
    publisher_id: str
    subscription_id: str
    subscription_description: str
    charge_start_date: str
    charge_end_date: str
    usage_date: str
    meter_type: str
    meter_category: str
    meter_id: str
    meter_sub_category: str
    meter_name: str
    meter_region: str
    unit_of_measure: str
    resource_location: str
    consumed_service: str
    resource_group: str
    resource_uri: str
    tags: str
    additional_info: str
    service_info1: str
    service_info2: str
    customer_country: str
    mpn_id: str
    reseller_mpn_id: str
    charge_type: str
    unit_price: float
    quantity: float
    unit_type: str
    billing_pre_tax_total: float
    billing_currency: str
    pricing_pre_tax_total: float
    pricing_currency: str
    entitlement_id: str
    entitlement_description: str
    pc_to_bc_exchange_rate: float = field(name="pcToBCExchangeRate")
    pc_to_bc_exchange_rate_date: str = field(name="pcToBCExchangeRateDate")
    effective_unit_price: float
    rate_of_partner_earned_credit: float
    rate_of_credit: float
    credit_type: str
    invoice_line_item_type: UsageLines
    billing_provider: Literal["one_time"]
    benefit_order_id: str
    benefit_id: str
    benefit_type: str
    attributes: Attributes[Literal["DailyRatedUsageLineItem"]]


LineItem = (
    LicenseBasedLineItem | UsageBasedLineItem | DailyUsageLineItem | OneTimeInvoiceLineItem | DailyRatedUsageLineItem
)
