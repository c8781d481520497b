"""Device deployment over HTTP (device-deployment.md): configuration policies, device batches and their devices,
policy updates and batch job status; and a customer's managed services.

Uploads and policy updates answer 202 Accepted with no body and a Location header naming the batch job
(/customers/{id}/batchJobStatus/{tracking id}, without /v1, as the documented samples write it).
"""

from __future__ import annotations

import json

from msgspec import UNSET
from starlette.requests import Request
from starlette.responses import Response

from emulator.bodies import BodyTooLarge as TooLarge
from emulator.bodies import read_limited
from emulator.formats import dotnet_timestamp
from emulator.partner.common import (
    MAX_BODY,
    collection,
    create_once,
    decode_continuation,
    encode_continuation,
    lower_keys,
    path_customer,
    read_body,
    request_key,
    wire,
)
from emulator.partner.models.base import Doc
from emulator.partner.models.errors import BodyTooLarge, InvalidInput
from emulator.partner.models.managed_services import ManagedServices
from emulator.partner.responses import PartnerJSON as JSON
from emulator.partner.schemas import devices as d
from emulator.partner.schemas.requests import read
from emulator.partner.schemas.resources import Attributes, Link
from emulator.state import EmulatorState

DEVICES_PAGE = 100  # get-a-list-of-devices-for-the-specified-batch-and-customer.md: "100 devices in a page"


# --- documents ---------------------------------------------------------------------------------------------------


def policy_document(state: EmulatorState, customer: Doc, policy: Doc) -> d.ConfigurationPolicy:
    count = state.models.devices.assigned(customer, policy["id"])
    return wire(d.ConfigurationPolicy, policy, devicesAssignedCount=count, attributes=Attributes("ConfigurationPolicy"))


def device_document(state: EmulatorState, device: Doc) -> d.Device:
    policies = [d.PolicyAssignment(k, v) for k, v in state.models.devices.effective(device).items()]
    return wire(d.Device, device, policies=policies, attributes=Attributes("Device"))


def batch_document(state: EmulatorState, customer: Doc, batch: Doc) -> d.DeviceBatch:
    model = state.models.devices
    return d.DeviceBatch(
        id=batch["_name"],
        status=model.status(batch),
        creation_date=batch["creationDate"],
        devices_count=len(model.devices(customer, batch)),
        devices_link=Link(f"/customers/{customer['id']}/deviceBatches/{batch['_name']}/devices"),
        attributes=Attributes("DeviceBatch"),
    )


def job_document(state: EmulatorState, job: Doc) -> d.BatchUploadDetails:
    status, finished = state.models.devices.job_status(job)
    devices = []
    for outcome in job["devices"]:
        failed = "errorCode" in outcome
        shown = ("finished_with_errors" if failed else "finished") if finished else status
        fields = {k: v for k, v in outcome.items() if finished or k not in ("errorCode", "errorDescription")}
        devices.append(wire(d.DeviceUploadDetails, fields, status=shown, attributes=Attributes("DeviceUploadDetails")))
    return d.BatchUploadDetails(
        batch_tracking_id=job["id"],
        status=status,
        started_time=dotnet_timestamp(job["_created"]),
        completed_time=dotnet_timestamp(job["_completes"]) if finished else UNSET,
        devices_status=devices,
        attributes=Attributes("BatchUploadDetails"),
    )


def accepted(customer: Doc, job: Doc) -> Response:
    """202 Accepted, no body, Location: the batch job (upload-a-list-of-devices-*.md, update-a-list-of-devices-*)."""
    return Response(status_code=202, headers={"Location": f"/customers/{customer['id']}/batchJobStatus/{job['id']}"})


# --- configuration policies -----------------------------------------------------------------------------------


async def list_policies(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    items = [policy_document(state, customer, p) for p in state.models.devices.policies(customer)]
    return JSON(collection(items))


async def create_policy(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    model = state.models.devices
    policy = await create_once(
        request, model, d.PolicyCreate, lambda spec, key: model.create_policy(customer, spec, request_key=key)
    )
    return JSON(policy_document(state, customer, policy))  # 200 OK, as the documented sample


async def get_policy(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    policy = state.models.devices.policy(customer, request.path_params["policy_id"])
    return JSON(policy_document(state, customer, policy))


async def replace_policy(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    spec = await read_body(request, d.PolicyReplace)
    policy = state.models.devices.replace_policy(customer, request.path_params["policy_id"], spec)
    return JSON(policy_document(state, customer, policy))


async def delete_policy(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    state.models.devices.delete_policy(customer, request.path_params["policy_id"])
    return Response(status_code=204)


# --- device batches and devices ----------------------------------------------------------------------------------


async def list_batches(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    items = [batch_document(state, customer, b) for b in state.models.devices.batches(customer)]
    return JSON(collection(items))


async def create_batch(state: EmulatorState, request: Request) -> Response:
    # upload-a-list-of-devices-to-create-a-new-batch-for-the-specified-customer.md: App+User credentials.
    customer = path_customer(state, request, app_user=True)
    model = state.models.devices
    job = await create_once(
        request, model, d.DeviceBatchCreate, lambda spec, key: model.create_batch(customer, spec, request_key=key)
    )
    return accepted(customer, job)


async def _device_array(request: Request) -> list[d.DeviceIn]:
    try:
        raw = await read_limited(request, MAX_BODY)
    except TooLarge:
        raise BodyTooLarge(f"the body is larger than {MAX_BODY} bytes.") from None
    if not raw.strip():
        raise InvalidInput("the request has no body; a JSON array of devices is expected.")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise InvalidInput("the body is not valid JSON.") from None
    if not isinstance(data, list):
        raise InvalidInput("the body must be a JSON array of devices.")
    return read({"devices": lower_keys(data)}, d.DeviceList).devices


async def add_devices(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    model = state.models.devices
    batch_id = request.path_params["deviceBatch_id"]
    model.batch(customer, batch_id)  # an unknown batch is 404 before the body is read
    key = request_key(request)
    job = model.replayed(key)
    if job is None:
        job = model.add_devices(customer, batch_id, await _device_array(request), request_key=key)
    return accepted(customer, job)


async def list_devices(state: EmulatorState, request: Request) -> Response:
    """One page of 100 devices; a further page is asked for with the continuationToken of the body in the
    MS-ContinuationToken header."""
    customer = path_customer(state, request)
    model = state.models.devices
    batch = model.batch(customer, request.path_params["deviceBatch_id"])
    token = request.headers.get("ms-continuationtoken")
    offset = decode_continuation(token)["o"] if token else 0
    devices = model.devices(customer, batch)
    chosen = devices[offset : offset + DEVICES_PAGE]
    following = offset + DEVICES_PAGE
    next_token = encode_continuation({"o": following, "s": DEVICES_PAGE}) if following < len(devices) else None
    items = [device_document(state, device) for device in chosen]
    return JSON(collection(items, continuation_token=next_token))


async def replace_device(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    model = state.models.devices
    batch_id, device_id = request.path_params["deviceBatch_id"], request.path_params["device_id"]
    model.device(customer, model.batch(customer, batch_id), device_id)
    spec = await read_body(request, d.DeviceIn)
    return JSON(device_document(state, model.replace_device(customer, batch_id, device_id, spec)))


async def delete_device(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    params = request.path_params
    state.models.devices.delete_device(customer, params["deviceBatch_id"], params["device_id"])
    return Response(status_code=204)


async def update_device_policies(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    model = state.models.devices
    job = await create_once(
        request, model, d.DevicePolicyUpdate, lambda spec, key: model.update_policies(customer, spec, request_key=key)
    )
    return accepted(customer, job)


async def job_status(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    job = state.models.devices.job(customer, request.path_params["batchUploadTracking_id"])
    return JSON(job_document(state, job))


# --- managed services -------------------------------------------------------------------------------------------


async def managed_services(state: EmulatorState, request: Request) -> Response:
    # get-the-managed-services-for-a-customer-by-id.md: App+User credentials only.
    customer = path_customer(state, request, app_user=True)
    items = []
    for service in state.models.managed_services.of(customer):
        links = ManagedServices.links(customer, service)
        items.append(
            d.ManagedService(
                id=service.id,
                name=service.name,
                group_name=service.group_name,
                links=d.ManagedServiceLinks(
                    admin_service=Link(links["adminService"]),
                    service_health=Link(links["serviceHealth"]),
                    service_ticket=Link(links["serviceTicket"]),
                ),
                attributes=Attributes("ManagedService"),
            )
        )
    return JSON(collection(items))
