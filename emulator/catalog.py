"""The default offer catalogue: legacy license-based offers with the ids and fields of Partner Center's recorded
offers (Partner-Center-PowerShell session records, 2019), plus Azure. Rendered per country at request time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from emulator.formats import day_start

ENTERPRISE = {"id": "Enterprise_Key", "name": "Enterprise", "rank": 20}
SMALL_BUSINESS = {"id": "SmallBusiness_Key", "name": "Small business", "rank": 30}  # as recorded (2019)
GOVERNMENT = {"id": "Government_Key", "name": "Government", "rank": 40}
NONPROFIT = {"id": "Nonprofit_Key", "name": "Nonprofit", "rank": 60}  # as recorded (2019)
TRIAL = {"id": "Trial_Key", "name": "Trial", "rank": 70}  # as recorded (GetPartnerOfferCategory.json, 2019)
ADD_ON = {"id": "", "name": "", "rank": 0}


def _offer(
    offer_id: str,
    name: str,
    description: str,
    category: dict[str, Any],
    *,
    rank: int,
    product_id: str,
    unit: str = "Licenses",
    maximum: int = 10000000,
    add_on: bool = False,
    has_add_ons: bool = False,
    prerequisites: tuple[str, ...] = (),
    billing: str = "license",
    cycles: tuple[str, ...] = ("annual", "monthly"),
    trial: bool = False,
    limit: int = 0,
    available: bool = True,
    conversions: tuple[str, ...] = (),
    upgrades: tuple[str, ...] = (),
) -> dict[str, Any]:
    """`conversions`: the paid offers a trial converts to (conversionTargetOffers, on the wire); `upgrades`: the
    offers a subscription can be upgraded to (offer-resources.md's upgradeTargetOffers, which the recorded 2019
    offers do not carry: kept internal)."""
    return {
        "id": offer_id,
        "name": name,
        "description": description,
        "minimumQuantity": 1,
        "maximumQuantity": maximum,
        "rank": rank,
        "category": dict(category),
        "limitUnitOfMeasure": "Concurrent" if limit else "None",
        "limit": limit,
        "termUnitOfMeasure": "Year" if billing == "license" else "None",
        "term": 1 if billing == "license" else 0,
        "prerequisiteOffers": list(prerequisites),
        "isAddOn": add_on,
        "hasAddOns": has_add_ons,
        "isAvailableForPurchase": available,
        "billing": billing,
        "supportedBillingCycles": list(cycles),
        "isAutoRenewable": billing == "license",
        "isTrial": trial,
        "acquisitionType": "trial" if trial else "purchase",
        "product": {"id": product_id, "name": name, "unit": unit},
        "unitType": unit,
        "conversionTargetOffers": list(conversions),
        "_upgradeTargetOffers": list(upgrades),
    }


M365_E5 = "8BDBB60B-E526-43E9-92EF-AB760C8E0B72"
O365_E3 = "796B6B5F-613C-4E24-A17C-EBA730D49C02"
O365_BUSINESS_PREMIUM = "031C9E47-4802-4248-838E-778FB1D2CC05"
O365_BUSINESS_ESSENTIALS = "BD938F12-058F-4927-BBA3-AE36B1D2501C"
EXCHANGE_ONLINE_1 = "195416C1-3447-423A-B37B-EE59A99A19C4"
EXCHANGE_ARCHIVING = "2828BE95-46BA-4F91-B2FD-0BEF192ECF60"
EDISCOVERY_STORAGE = "1C410588-DA3B-4F88-B38F-707EB9DE46C0"
AZURE_RMS_GOV = "E60E0348-1710-484B-992A-32B294D4CDE1"
O365_E1_NONPROFIT = "A28B9C7D-0F4E-4E2A-9C73-3D0D5A6C1B25"
M365_E3_TRIAL = "C4D7E2B9-5A1F-4C3E-8B6D-2E9F0A7B3C14"
# The trial of convert-a-trial-subscription-to-paid.md and of the audit record in
# get-a-record-of-partner-center-activity-by-user.md (named there "Office 365 Business Premium Trial").
O365_BUSINESS_PREMIUM_TRIAL = "C0BD2E08-11AC-4836-BDC7-3712E744922F"
AZURE = "MS-AZR-0145P"
DYNAMICS_365_RETIRED = "F1B2C3D4-5E6F-4A7B-8C9D-0E1F2A3B4C5D"

OFFERS: list[dict[str, Any]] = [
    _offer(
        M365_E5,
        "Microsoft 365 E5",
        "Office 365 Enterprise E5, Enterprise Mobility + Security E5, and Window 10 Enterprise E5. This per-user "
        "licensed suite of products offers customers the latest, most advanced enterprise security, management, "
        "collaboration, and business analytics.",
        ENTERPRISE,
        rank=174,
        product_id="06EBC4EE-1BB5-47DD-8120-11324BC54E06",
        has_add_ons=True,
    ),
    _offer(
        O365_E3,
        "Office 365 E3",
        "Office 365 E3 includes the Office suite, email, file storage and sharing, meetings and voice.",
        ENTERPRISE,
        rank=160,
        product_id="2F4A4C5B-1A6E-4C28-9D4E-0C7A3E0A9B11",
        has_add_ons=True,
        upgrades=(M365_E5,),
    ),
    _offer(
        O365_BUSINESS_PREMIUM,
        "Office 365 Business Premium",
        "For businesses with 1 to 300 users that need the latest desktop version of Office, plus anywhere access to "
        "email, filesharing, and online conferencing.",
        SMALL_BUSINESS,
        rank=56,
        product_id="F245ECC8-75AF-4F8E-B61F-27D8114DE5F3",
        maximum=300,
        has_add_ons=True,
        upgrades=(M365_E5,),
    ),
    _offer(
        O365_BUSINESS_ESSENTIALS,
        "Office 365 Business Essentials",
        "Email, file storage and sharing, and online meetings for businesses with up to 300 users.",
        SMALL_BUSINESS,
        rank=55,
        product_id="9D2A6C1E-3F4B-4B8E-A6C7-5E1D0F2B3A40",
        maximum=300,
        upgrades=(O365_BUSINESS_PREMIUM,),
    ),
    _offer(
        EXCHANGE_ONLINE_1,
        "Exchange Online (Plan 1)",
        "Business-class email with a 50 GB mailbox per user.",
        ENTERPRISE,
        rank=120,
        product_id="4B9405B0-7788-4568-ADD1-99614E613B69",
        has_add_ons=True,
        upgrades=(O365_E3,),
    ),
    _offer(
        EXCHANGE_ARCHIVING,
        "Exchange Online Archiving for Exchange Online",
        "Cloud-based archiving for Exchange Online mailboxes.",
        ADD_ON,
        rank=0,
        product_id="EE02FD1B-340E-4A4B-B355-4A514E4C8943",
        unit="Add-On Licenses",
        add_on=True,
        prerequisites=(EXCHANGE_ONLINE_1, O365_E3),
    ),
    _offer(
        EDISCOVERY_STORAGE,
        "Advanced eDiscovery Storage",
        "500GB Storage add on for Office 365 Advanced eDiscovery to analyze non-Office 365 content",
        ADD_ON,
        rank=0,
        product_id="CCDC34C6-C244-4602-9DCE-6A32B80D1ECA",
        unit="Add-On Licenses",
        add_on=True,
        prerequisites=(M365_E5, O365_E3),
    ),
    _offer(
        AZURE_RMS_GOV,
        "Azure Rights Management Premium (Government Pricing)",
        "Microsoft Azure Rights Management Premium helps you protect confidential documents and email with strong "
        "encryption.",
        GOVERNMENT,
        rank=5,
        product_id="C52EA49F-FE5D-4E95-93BA-1DE91D380F89",
    ),
    _offer(
        O365_E1_NONPROFIT,
        "Office 365 E1 for Nonprofits",
        "Office 365 E1 for eligible nonprofit organisations.",
        NONPROFIT,
        rank=70,
        product_id="6B9C1D2E-8F7A-4B5C-9E0D-1A2B3C4D5E6F",
        limit=2,
        maximum=2,
    ),
    _offer(
        M365_E3_TRIAL,
        "Microsoft 365 E3 Trial",
        "A 30-day trial of Microsoft 365 E3 for up to 25 users.",
        ENTERPRISE,
        rank=150,
        product_id="7C8D9E0F-1A2B-4C3D-8E4F-5A6B7C8D9E0F",
        maximum=25,
        trial=True,
        cycles=("none",),
    ),
    _offer(
        O365_BUSINESS_PREMIUM_TRIAL,
        "Office 365 Business Premium Trial",
        "A 30-day trial of Office 365 Business Premium for up to 25 users.",
        TRIAL,
        rank=57,
        product_id="F245ECC8-75AF-4F8E-B61F-27D8114DE5F3",  # [I] the paid offer's license, as trials assign it
        maximum=25,
        trial=True,
        cycles=("none",),
        conversions=(O365_BUSINESS_PREMIUM,),
    ),
    _offer(
        AZURE,
        "Microsoft Azure",
        "Microsoft Azure: pay for the cloud services you use.",
        ENTERPRISE,
        rank=10,
        product_id="8A9B0C1D-2E3F-4A5B-9C6D-7E8F9A0B1C2D",
        unit="Usage-based",
        maximum=1,
        billing="usage",
        cycles=("monthly",),
    ),
    _offer(
        DYNAMICS_365_RETIRED,
        "Dynamics CRM Online Professional (retired)",
        "No longer sold; kept so that existing subscriptions resolve their offer.",
        ENTERPRISE,
        rank=300,
        product_id="3D4E5F6A-7B8C-4D9E-8F0A-1B2C3D4E5F6A",
        available=False,
    ),
]


def new_subscription(
    offer: dict[str, Any],
    *,
    subscription_id: str,
    customer_id: str,
    order_id: str,
    quantity: int,
    friendly_name: str,
    billing_cycle: str,
    status: str,
    created: str,
    start: datetime,
    parent_id: str | None = None,
    day: Callable[[datetime], str] = day_start,
) -> dict[str, Any]:
    """A subscription to `offer` as Partner Center shows it, with the emulator's internal fields (_customerId,
    _version); for the generated worlds and for orders alike. `day` formats its days (a generator passes a cached
    day_start)."""
    usage = offer["billing"] == "usage"
    subscription: dict[str, Any] = {
        "id": subscription_id,
        "offerId": offer["id"],
        "entitlementId": subscription_id,
        "offerName": offer["name"],
        "friendlyName": friendly_name,
        "quantity": quantity,
        "unitType": offer["unitType"],
    }
    if parent_id:
        subscription["parentSubscriptionId"] = parent_id
    subscription |= {
        "hasPurchasableAddons": offer["hasAddOns"],
        "creationDate": created,
        "effectiveStartDate": day(start),
        # Usage-based subscriptions have no end: "a date far, far away in the future" (subscription-resources.md).
        "commitmentEndDate": "9999-12-14T00:00:00Z" if usage else day(start + timedelta(days=365)),
        "status": status,
        "autoRenewEnabled": offer["isAutoRenewable"],
        "isTrial": offer["isTrial"],
        "billingType": offer["billing"],
        "billingCycle": billing_cycle,
        "termDuration": "P1M" if usage or billing_cycle == "none" else "P1Y",
        "actions": ["Cancel", "Edit"],
        "contractType": "subscription",
        "orderId": order_id,
        "_customerId": customer_id,
        "_version": 1,
    }
    return subscription
