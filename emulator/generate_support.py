"""The support side of generated worlds (issue 15): service requests (the partner's own, and one for every fifth
customer) and Office service incidents, each affecting every tenth customer. Deterministic, as generate.py.

The requests' shape is the documented one (get-service-request-details-by-id.md); the incidents' follows the
ServiceHealth models of partnercenterservices. Titles, texts and workloads are the emulator's [I].
"""

from __future__ import annotations

import functools
import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from emulator.formats import creation_date, request_date_time

EPOCH = datetime(2026, 1, 5, tzinfo=UTC)
NEVER = "0001-01-01T00:00:00"
TOPICS = {32444667: "Partner Center Issues", 32444671: "Cannot manage my profile"}  # the documented sample's


def _id(name: str) -> str:
    """A 15-digit service request id, as documented (616122292874576)."""
    return str(600_000_000_000_000 + int(hashlib.sha256(name.encode()).hexdigest()[:14], 16) % 100_000_000_000_000)


def _when(days: float) -> datetime:
    return EPOCH + timedelta(days=days)


# A generated world's requests have few distinct times (a customer's repeat every 60 days): formatted once.
@functools.lru_cache(maxsize=256)
def _times(created: datetime, noted: tuple[datetime, ...], closes: bool) -> tuple[str, str, str, tuple[str, ...]]:
    """A request's createdDate, lastModifiedDate and lastClosedDate, and its notes' createdDate."""
    modified = max([created, *noted])
    closed = modified + timedelta(hours=2) if closes else None
    return (
        creation_date(created, digits=2),
        creation_date(closed or modified, digits=2),
        creation_date(closed, digits=2) if closed else NEVER,
        tuple(request_date_time(when.timestamp()) for when in noted),
    )


def _request(
    name: str, title: str, description: str, severity: str, topic: int, status: str, created: datetime,
    organization: dict[str, Any], contact: dict[str, Any], country: str, notes: list[tuple[str, datetime, str]],
) -> dict[str, Any]:  # fmt: skip
    made, modified, closed, noted = _times(created, tuple(when for _, when, _ in notes), status == "closed")
    return {
        "title": title,
        "description": description,
        "severity": severity,
        "supportTopicId": str(topic),
        "supportTopicName": TOPICS[topic],
        "id": _id(name),
        "status": status,
        "organization": organization,
        "primaryContact": {"organization": organization, **contact},
        "createdDate": made,
        "lastModifiedDate": modified,
        "lastClosedDate": closed,
        "notes": [
            {"createdByName": who, "createdDate": when, "text": text}
            for (who, _, text), when in zip(notes, noted, strict=True)
        ],
        "countryCode": country,
    }


def _partner_contact(partner: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], str, str]:
    organization = partner["organization"]
    address = organization["defaultAddress"]
    ours = {"id": partner["tenant"]["id"], "name": organization["companyName"], "phoneNumber": address["phoneNumber"]}
    first, last = address["firstName"], address["lastName"]
    contact = {"lastName": last, "firstName": first, "email": organization["email"]}
    return ours, contact, f"{first} {last}", address["country"]


def partner_service_requests(partner: dict[str, Any]) -> list[dict[str, Any]]:
    """The partner's two requests: one open, one closed."""
    ours, contact, agent, country = _partner_contact(partner)
    return [
        _request(
            "partner-profile", "Cannot update the company address in the partner profile",
            "Saving the legal business profile fails with a validation error on the postal code.", "moderate",
            32444671, "open", _when(310), ours, contact, country,
            [(agent, _when(310.1), "The error appears for every postal code we try.")],
        ),
        _request(
            "partner-throttling", "Throttling limits of the customer API",
            "How many customer reads per minute may one application make?", "minimal", 32444667, "closed",
            _when(200), ours, contact, country,
            [("Microsoft Support", _when(201), "500 requests per minute per tenant; see the throttling guidance.")],
        ),
    ]  # fmt: skip


STATUSES = ("open", "attention_needed", "closed")


def customer_service_requests(partner: dict[str, Any], index: int, customer: dict[str, Any]) -> list[dict[str, Any]]:
    """One request for every fifth customer."""
    if index % 5:
        return []
    _, _, agent, _ = _partner_contact(partner)
    profile, billing = customer["companyProfile"], customer["billingProfile"]
    organization = {"id": customer["id"], "name": profile["companyName"]}
    person = {"lastName": billing["lastName"], "firstName": billing["firstName"], "email": billing["email"]}
    status = STATUSES[(index // 5) % len(STATUSES)]
    request = _request(
        f"customer-{customer['id']}", f"Users at {profile['companyName']} cannot open their mailboxes",
        "Outlook asks for credentials again and again since this morning.", "critical" if index % 2 else "moderate",
        32444667, status, _when(250 + index % 60), organization, person, profile["address"]["country"],
        [(agent, _when(250 + index % 60 + 0.05), "The customer's admin confirms the problem for every user.")],
    )  # fmt: skip
    return [{**request, "_customerId": customer["id"]}]


def service_incidents(customer_ids: list[str]) -> list[dict[str, Any]]:
    """Three incidents (one resolved) and one message-center message; each affects every tenth customer."""

    def affected(remainder: int) -> list[str]:
        return customer_ids[remainder::10]

    def at(moment: datetime) -> str:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    start = datetime(2026, 11, 20, 8, 15, tzinfo=UTC)
    return [
        {
            "id": "EX734218",
            "messageType": "incident",
            "startTime": at(start),
            "status": "warning",
            "messages": [
                {"publishedTime": at(start + timedelta(minutes=20)),
                 "messageText": "Users may be unable to access their mailboxes with Outlook. We're investigating."},
                {"publishedTime": at(start + timedelta(hours=3)),
                 "messageText": "We've identified a configuration change as the cause and are reverting it."},
            ],
            "workload": "Exchange Online",
            "affectedWorkloadNames": ["Exchange Online"],
            "resolved": False,
            "impactedArea": "E-Mail and calendar access",
            "_customerIds": affected(0),
        },
        {
            "id": "SP731904",
            "messageType": "incident",
            "startTime": at(start - timedelta(days=6)),
            "endTime": at(start - timedelta(days=6) + timedelta(hours=5)),
            "status": "information",
            "messages": [
                {"publishedTime": at(start - timedelta(days=6, minutes=-30)),
                 "messageText": "Some users may see slow page loads in SharePoint Online sites."},
                {"publishedTime": at(start - timedelta(days=6) + timedelta(hours=5)),
                 "messageText": "We've rebalanced the affected infrastructure and the issue is resolved."},
            ],
            "workload": "SharePoint Online",
            "affectedWorkloadNames": ["SharePoint Online", "OneDrive for Business"],
            "resolved": True,
            "impactedArea": "Site performance",
            "_customerIds": affected(1),
        },
        {
            "id": "TM735077",
            "messageType": "incident",
            "startTime": at(start + timedelta(days=1)),
            "status": "critical",
            "messages": [
                {"publishedTime": at(start + timedelta(days=1, minutes=10)),
                 "messageText": "Users can't join Microsoft Teams meetings from the desktop client."},
            ],
            "workload": "Microsoft Teams",
            "affectedWorkloadNames": ["Microsoft Teams"],
            "resolved": False,
            "impactedArea": "Meetings",
            "_customerIds": affected(2),
        },
        {
            "id": "MC902311",
            "messageType": "message_center",
            "startTime": at(start - timedelta(days=14)),
            "status": "information",
            "messages": [
                {"publishedTime": at(start - timedelta(days=14)),
                 "messageText": "Classic Teams client retirement: move your users to the new Teams client."},
            ],
            "workload": "Microsoft Teams",
            "affectedWorkloadNames": ["Microsoft Teams"],
            "resolved": False,
            "impactedArea": "Teams client",
            "followUpUrl": "https://admin.microsoft.com/Adminportal/Home#/MessageCenter",
            "requiredBy": at(start + timedelta(days=45)),
            "category": "planForChange",
            "actionType": "Action",
            "severity": "information",
            "_customerIds": affected(3),
        },
    ]  # fmt: skip
