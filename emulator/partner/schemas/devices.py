"""Wire shapes and request bodies of device deployment (Windows Autopilot: device batches, devices, configuration
policies, batch jobs), managed services, insider programs, notification preferences and syndication migrations.

Field names and order: the documented samples where there are some (device-deployment-resources.md and the pages
it links, get-the-managed-services-for-a-customer-by-id.md), else the partnercenterservices SDK's models (insider
programs, notification preferences and syndication migrations have no documentation page). docs/sources/devices.md
lists each source and what is inferred [I].
"""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import UNSET, Meta, UnsetType

from emulator.partner.models.errors import InvalidInput
from emulator.partner.schemas.requests import Body, Guid, Text, Text16, Text32, Text64, Text128, Text2048
from emulator.partner.schemas.resources import Attributes, Link, Wire

# --- device deployment (device-deployment-resources.md) -----------------------------------------------------------


class PolicyAssignment(Wire):
    """A device's policy of a category: {"key": "o_o_b_e", "value": <policy id or null>} (the documented samples)."""

    key: str
    value: str | None


class ConfigurationPolicy(Wire, kw_only=True):
    id: str
    name: str
    category: str
    description: str | UnsetType = UNSET
    # The samples write "devicesAssigned"; the resource table, the .NET SDK's model and partnercenterservices
    # write devicesAssignedCount, which is the name used here (docs/sources/devices.md).
    devices_assigned_count: int
    policy_settings: list[str]
    created_date: str
    last_modified_date: str
    attributes: Attributes[Literal["ConfigurationPolicy"]]


class Device(Wire, kw_only=True):
    id: str
    serial_number: str | UnsetType = UNSET
    product_key: str | UnsetType = UNSET
    model_name: str | UnsetType = UNSET
    oem_manufacturer_name: str | UnsetType = UNSET
    policies: list[PolicyAssignment]
    uploaded_date: str
    attributes: Attributes[Literal["Device"]]


class DeviceBatch(Wire, kw_only=True):
    id: str
    status: str  # in the documented sample, not in the resource table: the batch's last upload [I]
    creation_date: str
    devices_count: int
    devices_link: Link
    attributes: Attributes[Literal["DeviceBatch"]]


class DeviceUploadDetails(Wire, kw_only=True):
    device_id: str | UnsetType = UNSET
    serial_number: str | UnsetType = UNSET
    product_key: str | UnsetType = UNSET
    status: str
    error_code: str | UnsetType = UNSET
    error_description: str | UnsetType = UNSET
    attributes: Attributes[Literal["DeviceUploadDetails"]]


class BatchUploadDetails(Wire, kw_only=True):
    batch_tracking_id: str
    status: str
    started_time: str
    completed_time: str | UnsetType = UNSET
    devices_status: list[DeviceUploadDetails]
    attributes: Attributes[Literal["BatchUploadDetails"]]


# --- managed services (managed-service-resources.md) --------------------------------------------------------------


class ManagedServiceLinks(Wire, kw_only=True):
    admin_service: Link
    service_health: Link
    service_ticket: Link


class ManagedService(Wire, kw_only=True):
    id: str
    name: str
    group_name: str
    links: ManagedServiceLinks
    attributes: Attributes[Literal["ManagedService"]]


# --- insider programs, notification preferences, syndication migrations (the SDK's models only) ------------------


class InsiderProgram(Wire, kw_only=True):
    id: str
    name: str
    enrollment_status: bool


class CommunicationPreference(Wire, kw_only=True):
    channel: str
    endpoint: str | UnsetType = UNSET
    status: str
    feature_preferences: str | UnsetType = UNSET


class NotificationPreference(Wire, kw_only=True):
    notification_area: str
    locale: str
    communication_preferences: list[CommunicationPreference]


class SyndicationMigration(Wire, kw_only=True):
    id: str
    partner_id: str
    created_date: str
    mosi_customer_ids: list[str]


class SubscriptionSyndicationMigrationStatus(Wire, kw_only=True):
    mosi_subscription_id: str
    csp_subscription_id: str | UnsetType = UNSET
    csp_subscription_offer_id: str | UnsetType = UNSET
    csp_subscription_start_date: str | UnsetType = UNSET
    csp_subscription_end_date: str | UnsetType = UNSET


class CustomerSyndicationMigration(Wire, kw_only=True):
    mosi_customer_id: str
    customer_name: str
    tenant_id: str
    csp_customer_id: str | UnsetType = UNSET
    status: str
    error_details: str | UnsetType = UNSET
    error_code: str | UnsetType = UNSET
    migrated_subscriptions: list[SubscriptionSyndicationMigrationStatus]


class SyndicationMigrationStatus(Wire, kw_only=True):
    id: str
    partner_id: str
    customers_data: list[CustomerSyndicationMigration]


# --- request bodies ----------------------------------------------------------------------------------------------

# A hardware hash is the base64 of Windows' 4K hardware hash (about 4,000 characters) [I: the limit].
HardwareHash = Annotated[str, Meta(max_length=8192)]


class PolicyAssignmentIn(Body, kw_only=True):
    PROBLEM = InvalidInput
    key: Text32
    value: Guid | None = None


class DeviceIn(Body, kw_only=True):
    """A device to upload, or a device's new state (PUT). The documented bodies also carry Id, CreatedBy,
    UploadedDate, AllowedOperations and Attributes, which are read-only and ignored."""

    PROBLEM = InvalidInput
    id: Text | None = None
    serial_number: Text128 | None = None
    product_key: Text64 | None = None
    hardware_hash: HardwareHash | None = None
    model_name: Text | None = None
    oem_manufacturer_name: Text | None = None
    policies: list[PolicyAssignmentIn] | None = None


class DeviceList(Body, kw_only=True):
    """The body of POST …/deviceBatches/{id}/devices is a bare array of devices; read as {"devices": [...]} so
    that errors name devices[n].field."""

    PROBLEM = InvalidInput
    devices: Annotated[list[DeviceIn], Meta(min_length=1, max_length=500)]


class DeviceBatchCreate(Body, kw_only=True):
    SPELLING = "Pascal"
    PROBLEM = InvalidInput
    batch_id: Text128
    devices: Annotated[list[DeviceIn], Meta(min_length=1, max_length=500)]


class DevicePolicyIn(Body, kw_only=True):
    PROBLEM = InvalidInput
    id: Text
    policies: Annotated[list[PolicyAssignmentIn], Meta(min_length=1)]


class DevicePolicyUpdate(Body, kw_only=True):
    SPELLING = "Pascal"
    PROBLEM = InvalidInput
    devices: Annotated[list[DevicePolicyIn], Meta(min_length=1, max_length=500)]


class PolicyCreate(Body, kw_only=True):
    PROBLEM = InvalidInput
    name: Text
    category: Text32
    description: Text2048 | None = None
    policy_settings: Annotated[list[Text64], Meta(min_length=1, max_length=6)]


class PolicyReplace(Body, kw_only=True):
    """update-a-configuration-policy-for-the-specified-customer.md: id, name, category and policySettings are
    required; devicesAssigned is read-only (ignored)."""

    PROBLEM = InvalidInput
    id: Guid
    name: Text
    category: Text32
    description: Text2048 | None = None
    policy_settings: Annotated[list[Text64], Meta(min_length=1, max_length=6)]


class InsiderProgramIn(Body, kw_only=True):
    PROBLEM = InvalidInput
    id: Text64
    name: Text | None = None
    enrollment_status: bool


class CommunicationPreferenceIn(Body, kw_only=True):
    PROBLEM = InvalidInput
    channel: Text16 | None = None
    endpoint: Text | None = None
    status: Text16
    feature_preferences: Text2048 | None = None


class SyndicationMigrationCreate(Body, kw_only=True):
    """The SDK's SyndicationMigration: id, partnerId and createdDate are the service's (ignored)."""

    PROBLEM = InvalidInput
    mosi_customer_ids: Annotated[list[Text64], Meta(min_length=1, max_length=100)]
