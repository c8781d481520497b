"""Service requests, support topics, service incidents and audit records as they go on the wire, and the bodies
of the service-request calls.

Field names and order: service-request-resources.md and the samples of create-a-service-request,
get-service-request-details-by-id.md and update-a-service-request.md; support topics: the sample of
get-service-request-support-topics; incidents: partnercenterservices 0.1.2's ServiceHealth models and the .NET
SDK's ServiceIncidents; audit records: get-a-record-of-partner-center-activity-by-user.md and
auditing-resources.md. Sources in docs/sources/support.md.
"""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import UNSET, Meta, UnsetType

from emulator.partner.models.errors import InvalidInput
from emulator.partner.schemas.requests import Body, Text, Text2, Text32, Text64, Text128
from emulator.partner.schemas.resources import Attributes, Link, Wire

Text4000 = Annotated[str, Meta(max_length=4000)]

# --- service requests ------------------------------------------------------------------------------------------


class ServiceRequestOrganization(Wire, kw_only=True):
    id: str
    name: str
    phone_number: str | UnsetType = UNSET


class ServiceRequestContact(Wire, kw_only=True):
    organization: ServiceRequestOrganization | UnsetType = UNSET
    contact_id: str | UnsetType = UNSET
    last_name: str | UnsetType = UNSET
    first_name: str | UnsetType = UNSET
    email: str | UnsetType = UNSET
    phone_number: str | UnsetType = UNSET


class ServiceRequestNote(Wire, kw_only=True):
    created_by_name: str
    created_date: str
    text: str


class ServiceRequest(Wire, kw_only=True):
    title: str
    description: str | UnsetType = UNSET  # the customer list's sample has none
    severity: Literal["unknown", "critical", "moderate", "minimal"]
    support_topic_id: str | UnsetType = UNSET
    support_topic_name: str | UnsetType = UNSET
    id: str
    status: Literal["none", "open", "closed", "attention_needed"]
    organization: ServiceRequestOrganization | UnsetType = UNSET
    primary_contact: ServiceRequestContact | UnsetType = UNSET
    last_updated_by: ServiceRequestContact | UnsetType = UNSET
    product_name: str | UnsetType = UNSET
    product_id: str | UnsetType = UNSET
    created_date: str
    last_modified_date: str
    last_closed_date: str
    notes: list[ServiceRequestNote] | UnsetType = UNSET
    country_code: str | UnsetType = UNSET
    attributes: Attributes[Literal["ServiceRequest"]]


class SupportTopic(Wire, kw_only=True):
    name: str
    description: str
    id: int  # a number in the documented sample (and in partnercenterservices' model)
    attributes: Attributes[Literal["SupportTopic"]]


class NoteIn(Body, kw_only=True):
    text: Text4000


class ServiceRequestCreate(Body, kw_only=True):
    """create-a-service-request's body: Title, Description, Severity and SupportTopicId required; what the
    server sets (Id, Status, dates, Organization, contacts) is read from nothing."""

    SPELLING = "Pascal"
    PROBLEM = InvalidInput
    title: Text
    description: Text4000
    severity: Text32
    support_topic_id: Text64
    product_name: Text128 | None = None
    product_id: Text64 | None = None
    country_code: Text2 | None = None
    new_note: NoteIn | None = None
    notes: list[NoteIn] | None = None


class ServiceRequestUpdate(Body, kw_only=True):
    """update-a-service-request's body: only the values to change. The .NET SDK sends every field, with
    "Severity": "unknown" and "Status": "none" for the ones it leaves alone."""

    SPELLING = "Pascal"
    PROBLEM = InvalidInput
    title: Text | None = None
    description: Text4000 | None = None
    severity: Text32 | None = None
    status: Text32 | None = None
    new_note: NoteIn | None = None


# --- service incidents -----------------------------------------------------------------------------------------

IncidentStatus = Literal["normal", "information", "warning", "critical"]


class ServiceIncidentHistory(Wire, kw_only=True):
    published_time: str
    message_text: str


class ServiceHealthLinks(Wire, kw_only=True):
    follow_up_url: Link


class ServiceIncidentDetail(Wire, kw_only=True):
    id: str
    message_type: Literal["none", "incident", "message_center", "all"]
    start_time: str
    end_time: str | UnsetType = UNSET
    status: IncidentStatus
    messages: list[ServiceIncidentHistory]
    workload: str
    affected_workload_names: list[str]
    resolved: bool
    impacted_area: str
    impacted_customers: int
    service_health_links: ServiceHealthLinks | UnsetType = UNSET
    required_by: str | UnsetType = UNSET
    category: str | UnsetType = UNSET
    action_type: str | UnsetType = UNSET
    severity: IncidentStatus | UnsetType = UNSET


class ServiceIncidents(Wire, kw_only=True):
    """One workload's incidents and message-center messages (the .NET SDK's ServiceIncidents)."""

    workload: str
    incidents: list[ServiceIncidentDetail]
    status: IncidentStatus
    message_center_messages: list[ServiceIncidentDetail]


# --- audit records ---------------------------------------------------------------------------------------------


class KeyValue(Wire, kw_only=True):
    key: str
    value: str | None


class AuditRecord(Wire, kw_only=True):
    partner_id: str
    customer_id: str | UnsetType = UNSET
    customer_name: str | UnsetType = UNSET
    user_principal_name: str | UnsetType = UNSET
    application_id: str | UnsetType = UNSET
    resource_type: str
    resource_old_value: str | UnsetType = UNSET
    resource_new_value: str | UnsetType = UNSET
    operation_type: str
    operation_date: str
    operation_status: Literal["succeeded", "failed", "progress"]
    customized_data: list[KeyValue]
    attributes: Attributes[Literal["AuditRecord"]]
