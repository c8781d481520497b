"""Windows Autopilot device deployment (device-deployment.md and the pages it links): a customer's configuration
policies, its device batches and their devices, and the batch jobs that uploads and policy updates start.

An upload (a new batch, or devices added to one) and a policy update are accepted at once (202, Location: the batch
job) and processed on the emulator's clock [I: the documentation shows no timing]: the job is "queued" for the first
half of the provisioning delay, "processing" for the second, then "finished". Devices uploaded by a job are listed
once it has finished, and a policy update shows on its devices from then on. Each device's outcome is decided when
the job is accepted: a device Windows Autopilot already knows fails with 806 ZtdDeviceAlreadyAssigned (this
customer) or 808 ZtdDeviceAssignedToOtherTenant (another customer), as the Autopilot import documents them.

Storage: devicePolicies, deviceBatches (id "<customer>:<batch id in lower case>", the batch id as given in _name),
devices (grouped by customer, _batch names their batch, _visible the time they are listed from, _updates the policy
changes [time, category, policy id] of jobs still running or done) and deviceJobs (the tracking ids).
"""

from __future__ import annotations

from collections.abc import Iterable

from emulator import formats
from emulator.partner.models.base import Doc, Model, guid
from emulator.partner.models.errors import (
    BatchJobNotFound,
    DeviceBatchExists,
    DeviceBatchNotFound,
    DeviceNotFound,
    InvalidInput,
    InvalidProperty,
    PolicyInUse,
    PolicyNotFound,
)
from emulator.partner.schemas.devices import (
    DeviceBatchCreate,
    DeviceIn,
    DevicePolicyUpdate,
    PolicyAssignmentIn,
    PolicyCreate,
    PolicyReplace,
)
from emulator.store import Transaction
from emulator.world import is_guid

# PolicyCategory and PolicySettingsTypes as Partner Center writes them (device-deployment-resources.md; the .NET
# SDK's enums None, OOBE and RemoveOemPreinstalls, … in its snake-case JSON form).
CATEGORIES = ("o_o_b_e",)
OOBE = "o_o_b_e"
SETTINGS = (
    "none",
    "remove_oem_preinstalls",
    "oobe_user_not_local_admin",
    "skip_express_settings",
    "skip_oem_registration",
    "skip_eula",
)
# The Windows Autopilot import errors (learn.microsoft.com/troubleshoot/mem/intune/device-enrollment/
# import-windows-autopilot-device-csv-files-errors; 808 also in get-the-status-of-a-device-batch-upload.md).
ALREADY_ASSIGNED = ("806", "ZtdDeviceAlreadyAssigned")
OTHER_TENANT = ("808", "ZtdDeviceAssignedToOtherTenant")


def _category(value: str, path: str) -> str:
    category = value.strip().lower()
    if category not in CATEGORIES:
        raise InvalidProperty(f"'{path}' must be {' or '.join(repr(c) for c in CATEGORIES)}, not '{value[:32]}'.")
    return category


def _settings(values: list[str]) -> list[str]:
    chosen: list[str] = []
    for index, value in enumerate(values):
        setting = value.strip().lower()
        if setting not in SETTINGS:
            raise InvalidProperty(
                f"'policySettings[{index}]' must be one of {', '.join(SETTINGS)}, not '{value[:64]}'."
            )
        if setting not in chosen:
            chosen.append(setting)
    if "none" in chosen and len(chosen) > 1:
        raise InvalidProperty("'policySettings' cannot combine 'none' with other settings.")
    return chosen


def identity(device: Doc | DeviceIn) -> tuple[str, ...] | None:
    """What identifies a device to Windows Autopilot: its hardware hash, else its product key, else its serial
    number with manufacturer and model (the accepted combinations of upload-a-list-of-devices-*.md; the order of
    precedence is inferred [I]). None when the combination is not one the documentation accepts."""
    if isinstance(device, DeviceIn):
        hash_, key, serial = device.hardware_hash, device.product_key, device.serial_number
        maker, model = device.oem_manufacturer_name, device.model_name
    else:
        hash_, key, serial = device.get("_hardwareHash"), device.get("productKey"), device.get("serialNumber")
        maker, model = device.get("oemManufacturerName"), device.get("modelName")
    if hash_:
        return ("hash", hash_)
    if key and not serial:
        return ("key", key.upper())
    if serial and maker and model:
        return ("serial", serial.upper(), maker.lower(), model.lower())
    return None  # nothing, or a product key with a serial number only: not an accepted combination


class Devices(Model):
    # --- configuration policies -------------------------------------------------------------------------------

    def policies(self, customer: Doc) -> list[Doc]:
        return self.world.device_policies.group(customer["id"])

    def policy(self, customer: Doc, policy_id: str) -> Doc:
        policy = self.world.device_policies.get(guid(policy_id, "policy id"))
        if policy is None or policy["_customerId"] != customer["id"]:
            raise PolicyNotFound(policy_id)
        return policy

    def assigned(self, customer: Doc, policy_id: str, *, pending: bool = False) -> int:
        """How many listed devices have the policy; with `pending`, also those a running job assigns it to."""
        now = self.clock.now()
        count = 0
        for device in self.world.devices.group(customer["id"]):
            if device.get("_visible", 0) > now and not pending:
                continue
            values = {v for _, v in self.effective(device, now).items()}
            if pending:
                values |= {value for _, _, value in device.get("_updates", ())}
            count += policy_id in values
        return count

    def create_policy(self, customer: Doc, spec: PolicyCreate, *, request_key: str | None) -> Doc:
        category = _category(spec.category, "category")
        settings = _settings(spec.policy_settings)

        def make(tx: Transaction) -> Doc:
            now = formats.dotnet_timestamp(self.clock.now())
            policy: Doc = {"id": self.ids.guid(), "name": spec.name, "category": category}
            if spec.description is not None:
                policy["description"] = spec.description
            policy |= {
                "policySettings": settings,
                "createdDate": now,
                "lastModifiedDate": now,
                "_customerId": customer["id"],
            }
            tx.put("devicePolicies", policy)
            return policy

        return self.once(request_key, make)

    def replace_policy(self, customer: Doc, policy_id: str, spec: PolicyReplace) -> Doc:
        with self.store.transaction() as tx:
            current = self.policy(customer, policy_id)
            if spec.id.lower() != current["id"]:
                raise InvalidProperty(f"'id' {spec.id} is not the policy of the path, {current['id']}.")
            if _category(spec.category, "category") != current["category"]:
                raise InvalidProperty("'category' cannot be changed (update-a-configuration-policy: not updatable).")
            settings = _settings(spec.policy_settings)
            policy: Doc = {"id": current["id"], "name": spec.name, "category": current["category"]}
            if spec.description is not None:
                policy["description"] = spec.description
            policy |= {
                "policySettings": settings,
                "createdDate": current["createdDate"],
                "lastModifiedDate": formats.dotnet_timestamp(self.clock.now()),
                "_customerId": customer["id"],
            }
            tx.put("devicePolicies", policy)
            return policy

    def delete_policy(self, customer: Doc, policy_id: str) -> None:
        with self.store.transaction() as tx:
            policy = self.policy(customer, policy_id)
            # [I] a policy still assigned (or being assigned) to devices is not deleted.
            using = self.assigned(customer, policy["id"], pending=True)
            if using:
                raise PolicyInUse(policy["id"], using)
            tx.delete("devicePolicies", policy["id"])

    # --- device batches and devices ----------------------------------------------------------------------------

    def batches(self, customer: Doc) -> list[Doc]:
        return self.world.device_batches.group(customer["id"])

    def batch(self, customer: Doc, batch_id: str) -> Doc:
        batch = self.world.device_batches.get(f"{customer['id']}:{batch_id.strip().lower()}")
        if batch is None:
            raise DeviceBatchNotFound(batch_id)
        return batch

    def devices(self, customer: Doc, batch: Doc | None = None) -> list[Doc]:
        """The customer's listed devices (those of finished uploads), of one batch when given."""
        now = self.clock.now()
        return [
            d
            for d in self.world.devices.group(customer["id"])
            if d.get("_visible", 0) <= now and (batch is None or d["_batch"] == batch["id"])
        ]

    def device(self, customer: Doc, batch: Doc, device_id: str) -> Doc:
        device = self.world.devices.get(guid(device_id, "device id"))
        if device is None or device["_batch"] != batch["id"] or device.get("_visible", 0) > self.clock.now():
            raise DeviceNotFound(device_id)
        return device

    def effective(self, device: Doc, now: float | None = None) -> dict[str, str | None]:
        """The device's policy by category: as uploaded or set, then each finished job's change in turn."""
        now = self.clock.now() if now is None else now
        policies: dict[str, str | None] = {p["key"]: p["value"] for p in device["policies"]}
        for when, category, value in device.get("_updates", ()):
            if when <= now:
                policies[category] = value
        return policies

    def status(self, batch: Doc) -> str:
        job = self.world.device_jobs.get(batch["_lastJob"]) if batch.get("_lastJob") else None
        return self.job_status(job)[0] if job is not None else "finished"

    def _assignments(self, customer: Doc, items: Iterable[PolicyAssignmentIn], path: str) -> dict[str, str | None]:
        result: dict[str, str | None] = {}
        for index, item in enumerate(items):
            category = _category(item.key, f"{path}[{index}].key")
            if item.value is not None:
                policy = self.policy(customer, item.value)
                if policy["category"] != category:
                    raise InvalidProperty(f"the policy {policy['id']} is not a '{category}' policy.")
                result[category] = policy["id"]
            else:
                result[category] = None
        return result

    def _upload(self, tx: Transaction, customer: Doc, batch: Doc, devices: list[DeviceIn], now: float) -> Doc:
        """A job for `devices`: each checked against every device the partner's customers have, then stored (listed
        once the job finishes) or reported as failed."""
        for index, item in enumerate(devices):
            if identity(item) is None:
                raise InvalidInput(
                    f"'devices[{index}]' must carry hardwareHash (with productKey or serialNumber, or alone), "
                    "productKey alone, or serialNumber with oemManufacturerName and modelName."
                )
        policies = [self._assignments(customer, item.policies or (), f"devices[{i}].policies") for i, item in
                    enumerate(devices)]  # fmt: skip
        known: dict[tuple[str, ...], str] = {}
        for table_doc in self.world.devices:
            key = identity(table_doc)
            if key is not None:
                known[key] = table_doc["_customerId"]
        completes = now + self.provisioning_delay
        outcomes: list[Doc] = []
        for item, assigned in zip(devices, policies, strict=True):
            key = identity(item)
            assert key is not None
            outcome: Doc = {}
            owner = known.get(key)
            if owner is None:
                device_id = self.ids.guid()
                stored: Doc = {"id": device_id}
                for wire_name, value in (
                    ("serialNumber", item.serial_number),
                    ("productKey", item.product_key),
                    ("_hardwareHash", item.hardware_hash),
                    ("modelName", item.model_name),
                    ("oemManufacturerName", item.oem_manufacturer_name),
                ):
                    if value is not None:
                        stored[wire_name] = value
                stored |= {
                    "policies": [{"key": OOBE, "value": assigned.get(OOBE)}],
                    "uploadedDate": formats.dotnet_timestamp(completes),
                    "_customerId": customer["id"],
                    "_batch": batch["id"],
                    "_visible": completes,
                }
                tx.put("devices", stored)
                known[key] = customer["id"]
                outcome["deviceId"] = device_id
            else:
                code, name = ALREADY_ASSIGNED if owner == customer["id"] else OTHER_TENANT
                outcome |= {"errorCode": code, "errorDescription": name}
            if item.serial_number is not None:
                outcome["serialNumber"] = item.serial_number
            if item.product_key is not None:
                outcome["productKey"] = item.product_key
            outcomes.append(outcome)
        job: Doc = {
            "id": self.ids.guid(),
            "devices": outcomes,
            "_customerId": customer["id"],
            "_created": now,
            "_completes": completes,
        }
        tx.put("deviceJobs", job)
        tx.put("deviceBatches", {**batch, "_lastJob": job["id"]})
        return job

    def create_batch(self, customer: Doc, spec: DeviceBatchCreate, *, request_key: str | None) -> Doc:
        name = spec.batch_id
        if "/" in name or "\\" in name or "?" in name or "#" in name:
            raise InvalidProperty("'BatchId' cannot contain '/', '\\', '?' or '#' (it is part of the batch's URL).")

        def make(tx: Transaction) -> Doc:
            key = f"{customer['id']}:{name.lower()}"
            if tx.get("deviceBatches", key) is not None:
                raise DeviceBatchExists(name)
            now = self.clock.now()
            batch: Doc = {
                "id": key,
                "_name": name,
                "creationDate": formats.dotnet_timestamp(now),
                "_customerId": customer["id"],
            }
            tx.put("deviceBatches", batch)
            return self._upload(tx, customer, batch, spec.devices, now)

        return self.once(request_key, make)

    def add_devices(self, customer: Doc, batch_id: str, devices: list[DeviceIn], *, request_key: str | None) -> Doc:
        def make(tx: Transaction) -> Doc:
            batch = tx.get("deviceBatches", self.batch(customer, batch_id)["id"])
            assert batch is not None
            return self._upload(tx, customer, batch, devices, self.clock.now())

        return self.once(request_key, make)

    def delete_device(self, customer: Doc, batch_id: str, device_id: str) -> None:
        with self.store.transaction() as tx:
            device = self.device(customer, self.batch(customer, batch_id), device_id)
            tx.delete("devices", device["id"])

    def replace_device(self, customer: Doc, batch_id: str, device_id: str, spec: DeviceIn) -> Doc:
        """PUT: the device's policies are set (update-device-batches in the REST reference: the updated device is
        returned); its identity (id, hash, product key, serial number) cannot change [I]."""
        with self.store.transaction() as tx:
            device = self.device(customer, self.batch(customer, batch_id), device_id)
            if spec.id is not None and spec.id.lower() != device["id"]:
                raise InvalidProperty(f"'id' {spec.id[:64]} is not the device of the path, {device['id']}.")
            for name, given, stored in (
                ("hardwareHash", spec.hardware_hash, device.get("_hardwareHash")),
                ("productKey", spec.product_key, device.get("productKey")),
                ("serialNumber", spec.serial_number, device.get("serialNumber")),
            ):
                if given is not None and given != stored:
                    raise InvalidProperty(f"'{name}' identifies the device and cannot be changed.")
            changed = dict(device)
            described = (("modelName", spec.model_name), ("oemManufacturerName", spec.oem_manufacturer_name))
            for wire_name, value in described:
                if value is not None:
                    changed[wire_name] = value
            if spec.policies is not None:
                now = self.clock.now()
                current = self.effective(device, now)
                current.update(self._assignments(customer, spec.policies, "policies"))
                changed["policies"] = [{"key": k, "value": v} for k, v in current.items()]
                changed["_updates"] = [u for u in device.get("_updates", ()) if u[0] > now]
            tx.put("devices", changed)
            return changed

    def update_policies(self, customer: Doc, spec: DevicePolicyUpdate, *, request_key: str | None) -> Doc:
        """PATCH DevicePolicyUpdates: a job that sets each device's policies when it finishes."""

        def make(tx: Transaction) -> Doc:
            now = self.clock.now()
            completes = now + self.provisioning_delay
            targets: list[tuple[Doc, dict[str, str | None]]] = []
            for index, item in enumerate(spec.devices):
                device = self.world.devices.get(item.id.strip()) if is_guid(item.id.strip()) else None
                if device is None or device["_customerId"] != customer["id"] or device.get("_visible", 0) > now:
                    raise DeviceNotFound(item.id)
                targets.append((device, self._assignments(customer, item.policies, f"Devices[{index}].Policies")))
            outcomes = []
            for device, assigned in targets:
                stored = tx.get("devices", device["id"]) or device
                updates = [u for u in stored.get("_updates", ())]
                updates += [[completes, category, value] for category, value in assigned.items()]
                tx.put("devices", {**stored, "_updates": updates})
                outcome: Doc = {"deviceId": device["id"]}
                for name in ("serialNumber", "productKey"):
                    if name in device:
                        outcome[name] = device[name]
                outcomes.append(outcome)
            job: Doc = {
                "id": self.ids.guid(),
                "devices": outcomes,
                "_customerId": customer["id"],
                "_created": now,
                "_completes": completes,
            }
            tx.put("deviceJobs", job)
            return job

        return self.once(request_key, make)

    # --- batch jobs ----------------------------------------------------------------------------------------------

    def job(self, customer: Doc, tracking_id: str) -> Doc:
        job = self.world.device_jobs.get(guid(tracking_id, "batch tracking id"))
        if job is None or job["_customerId"] != customer["id"]:
            raise BatchJobNotFound(tracking_id)
        return job

    def job_status(self, job: Doc) -> tuple[str, bool]:
        """(status, finished) on the emulator's clock [I]: queued, processing, finished."""
        now = self.clock.now()
        if now >= job["_completes"]:
            return "finished", True
        if now >= (job["_created"] + job["_completes"]) / 2:
            return "processing", False
        return "queued", False
