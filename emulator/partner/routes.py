"""Every Partner Center operation the emulator answers: method, path, handler, and what the wire carries.

The router serves this table and `/openapi.json` is generated from it and from the typed wire shapes, so the
document lists exactly what is served.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from emulator.partner import (
    audit,
    commerce,
    consents,
    customers,
    invoices,
    mfa_reports,
    offers,
    orders,
    products,
    profiles,
    subscriptions,
    support,
    users,
)
from emulator.partner.schemas import billing as b
from emulator.partner.schemas import commerce as c
from emulator.partner.schemas import reports
from emulator.partner.schemas import requests as rq
from emulator.partner.schemas import resources as w
from emulator.partner.schemas import support as sr
from emulator.state import EmulatorState

Handler = Callable[[EmulatorState, Request], Awaitable[Response]]
Param = dict[str, Any]

# The errors every operation may answer; 403, 409, 412 and 413 are added where they apply.
COMMON_ERRORS = ("400", "401", "404", "429", "500", "503")
REPORT_ERRORS = ("401", "429", "500", "503")


def param(name: str, where: str, schema: dict[str, Any], description: str, *, required: bool = False) -> Param:
    return {
        "name": name,
        "in": where,
        "required": required or where == "path",
        "schema": schema,
        "description": description,
    }


GUID = {"type": "string", "format": "uuid"}
TEXT = {"type": "string"}
CUSTOMER_ID = param("customer_id", "path", GUID, "The customer's tenant id.")
USER_ID = param("user_id", "path", GUID, "The user's object id.")
SUBSCRIPTION_ID = param("subscription_id", "path", TEXT, "The subscription id (a GUID, any case).")
COUNTRY = param("country", "query", {"type": "string", "pattern": "^[A-Za-z]{2}$"}, "Market.", required=True)
PAGING = (
    param("size", "query", {"type": "integer", "minimum": 0}, "Page size (0: the default)."),
    param("offset", "query", {"type": "integer", "minimum": 0}, "Zero-based index of the first item."),
)
PRODUCT_ID = param("product_id", "path", TEXT, "The product id (12 characters, such as CFQ7TTC0LH18).")
SKU_ID = param("sku_id", "path", TEXT, "The SKU id (4 characters, such as 0001).")
AVAILABILITY_ID = param("availability_id", "path", TEXT, "The availability id (12 characters).")
CART_ID = param("cart_id", "path", GUID, "The cart id.")
ORDER_ID = param("order_id", "path", TEXT, "The order id.")
SEGMENT = param(
    "targetSegment",
    "query",
    {"enum": ["commercial", "education", "government", "nonprofit"]},
    "Only this segment (nonprofit is listed only when asked for).",
)
VIEW = param("targetView", "query", TEXT, "The catalogue view, such as OnlineServices or Software.", required=True)
AGREEMENT_TYPE = param(
    "agreementType", "query", {"enum": ["MicrosoftCustomerAgreement", "MicrosoftCloudAgreement", "All"]}, "Which."
)
SR_ID = param("service_request_id", "path", TEXT, "The service request id (15 digits, such as 616122292874576).")
SR_FILTER = param("filter", "query", TEXT, 'URL-encoded {"Field":"Status","Value":"Open","Operator":"equals"}.')
INCIDENT_FILTER = param(
    "filter", "query", TEXT, 'URL-encoded {"Field":"Resolved","Value":"false","Operator":"equals"}, or MessageType.'
)
SEEK = (
    param("seekOperation", "query", {"enum": ["Next", "next"]}, "With MS-ContinuationToken: the next page."),
    param("MS-ContinuationToken", "header", TEXT, "The token from links.next.headers of the previous page."),
)


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    handler: Handler
    operation_id: str
    summary: str
    answer: Any  # the wire shape of a successful answer; None: no body
    status: int = 200
    body: type[rq.Body] | None = None
    app_user_only: bool = False
    params: tuple[Param, ...] = ()
    errors: tuple[str, ...] = COMMON_ERRORS
    extended: tuple[str, ...] = ()  # statuses whose body may be the extended error form (600061)
    # How docs/coverage.md classes it: "stateful" (reads the world's tables, writes change them), "world" (a
    # documented answer built from the world's data, nothing changes) or "not offered" (Partner Center's own
    # error, or 501 naming the operation); `searched` is the documentation URL read for the decision.
    coverage: str = "stateful"
    searched: str = ""


def _op(
    method: str, path: str, handler: Handler, operation_id: str, summary: str, answer: Any, **more: Any
) -> Operation:
    # Every handler runs with its caller known to the audit trail, which names it in the records of the changes.
    return Operation(method, path, audit.as_caller(handler), operation_id, summary, answer, **more)


OPERATIONS: list[Operation] = [
    _op("GET", "/v1/profiles/organization", profiles.organization, "getOrganizationProfile",
        "Get the organization profile", w.OrganizationProfile, app_user_only=True),
    _op("GET", "/v1/profiles/billing", profiles.billing, "getBillingProfile",
        "Get the partner billing profile", w.BillingProfile, app_user_only=True),
    _op("GET", "/v1/profiles/legalbusiness", profiles.legal_business, "getLegalBusinessProfile",
        "Get the legal business profile", w.LegalBusinessProfile,
        params=(param("vettingVersion", "query", {"enum": ["Current", "LastFinalized"]}, "Which."),)),
    _op("GET", "/v1/profiles/support", profiles.support, "getSupportProfile",
        "Get the support profile", w.SupportProfile, app_user_only=True),
    _op("GET", "/v1/profiles/mpn", profiles.mpn, "getMpnProfile",
        "Get the MPN profile, or another partner's by mpnId", w.MpnProfile, app_user_only=True,
        params=(param("mpnId", "query", {"type": "string", "pattern": "^[0-9]+$"}, "MPN id."),), coverage="world"),
    _op("GET", "/v1/customers", customers.list_customers, "listCustomers",
        "List customers (offset or seek paging, prefix filter)", w.Collection[w.Customer],
        params=(*PAGING, *SEEK, param("filter", "query", TEXT,
                'URL-encoded {"Field":"CompanyName"|"Domain","Value":…,"Operator":"starts_with"}.'))),
    _op("POST", "/v1/customers", customers.create_customer, "createCustomer",
        "Create a customer", w.Customer, status=201, body=rq.CustomerCreate),
    _op("GET", "/v1/customers/{customer_id}", customers.get_customer, "getCustomer",
        "Get a customer", w.Customer, params=(CUSTOMER_ID,)),
    _op("DELETE", "/v1/customers/{customer_id}", customers.delete_customer, "deleteCustomer",
        "Delete a customer (integration sandbox only)", None, status=204, params=(CUSTOMER_ID,)),
    _op("HEAD", "/v1/domains/{domain}", customers.domain_in_use, "verifyDomainAvailability",
        "Whether a domain is in use: 200 in use, 404 available (no body)", None, errors=("401", "404", "429"),
        params=(param("domain", "path", TEXT, "The domain, such as contoso.onmicrosoft.com."),)),
    _op("GET", "/v1/customers/{customer_id}/users", users.list_users, "listCustomerUsers",
        "List a customer's users", w.Collection[w.CustomerUser], app_user_only=True,
        params=(CUSTOMER_ID, *PAGING, *SEEK)),
    _op("POST", "/v1/customers/{customer_id}/users", users.create_user, "createCustomerUser",
        "Create a user for a customer", w.CustomerUser, status=201, body=rq.CustomerUserCreate,
        app_user_only=True, params=(CUSTOMER_ID,)),
    _op("GET", "/v1/customers/{customer_id}/users/{user_id}", users.get_user, "getCustomerUser",
        "Get a customer's user", w.CustomerUser, app_user_only=True, params=(CUSTOMER_ID, USER_ID)),
    _op("DELETE", "/v1/customers/{customer_id}/users/{user_id}", users.delete_user, "deleteCustomerUser",
        "Delete a customer's user", None, status=204, app_user_only=True, params=(CUSTOMER_ID, USER_ID)),
    _op("GET", "/v1/customers/{customer_id}/subscriptions", subscriptions.list_subscriptions, "listSubscriptions",
        "List a customer's subscriptions", w.Collection[w.Subscription],
        params=(CUSTOMER_ID, param("order_id", "query", TEXT, "Only the subscriptions of this order."))),
    _op("GET", "/v1/customers/{customer_id}/subscriptions/{subscription_id}", subscriptions.get_subscription,
        "getSubscription", "Get a subscription", w.Subscription, params=(CUSTOMER_ID, SUBSCRIPTION_ID)),
    _op("PATCH", "/v1/customers/{customer_id}/subscriptions/{subscription_id}", subscriptions.update_subscription,
        "updateSubscription", "Update a subscription (quantity, status, autoRenewEnabled, friendlyName)",
        w.Subscription, body=rq.SubscriptionUpdate, errors=(*COMMON_ERRORS, "409", "412"),
        params=(CUSTOMER_ID, SUBSCRIPTION_ID, param("If-Match", "header", TEXT, "The subscription's etag."))),
    _op("GET", "/v1/customers/{customer_id}/orders", orders.list_orders, "listOrders",
        "List a customer's orders", w.Collection[w.Order], params=(CUSTOMER_ID,)),
    _op("POST", "/v1/customers/{customer_id}/orders", orders.create_order, "createOrder",
        "Create an order", w.Order, status=201, body=rq.OrderCreate, errors=(*COMMON_ERRORS, "403"),
        params=(CUSTOMER_ID,)),
    _op("GET", "/v1/customers/{customer_id}/orders/{order_id}", orders.get_order, "getOrder",
        "Get an order", w.Order, params=(CUSTOMER_ID, ORDER_ID)),
    _op("POST", "/v1/customers/{customer_id}/applicationconsents", consents.create_consent,
        "createApplicationConsent", "Grant an application consent in a customer", w.ApplicationConsent,
        status=201, body=rq.ApplicationConsentCreate, errors=(*COMMON_ERRORS, "409"), app_user_only=True,
        params=(CUSTOMER_ID,)),
    _op("DELETE", "/v1/customers/{customer_id}/applicationconsents/{application_id}", consents.delete_consent,
        "deleteApplicationConsent", "Remove an application consent", None, status=204, app_user_only=True,
        params=(CUSTOMER_ID, param("application_id", "path", GUID, "The application id."))),
    _op("GET", "/v1/offers", offers.list_offers, "listOffers", "List the offers of a market",
        w.Collection[b.Offer], params=(COUNTRY, param("offer_category_id", "query", TEXT, "Category."), *PAGING),
        coverage="world"),
    _op("GET", "/v1/offers/{offer_id}", offers.get_offer, "getOffer", "Get an offer", b.Offer,
        params=(param("offer_id", "path", TEXT, "The offer id."), COUNTRY), coverage="world"),
    _op("GET", "/v1/invoices", invoices.list_invoices, "listInvoices", "List invoices",
        w.Collection[b.Invoice], params=PAGING, coverage="world"),
    _op("GET", "/v1/invoices/{invoice_id}", invoices.get_invoice, "getInvoice", "Get an invoice", b.Invoice,
        app_user_only=True,
        params=(param("invoice_id", "path", TEXT, "The invoice id, bare or with its type prefix."),),
        coverage="world"),
    _op("GET", "/v1/nonMfaCompliantPartnerPrincipals", mfa_reports.non_compliant_principals,
        "getNonMfaCompliantPrincipals", "Principals whose app+user calls lacked MFA (from the journal)",
        w.Collection[reports.NonMfaCompliantPrincipal], errors=REPORT_ERRORS, app_user_only=True),
    _op("GET", "/v1/applicationmfaadoptionstatus", mfa_reports.application_adoption, "getApplicationMfaAdoption",
        "App+user calls per application and day, and how many proved MFA", list[reports.ApplicationMfaAdoption],
        errors=REPORT_ERRORS, app_user_only=True),
    _op("GET", "/v1/partnerRequests", mfa_reports.partner_requests, "getApiRequestDetails",
        "API request details: one per app+user call, with mfaCompliant", w.Collection[reports.ApiRequestDetail],
        errors=REPORT_ERRORS, app_user_only=True),
    # --- New Commerce: catalogue (new-commerce-facts.md §1) ---
    _op("GET", "/v1/products", products.list_products, "listProducts", "List the products of a market and view",
        w.Collection[c.CatalogProduct], errors=(*COMMON_ERRORS, "403"), params=(COUNTRY, VIEW, SEGMENT)),
    _op("GET", "/v1/products/{product_id}", products.get_product, "getProduct", "Get a product",
        c.CatalogProduct, params=(PRODUCT_ID, COUNTRY)),
    _op("GET", "/v1/products/{product_id}/skus", products.list_skus, "listSkus", "List a product's SKUs",
        w.Collection[c.CatalogSku], errors=(*COMMON_ERRORS, "403"), params=(PRODUCT_ID, COUNTRY, SEGMENT)),
    _op("GET", "/v1/products/{product_id}/skus/{sku_id}", products.get_sku, "getSku", "Get a SKU",
        c.CatalogSku, params=(PRODUCT_ID, SKU_ID, COUNTRY)),
    _op("GET", "/v1/products/{product_id}/skus/{sku_id}/availabilities", products.list_availabilities,
        "listAvailabilities", "List a SKU's availabilities", w.Collection[c.Availability],
        errors=(*COMMON_ERRORS, "403"), params=(PRODUCT_ID, SKU_ID, COUNTRY, SEGMENT)),
    _op("GET", "/v1/products/{product_id}/skus/{sku_id}/availabilities/{availability_id}",
        products.get_availability, "getAvailability", "Get an availability", c.Availability,
        params=(PRODUCT_ID, SKU_ID, AVAILABILITY_ID, COUNTRY)),
    _op("GET", "/v1/customers/{customer_id}/products", products.list_products, "listCustomerProducts",
        "List the products a customer can buy", w.Collection[c.CatalogProduct], errors=(*COMMON_ERRORS, "403"),
        params=(CUSTOMER_ID, VIEW, SEGMENT)),
    _op("GET", "/v1/customers/{customer_id}/products/{product_id}", products.get_product, "getCustomerProduct",
        "Get a product for a customer", c.CatalogProduct, params=(CUSTOMER_ID, PRODUCT_ID)),
    _op("GET", "/v1/customers/{customer_id}/products/{product_id}/skus", products.list_skus, "listCustomerSkus",
        "List a product's SKUs for a customer", w.Collection[c.CatalogSku], errors=(*COMMON_ERRORS, "403"),
        params=(CUSTOMER_ID, PRODUCT_ID, SEGMENT)),
    _op("GET", "/v1/customers/{customer_id}/products/{product_id}/skus/{sku_id}", products.get_sku,
        "getCustomerSku", "Get a SKU for a customer", c.CatalogSku, params=(CUSTOMER_ID, PRODUCT_ID, SKU_ID)),
    _op("GET", "/v1/customers/{customer_id}/products/{product_id}/skus/{sku_id}/availabilities",
        products.list_availabilities, "listCustomerAvailabilities", "List a SKU's availabilities for a customer",
        w.Collection[c.Availability], errors=(*COMMON_ERRORS, "403"),
        params=(CUSTOMER_ID, PRODUCT_ID, SKU_ID, SEGMENT)),
    _op("GET", "/v1/customers/{customer_id}/products/{product_id}/skus/{sku_id}/availabilities/{availability_id}",
        products.get_availability, "getCustomerAvailability", "Get an availability for a customer",
        c.Availability, params=(CUSTOMER_ID, PRODUCT_ID, SKU_ID, AVAILABILITY_ID)),
    # --- agreements (§4) ---
    _op("GET", "/v1/agreements", commerce.list_agreement_templates, "listAgreementMetadata",
        "Agreement templates (Microsoft Customer Agreement, Microsoft Cloud Agreement)",
        w.Collection[c.AgreementMetadata], params=(AGREEMENT_TYPE,)),
    _op("GET", "/v1/customers/{customer_id}/agreements", commerce.list_agreements, "listCustomerAgreements",
        "The partner's confirmations of a customer's agreements", w.Collection[c.Agreement],
        params=(CUSTOMER_ID, AGREEMENT_TYPE)),
    _op("POST", "/v1/customers/{customer_id}/agreements", commerce.confirm_agreement, "confirmCustomerAgreement",
        "Confirm that the customer accepted the Microsoft Customer Agreement", c.Agreement, status=201,
        body=rq.AgreementCreate, app_user_only=True, errors=(*COMMON_ERRORS, "409"), extended=("409",),
        params=(CUSTOMER_ID,)),
    _op("GET", "/v1/customers/{customer_id}/directSignedMicrosoftCustomerAgreementStatus",
        commerce.direct_signed_status, "getDirectSignedAgreementStatus",
        "Whether the customer signed the MCA itself", c.DirectSignedStatus, params=(CUSTOMER_ID,)),
    # --- carts and checkout (§2) ---
    _op("POST", "/v1/customers/{customer_id}/carts", commerce.create_cart, "createCart", "Create a cart",
        c.Cart, status=201, body=rq.CartCreate, params=(CUSTOMER_ID,)),
    _op("GET", "/v1/customers/{customer_id}/carts/{cart_id}", commerce.get_cart, "getCart", "Get a cart",
        c.Cart, params=(CUSTOMER_ID, CART_ID)),
    _op("PUT", "/v1/customers/{customer_id}/carts/{cart_id}", commerce.update_cart, "updateCart",
        "Replace a cart's line items", c.Cart, status=201, body=rq.CartCreate, params=(CUSTOMER_ID, CART_ID)),
    _op("POST", "/v1/customers/{customer_id}/carts/{cart_id}/checkout", commerce.checkout, "checkoutCart",
        "Check out a cart: orders, and pending subscriptions", c.CheckoutResult, status=201,
        errors=(*COMMON_ERRORS, "403"), params=(CUSTOMER_ID, CART_ID)),
    _op("GET", "/v1/customers/{customer_id}/orders/{order_id}/provisioningstatus", commerce.order_provisioning,
        "getOrderProvisioningStatus", "An order's line items as provisioned",
        w.Collection[c.OrderLineItemProvisioning], params=(CUSTOMER_ID, ORDER_ID)),
    _op("GET", "/v1/customers/{customer_id}/subscriptions/{subscription_id}/provisioningstatus",
        commerce.subscription_provisioning, "getSubscriptionProvisioningStatus", "A subscription's provisioning",
        c.SubscriptionProvisioning, params=(CUSTOMER_ID, SUBSCRIPTION_ID)),
    # --- transitions and migrations (§3) ---
    _op("GET", "/v1/customers/{customer_id}/subscriptions/{subscription_id}/transitionEligibilities",
        commerce.transition_eligibilities, "getTransitionEligibilities",
        "The New Commerce targets a subscription may transition (upgrade) to", w.Collection[c.TransitionEligibility],
        errors=(*COMMON_ERRORS, "403"), params=(CUSTOMER_ID, SUBSCRIPTION_ID, param(
            "eligibilityType", "query", {"enum": ["immediate", "scheduled"]}, "When (default immediate)."))),
    _op("POST", "/v1/customers/{customer_id}/subscriptions/{subscription_id}/transitions",
        commerce.create_transition, "createTransition", "Transition seats to an upgrade target", c.Transition,
        body=rq.TransitionCreate, errors=(*COMMON_ERRORS, "403"), params=(CUSTOMER_ID, SUBSCRIPTION_ID)),
    _op("GET", "/v1/customers/{customer_id}/subscriptions/{subscription_id}/transitions",
        commerce.list_transitions, "listTransitions", "A subscription's transitions", w.Collection[c.Transition],
        errors=(*COMMON_ERRORS, "403"),
        params=(CUSTOMER_ID, SUBSCRIPTION_ID, param("operationId", "query", TEXT, "Only this transition."))),
    _op("POST", "/v1/customers/{customer_id}/migrations/newcommerce/validate", commerce.validate_migration,
        "validateMigration", "Whether a legacy subscription can migrate to New Commerce", c.MigrationValidation,
        body=rq.MigrationIn, params=(CUSTOMER_ID,)),
    _op("POST", "/v1/customers/{customer_id}/migrations/newcommerce", commerce.create_migration,
        "createMigration", "Migrate a legacy subscription to New Commerce", c.Migration, status=201,
        body=rq.MigrationIn, params=(CUSTOMER_ID,)),
    _op("GET", "/v1/customers/{customer_id}/migrations/newcommerce/events", commerce.migration_events,
        "listMigrationEvents", "A customer's migration events", list[c.MigrationEvent],
        params=(CUSTOMER_ID, param("current_subscription_id", "query", TEXT, "Only this legacy subscription."))),
    _op("GET", "/v1/customers/{customer_id}/migrations/newcommerce/{migration_id}", commerce.get_migration,
        "getMigration", "A migration", c.Migration,
        params=(CUSTOMER_ID, param("migration_id", "path", GUID, "The migration id."))),
    # --- licenses (§5) ---
    _op("GET", "/v1/customers/{customer_id}/subscribedskus", commerce.subscribed_skus, "listSubscribedSkus",
        "The customer's license SKUs and their units", w.Collection[c.SubscribedSku],
        params=(CUSTOMER_ID, param("licenseGroupIds", "query", TEXT, "Group1 (Entra) or Group2; repeatable."))),
    _op("GET", "/v1/customers/{customer_id}/users/{user_id}/licenses", commerce.user_licenses, "listUserLicenses",
        "The licenses assigned to a user", w.Collection[c.License], params=(CUSTOMER_ID, USER_ID)),
    _op("POST", "/v1/customers/{customer_id}/users/{user_id}/licenseupdates", commerce.update_licenses,
        "updateUserLicenses", "Assign and remove a user's licenses", c.LicenseUpdateResult, status=201,
        body=rq.LicenseUpdate, app_user_only=True, params=(CUSTOMER_ID, USER_ID)),
    # --- relationships (§6) ---
    _op("GET", "/v1/customers/relationshiprequests", commerce.relationship_request, "getRelationshipRequest",
        "The link a customer follows to accept the reseller relationship", c.RelationshipRequest, coverage="world"),
    # --- users, directory roles and partner roles (issue 15) ---
    # (end of users)
    # --- service requests, service incidents and audit records (issue 15) ---
    _op("GET", "/v1/servicerequests", support.list_requests, "listServiceRequests",
        "The partner's own service requests (size/offset, filter on Status)", w.Collection[sr.ServiceRequest],
        app_user_only=True, params=(*PAGING, SR_FILTER)),
    _op("GET", "/v1/servicerequests/supporttopics", support.support_topics, "listSupportTopics",
        "The support topics a service request may name", w.Collection[sr.SupportTopic], app_user_only=True,
        coverage="world"),
    _op("POST", "/v1/servicerequests/{service_request_id}", support.create_request, "createServiceRequest",
        "File a service request (the path's segment is the agent locale, such as en-US)", sr.ServiceRequest,
        status=201, body=sr.ServiceRequestCreate, app_user_only=True, params=(param(
            "service_request_id", "path", TEXT, "For POST: the agent locale, such as en-US."),)),
    _op("GET", "/v1/servicerequests/{service_request_id}", support.get_request, "getServiceRequest",
        "Get one of the partner's service requests", sr.ServiceRequest, app_user_only=True, params=(SR_ID,)),
    _op("PATCH", "/v1/servicerequests/{service_request_id}", support.update_request, "updateServiceRequest",
        "Update a service request: status, severity, title, description, a new note", sr.ServiceRequest,
        body=sr.ServiceRequestUpdate, app_user_only=True, params=(SR_ID,)),
    _op("GET", "/v1/customers/{customer_id}/servicerequests", support.list_customer_requests,
        "listCustomerServiceRequests", "A customer's service requests (size/offset, filter on Status)",
        w.Collection[sr.ServiceRequest], app_user_only=True, params=(CUSTOMER_ID, *PAGING, SR_FILTER)),
    _op("GET", "/v1/customers/{customer_id}/servicerequests/{service_request_id}", support.get_customer_request,
        "getCustomerServiceRequest", "Get a customer's service request", sr.ServiceRequest, app_user_only=True,
        params=(CUSTOMER_ID, SR_ID)),
    _op("PATCH", "/v1/customers/{customer_id}/servicerequests/{service_request_id}", support.update_customer_request,
        "updateCustomerServiceRequest", "Update a customer's service request", sr.ServiceRequest,
        body=sr.ServiceRequestUpdate, app_user_only=True, params=(CUSTOMER_ID, SR_ID)),
    _op("GET", "/v1/serviceincidents/office", support.office_incidents, "listOfficeServiceIncidents",
        "Office service health: incidents and message-center messages by workload", w.Collection[sr.ServiceIncidents],
        params=(INCIDENT_FILTER,), coverage="world"),
    _op("GET", "/v1/serviceincidents/office/count", support.office_incident_count, "countOfficeServiceIncidents",
        "Office service incidents one by one; totalCount counts them", w.Collection[sr.ServiceIncidentDetail],
        params=(INCIDENT_FILTER,), coverage="world"),
    _op("GET", "/v1/customers/{customer_id}/serviceincidents/office", support.customer_office_incidents,
        "listCustomerOfficeServiceIncidents", "The Office service incidents that affect a customer",
        w.Collection[sr.ServiceIncidents], params=(CUSTOMER_ID, INCIDENT_FILTER), coverage="world"),
    _op("GET", "/v1/auditrecords", audit.list_audit_records, "listAuditRecords",
        "Records of the partner's activity (every change), newest first, kept 90 days", w.Collection[sr.AuditRecord],
        params=(
            param("startDate", "query", TEXT, "yyyy-mm-dd; default 30 days ago; at most 90 days ago."),
            param("endDate", "query", TEXT, "yyyy-mm-dd (the whole day); default: 30 days after the start or now."),
            param("size", "query", {"type": "integer", "minimum": 0}, "Page size (at most 500, the default)."),
            param("filter", "query", TEXT, 'URL-encoded {"Field":"CompanyName","Value":…,"Operator":"substring"}, '
                  "or CustomerId or ResourceType with equals."),
            *SEEK)),
    # (end of service requests)
    # --- relationships, profiles, validations and domains (issue 15) ---
    # (end of relationships)
    # --- usage, analytics, rate cards and invoice line items (issue 15) ---
    # (end of usage)
    # --- legacy offers, add-ons, conversions, upgrades and subscription support (issue 15) ---
    # (end of legacy offers)
    # --- devices, policies, batch jobs and syndication migrations (issue 15) ---
    # (end of devices)
]  # fmt: skip
