"""Deterministic worlds: the default world's customers and their subscriptions, orders, users and invoices, and
large worlds (`pcemu world --generate N`) for paging and performance work."""

from __future__ import annotations

import base64
import contextlib
import functools
import gc
import hashlib
import json
import multiprocessing
import os
import random
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from emulator.catalog import OFFERS, new_subscription
from emulator.companies import COMPANIES, CURRENCIES
from emulator.formats import creation_date, day_start
from emulator.generate_support import (
    customer_service_requests,
    partner_service_requests,
    service_incidents,
)
from emulator.roles import (
    ADMIN_AGENT,
    BILLING_ADMINISTRATOR,
    GLOBAL_ADMINISTRATOR,
    HELPDESK_ADMINISTRATOR,
    HELPDESK_AGENT,
    SALES_AGENT,
    USER_ADMINISTRATOR,
    member_key,
)

if TYPE_CHECKING:
    from emulator.worldfile import Appender, Encoded, Locks, Writer

NAMESPACE = uuid.UUID("6f1c7d0e-2b1a-4e8f-9d3c-5a4b3c2d1e0f")
EPOCH = datetime(2026, 1, 5, tzinfo=UTC)


_NAMESPACE_BYTES = NAMESPACE.bytes


# RFC 4122 version 5: SHA-1 of the namespace and the name, its 13th hex digit the version (5), the 17th the variant
# (binary 10xx).
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


def gid(name: str) -> str:
    """uuid.uuid5(NAMESPACE, name), computed directly: the uuid module's object cost most of a large world."""
    h = hashlib.sha1(_NAMESPACE_BYTES + name.encode()).digest().hex()  # quicker than hexdigest()
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}"


# A generated world has few distinct moments (a customer's are a function of its index modulo 600): formatted once.
# Keyed by the moment, so only for UTC ones: two zones' equal moments would share an entry.
@functools.lru_cache(maxsize=4096)
def iso(moment: datetime) -> str:
    return creation_date(moment, digits=2)


@functools.lru_cache(maxsize=4096)
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
# Every second round, the fifth plan's trial is still running: an Office 365 Business Premium trial that can be
# converted to paid (convert-a-trial-subscription-to-paid.md's offers and quantity).
_RUNNING_TRIAL = ("C0BD2E08-11AC-4836-BDC7-3712E744922F", 25, "active")
# The partner's preferred offers (GET/PUT /v1/preferences/catalog/offers) [I: the emulator's choice].
PREFERRED_OFFERS = ["8BDBB60B-E526-43E9-92EF-AB760C8E0B72", "031C9E47-4802-4248-838E-778FB1D2CC05"]


def purchases(index: int, cust: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(subscriptions, orders) of one customer: one order per plan, one subscription per line item. Its class's
    (`_purchases`), with its own ids; they share their nested lists (actions) with the class's others: read them,
    do not change them in place (the generator only encodes them)."""
    cid = cust["id"]
    shaped_subscriptions, shaped_order = _purchases(index % _ROUND, cust["companyProfile"]["address"]["country"])
    order_id = gid(f"order-{cid}")
    subscriptions: list[dict[str, Any]] = []
    for number, shaped in enumerate(shaped_subscriptions):
        sid = gid(f"subscription-{cid}-{number}").upper()
        ids = {"id": sid, "entitlementId": sid, "orderId": order_id, "_customerId": cid}
        if "parentSubscriptionId" in shaped:
            ids["parentSubscriptionId"] = subscriptions[0]["id"]
        subscriptions.append(shaped | ids)  # | keeps the shaped document's order of fields
    items = zip(shaped_order["lineItems"], subscriptions, strict=True)
    line_items = [item | {"subscriptionId": subscription["id"]} for item, subscription in items]
    return subscriptions, [shaped_order | {"id": order_id, "referenceCustomerId": cid, "lineItems": line_items}]


_ROUND = 600  # a customer's plan, moment and company are functions of its index modulo this (6, 12, 300, 24, 60, 40)


@functools.lru_cache(maxsize=2 * _ROUND)
def _purchases(index: int, country: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The subscriptions and the order of customers whose index is `index` modulo _ROUND (their plan and moment)
    and who are in `country` (their currency), with placeholders for their ids (see `purchases`): made once per
    class, not once per customer (they were a quarter of a large world's making)."""
    plan = _PLANS[index % len(_PLANS)]
    if index % (2 * len(_PLANS)) == 4 + len(_PLANS):
        plan = [_RUNNING_TRIAL, *plan[1:]]
    currency = CURRENCIES.get(country, ("USD", "$"))[0]
    created = EPOCH + timedelta(days=index % 300, hours=index % 24, minutes=index % 60)
    line_items: list[dict[str, Any]] = []
    subscriptions: list[dict[str, Any]] = []
    for number, (offer_id, quantity, status) in enumerate(plan):
        offer = _OFFERS[offer_id]
        sid = f"subscription-{number}"
        cycle = offer["supportedBillingCycles"][-1]
        subscription = new_subscription(
            offer,
            subscription_id=sid,
            customer_id="customer",
            order_id="order",
            quantity=quantity,
            friendly_name=offer["name"],
            billing_cycle=cycle,
            status=status,
            created=iso(created),
            start=created,
            parent_id=subscriptions[0]["id"] if offer["isAddOn"] and subscriptions else None,
            day=day,
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
        "id": "order",
        "referenceCustomerId": "customer",
        "billingCycle": subscriptions[0]["billingCycle"],
        "currencyCode": currency,
        "lineItems": line_items,
        "creationDate": iso(created),
        "status": "completed",
    }
    return subscriptions, order


AZURE_PLAN_ITEM = "DZH318Z0BPS6:0001:DZH318Z0BML6"  # the New Commerce Azure plan (emulator.nce_products)


def azure_plan(index: int, cust: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(subscriptions, orders): every sixth customer from the third (Tailspin Toys, Coho Winery, …) has an Azure
    plan, bought in a New Commerce order of its own a day after its other purchases. Usage-based: no end
    ("9999-12-14", subscription-resources.md), one unit, billed one_time as its SKU [I]."""
    if index % len(_PLANS) != 2:
        return [], []
    cid = cust["id"]
    country = cust["companyProfile"]["address"]["country"]
    created = EPOCH + timedelta(days=index % 300 + 1, hours=index % 24, minutes=index % 60)
    sid = gid(f"azure-plan-{cid}")
    order_id = gid(f"azure-plan-order-{cid}").replace("-", "")[:12]  # New Commerce order ids: twelve hex digits
    subscription = {
        "id": sid,
        "offerId": AZURE_PLAN_ITEM,
        "entitlementId": sid,
        "offerName": "Microsoft Azure plan",
        "friendlyName": "Azure plan",
        "quantity": 1,
        "unitType": "Usage-based",
        "hasPurchasableAddons": False,
        "creationDate": iso(created),
        "effectiveStartDate": day(created),
        "commitmentEndDate": "9999-12-14T00:00:00Z",
        "status": "active",
        "autoRenewEnabled": False,
        "isTrial": False,
        "billingType": "usage",
        "billingCycle": "one_time",
        "termDuration": "P1M",
        "actions": ["Cancel"],
        "contractType": "subscription",
        "orderId": order_id,
        "_customerId": cid,
        "_version": 1,
    }
    order = {
        "id": order_id,
        "referenceCustomerId": cid,
        "billingCycle": "one_time",
        "currencyCode": CURRENCIES.get(country, ("USD", "$"))[0],
        "lineItems": [
            {
                "lineItemNumber": 0,
                "offerId": AZURE_PLAN_ITEM,
                "subscriptionId": sid,
                "friendlyName": "Azure plan",
                "quantity": 1,
            }
        ],
        "creationDate": iso(created),
        "status": "completed",
    }
    return [subscription], [order]


def usage_budget(index: int, cust: dict[str, Any]) -> list[dict[str, Any]]:
    """Azure spending budgets: every second customer with Azure usage has one (in its summary's currency) [I]."""
    amounts = {1: 100, 2: 120}  # the plans with Microsoft Azure (MS-AZR-0145P) and with an Azure plan
    return [{"id": cust["id"], "amount": amounts[index % 12]}] if index % 12 in amounts else []


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


def _member(tenant_id: str, role_id: str, member_id: str) -> dict[str, Any]:
    key = member_key(tenant_id, role_id, member_id)
    return {"id": key, "roleId": role_id, "memberId": member_id, "_tenantId": tenant_id}


def role_members(index: int, cust_users: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A customer's admin is a Global Administrator (as the admin created with a tenant is); the second user, where
    there is one, a Helpdesk and User Administrator (the pair of get-user-roles-for-a-customer.md's sample) or a
    Billing Administrator, in turn."""
    result = []
    for user in cust_users:
        cid, uid = user["_customerId"], user["id"]
        if user["userPrincipalName"].startswith("admin@"):
            roles = [GLOBAL_ADMINISTRATOR]
        else:
            roles = [HELPDESK_ADMINISTRATOR, USER_ADMINISTRATOR] if index % 3 == 0 else [BILLING_ADMINISTRATOR]
        result += [_member(cid, role, uid) for role in roles]
    return result


# The partner's users (users.json, in order) and their partner roles: the first (the global admin) also an admin
# agent, the second (the automation account) an admin agent and billing admin, the third a sales and helpdesk agent.
PARTNER_USER_ROLES = (
    (GLOBAL_ADMINISTRATOR, ADMIN_AGENT),
    (ADMIN_AGENT, BILLING_ADMINISTRATOR),
    (SALES_AGENT, HELPDESK_AGENT),
)


def partner_role_members(tenant_id: str, partner_users: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        _member(tenant_id, role, user["objectId"].lower())
        for user, roles in zip(partner_users, PARTNER_USER_ROLES, strict=False)
        for role in roles
    ]


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


# The fixture files' records: a generated or imported world is checked against them once, when it is written.
def _records() -> dict[str, tuple[str, str, Any]]:
    from emulator import records

    return {
        "customers": ("customers.json", "customers", records.CustomerRecord),
        "subscriptions": ("subscriptions.json", "subscriptions", records.SubscriptionRecord),
        "orders": ("orders.json", "orders", records.OrderRecord),
        "customerUsers": ("customer-users.json", "users", records.CustomerUserRecord),
        "invoices": ("invoices.json", "invoices", records.InvoiceRecord),
        "consents": ("consents.json", "consents", records.ConsentRecord),
        "roleMembers": ("role-members.json", "members", records.RoleMemberRecord),
        "devicePolicies": ("devices.json", "policies", records.ConfigurationPolicyRecord),
        "deviceBatches": ("devices.json", "deviceBatches", records.DeviceBatchRecord),
        "devices": ("devices.json", "devices", records.DeviceRecord),
        "resellerCustomers": ("relationships.json", "customers", records.ResellerCustomerRecord),
        "usageBudgets": ("usage-budgets.json", "budgets", records.UsageBudgetRecord),
        "serviceRequests": ("service-requests.json", "serviceRequests", records.ServiceRequestRecord),
    }


CHUNK = 2000  # customers per piece of work (even: every second customer has a consent); the first slot's are checked
# in full, and must hold every kind of document (see _chunk; the generator's branches repeat within 600)


def _tables(first: int, last: int, app: tuple[str, str], partner: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Customers first..last-1 with what they own, in fixture order."""
    all_customers: list[dict[str, Any]] = []
    all_subscriptions: list[dict[str, Any]] = []
    all_orders: list[dict[str, Any]] = []
    all_users: list[dict[str, Any]] = []
    all_members: list[dict[str, Any]] = []
    served: list[dict[str, Any]] = []
    budgets: list[dict[str, Any]] = []
    requests: list[dict[str, Any]] = []
    all_devices: dict[str, list[dict[str, Any]]] = {"policies": [], "deviceBatches": [], "devices": []}
    for index in range(first, last):
        cust = customer(index)
        subs, orders = purchases(index, cust)
        plan_subscriptions, plan_orders = azure_plan(index, cust)
        all_customers.append(cust)
        all_subscriptions += subs + plan_subscriptions
        all_orders += orders + plan_orders
        budgets += usage_budget(index, cust)
        cust_users = users(index, cust)
        all_users += cust_users
        all_members += role_members(index, cust_users)
        for key, rows in devices(index, cust).items():
            all_devices[key] += rows
        served += reseller_customers(index, cust)
        requests += customer_service_requests(partner, index, cust)
    return {
        "customers": all_customers,
        "subscriptions": all_subscriptions,
        "orders": all_orders,
        "customerUsers": all_users,
        "consents": consents(all_customers, *app),
        "roleMembers": all_members,
        "devicePolicies": all_devices["policies"],
        "deviceBatches": all_devices["deviceBatches"],
        "devices": all_devices["devices"],
        "resellerCustomers": served,
        "usageBudgets": budgets,
        "serviceRequests": requests,
    }


@functools.cache
def _decoder(table: str, guid_patterns: bool) -> msgspec.json.Decoder[Any]:
    from emulator.records import guids_by_length

    record = _records()[table][2]
    return msgspec.json.Decoder(record if guid_patterns else guids_by_length(record))


def _checked(tables: dict[str, list[dict[str, Any]]], *, guid_patterns: bool = True) -> dict[str, Encoded]:
    """Each document encoded and checked against its fixture record (msgspec, in C); without `guid_patterns`, its
    GUID fields for their length only (see `_chunk`)."""
    from emulator.world import WorldError

    encode = msgspec.json.Encoder().encode
    checked: dict[str, Encoded] = {}
    for table, docs in tables.items():
        decode = _decoder(table, guid_patterns).decode
        encoded = [encode(doc) for doc in docs]
        n = 0
        try:
            for n, text in enumerate(encoded):  # noqa: B007 (n names the document that fails)
                decode(text)
        except msgspec.ValidationError as exc:
            raise WorldError(f"{table}: document {docs[n].get('id')}: {exc}") from None
        checked[table] = (docs, encoded)
    return checked


def _chunk(appender: Appender, slot: int, first: int, last: int, app: tuple[str, str], partner: dict[str, Any]
           ) -> tuple[dict[str, int], list[str]]:  # fmt: skip
    """Customers first..last-1 and what they own, made, checked and written as slot `slot` of the world file:
    (each table's count, the customers' ids).

    Every document is checked against its fixture record. Its GUIDs are made by `gid` (uuid5, a GUID by
    construction) or copied from the partner's files, so only the first slot's are also matched against the GUID
    pattern: it holds every kind of document the generator makes, and every value it copies. The patterns of the
    other slots' were a tenth of a large world's generation."""
    checked = _checked(_tables(first, last, app, partner), guid_patterns=slot == 1)
    return appender.write(slot, checked), [doc["id"].lower() for doc in checked["customers"][0]]


_APPENDER: Appender | None = None  # a worker process's connection to the world file being written


def _start_worker(partials: dict[int, Path], locks: Locks) -> None:
    from emulator.world import SPECS
    from emulator.worldfile import Appender

    global _APPENDER
    # The documents hold no reference cycles (reference counting frees them): the cyclic collector only cost time,
    # scanning every dict of a chunk again and again.
    gc.disable()
    _APPENDER = Appender(partials, {t: SPECS[t] for t in _records()}, locks)


def _worker_chunk(slot: int, first: int, last: int, app: tuple[str, str], partner: dict[str, Any]
                  ) -> tuple[dict[str, int], list[str]]:  # fmt: skip
    assert _APPENDER is not None, "not a world writer's worker"
    return _chunk(_APPENDER, slot, first, last, app, partner)


# --- devices.json and syndication.json (issue 15) -------------------------------------------------------------

# The first customer's Autopilot data are the documented samples' (get-a-list-of-a-customer-s-policies.md,
# get-a-list-of-devices-for-the-specified-batch-and-customer.md, get-the-list-of-device-batches-*.md), so that the
# answers can be compared with them; other customers get generated ones.
_SAMPLE_POLICIES = [
    ("8c7d25aa-2dbb-409c-a1f0-f55bd9108fa9", "Windows 10 Enterprise E3", "P462017 description",
     ["oobe_user_not_local_admin", "skip_express_settings"], "2017-04-27T11:30:34.1944704-07:00",
     "2017-04-27T11:30:34.1944704-07:00"),
    ("56edf752-ee77-4fd8-b7f5-df1f74a3a9ac", "Test policy", "Test policy creation from API 1",
     ["skip_express_settings"], "2017-07-25T11:03:03.8457088-07:00", "2017-07-25T11:04:00.8150016-07:00"),
    ("a96b5fd9-0f3a-419a-b55c-a8aecd6b1f00", "Windows 10 Enterprise E5", "test policy creation from API",
     ["oobe_user_not_local_admin", "skip_express_settings"], "2017-07-25T11:07:36.1501184-07:00",
     "2017-07-25T11:07:36.1501184-07:00"),
]  # fmt: skip
_SAMPLE_DEVICES = [
    ("7c141ea9-2816-4e15-a819-53f6856499ff", "2R9-ZNP67", "00329-00000-0003-AA6069", "Precision WorkStation T7500",
     "Dell Inc.", "2017-08-09T14:43:26.0092288-07:00"),
    ("e528a62f-5031-49f4-bea7-5fafe47388fd", "1234567890", "12345-67890-09876-54321-13579", "HP Z420 Workstation",
     "Hewlett-Packard", "2017-08-09T14:35:51.3126144-07:00"),
]  # fmt: skip


def _batch(cid: str, name: str, created: str) -> dict[str, Any]:
    return {"id": f"{cid}:{name.lower()}", "_name": name, "creationDate": created, "_customerId": cid}


def devices(index: int, cust: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """One customer's configuration policies, device batches and devices: the documented samples' for the first
    customer, a policy and a batch of three devices for every tenth from the sixth, none for the others."""
    cid = cust["id"]
    found: dict[str, list[dict[str, Any]]] = {"policies": [], "deviceBatches": [], "devices": []}
    if index == 0:
        for pid, name, description, settings, made, modified in _SAMPLE_POLICIES:
            found["policies"].append({"id": pid, "name": name, "category": "o_o_b_e", "description": description,
                                      "policySettings": settings, "createdDate": made,
                                      "lastModifiedDate": modified, "_customerId": cid})  # fmt: skip
        batch = _batch(cid, "Test batch", "2017-07-25T01:51:00")
        found["deviceBatches"].append(batch)
        for did, serial, key, model, maker, uploaded in _SAMPLE_DEVICES:
            found["devices"].append({"id": did, "serialNumber": serial, "productKey": key, "modelName": model,
                                     "oemManufacturerName": maker, "policies": [{"key": "o_o_b_e", "value": None}],
                                     "uploadedDate": uploaded, "_customerId": cid, "_batch": batch["id"]})  # fmt: skip
    elif index % 10 == 5:
        created = EPOCH + timedelta(days=index % 300, hours=1)
        pid = gid(f"policy-{cid}-0")
        found["policies"].append({"id": pid, "name": "Autopilot standard", "category": "o_o_b_e",
                                  "description": "Standard user, no express settings",
                                  "policySettings": ["oobe_user_not_local_admin", "skip_express_settings", "skip_eula"],
                                  "createdDate": iso(created), "lastModifiedDate": iso(created),
                                  "_customerId": cid})  # fmt: skip
        batch = _batch(cid, "Batch-01", iso(created))
        found["deviceBatches"].append(batch)
        for n in range(3):
            digest = hashlib.sha256(f"hardware-{cid}-{n}".encode()).digest() * 4
            found["devices"].append({"id": gid(f"device-{cid}-{n}"), "serialNumber": f"NW{index:06d}{n}",
                                     "_hardwareHash": base64.b64encode(digest).decode(),
                                     "modelName": "Surface Laptop 5", "oemManufacturerName": "Microsoft Corporation",
                                     "policies": [{"key": "o_o_b_e", "value": pid if n == 0 else None}],
                                     "uploadedDate": iso(created + timedelta(minutes=5)), "_customerId": cid,
                                     "_batch": batch["id"]})  # fmt: skip
    return found


# Syndication customers' seats: (offer id, quantity) per syndication subscription.
_SYNDICATION_PLANS = [
    [("796B6B5F-613C-4E24-A17C-EBA730D49C02", 15)],
    [("BD938F12-058F-4927-BBA3-AE36B1D2501C", 6), ("195416C1-3447-423A-B37B-EE59A99A19C4", 2)],
]


def syndication(count: int) -> list[dict[str, Any]]:
    """Two syndication (MOSI) customers, not yet the partner's: the companies that would follow the world's last."""
    result = []
    for n, plan in enumerate(_SYNDICATION_PLANS):
        cust = customer(count + n)
        slug = cust["companyProfile"]["domain"].split(".")[0]
        result.append({
            "id": gid(f"mosi-customer-{slug}"),
            "customer": cust,
            "subscriptions": [{"mosiSubscriptionId": gid(f"mosi-subscription-{slug}-{i}"), "offerId": offer,
                               "quantity": quantity} for i, (offer, quantity) in enumerate(plan)],
        })  # fmt: skip
    return result


# The partner's indirect resellers: the two of retrieve-a-list-of-indirect-resellers.md's sample, as documented.
RESELLERS = [
    {
        "id": "484e548c-f5f3-4528-93a9-c16c6373cb59",
        "name": "First Up Consultants",
        "relationshipType": "is_indirect_cloud_solution_provider_of",
        "state": "Active",
        "mpnId": "4847383",
        "location": "US",
    },
    {
        "id": "b01b1487-b36e-4e6d-9b5e-0b58974c4b28",
        "name": "ReleCloud",
        "relationshipType": "is_indirect_cloud_solution_provider_of",
        "state": "Active",
        "mpnId": "4847433",
        "location": "BR",
    },
]


def reseller_customers(index: int, cust: dict[str, Any]) -> list[dict[str, Any]]:
    """Two customers in thirteen are served through an indirect reseller: in the default world Wingtip Toys and
    Fourth Coffee through First Up Consultants (as in get-customers-of-an-indirect-reseller.md), Relecloud and
    others through ReleCloud."""
    if index % 13 not in (3, 10):
        return []
    return [{"id": cust["id"], "resellerId": RESELLERS[0 if index % 13 == 3 else 1]["id"]}]


class _Output:
    """A world's files, each written beside its final name (NAME.partial) and renamed into place with the others
    once all are written: a failed or interrupted write leaves the directory as it was."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._created = not directory.exists()
        directory.mkdir(parents=True, exist_ok=True)
        self._partial: list[Path] = []

    def path(self, name: str) -> Path:
        """Where to write `name` for now (a world file's `Writer` adds the suffix itself)."""
        partial = self.directory / f"{name}.partial"
        self._partial.append(partial)
        return partial

    def adopt(self, partials: Iterable[Path]) -> None:
        """Files written here as NAME.partial by another writer (a world file's parts)."""
        self._partial += partials

    def json(self, name: str, data: Any, *, indent: bool) -> None:
        _write_json(self.path(name), data, indent=indent)

    def commit(self, stale: Iterable[str]) -> None:
        """Every file into place; `stale` (the other form's large tables) removed: they would shadow or outlive
        these."""
        written = set()
        for partial in self._partial:
            written.add(partial.name.removesuffix(".partial"))
            partial.replace(partial.with_name(partial.name.removesuffix(".partial")))
        for name in set(stale) - written:
            (self.directory / name).unlink(missing_ok=True)

    def abandon(self) -> None:
        for partial in self._partial:
            partial.unlink(missing_ok=True)
        if self._created and not any(self.directory.iterdir()):
            self.directory.rmdir()


def write_world(
    directory: Path,
    count: int,
    *,
    partner_dir: Path | None = None,
    invoice_count: int = 8,
    form: str = "sqlite",
) -> dict[str, int]:
    """Write a world of `count` customers to `directory` (partner, apps and users copied from `partner_dir`):
    the large tables in a world file (`form="sqlite"`) or as JSON fixture files (`form="json"`). Nothing changes
    in `directory` unless the whole world is written."""
    out = _Output(directory)
    try:
        counts = _write_world(out, count, partner_dir, invoice_count, form)
    except BaseException:
        out.abandon()
        raise
    from emulator.worldfile import WORLD_FILES

    out.commit(WORLD_FILES if form == "json" else sorted({name for name, _, _ in _records().values()}))
    return counts


def _write_world(out: _Output, count: int, partner_dir: Path | None, invoice_count: int, form: str) -> dict[str, int]:
    from emulator.world import APPS_FILE, OFFERS_FILE, PARTNER_FILE, USERS_FILE, default_world_dir

    source = partner_dir or default_world_dir()
    apps = json.loads((source / APPS_FILE).read_text(encoding="utf-8"))["apps"]
    partner = json.loads((source / PARTNER_FILE).read_text(encoding="utf-8"))
    web = next((a for a in apps if a["type"] == "confidential"), apps[0])
    app = (web["clientId"].lower(), web["displayName"])
    partner_users = json.loads((source / USERS_FILE).read_text(encoding="utf-8"))["users"]
    # Documents that belong to no customer: the invoices, the partner users' roles and the partner's own service
    # requests (these two before the customers').
    own: dict[str, list[dict[str, Any]]] = {
        "invoices": invoices(invoice_count),
        "roleMembers": partner_role_members(partner["tenant"]["id"].lower(), partner_users),
        "serviceRequests": partner_service_requests(partner),
    }

    def small_files() -> None:
        for name in (PARTNER_FILE, APPS_FILE, USERS_FILE):
            out.path(name).write_bytes((source / name).read_bytes())
        out.json(OFFERS_FILE, {"offers": OFFERS}, indent=True)
        out.json("catalog-preferences.json", {"offerIds": PREFERRED_OFFERS}, indent=True)
        out.json("syndication.json", {"customers": syndication(count)}, indent=True)
        if form == "sqlite":
            # The indirect resellers stay JSON; the customers they serve are in the world file.
            out.json("relationships.json", {"partners": RESELLERS}, indent=True)

    if form == "sqlite":
        return _write_world_file(out, count, app, partner, own, small_files)
    small_files()
    tables = _tables(0, count, app, partner)
    tables["roleMembers"] = own["roleMembers"] + tables["roleMembers"]
    tables["serviceRequests"] = own["serviceRequests"] + tables["serviceRequests"]
    tables["invoices"] = own["invoices"]
    incidents = service_incidents([c["id"] for c in tables["customers"]])
    out.json("service-incidents.json", {"incidents": incidents}, indent=True)
    files: dict[str, dict[str, list[dict[str, Any]]]] = {"relationships.json": {"partners": RESELLERS}}
    for table, rows in tables.items():
        name, key, _ = _records()[table]
        files.setdefault(name, {})[key] = rows  # devices.json holds three lists
    for name, data in files.items():
        # Small worlds are indented as json.dump(indent=2) writes them (the same bytes); large ones are compact.
        out.json(name, data, indent=count <= 1000)
    return {name: sum(len(rows) for rows in data.values()) for name, data in files.items()} | {OFFERS_FILE: len(OFFERS)}


def _write_world_file(
    out: _Output,
    count: int,
    app: tuple[str, str],
    partner: dict[str, Any],
    own: dict[str, list[dict[str, Any]]],
    meanwhile: Callable[[], None],
) -> dict[str, int]:
    """Chunks of customers are made, checked and written by worker processes (each customer's documents depend
    only on its index), each chunk in a slot of its own, so that nothing but counts comes back: on 2 cores both
    make documents nearly all the time, and the documents are never copied between processes. This process
    does `meanwhile` and writes the documents that belong to no customer while they work."""
    from emulator.world import SPECS
    from emulator.worldfile import WORLD_FILE, Appender, Writer

    def own_rows(locks: Locks | None) -> None:
        meanwhile()
        for table in ("roleMembers", "serviceRequests", "invoices"):  # slot 0: before the customers' documents
            writer.add(table, *_checked({table: own[table]})[table], locks=locks)

    writer = Writer(out.directory / WORLD_FILE, {t: SPECS[t] for t in _records()})
    try:
        bounds = [(first, min(first + CHUNK, count)) for first in range(0, count, CHUNK)]
        workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        results: list[tuple[dict[str, int], list[str]]] = []
        if len(bounds) > 1 and workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")  # the workers inherit the imported modules
            locks = {part: context.Lock() for part in writer.partials}
            with ProcessPoolExecutor(
                workers, context, initializer=_start_worker, initargs=(writer.partials, locks)
            ) as pool:
                futures = [
                    pool.submit(_worker_chunk, slot, *bound, app, partner) for slot, bound in enumerate(bounds, 1)
                ]
                try:
                    own_rows(locks)
                    results = [future.result() for future in futures]
                    counts = _finish(writer, results, out, pool)
                except BaseException:
                    pool.shutdown(cancel_futures=True)
                    raise
        else:
            own_rows(None)
            appender = Appender(writer.partials, writer.specs, defaultdict(contextlib.nullcontext))
            collecting = gc.isenabled()
            gc.disable()  # see _start_worker
            try:
                results = [_chunk(appender, slot, *bound, app, partner) for slot, bound in enumerate(bounds, 1)]
            finally:
                appender.close()
                if collecting:
                    gc.enable()
            counts = _finish(writer, results, out, None)
    except BaseException:
        writer.abandon()
        raise
    out.adopt(writer.partials.values())  # renamed with the others
    return counts


def _finish(
    writer: Writer, results: list[tuple[dict[str, int], list[str]]], out: _Output, helper: Executor | None
) -> dict[str, int]:
    """The chunks' counts added up, the service incidents (which name customers) written, the indexes built (one
    part by `helper`, a worker, at the same time)."""
    customer_ids: list[str] = []
    for counts, ids in results:
        writer.added(counts)
        customer_ids += ids
    out.json("service-incidents.json", {"incidents": service_incidents(customer_ids)}, indent=True)
    return writer.close(publish=False, helper=helper)


def _write_json(path: Path, data: Any, *, indent: bool) -> None:
    # msgspec's C encoder: json.dump's pure-Python one took 80% of a 100,000-customer world's generation.
    encoded = msgspec.json.encode(data)
    path.write_bytes((msgspec.json.format(encoded, indent=2) if indent else encoded) + b"\n")


def write_tables(directory: Path, tables: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
    """Whole tables (an imported world) as a world file, each document checked first."""
    out = _Output(directory)
    try:
        counts = _write_tables(out, tables)
    except BaseException:
        out.abandon()
        raise
    out.commit(())
    return counts


def _write_tables(out: _Output, tables: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
    from emulator.world import SPECS
    from emulator.worldfile import WORLD_FILE, Writer

    writer = Writer(out.directory / WORLD_FILE, {t: SPECS[t] for t in tables})
    try:
        for table, (docs, encoded) in _checked(tables).items():
            writer.add(table, docs, encoded)
        counts = writer.close(publish=False)
    except BaseException:
        writer.abandon()
        raise
    out.adopt(writer.partials.values())
    return counts


def import_world(source: Path | None, directory: Path) -> dict[str, int]:
    """A JSON fixture world, checked as `serve` checks it (records, owners, offers), written as a world file.
    Nothing changes in `directory` unless the whole world is written."""
    from emulator.world import default_world_dir, load_world
    from emulator.worldfile import WORLD_FILE

    source = (source or default_world_dir()).resolve()
    world = load_world(source)
    if world.source.joinpath(WORLD_FILE).exists():
        raise ValueError(f"{source} is a world file already")
    if directory.resolve() == source:
        raise ValueError(f"--out {directory} is the world being imported: choose another directory")
    large = {name for name, _, _ in _records().values()}
    out = _Output(directory)
    try:
        # The small files (partner, apps, users, offers, and the other optional ones) stay JSON beside the file.
        for path in sorted(source.glob("*.json")):
            if path.name == "relationships.json":  # the resellers stay; the customers they serve go to the file
                out.json(path.name, {"partners": json.loads(path.read_bytes())["partners"]}, indent=True)
            elif path.name not in large:
                out.path(path.name).write_bytes(path.read_bytes())
        tables = world.tables()
        counts = _write_tables(out, {name: list(tables[name]) for name in _records()})
    except BaseException:
        out.abandon()
        raise
    out.commit(large)
    return counts
