"""The one mapping from a model's domain error to Partner Center's status and error code.

Sources: error-codes.md and the operations' documented samples (see the facts sheet); where the real answer has
not been captured the pair is inferred, marked [I].
"""

from __future__ import annotations

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
}


def partner_error(error: e.DomainError) -> PartnerError:
    status, code = WIRE[type(error)]
    return PartnerError(status, code, error.description)
