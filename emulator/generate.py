"""Deterministic worlds: the default world's customers and their subscriptions, orders, users and invoices, and
large worlds (`pcemu world --generate N`) for paging and performance work."""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec

from emulator.catalog import OFFERS, new_subscription
from emulator.companies import COMPANIES, CURRENCIES
from emulator.formats import creation_date, day_start

NAMESPACE = uuid.UUID("6f1c7d0e-2b1a-4e8f-9d3c-5a4b3c2d1e0f")
EPOCH = datetime(2026, 1, 5, tzinfo=UTC)


_NAMESPACE_BYTES = NAMESPACE.bytes


def gid(name: str) -> str:
    """uuid.uuid5(NAMESPACE, name), computed directly: the uuid module's object cost most of a large world."""
    digest = bytearray(
        hashlib.sha1(_NAMESPACE_BYTES + name.encode()).digest()[:16]
    )  # RFC 4122 version 5: SHA-1 by definition
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    x = digest.hex()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


def iso(moment: datetime) -> str:
    return creation_date(moment, digits=2)


def day(moment: datetime) -> str:
    return day_start(moment)


def _etag(slug: str) -> str:
    return str(-int(hashlib.sha256(slug.encode()).hexdigest()[:15], 16))


def _company(index: int) -> tuple[str, ...]:
    if index < len(COMPANIES):
        return COMPANIES[index]
    base = COMPANIES[index % len(COMPANIES)]
    number = index // len(COMPANIES)
    return (f"{base[0]} {number:05d}", f"{base[1]}{number:05d}", *base[2:])


def customer(index: int) -> dict[str, Any]:
    name, slug, country, city, state, line1, postal, first, last, phone, culture, language = _company(index)
    cid = gid("customer-" + slug)
    domain = f"{slug}.onmicrosoft.com"
    address: dict[str, str] = {"country": country}
    if state:
        address["region"] = state
    address |= {"city": city, "addressLine1": line1, "postalCode": postal, "phoneNumber": phone}
    billing_address: dict[str, str] = {"country": country, "city": city}
    if state:
        billing_address["state"] = state
    billing_address |= {
        "addressLine1": line1,
        "postalCode": postal,
        "firstName": first,
        "lastName": last,
        "phoneNumber": phone,
    }
    email = f"{first.lower()}.{last.lower()}@{slug}.com"
    return {
        "id": cid,
        "commerceId": gid("commerce-" + slug),
        "companyProfile": {
            "tenantId": cid,
            "domain": domain,
            "companyName": name,
            "address": address,
            "email": email,
        },
        "billingProfile": {
            "id": gid("billing-" + slug),
            "firstName": first,
            "lastName": last,
            "email": email,
            "culture": culture,
            "language": language,
            "companyName": name,
            "defaultAddress": billing_address,
            "etag": _etag(slug),
        },
        "relationshipToPartner": "reseller",
        "allowDelegatedAccess": index % 4 != 3,
        "customDomains": [domain] + ([f"{slug}.com"] if index % 2 == 0 else []),
    }


_OFFERS = {o["id"]: o for o in OFFERS}
# Each customer's purchases, chosen by index so that every subscription status appears in a small world.
_PLANS: list[list[tuple[str, int, str]]] = [
    [("8BDBB60B-E526-43E9-92EF-AB760C8E0B72", 25, "active"), ("1C410588-DA3B-4F88-B38F-707EB9DE46C0", 2, "active")],
    [("031C9E47-4802-4248-838E-778FB1D2CC05", 12, "active"), ("MS-AZR-0145P", 1, "active")],
    [("796B6B5F-613C-4E24-A17C-EBA730D49C02", 40, "suspended")],
    [("BD938F12-058F-4927-BBA3-AE36B1D2501C", 8, "active"), ("195416C1-3447-423A-B37B-EE59A99A19C4", 3, "pending")],
    [("C4D7E2B9-5A1F-4C3E-8B6D-2E9F0A7B3C14", 25, "deleted"), ("8BDBB60B-E526-43E9-92EF-AB760C8E0B72", 60, "active")],
    [("F1B2C3D4-5E6F-4A7B-8C9D-0E1F2A3B4C5D", 5, "active"), ("A28B9C7D-0F4E-4E2A-9C73-3D0D5A6C1B25", 2, "none")],
]


def purchases(index: int, cust: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(subscriptions, orders) of one customer: one order per plan, one subscription per line item."""
    plan = _PLANS[index % len(_PLANS)]
    cid = cust["id"]
    country = cust["companyProfile"]["address"]["country"]
    currency = CURRENCIES.get(country, ("USD", "$"))[0]
    created = EPOCH + timedelta(days=index % 300, hours=index % 24, minutes=index % 60)
    order_id = gid(f"order-{cid}")
    line_items: list[dict[str, Any]] = []
    subscriptions: list[dict[str, Any]] = []
    for number, (offer_id, quantity, status) in enumerate(plan):
        offer = _OFFERS[offer_id]
        sid = gid(f"subscription-{cid}-{number}").upper()
        cycle = offer["supportedBillingCycles"][-1]
        subscription = new_subscription(
            offer,
            subscription_id=sid,
            customer_id=cid,
            order_id=order_id,
            quantity=quantity,
            friendly_name=offer["name"],
            billing_cycle=cycle,
            status=status,
            created=iso(created),
            start=created,
            parent_id=subscriptions[0]["id"] if offer["isAddOn"] and subscriptions else None,
        )
        if status == "suspended":
            subscription["suspensionReasons"] = ["CustomerCancellation"]
        subscriptions.append(subscription)
        line_items.append(
            {
                "lineItemNumber": number,
                "offerId": offer_id,
                "subscriptionId": sid,
                "friendlyName": offer["name"],
                "quantity": quantity,
            }
        )
    order = {
        "id": order_id,
        "referenceCustomerId": cid,
        "billingCycle": subscriptions[0]["billingCycle"],
        "currencyCode": currency,
        "lineItems": line_items,
        "creationDate": iso(created),
        "status": "completed",
    }
    return subscriptions, [order]


def users(index: int, cust: dict[str, Any]) -> list[dict[str, Any]]:
    domain = cust["companyProfile"]["domain"]
    bp = cust["billingProfile"]
    cid = cust["id"]
    country = cust["companyProfile"]["address"]["country"]
    people = [("admin", bp["firstName"], bp["lastName"], f"{cust['companyProfile']['companyName']} admin")]
    if index % 3 != 2:
        first, last = bp["lastName"], bp["firstName"]
        people.append((f"{first.lower()}.{last.lower()}", first, last, f"{first} {last}"))
    result = []
    for alias, first, last, display in people:
        user: dict[str, Any] = {
            "id": gid(f"user-{cid}-{alias}"),
            "userPrincipalName": f"{alias}@{domain}",
            "firstName": first,
            "lastName": last,
            "displayName": display,
            "userDomainType": "none",
            "state": "active",
            "_customerId": cid,
        }
        if alias != "admin":
            user = {"usageLocation": country, **user}
        result.append(user)
    return result


def invoices(count: int) -> list[dict[str, Any]]:
    rng = random.Random(4812345)
    result = []
    for i in range(count):
        recurring = i % 3 != 2
        invoice_id = f"D0{30001 + i:08d}" if recurring else f"G0000{24130 + i:05d}"
        date = EPOCH + timedelta(days=30 * i)
        providers = [("billing_line_items", "office"), ("billing_line_items", "azure"), ("usage_line_items", "azure")]
        result.append(
            {
                "id": invoice_id,
                "invoiceDate": day(date) if recurring else iso(date + timedelta(hours=22, minutes=40)),
                "totalCharges": round(rng.uniform(900, 90000), 2),
                "paidAmount": 0 if i < 2 else round(rng.uniform(0, 900), 2),
                "currencyCode": "USD",
                "currencySymbol": "$",
                "invoiceDetails": [
                    {"invoiceLineItemType": kind, "billingProvider": provider}
                    for kind, provider in (providers if recurring else [("billing_line_items", "one_time")])
                ],
                "documentType": "invoice",
                "invoiceType": "Recurring" if recurring else "OneTime",
            }
        )
    return result


def consents(customers: list[dict[str, Any]], app_id: str, app_name: str) -> list[dict[str, Any]]:
    """The partner's web app has consent (CPV) in every second customer."""
    return [
        {
            "id": f"{c['id']}:{app_id}",
            "applicationId": app_id,
            "displayName": app_name,
            "applicationGrants": [
                {"enterpriseApplicationId": "00000003-0000-0000-c000-000000000000", "scope": "Directory.Read.All"}
            ],
            "_customerId": c["id"],
        }
        for c in customers[::2]
    ]


def write_world(
    directory: Path, count: int, *, partner_dir: Path | None = None, invoice_count: int = 8
) -> dict[str, int]:
    """Write a world of `count` customers to `directory` (partner, apps and users copied from `partner_dir`)."""
    from emulator.generate_support import service_incidents, service_requests
    from emulator.world import APPS_FILE, PARTNER_FILE, USERS_FILE, default_world_dir

    directory.mkdir(parents=True, exist_ok=True)
    source = partner_dir or default_world_dir()
    for name in (PARTNER_FILE, APPS_FILE, USERS_FILE):
        (directory / name).write_text((source / name).read_text(encoding="utf-8"), encoding="utf-8")
    apps = json.loads((source / APPS_FILE).read_text(encoding="utf-8"))["apps"]
    partner = json.loads((source / PARTNER_FILE).read_text(encoding="utf-8"))
    web = next((a for a in apps if a["type"] == "confidential"), apps[0])
    all_customers, all_subscriptions, all_orders, all_users = [], [], [], []
    for index in range(count):
        cust = customer(index)
        subs, orders = purchases(index, cust)
        all_customers.append(cust)
        all_subscriptions += subs
        all_orders += orders
        all_users += users(index, cust)
    files = {
        "customers.json": {"customers": all_customers},
        "subscriptions.json": {"subscriptions": all_subscriptions},
        "orders.json": {"orders": all_orders},
        "customer-users.json": {"users": all_users},
        "invoices.json": {"invoices": invoices(invoice_count)},
        "offers.json": {"offers": OFFERS},
        "consents.json": {"consents": consents(all_customers, web["clientId"].lower(), web["displayName"])},
        # issue 15: optional files (a world without them has none)
        "service-requests.json": {"serviceRequests": service_requests(partner, all_customers)},
        "service-incidents.json": {"incidents": service_incidents(all_customers)},
    }
    for name, data in files.items():
        # msgspec's C encoder: json.dump's pure-Python one took 80% of a 100,000-customer world's generation.
        # Small worlds are indented as json.dump(indent=2) writes them (the same bytes); large ones are compact.
        encoded = msgspec.json.encode(data)
        if count <= 1000:
            encoded = msgspec.json.format(encoded, indent=2)
        (directory / name).write_bytes(encoded + b"\n")
    return {name: len(next(iter(data.values()))) for name, data in files.items()}
