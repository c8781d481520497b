"""Migrations of the partner's syndication customers (MOSI accounts) to CSP, in batches.

Partner Center documents no page for /v1/migrations/syndication; the shapes are the partnercenterservices SDK's:
SyndicationMigration {id, partnerId, createdDate, mosiCustomerIds} ("Batch for migration from syndication to CSP"),
SyndicationMigrationStatus {id, partnerId, customersData: [{mosiCustomerId, customerName, tenantId, cspCustomerId,
status, errorDetails, errorCode, migratedSubscriptions: [{mosiSubscriptionId, cspSubscriptionId,
cspSubscriptionOfferId, cspSubscriptionStartDate, cspSubscriptionEndDate}]}]}.

The rest is inferred [I]: the syndication customers are the world's (syndication.json: each a tenant with its
company profile and its syndication subscriptions); a batch names known customers not yet migrated (else 404 or
409, and nothing changes); accepting it makes each a CSP customer of the partner (relationship reseller) with a
legacy subscription per syndication subscription, of the same offer and seats, under one completed order; each
customer's status is in_progress until the provisioning delay has passed, then completed. partnerId is the
partner's tenant id.
"""

from __future__ import annotations

from emulator import formats
from emulator.catalog import new_subscription
from emulator.companies import CURRENCIES
from emulator.partner.models.base import Doc, Model
from emulator.partner.models.customers import Customers
from emulator.partner.models.errors import MosiCustomerMigrated, MosiCustomerNotFound, SyndicationBatchNotFound
from emulator.partner.schemas.devices import SyndicationMigrationCreate
from emulator.store import Transaction


class Syndication(Model):
    customers: Customers

    def bind(self, customers: Customers) -> Syndication:
        self.customers = customers
        return self

    def _migrating(self) -> set[str]:
        return {c["mosiCustomerId"] for m in self.world.syndication_migrations for c in m["customers"]}

    def create(self, spec: SyndicationMigrationCreate, *, request_key: str | None) -> Doc:
        wanted: list[Doc] = []
        for mosi_id in spec.mosi_customer_ids:
            source = self.world.syndication_customers.get(mosi_id.strip())
            if source is None:
                raise MosiCustomerNotFound(mosi_id)
            if all(source["id"] != w["id"] for w in wanted):
                wanted.append(source)

        def make(tx: Transaction) -> Doc:
            migrating = self._migrating()
            now, moment = self.clock.now(), self.now()
            created: list[Doc] = []
            for source in wanted:
                customer = source["customer"]
                domain = customer["companyProfile"]["domain"].lower()
                already = tx.get("customers", customer["id"]) is not None or self.customers.in_use(domain)
                if source["id"] in migrating or already:
                    raise MosiCustomerMigrated(source["id"])
                tx.put("customers", customer)
                order_id = self.ids.guid()
                country = customer["companyProfile"]["address"]["country"]
                lines: list[Doc] = []
                migrated: list[Doc] = []
                cycle = "monthly"
                for number, mosi_subscription in enumerate(source["subscriptions"]):
                    offer = self.world.offers[mosi_subscription["offerId"].upper()]
                    subscription = new_subscription(
                        offer,
                        subscription_id=self.ids.guid().upper(),
                        customer_id=customer["id"],
                        order_id=order_id,
                        quantity=mosi_subscription["quantity"],
                        friendly_name=offer["name"],
                        billing_cycle=offer["supportedBillingCycles"][-1],
                        status="active",
                        created=formats.creation_date(moment),
                        start=moment,
                    )
                    tx.put("subscriptions", subscription)
                    cycle = cycle if lines else subscription["billingCycle"]
                    lines.append({"lineItemNumber": number, "offerId": offer["id"],
                                  "subscriptionId": subscription["id"], "friendlyName": offer["name"],
                                  "quantity": subscription["quantity"]})  # fmt: skip
                    migrated.append({
                        "mosiSubscriptionId": mosi_subscription["mosiSubscriptionId"],
                        "cspSubscriptionId": subscription["id"],
                        "cspSubscriptionOfferId": offer["id"],
                        "cspSubscriptionStartDate": subscription["effectiveStartDate"],
                        "cspSubscriptionEndDate": subscription["commitmentEndDate"],
                    })  # fmt: skip
                if lines:
                    tx.put("orders", {
                        "id": order_id, "referenceCustomerId": customer["id"],
                        "billingCycle": cycle,
                        "currencyCode": CURRENCIES.get(country, ("USD", "$"))[0], "lineItems": lines,
                        "creationDate": formats.creation_date(moment), "status": "completed",
                    })  # fmt: skip
                created.append({
                    "mosiCustomerId": source["id"],
                    "customerName": customer["companyProfile"]["companyName"],
                    "tenantId": customer["id"],
                    "cspCustomerId": customer["id"],
                    "migratedSubscriptions": migrated,
                })  # fmt: skip
            batch: Doc = {
                "id": self.ids.guid(),
                "partnerId": self.world.partner.id,
                "createdDate": formats.dotnet_timestamp(now),
                "mosiCustomerIds": [c["mosiCustomerId"] for c in created],
                "customers": created,
                "_created": now,
                "_completes": now + self.provisioning_delay,
            }
            tx.put("syndicationMigrations", batch)
            return batch

        return self.once(request_key, make)

    def get(self, batch_id: str) -> Doc:
        batch: Doc | None = self.world.syndication_migrations.get(batch_id.strip())
        if batch is None:
            raise SyndicationBatchNotFound(batch_id)
        return batch

    def of_customer(self, batch: Doc, mosi_customer_id: str) -> Doc:
        entries: list[Doc] = batch["customers"]
        for entry in entries:
            if entry["mosiCustomerId"].lower() == mosi_customer_id.strip().lower():
                return entry
        raise MosiCustomerNotFound(mosi_customer_id)

    def status(self, batch: Doc) -> str:
        return "completed" if self.clock.now() >= batch["_completes"] else "in_progress"
