"""Invoice line items, built from the world: what each invoice billed, and what is not billed yet.

A recurring invoice (D…) bills the legacy license-based subscriptions' cycle fees (provider Office) and the
Microsoft Azure (MS-AZR-0145P) subscriptions' usage (provider Azure: one billing line per meter, one usage line per
meter and day); a one-time invoice (G…) bills New Commerce: the Azure plans' usage (one line per meter) and the
New Commerce purchases (provider OneTime), and its billed consumption is the plans' daily rated usage. The unbilled
line items are the same New Commerce charges of the current or previous calendar month.

Which charges fall on which invoice [I]: a recurring invoice dated D bills the license cycles that began after the
previous recurring invoice and up to D (common-billing-scenarios-monthly.md: a cycle is charged on the first
invoice after it begins) and the Azure usage from the previous recurring invoice's date to the day before D; a
one-time invoice bills the calendar month before its date's. Charges are in the invoice's currency (a New Commerce
invoice carries the charges billed in its currency). Tax is 0 [I].
Amounts follow modern-invoice-reconciliation-file's formulas where it gives them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from emulator import consumption as cu
from emulator.nce import MONTHS, PERIOD_MONTHS, TERM_TEXT, unit_price
from emulator.partner.models.base import Doc, Model
from emulator.partner.models.catalog import Catalog
from emulator.partner.models.subscriptions import Subscriptions
from emulator.partner.models.usage import market_currency
from emulator.ratecard import Meter

AZURE_SKU = "7UD-00001"  # Microsoft Azure's SKU in get-invoiceline-items.md's Azure lines
AZURE_CHARGE = "Assess usage fee for current cycle"  # their chargeType
# The legacy offers' monthly list price per seat, USD [I] (the recorded offers carry no prices; New Commerce's
# price of the same product where the catalogue has it).
LEGACY_PRICES = {
    "8BDBB60B-E526-43E9-92EF-AB760C8E0B72": 57.0,  # Microsoft 365 E5
    "796B6B5F-613C-4E24-A17C-EBA730D49C02": 23.0,  # Office 365 E3
    "031C9E47-4802-4248-838E-778FB1D2CC05": 12.5,  # Office 365 Business Premium
    "BD938F12-058F-4927-BBA3-AE36B1D2501C": 6.0,  # Office 365 Business Essentials
    "195416C1-3447-423A-B37B-EE59A99A19C4": 4.0,  # Exchange Online (Plan 1)
    "2828BE95-46BA-4F91-B2FD-0BEF192ECF60": 3.0,  # Exchange Online Archiving for Exchange Online
    "1C410588-DA3B-4F88-B38F-707EB9DE46C0": 5.0,  # Advanced eDiscovery Storage
    "E60E0348-1710-484B-992A-32B294D4CDE1": 2.0,  # Azure Rights Management Premium (Government Pricing)
    "A28B9C7D-0F4E-4E2A-9C73-3D0D5A6C1B25": 0.0,  # Office 365 E1 for Nonprofits (a grant)
    "C4D7E2B9-5A1F-4C3E-8B6D-2E9F0A7B3C14": 0.0,  # Microsoft 365 E3 Trial
    "F1B2C3D4-5E6F-4A7B-8C9D-0E1F2A3B4C5D": 65.0,  # Dynamics CRM Online Professional
}
DEFAULT_PRICE = 10.0  # [I] an offer of another world


def rounddown(value: float, digits: int = 2) -> float:
    """Excel's ROUNDDOWN, as the reconciliation file's formulas use it (toward zero)."""
    scale: float = 10.0**digits
    return int(round(value * scale, 6)) / scale


def account_number(*parts: str) -> str:
    """A ten-digit billing account number, fixed by its owner's id [I]."""
    digest = hashlib.sha256(":".join(parts).encode()).digest()
    return str(1_000_000_000 + int.from_bytes(digest[:8], "big") % 9_000_000_000)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = (cu.next_month(date(year, month, 1)) - cu.DAY).day
    return date(year, month, min(day.day, last))


def invoice_day(invoice: Doc) -> date:
    return date.fromisoformat(str(invoice["invoiceDate"])[:10])


@dataclass(frozen=True)
class Charge:
    """A license cycle fee: the subscription, its cycle and what one seat costs for it (USD)."""

    customer: Doc
    subscription: Doc
    first: date
    last: date
    unit_usd: float


@dataclass(frozen=True)
class MeterCharge:
    """A meter's usage over a period in one subscription (one resource of it)."""

    customer: Doc
    subscription: Doc
    resource: cu.Resource
    first: date
    last: date
    quantity: float

    @property
    def meter(self) -> Meter:
        return self.resource.meter


@dataclass(frozen=True)
class DailyCharge:
    customer: Doc
    subscription: Doc
    resource: cu.Resource
    day: date
    quantity: float
    first: date  # the charge period
    last: date


@dataclass(frozen=True)
class Purchase:
    """A New Commerce license purchase billed as a one-time "new" charge."""

    customer: Doc
    subscription: Doc
    order: Doc | None
    first: date
    last: date
    unit_usd: float
    currency: str


class LineItems(Model):
    subscriptions: Subscriptions
    catalog: Catalog

    def bind(self, subscriptions: Subscriptions, catalog: Catalog) -> LineItems:
        self.subscriptions, self.catalog = subscriptions, catalog
        return self

    def today(self) -> date:
        return cu.today(self.clock.now())

    def _customers(self) -> list[tuple[Doc, list[Doc]]]:
        return [(c, self.subscriptions.of(c)) for c in self.world.customers]

    # --- legacy (recurring invoices) ----------------------------------------------------------------------------

    def recurring_window(self, invoice: Doc) -> tuple[date, date]:
        """(the previous recurring invoice's date, or a month before, and this invoice's date): what it bills."""
        end = invoice_day(invoice)
        earlier = [
            invoice_day(i) for i in self.world.invoices if i.get("invoiceType") == "Recurring" and invoice_day(i) < end
        ]
        return (max(earlier) if earlier else add_months(end, -1)), end

    def license_charges(self, invoice: Doc) -> list[Charge]:
        """The cycle fees a recurring invoice bills: each active or suspended license-based legacy subscription's
        billing cycle that began after the previous recurring invoice, up to this one's date."""
        begin, end = self.recurring_window(invoice)
        charges = []
        for customer, subscriptions in self._customers():
            for subscription in subscriptions:
                if (
                    subscription.get("billingType") != "license"
                    or subscription["status"] not in ("active", "suspended")
                    or "_lots" in subscription
                    or subscription["offerId"].count(":") == 2
                ):
                    continue
                months = 12 if subscription.get("billingCycle") == "annual" else 1
                start = cu.started(subscription)
                cycle = start
                while add_months(cycle, months) <= end:
                    cycle = add_months(cycle, months)
                if not begin < cycle <= end:
                    continue
                price = LEGACY_PRICES.get(subscription["offerId"].upper(), DEFAULT_PRICE) * months
                charges.append(Charge(customer, subscription, cycle, add_months(cycle, months) - cu.DAY, price))
        return charges

    def azure_period(self, invoice: Doc) -> tuple[date, date]:
        """The usage a recurring invoice bills: from the previous recurring invoice's date to the day before its own."""
        begin, end = self.recurring_window(invoice)
        return begin, end - cu.DAY

    def azure_charges(self, invoice: Doc) -> list[MeterCharge]:
        first, last = self.azure_period(invoice)
        return self._meter_charges("legacy", first, last, None)

    def azure_daily(self, invoice: Doc) -> list[DailyCharge]:
        first, last = self.azure_period(invoice)
        return self._daily("legacy", first, last, None)

    # --- New Commerce (one-time invoices, unbilled) -------------------------------------------------------------

    def one_time_period(self, invoice: Doc) -> tuple[date, date]:
        """The calendar month before the one-time invoice's date."""
        first = cu.previous_month(invoice_day(invoice))
        return first, cu.next_month(first) - cu.DAY

    def unbilled_period(self, period: str) -> tuple[date, date]:
        """ "current": this calendar month; "previous": the one before (not invoiced yet, in the emulator) [I]."""
        first = cu.month_start(self.today())
        if period == "previous":
            first = cu.previous_month(first)
        return first, cu.next_month(first) - cu.DAY

    def plan_charges(self, first: date, last: date, currency: str) -> list[MeterCharge]:
        return self._meter_charges("plan", first, last, currency)

    def plan_daily(self, first: date, last: date, currency: str) -> list[DailyCharge]:
        return self._daily("plan", first, last, currency)

    def purchases(self, first: date, last: date, currency: str) -> list[Purchase]:
        """New Commerce license purchases made in [first, last], billed in `currency`: a "new" charge for the
        first billing period of each."""
        orders = {o["id"]: o for o in self.world.orders}
        found = []
        for customer, subscriptions in self._customers():
            for subscription in subscriptions:
                if "_lots" not in subscription or subscription.get("billingType") != "license":
                    continue
                bought = cu.started(subscription) if subscription.get("effectiveStartDate") else None
                if bought is None or not first <= bought <= last:
                    continue
                order = orders.get(subscription.get("orderId", ""))
                billed_in = str(order.get("currencyCode", "USD")) if order else market_currency(customer)
                if billed_in != currency:
                    continue
                item = self.catalog.item(subscription["offerId"])
                term, cycle = subscription.get("termDuration", "P1M"), subscription.get("billingCycle", "monthly")
                price = unit_price(item.sku, term, cycle) if item is not None else 0.0
                months = PERIOD_MONTHS.get(cycle, MONTHS.get(term, 1))
                end = add_months(bought, months) - cu.DAY
                found.append(Purchase(customer, subscription, order, bought, end, price, currency))
        return found

    # --- usage, shared ------------------------------------------------------------------------------------------

    def _azure(self, kind: cu.Kind, currency: str | None) -> list[tuple[Doc, Doc]]:
        found = []
        for customer, subscriptions in self._customers():
            if currency is not None and market_currency(customer) != currency:
                continue
            found += [(customer, s) for s in subscriptions if cu.kind(s) == kind]
        return found

    def _meter_charges(self, kind: cu.Kind, first: date, last: date, currency: str | None) -> list[MeterCharge]:
        charges = []
        for customer, subscription in self._azure(kind, currency):
            days = cu.usage_days(subscription, first, last, self.today())
            if not days:
                continue
            sid = subscription["id"]
            for resource in cu.resources(subscription):
                quantity = round(sum(cu.quantity(sid, resource, day) for day in days), 6)
                charges.append(MeterCharge(customer, subscription, resource, first, last, quantity))
        return charges

    def _daily(self, kind: cu.Kind, first: date, last: date, currency: str | None) -> list[DailyCharge]:
        lines = []
        for customer, subscription in self._azure(kind, currency):
            sid = subscription["id"]
            parts = cu.resources(subscription)
            for day in cu.usage_days(subscription, first, last, self.today()):
                lines += [
                    DailyCharge(customer, subscription, r, day, cu.quantity(sid, r, day), first, last) for r in parts
                ]
        return lines


def term_text(subscription: Doc) -> str:
    """termAndBillingCycle, as the samples write it: "One-Year commitment for monthly/yearly billing"."""
    term = str(subscription.get("termDuration", ""))
    if subscription.get("isTrial"):
        return f"{TERM_TEXT.get(term, 'One-Month')} commitment for trial"
    cycles = {"P1M": "monthly", "P1Y": "monthly/yearly", "P3Y": "monthly/yearly/triennial"}.get(term, "monthly")
    return f"{TERM_TEXT.get(term, 'One-Month')} commitment for {cycles} billing"


def stamp(day: date, zone: str = "") -> str:
    """2017-05-12T00:00:00 (the legacy line items) or with zone "Z" (New Commerce's)."""
    return f"{day.isoformat()}T00:00:00{zone}"


def first_of_month(day: date) -> str:
    return stamp(cu.month_start(day))
