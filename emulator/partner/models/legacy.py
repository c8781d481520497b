"""Legacy (license-based) offers beyond buying them (issue 15): offer categories, the offers and add-ons a customer
can buy, the partner's preferred offers, a subscription's add-ons, trial conversions, upgrades, support contact
and Azure reservation registration, and cancelling an order.

Sources (docs/sources/legacy-offers.md): get-a-list-of-offer-categories-by-country-and-locale.md,
get-addon-offers-by-offer-id.md, get-a-list-of-add-ons-for-a-subscription.md, get-a-list-of-trial-conversion-offers.md,
convert-a-trial-subscription-to-paid.md, transition-a-subscription.md and upgrade-resources.md,
get-a-subscription-s-support-contact.md and update-a-subscription-s-support-contact.md, register-a-subscription.md
and get-subscription-registration-status.md, cancel-an-order-from-the-integration-sandbox.md and
cancel-software-purchases.md. Rules the pages do not state are marked [I].
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from emulator.catalog import new_subscription
from emulator.companies import CURRENCIES
from emulator.formats import creation_date, day_start
from emulator.partner.models.base import Doc, Model
from emulator.partner.models.catalog import Catalog
from emulator.partner.models.errors import (
    BillingCycleNotOffered,
    CancellationOutsideSandbox,
    InvalidInput,
    MpnNotFound,
    NotAzureSubscription,
    OrderCancelledBySubscription,
    OrderNotCancellable,
    QuantityOutOfRange,
    SubscriptionDeleted,
    SubscriptionNotActive,
    UnknownOffer,
)
from emulator.partner.models.offers import Offers
from emulator.partner.models.orders import Orders
from emulator.partner.models.subscriptions import Subscriptions
from emulator.partner.schemas.legacy import ConversionIn, OrderCancel, SupportContactIn, UpgradeIn
from emulator.store import Transaction

DAY = 86400.0
# Perpetual software: "Full refund within 30 calendar days of purchase" (new-commerce-cancellation-policy.md).
SOFTWARE_CANCEL_DAYS = 30
MAX_PREFERRED = 1000  # [I] the emulator's own bound on the preferred offers

# UpgradeErrorCode, numbered in upgrade-resources.md's order (the sample's code 2 is subscription_status_not_active).
UPGRADE_ERRORS = (
    "other", "delegated_admin_permissions_disabled", "subscription_status_not_active", "conflicting_service_types",
    "concurrency_conflicts", "user_context_required", "subscription_add_ons_present",
    "subscription_does_not_have_any_upgrade_paths", "subscription_target_offer_not_found",
    "subscription_not_provisioned", "offer_does_not_support_billing_cycle",
)  # fmt: skip
UPGRADE_TYPES = ("none", "upgrade_only", "upgrade_with_license_transfer")
CONVERSIONS_NOT_FOUND = 1  # ConversionErrorCode: other 0, conversions_not_found 1
NOT_ACTIVE_TEXT = (  # transition-a-subscription.md's sample
    "Subscription cannot be upgraded because the source subscription state is not active.  Additional Details "
    "contains the current source subscription state."
)


@dataclass(frozen=True)
class UpgradeError:
    code: int
    description: str
    details: str | None = None


@dataclass(frozen=True)
class UpgradeOption:
    target: Doc  # the target offer
    upgrade_type: str
    quantity: int
    errors: tuple[UpgradeError, ...]


def _error(name: str, description: str, details: str | None = None) -> UpgradeError:
    return UpgradeError(UPGRADE_ERRORS.index(name), description, details)


class Legacy(Model):
    subscriptions: Subscriptions
    orders: Orders
    offers: Offers

    def bind(self, subscriptions: Subscriptions, orders: Orders, offers: Offers) -> Legacy:
        self.subscriptions, self.orders, self.offers = subscriptions, orders, offers
        return self

    # --- the catalogue: categories, a customer's offers, add-ons, preferred offers -----------------------------

    def categories(self, offers: list[Doc]) -> list[Doc]:
        """The categories of these offers, each once, by rank (add-ons have an empty category: not listed)."""
        found: dict[str, Doc] = {}
        for offer in offers:
            category = offer["category"]
            if category.get("id"):
                found.setdefault(category["id"].lower(), category)
        return sorted(found.values(), key=lambda c: c["rank"])

    def purchasable(self, category: str | None = None) -> list[Doc]:
        """The offers a customer can buy: those available for purchase [I: the catalogue sells the same offers in
        every market and knows no customer qualifications]."""
        return [o for o in self.offers.in_category(category) if o["isAvailableForPurchase"]]

    def add_ons(self, offer_id: str, country: str, *, purchasable_only: bool = False) -> list[Doc]:
        """The add-ons whose prerequisite offers include this one (an unknown offer is 404, a New Commerce id 2100)."""
        base = self.offers.get(offer_id, country)["id"].upper()
        found = []
        for offer in self.world.offers.values():
            wanted = offer["isAvailableForPurchase"] or not purchasable_only
            if wanted and offer["isAddOn"] and base in {p.upper() for p in offer["prerequisiteOffers"]}:
                found.append(offer)
        return found

    def preferred(self) -> list[str]:
        stored = self.world.catalog_preferences.get("offers")
        return list(stored["offerIds"]) if stored is not None else []

    def set_preferred(self, offer_ids: Any) -> list[str]:
        """Replace the partner's preferred offers: known offer ids, each once, in the order given [I]."""
        if not isinstance(offer_ids, list):
            raise InvalidInput("the body must be a JSON array of offer ids.")
        if len(offer_ids) > MAX_PREFERRED:
            raise InvalidInput(f"at most {MAX_PREFERRED} offer ids.")
        chosen: list[str] = []
        for index, value in enumerate(offer_ids):
            if not isinstance(value, str) or not value.strip():
                raise InvalidInput(f"'[{index}]' must be a non-empty string (an offer id).")
            offer = self.world.offers.get(value.strip().upper())
            if offer is None:
                raise UnknownOffer(value.strip())
            if offer["id"] not in chosen:
                chosen.append(offer["id"])
        with self.store.transaction() as tx:
            tx.put("catalogPreferences", {"id": "offers", "offerIds": chosen})
        return chosen

    # --- a subscription's add-ons ---------------------------------------------------------------------------

    def subscription_add_ons(self, customer: Doc, subscription_id: str) -> list[Doc]:
        parent = self.subscriptions.get(customer, subscription_id)
        return [
            self.subscriptions.current(s)
            for s in self.world.subscriptions.group(customer["id"])
            if s.get("parentSubscriptionId", "").lower() == parent["id"].lower()
        ]

    # --- support contact ------------------------------------------------------------------------------------

    def support_contact(self, customer: Doc, subscription_id: str) -> tuple[Doc, Doc]:
        """(subscription, contact): the one set, else the partner itself [I: the documented sample's contact is
        the calling partner's own tenant]."""
        subscription = self.subscriptions.get(customer, subscription_id)
        stored = self.world.support_contacts.get(subscription["id"])
        if stored is not None:
            return subscription, stored
        mpn = self.world.profiles["mpn"]
        own = {"supportTenantId": self.world.partner.id, "supportMpnId": mpn["mpnId"], "name": mpn["partnerName"]}
        return subscription, own

    def set_support_contact(self, customer: Doc, subscription_id: str, spec: SupportContactIn) -> tuple[Doc, Doc]:
        """The contact must be a partner of the MPN directory (the partner's resellers, or itself): 800015
        otherwise. Its name is the directory's [I]."""
        with self.store.transaction() as tx:
            subscription = self.subscriptions.get(customer, subscription_id)
            if subscription["status"] in ("deleted", "expired"):
                raise SubscriptionDeleted(subscription["id"], subscription["status"])
            partner = self.world.mpn_directory.get(spec.support_mpn_id.strip())
            if partner is None:
                raise MpnNotFound(spec.support_mpn_id.strip())
            contact = {
                "id": subscription["id"].lower(),
                "supportTenantId": spec.support_tenant_id,
                "supportMpnId": partner["mpnId"],
                "name": partner["partnerName"],
                "_customerId": customer["id"],
            }
            tx.put("supportContacts", contact)
            return subscription, contact

    # --- Azure reservation registration ----------------------------------------------------------------------

    def _azure(self, subscription: Doc) -> None:
        """Only an Azure subscription (MS-AZR-0145P, usage-based) registers for reservations (800011)."""
        offer = self.world.offers.get(subscription["offerId"].upper())
        if "_lots" in subscription or offer is None or offer["billing"] != "usage":
            raise NotAzureSubscription()

    def registration_status(self, customer: Doc, subscription_id: str) -> tuple[Doc, str]:
        """NotRegistered, then Registering for the provisioning delay on the emulator's clock [I], then
        Registered (the states subscription-resources.md names, in the sample's case)."""
        subscription = self.subscriptions.get(customer, subscription_id)
        self._azure(subscription)
        registration = self.world.registrations.get(subscription["id"])
        if registration is None:
            return subscription, "NotRegistered"
        done = self.clock.now() >= registration["_registered"]
        return subscription, "Registered" if done else "Registering"

    def register(self, customer: Doc, subscription_id: str) -> Doc:
        """Register an active Azure subscription (800012 otherwise); registering again changes nothing [I]."""
        with self.store.transaction() as tx:
            subscription = self.subscriptions.get(customer, subscription_id)
            self._azure(subscription)
            if subscription["status"] != "active":
                raise SubscriptionNotActive(subscription["status"])
            if tx.get("registrations", subscription["id"]) is None:
                registration = {
                    "id": subscription["id"].lower(),
                    "subscriptionId": subscription["id"],
                    "_customerId": customer["id"],
                    "_registered": self.clock.now() + self.provisioning_delay,
                }
                tx.put("registrations", registration)
            return subscription

    # --- orders the emulator makes for conversions and upgrades ------------------------------------------------

    def _order(self, customer: Doc, offer: Doc, subscription_id: str, quantity: int, cycle: str, name: str) -> Doc:
        """A one-line legacy order (pending, then completed on the emulator's clock), as create-an-order writes."""
        currency = CURRENCIES.get(customer["companyProfile"]["address"]["country"], ("USD", "$"))[0]
        line = {"lineItemNumber": 0, "offerId": offer["id"], "subscriptionId": subscription_id,
                "friendlyName": name, "quantity": quantity}  # fmt: skip
        return {
            "id": self.ids.guid(),
            "referenceCustomerId": customer["id"],
            "billingCycle": cycle,
            "currencyCode": currency,
            "lineItems": [line],
            "creationDate": creation_date(self.now()),
            "status": "pending",
            "_created": self.clock.now(),
        }

    # --- trial conversions -------------------------------------------------------------------------------------

    def _conversions(self, subscription: Doc) -> list[Doc]:
        """An active legacy trial's conversions: its offer's conversionTargetOffers still sold, with the trial's
        seats and order (get-a-list-of-trial-conversion-offers.md), billed monthly where the target allows [I]."""
        if "_lots" in subscription or not subscription.get("isTrial") or subscription["status"] != "active":
            return []
        offer = self.world.offers.get(subscription["offerId"].upper(), {})
        found = []
        for target_id in offer.get("conversionTargetOffers", ()):
            target = self.world.offers.get(target_id.upper())
            if target is None or not target["isAvailableForPurchase"]:
                continue
            cycles = target["supportedBillingCycles"]
            found.append(
                {
                    "offerId": offer["id"],
                    "targetOfferId": target["id"],
                    "orderId": subscription["orderId"],
                    "quantity": subscription["quantity"],
                    "billingCycle": "monthly" if "monthly" in cycles else cycles[0],
                }
            )
        return found

    def conversions(self, customer: Doc, subscription_id: str) -> list[Doc]:
        return self._conversions(self.subscriptions.get(customer, subscription_id))

    def convert(self, customer: Doc, subscription_id: str, spec: ConversionIn, *, request_key: str | None) -> Doc:
        """The trial's subscription id is kept for the purchase (convert-a-trial-subscription-to-paid.md): the
        subscription becomes the paid offer's, with a new order for it [I]. A target that is not one of the trial's
        conversions is answered with the result's error (conversions_not_found) and changes nothing [I]."""

        def make(tx: Transaction) -> Doc:
            subscription = self.subscriptions.get(customer, subscription_id)
            if spec.offer_id is not None and spec.offer_id.upper() != subscription["offerId"].upper():
                raise InvalidInput(
                    f"'offerId' {spec.offer_id[:64]} is not the offer of subscription {subscription['id']} "
                    f"({subscription['offerId']})."
                )
            result: Doc = {
                "subscriptionId": subscription["id"],
                "offerId": subscription["offerId"],
                "targetOfferId": spec.target_offer_id,
            }
            chosen = next(
                (
                    c
                    for c in self._conversions(subscription)
                    if c["targetOfferId"].upper() == spec.target_offer_id.upper()
                ),
                None,
            )
            if chosen is None:
                why = "it is not an active trial" if not subscription.get("isTrial") or subscription["status"] != (
                    "active") else f"its offer does not convert to {spec.target_offer_id[:64]}"  # fmt: skip
                result["error"] = {
                    "code": CONVERSIONS_NOT_FOUND,
                    "description": f"No conversion found for subscription {subscription['id']}: {why}.",
                }
                return result
            target = self.world.offers[chosen["targetOfferId"].upper()]
            quantity = chosen["quantity"] if spec.quantity is None else spec.quantity
            low, high = target["minimumQuantity"], target["maximumQuantity"]
            if not low <= quantity <= high:
                raise QuantityOutOfRange(
                    f": offer {target['id']} allows {low} to {high}, the conversion asks {quantity}."
                )
            cycle = (spec.billing_cycle or chosen["billingCycle"]).strip().lower()
            if cycle not in target["supportedBillingCycles"]:
                raise BillingCycleNotOffered(target["id"], target["supportedBillingCycles"])
            order = self._order(customer, target, subscription["id"], quantity, cycle, subscription["friendlyName"])
            now = self.now()
            stored = tx.get("subscriptions", subscription["id"]) or subscription
            paid = {
                **stored,
                "offerId": target["id"],
                "offerName": target["name"],
                "quantity": quantity,
                "unitType": target["unitType"],
                "hasPurchasableAddons": target["hasAddOns"],
                "effectiveStartDate": day_start(now),
                "commitmentEndDate": day_start(now + timedelta(days=365)),
                "autoRenewEnabled": target["isAutoRenewable"],
                "isTrial": False,
                "billingType": target["billing"],
                "billingCycle": cycle,
                "termDuration": "P1Y" if target["billing"] == "license" else "P1M",
                "orderId": order["id"],
                "_version": stored["_version"] + 1,
            }
            tx.put("subscriptions", paid)
            tx.put("orders", order)
            return {**result, "targetOfferId": target["id"]}

        return self.once(request_key, make)

    # --- upgrades ------------------------------------------------------------------------------------------------

    def _license_transfer(self, source: Doc, target: Doc) -> bool:
        """Licenses can move when both offers' license SKUs are known (a legacy offer's product id is its SKU)."""
        known = Catalog.licenses
        return source["product"]["id"].lower() in known and target["product"]["id"].lower() in known

    def _problems(self, customer: Doc, subscription: Doc, target: Doc) -> tuple[UpgradeError, ...]:
        """Why this subscription cannot be upgraded to `target` now (upgrade-resources.md's codes) [I: the texts
        but subscription_status_not_active's]."""
        status = subscription["status"]
        if status == "pending":
            return (_error("subscription_not_provisioned", "Subscription cannot be upgraded because the source "
                           "subscription is not provisioned yet."),)  # fmt: skip
        if status != "active":
            return (_error("subscription_status_not_active", NOT_ACTIVE_TEXT, status),)
        problems = []
        add_ons = [a["id"] for a in self.subscription_add_ons(customer, subscription["id"]) if a["status"] == "active"]
        if add_ons:
            problems.append(_error("subscription_add_ons_present", "Subscription cannot be upgraded because it has "
                                   "active add-ons.  Additional Details contains their subscription ids.",
                                   ", ".join(add_ons)))  # fmt: skip
        if not target["isAvailableForPurchase"]:
            problems.append(_error("subscription_target_offer_not_found", f"The target offer {target['id']} is no "
                                   "longer available for purchase."))  # fmt: skip
        elif subscription["billingCycle"] not in target["supportedBillingCycles"]:
            problems.append(_error("offer_does_not_support_billing_cycle", f"The target offer {target['id']} is not "
                                   f"offered billed {subscription['billingCycle']}."))  # fmt: skip
        return tuple(problems)

    def _options(self, customer: Doc, subscription: Doc) -> list[UpgradeOption]:
        if "_lots" in subscription:
            return []  # New Commerce subscriptions move with transitions, not legacy upgrades [I]
        offer = self.world.offers.get(subscription["offerId"].upper())
        options = []
        for target_id in offer.get("_upgradeTargetOffers", ()) if offer is not None else ():
            target = self.world.offers.get(target_id.upper())
            if target is None or offer is None:
                continue
            kind = "upgrade_with_license_transfer" if self._license_transfer(offer, target) else "upgrade_only"
            problems = self._problems(customer, subscription, target)
            options.append(UpgradeOption(target, kind, subscription["quantity"], problems))
        return options

    def upgrades(self, customer: Doc, subscription_id: str) -> list[UpgradeOption]:
        """The offers the subscription can be upgraded to (its offer's upgrade paths), each with its eligibility;
        none for a subscription without upgrade paths [I]."""
        return self._options(customer, self.subscriptions.get(customer, subscription_id))

    def upgrade(
        self, customer: Doc, subscription_id: str, spec: UpgradeIn, kind: str | None, *, request_key: str | None
    ) -> Doc:
        """Move seats to the target offer: into the customer's active subscription to it, else a new subscription
        with its own order; the source keeps the rest, or is suspended when every seat moved [I: cloudblue's
        account of Partner Center suspending the source]. With license transfer, users holding the source's license
        get the target's instead, as many as seats moved [I]. An ineligible upgrade is answered with its
        upgradeErrors and changes nothing [I: UpgradeResult carries them]."""

        def make(tx: Transaction) -> Doc:
            source = self.subscriptions.get(customer, subscription_id)
            options = self._options(customer, source)
            chosen = next((o for o in options if o.target["id"].upper() == spec.target_offer.id.upper()), None)
            upgrade_type = kind or (chosen.upgrade_type if chosen is not None else "upgrade_only")
            result: Doc = {"sourceSubscriptionId": source["id"], "upgradeType": upgrade_type, "licenseErrors": []}
            if chosen is None:
                error = (
                    _error("subscription_target_offer_not_found", f"The offer {spec.target_offer.id[:64]} is not an "
                           f"upgrade of {source['offerId']}.")
                    if options else
                    _error("subscription_does_not_have_any_upgrade_paths", f"Subscription {source['id']} has no "
                           "upgrade paths.")
                )  # fmt: skip
                return {**result, "upgradeErrors": [wire_error(error)]}
            if chosen.errors:
                return {**result, "upgradeErrors": [wire_error(e) for e in chosen.errors]}
            target = chosen.target
            quantity = source["quantity"] if spec.quantity is None else spec.quantity
            if not 1 <= quantity <= source["quantity"]:
                raise QuantityOutOfRange(f": 1 to the source's {source['quantity']} seats can move, not {quantity}.")
            receiving = next(
                (s for s in tx.group("subscriptions", customer["id"])
                 if s["offerId"].upper() == target["id"].upper() and s["status"] == "active" and "_lots" not in s),
                None,
            )  # fmt: skip
            if receiving is not None:
                if receiving["quantity"] + quantity > target["maximumQuantity"]:
                    raise QuantityOutOfRange(f": subscription {receiving['id']} can hold {target['maximumQuantity']}.")
                tx.put("subscriptions", {**receiving, "quantity": receiving["quantity"] + quantity,
                                         "_version": receiving["_version"] + 1})  # fmt: skip
                target_id = receiving["id"]
            else:
                if not target["minimumQuantity"] <= quantity <= target["maximumQuantity"]:
                    raise QuantityOutOfRange(
                        f": offer {target['id']} allows {target['minimumQuantity']} to {target['maximumQuantity']}."
                    )
                target_id = self.ids.guid().upper()
                order = self._order(customer, target, target_id, quantity, source["billingCycle"], target["name"])
                now = self.now()
                created = new_subscription(
                    target, subscription_id=target_id, customer_id=customer["id"], order_id=order["id"],
                    quantity=quantity, friendly_name=target["name"], billing_cycle=source["billingCycle"],
                    status="active", created=order["creationDate"], start=now,
                )  # fmt: skip
                tx.put("subscriptions", created)
                tx.put("orders", order)
            left = {**source, "_version": source["_version"] + 1}
            if quantity == source["quantity"]:
                left.update(status="suspended", autoRenewEnabled=False)
            else:
                left["quantity"] = source["quantity"] - quantity
            tx.put("subscriptions", left)
            if upgrade_type == "upgrade_with_license_transfer":
                self._transfer(tx, customer, self.world.offers[source["offerId"].upper()], target, quantity)
            return {**result, "targetSubscriptionId": target_id, "upgradeErrors": []}

        return self.once(request_key, make)

    def _transfer(self, tx: Transaction, customer: Doc, source: Doc, target: Doc, seats: int) -> None:
        if not self._license_transfer(source, target):
            return
        old, new = source["product"]["id"].lower(), target["product"]["id"].lower()
        for user in tx.group("customerUsers", customer["id"]):
            held = list(user.get("_licenses", ()))
            if seats <= 0 or old not in held:
                continue
            held.remove(old)
            if new not in held:
                held.append(new)
            tx.put("customerUsers", {**user, "_licenses": held})
            seats -= 1

    # --- cancelling an order ---------------------------------------------------------------------------------

    def _software(self, line: Doc) -> bool:
        item = self.subscriptions.catalog.item(line["offerId"])
        return item is not None and item.product.product_type == "Software"

    def cancel_order(self, customer: Doc, order_id: str, spec: OrderCancel) -> Doc:
        """Cancel a perpetual software order, or some of its line items (their quantity becomes 0; the order is
        cancelled when none is left): within 30 days of the purchase, or at any time in the integration sandbox
        [I]. Other orders: 800019 outside the sandbox, 800063 in it (their subscriptions are suspended instead)."""
        if spec.status.strip().lower() != "cancelled":
            raise InvalidInput(f"'status' must be cancelled, got '{spec.status[:32]}'.")
        with self.store.transaction() as tx:
            order = self.orders.get(customer, order_id)
            if spec.id is not None and spec.id.strip().lower() != order["id"].lower():
                raise InvalidInput(f"'id' {spec.id[:64]} is not the order in the path ({order['id']}).")
            if order["status"] == "cancelled":
                raise OrderNotCancellable(f"order {order['id']} is already cancelled.")
            if not all(self._software(line) for line in order["lineItems"]):
                if not self.world.integration_sandbox:
                    raise CancellationOutsideSandbox()
                raise OrderCancelledBySubscription(order["id"], customer["id"])
            age = self.clock.now() - order.get("_created", 0.0)
            if not self.world.integration_sandbox and age > SOFTWARE_CANCEL_DAYS * DAY:
                raise OrderNotCancellable(f"perpetual software can be cancelled within {SOFTWARE_CANCEL_DAYS} days.")
            lines = {line["lineItemNumber"]: line for line in order["lineItems"]}
            wanted = [given.line_item_number for given in spec.line_items or ()] or list(lines)
            for given in spec.line_items or ():
                line = lines.get(given.line_item_number)
                if line is None:
                    raise InvalidInput(f"order {order['id']} has no line item {given.line_item_number}.")
                if given.offer_id is not None and given.offer_id.upper() != line["offerId"].upper():
                    raise InvalidInput(
                        f"line item {given.line_item_number} is {line['offerId']}, not {given.offer_id}."
                    )
                if line["quantity"] == 0:
                    raise OrderNotCancellable(f"line item {given.line_item_number} is already cancelled.")
            items = [{**line, "quantity": 0} if number in wanted else line for number, line in lines.items()]
            cancelled = {**order, "lineItems": items}
            if all(item["quantity"] == 0 for item in items):
                cancelled["status"] = "cancelled"
            tx.put("orders", cancelled)
            return cancelled


def wire_error(error: UpgradeError) -> Doc:
    shown: Doc = {"code": error.code, "description": error.description}
    if error.details is not None:
        shown["additionalDetails"] = error.details
    return shown
