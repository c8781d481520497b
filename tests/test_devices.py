"""Devices, configuration policies, batch jobs, managed services, insider programs, notification preferences and
syndication migrations (issue 15), against literal documents: the documented samples where they exist
(docs/sources/devices.md), written out here, never the code's own output.

The emulator's clock is fixed (2026-12-01T10:00:00.123456Z) so that every time on the wire is literal; a batch job
takes the provisioning delay (30 s): queued for the first half, processing for the second, then finished.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from microsoft.store.partnercenterservices import MicrosoftPartnerStoreApis
from microsoft.store.partnercenterservices import models as m
from msrest import Deserializer
from msrest.authentication import BasicTokenAuthentication
from starlette.testclient import TestClient

from emulator.app import EmulatorApp
from emulator.clock import Clock
from emulator.state import EmulatorState
from tests.helpers import NW, app_token, bearer, serving, user_token

FIXED = datetime(2026, 12, 1, 10, 0, 0, 123456, tzinfo=UTC).timestamp()
NOW = "2026-12-01T10:00:00.123456Z"
DONE = "2026-12-01T10:00:30.123456Z"  # NOW + the provisioning delay
V = "1"
CONTOSO = NW.CONTOSO  # the documented samples' batch, devices and policies
FABRIKAM = "c13d2ea4-5bee-53d5-988a-6b3a6a13df75"  # no Autopilot data
WINGTIP = "72df8664-689f-50a3-9f34-c0f099b9f1c5"  # has not granted delegated admin privileges
LITWARE = "51780fa4-2176-516e-be39-6b393becd54c"  # a generated batch of three devices, one with its policy
LITWARE_POLICY = "4bb713ca-da28-5725-91bc-727144153669"
TEST_POLICY = "56edf752-ee77-4fd8-b7f5-df1f74a3a9ac"
DELL = "7c141ea9-2816-4e15-a819-53f6856499ff"
HP = "e528a62f-5031-49f4-bea7-5fafe47388fd"
ADMIN_OID = "5418c243-d78c-5601-aca1-ed78f7202604"
MOSI_CONTOSO = "f736c6f6-8221-54c6-8a17-365e3220a768"
MOSI_FABRIKAM = "540de7fd-1ea0-5bd3-a16a-0252bbcd83b4"
MOSI_CONTOSO_TENANT = "f7d4297f-905c-5e30-90c2-750a1e8c6d1e"
O365_E3 = "796B6B5F-613C-4E24-A17C-EBA730D49C02"
GUID_0 = "00000000-0000-0000-0000-000000000001"
PORTAL = "https://portal.office.com/Partner/BeginClientSession.aspx"

# The .NET SDK's model classes by name, to read an answer as the SDK's model (msrest).
SDK_MODELS = {name: kind for name, kind in vars(m).items() if isinstance(kind, type)}


def error(code: int | str, description: str) -> dict[str, Any]:
    return {"code": code, "description": description, "data": [], "source": "PartnerFD"}


def link(uri: str) -> dict[str, Any]:
    return {"uri": uri, "method": "GET", "headers": []}


def as_sdk(model: str, document: Any) -> Any:
    return Deserializer(SDK_MODELS)(model, document)


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


def job_of(response: Any, customer: str = CONTOSO) -> str:
    """The tracking id of a 202's Location header, after checking the documented form of the answer."""
    assert response.status_code == 202, response.text
    assert response.content == b""
    location = response.headers["location"]
    prefix = f"/customers/{customer}/batchJobStatus/"
    assert location.startswith(prefix)
    return str(location[len(prefix) :])


# --- configuration policies -------------------------------------------------------------------------------------

# get-a-list-of-a-customer-s-policies.md's sample, with devicesAssignedCount for the sample's devicesAssigned (the
# resource table's, the .NET SDK's and partnercenterservices' name).
DOC_POLICIES = {
    "totalCount": 3,
    "items": [
        {
            "id": "8c7d25aa-2dbb-409c-a1f0-f55bd9108fa9",
            "name": "Windows 10 Enterprise E3",
            "category": "o_o_b_e",
            "description": "P462017 description",
            "devicesAssignedCount": 0,
            "policySettings": ["oobe_user_not_local_admin", "skip_express_settings"],
            "createdDate": "2017-04-27T11:30:34.1944704-07:00",
            "lastModifiedDate": "2017-04-27T11:30:34.1944704-07:00",
            "attributes": {"objectType": "ConfigurationPolicy"},
        },
        {
            "id": "56edf752-ee77-4fd8-b7f5-df1f74a3a9ac",
            "name": "Test policy",
            "category": "o_o_b_e",
            "description": "Test policy creation from API 1",
            "devicesAssignedCount": 0,
            "policySettings": ["skip_express_settings"],
            "createdDate": "2017-07-25T11:03:03.8457088-07:00",
            "lastModifiedDate": "2017-07-25T11:04:00.8150016-07:00",
            "attributes": {"objectType": "ConfigurationPolicy"},
        },
        {
            "id": "a96b5fd9-0f3a-419a-b55c-a8aecd6b1f00",
            "name": "Windows 10 Enterprise E5",
            "category": "o_o_b_e",
            "description": "test policy creation from API",
            "devicesAssignedCount": 0,
            "policySettings": ["oobe_user_not_local_admin", "skip_express_settings"],
            "createdDate": "2017-07-25T11:07:36.1501184-07:00",
            "lastModifiedDate": "2017-07-25T11:07:36.1501184-07:00",
            "attributes": {"objectType": "ConfigurationPolicy"},
        },
    ],
    "attributes": {"objectType": "Collection"},
}


def test_list_policies_is_the_documented_sample(client: TestClient, app: dict[str, str]) -> None:
    answer = client.get(f"/v1/customers/{CONTOSO}/policies", headers=app)  # app-only or App+User
    assert (answer.status_code, answer.json()) == (200, DOC_POLICIES)
    read = as_sdk("MicrosoftPartnerSdkContractsV1CollectionsResourceCollectionMicrosoftPartnerSdkContractsV1DeviceDeploymentConfigurationPolicy", answer.json())  # fmt: skip
    assert [p.name for p in read.items] == ["Windows 10 Enterprise E3", "Test policy", "Windows 10 Enterprise E5"]
    assert read.items[1].policy_settings == ["skip_express_settings"]


def test_get_policy_with_the_sdk(sdk: MicrosoftPartnerStoreApis) -> None:
    # retrieve-a-customer-s-configuration-policy.md's sample
    policy = sdk.getvversioncustomerscustomer.id4(CONTOSO, TEST_POLICY, V)
    assert (policy.id, policy.name, policy.category) == (TEST_POLICY, "Test policy", "o_o_b_e")
    assert policy.description == "Test policy creation from API 1"
    assert policy.devices_assigned_count == 0
    assert policy.policy_settings == ["skip_express_settings"]
    assert policy.created_date == datetime.fromisoformat("2017-07-25T11:03:03.845708-07:00")


def test_create_update_delete_policy(client: TestClient, user: dict[str, str]) -> None:
    # create-a-new-configuration-policy-for-the-specified-customer.md's request; the answer is 200 OK.
    body = {
        "name": "Windows 10 Enterprise E5",
        "category": "o_o_b_e",
        "description": "test policy creation from API",
        "policySettings": ["oobe_user_not_local_admin", "skip_express_settings"],
    }
    created = client.post(f"/v1/customers/{FABRIKAM}/policies", json=body, headers=user)
    assert created.status_code == 200
    policy_id = created.json()["id"]
    assert created.json() == {
        "id": policy_id,
        "name": "Windows 10 Enterprise E5",
        "category": "o_o_b_e",
        "description": "test policy creation from API",
        "devicesAssignedCount": 0,
        "policySettings": ["oobe_user_not_local_admin", "skip_express_settings"],
        "createdDate": NOW,
        "lastModifiedDate": NOW,
        "attributes": {"objectType": "ConfigurationPolicy"},
    }
    listed = client.get(f"/v1/customers/{FABRIKAM}/policies", headers=user).json()
    assert (listed["totalCount"], listed["items"]) == (1, [created.json()])

    # update-a-configuration-policy-for-the-specified-customer.md's request, an hour later
    client.app.state.clock.advance(3600)
    change = {
        "id": policy_id,
        "name": "Windows test policy",
        "category": "o_o_b_e",
        "description": "Test policy creation from API",
        "devicesAssigned": 0,
        "policySettings": ["skip_express_settings"],
    }
    updated = client.put(f"/v1/customers/{FABRIKAM}/policies/{policy_id}", json=change, headers=user)
    expected = {
        "id": policy_id,
        "name": "Windows test policy",
        "category": "o_o_b_e",
        "description": "Test policy creation from API",
        "devicesAssignedCount": 0,
        "policySettings": ["skip_express_settings"],
        "createdDate": NOW,
        "lastModifiedDate": "2026-12-01T11:00:00.123456Z",
        "attributes": {"objectType": "ConfigurationPolicy"},
    }
    assert (updated.status_code, updated.json()) == (200, expected)
    assert client.get(f"/v1/customers/{FABRIKAM}/policies/{policy_id}", headers=user).json() == expected

    gone = client.delete(f"/v1/customers/{FABRIKAM}/policies/{policy_id}", headers=user)
    assert (gone.status_code, gone.content) == (204, b"")
    missing = client.get(f"/v1/customers/{FABRIKAM}/policies/{policy_id}", headers=user)
    assert (missing.status_code, missing.json()) == (
        404,
        error(1000, f"Not found: the customer has no configuration policy with id {policy_id}."),
    )
    assert client.get(f"/v1/customers/{FABRIKAM}/policies", headers=user).json()["totalCount"] == 0
    assert client.delete(f"/v1/customers/{FABRIKAM}/policies/{policy_id}", headers=user).status_code == 404


def test_create_policy_with_the_sdk_and_retry(sdk: MicrosoftPartnerStoreApis) -> None:
    policy = m.MicrosoftPartnerSdkContractsV1DeviceDeploymentConfigurationPolicy(
        name="Kiosk", category="o_o_b_e", policy_settings=["skip_eula", "skip_oem_registration"]
    )
    first = sdk.postvversioncustomerscustomer.idpolicies(FABRIKAM, policy, V, ms_request_id="r-1")
    again = sdk.postvversioncustomerscustomer.idpolicies(FABRIKAM, policy, V, ms_request_id="r-1")
    assert first.id == again.id  # the same MS-RequestId: the first answer, nothing created twice
    assert (first.name, first.policy_settings, first.description) == (
        "Kiosk",
        ["skip_eula", "skip_oem_registration"],
        None,
    )
    fetched = sdk.getvversioncustomerscustomer.id4(FABRIKAM, first.id, V)
    assert fetched.last_modified_date == datetime(
        2026, 12, 1, 10, 0, 0, 123456, tzinfo=fetched.last_modified_date.tzinfo
    )
    updated = sdk.putvversioncustomerscustomer.id1(
        FABRIKAM,
        first.id,
        m.MicrosoftPartnerSdkContractsV1DeviceDeploymentConfigurationPolicy(
            id=first.id, name="Kiosk 2", category="o_o_b_e", policy_settings=["none"]
        ),
        V,
    )
    assert (updated.name, updated.policy_settings) == ("Kiosk 2", ["none"])
    raw = sdk.deletevversioncustomerscustomer.id4(FABRIKAM, first.id, V, raw=True)
    assert raw.response.status_code == 204


# --- device batches, devices and batch jobs ---------------------------------------------------------------------

DOC_DEVICES = {
    "totalCount": 2,
    "items": [
        {
            "id": DELL,
            "serialNumber": "2R9-ZNP67",
            "productKey": "00329-00000-0003-AA6069",
            "modelName": "Precision WorkStation T7500",
            "oemManufacturerName": "Dell Inc.",
            "policies": [{"key": "o_o_b_e", "value": None}],
            "uploadedDate": "2017-08-09T14:43:26.0092288-07:00",
            "attributes": {"objectType": "Device"},
        },
        {
            "id": HP,
            "serialNumber": "1234567890",
            "productKey": "12345-67890-09876-54321-13579",
            "modelName": "HP Z420 Workstation",
            "oemManufacturerName": "Hewlett-Packard",
            "policies": [{"key": "o_o_b_e", "value": None}],
            "uploadedDate": "2017-08-09T14:35:51.3126144-07:00",
            "attributes": {"objectType": "Device"},
        },
    ],
    "attributes": {"objectType": "Collection"},
}


def test_batches_and_devices_are_the_documented_samples(client: TestClient, app: dict[str, str]) -> None:
    # get-the-list-of-device-batches-for-the-specified-customer.md's sample; the world's batch holds the two
    # devices of get-a-list-of-devices-for-the-specified-batch-and-customer.md's sample (not five).
    batches = client.get(f"/v1/customers/{CONTOSO}/deviceBatches", headers=app)
    assert (batches.status_code, batches.json()) == (
        200,
        {
            "totalCount": 1,
            "items": [
                {
                    "id": "Test batch",
                    "status": "finished",
                    "creationDate": "2017-07-25T01:51:00",
                    "devicesCount": 2,
                    "devicesLink": link(f"/customers/{CONTOSO}/deviceBatches/Test batch/devices"),
                    "attributes": {"objectType": "DeviceBatch"},
                }
            ],
            "attributes": {"objectType": "Collection"},
        },
    )
    read = as_sdk("MicrosoftPartnerSdkContractsV1CollectionsResourceCollectionMicrosoftPartnerSdkContractsV1DeviceDeploymentDeviceBatch", batches.json())  # fmt: skip
    assert (read.items[0].id, read.items[0].devices_count) == ("Test batch", 2)
    devices = client.get(f"/v1/customers/{CONTOSO}/deviceBatches/Test%20batch/devices", headers=app)
    assert (devices.status_code, devices.json()) == (200, DOC_DEVICES)
    paged = as_sdk("MicrosoftPartnerSdkContractsV1CollectionsPagedResourceCollectionMicrosoftPartnerSdkContractsV1DeviceDeploymentDevice", devices.json())  # fmt: skip
    assert [d.model_name for d in paged.items] == ["Precision WorkStation T7500", "HP Z420 Workstation"]
    assert paged.items[0].policies[0].key == "o_o_b_e"


# upload-a-list-of-devices-to-create-a-new-batch-for-the-specified-customer.md's request body
DOC_BATCH = {
    "BatchId": "SDKTestDeviceBatch",
    "Devices": [
        {
            "Id": None,
            "SerialNumber": "1R9-ZNP67",
            "ProductKey": "00329-00000-0003-AA606",
            "HardwareHash": "DummyHash123",
            "Policies": None,
            "CreatedBy": None,
            "UploadedDate": "0001-01-01T00:00:00",
            "AllowedOperations": None,
            "Attributes": {"ObjectType": "Device"},
        }
    ],
    "Attributes": {"ObjectType": "DeviceBatchCreationRequest"},
}


def test_upload_a_new_batch_and_follow_its_job(client: TestClient, user: dict[str, str], app: dict[str, str]) -> None:
    refused = client.post(f"/v1/customers/{CONTOSO}/deviceBatches", json=DOC_BATCH, headers=app)
    assert (refused.status_code, refused.json()["code"]) == (401, 400)  # App+User only (the page's prerequisites)
    headers = {**user, "MS-RequestId": "c245d5f2-1de3-4ae0-9e42-95e38e3cb8ff"}
    answer = client.post(f"/v1/customers/{CONTOSO}/deviceBatches", json=DOC_BATCH, headers=headers)
    tracking = job_of(answer)
    again = client.post(f"/v1/customers/{CONTOSO}/deviceBatches", json=DOC_BATCH, headers=headers)
    assert again.headers["location"] == answer.headers["location"]  # a retry: the same job, no second batch

    status_uri = f"/v1/customers/{CONTOSO}/batchJobStatus/{tracking}"

    def status(state: str, device: str) -> dict[str, Any]:
        document: dict[str, Any] = {"batchTrackingId": tracking, "status": state, "startedTime": NOW}
        if state == "finished":
            document["completedTime"] = DONE
        entry = {"deviceId": device, "serialNumber": "1R9-ZNP67", "productKey": "00329-00000-0003-AA606"}
        entry |= {"status": state, "attributes": {"objectType": "DeviceUploadDetails"}}
        return document | {"devicesStatus": [entry], "attributes": {"objectType": "BatchUploadDetails"}}

    queued = client.get(status_uri, headers=app)
    device_id = queued.json()["devicesStatus"][0]["deviceId"]
    assert (queued.status_code, queued.json()) == (200, status("queued", device_id))
    batch = {
        "id": "SDKTestDeviceBatch",
        "status": "queued",
        "creationDate": NOW,
        "devicesCount": 0,
        "devicesLink": link(f"/customers/{CONTOSO}/deviceBatches/SDKTestDeviceBatch/devices"),
        "attributes": {"objectType": "DeviceBatch"},
    }
    assert client.get(f"/v1/customers/{CONTOSO}/deviceBatches", headers=user).json()["items"][1] == batch
    listed = client.get(f"/v1/customers/{CONTOSO}/deviceBatches/SDKTestDeviceBatch/devices", headers=user)
    assert listed.json() == {"totalCount": 0, "items": [], "attributes": {"objectType": "Collection"}}

    client.app.state.clock.advance(15)
    assert client.get(status_uri, headers=app).json() == status("processing", device_id)
    client.app.state.clock.advance(15)
    assert client.get(status_uri, headers=app).json() == status("finished", device_id)
    batches = client.get(f"/v1/customers/{CONTOSO}/deviceBatches", headers=user).json()
    assert batches["items"][1] == batch | {"status": "finished", "devicesCount": 1}
    devices = client.get(f"/v1/customers/{CONTOSO}/deviceBatches/SDKTestDeviceBatch/devices", headers=user)
    assert devices.json() == {
        "totalCount": 1,
        "items": [
            {
                "id": device_id,
                "serialNumber": "1R9-ZNP67",
                "productKey": "00329-00000-0003-AA606",
                "policies": [{"key": "o_o_b_e", "value": None}],
                "uploadedDate": DONE,
                "attributes": {"objectType": "Device"},
            }
        ],
        "attributes": {"objectType": "Collection"},
    }


def test_batch_job_status_with_the_sdk(sdk: MicrosoftPartnerStoreApis, emulator_app: EmulatorApp) -> None:
    request = m.MicrosoftPartnerSdkContractsV1DeviceDeploymentDeviceBatchCreationRequest(
        batch_id="From the SDK",
        devices=[m.MicrosoftPartnerSdkContractsV1DeviceDeploymentDevice(hardware_hash="SdkHash1", serial_number="S1")],
    )
    raw = sdk.postvversioncustomerscustomer.iddevice_batches(
        FABRIKAM, V, batch_id="From the SDK", devices=request.devices, raw=True
    )
    assert raw.response.status_code == 202
    tracking = raw.response.headers["Location"].rsplit("/", 1)[1]
    emulator_app.state.clock.advance(30)
    details = sdk.getvversioncustomerscustomer.id3(FABRIKAM, tracking, V)
    assert (details.batch_tracking_id, details.status) == (tracking, "finished")
    assert details.devices_status[0].serial_number == "S1"
    assert details.devices_status[0].status == "finished"
    assert details.completed_time == datetime(2026, 12, 1, 10, 0, 30, 123456, tzinfo=details.completed_time.tzinfo)


# upload-a-list-of-devices-for-the-specified-customer.md's request body (to the batch Test batch here)
DOC_DEVICE_LIST = [
    {
        "Id": None,
        "SerialNumber": "2R9-ZNP67",
        "ProductKey": "00329-00000-0003-AA606",
        "HardwareHash": "DummyHash1234",
        "Policies": None,
        "CreatedBy": None,
        "UploadedDate": "0001-01-01T00:00:00",
        "AllowedOperations": None,
        "Attributes": {"ObjectType": "Device"},
    },
    {
        "Id": None,
        "SerialNumber": "2R9-ZNP67",
        "ProductKey": "00329-00000-0003-AA606",
        "HardwareHash": "DummyHash12345",
        "Policies": None,
        "CreatedBy": None,
        "UploadedDate": "0001-01-01T00:00:00",
        "AllowedOperations": None,
        "Attributes": {"ObjectType": "Device"},
    },
]


def test_upload_to_an_existing_batch_and_duplicates(client: TestClient, app: dict[str, str]) -> None:
    uri = f"/v1/customers/{CONTOSO}/deviceBatches/Test%20batch/devices"
    tracking = job_of(client.post(uri, json=DOC_DEVICE_LIST, headers=app))  # app-only may add to a batch
    client.app.state.clock.advance(30)
    done = client.get(f"/v1/customers/{CONTOSO}/batchJobStatus/{tracking}", headers=app).json()
    assert [(s["serialNumber"], s["status"]) for s in done["devicesStatus"]] == [
        ("2R9-ZNP67", "finished"),
        ("2R9-ZNP67", "finished"),
    ]
    listed = client.get(uri, headers=app).json()
    assert listed["totalCount"] == 4
    assert [d["id"] for d in listed["items"][2:]] == [s["deviceId"] for s in done["devicesStatus"]]

    # The same hardware hash again: 806 in this customer, 808 in another (the Autopilot import errors); the
    # sample's Dell device again by serial number, manufacturer and model; a device twice in one request.
    again = [
        {"hardwareHash": "DummyHash1234"},
        {"serialNumber": "2r9-znp67", "oemManufacturerName": "DELL INC.", "modelName": "Precision WorkStation T7500"},
        {"hardwareHash": "Fresh", "serialNumber": "F1"},
        {"hardwareHash": "Fresh", "serialNumber": "F1"},
    ]
    tracking = job_of(client.post(uri, json=again, headers=app))
    other = job_of(
        client.post(f"/v1/customers/{LITWARE}/deviceBatches/Batch-01/devices", json=again[:1], headers=app), LITWARE
    )
    client.app.state.clock.advance(30)
    report = client.get(f"/v1/customers/{CONTOSO}/batchJobStatus/{tracking}", headers=app).json()
    fresh = report["devicesStatus"][2]["deviceId"]
    assert report == {
        "batchTrackingId": tracking,
        "status": "finished",
        "startedTime": "2026-12-01T10:00:30.123456Z",
        "completedTime": "2026-12-01T10:01:00.123456Z",
        "devicesStatus": [
            {"status": "finished_with_errors", "errorCode": "806", "errorDescription": "ZtdDeviceAlreadyAssigned",
             "attributes": {"objectType": "DeviceUploadDetails"}},
            {"serialNumber": "2r9-znp67", "status": "finished_with_errors", "errorCode": "806",
             "errorDescription": "ZtdDeviceAlreadyAssigned", "attributes": {"objectType": "DeviceUploadDetails"}},
            {"deviceId": fresh, "serialNumber": "F1", "status": "finished",
             "attributes": {"objectType": "DeviceUploadDetails"}},
            {"serialNumber": "F1", "status": "finished_with_errors", "errorCode": "806",
             "errorDescription": "ZtdDeviceAlreadyAssigned", "attributes": {"objectType": "DeviceUploadDetails"}},
        ],
        "attributes": {"objectType": "BatchUploadDetails"},
    }  # fmt: skip
    elsewhere = client.get(f"/v1/customers/{LITWARE}/batchJobStatus/{other}", headers=app).json()
    assert elsewhere["devicesStatus"] == [
        {"status": "finished_with_errors", "errorCode": "808", "errorDescription": "ZtdDeviceAssignedToOtherTenant",
         "attributes": {"objectType": "DeviceUploadDetails"}}
    ]  # fmt: skip
    assert client.get(uri, headers=app).json()["totalCount"] == 5
    assert client.get(f"/v1/customers/{LITWARE}/deviceBatches/Batch-01/devices", headers=app).json()["totalCount"] == 3


def test_policy_update_shows_once_its_job_finished(client: TestClient, user: dict[str, str]) -> None:
    # update-a-list-of-devices-with-a-policy.md's request, for the world's Dell device and the sample's policy
    body = {
        "Devices": [
            {
                "Id": DELL,
                "SerialNumber": None,
                "ProductKey": None,
                "HardwareHash": None,
                "Policies": [{"Key": "o_o_b_e", "Value": TEST_POLICY}],
                "CreatedBy": None,
                "UploadedDate": "0001-01-01T00:00:00",
                "AllowedOperations": None,
                "Attributes": {"ObjectType": "Device"},
            }
        ],
        "Attributes": {"ObjectType": "DevicePolicyUpdateRequest"},
    }
    tracking = job_of(client.patch(f"/v1/customers/{CONTOSO}/DevicePolicyUpdates", json=body, headers=user))
    devices_uri = f"/v1/customers/{CONTOSO}/deviceBatches/Test batch/devices"
    policy_uri = f"/v1/customers/{CONTOSO}/policies/{TEST_POLICY}"
    assert client.get(devices_uri, headers=user).json() == DOC_DEVICES  # not yet
    assert client.get(policy_uri, headers=user).json()["devicesAssignedCount"] == 0
    client.app.state.clock.advance(30)
    assert client.get(f"/v1/customers/{CONTOSO}/batchJobStatus/{tracking}", headers=user).json() == {
        "batchTrackingId": tracking,
        "status": "finished",
        "startedTime": NOW,
        "completedTime": DONE,
        "devicesStatus": [
            {"deviceId": DELL, "serialNumber": "2R9-ZNP67", "productKey": "00329-00000-0003-AA6069",
             "status": "finished", "attributes": {"objectType": "DeviceUploadDetails"}}
        ],
        "attributes": {"objectType": "BatchUploadDetails"},
    }  # fmt: skip
    devices = client.get(devices_uri, headers=user).json()
    assert devices["items"][0]["policies"] == [{"key": "o_o_b_e", "value": TEST_POLICY}]
    assert devices["items"][1] == DOC_DEVICES["items"][1]
    assert client.get(policy_uri, headers=user).json()["devicesAssignedCount"] == 1
    # A policy a device has is not deleted [I]; once the device is removed it is.
    in_use = client.delete(policy_uri, headers=user)
    assert (in_use.status_code, in_use.json()) == (
        409,
        error(3000, f"The configuration policy {TEST_POLICY} is assigned to 1 device(s)."),
    )
    assert (
        client.delete(f"/v1/customers/{CONTOSO}/deviceBatches/Test batch/devices/{DELL}", headers=user).status_code
        == 204
    )
    assert client.delete(policy_uri, headers=user).status_code == 204


def test_replace_and_delete_a_device(client: TestClient, user: dict[str, str]) -> None:
    uri = f"/v1/customers/{LITWARE}/deviceBatches/batch-01/devices"  # batch ids ignore case
    first, second, third = (d["id"] for d in client.get(uri, headers=user).json()["items"])
    assert (
        client.get(f"/v1/customers/{LITWARE}/policies/{LITWARE_POLICY}", headers=user).json()["devicesAssignedCount"]
        == 1
    )
    body = {"id": second, "policies": [{"key": "o_o_b_e", "value": LITWARE_POLICY}], "modelName": "Surface Laptop 6"}
    replaced = client.put(f"{uri}/{second}", json=body, headers=user)
    expected = {
        "id": second,
        "serialNumber": "NW0000051",
        "modelName": "Surface Laptop 6",
        "oemManufacturerName": "Microsoft Corporation",
        "policies": [{"key": "o_o_b_e", "value": LITWARE_POLICY}],
        "uploadedDate": "2026-01-10T01:05:00.00Z",
        "attributes": {"objectType": "Device"},
    }
    assert (replaced.status_code, replaced.json()) == (200, expected)
    assert client.get(uri, headers=user).json()["items"][1] == expected
    assert (
        client.get(f"/v1/customers/{LITWARE}/policies/{LITWARE_POLICY}", headers=user).json()["devicesAssignedCount"]
        == 2
    )
    cleared = client.put(f"{uri}/{first}", json={"policies": [{"key": "o_o_b_e", "value": None}]}, headers=user)
    assert cleared.json()["policies"] == [{"key": "o_o_b_e", "value": None}]

    deleted = client.delete(f"{uri}/{third}", headers=user)
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert [d["id"] for d in client.get(uri, headers=user).json()["items"]] == [first, second]
    again = client.delete(f"{uri}/{third}", headers=user)
    assert (again.status_code, again.json()) == (
        404,
        error(1000, f"Not found: the customer has no device with id {third}."),
    )
    batches = client.get(f"/v1/customers/{LITWARE}/deviceBatches", headers=user).json()
    assert batches["items"][0]["devicesCount"] == 2


def test_devices_come_in_pages_of_100(client: TestClient, user: dict[str, str]) -> None:
    devices = [{"hardwareHash": f"Hash{n:03d}"} for n in range(150)]
    job_of(
        client.post(
            f"/v1/customers/{FABRIKAM}/deviceBatches", json={"batchId": "Big", "devices": devices}, headers=user
        ),
        FABRIKAM,
    )
    client.app.state.clock.advance(30)
    uri = f"/v1/customers/{FABRIKAM}/deviceBatches/Big/devices"
    first = client.get(uri, headers=user).json()
    assert (first["totalCount"], len(first["items"])) == (100, 100)
    token = first["continuationToken"]
    second = client.get(uri, headers={**user, "MS-ContinuationToken": token}).json()
    assert (second["totalCount"], "continuationToken" in second) == (50, False)
    ids = [d["id"] for d in first["items"] + second["items"]]
    assert len(set(ids)) == 150
    bad = client.get(uri, headers={**user, "MS-ContinuationToken": "not-ours"})
    assert (bad.status_code, bad.json()["code"]) == (400, 800002)


def test_a_bad_device_changes_nothing(client: TestClient, user: dict[str, str]) -> None:
    body = {"batchId": "Half", "devices": [{"hardwareHash": "Good"}, {"productKey": "K", "serialNumber": "S"}]}
    answer = client.post(f"/v1/customers/{FABRIKAM}/deviceBatches", json=body, headers=user)
    assert (answer.status_code, answer.json()) == (
        400,
        error(
            800002,
            "Invalid request input: 'devices[1]' must carry hardwareHash (with productKey or serialNumber, or alone), "
            "productKey alone, or serialNumber with oemManufacturerName and modelName.",
        ),
    )
    assert client.get(f"/v1/customers/{FABRIKAM}/deviceBatches", headers=user).json()["totalCount"] == 0
    # and the good device is still free to upload
    job_of(
        client.post(
            f"/v1/customers/{FABRIKAM}/deviceBatches",
            json={"batchId": "Half", "devices": body["devices"][:1]},
            headers=user,
        ),
        FABRIKAM,
    )


# --- managed services -------------------------------------------------------------------------------------------


def services(customer: str, domain: str) -> list[dict[str, Any]]:
    """get-the-managed-services-for-a-customer-by-id.md's sample, <ctid> and <domain> filled in."""
    common = {"serviceHealth": link(f"{PORTAL}?CTID={customer}&CSDEST=ServiceStatus"),
              "serviceTicket": link(f"{PORTAL}?CTID={customer}&CSDEST=Support")}  # fmt: skip

    def admin(service: str) -> dict[str, Any]:
        return link(f"{PORTAL}?CTID={customer}&CSDEST={service}&InitialDomain={domain}&PrimaryDomain={domain}")

    return [
        {"id": "Exchange", "name": "Exchange", "groupName": "Office",
         "links": {"adminService": admin("Exchange"), **common}, "attributes": {"objectType": "ManagedService"}},
        {"id": "MicrosoftCommunicationsOnline", "name": "SkypeforBusiness", "groupName": "Office",
         "links": {"adminService": admin("MicrosoftCommunicationsOnline"), **common},
         "attributes": {"objectType": "ManagedService"}},
    ]  # fmt: skip


def test_managed_services(client: TestClient, user: dict[str, str], app: dict[str, str]) -> None:
    # Contoso subscribes to Microsoft 365 E5: Exchange Online and Phone System (MCOEV), the sample's two services.
    answer = client.get(f"/v1/customers/{CONTOSO}/managedservices", headers=user)
    assert (answer.status_code, answer.json()) == (
        200,
        {
            "totalCount": 2,
            "items": services(CONTOSO, "contosoltd.onmicrosoft.com"),
            "attributes": {"objectType": "Collection"},
        },
    )
    refused = client.get(f"/v1/customers/{CONTOSO}/managedservices", headers=app)
    assert (refused.status_code, refused.json()["code"]) == (401, 400)  # App+User only
    none = client.get(f"/v1/customers/{WINGTIP}/managedservices", headers=user).json()
    assert (none["totalCount"], none["items"]) == (0, [])  # no delegated admin privileges


def test_managed_services_follow_subscriptions(sdk: MicrosoftPartnerStoreApis, emulator_app: EmulatorApp) -> None:
    listed = sdk.getvversioncustomerscustomer.idmanagedservices(CONTOSO, V)
    assert [(s.id, s.name, s.group_name) for s in listed.items] == [
        ("Exchange", "Exchange", "Office"),
        ("MicrosoftCommunicationsOnline", "SkypeforBusiness", "Office"),
    ]
    assert listed.items[0].links.admin_service.uri.endswith(
        "CSDEST=Exchange&InitialDomain=contosoltd.onmicrosoft.com&PrimaryDomain=contosoltd.onmicrosoft.com"
    )
    # Suspending the E5 subscription takes its services away.
    models = emulator_app.state.models
    customer = models.customers.get(CONTOSO)
    e5 = next(s for s in models.subscriptions.of(customer) if s["offerId"] == "8BDBB60B-E526-43E9-92EF-AB760C8E0B72")
    with emulator_app.state.world.store.transaction() as tx:
        tx.put("subscriptions", {**e5, "status": "suspended"})
    assert sdk.getvversioncustomerscustomer.idmanagedservices(CONTOSO, V).items == []


# --- insider programs and notification preferences ---------------------------------------------------------------


def test_insider_program(client: TestClient, app: dict[str, str], sdk: MicrosoftPartnerStoreApis) -> None:
    program = {"id": "PartnerCenterPreview", "name": "Partner Center preview features", "enrollmentStatus": False}
    assert client.get("/v1/insiderprograms", headers=app).json() == program
    joined = client.put(
        "/v1/insiderprograms", json={"id": "partnercenterpreview", "enrollmentStatus": True}, headers=app
    )
    assert (joined.status_code, joined.json()) == (200, program | {"enrollmentStatus": True})
    read = sdk.getvversioninsiderprograms(V)
    assert (read.id, read.name, read.enrollment_status) == (
        "PartnerCenterPreview",
        "Partner Center preview features",
        True,
    )
    left = sdk.putvversioninsiderprograms(
        m.MicrosoftPartnerSdkContractsV1FlightInsiderProgram(id="PartnerCenterPreview", enrollment_status=False), V
    )
    assert left.enrollment_status is False
    assert client.get("/v1/insiderprograms", headers=app).json() == program


def test_notification_preferences(client: TestClient, user: dict[str, str], sdk: MicrosoftPartnerStoreApis) -> None:
    uri = f"/v1/users/{ADMIN_OID}/preferences/notifications"
    email = {"channel": "email", "endpoint": NW.ADMIN, "status": "off"}
    web = {"channel": "web", "status": "off"}
    default = {"notificationArea": "rated_usage", "locale": "en-US", "communicationPreferences": [email]}
    assert client.get(f"{uri}/ratedUsage/email", headers=user).json() == default
    every = client.get(f"{uri}/serviceHealth/none", headers=user).json()
    assert every == {"notificationArea": "service_health", "locale": "en-US", "communicationPreferences": [email, web]}

    body = {
        "channel": "email",
        "endpoint": "billing@northwindpartners.example",
        "status": "on",
        "featurePreferences": "daily",
    }
    answer = client.put(f"{uri}/ratedUsage/email", json=body, headers=user)
    changed = {
        "channel": "email",
        "endpoint": "billing@northwindpartners.example",
        "status": "on",
        "featurePreferences": "daily",
    }
    assert (answer.status_code, answer.json()) == (
        200,
        [
            {"notificationArea": "rated_usage", "locale": "en-US", "communicationPreferences": [changed, web]},
            {"notificationArea": "service_health", "locale": "en-US", "communicationPreferences": [email, web]},
        ],
    )
    assert client.get(f"{uri}/ratedUsage/email", headers=user).json() == default | {
        "communicationPreferences": [changed]
    }
    read = sdk.getvversionusersuser.idpreferencesnotificationsnotification_areachannel_type(
        "ratedUsage", V, ADMIN_OID, "none"
    )
    assert [(p.channel, p.status) for p in read.communication_preferences] == [("email", "on"), ("web", "off")]
    turned = sdk.putvversionusersuser.idpreferencesnotifications_notification_areachannel_type(
        ADMIN_OID,
        "serviceHealth",
        "web",
        m.MicrosoftPartnerSdkContractsV1NotificationPreferenceCommunicationPreference(status="on"),
        V,
    )
    assert [(a.notification_area, [p.status for p in a.communication_preferences]) for a in turned] == [
        ("rated_usage", ["on", "off"]),
        ("service_health", ["off", "on"]),
    ]


# --- syndication migrations ---------------------------------------------------------------------------------------


def test_syndication_migration(client: TestClient, user: dict[str, str], sdk: MicrosoftPartnerStoreApis) -> None:
    assert client.get(f"/v1/customers/{MOSI_CONTOSO_TENANT}", headers=user).status_code == 404  # not yet CSP
    answer = client.post("/v1/migrations/syndication", json={"mosiCustomerIds": [MOSI_CONTOSO]}, headers=user)
    batch_id = answer.json()["id"]
    assert (answer.status_code, answer.json()) == (
        202,
        {"id": batch_id, "partnerId": NW.TENANT_ID, "createdDate": NOW, "mosiCustomerIds": [MOSI_CONTOSO]},
    )
    status = client.get(f"/v1/migrations/syndication/{batch_id}", headers=user).json()
    subscription = status["customersData"][0]["migratedSubscriptions"][0]["cspSubscriptionId"]
    expected = {
        "id": batch_id,
        "partnerId": NW.TENANT_ID,
        "customersData": [
            {
                "mosiCustomerId": MOSI_CONTOSO,
                "customerName": "Contoso Ltd 00001",
                "tenantId": MOSI_CONTOSO_TENANT,
                "cspCustomerId": MOSI_CONTOSO_TENANT,
                "status": "in_progress",
                "migratedSubscriptions": [
                    {
                        "mosiSubscriptionId": "9983322c-cf4d-5931-9a73-be76cf4f2eac",
                        "cspSubscriptionId": subscription,
                        "cspSubscriptionOfferId": O365_E3,
                        "cspSubscriptionStartDate": "2026-12-01T00:00:00Z",
                        "cspSubscriptionEndDate": "2027-12-01T00:00:00Z",
                    }
                ],
            }
        ],
    }
    assert status == expected
    # The customer and its subscription are the partner's now.
    customer = client.get(f"/v1/customers/{MOSI_CONTOSO_TENANT}", headers=user).json()
    assert (customer["companyProfile"]["companyName"], customer["relationshipToPartner"]) == (
        "Contoso Ltd 00001",
        "reseller",
    )
    subscriptions = client.get(f"/v1/customers/{MOSI_CONTOSO_TENANT}/subscriptions", headers=user).json()["items"]
    assert [(s["id"], s["offerId"], s["quantity"], s["status"]) for s in subscriptions] == [
        (subscription, O365_E3, 15, "active")
    ]
    client.app.state.clock.advance(30)
    completed = expected["customersData"][0] | {"status": "completed"}
    assert client.get(f"/v1/migrations/syndication/{batch_id}", headers=user).json() == expected | {
        "customersData": [completed]
    }
    one = sdk.getvversionmigrationssyndicationmigration_batch_idmosi_customer_id(batch_id, MOSI_CONTOSO.upper(), V)
    assert [(c.mosi_customer_id, c.status, c.csp_customer_id) for c in one.customers_data] == [
        (MOSI_CONTOSO, "completed", MOSI_CONTOSO_TENANT)
    ]

    twice = client.post(
        "/v1/migrations/syndication", json={"mosiCustomerIds": [MOSI_FABRIKAM, MOSI_CONTOSO]}, headers=user
    )
    assert (twice.status_code, twice.json()) == (
        409,
        error(3000, f"The syndication customer {MOSI_CONTOSO} is already being migrated."),
    )
    assert (
        client.get("/v1/customers/d0a57bb6-c46b-5fac-a946-578173d3d46a", headers=user).status_code == 404
    )  # nothing half-done
    created = sdk.postvversionmigrationssyndication(
        m.MicrosoftPartnerSdkContractsV1MigrationSyndicationMigration(mosi_customer_ids=[MOSI_FABRIKAM]), V
    )
    assert created.mosi_customer_ids == [MOSI_FABRIKAM]
    migrated = client.get("/v1/customers/d0a57bb6-c46b-5fac-a946-578173d3d46a/subscriptions", headers=user).json()
    assert sorted((s["offerId"], s["quantity"]) for s in migrated["items"]) == [
        ("195416C1-3447-423A-B37B-EE59A99A19C4", 2),
        ("BD938F12-058F-4927-BBA3-AE36B1D2501C", 6),
    ]


# --- bad input ------------------------------------------------------------------------------------------------------

C = f"/v1/customers/{CONTOSO}"
# (method, path, body, status, code, description): one kind of bad input a line, a table to read down.
# fmt: off
BAD = [
    ("GET", f"/v1/customers/{GUID_0}/deviceBatches", None, 404, 60003, f"Tenant not found: no customer with id {GUID_0} in this partner's customers."),
    ("GET", "/v1/customers/nope/policies", None, 400, 800002, "Invalid request input: the customer id 'nope' is not a GUID."),
    ("GET", f"{C}/deviceBatches/nope/devices", None, 404, 1000, "Not found: the customer has no device batch 'nope'."),
    ("POST", f"{C}/deviceBatches/nope/devices", [{"hardwareHash": "X"}], 404, 1000, "Not found: the customer has no device batch 'nope'."),
    ("DELETE", f"{C}/deviceBatches/Test batch/devices/{GUID_0}", None, 404, 1000, f"Not found: the customer has no device with id {GUID_0}."),
    ("DELETE", f"{C}/deviceBatches/Test batch/devices/abc", None, 400, 800002, "Invalid request input: the device id 'abc' is not a GUID."),
    ("PUT", f"/v1/customers/{LITWARE}/deviceBatches/Batch-01/devices/{DELL}", {"policies": []}, 404, 1000, f"Not found: the customer has no device with id {DELL}."),
    ("GET", f"{C}/policies/{GUID_0}", None, 404, 1000, f"Not found: the customer has no configuration policy with id {GUID_0}."),
    ("GET", f"{C}/policies/xyz", None, 400, 800002, "Invalid request input: the policy id 'xyz' is not a GUID."),
    ("GET", f"{C}/batchJobStatus/{GUID_0}", None, 404, 1000, f"Not found: no batch job with tracking id {GUID_0} for this customer."),
    ("GET", f"{C}/batchJobStatus/123", None, 400, 800002, "Invalid request input: the batch tracking id '123' is not a GUID."),
    # bodies: not JSON, not an object or an array, missing and wrong fields, values out of their enumerations
    ("POST", f"{C}/policies", "{", 400, 800002, "Invalid request input: the body is not valid JSON."),
    ("POST", f"{C}/policies", [], 400, 800002, "Invalid request input: the body must be a JSON object."),
    ("POST", f"{C}/policies", {"name": "P", "category": "o_o_b_e"}, 400, 800002, "Invalid request input: 'policySettings' is required and must be a non-empty list."),
    ("POST", f"{C}/policies", {"category": "o_o_b_e", "policySettings": ["none"]}, 400, 800002, "Invalid request input: 'name' is required."),
    ("POST", f"{C}/policies", {"name": 7, "category": "o_o_b_e", "policySettings": ["none"]}, 400, 3000, "Invalid property: 'name' must be a non-empty string."),
    ("POST", f"{C}/policies", {"name": "P", "category": "oobe_x", "policySettings": ["none"]}, 400, 3000, "Invalid property: 'category' must be 'o_o_b_e', not 'oobe_x'."),
    ("POST", f"{C}/policies", {"name": "P", "category": "o_o_b_e", "policySettings": ["skip_everything"]}, 400, 3000, "Invalid property: 'policySettings[0]' must be one of none, remove_oem_preinstalls, oobe_user_not_local_admin, skip_express_settings, skip_oem_registration, skip_eula, not 'skip_everything'."),
    ("POST", f"{C}/policies", {"name": "P", "category": "o_o_b_e", "policySettings": ["none", "skip_eula"]}, 400, 3000, "Invalid property: 'policySettings' cannot combine 'none' with other settings."),
    ("PUT", f"{C}/policies/{TEST_POLICY}", {"id": GUID_0, "name": "P", "category": "o_o_b_e", "policySettings": ["none"]}, 400, 3000, f"Invalid property: 'id' {GUID_0} is not the policy of the path, {TEST_POLICY}."),
    ("PUT", f"{C}/policies/{TEST_POLICY}", {"id": TEST_POLICY, "name": "P", "category": "o_o_b_e"}, 400, 800002, "Invalid request input: 'policySettings' is required and must be a non-empty list."),
    ("POST", f"{C}/deviceBatches", {"batchId": "B"}, 400, 800002, "Invalid request input: 'Devices' is required and must be a non-empty list."),
    ("POST", f"{C}/deviceBatches", {"batchId": "B", "devices": []}, 400, 800002, "Invalid request input: 'Devices' is required and must be a non-empty list."),
    ("POST", f"{C}/deviceBatches", {"batchId": "a/b", "devices": [{"hardwareHash": "H"}]}, 400, 3000, "Invalid property: 'BatchId' cannot contain '/', '\\', '?' or '#' (it is part of the batch's URL)."),
    ("POST", f"{C}/deviceBatches", {"batchId": "TEST BATCH", "devices": [{"hardwareHash": "H"}]}, 409, 3000, "A device batch with id 'TEST BATCH' already exists for this customer."),
    ("POST", f"{C}/deviceBatches", {"batchId": "B", "devices": [{"hardwareHash": 5}]}, 400, 3000, "Invalid property: 'Devices[0].HardwareHash' must be a non-empty string."),
    ("POST", f"{C}/deviceBatches", {"batchId": "B", "devices": [{}]}, 400, 800002, "Invalid request input: 'devices[0]' must carry hardwareHash (with productKey or serialNumber, or alone), productKey alone, or serialNumber with oemManufacturerName and modelName."),
    ("POST", f"{C}/deviceBatches", {"batchId": "B", "devices": [{"hardwareHash": "H", "policies": [{"key": "o_o_b_e", "value": GUID_0}]}]}, 404, 1000, f"Not found: the customer has no configuration policy with id {GUID_0}."),
    ("POST", f"{C}/deviceBatches/Test batch/devices", {"hardwareHash": "H"}, 400, 800002, "Invalid request input: the body must be a JSON array of devices."),
    ("POST", f"{C}/deviceBatches/Test batch/devices", [], 400, 800002, "Invalid request input: 'devices' is required and must be a non-empty list."),
    ("POST", f"{C}/deviceBatches/Test batch/devices", ["H"], 400, 800002, "Invalid request input: 'devices[0]' must be an object."),
    ("PATCH", f"{C}/DevicePolicyUpdates", {"devices": [{"id": DELL}]}, 400, 800002, "Invalid request input: 'Devices[0].Policies' is required and must be a non-empty list."),
    ("PATCH", f"{C}/DevicePolicyUpdates", {"devices": [{"id": GUID_0, "policies": [{"key": "o_o_b_e", "value": TEST_POLICY}]}]}, 404, 1000, f"Not found: the customer has no device with id {GUID_0}."),
    ("PATCH", f"{C}/DevicePolicyUpdates", {"devices": [{"id": DELL, "policies": [{"key": "none", "value": TEST_POLICY}]}]}, 400, 3000, "Invalid property: 'Devices[0].Policies[0].key' must be 'o_o_b_e', not 'none'."),
    ("PATCH", f"{C}/DevicePolicyUpdates", {"devices": [{"id": DELL, "policies": [{"key": "o_o_b_e", "value": "x"}]}]}, 400, 3000, "Invalid property: 'Devices[0].Policies[0].Value' must be a GUID."),
    ("PUT", f"{C}/deviceBatches/Test batch/devices/{DELL}", {"serialNumber": "OTHER"}, 400, 3000, "Invalid property: 'serialNumber' identifies the device and cannot be changed."),
    ("PUT", "/v1/insiderprograms", {"id": "other", "enrollmentStatus": True}, 404, 1000, "Not found: there is no insider program 'other'."),
    ("PUT", "/v1/insiderprograms", {"id": "PartnerCenterPreview", "enrollmentStatus": "yes"}, 400, 800002, 'Invalid request input: \'enrollmentStatus\' must be true or false, got "yes".'),
    ("GET", f"/v1/users/{GUID_0}/preferences/notifications/ratedUsage/email", None, 404, 60002, f"User object Id is not found: {GUID_0}"),
    ("GET", f"/v1/users/{ADMIN_OID}/preferences/notifications/weather/email", None, 400, 800002, "Invalid request input: the notification area 'weather' is not one of none, ratedUsage, serviceHealth."),
    ("GET", f"/v1/users/{ADMIN_OID}/preferences/notifications/none/email", None, 400, 800002, "Invalid request input: notification preferences are kept for ratedUsage and serviceHealth, not for none."),
    ("GET", f"/v1/users/{ADMIN_OID}/preferences/notifications/ratedUsage/sms", None, 400, 800002, "Invalid request input: the channel type 'sms' is not one of none, email, web."),
    ("PUT", f"/v1/users/{ADMIN_OID}/preferences/notifications/ratedUsage/email", {"status": "maybe"}, 400, 3000, "Invalid property: 'status' must be on or off, not 'maybe'."),
    ("PUT", f"/v1/users/{ADMIN_OID}/preferences/notifications/ratedUsage/email", {"status": "on", "endpoint": "nobody"}, 400, 3000, "Invalid property: 'endpoint' 'nobody' is not an e-mail address."),
    ("PUT", f"/v1/users/{ADMIN_OID}/preferences/notifications/ratedUsage/web", {"channel": "email", "status": "on"}, 400, 3000, "Invalid property: 'channel' email is not the path's channel type, web."),
    ("PUT", f"/v1/users/{ADMIN_OID}/preferences/notifications/ratedUsage/none", {"status": "on"}, 400, 800002, "Invalid request input: a preference is set for the email or the web channel, not for none."),
    ("POST", "/v1/migrations/syndication", {"mosiCustomerIds": []}, 400, 800002, "Invalid request input: 'mosiCustomerIds' is required and must be a non-empty list."),
    ("POST", "/v1/migrations/syndication", {"mosiCustomerIds": [GUID_0]}, 404, 1000, f"Not found: no syndication customer with id {GUID_0}."),
    ("GET", f"/v1/migrations/syndication/{GUID_0}", None, 404, 1000, f"Not found: no syndication migration batch with id {GUID_0}."),
]
# fmt: on


@pytest.mark.parametrize(("method", "path", "body", "status", "code", "description"), BAD)
def test_bad_input(
    client: TestClient,
    user: dict[str, str],
    method: str,
    path: str,
    body: Any,
    status: int,
    code: int,
    description: str,
) -> None:
    content = None if body is None else (body if isinstance(body, str) else json.dumps(body))
    headers = {**user, "Content-Type": "application/json"}
    answer = client.request(method, path, content=content, headers=headers)
    assert (answer.status_code, answer.json()) == (status, error(code, description))


# --- persistence, world files, deletion ------------------------------------------------------------------------


def test_device_state_is_persisted(tmp_path: Any, signing_key: Any) -> None:
    """Batches, devices, jobs, policies, preferences and syndication migrations survive a restart with --persist."""
    from emulator.config import Config

    def started() -> EmulatorApp:
        return EmulatorApp(EmulatorState(Config(in_memory_key=True, persist=True, state_dir=tmp_path), key=signing_key))

    first = started()
    user = bearer(user_token(first.state, NW.ADMIN, ["pwd", "mfa"]))
    with TestClient(first, base_url="http://127.0.0.1:8080", client=("127.0.0.1", 50000)) as client:
        body = {"batchId": "Kept", "devices": [{"hardwareHash": "KeptHash"}]}
        tracking = job_of(client.post(f"/v1/customers/{FABRIKAM}/deviceBatches", json=body, headers=user), FABRIKAM)
        policy = {"name": "Kept", "category": "o_o_b_e", "policySettings": ["skip_eula"]}
        policy_id = client.post(f"/v1/customers/{FABRIKAM}/policies", json=policy, headers=user).json()["id"]
        client.put("/v1/insiderprograms", json={"id": "PartnerCenterPreview", "enrollmentStatus": True}, headers=user)
        uri = f"/v1/users/{ADMIN_OID}/preferences/notifications/serviceHealth/web"
        client.put(uri, json={"status": "on"}, headers=user)
        batch = client.post("/v1/migrations/syndication", json={"mosiCustomerIds": [MOSI_FABRIKAM]}, headers=user)
    assert first.state.persistence is not None
    first.state.persistence.flush()
    second = started()
    second.state.clock.advance(30)
    user = bearer(user_token(second.state, NW.ADMIN, ["pwd", "mfa"]))
    with TestClient(second, base_url="http://127.0.0.1:8080", client=("127.0.0.1", 50000)) as client:
        job = client.get(f"/v1/customers/{FABRIKAM}/batchJobStatus/{tracking}", headers=user).json()
        assert job["status"] == "finished"
        devices = client.get(f"/v1/customers/{FABRIKAM}/deviceBatches/Kept/devices", headers=user).json()
        assert [d["id"] for d in devices["items"]] == [job["devicesStatus"][0]["deviceId"]]
        assert client.get(f"/v1/customers/{FABRIKAM}/policies/{policy_id}", headers=user).json()["name"] == "Kept"
        assert client.get("/v1/insiderprograms", headers=user).json()["enrollmentStatus"] is True
        assert client.get(uri, headers=user).json()["communicationPreferences"] == [{"channel": "web", "status": "on"}]
        status = client.get(f"/v1/migrations/syndication/{batch.json()['id']}", headers=user).json()
        assert status["customersData"][0]["status"] == "completed"


def test_world_without_the_new_files_loads_empty(tmp_path: Any) -> None:
    import shutil

    from emulator.world import default_world_dir, load_world

    directory = tmp_path / "older"
    shutil.copytree(default_world_dir(), directory)
    (directory / "devices.json").unlink()
    (directory / "syndication.json").unlink()
    world = load_world(directory)
    assert (len(world.devices), len(world.device_batches), len(world.device_policies)) == (0, 0, 0)
    assert len(world.syndication_customers) == 0


# fmt: off
WORLD_ERRORS = [
    ("devices.json", lambda d: d["devices"][0].update(_customerId=GUID_0), f"devices.json: devices[0]._customerId: no customer with id {GUID_0}"),
    ("devices.json", lambda d: d["devices"][0].update(_batch=f"{CONTOSO}:other"), f"devices.json: devices[0]._batch: no device batch {CONTOSO}:other of the device's customer"),
    ("devices.json", lambda d: d["devices"][0]["policies"][0].update(value=GUID_0), "devices.json: devices[0].policies[0].value: no policy with this id in the device's customer"),
    ("devices.json", lambda d: d["policies"][0].update(category="none"), "devices.json: $.policies[0].category: expected 'o_o_b_e', found \"none\""),
    ("devices.json", lambda d: d["deviceBatches"][0].update(_name="Renamed"), "devices.json: deviceBatches[0].id: must be the customer id, a colon and _name in lower case"),
    ("syndication.json", lambda d: d["customers"][0]["subscriptions"][0].update(offerId="NOPE"), "syndication.json: customers[0].subscriptions[0].offerId: no offer with id NOPE"),
    ("syndication.json", lambda d: d["customers"][0]["customer"].update(id=CONTOSO), "syndication.json: customers[0].customer.id: is already a customer of the partner"),
]
# fmt: on


@pytest.mark.parametrize(("name", "change", "message"), WORLD_ERRORS)
def test_world_files_are_checked(tmp_path: Any, name: str, change: Any, message: str) -> None:
    import shutil

    from emulator.world import WorldError, default_world_dir, load_world

    directory = tmp_path / "world"
    shutil.copytree(default_world_dir(), directory)
    data = json.loads((directory / name).read_text())
    change(data)
    (directory / name).write_text(json.dumps(data))
    with pytest.raises(WorldError) as caught:
        load_world(directory)
    assert message in str(caught.value)


def test_a_deleted_customer_takes_its_devices_along(signing_key: Any) -> None:
    from emulator.config import Config

    state = EmulatorState(Config(in_memory_key=True, seed=7), key=signing_key)
    state.world.integration_sandbox = True
    state.models.customers.delete(LITWARE)
    assert state.world.devices.group(LITWARE) == []
    assert state.world.device_batches.group(LITWARE) == []
    assert state.world.device_policies.group(LITWARE) == []


def test_app_only_tokens_are_accepted_where_documented(client: TestClient, app: dict[str, str]) -> None:
    """Every page but the new-batch upload and managed services says "both standalone App and App+User"; the
    undocumented operations accept both too [I]."""
    policy = {"name": "App", "category": "o_o_b_e", "policySettings": ["skip_eula"]}
    created = client.post(f"/v1/customers/{FABRIKAM}/policies", json=policy, headers=app)
    assert created.status_code == 200
    policy_uri = f"/v1/customers/{FABRIKAM}/policies/{created.json()['id']}"
    assert client.get(policy_uri, headers=app).status_code == 200
    replaced = client.put(policy_uri, json={"id": created.json()["id"], **policy, "name": "App 2"}, headers=app)
    assert replaced.json()["name"] == "App 2"
    assert client.delete(policy_uri, headers=app).status_code == 204
    devices = f"/v1/customers/{LITWARE}/deviceBatches/Batch-01/devices"
    first = client.get(devices, headers=app).json()["items"][0]["id"]
    body = {"devices": [{"id": first, "policies": [{"key": "o_o_b_e", "value": None}]}]}
    job_of(client.patch(f"/v1/customers/{LITWARE}/DevicePolicyUpdates", json=body, headers=app), LITWARE)
    assert client.put(f"{devices}/{first}", json={"modelName": "Surface"}, headers=app).status_code == 200
    assert client.delete(f"{devices}/{first}", headers=app).status_code == 204
    preference = f"/v1/users/{ADMIN_OID}/preferences/notifications/ratedUsage/web"
    assert client.get(preference, headers=app).status_code == 200
    assert client.put(preference, json={"status": "on"}, headers=app).status_code == 200
    migration = client.post("/v1/migrations/syndication", json={"mosiCustomerIds": [MOSI_CONTOSO]}, headers=app)
    assert migration.status_code == 202
    assert client.get(f"/v1/migrations/syndication/{migration.json()['id']}", headers=app).status_code == 200
    path = f"/v1/migrations/syndication/{migration.json()['id']}/{MOSI_CONTOSO}"
    assert client.get(path, headers=app).status_code == 200
