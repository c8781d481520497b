"""The one mapping from a model's domain error to Partner Center's status and error code.

Sources: error-codes.md and the operations' documented samples (see the facts sheet); where the real answer has
not been captured the pair is inferred, marked [I].
"""

from __future__ import annotations

from typing import Any

from emulator.partner.models import errors as e
from emulator.partner.responses import PartnerError

WIRE: dict[type[e.DomainError], tuple[int, int | str]] = {
    e.InvalidInput: (400, 800002),
    e.BodyTooLarge: (413, 800002),
    e.InvalidProperty: (400, 3000),
    e.AppOnlyRefused: (401, 400),  # [I] error-codes.md's 401 "Access denied"
    e.CustomerNotFound: (404, 60003),  # [I] "Tenant not found" fits a customer (tenant) id
    e.UserNotFound: (404, 60002),
    e.SubscriptionNotFound: (404, 20003),
    e.OrderNotFound: (404, 20000),
    e.ConsentNotFound: (404, 1000),
    e.OfferNotFound: (404, 1000),
    e.InvoiceNotFound: (404, 1000),
    e.PartnerNotFound: (404, 3000),  # get-partner-by-mpn-id.md
    e.ConsentExists: (409, 3000),  # [I]
    e.NotInSandbox: (400, 900127),
    e.UnknownOffer: (400, 800004),
    e.OfferNotPurchasable: (403, 2091),
    e.QuantityOutOfRange: (400, 2002),
    e.AddOnWithoutParent: (400, 800029),
    e.LineItemNumbers: (400, 800071),
    e.BillingCycleNotOffered: (400, 6001),
    e.StaleEtag: (412, 2055),
    e.SubscriptionDeleted: (400, 2011),
    e.BillingCycleChange: (400, 2054),
    e.NotActivated: (400, 800081),
    e.StatusNotChangeable: (400, 800096),
    e.Suspended: (400, 800091),
    e.SeatsNotChangeable: (400, 800095),
    e.NotAutoRenewable: (400, 800093),
    e.UnparsableEnum: (400, 900126),
    e.ProductNotFound: (404, 400013),
    e.SkuNotFound: (404, 400018),
    e.AvailabilityNotFound: (404, 400019),
    e.SegmentNotAllowed: (403, 400030),
    e.ViewNotAllowed: (403, 400036),  # [I] also for a view name Partner Center does not know
    e.NewCommerceOnLegacyOffers: (400, 2100),
    e.AgreementExists: (409, 600061),  # [I] the status: the documented sample shows only the body
    e.AgreementNotAccepted: (403, 13605),
    e.AttestationMissing: (400, 900206),
    e.CartNotFound: (404, 800008),
    e.CartHasErrors: (400, 800009),
    e.CartSubmitted: (400, 800065),
    e.TooManyCarts: (400, 800002),
    e.LicenseNotAvailable: (400, 60012),
    e.PartnerTokenRefused: (400, 900316),
    e.NotReady: (409, 800082),
    e.QuantityNotDecreasable: (400, 800090),  # [I] the status: the documented body is shown without one
    e.CancellationWindowPassed: (400, 900213),
    e.LegacySubscription: (403, 900263),
    e.TransitionNotEligible: (400, 900236),
    e.MigrationNotEligible: (400, 900215),  # [I] 900215-900226 are documented without their cases
    e.MigrationNotFound: (404, 800002),  # [I]  # [I] which of 900236 and 900258-61 fits which case is not documented
    # customer users, directory roles and partner roles (docs/sources/users.md)
    e.RoleNotFound: (404, 1000),  # [I] error-codes.md's 404 "Not found"
    e.RoleMemberExists: (409, 3000),  # [I] as ConsentExists
    e.NotRoleMember: (404, 1000),  # [I]
    # Legacy offers (issue 15): error-codes.md's codes; which case answers which code is inferred [I].
    e.NotAzureSubscription: (400, 800011),
    e.SubscriptionNotActive: (400, 800012),
    e.MpnNotFound: (404, 800015),
    e.OrderNotCancellable: (400, 800061),
    e.OrderCancelledBySubscription: (400, 800063),
    e.CancellationOutsideSandbox: (403, 800019),
    # devices, policies, batch jobs and syndication migrations (issue 15): error-codes.md's generic 404 "Not
    # found" (1000) and a 409 for a conflict; the device pages document no error bodies [I].
    e.DeviceBatchNotFound: (404, 1000),
    e.DeviceBatchExists: (409, 3000),
    e.DeviceNotFound: (404, 1000),
    e.PolicyNotFound: (404, 1000),
    e.PolicyInUse: (409, 3000),
    e.BatchJobNotFound: (404, 1000),
    e.FlightNotFound: (404, 1000),
    e.SyndicationBatchNotFound: (404, 1000),
    e.MosiCustomerNotFound: (404, 1000),
    e.MosiCustomerMigrated: (409, 3000),
    # relationships, profiles, validations and domains (docs/sources/relationships.md)
    e.RelationshipNotFound: (400, 3000),  # Partner-Center-PowerShell#51 shows the code and text; [I] the status
    e.ActiveSubscriptions: (400, 3000),  # [I]
    e.IndirectResellerNotFound: (404, 1000),  # [I]
    e.MarketNotFound: (404, 1000),  # [I]
    e.DomainNotFound: (404, 1000),  # [I]
    # usage and invoice line items (issue 15); the statuses are inferred [I], the codes cited on each error class
    e.NoUsageData: (404, 3000),
    e.SubscriptionWithoutUsage: (404, 3000),  # [I]
    e.LegacyAzureOnly: (404, 20003),  # [I] the code of a subscription not found
    e.LineItemsNotOnInvoice: (400, 800002),  # [I]
    # service requests (issue 15)
    e.ServiceRequestNotFound: (404, 1000),  # [I] as the other "not found" of resources without a documented code
}

# Errors Partner Center answers in its second, extended form (confirm-customer-consent-customer-agreement.md).
EXTENDED_NAMES: dict[type[e.DomainError], str] = {e.AgreementExists: "PartnerConfirmedAgreementAlreadyExists"}


def partner_error(error: e.DomainError) -> PartnerError:
    status, code = WIRE[type(error)]
    name = EXTENDED_NAMES.get(type(error))
    if name is None:
        return PartnerError(status, code, error.description, data=list(error.data))
    body: dict[str, Any] = {
        "code": code,
        "message": error.description,
        "description": error.description,  # [I] the sample elides it
        "errorName": name,
        "isRetryable": False,
        "parameters": {},
        "errorMessageExtended": f"InternalErrorCode={code}",
    }
    return PartnerError(status, code, error.description, body=body)
