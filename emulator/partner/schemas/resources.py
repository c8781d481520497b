"""Partner Center's resources as they go on the wire: the one typed definition of each shape.

The handlers build these and `encode` writes them; `/openapi.json` is generated from them (`emulator.partner.
openapi`). Field order is the order of the documented samples, so the bytes are what Partner Center sends. A field
that may be absent has the default UNSET and is then left out; a field that is always there has no default, so the
generated schema lists it as required.

Sources: the facts sheet (§4–5), Partner Center's documented samples and the recorded SDK sessions.
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

import msgspec
from msgspec import UNSET, Struct, UnsetType, field

ObjectType = TypeVar("ObjectType", bound=str)
T = TypeVar("T")


class Wire(Struct, rename="camel", forbid_unknown_fields=True):
    """A wire shape: camelCase names, no other fields."""


encode = msgspec.json.Encoder().encode

GUID_PATTERN = "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"


# --- shared parts -------------------------------------------------------------------------------------------------


class LinkHeader(Wire):
    key: str
    value: str


class Link(Wire):
    uri: str | UnsetType = UNSET  # the recorded learnMore link has none
    method: str = "GET"
    headers: tuple[LinkHeader, ...] = ()


class Links(Wire, kw_only=True):
    """The links a resource or a collection carries, in the order Partner Center writes them."""

    learn_more: Link | UnsetType = UNSET
    offer: Link | UnsetType = UNSET
    parent_subscription: Link | UnsetType = UNSET
    provisioning_status: Link | UnsetType = UNSET
    subscription: Link | UnsetType = UNSET
    skus: Link | UnsetType = UNSET
    availabilities: Link | UnsetType = UNSET
    product: Link | UnsetType = UNSET
    sku: Link | UnsetType = UNSET
    availability: Link | UnsetType = UNSET
    self_: Link | UnsetType = field(default=UNSET, name="self")
    patch_operation: Link | UnsetType = UNSET
    next: Link | UnsetType = UNSET
    previous: Link | UnsetType = UNSET


def self_link(uri: str) -> Links:
    return Links(self_=Link(uri))


class Attributes(Wire, Generic[ObjectType]):
    object_type: ObjectType


class EtagAttributes(Wire, Generic[ObjectType]):
    etag: str
    object_type: ObjectType


class Address(Wire, kw_only=True):
    country: str
    region: str | UnsetType = UNSET
    city: str | UnsetType = UNSET
    state: str | UnsetType = UNSET
    address_line1: str | UnsetType = UNSET
    address_line2: str | UnsetType = UNSET
    postal_code: str | UnsetType = UNSET
    first_name: str | UnsetType = UNSET
    last_name: str | UnsetType = UNSET
    phone_number: str | UnsetType = UNSET


class Contact(Wire, kw_only=True):
    first_name: str | UnsetType = UNSET
    last_name: str | UnsetType = UNSET
    email: str | UnsetType = UNSET
    phone_number: str | UnsetType = UNSET


class Error(Wire, kw_only=True):
    """PartnerFD's error body. Classic codes are integers in the documented samples; 900420/900421 strings."""

    code: int | str
    description: str
    data: list[Any]
    source: Literal["PartnerFD"]


class GatewayError(Wire, kw_only=True):
    """The API gateway's own error (404 route, 405, 429), before a request reaches PartnerFD."""

    status_code: int
    message: str


class Collection(Wire, Generic[T], kw_only=True):
    """totalCount counts the items of this page, as the documented samples do."""

    total_count: int
    items: list[T]
    links: Links | UnsetType = UNSET
    continuation_token: str | UnsetType = UNSET
    attributes: Attributes[Literal["Collection"]]


# --- the partner's profiles ---------------------------------------------------------------------------------------


class OrganizationProfile(Wire, kw_only=True):
    id: str
    company_name: str
    default_address: Address
    tenant_id: str
    domain: str
    email: str
    language: str
    culture: str
    profile_type: Literal["OrganizationProfile"]
    links: Links
    attributes: EtagAttributes[Literal["OrganizationProfile"]]


class BillingProfile(Wire, kw_only=True):
    company_name: str
    address: Address
    primary_contact: Contact | UnsetType = UNSET
    purchase_order_number: str | UnsetType = UNSET
    tax_id: str | UnsetType = UNSET
    billing_currency: str | UnsetType = UNSET
    profile_type: Literal["BillingProfile"]
    links: Links
    attributes: EtagAttributes[Literal["BillingProfile"]]


class LegalBusinessProfile(Wire, kw_only=True):
    company_name: str
    address: Address
    primary_contact: Contact | UnsetType = UNSET
    company_approver_address: Address | UnsetType = UNSET
    company_approver_email: str | UnsetType = UNSET
    vetting_status: str | UnsetType = UNSET
    vetting_sub_status: str | UnsetType = UNSET
    profile_type: Literal["LegalBusinessProfile"]
    links: Links
    attributes: Attributes[Literal["LegalBusinessProfile"]]


class SupportProfile(Wire, kw_only=True):
    """As documented: a snake_case profileType, an objectType of its own and a self link with /v1."""

    email: str
    telephone: str
    website: str
    profile_type: Literal["support_profile"]
    links: Links
    attributes: Attributes[Literal["PartnerSupportProfile"]]


class MpnProfile(Wire, kw_only=True):
    mpn_id: str
    partner_name: str
    profile_type: Literal["MpnProfile"]
    links: Links
    attributes: Attributes[Literal["MpnProfile"]]


# --- customers and their users ------------------------------------------------------------------------------------


class CustomerCompanyProfile(Wire, kw_only=True):
    tenant_id: str
    domain: str
    company_name: str | UnsetType = UNSET
    address: Address | UnsetType = UNSET
    email: str | UnsetType = UNSET
    links: Links | UnsetType = UNSET
    attributes: Attributes[Literal["CustomerCompanyProfile"]]


class CustomerBillingProfile(Wire, kw_only=True):
    id: str
    first_name: str | UnsetType = UNSET
    last_name: str | UnsetType = UNSET
    email: str
    culture: str
    language: str
    company_name: str
    default_address: Address
    links: Links | UnsetType = UNSET
    attributes: EtagAttributes[Literal["CustomerBillingProfile"]]


class UserCredentials(Wire, kw_only=True):
    user_name: str
    password: str


class Customer(Wire, kw_only=True):
    """The list's short form, the full form of GET /customers/{id}, or the documented answer to a creation."""

    id: str
    commerce_id: str | UnsetType = UNSET
    company_profile: CustomerCompanyProfile
    billing_profile: CustomerBillingProfile | UnsetType = UNSET
    relationship_to_partner: Literal["reseller", "advisor", "none"]
    allow_delegated_access: bool | UnsetType = UNSET
    custom_domains: list[str] | UnsetType = UNSET
    user_credentials: UserCredentials | UnsetType = UNSET
    links: Links | UnsetType = UNSET
    attributes: Attributes[Literal["Customer"]]


class PasswordProfile(Wire, kw_only=True):
    force_change_password: bool
    password: str


class CustomerUser(Wire, kw_only=True):
    usage_location: str | UnsetType = UNSET
    id: str
    user_principal_name: str
    first_name: str | UnsetType = UNSET
    last_name: str | UnsetType = UNSET
    display_name: str
    immutable_id: str | UnsetType = UNSET
    phone_number: str | UnsetType = UNSET  # user-resources.md
    user_domain_type: str | UnsetType = UNSET
    state: Literal["active", "inactive"]
    password_profile: PasswordProfile | UnsetType = UNSET
    last_directory_sync_time: str | UnsetType | None = UNSET
    soft_deletion_time: str | UnsetType | None = UNSET
    links: Links | UnsetType = UNSET
    attributes: Attributes[Literal["CustomerUser"]]


# --- subscriptions and orders ---------------------------------------------------------------------------------------


class RefundOption(Wire, kw_only=True):
    type: str
    expires_at: str


class RefundableLot(Wire, kw_only=True):
    quantity: int
    allowed_until_date_time: str


class RefundableQuantity(Wire, kw_only=True):
    total_quantity: int
    details: list[RefundableLot]


class SubscriptionProductType(Wire, kw_only=True):
    id: str
    display_name: str


class Subscription(Wire, kw_only=True):
    """The 2019 shape, and New Commerce's fields (facts §3) on New Commerce subscriptions only."""

    id: str
    offer_id: str
    entitlement_id: str
    offer_name: str
    friendly_name: str
    product_type: SubscriptionProductType | UnsetType = UNSET
    quantity: int
    unit_type: str
    parent_subscription_id: str | UnsetType = UNSET
    has_purchasable_addons: bool | UnsetType = UNSET
    creation_date: str | UnsetType = UNSET
    effective_start_date: str | UnsetType = UNSET
    commitment_end_date: str | UnsetType = UNSET
    commitment_end_date_time: str | UnsetType = UNSET
    cancellation_allowed_until_date: str | UnsetType = UNSET
    status: Literal["none", "active", "pending", "suspended", "expired", "disabled", "deleted"]
    auto_renew_enabled: bool
    is_trial: bool | UnsetType = UNSET
    billing_type: Literal["none", "usage", "license"]
    billing_cycle: str | UnsetType = UNSET
    term_duration: str | UnsetType = UNSET
    renewal_term_duration: str | UnsetType = UNSET
    refund_options: list[RefundOption] | UnsetType = UNSET
    refundable_quantity: RefundableQuantity | UnsetType = UNSET
    actions: list[str] | UnsetType = UNSET
    publisher_name: str | UnsetType = UNSET
    partner_id: str | UnsetType = UNSET
    attention_needed: bool | UnsetType = UNSET
    action_taken: bool | UnsetType = UNSET
    contract_type: Literal["subscription", "productKey", "redemptionCode"] | UnsetType = UNSET
    suspension_reasons: list[str] | UnsetType = UNSET
    links: Links
    order_id: str
    attributes: EtagAttributes[Literal["Subscription"]]


class Pricing(Wire, kw_only=True):
    list_price: float
    discounted_price: float
    prorated_price: float
    price: float
    extended_price: float


class OrderLineItem(Wire, kw_only=True):
    line_item_number: int
    offer_id: str
    subscription_id: str | UnsetType = UNSET
    friendly_name: str | UnsetType = UNSET
    term_duration: str | UnsetType = UNSET
    transaction_type: str | UnsetType = UNSET
    quantity: int
    pricing: Pricing | UnsetType = UNSET
    links: Links | UnsetType = UNSET


class Order(Wire, kw_only=True):
    """The 2019 shape; New Commerce orders (twelve-hex ids) add alternateId, transactionType and totalPrice."""

    id: str
    alternate_id: str | UnsetType = UNSET
    reference_customer_id: str
    billing_cycle: str
    currency_code: str | UnsetType = UNSET
    currency_symbol: str | UnsetType = UNSET
    line_items: list[OrderLineItem]
    creation_date: str
    status: Literal["pending", "completed", "cancelled"]
    transaction_type: str | UnsetType = UNSET
    links: Links
    total_price: float | UnsetType = UNSET
    attributes: Attributes[Literal["Order"]]


class ApplicationGrant(Wire, kw_only=True):
    enterprise_application_id: str
    scope: str


class ApplicationConsent(Wire, kw_only=True):
    display_name: str
    application_id: str
    application_grants: list[ApplicationGrant]
