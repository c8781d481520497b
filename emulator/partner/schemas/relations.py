"""Wire shapes and request bodies of relationships, profiles, validations and domains (issue 15).

Field order is the order of the documented samples and recorded answers (docs/sources/relationships.md).
"""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import UNSET, Meta, Struct, UnsetType

from emulator.partner.models.errors import InvalidInput
from emulator.partner.schemas.requests import Blank, Body, Guid, Text, Text2, Text8, Text16, Text32, Text2048
from emulator.partner.schemas.resources import Address, Attributes, Wire

# --- answers ----------------------------------------------------------------------------------------------------


class PartnerRelationship(Wire, kw_only=True):
    """relationships-resources.md; a customer's relationships leave out state and location, as documented."""

    id: str
    name: str
    relationship_type: Literal["is_indirect_cloud_solution_provider_of", "is_indirect_reseller_of"]
    state: str | UnsetType = UNSET
    mpn_id: str
    location: str | UnsetType = UNSET
    attributes: Attributes[Literal["PartnerRelationship"]]


class CountryValidationRules(Wire, kw_only=True):
    """get-market-specific-validation-data.md, in the recorded answer's form (country-information-resources.md)."""

    iso2_code: str
    default_culture: str
    is_state_required: bool
    supported_states_list: list[str]
    supported_languages_list: list[str]
    supported_cultures_list: list[str]
    is_postal_code_required: bool
    postal_code_regex: str
    is_city_required: bool
    is_vat_id_supported: bool
    tax_id_format: str | UnsetType = UNSET
    vat_id_regex: str | UnsetType = UNSET
    phone_number_regex: str | UnsetType = UNSET
    is_tax_id_supported: bool
    is_tax_id_optional: bool
    country_calling_codes_list: list[str]
    attributes: Attributes[Literal["CountryValidationRules"]]


AddressStatus = Literal[
    "VerifiedShippable", "Verified", "InteractionRequired", "StreetPartial", "PremisesPartial", "Multiple", "None",
    "NotValidated",
]  # fmt: skip


class AddressValidationResponse(Wire, kw_only=True):
    """validate-an-address.md (2021): the address as sent, up to three suggestions, a status and a message."""

    original_address: Address
    suggested_addresses: list[Address]
    status: AddressStatus
    validation_message: str | UnsetType = UNSET


class Domain(Wire, kw_only=True):
    """add-a-verified-domain-for-a-customer.md's answer: enumerations in snake_case, as in its sample."""

    authentication_type: Literal["managed", "federated"]
    capability: str
    is_default: bool
    is_initial: bool
    name: str
    root_domain: str | UnsetType = UNSET
    status: Literal["unverified", "verified", "pending_deletion"]
    verification_method: Literal["none", "dns_record", "email"]


class PascalAttributes(Struct, rename="pascal", forbid_unknown_fields=True):
    object_type: Literal["Customer"]


class RemovedRelationship(Struct, rename="pascal", forbid_unknown_fields=True, kw_only=True):
    """remove-a-reseller-relationship-with-a-customer.md's answer, as captured (Content-Length 242): PascalCase,
    every field null but the relationship."""

    id: None = None
    commerce_id: None = None
    company_profile: None = None
    billing_profile: None = None
    relationship_to_partner: Literal["none"] = "none"
    allow_delegated_access: None = None
    user_credentials: None = None
    custom_domains: None = None
    associated_partner_id: None = None
    attributes: PascalAttributes


# --- request bodies (any case; Partner Center's samples are PascalCase) ------------------------------------------


class AddressBody(Body, kw_only=True):
    """An address in a profile: country, city, first line and postal code required [I]."""

    country: Text2
    region: Text | None = None
    city: Text
    state: Text | None = None
    address_line1: Text
    address_line2: Blank | None = None
    postal_code: Text16
    first_name: Text | None = None
    last_name: Text | None = None
    phone_number: Annotated[str, Meta(min_length=0, max_length=32)] | None = None


class ContactBody(Body, kw_only=True):
    first_name: Text
    last_name: Text
    email: Text | None = None
    phone_number: Annotated[str, Meta(min_length=0, max_length=32)] | None = None


class AttributesBody(Body, kw_only=True):
    etag: Text | None = None
    object_type: Text | None = None


class OrganizationProfileUpdate(Body, kw_only=True):
    """update-an-organization-profile.md: the whole profile; id, tenantId and domain cannot change [I]."""

    company_name: Text
    default_address: AddressBody
    email: Text
    language: Text8
    culture: Text16
    attributes: AttributesBody | None = None


class PartnerBillingUpdate(Body, kw_only=True):
    SPELLING = "Pascal"
    company_name: Text
    address: AddressBody
    primary_contact: ContactBody | None = None
    purchase_order_number: Blank | None = None
    tax_id: Blank | None = None
    billing_currency: Text8 | None = None
    attributes: AttributesBody | None = None


class LegalBusinessUpdate(Body, kw_only=True):
    SPELLING = "Pascal"
    company_name: Text
    address: AddressBody
    primary_contact: ContactBody
    company_approver_address: AddressBody | None = None
    company_approver_email: Text | None = None


class SupportProfileUpdate(Body, kw_only=True):
    SPELLING = "Pascal"
    email: Text
    telephone: Text32
    website: Text


class CustomerBillingUpdate(Body, kw_only=True):
    """update-a-customer-s-billing-profile.md: the full resource."""

    SPELLING = "Pascal"
    id: Guid | None = None
    first_name: Text
    last_name: Text
    email: Text
    culture: Text16
    language: Text8
    company_name: Text
    default_address: AddressBody
    attributes: AttributesBody | None = None


class AddressToValidate(Body, kw_only=True):
    """validate-an-address.md's body; what a market requires besides the first line is its rules' business."""

    SPELLING = "Pascal"
    PROBLEM = InvalidInput
    address_line1: Text
    address_line2: Blank | None = None
    city: Blank | None = None
    state: Blank | None = None
    region: Blank | None = None
    postal_code: Blank | None = None
    country: Text2


class CustomerPatch(Body, kw_only=True):
    """remove-a-reseller-relationship-with-a-customer.md: a Customer with relationshipToPartner "none"."""

    relationship_to_partner: Text16


class DomainBody(Body, kw_only=True):
    authentication_type: Text16
    capability: Text32
    is_default: bool | None = None
    is_initial: bool | None = None
    name: Text
    root_domain: Text | None = None
    status: Text16
    verification_method: Text16


Certificate = Annotated[str, Meta(max_length=16384)]


class FederationBody(Body, kw_only=True):
    active_log_on_uri: Text2048 | None = None
    default_interactive_authentication_method: Text2048 | None = None
    federation_brand_name: Text | None = None
    issuer_uri: Text2048
    log_off_uri: Text2048
    metadata_exchange_uri: Text2048 | None = None
    next_signing_certificate: Certificate | None = None
    open_id_connect_discovery_endpoint: Text2048 | None = None
    passive_log_on_uri: Text2048
    preferred_authentication_protocol: Text16
    prompt_login_behavior: Text32
    signing_certificate: Certificate
    signing_certificate_update_status: Text32 | None = None
    supports_mfa: bool | None = None


class VerifiedDomainBody(Body, kw_only=True):
    """add-a-verified-domain-for-a-customer.md's body."""

    SPELLING = "Pascal"
    verified_domain_name: Text
    domain: DomainBody
    domain_federation_settings: FederationBody | None = None
