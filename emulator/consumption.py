"""What the emulated Azure subscriptions consume: their resources and each day's quantity, derived from ids alone.

Nothing is stored: a subscription's resources and a day's usage are a function of the subscription's id and the
day, so every answer (utilization records, usage records and summaries, invoice line items) is reproducible and all
of them agree: a summary is the sum of the records, a month's billing line the sum of its daily lines. The
emulator's own model [I]: which meters a subscription uses and how much is invented; the meters and their prices
are emulator.ratecard's.

Two kinds of Azure subscription carry usage: Microsoft Azure (the legacy offer MS-AZR-0145P), and the Azure plan
(New Commerce, catalog item DZH318Z0BPS6:0001:DZH318Z0BML6), whose usage runs in an Azure subscription (an
entitlement) of the plan.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from emulator.ratecard import USED, Meter

LEGACY_AZURE_OFFER = "MS-AZR-0145P"
AZURE_PLAN_PRODUCT = "DZH318Z0BPS6"
AZURE_PLAN_ITEM = "DZH318Z0BPS6:0001:DZH318Z0BML6"
RESOURCES_PER_SUBSCRIPTION = 3
DAY = timedelta(days=1)
_ENTITLEMENTS = uuid.UUID("3c6f2a8e-51b4-4d0e-9a7c-2f1e8d6b4a90")  # namespace of an Azure plan's entitlement ids

Kind = Literal["legacy", "plan"]


def kind(subscription: dict[str, Any]) -> Kind | None:
    """ "legacy" for Microsoft Azure (MS-AZR-0145P), "plan" for an Azure plan, None for anything else."""
    offer = str(subscription.get("offerId", "")).upper()
    if offer == LEGACY_AZURE_OFFER:
        return "legacy"
    if offer.split(":")[0] == AZURE_PLAN_PRODUCT:
        return "plan"
    return None


def _unit(*parts: object) -> float:
    """A number in [0, 1) fixed by `parts`."""
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


@dataclass(frozen=True)
class Resource:
    """One Azure resource of a subscription, running on one meter."""

    index: int
    meter: Meter
    name: str
    group: str
    entitlement_id: str  # the Azure subscription the resource lives in

    @property
    def uri(self) -> str:
        providers = f"providers/{self.meter.provider}/{self.name}"
        return f"/subscriptions/{self.entitlement_id}/resourceGroups/{self.group}/{providers}"

    @property
    def provider_namespace(self) -> str:
        return self.meter.provider.split("/")[0]


def entitlement_id(subscription: dict[str, Any]) -> str:
    """The Azure subscription usage runs in: a legacy subscription's own entitlement; an Azure plan's first Azure
    subscription, an id derived from the plan's [I]."""
    if kind(subscription) == "plan":
        return str(uuid.uuid5(_ENTITLEMENTS, subscription["id"].lower()))
    return str(subscription.get("entitlementId") or subscription["id"]).lower()


def resources(subscription: dict[str, Any]) -> list[Resource]:
    """The subscription's resources: three on distinct meters, chosen and named by its id."""
    sid = subscription["id"].lower()
    start = int(_unit(sid, "meters") * len(USED))
    meters = [USED[(start + i) % len(USED)] for i in range(RESOURCES_PER_SUBSCRIPTION)]
    group = f"rg-{sid[:8]}"
    owner = entitlement_id(subscription)
    found = []
    for index, meter in enumerate(meters):
        kind_name = meter.provider.split("/")[-1].rstrip("s").lower() or "resource"
        found.append(Resource(index, meter, f"{kind_name}{sid[9:13]}{index + 1}", group, owner))
    return found


def quantity(subscription_id: str, resource: Resource, day: date) -> float:
    """How much of its meter the resource used on `day` (six decimals)."""
    meter = resource.meter
    if meter.always_on:
        return meter.daily
    factor = 0.5 + _unit(subscription_id.lower(), resource.index, day.isoformat())
    return round(meter.daily * factor, 6)


def hourly(subscription_id: str, resource: Resource, day: date) -> list[float]:
    """The day's quantity over its 24 hours (the last hour takes the rounding, so the hours add up to the day)."""
    total = quantity(subscription_id, resource, day)
    if resource.meter.always_on:
        return [round(total / 24, 6)] * 23 + [round(total - round(total / 24, 6) * 23, 6)]
    weights = [0.5 + _unit(subscription_id.lower(), resource.index, day.isoformat(), hour) for hour in range(24)]
    scale = total / sum(weights)
    hours = [round(w * scale, 6) for w in weights[:23]]
    return [*hours, round(total - sum(hours), 6)]


def cost(subscription_id: str, resource: Resource, day: date) -> float:
    """The day's cost in USD at the meter's rate (six decimals)."""
    return round(quantity(subscription_id, resource, day) * resource.meter.rate, 6)


# --- when there is usage ---------------------------------------------------------------------------------------


def today(epoch: float) -> date:
    return datetime.fromtimestamp(epoch, UTC).date()


def started(subscription: dict[str, Any]) -> date:
    raw = str(subscription.get("effectiveStartDate") or subscription.get("creationDate") or "")
    return date.fromisoformat(raw[:10])


def usage_days(subscription: dict[str, Any], first: date, last: date, now: date) -> list[date]:
    """The days in [first, last] on which the subscription ran and whose usage is known: an active subscription's,
    from its start until yesterday (a day's usage is rated the day after [I]; suspended, deleted and pending
    subscriptions consume nothing)."""
    if subscription.get("status") != "active":
        return []
    begin, end = max(first, started(subscription)), min(last, now - DAY)
    return [begin + DAY * n for n in range((end - begin).days + 1)] if begin <= end else []


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def previous_month(day: date) -> date:
    return (day.replace(day=1) - DAY).replace(day=1)


def stamp(day: date) -> str:
    """A day as the usage resources write times: 2019-09-01T00:00:00+00:00 (UTC) [I: the samples' offsets vary]."""
    return f"{day.isoformat()}T00:00:00+00:00"
