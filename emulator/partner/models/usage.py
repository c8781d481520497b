"""Azure usage and spending budgets: what the customers' Azure subscriptions cost this month, summed up the ways
Partner Center's usage resources show it, and each customer's budget (kept in the usageBudgets table).

The usage itself is emulator.consumption's (a function of ids and days); this model picks the subscriptions, the
billing period and the currency. Microsoft Azure (MS-AZR-0145P) usage is priced in the partner's billing currency
and shown with the partner's locale (currencyLocale); an Azure plan's in its customer's market currency
(currencyCode, with usdTotalCost), as customer-usage-resources.md describes the two. The current billing period is
the calendar month of the emulator's clock [I], usage is known until yesterday [I].
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from emulator import consumption as cu
from emulator.companies import CURRENCIES
from emulator.partner.models.base import Doc, Model
from emulator.partner.models.errors import (
    InvalidInput,
    LegacyAzureOnly,
    NoUsageData,
    SubscriptionWithoutUsage,
)
from emulator.partner.models.subscriptions import Subscriptions
from emulator.ratecard import USD_TO

MAX_BUDGET = 1e12  # [I] no documented limit; far above any real budget
HOUR = timedelta(hours=1)


def market_currency(customer: Doc) -> str:
    """The currency of the customer's market (emulator.companies), USD where the rate cards have none."""
    code = CURRENCIES.get(customer["companyProfile"]["address"]["country"].upper(), ("USD", "$"))[0]
    return code if code in USD_TO else "USD"


def as_utc(moment: datetime) -> datetime:
    """A time in UTC; one without an offset is taken as UTC."""
    return moment.astimezone(UTC) if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Period:
    """A billing period: its first and last day, and how its end is written (the day after, for an Azure plan's
    period, or the last day itself, as the two samples of get-a-customer-usage-summary.md show)."""

    first: date
    last: date
    end: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True)
class Money:
    """An amount in a currency, and the same in US dollars."""

    currency: str
    amount: float
    usd: float


@dataclass
class SubscriptionUsage:
    subscription: Doc
    kind: cu.Kind
    period: Period
    cost: Money


@dataclass
class CustomerUsage:
    customer: Doc
    upgraded: bool  # the customer has an Azure plan
    period: Period
    cost: Money
    budget: float | int | None
    subscriptions: list[SubscriptionUsage] = field(default_factory=list)
    elapsed_days: int = 0

    @property
    def percent_used(self) -> float:
        return round(self.cost.amount / self.budget * 100, 2) if self.budget else 0.0

    @property
    def over_budget(self) -> bool:
        return self.budget is not None and self.cost.amount > self.budget

    @property
    def trending_over(self) -> bool:
        """Under budget now, over it by the period's end at this month's daily rate [I]."""
        if self.budget is None or self.over_budget or not self.elapsed_days:
            return False
        return self.cost.amount / self.elapsed_days * self.period.days > self.budget


@dataclass(frozen=True)
class DailyUsage:
    day: date
    cost: Money


@dataclass(frozen=True)
class ResourceUsage:
    resource: cu.Resource
    quantity: float
    cost: Money


@dataclass(frozen=True)
class Utilization:
    start: datetime
    end: datetime
    resource: cu.Resource
    quantity: float


class Usage(Model):
    subscriptions: Subscriptions

    def bind(self, subscriptions: Subscriptions) -> Usage:
        self.subscriptions = subscriptions
        return self

    # --- the clock, currencies, periods -------------------------------------------------------------------------

    def today(self) -> date:
        return cu.today(self.clock.now())

    def last_modified(self) -> str:
        """Usage data is rated daily: it was last changed at the start of today [I]."""
        return cu.stamp(self.today())

    def partner_currency(self) -> str:
        currency = str(self.world.profiles["billing"].get("billingCurrency", "USD")).upper()
        return currency if currency in USD_TO else "USD"

    def partner_locale(self) -> str:
        return str(self.world.organization.get("culture", "en-US"))

    def currency_of(self, customer: Doc, kind: cu.Kind) -> str:
        return market_currency(customer) if kind == "plan" else self.partner_currency()

    def period(self, kind: cu.Kind, day: date | None = None) -> Period:
        first = cu.month_start(day or self.today())
        following = cu.next_month(first)
        last = following - cu.DAY
        return Period(first, last, following if kind == "plan" else last)

    def money(self, usd: float, currency: str) -> Money:
        return Money(currency, round(usd * USD_TO[currency], 6), round(usd, 6))

    # --- subscriptions ----------------------------------------------------------------------------------------

    def azure(self, customer: Doc) -> list[Doc]:
        """The customer's usage-based subscriptions: Microsoft Azure (MS-AZR-0145P) and Azure plans."""
        return [s for s in self.subscriptions.of(customer) if cu.kind(s) is not None]

    def subscription(self, customer: Doc, subscription_id: str, *, legacy_only: bool = False) -> Doc:
        """A subscription with usage; a license-based one has none (3000), and a route for Microsoft Azure
        (MS-AZR-0145P) subscriptions does not know Azure plans."""
        subscription = self.subscriptions.get(customer, subscription_id)
        kind = cu.kind(subscription)
        if kind is None:
            raise SubscriptionWithoutUsage(subscription["id"])
        if legacy_only and kind != "legacy":
            raise LegacyAzureOnly(subscription_id)
        return subscription

    # --- costs --------------------------------------------------------------------------------------------------

    def _daily_usd(self, subscription: Doc, first: date, last: date) -> list[tuple[date, float]]:
        days = cu.usage_days(subscription, first, last, self.today())
        parts = cu.resources(subscription)
        sid = subscription["id"]
        return [(day, round(sum(cu.cost(sid, r, day) for r in parts), 6)) for day in days]

    def subscription_usage(self, customer: Doc, subscription: Doc) -> SubscriptionUsage:
        kind = cu.kind(subscription)
        assert kind is not None
        period = self.period(kind)
        usd = sum(cost for _, cost in self._daily_usd(subscription, period.first, period.last))
        return SubscriptionUsage(subscription, kind, period, self.money(usd, self.currency_of(customer, kind)))

    def daily(self, customer: Doc, subscription: Doc) -> list[DailyUsage]:
        """The current period's days with usage, each with its cost."""
        kind = cu.kind(subscription)
        assert kind is not None
        period, currency = self.period(kind), self.currency_of(customer, kind)
        return [
            DailyUsage(day, self.money(usd, currency))
            for day, usd in self._daily_usd(subscription, period.first, period.last)
        ]

    def by_resource(self, customer: Doc, subscription: Doc) -> list[ResourceUsage]:
        """The current period's usage of each of the subscription's resources."""
        kind = cu.kind(subscription)
        assert kind is not None
        period, currency = self.period(kind), self.currency_of(customer, kind)
        days = cu.usage_days(subscription, period.first, period.last, self.today())
        sid = subscription["id"]
        found = []
        for resource in cu.resources(subscription):
            quantity = round(sum(cu.quantity(sid, resource, day) for day in days), 6)
            usd = sum(cu.cost(sid, resource, day) for day in days)
            found.append(ResourceUsage(resource, quantity, self.money(usd, currency)))
        return found

    def customer_usage(self, customer: Doc, *, required: bool = True) -> CustomerUsage | None:
        """The customer's usage this period. A customer with an Azure plan is shown in its market's currency (its
        Microsoft Azure usage converted), one without in the partner's; with no usage-based subscription there is
        no usage data (3000), or None when not `required`."""
        subscriptions = self.azure(customer)
        if not subscriptions:
            if required:
                raise NoUsageData()
            return None
        upgraded = any(cu.kind(s) == "plan" for s in subscriptions)
        currency = market_currency(customer) if upgraded else self.partner_currency()
        parts = [self.subscription_usage(customer, s) for s in subscriptions]
        usd = sum(p.cost.usd for p in parts)
        period = self.period("plan" if upgraded else "legacy")
        return CustomerUsage(
            customer,
            upgraded,
            period,
            self.money(usd, currency),
            self.budget(customer),
            parts,
            elapsed_days=max(0, (min(self.today(), period.last + cu.DAY) - period.first).days),
        )

    def all_customers(self) -> list[CustomerUsage]:
        """Every customer with a usage-based subscription, in the customers' order."""
        found = []
        for customer in self.world.customers:
            usage = self.customer_usage(customer, required=False)
            if usage is not None:
                found.append(usage)
        return found

    # --- utilization (get-a-customer-s-utilization-record-for-azure.md) ----------------------------------------

    def utilization(self, subscription: Doc, start: datetime, end: datetime, *, hourly: bool) -> list[Utilization]:
        """The usage between start and end, by day (or hour) and resource: the days (hours) wholly inside
        [start, end) whose usage is rated (before today) [I: the API selects by the time usage was reported, which
        the emulator takes to be the day it happened]."""
        start, end = as_utc(start), as_utc(end)
        sid, parts = subscription["id"], cu.resources(subscription)
        days = cu.usage_days(subscription, start.date(), (end - timedelta(microseconds=1)).date(), self.today())
        records = []
        for day in days:
            midnight = datetime.combine(day, datetime.min.time(), UTC)
            for resource in parts:
                if hourly:
                    for hour, amount in enumerate(cu.hourly(sid, resource, day)):
                        begin = midnight + timedelta(hours=hour)
                        if start <= begin and begin + HOUR <= end:
                            records.append(Utilization(begin, begin + HOUR, resource, amount))
                elif start <= midnight and midnight + cu.DAY <= end:
                    records.append(Utilization(midnight, midnight + cu.DAY, resource, cu.quantity(sid, resource, day)))
        return records

    # --- budgets ------------------------------------------------------------------------------------------------

    def budget(self, customer: Doc) -> float | int | None:
        stored = self.world.usage_budgets.get(customer["id"])
        return None if stored is None else stored.get("amount")

    def set_budget(self, customer: Doc, amount: float | int | None) -> float | int | None:
        """Set (or, with None, remove) the customer's spending budget."""
        if amount is not None and (not math.isfinite(amount) or amount < 0 or amount > MAX_BUDGET):
            raise InvalidInput(f"'Amount' must be a number from 0 to {MAX_BUDGET:.0f}, got {amount}.")
        with self.store.transaction() as tx:
            if amount is None:
                tx.delete("usageBudgets", customer["id"])
            else:
                tx.put("usageBudgets", {"id": customer["id"], "amount": amount})
        return amount
