"""Invoice line items: an invoice's (Office, Azure, OneTime) and the unbilled ones, against literal documents, and
against the usage they bill (issue 15).

The clock is fixed at 2026-11-15T12:00:00Z. Shapes: get-invoiceline-items.md, get-invoice-billed-consumption-
lineitems.md, get-invoice-unbilled-recon-lineitems.md and get-invoice-unbilled-consumption-lineitems.md.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from starlette.testclient import TestClient

from emulator.clock import Clock
from emulator.partner.models.lineitems import rounddown
from emulator.ratecard import BY_ID
from emulator.state import EmulatorState
from tests.helpers import NW, app_token, bearer, user_token

FIXED = datetime(2026, 11, 15, 12, 0, 0, tzinfo=UTC).timestamp()
FABRIKAM = "c13d2ea4-5bee-53d5-988a-6b3a6a13df75"
FABRIKAM_AZURE = "166CCA8E-FD89-5BAA-A2D8-C708589BF976"
TAILSPIN = "ef0b8fc9-03a9-5660-a812-afdcb0ec6c6f"
TAILSPIN_PLAN = "38c4f1b0-c847-5e28-bc73-10d8e03d1ea1"
LAMNA = "863b3bca-1b67-55df-8d6c-3f7f6df0c928"
LAMNA_PLAN = "005f9f35-39e4-5743-8533-ef295542a684"
MCA_TEMPLATE = "117a77b0-9360-443b-8795-c6dedc750cf9"
BASIC = "CFQ7TTC0LH18:0001:CFQ7TTC0K971"  # Microsoft 365 Business Basic, 6.00 USD a month on a P1Y term


def error(code: int, description: str) -> dict[str, Any]:
    return {"code": code, "description": description, "data": [], "source": "PartnerFD"}


def link(uri: str, token: str | None = None) -> dict[str, Any]:
    return {"uri": uri, "method": "GET", "headers": [{"key": "MS-ContinuationToken", "value": token}] if token else []}


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Clock, "now", lambda self: FIXED + self.offset)


@pytest.fixture
def user(state: EmulatorState) -> dict[str, str]:
    return bearer(user_token(state, NW.ADMIN, ["pwd", "mfa"]))


@pytest.fixture
def app(state: EmulatorState) -> dict[str, str]:
    return bearer(app_token(state))


def get(client: TestClient, path: str, headers: dict[str, str]) -> Any:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def everything(client: TestClient, path: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    """Every item, following links.next (with its headers) page after page."""
    page = get(client, path, headers)
    items = list(page["items"])
    while "next" in page.get("links", {}):
        follow = page["links"]["next"]
        page = get(client, f"/v1{follow['uri']}", {**headers, **{h["key"]: h["value"] for h in follow["headers"]}})
        items += page["items"]
    return items


# --- recurring invoices: Office and Microsoft Azure (MS-AZR-0145P) ------------------------------------------------

FABRIKAM_CYCLE_FEE = {
    "partnerId": NW.TENANT_ID,
    "customerId": FABRIKAM,
    "customerName": "Fabrikam Inc",
    "mpnId": 4812345,
    "tier2MpnId": -1,
    "orderId": "24bf5f97-0622-5d75-a2ad-58e47fda1922",
    "subscriptionId": "bbst9dwHFIQ4fNin",  # the billing platform's id; Partner Center's is the next field
    "syndicationPartnerSubscriptionNumber": "4788E20A-B38D-5A45-9312-001442304095",
    "offerId": "031C9E47-4802-4248-838E-778FB1D2CC05",
    "durableOfferId": "031C9E47-4802-4248-838E-778FB1D2CC05",
    "offerName": "Office 365 Business Premium",
    "domainName": "fabrikaminc.onmicrosoft.com",
    "billingCycleType": "MONTHLY",
    "subscriptionName": "Office 365 Business Premium",
    "subscriptionDescription": "Office 365 Business Premium",
    "subscriptionStartDate": "2026-01-06T00:00:00",
    "subscriptionEndDate": "2027-01-06T00:00:00",
    "chargeStartDate": "2026-01-06T00:00:00",
    "chargeEndDate": "2026-02-05T00:00:00",
    "chargeType": "Cycle fee",
    "unitPrice": 12.5,
    "quantity": 12,
    "amount": 150.0,
    "totalOtherDiscount": 0.0,
    "subtotal": 150.0,
    "tax": 0.0,
    "totalForCustomer": 150.0,
    "currency": "USD",
    "invoiceLineItemType": "billing_line_items",
    "billingProvider": "office",
    "attributes": {"objectType": "LicenseBasedLineItem"},
}


def test_office_line_items_page_by_offset(client: TestClient, app: dict[str, str]) -> None:
    path = "/v1/invoices/D000030002/lineitems?provider=Office&invoicelineitemtype=BillingLineItems&size=1&offset=0"
    assert get(client, path, app) == {
        "totalCount": 1,
        "items": [FABRIKAM_CYCLE_FEE],
        "links": {
            "self": link(path.removeprefix("/v1")),
            "next": link(
                "/invoices/D000030002/lineitems?provider=Office&invoicelineitemtype=BillingLineItems&size=1&offset=1"
            ),
        },
        "attributes": {"objectType": "Collection"},
    }
    paged = everything(
        client, "/v1/invoices/D000030002/lineitems?provider=office&invoicelineitemtype=billinglineitems&size=5", app
    )
    whole = get(client, "/v1/invoices/D000030002/lineitems?provider=office&invoicelineitemtype=billinglineitems", app)
    assert paged == whole["items"] and "next" not in whole["links"]
    for item in paged:  # a cycle that began after the January invoice, up to this one
        assert "2026-01-05T00:00:00" < item["chargeStartDate"] <= "2026-02-04T00:00:00"
        assert item["amount"] == pytest.approx(item["unitPrice"] * item["quantity"])


def test_the_invoices_links_lead_to_their_line_items(client: TestClient, user: dict[str, str]) -> None:
    """An invoice's invoiceDetails link to /invoices/{type}-{id}/lineitems/{provider}/{type}: each answers."""
    kinds = {
        ("billing_line_items", "office"): "LicenseBasedLineItem",
        ("billing_line_items", "azure"): "UsageBasedLineItem",
        ("usage_line_items", "azure"): "DailyUsageLineItem",
        ("billing_line_items", "one_time"): "OneTimeInvoiceLineItem",
    }
    for invoice_id in ("D000030004", "G000024132"):
        invoice = get(client, f"/v1/invoices/{invoice_id}", user)
        for detail in invoice["invoiceDetails"]:
            items = get(client, "/v1" + detail["links"]["self"]["uri"], user)["items"]
            expected = kinds[(detail["invoiceLineItemType"], detail["billingProvider"])]
            assert items and {i["attributes"]["objectType"] for i in items} == {expected}
            assert {i["billingProvider"] for i in items} == {detail["billingProvider"]}


def test_each_license_cycle_is_billed_once(client: TestClient, app: dict[str, str]) -> None:
    billed: list[tuple[str, str]] = []
    for invoice in ("D000030001", "D000030002", "D000030004", "D000030005", "D000030007", "D000030008"):
        path = f"/v1/invoices/{invoice}/lineitems?provider=office&invoicelineitemtype=billinglineitems"
        billed += [
            (i["syndicationPartnerSubscriptionNumber"], i["chargeStartDate"]) for i in everything(client, path, app)
        ]
    assert len(billed) == len(set(billed))
    # Only active and suspended license-based subscriptions are billed: not the deleted trial, not the pending.
    subscriptions = {s for s, _ in billed}
    assert "CFE36056-3B36-5ABF-AE77-EC3E28F95BA9" not in subscriptions  # Adventure Works' deleted trial
    assert "C301D754-3A99-59ED-AED4-F3FC97B3C6F2" not in subscriptions  # Wingtip Toys' pending Exchange
    assert "548E8BD1-EDC1-5542-99B3-D22CD1251AA1" in subscriptions  # Tailspin Toys' suspended Office 365 E3


def test_azure_line_items_add_up(client: TestClient, app: dict[str, str], user: dict[str, str]) -> None:
    base = "/v1/invoices/D000030004/lineitems"
    billing = get(client, f"{base}/Azure/BillingLineItems?size=1", app)  # the path form the invoice links to
    assert billing["items"][0] == {
        "detailLineItemId": 1,
        "sku": "7UD-00001",
        "includedQuantity": 0.0,
        "overageQuantity": 1440.0,  # an always-on S1 plan for the sixty days since the previous invoice
        "listPrice": 0.085,
        "currency": "USD",
        "pretaxCharges": 122.4,
        "taxAmount": 0.0,
        "postTaxTotal": 122.4,
        "pretaxEffectiveRate": 0.085,
        "postTaxEffectiveRate": 0.085,
        "chargeType": "Assess usage fee for current cycle",
        "invoiceLineItemType": "billing_line_items",
        "partnerId": NW.TENANT_ID,
        "partnerName": "Northwind Cloud Partners",
        "partnerBillableAccountId": "8716558992",
        "customerId": FABRIKAM,
        "domainName": "fabrikaminc.onmicrosoft.com",
        "customerCompanyName": "Fabrikam Inc",
        "mpnId": 4812345,
        "tier2MpnId": -1,
        "invoiceNumber": "D000030004",
        "subscriptionId": FABRIKAM_AZURE,
        "subscriptionName": "Microsoft Azure",
        "subscriptionDescription": "Microsoft Azure",
        "billingCycleType": "Monthly",
        "orderId": "24bf5f97-0622-5d75-a2ad-58e47fda1922",
        "serviceName": "Azure App Service",
        "serviceType": "Standard Plan",
        "resourceGuid": "505db374-df8a-44df-9d8c-13c14b61dee1",
        "resourceName": "S1",
        "region": "",
        "consumedQuantity": 1440.0,
        "chargeStartDate": "2026-02-04T00:00:00",
        "chargeEndDate": "2026-04-04T00:00:00",
        "unit": "1 Hour",
        "billingProvider": "azure",
        "attributes": {"objectType": "UsageBasedLineItem"},
    }
    assert billing["links"]["next"] == link("/invoices/D000030004/lineitems/Azure/BillingLineItems?size=1&offset=1")
    lines = everything(client, f"{base}?provider=azure&invoicelineitemtype=billinglineitems", app)
    daily = everything(client, f"{base}?provider=azure&invoicelineitemtype=usagelineitems&size=500", app)
    assert daily[0] == {
        "customerBillableAccount": "6313134259",
        "usageDate": "2026-02-04T00:00:00",
        "invoiceLineItemType": "usage_line_items",
        "partnerId": NW.TENANT_ID,
        "partnerName": "Northwind Cloud Partners",
        "partnerBillableAccountId": "8716558992",
        "customerId": FABRIKAM,
        "domainName": "fabrikaminc.onmicrosoft.com",
        "customerCompanyName": "Fabrikam Inc",
        "mpnId": 4812345,
        "tier2MpnId": -1,
        "invoiceNumber": "D000030004",
        "subscriptionId": FABRIKAM_AZURE,
        "subscriptionName": "Microsoft Azure",
        "subscriptionDescription": "Microsoft Azure",
        "billingCycleType": "Monthly",
        "orderId": "24bf5f97-0622-5d75-a2ad-58e47fda1922",
        "serviceName": "Azure App Service",
        "serviceType": "Standard Plan",
        "resourceGuid": "505db374-df8a-44df-9d8c-13c14b61dee1",
        "resourceName": "S1",
        "region": "",
        "consumedQuantity": 24.0,
        "chargeStartDate": "2026-02-04T00:00:00",
        "chargeEndDate": "2026-04-04T00:00:00",
        "unit": "1 Hour",
        "billingProvider": "azure",
        "attributes": {"objectType": "DailyUsageLineItem"},
    }
    for line in lines:  # a meter's billing line is the sum of its daily lines, priced at the rate card
        days = [
            d
            for d in daily
            if (d["subscriptionId"], d["resourceGuid"]) == (line["subscriptionId"], line["resourceGuid"])
        ]
        # One line a day from the subscription's start (or the previous invoice's date) to the day before this one.
        subscription = get(client, f"/v1/customers/{line['customerId']}/subscriptions/{line['subscriptionId']}", user)
        first = max(date(2026, 2, 4), date.fromisoformat(subscription["effectiveStartDate"][:10]))
        assert len(days) == (date(2026, 4, 4) - first).days + 1
        assert days[0]["usageDate"] == f"{first.isoformat()}T00:00:00"
        assert sum(d["consumedQuantity"] for d in days) == pytest.approx(line["consumedQuantity"], abs=1e-5)
        assert line["listPrice"] == BY_ID[line["resourceGuid"]].rate
        assert line["pretaxCharges"] == round(line["consumedQuantity"] * line["listPrice"], 2)
    # The same usage the utilization API reports for those days.
    utilization = get(
        client,
        f"/v1/customers/{FABRIKAM}/subscriptions/{FABRIKAM_AZURE}/utilizations/azure"
        "?start_time=2026-02-04T00:00:00Z&end_time=2026-04-05T00:00:00Z",
        user,
    )["items"]
    s1 = next(line for line in lines if line["subscriptionId"] == FABRIKAM_AZURE and line["resourceName"] == "S1")
    assert sum(u["quantity"] for u in utilization if u["resource"]["name"] == "S1") == s1["consumedQuantity"]


# --- one-time invoices: New Commerce (the Azure plans) ------------------------------------------------------------

LAMNA_DISK_OPERATIONS = {
    "partnerId": NW.TENANT_ID,
    "customerId": LAMNA,
    "customerName": "Lamna Healthcare",
    "customerDomainName": "lamnahealthcare.onmicrosoft.com",
    "customerCountry": "US",
    "invoiceNumber": "G000024132",
    "mpnId": "4812345",
    "resellerMpnId": 0,
    "orderId": "f5be082dfa54",
    "orderDate": "2026-01-20T14:14:00.00Z",
    "productId": "DZH318Z0BPS6",
    "skuId": "0001",
    "availabilityId": "DZH318Z0BML6",
    "productName": "Storage",
    "skuName": "Disk Delete Operations",
    "productQualifiers": [],
    "chargeType": "new",
    "unitPrice": 0.0005,
    "effectiveUnitPrice": 0.0005,
    "unitType": "10K",
    "quantity": 1,
    "subtotal": 0.03,
    "taxTotal": 0.0,
    "totalForCustomer": 0.03,
    "currency": "USD",
    "publisherName": "Microsoft Corporation",
    "publisherId": "",
    "subscriptionDescription": "Azure plan",
    "subscriptionId": LAMNA_PLAN,
    "subscriptionStartDate": "2026-01-20T00:00:00Z",
    "subscriptionEndDate": "9999-12-14T00:00:00Z",
    "chargeStartDate": "2026-02-01T00:00:00Z",
    "chargeEndDate": "2026-02-28T00:00:00Z",
    "termAndBillingCycle": "",
    "alternateId": "f5be082dfa54",
    "referenceId": "",
    "priceAdjustmentDescription": "",
    "discountDetails": "",
    "pricingCurrency": "USD",
    "pcToBCExchangeRate": 1.0,
    "pcToBCExchangeRateDate": "2026-02-01T00:00:00",
    "billableQuantity": 72.916215,
    "meterDescription": "Storage - Disk Delete Operations",
    "billingFrequency": "",
    "reservationOrderId": "",
    "invoiceLineItemType": "billing_line_items",
    "billingProvider": "one_time",
    "promotionId": "",
    "attributes": {"objectType": "OneTimeInvoiceLineItem"},
}


def test_one_time_billing_line_items_by_seek(client: TestClient, app: dict[str, str]) -> None:
    first = get(
        client, "/v1/invoices/G000024132/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&size=1", app
    )
    token = first["continuationToken"]
    assert first == {
        "totalCount": 1,
        "items": [LAMNA_DISK_OPERATIONS],
        "links": {
            "self": link("/invoices/G000024132/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&size=1"),
            "next": link(
                "/invoices/G000024132/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&size=1"
                "&seekOperation=Next",
                token,
            ),
        },
        "continuationToken": token,
        "attributes": {"objectType": "Collection"},
    }
    # February's usage of the two Azure plans billed in USD (Lamna Healthcare, City Power & Light), a line a meter.
    items = everything(client, "/v1/invoices/G000024132/lineitems/OneTime/BillingLineItems?size=2", app)
    assert len(items) == 6 and {i["customerCountry"] for i in items} == {"US"}
    for item in items:  # modern-invoice-reconciliation-file's usage-based subtotal
        expected = rounddown(
            rounddown(item["effectiveUnitPrice"] * item["billableQuantity"]) * item["pcToBCExchangeRate"]
        )
        assert item["subtotal"] == expected == item["totalForCustomer"]


def test_billed_consumption_adds_up_to_the_billing_lines(client: TestClient, app: dict[str, str]) -> None:
    path = "/v1/invoices/G000024132/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode=usd"
    daily = everything(client, f"{path}&size=100", app)
    assert len(daily) == 2 * 28 * 3  # both plans all February, three resources each
    billing = everything(
        client, "/v1/invoices/G000024132/lineitems?provider=onetime&invoicelineitemtype=billinglineitems", app
    )
    for line in billing:
        days = [d for d in daily if (d["subscriptionId"], d["skuName"]) == (line["subscriptionId"], line["skuName"])]
        assert sum(d["quantity"] for d in days) == pytest.approx(line["billableQuantity"], abs=1e-5)
        assert {d["invoiceNumber"] for d in days} == {"G000024132"}
    # Another currency than the invoice's: none of its lines.
    assert get(client, path.replace("usd", "eur"), app)["items"] == []
    # No partner earned credit is applied in the emulator.
    assert get(client, f"{path}&hasPartnerEarnedCredit=true", app)["items"] == []


# --- unbilled (get-invoice-unbilled-recon-lineitems.md, get-invoice-unbilled-consumption-lineitems.md) --------------

TAILSPIN_LRS = {
    "partnerId": NW.TENANT_ID,
    "partnerName": "Northwind Cloud Partners",
    "customerId": TAILSPIN,
    "customerName": "Tailspin Toys",
    "customerDomainName": "tailspintoys.onmicrosoft.com",
    "invoiceNumber": "",
    "productId": "DZH318Z0BPS6",
    "skuId": "0001",
    "availabilityId": "DZH318Z0BML6",
    "skuName": "LRS Data Stored",
    "productName": "Storage",
    "publisherName": "Microsoft Corporation",
    "publisherId": "",
    "subscriptionId": TAILSPIN_PLAN,
    "subscriptionDescription": "Azure plan",
    "chargeStartDate": "2026-10-01T00:00:00Z",
    "chargeEndDate": "2026-11-01T00:00:00Z",
    "usageDate": "2026-10-01T00:00:00Z",
    "meterType": "1 GB/Month",
    "meterCategory": "Storage",
    "meterId": "d23a5753-ff85-4ddf-af28-8cc5cf2d3882",
    "meterSubCategory": "Standard Page Blob",
    "meterName": "LRS Data Stored",
    "meterRegion": "",
    "unitOfMeasure": "1 GB/Month",
    "resourceLocation": "WESTUS",
    "consumedService": "Microsoft.Storage",
    "resourceGroup": "rg-38c4f1b0",
    "resourceUri": "/subscriptions/546d801d-a53d-5603-b7c6-a36843053b59/resourceGroups/rg-38c4f1b0/providers/Microsoft.Storage/storageAccounts/storageaccountc8471",
    "tags": "",
    "additionalInfo": "",
    "serviceInfo1": "",
    "serviceInfo2": "",
    "customerCountry": "GB",
    "mpnId": "4812345",
    "resellerMpnId": "",
    "chargeType": "new",
    "unitPrice": 0.0383,
    "quantity": 5.099159,
    "unitType": "1 GB/Month",
    "billingPreTaxTotal": 0.15428525,
    "billingCurrency": "GBP",
    "pricingPreTaxTotal": 0.19529779,
    "pricingCurrency": "USD",
    "entitlementId": "546d801d-a53d-5603-b7c6-a36843053b59",
    "entitlementDescription": "Partner Subscription",
    "pcToBCExchangeRate": 0.79,
    "pcToBCExchangeRateDate": "2026-10-01T00:00:00Z",
    "effectiveUnitPrice": 0.0383,
    "rateOfPartnerEarnedCredit": 0.0,
    "rateOfCredit": 0.0,
    "creditType": "Credit Not Applied",
    "invoiceLineItemType": "usage_line_items",
    "billingProvider": "one_time",
    "benefitOrderId": "",
    "benefitId": "",
    "benefitType": "Charge",
    "attributes": {"objectType": "DailyRatedUsageLineItem"},
}


def test_unbilled_consumption(client: TestClient, app: dict[str, str], user: dict[str, str]) -> None:
    path = "/v1/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode=gbp"
    previous = get(client, f"{path}&period=previous&size=1", app)
    token = previous["continuationToken"]
    assert previous == {
        "totalCount": 1,
        "items": [TAILSPIN_LRS],
        "links": {
            "self": link(f"{path.removeprefix('/v1')}&period=previous&size=1"),
            "next": link(f"{path.removeprefix('/v1')}&period=previous&size=1&seekOperation=Next", token),
        },
        "continuationToken": token,
        "attributes": {"objectType": "Collection"},
    }
    assert TAILSPIN_LRS["pricingPreTaxTotal"] == pytest.approx(5.099159 * 0.0383, abs=1e-8)
    # This month's rated usage is the Azure plan's usage summary, day by day.
    current = everything(client, f"{path}&period=Current&size=7", app)
    tailspin = [c for c in current if c["subscriptionId"] == TAILSPIN_PLAN]
    assert len(tailspin) == 14 * 3
    summary = get(client, f"/v1/customers/{TAILSPIN}/subscriptions/{TAILSPIN_PLAN}/usagesummary", user)
    assert sum(c["pricingPreTaxTotal"] for c in tailspin) == pytest.approx(summary["usdTotalCost"], abs=1e-5)
    assert sum(c["billingPreTaxTotal"] for c in tailspin) == pytest.approx(summary["totalCost"], abs=1e-5)
    assert {c["billingCurrency"] for c in current} == {"GBP"}  # Tailspin Toys and Graphic Design Institute
    # The unbilled billing lines are those days summed by meter.
    billing = everything(client, path.replace("usagelineitems", "billinglineitems") + "&period=current", app)
    for line in [b for b in billing if b["subscriptionId"] == TAILSPIN_PLAN]:
        days = [c for c in tailspin if c["meterName"] == line["skuName"]]
        assert sum(d["quantity"] for d in days) == pytest.approx(line["billableQuantity"], abs=1e-5)
        assert (line["invoiceNumber"], line["chargeStartDate"], line["currency"]) == ("", "2026-11-01T00:00:00Z", "GBP")


def test_a_new_commerce_purchase_is_unbilled_until_invoiced(client: TestClient, user: dict[str, str]) -> None:
    path = "/v1/invoices/unbilled/lineitems?provider=OneTime&invoiceLineItemType=BillingLineItems&currencyCode=USD"
    before = everything(client, f"{path}&period=current", user)
    agreement = {
        "primaryContact": {"firstName": "Adele", "lastName": "Vance", "email": "adele@fabrikam.example"},
        "templateId": MCA_TEMPLATE,
        "dateAgreed": "2026-11-14T00:00:00.000Z",
        "type": "MicrosoftCustomerAgreement",
    }
    assert client.post(f"/v1/customers/{FABRIKAM}/agreements", json=agreement, headers=user).status_code == 201
    line = {"id": 0, "catalogItemId": BASIC, "quantity": 5, "billingCycle": "monthly", "termDuration": "P1Y"}
    body = {"lineItems": [line], "PartnerOnRecordAttestationAccepted": True}
    cart = client.post(f"/v1/customers/{FABRIKAM}/carts", json=body, headers=user)
    assert cart.status_code == 201, cart.text
    checkout = client.post(f"/v1/customers/{FABRIKAM}/carts/{cart.json()['id']}/checkout", headers=user)
    assert checkout.status_code == 201, checkout.text
    subscription = checkout.json()["orders"][0]["lineItems"][0]["subscriptionId"]
    after = everything(client, f"{path}&period=current", user)
    assert len(after) == len(before) + 1
    new = next(i for i in after if i["subscriptionId"] == subscription)
    assert {
        k: new[k]
        for k in (
            "customerId",
            "invoiceNumber",
            "productId",
            "skuId",
            "availabilityId",
            "productName",
            "skuName",
            "chargeType",
            "unitPrice",
            "quantity",
            "billableQuantity",
            "subtotal",
            "currency",
            "chargeStartDate",
            "chargeEndDate",
            "termAndBillingCycle",
            "billingFrequency",
            "pcToBCExchangeRate",
            "productQualifiers",
        )
    } == {
        "customerId": FABRIKAM,
        "invoiceNumber": "",
        "productId": "CFQ7TTC0LH18",
        "skuId": "0001",
        "availabilityId": "CFQ7TTC0K971",
        "productName": "Microsoft 365 Business Basic",
        "skuName": "Microsoft 365 Business Basic",
        "chargeType": "new",
        "unitPrice": 6.0,
        "quantity": 5,
        "billableQuantity": 5.0,
        "subtotal": 30.0,  # the file's license-based formula: ROUNDDOWN(6.00 * 1, 2) * 5
        "currency": "USD",
        "chargeStartDate": "2026-11-15T00:00:00Z",
        "chargeEndDate": "2026-12-14T00:00:00Z",
        "termAndBillingCycle": "One-Year commitment for monthly/yearly billing",
        "billingFrequency": "Monthly",
        "pcToBCExchangeRate": 1.0,
        "productQualifiers": [],
    }
    # Not last month's, and not in another currency.
    previous = everything(client, f"{path}&period=previous", user)
    assert subscription not in {i["subscriptionId"] for i in previous}
    euro = everything(client, path.replace("USD", "EUR") + "&period=current", user)
    assert subscription not in {i["subscriptionId"] for i in euro}


# --- bad input ----------------------------------------------------------------------------------------------------

LINES = "/v1/invoices/D000030002/lineitems"
UNBILLED = "/v1/invoices/unbilled/lineitems"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (f"{LINES}?invoicelineitemtype=billinglineitems", "'provider' is required: office, azure or onetime."),
        (f"{LINES}?provider=office", "'invoicelineitemtype' is required: billinglineitems or usagelineitems."),
        (
            f"{LINES}?provider=xbox&invoicelineitemtype=billinglineitems",
            "'provider' must be office, azure or onetime, got 'xbox'.",
        ),
        (
            f"{LINES}?provider=azure&invoicelineitemtype=lines",
            "'invoicelineitemtype' must be billinglineitems or usagelineitems, got 'lines'.",
        ),
        (f"{LINES}/Office/UsageLineItems", "the office provider has billing line items only."),
        (
            f"{LINES}?provider=onetime&invoicelineitemtype=billinglineitems",
            "invoice D000030002 has no one_time billing_line_items line items; its invoiceDetails name the billing "
            "providers and line item types it has.",
        ),
        (
            "/v1/invoices/G000024132/lineitems/Office/BillingLineItems",
            "invoice G000024132 has no office billing_line_items line items; its invoiceDetails name the billing "
            "providers and line item types it has.",
        ),
        (
            "/v1/invoices/G000024132/lineitems?provider=onetime&invoicelineitemtype=usagelineitems",
            "'currencycode' is required: the three-letter currency of the line items, such as USD.",
        ),
        (
            "/v1/invoices/G000024132/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode=dollars",
            "'currencycode' must be a three-letter currency code, got 'DOLLARS'.",
        ),
        (
            "/v1/invoices/G000024132/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode=usd"
            "&hasPartnerEarnedCredit=sometimes",
            "'hasPartnerEarnedCredit' must be true or false, got 'sometimes'.",
        ),
        (
            f"{LINES}?provider=office&invoicelineitemtype=billinglineitems&size=lots",
            "'size' must be an integer, got 'lots'.",
        ),
        (
            f"{LINES}?provider=office&invoicelineitemtype=billinglineitems&offset=-1",
            "'offset' must be at least 0, got -1.",
        ),
        (
            "/v1/invoices/G000024132/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&seekOperation=Next",
            "seekOperation=Next needs the MS-ContinuationToken header from the previous page.",
        ),
        (
            f"{UNBILLED}?provider=office&invoicelineitemtype=billinglineitems&currencycode=usd&period=current",
            "unbilled line items have the provider onetime only.",
        ),
        (
            f"{UNBILLED}?provider=onetime&invoicelineitemtype=billinglineitems&period=current",
            "'currencycode' is required: the three-letter currency of the line items, such as USD.",
        ),
        (
            f"{UNBILLED}?provider=onetime&invoicelineitemtype=billinglineitems&currencycode=xyz&period=current",
            "the currency 'XYZ' is not a billing currency; one of AUD, BRL, CAD, CHF, DKK, EUR, GBP, INR, JPY, NOK, "
            "NZD, SEK, USD.",
        ),
        (
            f"{UNBILLED}?provider=onetime&invoicelineitemtype=billinglineitems&currencycode=usd",
            "'period' is required: current or previous.",
        ),
        (
            f"{UNBILLED}?provider=onetime&invoicelineitemtype=billinglineitems&currencycode=usd&period=last",
            "'period' must be current or previous, got 'last'.",
        ),
        (f"{UNBILLED}?currencycode=usd&period=current", "'provider' is required: office, azure or onetime."),
    ],
)
def test_bad_input(client: TestClient, app: dict[str, str], path: str, message: str) -> None:
    refused = client.get(path, headers=app)
    assert (refused.status_code, refused.json()) == (400, error(800002, f"Invalid request input: {message}"))


def test_unknown_invoice_and_foreign_tokens(client: TestClient, app: dict[str, str]) -> None:
    missing = client.get(
        "/v1/invoices/D999999999/lineitems?provider=office&invoicelineitemtype=billinglineitems", headers=app
    )
    assert (missing.status_code, missing.json()) == (404, error(1000, "Not found: no invoice with id D999999999."))
    foreign = client.get(
        f"{UNBILLED}?provider=onetime&invoicelineitemtype=usagelineitems&currencycode=usd&period=current"
        "&seekOperation=Next",
        headers={**app, "MS-ContinuationToken": "d19617b8-fbe5-4684-a5d8-0230972fb0cf,0705c4a9"},
    )
    assert (foreign.status_code, foreign.json()["code"]) == (400, 800002)
