"""Legacy offers' wire shapes and request bodies: trial conversions, upgrades, a subscription's support contact and
Azure reservation registration, order cancellation (issue 15).

Field names and order: the documented samples (conversions-resources.md, upgrade-resources.md,
get-a-subscription-s-support-contact.md, get-subscription-registration-status.md) and the partnercenterservices
models. Enum-valued error codes are written as numbers, as get-a-list-of-upgrades' sample does (`"code": 2`): the
.NET contract's error-code enums carry no string converter, while `upgradeType` has one (`"upgrade_only"`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import UNSET, Meta, UnsetType

from emulator.partner.models.errors import InvalidInput
from emulator.partner.schemas.billing import Offer
from emulator.partner.schemas.requests import Body, Guid, Text, Text32
from emulator.partner.schemas.resources import Attributes, Links, Wire

# --- answers ------------------------------------------------------------------------------------------------


class Conversion(Wire, kw_only=True):
    offer_id: str
    target_offer_id: str
    order_id: str
    quantity: int
    billing_cycle: str
    attributes: Attributes[Literal["Conversion"]]


class ConversionError(Wire, kw_only=True):
    code: int  # ConversionErrorCode: 0 other, 1 conversions_not_found
    description: str
    attributes: Attributes[Literal["ConversionError"]]  # [I] the objectType


class ConversionResult(Wire, kw_only=True):
    subscription_id: str
    offer_id: str
    target_offer_id: str
    error: ConversionError | UnsetType = UNSET
    attributes: Attributes[Literal["ConversionResult"]]


class UpgradeError(Wire, kw_only=True):
    code: int  # UpgradeErrorCode, by its position in upgrade-resources.md's list (2: subscription_status_not_active)
    description: str
    additional_details: str | UnsetType = UNSET
    attributes: Attributes[Literal["UpgradeError"]]


UpgradeType = Literal["none", "upgrade_only", "upgrade_with_license_transfer"]


class Upgrade(Wire, kw_only=True):
    target_offer: Offer
    upgrade_type: UpgradeType
    is_eligible: bool
    quantity: int
    upgrade_errors: list[UpgradeError]
    attributes: Attributes[Literal["Upgrade"]]


class UpgradeResult(Wire, kw_only=True):
    source_subscription_id: str
    target_subscription_id: str | UnsetType = UNSET  # none when the upgrade was refused
    upgrade_type: UpgradeType
    upgrade_errors: list[UpgradeError]
    license_errors: list[dict[str, str]]  # UserLicenseError: the emulator's license transfers never fail
    attributes: Attributes[Literal["UpgradeResult"]]


class SupportContact(Wire, kw_only=True):
    support_tenant_id: str
    support_mpn_id: str
    name: str
    links: Links
    attributes: Attributes[Literal["SupportContact"]]


RegistrationState = Literal["NotRegistered", "Registering", "Registered"]


class SubscriptionRegistrationStatus(Wire, kw_only=True):
    subscription_id: str
    status: RegistrationState
    attributes: Attributes[Literal["SubscriptionRegistrationStatus"]]


# --- request bodies -------------------------------------------------------------------------------------------


class ConversionIn(Body, kw_only=True):
    """convert-a-trial-subscription-to-paid.md: a Conversion from the list; only targetOfferId is required."""

    PROBLEM = InvalidInput
    offer_id: Text | None = None
    target_offer_id: Text
    order_id: Text | None = None
    quantity: int | None = None
    billing_cycle: Text32 | None = None


class TargetOfferIn(Body, kw_only=True):
    id: Text


class UpgradeIn(Body, kw_only=True):
    """transition-a-subscription.md: an Upgrade from the list (its targetOffer is the whole offer; its id counts).
    upgradeType (a name or the enum's number) is read apart: the reader has no union of text and number."""

    PROBLEM = InvalidInput
    target_offer: TargetOfferIn
    quantity: int | None = None


class SupportContactIn(Body, kw_only=True):
    PROBLEM = InvalidInput
    support_tenant_id: Guid
    support_mpn_id: Text32
    name: Text | None = None


class OrderLineIn(Body, kw_only=True):
    line_item_number: int
    offer_id: Text | None = None


class OrderCancel(Body, kw_only=True):
    """cancel-an-order-from-the-integration-sandbox.md and cancel-software-purchases.md: status "cancelled", and
    optionally the line items to cancel (by number); the SDKs send the whole order, whose other fields are ignored."""

    PROBLEM = InvalidInput
    id: Text | None = None
    status: Text32
    line_items: Annotated[list[OrderLineIn], Meta(max_length=100)] | None = None
