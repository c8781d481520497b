"""Azure's meters and prices (a data table): the rate cards (/v1/ratecards/azure, /azure-shared) and the meters the
emulated Azure subscriptions consume (emulator.consumption).

Sources (docs/sources/usage.md): the first three meters and the offer term are get-prices-for-microsoft-azure.md's
sample, verbatim. The others are meters the invoice and utilization samples name (get-invoiceline-items.md,
get-a-customer-s-utilization-record-for-azure.md) with the price the samples show where they show one; prices and
effective dates the samples do not show are the emulator's [I]. Rates are USD; other currencies are converted at a
fixed table of exchange rates [I] (Partner Center converts at the month's rate, which no source gives).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Meter:
    id: str
    name: str
    rate: float  # USD for one unit (the rates table's "0" tier)
    category: str
    subcategory: str
    region: str
    unit: str
    effective_date: str
    # How a resource on this meter is used in a day [I]: hours run (24 at most) or units of its measure.
    daily: float = 0.0
    always_on: bool = False  # a running service: 24 hours a day, every day
    provider: str = ""  # the Azure resource provider and type a resource on this meter is
    location: str = ""  # resourceLocation of its resources


METERS: tuple[Meter, ...] = (
    # get-prices-for-microsoft-azure.md's sample, verbatim (and …-partner-shared-services.md's, the same).
    Meter("4b836326-7e19-46e6-8bce-1b19bb6cd91e", "Unlimited Data - 1 Gbps", 7395.0, "Networking", "ExpressRoute",
          "Zone 2", "Connections", "2015-09-01T00:00:00Z"),
    Meter("1e8f6d9f-8b40-4c97-80cc-cff87a290a93", "Compute Hours", 3.9729, "Cloud Services",
          "Standard_L16 Cloud Services", "AU East", "1 Hour", "2016-09-01T00:00:00Z"),
    Meter("7a2639ce-ae47-4413-9837-6b4f4b78be3d", "Compute Hours", 0.1122, "Virtual Machines",
          "Standard_D1_v2 VM (Windows)", "BR South", "Hours", "2017-01-01T00:00:00Z", daily=24.0, always_on=True,
          provider="Microsoft.Compute/virtualMachines", location="brazilsouth"),
    # get-invoiceline-items.md's Azure line items: id, name, service, unit and (S1, LRS) list price.
    Meter("505db374-df8a-44df-9d8c-13c14b61dee1", "S1", 0.085, "Azure App Service", "Standard Plan", "", "1 Hour",
          "2019-08-01T00:00:00Z", daily=24.0, always_on=True, provider="Microsoft.Web/serverfarms",
          location="westus"),
    Meter("d23a5753-ff85-4ddf-af28-8cc5cf2d3882", "LRS Data Stored", 0.0383, "Storage", "Standard Page Blob", "",
          "1 GB/Month", "2019-08-01T00:00:00Z", daily=4.0, provider="Microsoft.Storage/storageAccounts",
          location="westus"),
    Meter("9cc63cf8-6593-410a-b0e7-26a4ef71e8b3", "Disk Delete Operations", 0.0005, "Storage",
          "Standard Page Blob", "", "10K", "2019-08-01T00:00:00Z", daily=3.0, provider="Microsoft.Compute/disks",
          location="westus"),
    Meter("62c64b6c-4033-4e20-ab33-9e81271ac12a", "D1/DS1", 0.154, "Virtual Machines", "D/DS Series Windows",
          "US West", "1 Hour", "2019-08-01T00:00:00Z", daily=24.0, provider="Microsoft.Compute/virtualMachines",
          location="westus"),
    # get-a-customer-s-utilization-record-for-azure.md's resource.
    Meter("8767aeb3-6909-4db2-9927-3f51e9a9085e", "Storage Admin", 0.0042, "Storage", "Block Blob", "Azure Stack",
          "1 GB/Hr", "2017-06-01T00:00:00Z", daily=5.0, provider="Microsoft.Storage/storageaccounts",
          location="azurestack"),
)  # fmt: skip
BY_ID = {m.id: m for m in METERS}
# The meters a customer's resources run on (the expensive ExpressRoute and Cloud Services meters are priced, not used).
USED = tuple(m for m in METERS if m.daily)


@dataclass(frozen=True)
class OfferTerm:
    name: str
    discount: float
    excluded_meter_ids: tuple[str, ...]
    effective_date: str


# get-prices-for-microsoft-azure.md's sample offer term, verbatim.
OFFER_TERMS = (
    OfferTerm(
        "Overage discount",
        0.15,
        ("53cc0061-0fe2-4249-bf62-e1008c811f5c", "c82dbd27-c978-43a7-ad41-525a90d8962b"),
        "2014-01-01T00:00:00",
    ),
)

# One US dollar in each currency the emulator prices in [I]: fixed, so that every answer is reproducible.
USD_TO = {
    "USD": 1.0, "EUR": 0.92, "GBP": 0.79, "CAD": 1.36, "AUD": 1.52, "JPY": 150.0, "CHF": 0.88, "SEK": 10.5,
    "NOK": 10.7, "DKK": 6.86, "NZD": 1.64, "BRL": 5.0, "INR": 83.0,
}  # fmt: skip
# The markets (ISO country codes) the rate cards are sold in and each market's currency [I]: the default world's
# countries (emulator.companies) and a few more.
MARKETS = {
    "US": "USD", "GB": "GBP", "CA": "CAD", "AT": "EUR", "FR": "EUR", "DE": "EUR", "NL": "EUR", "AU": "AUD",
    "JP": "JPY", "CH": "CHF", "SE": "SEK", "NO": "NOK", "DK": "DKK", "NZ": "NZD", "BR": "BRL", "IN": "INR",
    "IE": "EUR", "ES": "EUR", "IT": "EUR", "BE": "EUR",
}  # fmt: skip


def convert(amount_usd: float, currency: str) -> float:
    return amount_usd * USD_TO[currency]


def local_rate(meter: Meter, currency: str) -> float:
    """The meter's rate in `currency`, to four significant decimals as the sample's rates are written [I]."""
    return round(convert(meter.rate, currency), 4)
