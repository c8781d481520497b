"""New Commerce on the wire: catalogue, agreements, carts, checkout, provisioning, licenses, relationship requests.

Field order follows the documented samples cited in new-commerce-facts.md (§1–6); shared parts (links, attributes,
collections) come from `resources`. Where a sample shows a field as an open object (dynamicAttributes,
provisioningContext) the shape is a plain mapping.
"""

from __future__ import annotations

from typing import Any, Literal

from msgspec import UNSET, UnsetType

from emulator.partner.schemas.resources import Attributes, Links, Pricing, Wire

# --- catalogue: products → skus → availabilities (facts §1) ---------------------------------------------------


class ProductSubType(Wire, kw_only=True):
    id: str
    display_name: str


class ProductType(Wire, kw_only=True):
    id: str
    display_name: str
    sub_type: ProductSubType | UnsetType = UNSET


class CatalogProduct(Wire, kw_only=True):
    id: str
    title: str
    description: str
    product_type: ProductType
    is_microsoft_product: bool
    publisher_name: str
    links: Links


class CatalogSku(Wire, kw_only=True):
    id: str
    product_id: str
    title: str
    description: str
    minimum_quantity: int
    maximum_quantity: int
    is_trial: bool
    supported_billing_cycles: list[str]
    purchase_prerequisites: list[str]
    inventory_variables: list[str]
    provisioning_variables: list[str]
    actions: list[str]
    dynamic_attributes: dict[str, Any]
    links: Links


class Currency(Wire, kw_only=True):
    code: str
    symbol: str


class TermRefundOption(Wire, kw_only=True):
    sequence_id: int
    type: str
    expires_after: str


class CancellationPolicy(Wire, kw_only=True):
    refund_options: list[TermRefundOption]


class Term(Wire, kw_only=True):
    id: str
    duration: str
    description: str
    billing_cycle: str
    cancellation_policies: list[CancellationPolicy]


class RenewalOption(Wire, kw_only=True):
    renew_to_id: str
    is_auto_renewable: bool


class RenewalInstruction(Wire, kw_only=True):
    applicable_term_ids: list[str]
    renewal_options: list[RenewalOption]


class Availability(Wire, kw_only=True):
    id: str
    product_id: str
    sku_id: str
    catalog_item_id: str
    default_currency: Currency
    segment: str
    country: str
    is_purchasable: bool
    is_renewable: bool
    renewal_instructions: list[RenewalInstruction]
    terms: list[Term]
    product: CatalogProduct
    sku: CatalogSku
    links: Links


# --- agreements (facts §4) ----------------------------------------------------------------------------------------


class AgreementMetadata(Wire, kw_only=True):
    template_id: str
    agreement_type: str
    agreement_link: str
    version_rank: int


class AgreementContact(Wire, kw_only=True):
    first_name: str
    last_name: str
    email: str
    phone_number: str | UnsetType = UNSET


class Agreement(Wire, kw_only=True):
    primary_contact: AgreementContact
    template_id: str
    date_agreed: str
    type: str
    agreement_link: str | UnsetType = UNSET
    user_id: str | UnsetType = UNSET
    attributes: Attributes[Literal["Agreement"]]


class DirectSignedStatus(Wire, kw_only=True):
    is_signed: bool


class ExtendedError(Wire, kw_only=True):
    """The second error form (600061): facts §4."""

    code: int
    message: str
    description: str
    error_name: str
    is_retryable: bool
    parameters: dict[str, Any]
    error_message_extended: str


# --- carts and checkout (facts §2) ------------------------------------------------------------------------------


class Participant(Wire, kw_only=True):
    key: str
    value: str


class RenewsTo(Wire, kw_only=True):
    term_duration: str


class LineItemErrorInformation(Wire, kw_only=True):
    available_quantity: int | UnsetType = UNSET
    purchased_quantity: int | UnsetType = UNSET


class LineItemError(Wire, kw_only=True):
    error_code: str
    error_description: str
    additional_information: LineItemErrorInformation | UnsetType = UNSET


class CartLineItem(Wire, kw_only=True):
    id: int
    catalog_item_id: str
    quantity: int
    currency_code: str | UnsetType = UNSET
    billing_cycle: str
    term_duration: str | UnsetType = UNSET
    friendly_name: str | UnsetType = UNSET
    provisioning_context: dict[str, str]
    participants: list[Participant] | UnsetType = UNSET
    renews_to: RenewsTo | UnsetType = UNSET
    promotion_id: str | UnsetType = UNSET
    order_group: str
    pricing: Pricing | UnsetType = UNSET
    error: LineItemError | UnsetType = UNSET


class Cart(Wire, kw_only=True):
    id: str
    creation_timestamp: str
    last_modified_timestamp: str
    expiration_timestamp: str
    last_modified_user: str
    status: Literal["Active", "Ordered"]
    line_items: list[CartLineItem]
    links: Links
    attributes: Attributes[Literal["Cart"]]


class OrderError(Wire, kw_only=True):
    order_group_id: str
    code: int
    description: str


class CheckoutResult(Wire, kw_only=True):
    orders: list[Any]  # Order (resources)
    order_errors: list[OrderError]


# --- provisioning (facts §2) ----------------------------------------------------------------------------------


class QuantityProvisioning(Wire, kw_only=True):
    quantity: int
    status: str


class OrderLineItemProvisioning(Wire, kw_only=True):
    order_line_item_id: str
    line_item_number: int
    status: str
    quantity_provisioning_information: list[QuantityProvisioning]


class SubscriptionProvisioning(Wire, kw_only=True):
    sku_id: str
    status: Literal["success", "pending", "failed"]
    quantity: int
    end_date: str
    attributes: Attributes[Literal["SubscriptionProvisioningStatus"]]


# --- licenses (facts §5) -----------------------------------------------------------------------------------------


class ProductSku(Wire, kw_only=True):
    id: str
    name: str
    sku_part_number: str
    target_type: str
    license_group_id: str


class LicenseServicePlan(Wire, kw_only=True):
    display_name: str
    service_name: str
    id: str
    capability_status: str
    target_type: str


class SubscribedSku(Wire, kw_only=True):
    available_units: int
    active_units: int
    consumed_units: int
    suspended_units: int
    total_units: int
    warning_units: int
    product_sku: ProductSku
    service_plans: list[LicenseServicePlan]
    capability_status: str
    attributes: Attributes[Literal["SubscribedSku"]]


class License(Wire, kw_only=True):
    service_plans: list[LicenseServicePlan]
    product_sku: ProductSku
    attributes: Attributes[Literal["License"]]


class LicenseAssignment(Wire, kw_only=True):
    sku_id: str
    excluded_plans: list[str] | UnsetType = UNSET


class LicenseUpdateResult(Wire, kw_only=True):
    licenses_to_assign: list[LicenseAssignment]
    license_warnings: list[Any]
    attributes: Attributes[Literal["LicenseUpdate"]]


# --- transitions and migrations (facts §3) ---------------------------------------------------------------------


class EligibilityError(Wire, kw_only=True):
    code: int
    description: str


class SubscriptionEligibility(Wire, kw_only=True):
    is_eligible: bool
    subscription_id: str
    subscription_friendly_name: str
    subscription_term_duration: str
    subscription_billing_cycle: str
    errors: list[EligibilityError]


class Eligibility(Wire, kw_only=True):
    is_eligible: bool
    transition_type: str
    errors: list[EligibilityError]


class TransitionEligibility(Wire, kw_only=True):
    operation_id: str
    catalog_item_id: str
    title: str
    description: str
    quantity: int
    subscription_eligibilities: list[SubscriptionEligibility]
    eligibilities: list[Eligibility]
    attributes: Attributes[Literal["TransitionEligibility"]]


class TransitionEvent(Wire, kw_only=True):
    name: str
    status: str
    timestamp: str
    attributes: Attributes[Literal["TransitionEvent"]]


class Transition(Wire, kw_only=True):
    operation_id: str | UnsetType = UNSET
    from_catalog_item_id: str
    from_subscription_id: str
    to_catalog_item_id: str
    to_subscription_id: str | UnsetType = UNSET
    quantity: int
    term_duration: str | UnsetType = UNSET
    billing_cycle: str | UnsetType = UNSET
    transition_type: str
    status: Literal["Started", "Completed", "Failed"]
    events: list[TransitionEvent]
    attributes: Attributes[Literal["Transition"]]


class MigrationValidation(Wire, kw_only=True):
    current_subscription_id: str
    is_eligible: bool
    catalog_item_id: str | UnsetType = UNSET
    errors: list[EligibilityError]


class Migration(Wire, kw_only=True):
    id: str
    started_time: str
    completed_time: str | UnsetType = UNSET
    current_subscription_id: str
    status: Literal["Processing", "Completed", "Failed"]
    customer_tenant_id: str
    catalog_item_id: str
    new_commerce_subscription_id: str | UnsetType = UNSET
    new_commerce_order_id: str | UnsetType = UNSET
    subscription_end_date: str
    quantity: int
    term_duration: str
    billing_cycle: str
    purchase_full_term: bool
    add_on_migrations: list[Any]


class MigrationEvent(Wire, kw_only=True):
    id: str
    new_commerce_migration_id: str
    current_subscription_id: str
    customer_tenant_id: str
    created_time: str
    event_name: str


# --- relationship requests (facts §6) ---------------------------------------------------------------------------


class RelationshipRequest(Wire, kw_only=True):
    url: str
    attributes: Attributes[Literal["RelationshipRequest"]]
