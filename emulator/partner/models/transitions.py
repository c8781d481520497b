"""New Commerce transitions (upgrades): which targets a subscription may move to, and the move itself, into a new
subscription or an existing one of the target; the seats leave the source (transition-a-new-commerce-subscription.md,
get-transitions.md; new-commerce-facts.md §3). Only these three routes are served: transitionEligibilities, POST
transitions and GET transitions. Legacy upgrades (`…/upgrades`) are not."""

from __future__ import annotations

from emulator import formats
from emulator.companies import CURRENCIES
from emulator.partner.models.base import Doc, guid
from emulator.partner.models.catalog import Item
from emulator.partner.models.errors import InvalidInput, LegacySubscription, TransitionNotEligible
from emulator.partner.models.purchases import Purchases
from emulator.partner.schemas.requests import TransitionCreate
from emulator.store import Transaction

TYPES = ("transition_only", "transition_with_license_transfer")


def _trim(subscription: Doc, remaining: int) -> list[list[float]]:
    """The refundable lots left when seats move away: the newest go first, and never more than remain."""
    lots = [list(lot) for lot in subscription["_lots"]]
    while lots and sum(q for q, _ in lots) > remaining:
        excess = sum(q for q, _ in lots) - remaining
        taken = min(excess, lots[-1][0])
        lots[-1][0] -= taken
        if not lots[-1][0]:
            lots.pop()
    return lots


class Transitions(Purchases):
    def _source(self, customer: Doc, subscription_id: str) -> Doc:
        subscription = self.subscriptions.get(customer, subscription_id)
        if "_lots" not in subscription:
            raise LegacySubscription()
        return subscription

    def targets(self, subscription: Doc) -> list[Item]:
        item = self.catalog.item(subscription["offerId"])
        found = []
        for target in item.sku.upgrades if item is not None else ():
            product_id, sku_id = target.split(":")
            found.extend(self.catalog.availabilities(product_id, sku_id, "commercial"))
        return found

    def problems(self, subscription: Doc) -> list[tuple[int, str]]:
        """Why a subscription cannot move now, in get-transitions' codes (1: not active) [I: the texts]."""
        if subscription["status"] != "active":
            return [(1, f"The subscription is {subscription['status']}, not active.")]
        return []

    def eligibilities(self, customer: Doc, subscription_id: str) -> tuple[Doc, list[tuple[Item, list[Doc]]]]:
        """The source, and each target with the customer's subscriptions to it (which may receive the seats)."""
        source = self._source(customer, subscription_id)
        found = []
        for target in self.targets(source):
            owned = [
                s
                for s in self.subscriptions.of(customer)
                if s["offerId"] == target.catalog_item_id and s["status"] in ("active", "pending")
            ]
            found.append((target, owned))
        return source, found

    def of(self, customer: Doc, subscription_id: str, operation_id: str | None = None) -> list[Doc]:
        source = self._source(customer, subscription_id)
        history = [t for t in self.world.transitions.group(customer["id"]) if t["fromSubscriptionId"] == source["id"]]
        if operation_id:
            history = [t for t in history if t["id"] == operation_id.strip().lower()]
        return [self.current(t) for t in history]

    def current(self, transition: Doc) -> Doc:
        """Started until the target subscription is provisioned, then Completed, with that event."""
        if transition["status"] == "Started" and self.clock.now() >= transition["_completes"]:
            event = {
                "name": "Conversion",
                "status": "Completed",
                "timestamp": formats.seconds(transition["_completes"]),
            }
            return {**transition, "status": "Completed", "events": [*transition["events"], event]}
        return transition

    def create(self, customer: Doc, subscription_id: str, spec: TransitionCreate, *, request_key: str | None) -> Doc:
        kind = spec.transition_type.strip().lower()
        if kind not in TYPES:
            raise InvalidInput(f"'transitionType' must be {' or '.join(TYPES)}, got '{spec.transition_type[:32]}'.")

        def make(tx: Transaction) -> Doc:
            source = self._source(customer, subscription_id)
            problems = self.problems(source)
            if problems:
                raise TransitionNotEligible(problems[0][1])
            target = next(
                (t for t in self.targets(source) if t.catalog_item_id.lower() == spec.to_catalog_item_id.lower()),
                None,
            )
            if target is None:
                raise TransitionNotEligible(
                    f"{spec.to_catalog_item_id[:64]} is not a transition target of {source['offerId']}."
                )
            if not 1 <= spec.quantity <= source["quantity"]:
                raise TransitionNotEligible(f"the quantity must be from 1 to {source['quantity']}.")
            operation = self.ids.guid()
            stored = tx.get("subscriptions", source["id"]) or source
            remaining = source["quantity"] - spec.quantity
            left = {
                **stored,
                "quantity": remaining,
                "_version": stored["_version"] + 1,
                "_lots": _trim(stored, remaining),
            }
            if remaining == 0:
                left["status"] = "expired"  # [I] what a fully transitioned subscription reads
                left["autoRenewEnabled"] = False
            tx.put("subscriptions", left)
            to_id = spec.to_subscription_id.lower() if spec.to_subscription_id else None
            if to_id is not None:
                receiving = tx.get("subscriptions", guid(to_id, "toSubscriptionId"))
                if receiving is None or receiving["_customerId"] != customer["id"]:
                    raise TransitionNotEligible(f"the subscription {to_id} is not the customer's.")
                if receiving["offerId"] != target.catalog_item_id:
                    raise TransitionNotEligible(f"the subscription {to_id} is not to {target.catalog_item_id}.")
                status = self.subscriptions.current(receiving)["status"]
                if status not in ("active", "pending"):
                    raise TransitionNotEligible(f"the subscription {to_id} is {status}, not active.")
                if receiving["quantity"] + spec.quantity > target.sku.maximum:
                    raise TransitionNotEligible(f"{target.sku.maximum} seats at most in the subscription {to_id}.")
                tx.put("subscriptions", {**receiving, "quantity": receiving["quantity"] + spec.quantity,
                                         "_version": receiving["_version"] + 1})  # fmt: skip
            else:
                term, cycle = source["termDuration"], source["billingCycle"]
                if (term, cycle) not in target.sku.terms:
                    term, cycle = target.sku.terms[-1]
                order_id = self.order_id()
                created = self.new_subscription(
                    customer["id"], target, quantity=spec.quantity, term=term, cycle=cycle, order_id=order_id
                )
                tx.put("subscriptions", created)
                line = {"lineItemNumber": 0, "offerId": target.catalog_item_id, "subscriptionId": created["id"],
                        "termDuration": term, "transactionType": "Convert", "quantity": spec.quantity}  # fmt: skip
                currency = CURRENCIES.get(customer["companyProfile"]["address"]["country"], ("USD", "$"))[0]
                tx.put("orders", self.new_order(customer, order_id, [line], cycle, currency))
                to_id = created["id"]
            now = self.clock.now()
            transition: Doc = {
                "id": operation,
                "fromCatalogItemId": source["offerId"],
                "fromSubscriptionId": source["id"],
                "toCatalogItemId": target.catalog_item_id,
                "toSubscriptionId": to_id,
                "quantity": spec.quantity,
                "termDuration": source["termDuration"],
                "billingCycle": source["billingCycle"],
                "transitionType": kind,
                "status": "Started",
                "events": [{"name": "Conversion", "status": "Started", "timestamp": formats.seconds(now)}],
                "_customerId": customer["id"],
                "_completes": now + self.provisioning_delay,
            }
            tx.put("transitions", transition)
            return transition

        return self.once(request_key, make)
