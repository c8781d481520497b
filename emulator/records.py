"""The fixture files' records, as typed definitions: what a world is loaded from, and what it is checked against.

Partner Center's parts of a record (an address, a product, an application grant) are the wire shapes of
`emulator.partner.schemas.resources`; the rest is how the emulator stores a resource (an etag inside a profile,
the owner in `_customerId`, a subscription's `_version`). A record that does not fit is refused with the file, the
path and what was expected, so a fixture cannot put a field on the wire that Partner Center does not have.
"""

from __future__ import annotations

import functools
import json
import operator
import re
import types
import typing
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType, field, inspect

from emulator.partner.schemas.billing import Product
from emulator.partner.schemas.resources import GUID_PATTERN, Address, ApplicationGrant, Contact
from emulator.partner.schemas.support import ServiceRequestContact, ServiceRequestOrganization

Text = Annotated[str, Meta(min_length=1)]
Guid = Annotated[str, Meta(pattern=GUID_PATTERN)]
Count = Annotated[int, Meta(ge=0)]


class Record(Struct, rename="camel", forbid_unknown_fields=True, kw_only=True):
    """A fixture record: camelCase names; a field it does not define is an error."""


# --- partner.json -------------------------------------------------------------------------------------------------


class TenantRecord(Record, kw_only=True):
    id: Guid
    domain: Text
    display_name: Text
    domains: list[str] = []


class OrganizationRecord(Record, kw_only=True):
    id: Text
    company_name: Text
    email: Text
    language: Text
    culture: Text
    etag: Text
    default_address: Address


class PartnerBillingRecord(Record, kw_only=True):
    company_name: Text
    address: Address
    primary_contact: Contact | UnsetType = UNSET
    purchase_order_number: str | UnsetType = UNSET
    tax_id: str | UnsetType = UNSET
    billing_currency: Text
    etag: Text


class LegalBusinessRecord(Record, kw_only=True):
    company_name: Text
    address: Address
    primary_contact: Contact | UnsetType = UNSET
    company_approver_address: Address | UnsetType = UNSET
    company_approver_email: Text
    vetting_status: Text
    vetting_sub_status: Text


class SupportRecord(Record, kw_only=True):
    email: Text
    telephone: Text
    website: Text


class MpnRecord(Record, kw_only=True):
    mpn_id: Text
    partner_name: Text


class PartnerFile(Record, kw_only=True):
    tenant: TenantRecord
    organization: OrganizationRecord
    billing_profile: PartnerBillingRecord
    legal_business_profile: LegalBusinessRecord
    support_profile: SupportRecord
    mpn: MpnRecord
    mpn_directory: list[MpnRecord] = []
    integration_sandbox: bool = False


# --- apps.json, users.json: the identity side -----------------------------------------------------------------------


class KeyCredentialRecord(Record, kw_only=True):
    """A certificate of the app, in Microsoft Graph's keyCredential shape."""

    custom_key_identifier: Text | UnsetType = UNSET  # the SHA-1 thumbprint, hex
    display_name: str = ""
    key: Text  # the certificate: base64 DER (or PEM)
    key_id: Guid | UnsetType = UNSET
    type: Literal["AsymmetricX509Cert"] = "AsymmetricX509Cert"
    usage: Literal["Verify"] = "Verify"
    start_date_time: str | UnsetType = UNSET
    end_date_time: str | UnsetType = UNSET


class FederatedCredentialRecord(Record, kw_only=True):
    """A federated identity credential, in Microsoft Graph's shape."""

    name: Text
    issuer: Text
    subject: Text
    audiences: Annotated[list[Text], msgspec.Meta(min_length=1)] = field(
        default_factory=lambda: ["api://AzureADTokenExchange"]
    )
    description: str = ""


class AppRecord(Record, kw_only=True):
    client_id: Guid
    display_name: Text
    type: Literal["confidential", "public"]
    secret: Text | UnsetType = UNSET
    key_credentials: list[KeyCredentialRecord] = []
    federated_identity_credentials: list[FederatedCredentialRecord] = []
    # Entra's "Allow public client flows" (isFallbackPublicClient): password and device-code sign-ins without a
    # client credential. Default: on for a public app, off for a confidential one.
    is_fallback_public_client: bool | UnsetType = UNSET
    redirect_uris: list[str] = []
    roles: list[str] = []
    idtyp_claim: bool = False
    consented: bool = True


class UserRecord(Record, kw_only=True):
    user_principal_name: Text
    object_id: Guid
    display_name: Text
    given_name: Text
    surname: Text
    password: Text
    mfa_registered: bool
    mfa_required: bool
    description: str = ""


# --- Partner Center's resources -------------------------------------------------------------------------------------


class CompanyProfileRecord(Record, kw_only=True):
    tenant_id: Guid
    domain: Text
    company_name: Text
    address: Address
    email: Text | UnsetType = UNSET


class CustomerBillingRecord(Record, kw_only=True):
    id: Guid
    first_name: Text
    last_name: Text
    email: Text
    culture: Text
    language: Text
    company_name: Text
    default_address: Address
    etag: Text


class CustomerRecord(Record, kw_only=True):
    id: Guid
    commerce_id: Guid
    company_profile: CompanyProfileRecord
    billing_profile: CustomerBillingRecord
    relationship_to_partner: Literal["reseller", "advisor", "none"]
    allow_delegated_access: bool
    custom_domains: list[str] = []


class CustomerUserRecord(Record, kw_only=True):
    usage_location: Text | UnsetType = UNSET
    id: Guid
    user_principal_name: Text
    first_name: Text | UnsetType = UNSET
    last_name: Text | UnsetType = UNSET
    display_name: Text
    immutable_id: Text | UnsetType = UNSET
    user_domain_type: Text | UnsetType = UNSET
    state: Literal["active", "inactive"]
    customer_id: Guid = field(name="_customerId")


class SubscriptionRecord(Record, kw_only=True):
    id: Text
    offer_id: Text
    entitlement_id: Text
    offer_name: Text
    friendly_name: Text
    quantity: Count
    unit_type: Text
    parent_subscription_id: Text | UnsetType = UNSET
    has_purchasable_addons: bool
    creation_date: Text
    effective_start_date: Text
    commitment_end_date: Text
    status: Literal["none", "active", "pending", "suspended", "deleted"]
    auto_renew_enabled: bool
    is_trial: bool
    billing_type: Literal["none", "usage", "license"]
    billing_cycle: Text
    term_duration: Text
    actions: list[str]
    contract_type: Literal["subscription", "productKey", "redemptionCode"]
    order_id: Text
    suspension_reasons: list[str] | UnsetType = UNSET
    customer_id: Guid = field(name="_customerId")
    version: Count = field(name="_version")


class LineItemRecord(Record, kw_only=True):
    line_item_number: Count
    offer_id: Text
    subscription_id: Text
    friendly_name: Text
    quantity: Count


class OrderRecord(Record, kw_only=True):
    id: Text
    reference_customer_id: Guid
    billing_cycle: Text
    currency_code: Text
    line_items: Annotated[list[LineItemRecord], Meta(min_length=1)]
    creation_date: Text
    status: Literal["pending", "completed", "cancelled"]
    created: float | UnsetType = field(default=UNSET, name="_created")


class InvoiceDetailRecord(Record, kw_only=True):
    invoice_line_item_type: Text
    billing_provider: Text


class InvoiceRecord(Record, kw_only=True):
    id: Text
    invoice_date: Text
    total_charges: int | float
    paid_amount: int | float
    currency_code: Text
    currency_symbol: Text
    invoice_details: list[InvoiceDetailRecord]
    document_type: Text
    invoice_type: Text


class OfferCategoryRecord(Record, kw_only=True):
    id: str  # empty for add-ons, as recorded
    name: str
    rank: int


class OfferRecord(Record, kw_only=True):
    id: Text
    name: Text
    description: Text
    minimum_quantity: Annotated[int, Meta(ge=1)]
    maximum_quantity: Annotated[int, Meta(ge=1)]
    rank: int
    category: OfferCategoryRecord
    limit_unit_of_measure: Text
    limit: Count
    term_unit_of_measure: Text
    term: Count
    prerequisite_offers: list[str]
    is_add_on: bool
    has_add_ons: bool
    is_available_for_purchase: bool
    billing: Literal["license", "usage"]
    supported_billing_cycles: list[str]
    is_auto_renewable: bool
    is_trial: bool
    acquisition_type: Text
    product: Product
    unit_type: Text
    # Legacy trials' conversions and upgrade paths (issue 15); optional in older fixture directories.
    conversion_target_offers: list[str] = []
    upgrade_target_offers: list[str] = field(default_factory=list, name="_upgradeTargetOffers")


class CatalogPreferencesRecord(Record, kw_only=True):
    """catalog-preferences.json: the partner's preferred offers (GET/PUT /v1/preferences/catalog/offers)."""

    offer_ids: list[Text]


class ConsentRecord(Record, kw_only=True):
    id: Text
    application_id: Guid
    display_name: Text
    application_grants: list[ApplicationGrant]
    customer_id: Guid = field(name="_customerId")


# --- role-members.json: who holds which role (customer directory roles and the partner's roles) ----------------------


class RoleMemberRecord(Record, kw_only=True):
    id: Text  # tenant:role:member, lower-cased (emulator.roles.member_key)
    role_id: Guid
    member_id: Guid
    tenant_id: Guid = field(name="_tenantId")  # a customer's id, or the partner tenant's


# --- devices.json and syndication.json: device deployment and syndication customers (issue 15) ----------------


class PolicyAssignmentRecord(Record, kw_only=True):
    key: Literal["o_o_b_e"]
    value: Guid | None


class ConfigurationPolicyRecord(Record, kw_only=True):
    id: Guid
    name: Text
    category: Literal["o_o_b_e"]
    description: str | UnsetType = UNSET
    policy_settings: Annotated[list[Text], Meta(min_length=1)]
    created_date: Text
    last_modified_date: Text
    customer_id: Guid = field(name="_customerId")


class DeviceBatchRecord(Record, kw_only=True):
    id: Text  # "<customer id>:<batch id in lower case>"
    name: Text = field(name="_name")
    creation_date: Text
    customer_id: Guid = field(name="_customerId")


class DeviceRecord(Record, kw_only=True):
    id: Guid
    serial_number: Text | UnsetType = UNSET
    product_key: Text | UnsetType = UNSET
    hardware_hash: Text | UnsetType = field(default=UNSET, name="_hardwareHash")
    model_name: Text | UnsetType = UNSET
    oem_manufacturer_name: Text | UnsetType = UNSET
    policies: list[PolicyAssignmentRecord]
    uploaded_date: Text
    customer_id: Guid = field(name="_customerId")
    batch: Text = field(name="_batch")
    visible: float = field(default=0.0, name="_visible")


class DevicesFile(Record, kw_only=True):
    policies: list[ConfigurationPolicyRecord] = []
    device_batches: list[DeviceBatchRecord] = []
    devices: list[DeviceRecord] = []


class MosiSubscriptionRecord(Record, kw_only=True):
    mosi_subscription_id: Text
    offer_id: Text
    quantity: Annotated[int, Meta(ge=1)]


class SyndicationCustomerRecord(Record, kw_only=True):
    id: Text  # the MOSI customer id
    customer: CustomerRecord  # the customer as Partner Center will show it once migrated to CSP
    subscriptions: list[MosiSubscriptionRecord]


# --- relationships.json (optional): the partner's indirect resellers and the customers each one serves ---------


class PartnerRelationshipRecord(Record, kw_only=True):
    """An indirect reseller of the partner (the partner being its indirect provider), as /v1/relationships shows it."""

    id: Guid  # the reseller's tenant id
    name: Text
    relationship_type: Literal["is_indirect_cloud_solution_provider_of", "is_indirect_reseller_of"]
    state: Text
    mpn_id: Text
    location: Text


class ResellerCustomerRecord(Record, kw_only=True):
    """A customer served through an indirect reseller (the customer's associatedPartnerId)."""

    id: Guid  # the customer's id
    reseller_id: Guid


class RelationshipsFile(Record, kw_only=True):
    partners: list[PartnerRelationshipRecord] = []
    customers: list[ResellerCustomerRecord] = []


class UsageBudgetRecord(Record, kw_only=True):
    """A customer's Azure spending budget (SpendingBudget.amount), in the currency of its usage summary."""

    id: Guid  # the customer's id
    amount: Annotated[int, Meta(ge=0)] | Annotated[float, Meta(ge=0)]


# --- service-requests.json, service-incidents.json (optional; issue 15) --------------------------------------------


class ServiceRequestNoteRecord(Record, kw_only=True):
    created_by_name: Text
    created_date: Text
    text: Text


class ServiceRequestRecord(Record, kw_only=True):
    title: Text
    description: Text
    severity: Literal["unknown", "critical", "moderate", "minimal"]
    support_topic_id: Text
    support_topic_name: Text
    id: Annotated[str, Meta(pattern="^[0-9]{1,20}$")]
    status: Literal["none", "open", "closed", "attention_needed"]
    organization: ServiceRequestOrganization
    primary_contact: ServiceRequestContact | UnsetType = UNSET
    product_name: Text | UnsetType = UNSET
    created_date: Text
    last_modified_date: Text
    last_closed_date: Text
    notes: list[ServiceRequestNoteRecord] = []
    country_code: Text
    customer_id: Guid | UnsetType = field(default=UNSET, name="_customerId")  # absent: the partner's own


# An incident's times: UTC to the second (2026-11-20T08:15:00Z); filters compare them.
Moment = Annotated[str, Meta(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")]


class ServiceIncidentMessageRecord(Record, kw_only=True):
    published_time: Text
    message_text: Text


class ServiceIncidentRecord(Record, kw_only=True):
    id: Text
    message_type: Literal["incident", "message_center"]
    start_time: Moment
    end_time: Moment | UnsetType = UNSET
    status: Literal["normal", "information", "warning", "critical"]
    messages: list[ServiceIncidentMessageRecord]
    workload: Text
    affected_workload_names: list[Text]
    resolved: bool
    impacted_area: Text
    follow_up_url: Text | UnsetType = UNSET
    required_by: Text | UnsetType = UNSET
    category: Text | UnsetType = UNSET
    action_type: Text | UnsetType = UNSET
    severity: Literal["normal", "information", "warning", "critical"] | UnsetType = UNSET
    customer_ids: list[Guid] = field(default_factory=list, name="_customerIds")  # the customers it affects


# --- generated documents: GUIDs by construction ---------------------------------------------------------------

# A GUID field's length, checked in C. msgspec checks a pattern with Python's `re`: the pattern checks of GUID fields
# were a tenth of a 100,000-customer world's generation (callgrind: 85 M of 838 M instructions per 1,000 customers).
GuidLength = Annotated[str, Meta(min_length=36, max_length=36)]


@functools.cache
def guids_by_length(kind: Any) -> Any:
    """`kind` (a record type, or a type within one) with its GUID fields, its parts' included, checked for their
    length only; every other rule stays. For a generated world's documents after its first slot: their GUIDs are
    made by emulator.generate.gid (uuid5, formatted by hand) or copied from the partner's files, as in the first
    slot, which is checked in full (see emulator.generate._chunk)."""
    if kind == Guid:
        return GuidLength
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is Annotated:
        inner = guids_by_length(args[0])
        return kind if inner == args[0] else Annotated[(inner, *args[1:])]
    if origin in (typing.Union, types.UnionType, list):
        inner_args = tuple(guids_by_length(arg) for arg in args)
        if inner_args == args:
            return kind
        return list[inner_args[0]] if origin is list else functools.reduce(operator.or_, inner_args)  # type: ignore[valid-type]
    if isinstance(kind, type) and issubclass(kind, Struct):
        changed = []
        for info in msgspec.structs.fields(kind):
            relaxed = guids_by_length(info.type)
            if relaxed != info.type:  # equal types may be other objects (the cache's)
                if info.required:
                    default = field(name=info.encode_name)
                elif info.default_factory is not msgspec.NODEFAULT:
                    default = field(default_factory=info.default_factory, name=info.encode_name)
                else:
                    default = field(default=info.default, name=info.encode_name)
                changed.append((info.name, relaxed, default))
        # A subclass that redefines the changed fields: the record's names, configuration and other fields.
        return msgspec.defstruct(kind.__name__, changed, bases=(kind,), kw_only=True) if changed else kind
    return kind


# --- checking a file's data against a record ---------------------------------------------------------------------


class RecordError(Exception):
    """Where (`customers[3].companyProfile.domain`) and what is wrong, in words."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where, self.message = where, message


def check(data: Any, kind: Any, root: str) -> Any:
    """`data` converted to `kind` (a record type, or a list of them); `root` names the data in messages."""
    try:
        return msgspec.convert(data, kind)
    except msgspec.ValidationError as exc:
        raise _explain(exc, data, kind, root) from None


_AT = re.compile(r"^(?P<message>.*?)(?: - at `(?P<path>\$.*)`)?$", re.DOTALL)
_PART = re.compile(r"\.([A-Za-z_][\w]*)|\[(\d+)\]")


def _explain(exc: msgspec.ValidationError, data: Any, kind: Any, root: str) -> RecordError:
    match = _AT.match(str(exc))
    assert match is not None
    message, path = match["message"], match["path"] or "$"
    parts: list[str | int] = [name if name else int(index) for name, index in _PART.findall(path[1:])]
    missing = re.match(r"Object missing required field `(.+)`", message)
    unknown = re.match(r"Object contains unknown field `(.+)`", message)
    if missing or unknown:
        parts.append((missing or unknown)[1])  # type: ignore[index]
    where = root + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)
    expected = _type_at(inspect.type_info(kind), parts)
    if missing:
        return RecordError(where, f"required {_noun(expected)} is missing")
    if unknown:
        return RecordError(where, "not a field of this record (check its spelling)")
    found = json.dumps(_value_at(data, parts))
    if isinstance(expected, inspect.LiteralType):
        values = [repr(v) for v in sorted(expected.values, key=str)]
        choices = values[0] if len(values) == 1 else f"{', '.join(values[:-1])} or {values[-1]}"
        return RecordError(where, f"expected {choices}, found {found}")
    return RecordError(where, f"expected {_noun(expected, article=True)}, found {found}")


def _noun(kind: inspect.Type | None, *, article: bool = False) -> str:
    if isinstance(kind, inspect.StrType):
        if kind.pattern == GUID_PATTERN:
            return "a GUID" if article else "GUID"
        return "a non-empty string" if article else "string"
    if isinstance(kind, inspect.BoolType):
        return "true or false" if article else "flag"
    if isinstance(kind, inspect.IntType):
        bound = f" of at least {kind.ge}" if kind.ge is not None else ""
        return f"a whole number{bound}" if article else "number"
    if isinstance(kind, inspect.FloatType | inspect.UnionType):
        return "a number" if article else "number"
    if isinstance(kind, inspect.ListType):
        return ("a non-empty list" if kind.min_length else "a list") if article else "list"
    if isinstance(kind, inspect.StructType | inspect.DictType):
        return "an object" if article else "object"
    return "a value" if article else "field"


def _type_at(kind: inspect.Type, parts: list[str | int]) -> inspect.Type | None:
    for part in parts:
        if isinstance(kind, inspect.UnionType):
            kind = next((t for t in kind.types if not isinstance(t, inspect.NoneType)), kind)
        if isinstance(kind, inspect.ListType) and isinstance(part, int):
            kind = kind.item_type
        elif isinstance(kind, inspect.StructType) and isinstance(part, str):
            found = next((f.type for f in kind.fields if f.encode_name == part), None)
            if found is None:
                return None
            kind = found
        else:
            return None
    if isinstance(kind, inspect.UnionType):
        others = [t for t in kind.types if not isinstance(t, inspect.NoneType)]
        if len(others) == 1:
            return others[0]
    return kind


def _value_at(data: Any, parts: list[str | int]) -> Any:
    for part in parts:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data
