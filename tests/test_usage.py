"""Azure usage, spending budgets, rate cards and license analytics, against literal documents (issue 15).

The emulator's clock is fixed at 2026-11-15T12:00:00Z: the current billing period is November 2026 and usage is
known for its first fourteen days. Shapes are the documentation's samples (docs/sources/usage.md); the values are
the default world's, and the tests also check that they agree: a summary is the sum of its records, a cost is the
quantity times the rate card's price.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from microsoft.store.partnercenterservices import MicrosoftPartnerStoreApis
from msrest.authentication import BasicTokenAuthentication
from starlette.testclient import TestClient

from emulator.app import EmulatorApp
from emulator.clock import Clock
from emulator.config import Config
from emulator.keys import SigningKey
from emulator.ratecard import BY_ID
from emulator.state import EmulatorState
from emulator.world import WorldError, default_world_dir, load_world
from tests.helpers import NW, app_token, bearer, serving, user_token

FIXED = datetime(2026, 11, 15, 12, 0, 0, tzinfo=UTC).timestamp()
FABRIKAM = "c13d2ea4-5bee-53d5-988a-6b3a6a13df75"  # Microsoft Azure (MS-AZR-0145P), budget 100 (USD)
FABRIKAM_AZURE = "166CCA8E-FD89-5BAA-A2D8-C708589BF976"
FABRIKAM_LICENSES = "4788E20A-B38D-5A45-9312-001442304095"  # Office 365 Business Premium
TAILSPIN = "ef0b8fc9-03a9-5660-a812-afdcb0ec6c6f"  # an Azure plan, in GBP, budget 120
TAILSPIN_PLAN = "38c4f1b0-c847-5e28-bc73-10d8e03d1ea1"
LAMNA = "863b3bca-1b67-55df-8d6c-3f7f6df0c928"  # an Azure plan, in USD
CONTOSO = NW.CONTOSO  # no Azure
CONTOSO_ADMIN = "44643319-ccc3-589c-a6d2-e8bdee96f67a"
M365_E5_SKU = "06ebc4ee-1bb5-47dd-8120-11324bc54e06"
UNKNOWN = "00000000-0000-0000-0000-000000000001"
MODIFIED = "2026-11-15T00:00:00+00:00"
V = "1"


def error(code: int | str, description: str) -> dict[str, Any]:
    return {"code": code, "description": description, "data": [], "source": "PartnerFD"}


def link(uri: str, method: str = "GET") -> dict[str, Any]:
    return {"uri": uri, "method": method, "headers": []}


APP_ONLY = error(
    400,
    "Access denied: this operation supports App+User authentication only; the token is app-only (client "
    "credentials). Sign in a user and call with that token.",
)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Clock, "now", lambda self: FIXED + self.offset)


@pytest.fixture
def user(state: EmulatorState) -> dict[str, str]:
    return bearer(user_token(state, NW.ADMIN, ["pwd", "mfa"]))


@pytest.fixture
def app(state: EmulatorState) -> dict[str, str]:
    return bearer(app_token(state))


@pytest.fixture
def sdk(emulator_app: EmulatorApp) -> Iterator[MicrosoftPartnerStoreApis]:
    token = user_token(emulator_app.state, NW.ADMIN, ["pwd", "mfa"])
    with serving(emulator_app) as url:
        client = MicrosoftPartnerStoreApis(BasicTokenAuthentication({"access_token": token}), base_url=url)
        client.config.retry_policy.policy.status_forcelist = []
        client.config.retry_policy.policy.respect_retry_after_header = False
        yield client


def get(client: TestClient, path: str, headers: dict[str, str]) -> Any:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


# --- the partner's and the customers' usage (get-a-partner-usage-summary.md, get-a-customer-s-usage-records.md) -----

FABRIKAM_RECORD = {
    "budget": {"amount": 100, "attributes": {"objectType": "SpendingBudget"}},
    "customerSpendingBudget": {"amount": 100, "attributes": {"objectType": "SpendingBudget"}},
    "percentUsed": 30.79,
    "isUpgraded": False,
    "resourceId": FABRIKAM,
    "id": FABRIKAM,
    "resourceName": "Fabrikam Inc",
    "name": "Fabrikam Inc",
    "totalCost": 30.787731,
    "currencyLocale": "en-US",
    "usdTotalCost": 0.0,
    "lastModifiedDate": MODIFIED,
    "attributes": {"objectType": "CustomerMonthlyUsageRecord"},
}
TAILSPIN_RECORD = {
    "budget": {"amount": 120, "attributes": {"objectType": "SpendingBudget"}},
    "percentUsed": 32.39,
    "isUpgraded": True,
    "resourceId": TAILSPIN,
    "id": TAILSPIN,
    "resourceName": "Tailspin Toys",
    "name": "Tailspin Toys",
    "totalCost": 38.869582,
    "currencyCode": "GBP",
    "usdTotalCost": 49.202003,
    "lastModifiedDate": MODIFIED,
    "attributes": {"objectType": "CustomerMonthlyUsageRecord"},
}


def test_customers_usage_records(client: TestClient, user: dict[str, str]) -> None:
    records = get(client, "/v1/customers/usagerecords", user)
    # Every customer with Microsoft Azure or an Azure plan (every sixth from Fabrikam and from Tailspin Toys).
    assert records["totalCount"] == 14 == len(records["items"])
    assert records["items"][:2] == [FABRIKAM_RECORD, TAILSPIN_RECORD]
    assert records["links"] == {"self": link("/customers/usagerecords")}
    assert records["attributes"] == {"objectType": "Collection"}
    # A customer without a budget: the budget has no amount (the documented sample's first item).
    alpine = records["items"][2]
    assert alpine["budget"] == {"attributes": {"objectType": "SpendingBudget"}}
    assert (alpine["percentUsed"], alpine["isUpgraded"]) == (0.0, False)
    # usdTotalCost is the GBP cost at the rate card's exchange rate (0.79).
    assert TAILSPIN_RECORD["totalCost"] == pytest.approx(TAILSPIN_RECORD["usdTotalCost"] * 0.79, abs=1e-5)
    assert TAILSPIN_RECORD["percentUsed"] == round(38.869582 / 120 * 100, 2)


def test_partner_usage_summary(client: TestClient, user: dict[str, str]) -> None:
    summary = get(client, "/v1/usagesummary", user)
    records = get(client, "/v1/customers/usagerecords", user)["items"]
    legacy = [r for r in records if not r["isUpgraded"]]
    over = [r for r in records if "amount" in r["budget"] and r["totalCost"] > r["budget"]["amount"]]
    # Fourteen days of November's thirty, at the same daily rate: over the budget by the month's end.
    trending = [
        r
        for r in records
        if "amount" in r["budget"] and r not in over and r["totalCost"] / 14 * 30 > r["budget"]["amount"]
    ]
    assert summary == {
        "customersOverBudget": len(over),
        "customersTrendingOver": len(trending),
        "customersWithUsageBasedSubscription": 14,
        "resourceId": NW.TENANT_ID,
        "id": NW.TENANT_ID,
        "resourceName": "Northwind Cloud Partners",
        "name": "Northwind Cloud Partners",
        "billingStartDate": "2026-11-01T00:00:00+00:00",
        "billingEndDate": "2026-11-30T00:00:00+00:00",
        # "will not return consumption for customers that have an Azure plan": the legacy customers' sum.
        "totalCost": 384.795889,
        "currencyLocale": "en-US",
        "lastModifiedDate": MODIFIED,
        "links": {"self": link("/usagesummary")},
        "attributes": {"objectType": "PartnerUsageSummary"},
    }
    assert summary["totalCost"] == pytest.approx(sum(r["totalCost"] for r in legacy), abs=1e-5)
    assert (len(over), len(trending)) == (0, 3)


def test_customer_usage_summary_for_both_kinds(client: TestClient, user: dict[str, str]) -> None:
    # Microsoft Azure (MS-AZR-0145P): currencyLocale, the period's last day as its end.
    assert get(client, f"/v1/customers/{FABRIKAM}/usagesummary", user) == {
        "budget": {"amount": 100, "attributes": {"objectType": "SpendingBudget"}},
        "resourceId": FABRIKAM,
        "id": FABRIKAM,
        "resourceName": "Fabrikam Inc",
        "name": "Fabrikam Inc",
        "billingStartDate": "2026-11-01T00:00:00+00:00",
        "billingEndDate": "2026-11-30T00:00:00+00:00",
        "totalCost": 30.787731,
        "currencyLocale": "en-US",
        "lastModifiedDate": MODIFIED,
        "links": {"self": link(f"/customers/{FABRIKAM}/usagesummary")},
        "attributes": {"objectType": "CustomerUsageSummary"},
    }
    # An Azure plan: currencyCode and usdTotalCost, the period ends on the first of the next month.
    assert get(client, f"/v1/customers/{TAILSPIN}/usagesummary", user) == {
        "budget": {"amount": 120, "attributes": {"objectType": "SpendingBudget"}},
        "resourceId": TAILSPIN,
        "id": TAILSPIN,
        "resourceName": "Tailspin Toys",
        "name": "Tailspin Toys",
        "billingStartDate": "2026-11-01T00:00:00+00:00",
        "billingEndDate": "2026-12-01T00:00:00+00:00",
        "totalCost": 38.869582,
        "currencyCode": "GBP",
        "usdTotalCost": 49.202003,
        "lastModifiedDate": MODIFIED,
        "links": {"self": link(f"/customers/{TAILSPIN}/usagesummary")},
        "attributes": {"objectType": "CustomerUsageSummary"},
    }


def test_customer_usage_summary_refusals(client: TestClient, user: dict[str, str], app: dict[str, str]) -> None:
    # Partner-Center-PowerShell #76: a customer without usage-based subscriptions.
    missing = client.get(f"/v1/customers/{CONTOSO}/usagesummary", headers=user)
    assert (missing.status_code, missing.json()) == (404, error(3000, "Customer does not have usage data."))
    unknown = client.get(f"/v1/customers/{UNKNOWN}/usagesummary", headers=user)
    assert (unknown.status_code, unknown.json()["code"]) == (404, 60003)
    malformed = client.get("/v1/customers/not-a-guid/usagesummary", headers=user)
    assert (malformed.status_code, malformed.json()["code"]) == (400, 800002)


def test_an_azure_subscription_bought_today_consumes_from_tomorrow(
    client: TestClient, state: EmulatorState, user: dict[str, str]
) -> None:
    """Usage follows the subscriptions table: an order makes a customer a usage customer, its usage is rated the
    day after it runs, and a suspended subscription consumes nothing."""
    order = {"LineItems": [{"LineItemNumber": 0, "OfferId": "MS-AZR-0145P", "FriendlyName": "Azure", "Quantity": 1}]}
    created = client.post(f"/v1/customers/{CONTOSO}/orders", json=order, headers=user)
    assert created.status_code == 201, created.text
    azure = created.json()["lineItems"][0]["subscriptionId"]
    summary = get(client, f"/v1/customers/{CONTOSO}/usagesummary", user)  # was 3000: no usage data
    assert (summary["totalCost"], summary["currencyLocale"]) == (0.0, "en-US")
    assert get(client, "/v1/usagesummary", user)["customersWithUsageBasedSubscription"] == 15
    state.clock.advance(2 * 86400)  # November 17: the 15th and the 16th are rated
    later = bearer(user_token(state, NW.ADMIN, ["pwd", "mfa"]))
    base = f"/v1/customers/{CONTOSO}/subscriptions/{azure}"
    daily = get(client, f"{base}/usagerecords/daily", later)["items"]
    assert [d["dateUsed"] for d in daily] == ["2026-11-15T00:00:00+00:00", "2026-11-16T00:00:00+00:00"]
    resources = get(client, f"{base}/usagerecords/resources", later)["items"]
    total = get(client, f"/v1/customers/{CONTOSO}/usagesummary", later)["totalCost"]
    assert total > 0
    assert total == pytest.approx(sum(r["totalCost"] for r in resources), abs=1e-5)
    assert total == pytest.approx(sum(d["totalCost"] for d in daily), abs=1e-5)
    suspended = client.patch(f"{base}", json={"status": "suspended"}, headers=later)
    assert suspended.status_code == 200, suspended.text
    assert get(client, f"/v1/customers/{CONTOSO}/usagesummary", later)["totalCost"] == 0.0


@pytest.mark.parametrize(
    "path",
    [
        "/v1/usagesummary",
        "/v1/customers/usagerecords",
        f"/v1/customers/{FABRIKAM}/usagesummary",
        f"/v1/customers/{FABRIKAM}/subscriptions/usagerecords",
        f"/v1/customers/{FABRIKAM}/subscriptions/{FABRIKAM_AZURE}/usagesummary",
        f"/v1/customers/{FABRIKAM}/subscriptions/{FABRIKAM_AZURE}/usagerecords/daily",
        "/v1/analytics/licenses/deployment",
        "/v1/analytics/licenses/usage",
        f"/v1/customers/{CONTOSO}/analytics/licenses/deployment",
        f"/v1/customers/{CONTOSO}/analytics/licenses/usage",
    ],
)
def test_app_user_only(client: TestClient, app: dict[str, str], path: str) -> None:
    """The pages say "App+User credentials only" (usage) and "App+User credentials" (license analytics)."""
    refused = client.get(path, headers=app)
    assert (refused.status_code, refused.json()) == (401, APP_ONLY)


@pytest.mark.parametrize(
    "path",
    [
        f"/v1/customers/{FABRIKAM}/usagebudget",
        f"/v1/customers/{FABRIKAM}/subscriptions/{FABRIKAM_AZURE}/usagerecords/resources",
        f"/v1/customers/{FABRIKAM}/subscriptions/{FABRIKAM_AZURE}/utilizations/azure"
        "?start_time=2026-11-01T00:00:00Z&end_time=2026-11-02T00:00:00Z",
        "/v1/ratecards/azure",
        "/v1/ratecards/azure-shared",
    ],
)
def test_app_only_accepted(client: TestClient, app: dict[str, str], path: str) -> None:
    """ "Both standalone App and App+User credentials" (budget, resource records, utilization); the rate card
    pages name no restriction."""
    assert client.get(path, headers=app).status_code == 200


# --- a customer's subscriptions (get-a-customer-subscription-s-usage-records.md, …-usage-summary.md) ---------------


def test_subscription_usage_records(client: TestClient, user: dict[str, str]) -> None:
    assert get(client, f"/v1/customers/{FABRIKAM}/subscriptions/usagerecords", user) == {
        "totalCount": 1,
        "items": [
            {
                "status": "active",
                "offerId": "MS-AZR-0145P",
                "resourceId": FABRIKAM_AZURE,
                "id": FABRIKAM_AZURE,
                "resourceName": "Microsoft Azure",
                "name": "Microsoft Azure",
                "totalCost": 30.787731,
                "currencyLocale": "en-US",
                "usdTotalCost": 0.0,  # as the MS-AZR-0145P sample: "available for Azure plans"
                "lastModifiedDate": MODIFIED,
                "attributes": {"objectType": "SubscriptionMonthlyUsageRecord"},
            }
        ],
        "links": {"self": link(f"/customers/{FABRIKAM}/subscriptions/usagerecords")},
        "attributes": {"objectType": "Collection"},
    }
    plan = get(client, f"/v1/customers/{TAILSPIN}/subscriptions/usagerecords", user)["items"]
    assert plan == [
        {
            "status": "active",
            "partnerOnRecord": "4812345",
            "offerId": "DZH318Z0BPS6:0001:DZH318Z0BML6",
            "resourceId": TAILSPIN_PLAN,
            "id": TAILSPIN_PLAN,
            "resourceName": "Azure plan",
            "name": "Azure plan",
            "totalCost": 38.869582,
            "currencyCode": "GBP",
            "usdTotalCost": 49.202003,
            "lastModifiedDate": MODIFIED,
            "attributes": {"objectType": "SubscriptionMonthlyUsageRecord"},
        }
    ]
    # A customer without usage-based subscriptions has none.
    assert get(client, f"/v1/customers/{CONTOSO}/subscriptions/usagerecords", user)["items"] == []


def test_subscription_usage_summary(client: TestClient, user: dict[str, str]) -> None:
    path = f"/v1/customers/{FABRIKAM}/subscriptions/{FABRIKAM_AZURE.lower()}/usagesummary"  # any case
    assert get(client, path, user) == {
        "resourceId": FABRIKAM_AZURE,
        "id": FABRIKAM_AZURE,
        "resourceName": "Microsoft Azure",
        "name": "Microsoft Azure",
        "billingStartDate": "2026-11-01T00:00:00+00:00",
        "billingEndDate": "2026-11-30T00:00:00+00:00",
        "totalCost": 30.787731,
        "currencyLocale": "en-US",
        "lastModifiedDate": MODIFIED,
        "links": {"self": link(f"/customers/{FABRIKAM}/subscriptions/{FABRIKAM_AZURE}/usagesummary")},
        "attributes": {"objectType": "SubscriptionUsageSummary"},
    }
    assert get(client, f"/v1/customers/{TAILSPIN}/subscriptions/{TAILSPIN_PLAN}/usagesummary", user) == {
        "resourceId": TAILSPIN_PLAN,
        "id": TAILSPIN_PLAN,
        "resourceName": "Azure plan",
        "name": "Azure plan",
        "billingStartDate": "2026-11-01T00:00:00+00:00",
        "billingEndDate": "2026-12-01T00:00:00+00:00",
        "totalCost": 38.869582,
        "currencyCode": "GBP",
        "usdTotalCost": 49.202003,
        "lastModifiedDate": MODIFIED,
        "links": {"self": link(f"/customers/{TAILSPIN}/subscriptions/{TAILSPIN_PLAN}/usagesummary")},
        "attributes": {"objectType": "SubscriptionUsageSummary"},
    }


@pytest.mark.parametrize("tail", ["usagesummary", "usagerecords/daily", "usagerecords/resources", "utilizations/azure"])
def test_subscription_usage_refusals(client: TestClient, user: dict[str, str], tail: str) -> None:
    times = "?start_time=2026-11-01T00:00:00Z&end_time=2026-11-02T00:00:00Z" if "utilizations" in tail else ""
    licenses = client.get(f"/v1/customers/{FABRIKAM}/subscriptions/{FABRIKAM_LICENSES}/{tail}{times}", headers=user)
    assert (licenses.status_code, licenses.json()) == (
        404,
        error(3000, f"Subscription {FABRIKAM_LICENSES} does not have usage data."),
    )
    unknown = client.get(f"/v1/customers/{FABRIKAM}/subscriptions/{UNKNOWN}/{tail}{times}", headers=user)
    assert (unknown.status_code, unknown.json()["code"]) == (404, 20003)
    # Another customer's subscription is not this one's.
    other = client.get(f"/v1/customers/{TAILSPIN}/subscriptions/{FABRIKAM_AZURE}/{tail}{times}", headers=user)
    assert (other.status_code, other.json()["code"]) == (404, 20003)
    malformed = client.get(f"/v1/customers/{FABRIKAM}/subscriptions/nope/{tail}{times}", headers=user)
    assert (malformed.status_code, malformed.json()["code"]) == (400, 800002)
    no_customer = client.get(f"/v1/customers/{UNKNOWN}/subscriptions/{FABRIKAM_AZURE}/{tail}{times}", headers=user)
    assert (no_customer.status_code, no_customer.json()["code"]) == (404, 60003)


@pytest.mark.parametrize("tail", ["usagerecords/resources", "utilizations/azure"])
def test_legacy_only_routes_refuse_an_azure_plan(client: TestClient, user: dict[str, str], tail: str) -> None:
    """get-all-monthly-usage-records-for-a-subscription.md: "only supports Microsoft Azure (MS-AZR-0145P)";
    utilization "isn't supported for Azure plans": the text Partner-Center-PowerShell #305 shows."""
    times = "?start_time=2026-11-01T00:00:00Z&end_time=2026-11-02T00:00:00Z" if "utilizations" in tail else ""
    refused = client.get(f"/v1/customers/{TAILSPIN}/subscriptions/{TAILSPIN_PLAN}/{tail}{times}", headers=user)
    assert (refused.status_code, refused.json()) == (
        404,
        error(20003, f"Subscription id '{TAILSPIN_PLAN}' provided was not found under this customer."),
    )


def test_daily_records_add_up_to_the_summary(client: TestClient, user: dict[str, str]) -> None:
    base = f"/v1/customers/{FABRIKAM}/subscriptions/{FABRIKAM_AZURE}"
    daily = get(client, f"{base}/usagerecords/daily", user)
    assert daily["totalCount"] == 14  # November 1 to 14: today's usage is not rated yet
    assert daily["items"][0] == {
        "dateUsed": "2026-11-01T00:00:00+00:00",
        "resourceId": FABRIKAM_AZURE,
        "id": FABRIKAM_AZURE,
        "resourceName": "Microsoft Azure",
        "name": "Microsoft Azure",
        "totalCost": 2.15286,
        "currencyLocale": "en-US",
        "lastModifiedDate": MODIFIED,
        "attributes": {"objectType": "SubscriptionDailyUsageRecord"},
    }
    assert daily["links"] == {"self": link(f"/customers/{FABRIKAM}/subscriptions/{FABRIKAM_AZURE}/usagerecords/daily")}
    assert [d["dateUsed"][:10] for d in daily["items"]] == [f"2026-11-{n:02d}" for n in range(1, 15)]
    summary = get(client, f"{base}/usagesummary", user)
    assert sum(d["totalCost"] for d in daily["items"]) == pytest.approx(summary["totalCost"], abs=1e-5)
    plan = get(client, f"/v1/customers/{TAILSPIN}/subscriptions/{TAILSPIN_PLAN}/usagerecords/daily", user)
    assert {d["currencyCode"] for d in plan["items"]} == {"GBP"}
    assert sum(d["usdTotalCost"] for d in plan["items"]) == pytest.approx(49.202003, abs=1e-5)


def test_resource_records_price_at_the_rate_card(client: TestClient, user: dict[str, str], app: dict[str, str]) -> None:
    base = f"/v1/customers/{FABRIKAM}/subscriptions/{FABRIKAM_AZURE}"
    resources = get(client, f"{base}/usagerecords/resources", app)
    assert resources["items"][0] == {
        "category": "Azure App Service",
        "subcategory": "Standard Plan",
        "quantityUsed": 336.0,  # an always-on S1 plan: 24 hours a day for 14 days
        "unit": "1 Hour",
        "resourceId": "505db374-df8a-44df-9d8c-13c14b61dee1",
        "id": "505db374-df8a-44df-9d8c-13c14b61dee1",
        "resourceName": "S1",
        "name": "S1",
        "totalCost": 28.56,  # 336 hours at 0.085 (get-invoiceline-items.md's list price)
        "currencyLocale": "en-US",
        "lastModifiedDate": MODIFIED,
        "attributes": {"objectType": "AzureResourceMonthlyUsageRecord"},
    }
    assert [r["name"] for r in resources["items"]] == ["S1", "LRS Data Stored", "Disk Delete Operations"]
    assert resources["links"] == {"self": link(f"{base.removeprefix('/v1')}/usagerecords/resources")}
    for record in resources["items"]:
        price = BY_ID[record["id"]].rate
        assert record["totalCost"] == pytest.approx(record["quantityUsed"] * price, abs=1e-5)
    summary = get(client, f"{base}/usagesummary", user)
    assert sum(r["totalCost"] for r in resources["items"]) == pytest.approx(summary["totalCost"], abs=1e-5)


# --- Azure utilization (get-a-customer-s-utilization-record-for-azure.md) ------------------------------------------

UTILIZATION = f"/v1/customers/{FABRIKAM}/subscriptions/{FABRIKAM_AZURE}/utilizations/azure"
NOVEMBER = "start_time=2026-11-01T00:00:00Z&end_time=2026-11-03T00:00:00Z"


def test_utilization_pages_by_seek(client: TestClient, app: dict[str, str]) -> None:
    first = get(client, f"{UTILIZATION}?{NOVEMBER}&size=2", app)
    base = f"/customers/{FABRIKAM}/subscriptions/{FABRIKAM_AZURE}/utilizations/azure"
    query = (
        "start_time=2026-11-01T00:00:00%2B00:00&end_time=2026-11-03T00:00:00%2B00:00&granularity=Daily"
        "&show_details=True&size=2"
    )
    assert first == {
        "totalCount": 2,
        "items": [
            {
                "usageStartTime": "2026-11-01T00:00:00+00:00",
                "usageEndTime": "2026-11-02T00:00:00+00:00",
                "resource": {
                    "id": "505db374-df8a-44df-9d8c-13c14b61dee1",
                    "name": "S1",
                    "category": "Azure App Service",
                    "subcategory": "Standard Plan",
                    "region": "",
                },
                "quantity": 24.0,
                "unit": "1 Hour",
                "infoFields": {},
                "instanceData": {
                    "resourceUri": "/subscriptions/166cca8e-fd89-5baa-a2d8-c708589bf976/resourceGroups/rg-166cca8e/providers/Microsoft.Web/serverfarms/serverfarmfd891",
                    "location": "westus",
                    "partNumber": "",
                    "orderNumber": "",
                },
                "attributes": {"objectType": "AzureUtilizationRecord"},
            },
            {
                "usageStartTime": "2026-11-01T00:00:00+00:00",
                "usageEndTime": "2026-11-02T00:00:00+00:00",
                "resource": {
                    "id": "d23a5753-ff85-4ddf-af28-8cc5cf2d3882",
                    "name": "LRS Data Stored",
                    "category": "Storage",
                    "subcategory": "Standard Page Blob",
                    "region": "",
                },
                "quantity": 2.888721,
                "unit": "1 GB/Month",
                "infoFields": {},
                "instanceData": {
                    "resourceUri": "/subscriptions/166cca8e-fd89-5baa-a2d8-c708589bf976/resourceGroups/rg-166cca8e/providers/Microsoft.Storage/storageAccounts/storageaccountfd892",
                    "location": "westus",
                    "partNumber": "",
                    "orderNumber": "",
                },
                "attributes": {"objectType": "AzureUtilizationRecord"},
            },
        ],
        "links": {
            "self": link(f"{base}?{query}"),
            "next": {
                "uri": f"{base}?{query}&seek_operation=next",
                "method": "GET",
                "headers": [{"key": "MS-ContinuationToken", "value": first["continuationToken"]}],
            },
        },
        "continuationToken": first["continuationToken"],
        "attributes": {"objectType": "Collection"},
    }
    # Following the links: two days of three resources, two at a time.
    seen = first["items"]
    page = first
    while "next" in page["links"]:
        follow = page["links"]["next"]
        headers = {**app, **{h["key"]: h["value"] for h in follow["headers"]}}
        page = get(client, f"/v1{follow['uri']}", headers)
        seen += page["items"]
    assert len(seen) == 6 and "continuationToken" not in page
    assert [r["usageStartTime"][:10] for r in seen] == ["2026-11-01"] * 3 + ["2026-11-02"] * 3


def test_utilization_hourly_and_without_details(client: TestClient, user: dict[str, str]) -> None:
    daily = get(client, f"{UTILIZATION}?{NOVEMBER}", user)["items"]
    hourly = get(client, f"{UTILIZATION}?{NOVEMBER}&granularity=Hourly&show_details=false", user)["items"]
    assert len(daily) == 6 and len(hourly) == 2 * 24 * 3
    assert all("instanceData" not in h for h in hourly)
    assert hourly[0]["usageStartTime"] == "2026-11-01T00:00:00+00:00"
    assert hourly[0]["usageEndTime"] == "2026-11-01T01:00:00+00:00"
    for day in daily:  # the hours add up to the day
        hours = [
            h["quantity"]
            for h in hourly
            if h["resource"]["id"] == day["resource"]["id"] and h["usageStartTime"][:10] == day["usageStartTime"][:10]
        ]
        assert len(hours) == 24 and sum(hours) == pytest.approx(day["quantity"], abs=1e-5)


def test_utilization_agrees_with_the_resource_records(client: TestClient, user: dict[str, str]) -> None:
    month = get(client, f"{UTILIZATION}?start_time=2026-11-01&end_time=2026-12-01", user)["items"]
    assert len(month) == 14 * 3  # only rated days: until yesterday
    resources = get(client, f"/v1/customers/{FABRIKAM}/subscriptions/{FABRIKAM_AZURE}/usagerecords/resources", user)[
        "items"
    ]
    for record in resources:
        used = sum(u["quantity"] for u in month if u["resource"]["id"] == record["id"])
        assert used == pytest.approx(record["quantityUsed"], abs=1e-5)
    # The same query, asked again, gives the same answer: usage is a function of the ids and the day.
    assert get(client, f"{UTILIZATION}?start_time=2026-11-01&end_time=2026-12-01", user)["items"] == month
    # Before the subscription existed, and in the future: nothing.
    assert (
        get(client, f"{UTILIZATION}?start_time=2025-01-01T00:00:00Z&end_time=2025-02-01T00:00:00Z", user)["items"] == []
    )
    assert (
        get(client, f"{UTILIZATION}?start_time=2026-11-20T00:00:00Z&end_time=2026-11-25T00:00:00Z", user)["items"] == []
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("end_time=2026-11-02T00:00:00Z", "'start_time' is required (a date and time such as 2026-01-01T00:00:00Z)."),
        ("start_time=2026-11-01T00:00:00Z", "'end_time' is required (a date and time such as 2026-01-01T00:00:00Z)."),
        ("start_time=yesterday&end_time=2026-11-02", "'start_time' is not a date and time: 'yesterday'."),
        ("start_time=2026-11-01&end_time=2026-13-40", "'end_time' is not a date and time: '2026-13-40'."),
        (
            "start_time=0001-01-01T00:00:00%2B14:00&end_time=2026-11-01",
            "'start_time' is not a date and time: '0001-01-01T00:00:00+14:00'.",
        ),
        ("start_time=2026-11-02&end_time=2026-11-01", "'end_time' must be later than 'start_time'."),
        ("start_time=2026-11-02&end_time=2026-11-02", "'end_time' must be later than 'start_time'."),
        (f"{NOVEMBER}&granularity=weekly", "'granularity' must be one of daily, hourly, got 'weekly'."),
        (f"{NOVEMBER}&show_details=maybe", "'show_details' must be one of true, false, got 'maybe'."),
        (f"{NOVEMBER}&size=0", "'size' must be at least 1, got 0."),
        (f"{NOVEMBER}&size=1001", "'size' must be at most 1000, got 1001."),
        (f"{NOVEMBER}&size=many", "'size' must be an integer, got 'many'."),
        (f"{NOVEMBER}&seek_operation=previous", "'seek_operation' 'previous' is not supported; use 'next'."),
        (
            f"{NOVEMBER}&seek_operation=next",
            "seek_operation=next needs the MS-ContinuationToken header from the previous page.",
        ),
    ],
)
def test_utilization_bad_input(client: TestClient, user: dict[str, str], query: str, message: str) -> None:
    refused = client.get(f"{UTILIZATION}?{query}", headers=user)
    assert (refused.status_code, refused.json()) == (400, error(800002, f"Invalid request input: {message}"))


def test_utilization_refuses_a_continuation_token_it_did_not_issue(client: TestClient, user: dict[str, str]) -> None:
    headers = {**user, "MS-ContinuationToken": "not-ours"}
    refused = client.get(f"{UTILIZATION}?{NOVEMBER}&seek_operation=next", headers=headers)
    assert (refused.status_code, refused.json()["code"]) == (400, 800002)


def test_utilization_offsets(client: TestClient, user: dict[str, str]) -> None:
    """Times with offsets and unencoded '+' signs, as hand-written URLs have them; a day is counted when it lies
    wholly inside the range."""
    shifted = get(
        client, f"{UTILIZATION}?start_time=2026-11-01T01:00:00+01:00&end_time=2026-11-02T01:00:00+01:00", user
    )
    assert [r["usageStartTime"] for r in shifted["items"]] == ["2026-11-01T00:00:00+00:00"] * 3
    partial = get(client, f"{UTILIZATION}?start_time=2026-11-01T06:00:00Z&end_time=2026-11-03T00:00:00Z", user)
    assert {r["usageStartTime"][:10] for r in partial["items"]} == {"2026-11-02"}


# --- the spending budget (get-customer-usage-spending-budget.md, update-customer-usage-spending-budget.md) ---------


def test_budget_get(client: TestClient, app: dict[str, str]) -> None:
    assert get(client, f"/v1/customers/{FABRIKAM}/usagebudget", app) == {
        "amount": 100,
        "usageSpendingBudget": 100,
        "links": {"self": link(f"/v1/customers/{FABRIKAM}/usagebudget")},
        "attributes": {"objectType": "SpendingBudget"},
    }
    # No budget: no amount ("If the value is null, there is no spending budget allocated to this customer").
    assert get(client, f"/v1/customers/{CONTOSO}/usagebudget", app) == {
        "links": {"self": link(f"/v1/customers/{CONTOSO}/usagebudget")},
        "attributes": {"objectType": "SpendingBudget"},
    }


def test_budget_update_shows_everywhere(client: TestClient, user: dict[str, str], app: dict[str, str]) -> None:
    # The documented request body, PascalCase.
    body = {"Amount": 25, "Attributes": {"ObjectType": "SpendingBudget"}}
    updated = client.patch(f"/v1/customers/{FABRIKAM}/usagebudget", json=body, headers=app)
    assert updated.status_code == 200
    assert updated.json() == {
        "amount": 25,
        "usageSpendingBudget": 25,
        "links": {"self": link(f"/v1/customers/{FABRIKAM}/usagebudget", "PATCH")},
        "attributes": {"objectType": "SpendingBudget"},
    }
    assert get(client, f"/v1/customers/{FABRIKAM}/usagebudget", app)["amount"] == 25
    summary = get(client, f"/v1/customers/{FABRIKAM}/usagesummary", user)
    assert summary["budget"] == {"amount": 25, "attributes": {"objectType": "SpendingBudget"}}
    record = get(client, "/v1/customers/usagerecords", user)["items"][0]
    assert (record["budget"]["amount"], record["percentUsed"]) == (25, round(30.787731 / 25 * 100, 2))
    assert get(client, "/v1/usagesummary", user)["customersOverBudget"] == 1  # 30.79 of 25
    # A customer without Azure may have a budget too; a fractional amount is kept as given.
    client.patch(f"/v1/customers/{CONTOSO}/usagebudget", json={"amount": 12.5}, headers=app)
    assert get(client, f"/v1/customers/{CONTOSO}/usagebudget", app)["amount"] == 12.5
    # A null amount removes the budget.
    removed = client.patch(f"/v1/customers/{FABRIKAM}/usagebudget", json={"amount": None}, headers=app)
    assert removed.json() == {
        "links": {"self": link(f"/v1/customers/{FABRIKAM}/usagebudget", "PATCH")},
        "attributes": {"objectType": "SpendingBudget"},
    }
    assert "amount" not in get(client, f"/v1/customers/{FABRIKAM}/usagesummary", user)["budget"]
    assert get(client, "/v1/usagesummary", user)["customersOverBudget"] == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "'Amount' is required: a number, or null to remove the budget."),
        (
            {"attributes": {"objectType": "SpendingBudget"}},
            "'Amount' is required: a number, or null to remove the budget.",
        ),
        ({"amount": "ten"}, "'Amount' must be a number, got \"ten\"."),
        ({"amount": True}, "'Amount' must be a number, got true."),
        ({"amount": [1]}, "'Amount' must be a number, got [1]."),
        ({"amount": -1}, "'Amount' must be a number from 0 to 1e+12, got -1."),
        ({"amount": 1e13}, "'Amount' must be a number from 0 to 1e+12, got 10000000000000.0."),
    ],
)
def test_budget_bad_bodies_change_nothing(
    client: TestClient, app: dict[str, str], body: dict[str, Any], message: str
) -> None:
    refused = client.patch(f"/v1/customers/{FABRIKAM}/usagebudget", json=body, headers=app)
    assert (refused.status_code, refused.json()) == (400, error(800002, f"Invalid request input: {message}"))
    assert get(client, f"/v1/customers/{FABRIKAM}/usagebudget", app)["amount"] == 100


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the request has no body; a JSON object is expected."),
        (b"{not json", "the body is not valid JSON."),
        (b"[100]", "the body must be a JSON object."),
        (b'{"amount": NaN}', "'Amount' must be a number, got NaN."),
    ],
)
def test_budget_unreadable_bodies(client: TestClient, app: dict[str, str], content: bytes, message: str) -> None:
    headers = {**app, "Content-Type": "application/json"}
    refused = client.patch(f"/v1/customers/{FABRIKAM}/usagebudget", content=content, headers=headers)
    assert (refused.status_code, refused.json()) == (400, error(800002, f"Invalid request input: {message}"))


def test_budget_of_an_unknown_customer(client: TestClient, app: dict[str, str]) -> None:
    for method in ("GET", "PATCH"):
        refused = client.request(method, f"/v1/customers/{UNKNOWN}/usagebudget", json={"amount": 1}, headers=app)
        assert (refused.status_code, refused.json()["code"]) == (404, 60003)


def test_budget_persists_across_a_restart(tmp_path: Path, signing_key: SigningKey) -> None:
    config = Config(state_dir=tmp_path, persist=True, seed=3)
    first = EmulatorApp(EmulatorState(config, key=signing_key))
    with TestClient(first, base_url="http://127.0.0.1:8080") as client:
        headers = bearer(app_token(first.state))
        assert client.patch(f"/v1/customers/{TAILSPIN}/usagebudget", json={"amount": 7}, headers=headers).is_success
        assert client.patch(f"/v1/customers/{FABRIKAM}/usagebudget", json={"amount": None}, headers=headers).is_success
    second = EmulatorState(config, key=signing_key)
    assert second.world.usage_budgets.get(TAILSPIN) == {"id": TAILSPIN, "amount": 7}
    assert second.world.usage_budgets.get(FABRIKAM) is None
    second.reset()  # the fixtures' budgets again
    assert EmulatorState(config, key=signing_key).world.usage_budgets.get(TAILSPIN) == {"id": TAILSPIN, "amount": 120}


# --- rate cards (get-prices-for-microsoft-azure.md, get-prices-for-microsoft-azure-partner-shared-services.md) --------

# The documented sample's meters and offer term, verbatim: the rate card starts with them.
DOC_METERS = [
    {
        "id": "4b836326-7e19-46e6-8bce-1b19bb6cd91e",
        "name": "Unlimited Data - 1 Gbps",
        "rates": {"0": 7395.0},
        "tags": [],
        "category": "Networking",
        "subcategory": "ExpressRoute",
        "region": "Zone 2",
        "unit": "Connections",
        "includedQuantity": 0.0,
        "effectiveDate": "2015-09-01T00:00:00Z",
    },
    {
        "id": "1e8f6d9f-8b40-4c97-80cc-cff87a290a93",
        "name": "Compute Hours",
        "rates": {"0": 3.9729},
        "tags": [],
        "category": "Cloud Services",
        "subcategory": "Standard_L16 Cloud Services",
        "region": "AU East",
        "unit": "1 Hour",
        "includedQuantity": 0.0,
        "effectiveDate": "2016-09-01T00:00:00Z",
    },
    {
        "id": "7a2639ce-ae47-4413-9837-6b4f4b78be3d",
        "name": "Compute Hours",
        "rates": {"0": 0.1122},
        "tags": [],
        "category": "Virtual Machines",
        "subcategory": "Standard_D1_v2 VM (Windows)",
        "region": "BR South",
        "unit": "Hours",
        "includedQuantity": 0.0,
        "effectiveDate": "2017-01-01T00:00:00Z",
    },
]
DOC_OFFER_TERMS = [
    {
        "name": "Overage discount",
        "discount": 0.15,
        "excludedMeterIds": ["53cc0061-0fe2-4249-bf62-e1008c811f5c", "c82dbd27-c978-43a7-ad41-525a90d8962b"],
        "effectiveDate": "2014-01-01T00:00:00",
    }
]


def test_rate_card_sample(client: TestClient, user: dict[str, str]) -> None:
    card = get(client, "/v1/ratecards/azure", {**user, "X-Locale": "en-US"})
    assert {k: v for k, v in card.items() if k != "meters"} == {
        "locale": "en",
        "currency": "USD",
        "isTaxIncluded": False,
        "offerTerms": DOC_OFFER_TERMS,
        "attributes": {"objectType": "AzureRateCard"},
    }
    assert card["meters"][:3] == DOC_METERS
    assert len(card["meters"]) == 8
    # The meters the usage is priced with are on it, at the price the invoice sample lists.
    s1 = next(m for m in card["meters"] if m["id"] == "505db374-df8a-44df-9d8c-13c14b61dee1")
    assert (s1["name"], s1["rates"], s1["unit"]) == ("S1", {"0": 0.085}, "1 Hour")
    shared = get(client, "/v1/ratecards/azure-shared", {**user, "X-Locale": "en-US"})
    assert shared == {**card, "locale": "en-US"}  # its sample: the same meters, the locale in full


def test_rate_card_currency_and_region(client: TestClient, user: dict[str, str]) -> None:
    euro = get(client, "/v1/ratecards/azure?currency=eur&region=FR", user)
    assert euro["currency"] == "EUR"
    assert euro["meters"][0]["rates"] == {"0": round(7395.0 * 0.92, 4)}
    assert euro["meters"][1]["rates"] == {"0": round(3.9729 * 0.92, 4)}
    # Without currency and region, X-Locale decides both (and the language).
    british = get(client, "/v1/ratecards/azure", {**user, "X-Locale": "en-GB"})
    assert (british["currency"], british["locale"]) == ("GBP", "en")
    assert get(client, "/v1/ratecards/azure", {**user, "X-Locale": "fr-FR"})["currency"] == "EUR"
    # With either of them, the other defaults to USD or US.
    assert get(client, "/v1/ratecards/azure?region=FR", {**user, "X-Locale": "en-GB"})["currency"] == "USD"
    assert get(client, "/v1/ratecards/azure?currency=NOK", user)["currency"] == "NOK"
    # The shared card's defaults are the partner's market (US).
    assert get(client, "/v1/ratecards/azure-shared", {**user, "X-Locale": "en-GB"})["currency"] == "USD"
    assert get(client, "/v1/ratecards/azure-shared?currency=gbp", user)["currency"] == "GBP"


@pytest.mark.parametrize("card", ["azure", "azure-shared"])
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("currency=EURO", "'currency' must be a three-letter ISO currency code such as EUR, got 'EURO'."),
        ("currency=E1R", "'currency' must be a three-letter ISO currency code such as EUR, got 'E1R'."),
        (
            "currency=XYZ",
            "the currency 'XYZ' is not supported; one of AUD, BRL, CAD, CHF, DKK, EUR, GBP, INR, JPY, NOK, NZD, "
            "SEK, USD.",
        ),
        ("region=FRA", "'region' must be a two-letter ISO country code such as FR, got 'FRA'."),
        ("currency=EUR&region=ZZ", "the region 'ZZ' is not a market of the rate card."),
    ],
)
def test_rate_card_bad_input(client: TestClient, user: dict[str, str], card: str, query: str, message: str) -> None:
    refused = client.get(f"/v1/ratecards/{card}?{query}", headers=user)
    assert (refused.status_code, refused.json()) == (400, error(800002, f"Invalid request input: {message}"))


# --- license analytics (get-customer-licenses-*.md, get-partner-licenses-*.md) -----------------------------------


def contoso_deployment(deployed: int) -> dict[str, Any]:
    return {
        "totalCount": 2,
        "items": [
            {
                "customerId": CONTOSO,
                "customerName": "Contoso Ltd",
                "productName": "MICROSOFT 365 E5",
                "licensesDeployed": deployed,
                "deploymentPercent": round(deployed / 25 * 100, 2),
                "licensesSold": 25,
                "processedDateTime": MODIFIED,
                "serviceName": "o365",
                "channel": "reseller",
                "attributes": {"objectType": "CustomerLicensesDeploymentInsights"},
            },
            {
                "customerId": CONTOSO,
                "customerName": "Contoso Ltd",
                "productName": "ADVANCED EDISCOVERY STORAGE",
                "licensesDeployed": 0,
                "deploymentPercent": 0.0,
                "licensesSold": 2,
                "processedDateTime": MODIFIED,
                "serviceName": "o365",
                "channel": "reseller",
                "attributes": {"objectType": "CustomerLicensesDeploymentInsights"},
            },
        ],
        "attributes": {"objectType": "Collection"},
    }


def test_license_analytics_follow_assignments(client: TestClient, user: dict[str, str]) -> None:
    deployment = f"/v1/customers/{CONTOSO}/analytics/licenses/deployment"
    assert get(client, deployment, user) == contoso_deployment(0)
    usage = get(client, f"/v1/customers/{CONTOSO}/analytics/licenses/usage", user)
    # An Office 365 suite's workloads, as the sample's Business Essentials: Exchange, SharePoint, Skype For Business.
    assert [(u["productName"], u["workloadName"]) for u in usage["items"]] == [
        ("MICROSOFT 365 E5", "Exchange"),
        ("MICROSOFT 365 E5", "SharePoint"),
        ("MICROSOFT 365 E5", "Skype For Business"),
    ]
    assert usage["items"][0] == {
        "customerId": CONTOSO,
        "customerName": "Contoso Ltd",
        "productName": "MICROSOFT 365 E5",
        "licensesActive": 0,
        "licensesQualified": 25,
        "usagePercent": 0.0,
        "workloadName": "Exchange",
        "processedDateTime": MODIFIED,
        "serviceName": "o365",
        "channel": "reseller",
        "attributes": {"objectType": "CustomerLicensesUsageInsights"},
    }
    partner_before = get(client, "/v1/analytics/licenses/deployment", user)["items"]
    # Assigning a Microsoft 365 E5 license to a user deploys one seat, in use while the user is active.
    assigned = client.post(
        f"/v1/customers/{CONTOSO}/users/{CONTOSO_ADMIN}/licenseupdates",
        json={"LicensesToAssign": [{"SkuId": M365_E5_SKU}]},
        headers=user,
    )
    assert assigned.status_code == 201, assigned.text
    assert get(client, deployment, user) == contoso_deployment(1)
    exchange = get(client, f"/v1/customers/{CONTOSO}/analytics/licenses/usage", user)["items"][0]
    assert (exchange["licensesActive"], exchange["usagePercent"]) == (1, 4.0)
    partner_after = get(client, "/v1/analytics/licenses/deployment", user)["items"]
    o365_before = next(i for i in partner_before if i["serviceName"] == "o365")
    o365_after = next(i for i in partner_after if i["serviceName"] == "o365")
    assert o365_after["licensesSold"] == o365_before["licensesSold"]
    assert o365_after["proratedDeploymentPercent"] == round(1 / o365_after["licensesSold"] * 100, 2)


def test_partner_license_analytics(client: TestClient, user: dict[str, str]) -> None:
    deployment = get(client, "/v1/analytics/licenses/deployment", user)
    assert deployment == {
        "totalCount": 2,
        "items": [
            {
                "proratedDeploymentPercent": 0.0,
                # Dynamics CRM Online Professional: 5 seats in each of its six customers
                "licensesSold": 30,
                "processedDateTime": MODIFIED,
                "serviceName": "crm",
                "channel": "reseller",
                "attributes": {"objectType": "PartnerLicensesDeploymentInsights"},
            },
            {
                "proratedDeploymentPercent": 0.0,
                "licensesSold": 764,  # includes the three running Business Premium trials (25 seats each)
                "processedDateTime": MODIFIED,
                "serviceName": "o365",
                "channel": "reseller",
                "attributes": {"objectType": "PartnerLicensesDeploymentInsights"},
            },
        ],
        "attributes": {"objectType": "Collection"},
    }
    # Seats sold: the active license-based subscriptions' quantities, across customers.
    customers = get(client, "/v1/customers?size=40", user)["items"]
    sold = 0
    for customer in customers:
        items = get(client, f"/v1/customers/{customer['id']}/analytics/licenses/deployment", user)["items"]
        sold += sum(i["licensesSold"] for i in items if i["serviceName"] == "o365")
    assert sold == 764
    usage = get(client, "/v1/analytics/licenses/usage", user)
    assert [(i["serviceName"], i["workloadName"]) for i in usage["items"]] == [
        ("crm", "Microsoft Dynamics CRM"),
        ("o365", "Exchange"),
        ("o365", "SharePoint"),
        ("o365", "Skype For Business"),
    ]
    assert usage["items"][0] == {
        "proratedLicensesUsagePercent": 0.0,
        "workloadName": "Microsoft Dynamics CRM",
        "processedDateTime": MODIFIED,
        "serviceName": "crm",
        "channel": "reseller",
        "attributes": {"objectType": "PartnerLicensesUsageInsights"},
    }


def test_license_analytics_of_an_unknown_customer(client: TestClient, user: dict[str, str]) -> None:
    for kind in ("deployment", "usage"):
        refused = client.get(f"/v1/customers/{UNKNOWN}/analytics/licenses/{kind}", headers=user)
        assert (refused.status_code, refused.json()["code"]) == (404, 60003)


# --- the SDK (partnercenterservices 0.1.2) -------------------------------------------------------------------------


def test_sdk_reads_the_usage_resources(sdk: MicrosoftPartnerStoreApis) -> None:
    partner = sdk.getvversionusagesummary(V)
    assert (partner.customers_with_usage_based_subscription, partner.currency_locale) == (14, "en-US")
    assert partner.billing_start_date == datetime(2026, 11, 1, tzinfo=UTC)
    records = sdk.getvversioncustomersusagerecords(V)
    assert records.total_count == 14 and records.items[0].budget.amount == 100
    assert records.items[0].resource_name == "Fabrikam Inc"
    customers = sdk.getvversioncustomerscustomer
    summary = customers.idusagesummary(FABRIKAM, V)
    assert (summary.total_cost, summary.budget.amount) == (30.787731, 100)
    assert summary.last_modified_date == datetime(2026, 11, 15, tzinfo=UTC)
    subscriptions = customers.idsubscriptionsusagerecords(FABRIKAM, V)
    assert [s.offer_id for s in subscriptions.items] == ["MS-AZR-0145P"]
    one = customers.idusagesummary1(FABRIKAM, FABRIKAM_AZURE, V)
    assert (one.name, one.total_cost) == ("Microsoft Azure", 30.787731)
    daily = customers.idusagerecordsdaily(FABRIKAM, FABRIKAM_AZURE, V)
    assert len(daily.items) == 14 and daily.items[0].date_used == datetime(2026, 11, 1, tzinfo=UTC)
    resources = customers.idusagerecordsresources(FABRIKAM, FABRIKAM_AZURE, V)
    assert (resources.items[0].name, resources.items[0].quantity_used) == ("S1", 336.0)
    utilization = customers.value10(
        FABRIKAM,
        FABRIKAM_AZURE,
        V,
        start_time=datetime(2026, 11, 1, tzinfo=UTC),
        end_time=datetime(2026, 11, 2, tzinfo=UTC),
    )
    assert (utilization.items[0].resource.name, utilization.items[0].quantity) == ("S1", 24.0)
    assert utilization.items[0].instance_data.location == "westus"
    budget = customers.idusagebudget(FABRIKAM, V)
    assert (budget.amount, budget.usage_spending_budget) == (100, 100)


def test_sdk_updates_the_budget(sdk: MicrosoftPartnerStoreApis) -> None:
    changed = sdk.patchvversioncustomerscustomer.idusagebudget(TAILSPIN, V, amount=42.5)
    assert (changed.amount, changed.usage_spending_budget) == (42.5, 42.5)
    assert sdk.getvversioncustomerscustomer.idusagebudget(TAILSPIN, V).amount == 42.5


def test_sdk_reads_rate_cards_and_analytics(sdk: MicrosoftPartnerStoreApis) -> None:
    card = sdk.getvversionratecardsazurecurrencycurrency.value(V, currency="EUR", region="FR")
    assert (card.currency, card.meters[0].name, card.meters[0].rates) == (
        "EUR",
        "Unlimited Data - 1 Gbps",
        {"0": 6803.4},
    )
    assert card.offer_terms[0].discount == 0.15
    shared = sdk.getvversionratecardsazure_sharedcurrencycurrency.value(V)
    assert (shared.currency, len(shared.meters)) == ("USD", 8)
    # The SDK types the partner-level answers as single objects: msrest reads the collection into empty ones.
    assert sdk.getvversionanalyticslicensesdeployment(V, raw=True).response.json()["totalCount"] == 2
    assert sdk.getvversionanalyticslicensesusage(V, raw=True).response.json()["totalCount"] == 4
    deployment = sdk.getvversioncustomerscustomer.idanalyticslicensesdeployment(CONTOSO, V, raw=True)
    assert deployment.response.json()["items"][0]["productName"] == "MICROSOFT 365 E5"
    usage = sdk.getvversioncustomerscustomer.idanalyticslicensesusage(CONTOSO, V, raw=True)
    assert usage.response.json()["items"][0]["workloadName"] == "Exchange"


# --- the world -----------------------------------------------------------------------------------------------------


def test_budgets_file_is_optional_and_checked(tmp_path: Path) -> None:
    target = tmp_path / "world"
    shutil.copytree(default_world_dir(), target)
    assert load_world(target).usage_budgets.get(FABRIKAM) == {"id": FABRIKAM, "amount": 100}
    (target / "usage-budgets.json").unlink()  # a world written before budgets existed
    assert len(load_world(target).usage_budgets) == 0
    (target / "usage-budgets.json").write_text(json.dumps({"budgets": [{"id": UNKNOWN, "amount": 5}]}))
    with pytest.raises(
        WorldError, match=re.escape(f"usage-budgets.json: budgets[0].id: no customer with id {UNKNOWN}")
    ):
        load_world(target)
    (target / "usage-budgets.json").write_text(json.dumps({"budgets": [{"id": FABRIKAM, "amount": -5}]}))
    with pytest.raises(WorldError, match=re.escape("usage-budgets.json: budgets[0].amount")):
        load_world(target)


def test_the_generator_writes_azure_plans_and_budgets(tmp_path: Path) -> None:
    from emulator.generate import write_world

    counts = write_world(tmp_path, 12, form="json")
    assert counts["usage-budgets.json"] == 2
    world = load_world(tmp_path)
    plans = [s for s in world.subscriptions if s["offerId"] == "DZH318Z0BPS6:0001:DZH318Z0BML6"]
    assert [s["_customerId"] for s in plans] == [TAILSPIN, "c972b348-26d6-5bb2-98df-bdd4ad6330cc"]  # and Coho Winery
    orders = {o["id"]: o for o in world.orders}
    assert orders[plans[0]["orderId"]]["lineItems"][0]["offerId"] == "DZH318Z0BPS6:0001:DZH318Z0BML6"
    # A world file holds the same: the budgets in it too.
    counts = write_world(tmp_path / "file", 12)
    assert counts["usageBudgets"] == 2
    world = load_world(tmp_path / "file")
    assert [s["_customerId"] for s in world.subscriptions if s["offerId"] == plans[0]["offerId"]] == [
        s["_customerId"] for s in plans
    ]
    assert world.usage_budgets.get(TAILSPIN) is not None


def test_the_azure_plan_is_in_the_catalogue(client: TestClient, user: dict[str, str]) -> None:
    """get-a-list-of-products-by-customer.md (targetView MicrosoftAzure) and
    get-a-list-of-skus-for-a-product-by-customer.md's Azure plan."""
    listed = get(client, "/v1/products?country=US&targetView=MicrosoftAzure", user)
    assert [p["id"] for p in listed["items"]] == ["DZH318Z0BPS6"]
    assert listed["items"][0]["productType"] == {
        "id": "Azure",
        "displayName": "Azure",
        "subType": {"id": "Azure", "displayName": "Azure"},
    }
    sku = get(client, "/v1/products/DZH318Z0BPS6/skus/0001?country=US", user)
    assert {k: sku[k] for k in ("title", "description", "minimumQuantity", "maximumQuantity", "isTrial")} == {
        "title": "Microsoft Azure plan",
        "description": "Microsoft Azure plan (MS-AZR-0017G)",
        "minimumQuantity": 1,
        "maximumQuantity": 1,
        "isTrial": False,
    }
    assert (sku["supportedBillingCycles"], sku["purchasePrerequisites"]) == (
        ["one_time"],
        ["MicrosoftCustomerAgreement"],
    )
    plan = get(client, f"/v1/customers/{TAILSPIN}/subscriptions/{TAILSPIN_PLAN}", user)
    assert plan["links"]["availability"] == link(
        "/products/DZH318Z0BPS6/skus/0001/availabilities/DZH318Z0BML6?country=GB"
    )
    assert (plan["billingType"], plan["offerName"]) == ("usage", "Microsoft Azure plan")
