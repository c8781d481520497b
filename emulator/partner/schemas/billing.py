"""What the partner buys from and is billed for, on the wire: the legacy offer catalogue and the invoices.

Sources: the recorded 2019 offers (Partner-Center-PowerShell session records) and the documented invoice samples.
"""

from __future__ import annotations

from typing import Literal

from msgspec import UNSET, UnsetType

from emulator.partner.schemas.resources import Attributes, Links, Wire

# --- catalogue and billing ------------------------------------------------------------------------------------------


class OfferCategory(Wire, kw_only=True):
    id: str
    name: str
    rank: int
    locale: str | UnsetType = UNSET
    country: str | UnsetType = UNSET
    attributes: Attributes[Literal["OfferCategory"]]


class Product(Wire, kw_only=True):
    id: str
    name: str
    unit: str


class Offer(Wire, kw_only=True):
    """The recorded 2019 shape (Partner-Center-PowerShell session records)."""

    id: str
    name: str
    description: str
    minimum_quantity: int
    maximum_quantity: int
    rank: int
    uri: str
    locale: str
    country: str
    category: OfferCategory
    limit_unit_of_measure: str
    limit: int
    term_unit_of_measure: str
    term: int
    prerequisite_offers: list[str]
    is_add_on: bool
    has_add_ons: bool
    is_available_for_purchase: bool
    billing: str
    supported_billing_cycles: list[str]
    is_auto_renewable: bool
    is_internal: bool
    is_microsoft_product: bool
    conversion_target_offers: list[str]
    resellee_qualifications: list[str]
    reseller_qualifications: list[str]
    sales_group_id: str
    is_trial: bool
    acquisition_type: str
    supported_catalog_types: list[str]
    actions: list[str]
    product: Product
    unit_type: str
    links: Links
    attributes: Attributes[Literal["Offer"]]


class InvoiceDetail(Wire, kw_only=True):
    invoice_line_item_type: str
    billing_provider: str
    links: Links | UnsetType = UNSET
    attributes: Attributes[Literal["InvoiceDetail"]]


class Invoice(Wire, kw_only=True):
    id: str
    invoice_date: str
    # Amounts keep the form the record has (whole amounts as integers, as .NET writes a decimal 0).
    total_charges: int | float
    paid_amount: int | float
    currency_code: str
    currency_symbol: str | UnsetType = UNSET
    pdf_download_link: str | UnsetType = UNSET
    invoice_details: list[InvoiceDetail]
    document_type: str | UnsetType = UNSET
    invoice_type: str | UnsetType = UNSET
    links: Links
    attributes: Attributes[Literal["Invoice"]]
