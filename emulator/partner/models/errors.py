"""What can go wrong in a Partner Center model, as typed errors with no HTTP in them.

Each error says why in words a person understands (the description Partner Center would send); the one mapping to
status and code lives in `emulator.partner.errors`.
"""

from __future__ import annotations


class DomainError(Exception):
    """A refused change or lookup; `description` is the text of Partner Center's error body, `data` its data."""

    data: tuple[str, ...] = ()

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


# --- bad input: the request cannot be what the caller meant --------------------------------------------------------


class InvalidInput(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(f"Invalid request input: {message}")


class InvalidProperty(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(f"Invalid property: {message}")


class BodyTooLarge(InvalidInput):
    pass


# --- not found ----------------------------------------------------------------------------------------------------


class CustomerNotFound(DomainError):
    def __init__(self, customer_id: str) -> None:
        super().__init__(f"Tenant not found: no customer with id {customer_id.lower()} in this partner's customers.")


class UserNotFound(DomainError):
    def __init__(self, user_id: str) -> None:
        super().__init__(f"User object Id is not found: {user_id.lower()}")


class SubscriptionNotFound(DomainError):
    def __init__(self, subscription_id: str) -> None:
        super().__init__(f"Subscription with id {subscription_id.upper()} not found.")


class OrderNotFound(DomainError):
    def __init__(self, order_id: str) -> None:
        super().__init__(f"Order Id not found: {order_id[:64]}")


class ConsentNotFound(DomainError):
    def __init__(self, application_id: str) -> None:
        super().__init__(f"Not found: application {application_id} has no consent in this customer.")


class OfferNotFound(DomainError):
    def __init__(self, offer_id: str, country: str) -> None:
        super().__init__(f"Not found: no offer with id {offer_id[:64]} in market {country}.")


class InvoiceNotFound(DomainError):
    def __init__(self, invoice_id: str) -> None:
        super().__init__(f"Not found: no invoice with id {invoice_id[:64]}.")


class PartnerNotFound(DomainError):
    def __init__(self, mpn_id: str) -> None:
        super().__init__(f"Partner Organization with partner_id {mpn_id} could not be found")


# --- conflicts and rules ------------------------------------------------------------------------------------------


class ConsentExists(DomainError):
    def __init__(self, application_id: str) -> None:
        super().__init__(
            f"Invalid property: application {application_id} already has consent in this customer; delete it first."
        )


class NotInSandbox(DomainError):
    def __init__(self) -> None:
        super().__init__(
            "This operation is not supported in this environment: customers can be deleted only from the "
            "integration sandbox (set integrationSandbox in partner.json)."
        )


class UnknownOffer(DomainError):
    def __init__(self, offer_id: str) -> None:
        super().__init__(f"Invalid offer Id: {offer_id[:64]}")


class OfferNotPurchasable(DomainError):
    def __init__(self, offer_id: str) -> None:
        super().__init__(f"The offer is no longer available for purchase: {offer_id}")


class QuantityOutOfRange(DomainError):
    def __init__(self, detail: str) -> None:
        super().__init__(f"Subscription quantity is not within minimum and maximum allowed quantity{detail}")


class AddOnWithoutParent(DomainError):
    def __init__(self) -> None:
        super().__init__("The add-on is not related to the specified parent subscription")


class LineItemNumbers(DomainError):
    def __init__(self) -> None:
        super().__init__("Line Item number should be from 0 to number of line items count")


class BillingCycleNotOffered(DomainError):
    def __init__(self, offer_id: str, cycles: list[str]) -> None:
        super().__init__(
            "The billing cycle could not be changed because one of the order's Offer Ids does not support the "
            f"billing term: {offer_id} supports {', '.join(cycles)}."
        )


class StaleEtag(DomainError):
    def __init__(self) -> None:
        super().__init__("Etag is no longer valid")


class SubscriptionDeleted(DomainError):
    def __init__(self, subscription_id: str, status: str = "deleted") -> None:
        super().__init__(f"Subscription with id {subscription_id} and {status} status cannot be updated.")


class BillingCycleChange(DomainError):
    def __init__(self) -> None:
        super().__init__(
            "The billing cycle for an existing subscription cannot be updated using update-subscription "
            "operation. Please use update-Order operation"
        )


class NotActivated(DomainError):
    def __init__(self) -> None:
        super().__init__("Cannot update a subscription before activating it")


class StatusNotChangeable(DomainError):
    def __init__(self) -> None:
        super().__init__("Cannot update the status for this subscription")


class Suspended(DomainError):
    def __init__(self) -> None:
        super().__init__("Cannot update a subscription with suspended status")


class SeatsNotChangeable(DomainError):
    def __init__(self) -> None:
        super().__init__("Cannot update the seat quantity for this subscription")


class NotAutoRenewable(DomainError):
    def __init__(self) -> None:
        super().__init__("The subscription is not eligible to be auto-renewed")


class AppOnlyRefused(DomainError):
    """An operation documented as App+User only, called with an app-only token."""

    def __init__(self) -> None:
        super().__init__(
            "Access denied: this operation supports App+User authentication only; the token is app-only "
            "(client credentials). Sign in a user and call with that token."
        )


class UnparsableEnum(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(f"Unable to parse enum: {message}")


# --- New Commerce (new-commerce-facts.md) ----------------------------------------------------------------------


class ProductNotFound(DomainError):
    def __init__(self) -> None:
        super().__init__("Product was not found.")


class SkuNotFound(DomainError):
    def __init__(self) -> None:
        super().__init__("Sku was not found.")


class AvailabilityNotFound(DomainError):
    def __init__(self) -> None:
        super().__init__("Availability was not found.")  # [I] the text; 400019 is documented


class SegmentNotAllowed(DomainError):
    def __init__(self) -> None:
        super().__init__("Access to the requested targetSegment is not allowed.")


class ViewNotAllowed(DomainError):
    def __init__(self) -> None:
        super().__init__("Access to the requested targetView is not allowed.")


class NewCommerceOnLegacyOffers(DomainError):
    def __init__(self, offer_id: str) -> None:
        super().__init__(  # [I] the text; 2100 for a New Commerce id on /v1/offers is documented
            f"The offer id {offer_id[:64]} is a New Commerce product: read it from /v1/products."
        )


class AgreementExists(DomainError):
    def __init__(self) -> None:
        super().__init__("A partner confirmed agreement already exists for the customer.")


class AgreementNotAccepted(DomainError):
    def __init__(self) -> None:
        super().__init__(
            "Either a partner confirmation of the customer acceptance of the Microsoft Customer Agreement must be "
            "provided or the customer must accept the Microsoft Customer Agreement in the Microsoft Admin Center "
            "before you can complete this purchase"
        )


class AttestationMissing(DomainError):
    def __init__(self) -> None:
        super().__init__("Partner Attestation is missing")


class CartNotFound(DomainError):
    def __init__(self, cart_id: str) -> None:
        super().__init__(f"Cart with id {cart_id[:64]} was not found.")  # [I] the text; 800008 is documented


class CartHasErrors(DomainError):
    def __init__(self) -> None:
        super().__init__("Error in Cart item(s)")


class CartSubmitted(DomainError):
    def __init__(self, cart_id: str) -> None:
        super().__init__(f"can't check out an already submitted cart {cart_id}.")


class TooManyCarts(DomainError):
    def __init__(self, cap: int) -> None:
        super().__init__(  # [I] the emulator's own store cap: Partner Center documents none
            f"Invalid request input: the emulator keeps at most {cap} unexpired carts; check out or let some expire "
            "(7 days on the emulator's clock), or reset."
        )


class LicenseNotAvailable(DomainError):
    data = (
        "LicenseQuotaExceededException : Subscription for the license is either not available, or all its "
        "licenses are assigned.",
    )  # [I] the text after the documented exception name

    def __init__(self, sku_id: str) -> None:
        super().__init__(f"There are no available licenses for the product sku {sku_id}.")


class PartnerTokenRefused(DomainError):
    """License management is App+User only, with its own code (900316)."""

    def __init__(self) -> None:
        super().__init__("Partner token is not allowed in license management calls.")


class NotReady(DomainError):
    def __init__(self) -> None:
        super().__init__("Subscription is not ready to be updated. Try again after sometime")


class QuantityNotDecreasable(DomainError):
    def __init__(self) -> None:
        super().__init__("Subscription quantity cannot be decreased.")


class CancellationWindowPassed(DomainError):
    def __init__(self) -> None:
        # 168 hours: the 7-day window of new-commerce-facts.md §3; the template's {0} filled in [I].
        super().__init__("You have passed your 168-hour cancellation window. We are unable to cancel your purchase")


class LegacySubscription(DomainError):
    def __init__(self) -> None:
        super().__init__("This API method is not supported for legacy subscriptions.")


class TransitionNotEligible(DomainError):
    def __init__(self, why: str) -> None:
        super().__init__(f"The subscription is not eligible for this transition: {why}")  # [I] the text


class MigrationNotEligible(DomainError):
    def __init__(self, why: str) -> None:
        super().__init__(f"The subscription cannot be migrated to New Commerce: {why}")  # [I] the text


class MigrationNotFound(DomainError):
    def __init__(self, migration_id: str) -> None:
        super().__init__(f"Migration with id {migration_id[:64]} was not found.")  # [I]


# --- customer users, directory roles and partner roles (issue 15) ---------------------------------------------------


class RoleNotFound(DomainError):
    def __init__(self, role_id: str, what: str = "directory role") -> None:
        super().__init__(f"Not found: no {what} with id {role_id[:64].lower()}.")  # [I] the text; 1000 Not found


class RoleMemberExists(DomainError):
    def __init__(self, member_id: str, role_name: str) -> None:
        super().__init__(f"Invalid property: user {member_id} is already a member of the role {role_name}.")  # [I]


class NotRoleMember(DomainError):
    def __init__(self, member_id: str, role_name: str) -> None:
        super().__init__(f"Not found: user {member_id.lower()} is not a member of the role {role_name}.")  # [I]


# --- legacy offers: conversions, upgrades, support contacts, registrations, order cancellation (issue 15) ---------


class NotAzureSubscription(DomainError):
    def __init__(self) -> None:
        super().__init__("This subscription is not a valid Azure subscription")


class SubscriptionNotActive(DomainError):
    def __init__(self, status: str) -> None:
        super().__init__(f"This subscription is not an active subscription (it is {status}).")


class MpnNotFound(DomainError):
    def __init__(self, mpn_id: str) -> None:
        super().__init__(f"MPN Id is not found: {mpn_id[:32]} is not a partner in this partner's directory.")


class OrderNotCancellable(DomainError):
    def __init__(self, why: str) -> None:
        super().__init__(f"Order cannot be cancelled: {why}")


class OrderCancelledBySubscription(DomainError):
    def __init__(self, order_id: str, customer_id: str) -> None:
        super().__init__(
            f"This order {order_id} cannot be cancelled. Use PATCH /customers/{customer_id}/subscriptions/"
            "<subscriptionId> to suspend subscriptions"
        )


class CancellationOutsideSandbox(DomainError):
    def __init__(self) -> None:
        super().__init__(
            "Non-Sandbox tenants are not allowed to cancel purchases other than software subscriptions and "
            "perpetual software"
        )


# --- devices, policies, batch jobs and syndication migrations (issue 15; docs/sources/devices.md) ---------------


class DeviceBatchNotFound(DomainError):
    def __init__(self, batch_id: str) -> None:
        super().__init__(f"Not found: the customer has no device batch '{batch_id[:128]}'.")  # [I] the text


class DeviceBatchExists(DomainError):
    def __init__(self, batch_id: str) -> None:
        super().__init__(f"A device batch with id '{batch_id[:128]}' already exists for this customer.")  # [I]


class DeviceNotFound(DomainError):
    def __init__(self, device_id: str) -> None:
        super().__init__(f"Not found: the customer has no device with id {device_id[:64]}.")  # [I] the text


class PolicyNotFound(DomainError):
    def __init__(self, policy_id: str) -> None:
        super().__init__(f"Not found: the customer has no configuration policy with id {policy_id[:64]}.")  # [I]


class PolicyInUse(DomainError):
    def __init__(self, policy_id: str, devices: int) -> None:
        super().__init__(f"The configuration policy {policy_id} is assigned to {devices} device(s).")  # [I]


class BatchJobNotFound(DomainError):
    def __init__(self, tracking_id: str) -> None:
        super().__init__(f"Not found: no batch job with tracking id {tracking_id[:64]} for this customer.")  # [I]


class FlightNotFound(DomainError):
    def __init__(self, flight_id: str) -> None:
        super().__init__(f"Not found: there is no insider program '{flight_id[:64]}'.")  # [I] the text


class SyndicationBatchNotFound(DomainError):
    def __init__(self, batch_id: str) -> None:
        super().__init__(f"Not found: no syndication migration batch with id {batch_id[:64]}.")  # [I] the text


class MosiCustomerNotFound(DomainError):
    def __init__(self, mosi_customer_id: str) -> None:
        super().__init__(f"Not found: no syndication customer with id {mosi_customer_id[:64]}.")  # [I] the text


class MosiCustomerMigrated(DomainError):
    def __init__(self, mosi_customer_id: str) -> None:
        super().__init__(f"The syndication customer {mosi_customer_id[:64]} is already being migrated.")  # [I]


# --- relationships, profiles, validations and domains (issue 15) ----------------------------------------------


class RelationshipNotFound(DomainError):
    """Microsoft/Partner-Center-PowerShell#51: removing a relationship that is already gone."""

    def __init__(self) -> None:
        super().__init__("The relationship between the partner and customer does not exist")


class ActiveSubscriptions(DomainError):
    """remove-a-reseller-relationship-with-a-customer.md: active subscriptions are suspended first [I] the text."""

    def __init__(self, subscription_ids: list[str]) -> None:
        super().__init__(
            "The reseller relationship cannot be removed while the customer has active subscriptions; suspend "
            f"them first: {', '.join(subscription_ids[:10])}"
        )
        self.data = tuple(subscription_ids)


class IndirectResellerNotFound(DomainError):
    def __init__(self, partner_id: str) -> None:
        super().__init__(f"Not found: {partner_id.lower()[:64]} is not an indirect reseller of this partner.")


class MarketNotFound(DomainError):
    def __init__(self, country: str) -> None:
        super().__init__(f"Not found: no address formatting rules for the market '{country}'.")


class DomainNotFound(DomainError):
    def __init__(self, domain: str, customer_id: str) -> None:
        super().__init__(f"Not found: {domain[:256]} is not a verified domain of customer {customer_id}.")


# --- usage, rate cards and invoice line items (issue 15) -----------------------------------------------------------


class NoUsageData(DomainError):
    """A customer without a usage-based (Azure) subscription: Partner-Center-PowerShell issue #76 shows the text
    and code 3000 of get-a-customer-usage-summary's answer."""

    def __init__(self) -> None:
        super().__init__("Customer does not have usage data.")


class SubscriptionWithoutUsage(DomainError):
    """A usage route for a license-based subscription [I]: the customer's text, said of the subscription."""

    def __init__(self, subscription_id: str) -> None:
        super().__init__(f"Subscription {subscription_id.upper()} does not have usage data.")


class LegacyAzureOnly(DomainError):
    """A route for Microsoft Azure (MS-AZR-0145P) subscriptions only, asked about an Azure plan: the text the
    utilization API answers for a plan (Partner-Center-PowerShell issue #305)."""

    def __init__(self, subscription_id: str) -> None:
        super().__init__(f"Subscription id '{subscription_id}' provided was not found under this customer.")


class LineItemsNotOnInvoice(DomainError):
    def __init__(self, invoice_id: str, provider: str, kind: str) -> None:
        super().__init__(
            f"Invalid request input: invoice {invoice_id} has no {provider} {kind} line items; its invoiceDetails "
            "name the billing providers and line item types it has."
        )


# --- service requests (issue 15) ---------------------------------------------------------------------------------


class ServiceRequestNotFound(DomainError):
    def __init__(self, service_request_id: str) -> None:
        super().__init__(f"Not found: no service request with id {service_request_id[:64]}.")
