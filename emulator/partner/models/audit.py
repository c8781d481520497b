"""The audit trail: every change the emulator makes to Partner Center's resources, as one audit record.

The store hands each transaction's changes to `AuditTrail.observe` before they are saved and applied
(`Store.on_change`); it adds the records to the same transaction, so a record is saved, applied or refused with
the change it describes. Which records a transaction makes is read from a table of rules (`AUDITED`): the
transaction's records are about the changed table of the lowest rank (a customer's creation writes the customer
and its admin user: one add_customer), one record per changed document of that table (a checkout of two orders:
two create_order records). The names of resource and operation types are auditing-resources.md's, written as it
spells them on the wire (create_order, update_customer_user_licenses).

Who acted comes from the request's token: the router's handlers run with `ACTOR` set (emulator.partner.audit);
a change made without a request (the control API) has no user and no application.

Records are kept 90 days on the emulator's clock (get-a-record-of-partner-center-activity-by-user.md: "activity
log data availability is limited to the previous 90 days") and at most trail.RECORDS_KEPT of them [I]: the newest
win. Sources and inferences: docs/sources/support.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from emulator import formats, trail
from emulator.partner.models.base import Doc, Model
from emulator.policy import caller
from emulator.store import Change, Transaction
from emulator.trail import TABLE, AuditTable

RETENTION = 90 * 24 * 3600


@dataclass(frozen=True)
class Actor:
    """Who made a change: the token's user (UPN, else its object id for an app-only token) and application."""

    user: str | None
    application_id: str | None


# The request's token claims, set by the Partner Center gate around its router for the duration of a request;
# read into an Actor only when a change is recorded, not on every request.
ACTOR: ContextVar[Mapping[str, Any] | None] = ContextVar("pcemu_audit_actor", default=None)


def _actor(claims: Mapping[str, Any] | None) -> Actor | None:
    if claims is None:
        return None
    who = caller(claims)
    return Actor(who.upn if who.app_user else who.object_id, who.app_id)


# --- what is audited ---------------------------------------------------------------------------------------------


Operation = Callable[[Doc | None, Doc | None], tuple[str, str]]  # (before, after) -> (resourceType, operationType)


@dataclass(frozen=True)
class Audited:
    """How a table's changes are audited: `rank` orders tables within a transaction (lowest first), `operation`
    names the change, `object_type` is the resource's attributes.ObjectType in resourceNewValue."""

    rank: int
    object_type: str
    operation: Operation


def _customer(before: Doc | None, after: Doc | None) -> tuple[str, str]:
    if before is None:
        return "customer", "add_customer"
    if after is None:
        return "customer", "delete_customer"  # documented: sandbox integration accounts only, as the emulator's
    if before.get("relationshipToPartner") != after.get("relationshipToPartner") == "none":
        return "partner_customer_relationship", "remove_partner_customer_relationship"
    if before.get("billingProfile") != after.get("billingProfile"):
        return "customer", "update_customer_billing_profile"
    if before.get("qualification") != after.get("qualification"):
        return "customer", "update_customer_qualification"
    return "customer", "update_company_info"  # [I] the company profile, or any other part of the customer


def _customer_user(before: Doc | None, after: Doc | None) -> tuple[str, str]:
    if before is None:
        return "customer_user", "create_customer_user"
    if after is None or (before.get("state") == "active" and after.get("state") == "inactive"):
        return "customer_user", "delete_customer_user"  # deletion is soft: the user is kept 30 days, inactive
    if _public(before) == _public(after) and before.get("_licenses") != after.get("_licenses"):
        return "license", "update_customer_user_licenses"  # only the user's licenses (licenseupdates) changed
    if before.get("userPrincipalName") != after.get("userPrincipalName"):
        return "customer_user", "update_customer_user_principal_name"
    if before.get("state") == "inactive" and after.get("state") == "active":
        return "customer_user", "restore_customer_user"
    return "customer_user", "update_customer_user"


def _fixed(resource_type: str, create: str, update: str, delete: str | None = None) -> Operation:
    def operation(before: Doc | None, after: Doc | None) -> tuple[str, str]:
        if after is None:
            return resource_type, delete or update
        return resource_type, create if before is None else update

    return operation


MIGRATE, UPGRADE = "create_new_commerce_migration", "upgrade_subscription"
REGISTER, UPDATE = "register_application", "update_subscription"

# Tables whose changes make audit records. A table another part of the emulator adds gets a line here or in
# NOT_AUDITED (tests/test_support.py checks that every table of the world is in one of them).
AUDITED: dict[str, Audited] = {
    "customers": Audited(0, "Customer", _customer),
    # the .NET SDK's OperationType 78 and ResourceType 30 (auditing-resources.md predates them)
    "migrations": Audited(1, "NewCommerceMigration", _fixed("new_commerce_migration", MIGRATE, MIGRATE)),
    "transitions": Audited(2, "Transition", _fixed("subscription", UPGRADE, UPGRADE)),
    "orders": Audited(3, "Order", _fixed("order", "create_order", "update_order")),
    "agreements": Audited(4, "Agreement", _fixed("agreement", "create_agreement", "create_agreement")),
    # [I] a consent registers the partner's application in the customer's tenant; withdrawn, it is unregistered
    "consents": Audited(5, "ApplicationConsent", _fixed("application", REGISTER, REGISTER, "unregister_application")),
    "subscriptions": Audited(6, "Subscription", _fixed("subscription", UPDATE, UPDATE)),
    "customerUsers": Audited(7, "CustomerUser", _customer_user),
    # The budget is the customer's (update_customer_spending_budget): its resource type is the customer [I].
    "usageBudgets": Audited(8, "SpendingBudget", _fixed("customer", *["update_customer_spending_budget"] * 2)),
}
NOT_AUDITED: dict[str, str] = {
    "carts": "a cart is no audited resource type; its checkout's orders are (create_order)",
    "invoices": "read-only",
    "serviceRequests": "auditing-resources.md lists no service-request resource type or operation",
    # The other tables of issue 15: auditing-resources.md lists no operation type for their changes.
    "roleMembers": "no documented operation for directory or partner role memberships",
    "catalogPreferences": "no documented operation for catalogue preferences",
    "supportContacts": "no documented operation for a subscription's support contact",
    "registrations": "no documented operation for an Azure reservation registration",
    "devicePolicies": "no documented operation for Autopilot configuration policies",
    "deviceBatches": "no documented operation for Autopilot device batches",
    "devices": "no documented operation for Autopilot devices",
    "deviceJobs": "no documented operation for a device upload's job",
    "insiderPrograms": "no documented operation for insider programs",
    "notificationPreferences": "a partner user's own preference, not a customer's resource",
    "syndicationCustomers": "read-only: the syndication customers offered for migration",
    "syndicationMigrations": "its customers, subscriptions and orders are audited as they are created",
    "partnerRelationships": "read-only: the partner's indirect resellers",
    "resellerCustomers": "no documented operation for serving a customer through an indirect reseller",
    "partnerProfiles": "the partner's own profiles: auditing-resources.md lists no operation for them",
    TABLE: "the trail itself",
}


def _public(doc: Doc) -> Doc:
    return {key: value for key, value in doc.items() if not key.startswith("_")}


def _pascal(value: Any) -> Any:
    """A stored document as the .NET service serialises it in resourceNewValue: PascalCase names."""
    if isinstance(value, dict):
        return {key[:1].upper() + key[1:]: _pascal(item) for key, item in value.items() if not key.startswith("_")}
    if isinstance(value, list):
        return [_pascal(item) for item in value]
    return value


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _customer_id(table: str, doc: Doc) -> str | None:
    if table == "customers":
        return str(doc["id"])
    owner = doc.get("_customerId") or doc.get("referenceCustomerId")
    return str(owner) if owner else None


def _enum_name(value: Any) -> str | None:
    """A wire enum value as .NET names it in customizedData: "none" -> "None", "one_time" -> "OneTime"."""
    if value is None:
        return None
    return "".join(part[:1].upper() + part[1:] for part in str(value).split("_"))


ID_KEYS = {
    "customerUsers": "CustomerUserId", "subscriptions": "SubscriptionId", "consents": "ApplicationId",
    "transitions": "TransitionId", "migrations": "MigrationId", "agreements": "AgreementId",
}  # fmt: skip


def _details(table: str, operation: str, before: Doc | None, after: Doc | None) -> tuple[list[Doc], Any]:
    """(customizedData, resourceNewValue's document) of a change; the order's and the licenses' as documented."""
    doc = after if after is not None else before
    assert doc is not None
    if operation == "update_customer_user_licenses":
        held_before = set(before.get("_licenses", ()) if before else ())
        held_after = list(after.get("_licenses", ()) if after else ())
        added = [sku for sku in held_after if sku not in held_before]
        removed = sorted(held_before - set(held_after))
        data = [{"key": "CustomerUserId", "value": doc["id"]}]
        data += [{"key": "AddedLicenseSkuId", "value": sku} for sku in added]
        data += [{"key": "RemovedLicenseSkuId", "value": sku} for sku in removed]  # [I] the key
        value = {
            "LicensesToAssign": [{"ExcludedPlans": None, "SkuId": sku} for sku in added],
            "LicensesToRemove": removed or None,
            "LicenseWarnings": [],
            "Attributes": {"ObjectType": "LicenseUpdate"},
        }
        return data, value
    if table == "orders":
        data = [
            {"key": "OrderId", "value": doc["id"]},
            {"key": "BillingCycle", "value": _enum_name(doc.get("billingCycle"))},
        ]
        for n, item in enumerate(doc.get("lineItems", ())):
            data += [
                {"key": f"OfferId-{n}", "value": item.get("offerId")},
                {"key": f"SubscriptionId-{n}", "value": item.get("subscriptionId")},
                {"key": f"SubscriptionName-{n}", "value": item.get("friendlyName")},
                {"key": f"Quantity-{n}", "value": str(item["quantity"]) if "quantity" in item else None},
                {"key": f"PartnerOnRecord-{n}", "value": item.get("partnerIdOnRecord")},
            ]
        return data, None
    # [I] the other operations' keys: the id of the resource acted upon
    key = ID_KEYS.get(table)
    if key is None:
        return [], None
    return [{"key": key, "value": doc.get("applicationId") if table == "consents" else doc.get("id")}], None


def resource_values(record: Doc) -> Doc:
    """resourceOldValue and resourceNewValue of a record: JSON strings of the resource, PascalCase, with its
    Attributes.ObjectType, as the documented sample's (an update has both, a creation the new, a deletion the
    old); a license update's new value is the LicenseUpdate."""
    if "_value" in record:
        return {"resourceNewValue": _json(record["_value"])}
    attributes = {"Attributes": {"ObjectType": record["_objectType"]}}
    values: Doc = {}
    if "_old" in record:
        values["resourceOldValue"] = _json({**_pascal(record["_old"]), **attributes})
    if "_new" in record:
        values["resourceNewValue"] = _json({**_pascal(record["_new"]), **attributes})
    return values


# --- the model ---------------------------------------------------------------------------------------------------


class AuditTrail(Model):
    @property
    def table(self) -> AuditTable:
        table = self.world.audit_records
        return table

    def observe(self, tx: Transaction, changes: list[Change]) -> None:
        """The store's on_change hook: the records of one transaction's changes, staged in it; expired ones go."""
        audited = [c for c in changes if c[0] in AUDITED and c[2] != c[3]]
        if not audited:
            return
        rank = min(AUDITED[c[0]].rank for c in audited)
        primary = [c for c in audited if AUDITED[c[0]].rank == rank]
        now = self.clock.now()
        table = self.table
        for record in table.oldest():
            if record["_at"] > now - RETENTION:
                break
            tx.delete(TABLE, record["id"])
        seq = table.last_seq()
        actor = _actor(ACTOR.get())
        for name, _, before, after in primary:
            seq += 1
            tx.put(TABLE, self._record(tx, seq, now, actor, name, before, after))

    def _record(
        self,
        tx: Transaction,
        seq: int,
        now: float,
        actor: Actor | None,
        table: str,
        before: Doc | None,
        after: Doc | None,
    ) -> Doc:
        rule = AUDITED[table]
        resource_type, operation = rule.operation(before, after)
        doc = after if after is not None else before
        assert doc is not None
        record: Doc = {"id": str(seq % trail.RECORDS_KEPT), "_seq": seq, "_at": now, "partnerId": self.world.partner.id}
        customer_id = _customer_id(table, doc)
        if customer_id is not None:
            record["customerId"] = customer_id
            customer = tx.get("customers", customer_id) or (before if table == "customers" else None)
            customer = customer or self.world.customers.get(customer_id)
            if customer is not None:
                record["customerName"] = customer["companyProfile"]["companyName"]
        if actor is not None and actor.user:
            record["userPrincipalName"] = actor.user
        if actor is not None and actor.application_id:
            record["applicationId"] = actor.application_id
        record["resourceType"] = resource_type
        data, value = _details(table, operation, before, after)
        # The resource's values are kept as the documents themselves (the store never edits a stored document)
        # and written as JSON when a record is read: a change pays no serialisation (resource_values()).
        if value is not None:
            record["_value"] = value
        else:
            record["_objectType"] = rule.object_type
            if before is not None:
                record["_old"] = before
            if after is not None and not operation.startswith("delete_"):  # a soft deletion shows no new value
                record["_new"] = after
        record |= {
            "operationType": operation,
            "operationDate": formats.dotnet_timestamp(now),
            "operationStatus": "succeeded",  # a refused call changes nothing, so it leaves no record [I]
            "customizedData": data,
            "attributes": {"objectType": "AuditRecord"},
        }
        return record

    def query(
        self, start: float, end: float, match: Callable[[Doc], bool], before_seq: int | None, size: int
    ) -> tuple[list[Doc], int | None]:
        """The newest records first in [start, end] that `match`, after the record `before_seq` (a continuation);
        with the sequence number to continue from when there are more."""
        found: list[Doc] = []
        for record in self.table.newest_first():
            if before_seq is not None and record["_seq"] >= before_seq:
                continue
            if not start <= record["_at"] <= end:
                continue  # not a break: the clock may have been moved back, so time need not follow sequence
            if match(record):
                if len(found) == size:
                    return found, found[-1]["_seq"]
                found.append(record)
        return found, None
