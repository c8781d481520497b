"""Migrations of legacy subscriptions to New Commerce: validate, create, read, and the events (create-migration.md,
get-new-commerce-migration.md, validate-subscription-for-migration.md, get-migration-events.md; facts §3).

A legacy offer's New Commerce equivalent is the SKU that provisions the same Entra license (the offer's product id
is that license's id). Once the migration is created, the legacy subscription is cancelled [I] and a New Commerce
subscription with the same seats is ordered; the migration completes when it is provisioned."""

from __future__ import annotations

from emulator import formats
from emulator.companies import CURRENCIES
from emulator.partner.models.base import Doc
from emulator.partner.models.catalog import Item
from emulator.partner.models.errors import MigrationNotEligible, MigrationNotFound
from emulator.partner.models.purchases import Purchases
from emulator.partner.schemas.requests import MigrationIn
from emulator.store import Transaction

EVENTS = (
    "MigrationStarted",
    "NewCommerceSubscriptionCreated",
    "NewCommerceSubscriptionProvisioned",
    "MigrationCompleted",
)


class Migrations(Purchases):
    def _equivalent(self, subscription: Doc) -> Item | None:
        offer = self.world.offers.get(subscription["offerId"].upper(), {})
        license_id = offer.get("product", {}).get("id", "").lower()
        for product in self.catalog.products_by_id.values():
            for sku in product.skus:
                if sku.license is not None and sku.license.id == license_id and not sku.trial:
                    return self.catalog.availabilities(product.id, sku.id, "commercial")[0]
        return None

    def validate(self, customer: Doc, spec: MigrationIn) -> tuple[Doc, Item | None, list[tuple[int, str]]]:
        """The legacy subscription, its New Commerce equivalent, and why it cannot migrate (codes [I])."""
        subscription = self.subscriptions.get(customer, spec.current_subscription_id)
        errors: list[tuple[int, str]] = []
        item = None
        if "_lots" in subscription:
            errors.append((900215, "The subscription is already a New Commerce subscription."))
        elif subscription["status"] != "active":
            errors.append((900216, f"The subscription is {subscription['status']}, not active."))
        else:
            item = self._equivalent(subscription)
            if item is None:
                errors.append((900218, f"The offer {subscription['offerId']} has no New Commerce equivalent."))
            else:
                term = (spec.term_duration or "P1Y").upper()
                cycle = (spec.billing_cycle or subscription.get("billingCycle") or "monthly").lower()
                if (term, cycle) not in item.sku.terms:
                    errors.append((900219, f"{item.catalog_item_id} is not offered for {term} billed {cycle}."))
                quantity = subscription["quantity"] if spec.quantity is None else spec.quantity
                if not item.sku.minimum <= quantity <= min(item.sku.maximum, subscription["quantity"]):
                    errors.append(
                        (900220, f"The quantity must be from {item.sku.minimum} to {subscription['quantity']}.")
                    )
        return subscription, item, errors

    def get(self, customer: Doc, migration_id: str) -> Doc:
        migration = self.world.migrations.get(migration_id.strip().lower())
        if migration is None or migration["_customerId"] != customer["id"]:
            raise MigrationNotFound(migration_id)
        return self.current(migration)

    def current(self, migration: Doc) -> Doc:
        if migration["status"] == "Processing" and self.clock.now() >= migration["_completes"]:
            return {**migration, "status": "Completed", "completedTime": formats.seconds(migration["_completes"])}
        return migration

    def events(self, customer: Doc, subscription_id: str | None) -> list[Doc]:
        found = []
        for migration in self.world.migrations.group(customer["id"]):
            if subscription_id and migration["currentSubscriptionId"] != subscription_id.strip().lower():
                continue
            started, done = migration["_started"], migration["_completes"]
            times = (started, started, done, done)
            for n, (name, when) in enumerate(zip(EVENTS, times, strict=True)):
                if when > self.clock.now():
                    break
                found.append(
                    {
                        "id": f"{migration['id'][:-2]}{n:02d}",
                        "newCommerceMigrationId": migration["id"],
                        "currentSubscriptionId": migration["currentSubscriptionId"],
                        "customerTenantId": customer["id"],
                        "createdTime": formats.seconds(when),
                        "eventName": name,
                    }
                )
        return found

    def create(self, customer: Doc, spec: MigrationIn, *, request_key: str | None) -> Doc:
        def make(tx: Transaction) -> Doc:
            legacy, item, errors = self.validate(customer, spec)
            if errors or item is None:
                raise MigrationNotEligible(errors[0][1] if errors else "no equivalent")
            term = (spec.term_duration or "P1Y").upper()
            cycle = (spec.billing_cycle or legacy.get("billingCycle") or "monthly").lower()
            quantity = legacy["quantity"] if spec.quantity is None else spec.quantity
            order_id = self.order_id()
            created = self.new_subscription(
                customer["id"], item, quantity=quantity, term=term, cycle=cycle, order_id=order_id,
                friendly_name=legacy["friendlyName"],
            )  # fmt: skip
            tx.put("subscriptions", created)
            line = {"lineItemNumber": 0, "offerId": item.catalog_item_id, "subscriptionId": created["id"],
                    "termDuration": term, "transactionType": "New", "quantity": quantity}  # fmt: skip
            currency = CURRENCIES.get(customer["companyProfile"]["address"]["country"], ("USD", "$"))[0]
            tx.put("orders", self.new_order(customer, order_id, [line], cycle, currency))
            stored = tx.get("subscriptions", legacy["id"]) or legacy
            tx.put("subscriptions", {**stored, "status": "deleted", "autoRenewEnabled": False,
                                     "_version": stored["_version"] + 1})  # fmt: skip
            now = self.clock.now()
            migration: Doc = {
                "id": self.ids.guid(),
                "startedTime": formats.seconds(now),
                "currentSubscriptionId": legacy["id"].lower(),
                "status": "Processing",
                "customerTenantId": customer["id"],
                "catalogItemId": item.catalog_item_id,
                "newCommerceSubscriptionId": created["id"],
                "newCommerceOrderId": order_id,
                "subscriptionEndDate": created["commitmentEndDate"],
                "quantity": quantity,
                "termDuration": term,
                "billingCycle": cycle.capitalize(),
                # [I] the new term is always a full one; the flag is echoed.
                "purchaseFullTerm": bool(spec.purchase_full_term),
                "addOnMigrations": [],
                "_customerId": customer["id"],
                "_started": now,
                "_completes": now + self.provisioning_delay,
            }
            tx.put("migrations", migration)
            return migration

        return self.once(request_key, make)
