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
    devices,
    invoices,
    legacy,
    lineitems,
    mfa_reports,
    offers,
    orders,
    preferences,
    products,
    profiles,
    relations,
    roles,
    subscriptions,
    support,
    syndication,
    usage,
    users,
)
from emulator.partner.schemas import billing as b
from emulator.partner.schemas import commerce as c
from emulator.partner.schemas import devices as dv
from emulator.partner.schemas import legacy as lg
from emulator.partner.schemas import lineitems as li
from emulator.partner.schemas import relations as rel
from emulator.partner.schemas import reports
from emulator.partner.schemas import requests as rq
from emulator.partner.schemas import resources as w
from emulator.partner.schemas import support as sr
from emulator.partner.schemas import usage as ug
from emulator.partner.schemas import users as us
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
OFFER_ID = param("offer_id", "path", TEXT, "The offer id.")
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
# customer users, directory roles and partner roles (issue 15)
USER_ID_QUERY = param("user_id", "query", GUID, "The user's object id.", required=True)
ROLE_ID = param("role_id", "path", GUID, "The role's id (an Entra role template id for directory roles).")
MEMBER_ID = param("member_id", "path", GUID, "The member's user object id.")
ROLE_ID_QUERY = param("role_id", "query", GUID, "The role's id.")
MEMBER_ID_QUERY = param("member_id", "query", GUID, "The member's user object id.", required=True)
ROLE_ID_REQUIRED = param("role_id", "query", GUID, "The role's id.", required=True)
# Devices, policies, batch jobs and syndication migrations (issue 15).
POLICY_ID = param("policy_id", "path", GUID, "The configuration policy id.")
BATCH_ID = param("deviceBatch_id", "path", TEXT, "The device batch id (the name given at upload).")
DEVICE_ID = param("device_id", "path", GUID, "The device id.")
PARTNER_USER_ID = param("user_id", "path", GUID, "A partner user's object id.")
AREA = param("notificationArea", "path", {"enum": ["ratedUsage", "serviceHealth"]}, "The notification area.")
CHANNEL = param("channelType", "path", {"enum": ["none", "email", "web"]}, "The channel (none: every channel).")
SYNDICATION_BATCH = param("migrationBatchId", "path", GUID, "The migration batch id.")
# relationships, profiles, validations and domains (issue 15)
PARTNER_ID = param("partner_id", "path", GUID, "The partner's (indirect reseller's) tenant id.")
RELATIONSHIP_TYPE = param(
    "relationship_type", "query", TEXT, "IsIndirectCloudSolutionProviderOf or IsIndirectResellerOf.", required=True
)
RELATIONSHIP_FILTER = param(
    "filter", "query", TEXT, 'URL-encoded {"Field":"Name","Value":…,"Operator":"starts_with"|"substring"}.'
)
DOMAIN_PARAM = param("domain", "path", TEXT, "The domain, such as contoso.onmicrosoft.com.")
IF_MATCH = param("If-Match", "header", TEXT, "The profile's etag (or attributes.etag in the body).")
SR_ID = param("service_request_id", "path", TEXT, "The service request id (15 digits, such as 616122292874576).")
SR_FILTER = param("filter", "query", TEXT, 'URL-encoded {"Field":"Status","Value":"Open","Operator":"equals"}.')
INCIDENT_FILTER = param(
    "filter", "query", TEXT, 'URL-encoded {"Field":"Resolved","Value":"false","Operator":"equals"}, or MessageType.'
)
SEEK = (
    param("seekOperation", "query", {"enum": ["Next", "next"]}, "With MS-ContinuationToken: the next page."),
    param("MS-ContinuationToken", "header", TEXT, "The token from links.next.headers of the previous page."),
)


# Invoice line items (issue 15): one collection type per provider and line item type; the query that names them.
LINE_ITEMS = (
    w.Collection[li.LicenseBasedLineItem],
    w.Collection[li.UsageBasedLineItem],
    w.Collection[li.DailyUsageLineItem],
    w.Collection[li.OneTimeInvoiceLineItem],
    w.Collection[li.DailyRatedUsageLineItem],
)
LINE_ITEM_QUERY = (
    param("provider", "query", TEXT, "office, azure or onetime (any case).", required=True),
    param("invoicelineitemtype", "query", TEXT, "billinglineitems or usagelineitems (any case).", required=True),
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
    # The JSON schema of a body that is not an object (PUT /v1/preferences/catalog/offers takes an array).
    raw_body: dict[str, Any] | None = None


def _op(
    method: str, path: str, handler: Handler, operation_id: str, summary: str, answer: Any, **more: Any
) -> Operation:
    return Operation(method, path, handler, operation_id, summary, answer, **more)


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
    _op("PATCH", "/v1/customers/{customer_id}/users/{user_id}", users.update_user, "updateCustomerUser",
        "Update a customer's user: its fields, a new password, or state active to restore a deleted user",
        w.CustomerUser, body=us.CustomerUserUpdate, app_user_only=True, params=(CUSTOMER_ID, USER_ID)),
    _op("PATCH", "/v1/customers/{customer_id}/users", users.update_user_by_query, "updateCustomerUserByQuery",
        "Update a customer's user named by ?user_id= (the SDK's form of updateCustomerUser)", w.CustomerUser,
        body=us.CustomerUserUpdate, app_user_only=True, params=(CUSTOMER_ID, USER_ID_QUERY)),
    _op("DELETE", "/v1/customers/{customer_id}/users", users.delete_user_by_query, "deleteCustomerUserByQuery",
        "Delete a customer's user named by ?user_id= (the SDK's form of deleteCustomerUser)", None, status=204,
        app_user_only=True, params=(CUSTOMER_ID, USER_ID_QUERY)),
    _op("GET", "/v1/customers/{customer_id}/users/{user_id}/directoryroles", users.user_directory_roles,
        "listUserDirectoryRoles", "The directory roles a customer's user holds", w.Collection[us.DirectoryRole],
        app_user_only=True, params=(CUSTOMER_ID, USER_ID)),
    _op("GET", "/v1/customers/{customer_id}/directoryroles", roles.list_directory_roles, "listDirectoryRoles",
        "The directory roles a customer's users can hold (?role_id=: only that one)", w.Collection[us.DirectoryRole],
        app_user_only=True, params=(CUSTOMER_ID, ROLE_ID_QUERY), coverage="world"),
    _op("POST", "/v1/customers/{customer_id}/directoryroles", roles.add_directory_role_member,
        "addDirectoryRoleMemberByQuery", "Add a user to the directory role ?role_id= (the SDK's form)",
        us.UserMember, status=201, body=us.UserMemberIn, app_user_only=True, errors=(*COMMON_ERRORS, "409"),
        params=(CUSTOMER_ID, ROLE_ID_QUERY)),
    _op("DELETE", "/v1/customers/{customer_id}/directoryroles", roles.remove_directory_role_member,
        "removeDirectoryRoleMemberByQuery", "Remove ?member_id= from the directory role ?role_id= (the SDK's form)",
        None, status=204, app_user_only=True, params=(CUSTOMER_ID, ROLE_ID_REQUIRED, MEMBER_ID_QUERY)),
    _op("GET", "/v1/customers/{customer_id}/directoryroles/{role_id}/usermembers", roles.list_directory_role_members,
        "listDirectoryRoleMembers", "The customer's users who hold a directory role", w.Collection[us.UserMember],
        app_user_only=True, params=(CUSTOMER_ID, ROLE_ID, *PAGING[:1], *SEEK)),
    _op("POST", "/v1/customers/{customer_id}/directoryroles/{role_id}/usermembers", roles.add_directory_role_member,
        "addDirectoryRoleMember", "Add a customer's user to a directory role", us.UserMember, status=201,
        body=us.UserMemberIn, app_user_only=True, errors=(*COMMON_ERRORS, "409"), params=(CUSTOMER_ID, ROLE_ID)),
    _op("DELETE", "/v1/customers/{customer_id}/directoryroles/{role_id}/usermembers/{member_id}",
        roles.remove_directory_role_member, "removeDirectoryRoleMember",
        "Remove a customer's user from a directory role", None, status=204, app_user_only=True,
        params=(CUSTOMER_ID, ROLE_ID, MEMBER_ID)),
    _op("GET", "/v1/roles", roles.list_partner_roles, "listPartnerRoles",
        "The partner's roles (?role_id=: only that one)", w.Collection[us.Role], app_user_only=True,
        params=(ROLE_ID_QUERY,), coverage="world"),
    _op("POST", "/v1/roles", roles.add_partner_role_member, "addPartnerRoleMemberByQuery",
        "Add a partner user to the partner role ?role_id= (the SDK's form)", us.UserMember, status=201,
        body=us.UserMemberIn, app_user_only=True, errors=(*COMMON_ERRORS, "409"), params=(ROLE_ID_QUERY,)),
    _op("DELETE", "/v1/roles", roles.remove_partner_role_member, "removePartnerRoleMemberByQuery",
        "Remove ?member_id= from the partner role ?role_id= (the SDK's form)", None, status=204, app_user_only=True,
        params=(ROLE_ID_REQUIRED, MEMBER_ID_QUERY)),
    _op("GET", "/v1/roles/{role_id}/usermembers", roles.list_partner_role_members, "listPartnerRoleMembers",
        "The partner's users who hold a partner role", w.Collection[us.UserMember], app_user_only=True,
        params=(ROLE_ID, *PAGING[:1], *SEEK)),
    _op("POST", "/v1/roles/{role_id}/usermembers", roles.add_partner_role_member, "addPartnerRoleMember",
        "Add a partner user to a partner role", us.UserMember, status=201, body=us.UserMemberIn,
        app_user_only=True, errors=(*COMMON_ERRORS, "409"), params=(ROLE_ID,)),
    _op("DELETE", "/v1/roles/{role_id}/usermembers/{member_id}", roles.remove_partner_role_member,
        "removePartnerRoleMember", "Remove a partner user from a partner role", None, status=204,
        app_user_only=True, params=(ROLE_ID, MEMBER_ID)),
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
    _op("GET", "/v1/relationships", relations.list_partner_relationships, "listPartnerRelationships",
        "The partner's indirect resellers (or indirect providers)", w.Collection[rel.PartnerRelationship],
        app_user_only=True, params=(RELATIONSHIP_TYPE, RELATIONSHIP_FILTER)),
    _op("GET", "/v1/relationships/{partner_id}/customer", relations.partner_relationship, "getPartnerRelationship",
        "The partner's relationship with one partner, as a collection [I]", w.Collection[rel.PartnerRelationship],
        app_user_only=True, params=(PARTNER_ID, param("relationship_type", "query", TEXT, "As /v1/relationships."),
                                    RELATIONSHIP_FILTER)),
    _op("PATCH", "/v1/relationships/{partner_id}/customer/{customer_id}", relations.associate_customer,
        "associateCustomerWithIndirectReseller", "Serve a customer through an indirect reseller [I]", None,
        status=204, app_user_only=True, params=(PARTNER_ID, CUSTOMER_ID)),
    _op("GET", "/v1/customers/{customer_id}/relationships", relations.customer_relationships,
        "listCustomerRelationships", "The indirect resellers a customer is served through",
        w.Collection[rel.PartnerRelationship], app_user_only=True, params=(CUSTOMER_ID,)),
    _op("PATCH", "/v1/customers/{customer_id}", relations.patch_customer, "removeResellerRelationship",
        "Remove the reseller relationship (relationshipToPartner none)", rel.RemovedRelationship,
        body=rel.CustomerPatch, app_user_only=True, params=(CUSTOMER_ID,)),
    _op("DELETE", "/v1/customers/{customer_id}/CustomerPartnerRelationships/reseller",
        relations.delete_reseller_relationship, "deleteResellerRelationship",
        "Remove the reseller relationship [I]", None, status=204, app_user_only=True, params=(CUSTOMER_ID,)),
    _op("DELETE", "/v1/customers/{customer_id}/relationships/partner", relations.delete_partner_relationship,
        "deletePartnerRelationship", "Remove the partner's relationship with a customer [I]", None, status=204,
        app_user_only=True, params=(CUSTOMER_ID,)),
    _op("GET", "/v1/customers/{customer_id}/profiles/billing", relations.customer_billing,
        "getCustomerBillingProfile", "Get a customer's billing profile", w.CustomerBillingProfile,
        params=(CUSTOMER_ID,)),
    _op("PUT", "/v1/customers/{customer_id}/profiles/billing", relations.update_customer_billing,
        "updateCustomerBillingProfile", "Replace a customer's billing profile (If-Match required)",
        w.CustomerBillingProfile, body=rel.CustomerBillingUpdate, errors=(*COMMON_ERRORS, "412"),
        params=(CUSTOMER_ID, param("If-Match", "header", TEXT, "The billing profile's etag."))),
    _op("GET", "/v1/customers/{customer_id}/profiles/company", relations.customer_company,
        "getCustomerCompanyProfile", "Get a customer's company profile", w.CustomerCompanyProfile,
        app_user_only=True, params=(CUSTOMER_ID,)),
    _op("POST", "/v1/customers/{customer_id}/verifieddomain", relations.add_verified_domain, "addVerifiedDomain",
        "Add a verified domain to a customer", rel.Domain, status=201, body=rel.VerifiedDomainBody,
        params=(CUSTOMER_ID,)),
    _op("HEAD", "/v1/customers/{customer_id}/verifieddomain", relations.has_verified_domain,
        "hasVerifiedDomain", "Whether a domain is one of a customer's verified domains: 200 yes, 404 no [I]", None,
        errors=("400", "401", "404", "429"),
        params=(CUSTOMER_ID, param("domain", "query", TEXT, "The domain.", required=True))),
    _op("POST", "/v1/domains/{domain}", relations.add_domain, "addDomainToCustomer",
        "Add a verified domain to the customer of ?customer_id= [I]", rel.Domain, status=201,
        body=rel.VerifiedDomainBody, params=(DOMAIN_PARAM, param("customer_id", "query", GUID, "The customer.",
                                                                 required=True))),
    _op("GET", "/v1/validations/checkdomainavailability/{domain_prefix}", relations.domain_prefix_available,
        "checkDomainAvailability", "Whether {prefix}.onmicrosoft.com is free: true or false [I]", bool,
        params=(param("domain_prefix", "path", TEXT, "The prefix, such as contoso."),)),
    _op("GET", "/v1/countryvalidationrules/{country}", relations.country_rules, "getCountryValidationRules",
        "A market's address formatting rules", rel.CountryValidationRules,
        params=(param("country", "path", TEXT, "Two-letter ISO country code."),), coverage="world"),
    _op("POST", "/v1/validations/address", relations.validate_address, "validateAddress",
        "Validate an address: status and suggested addresses", rel.AddressValidationResponse,
        body=rel.AddressToValidate, coverage="world"),
    _op("PUT", "/v1/profiles/organization", profiles.update_organization, "updateOrganizationProfile",
        "Replace the organization profile", w.OrganizationProfile, body=rel.OrganizationProfileUpdate,
        app_user_only=True, errors=(*COMMON_ERRORS, "412"), params=(IF_MATCH,)),
    _op("PUT", "/v1/profiles/billing", profiles.update_billing, "updateBillingProfile",
        "Replace the partner billing profile", w.BillingProfile, body=rel.PartnerBillingUpdate,
        app_user_only=True, errors=(*COMMON_ERRORS, "412"), params=(IF_MATCH,)),
    _op("PUT", "/v1/profiles/legalbusiness", profiles.update_legal_business, "updateLegalBusinessProfile",
        "Replace the legal business profile", w.LegalBusinessProfile, body=rel.LegalBusinessUpdate,
        app_user_only=True),
    _op("PUT", "/v1/profiles/support", profiles.update_support, "updateSupportProfile",
        "Replace the support profile", w.SupportProfile, body=rel.SupportProfileUpdate, app_user_only=True),
    _op("GET", "/v1/profiles/partnernetworkprofile", profiles.partner_network, "getPartnerNetworkProfile",
        "The partner network (MPN) profile, or another partner's by mpnId", w.MpnProfile, app_user_only=True,
        params=(param("mpnId", "query", {"type": "string", "pattern": "^[0-9]+$"}, "MPN id."),), coverage="world"),
    # (end of relationships)
    # --- usage, analytics, rate cards and invoice line items (issue 15) ---
    _op("GET", "/v1/usagesummary", usage.partner_usage_summary, "getPartnerUsageSummary",
        "The partner's Microsoft Azure (MS-AZR-0145P) usage this month and its customers' budgets",
        ug.PartnerUsageSummary, app_user_only=True, errors=REPORT_ERRORS),
    _op("GET", "/v1/customers/usagerecords", usage.customers_usage_records, "listCustomerUsageRecords",
        "Every usage customer's estimated cost this month, against its budget",
        w.Collection[ug.CustomerMonthlyUsageRecord], app_user_only=True, errors=REPORT_ERRORS),
    _op("GET", "/v1/customers/{customer_id}/usagesummary", usage.customer_usage_summary, "getCustomerUsageSummary",
        "A customer's Azure usage this billing period (3000 without usage-based subscriptions)",
        ug.CustomerUsageSummary, app_user_only=True, params=(CUSTOMER_ID,)),
    _op("GET", "/v1/customers/{customer_id}/usagebudget", usage.get_usage_budget, "getCustomerUsageBudget",
        "A customer's Azure spending budget", ug.SpendingBudget, params=(CUSTOMER_ID,)),
    _op("PATCH", "/v1/customers/{customer_id}/usagebudget", usage.update_usage_budget, "updateCustomerUsageBudget",
        "Set a customer's Azure spending budget (a null amount removes it)", ug.SpendingBudget,
        body=rq.SpendingBudgetIn, params=(CUSTOMER_ID,)),
    _op("GET", "/v1/customers/{customer_id}/subscriptions/usagerecords", usage.subscriptions_usage_records,
        "listSubscriptionUsageRecords", "A customer's Azure subscriptions and Azure plans with their cost this month",
        w.Collection[ug.SubscriptionMonthlyUsageRecord], app_user_only=True, params=(CUSTOMER_ID,),
        coverage="world"),
    _op("GET", "/v1/customers/{customer_id}/subscriptions/{subscription_id}/usagesummary",
        usage.subscription_usage_summary, "getSubscriptionUsageSummary",
        "An Azure subscription's or Azure plan's usage this billing period", ug.SubscriptionUsageSummary,
        app_user_only=True, params=(CUSTOMER_ID, SUBSCRIPTION_ID), coverage="world"),
    _op("GET", "/v1/customers/{customer_id}/subscriptions/{subscription_id}/usagerecords/daily",
        usage.subscription_daily_records, "listSubscriptionDailyUsageRecords",
        "An Azure subscription's cost day by day this billing period (obsolete in Partner Center)",
        w.Collection[ug.SubscriptionDailyUsageRecord], app_user_only=True, params=(CUSTOMER_ID, SUBSCRIPTION_ID),
        coverage="world"),
    _op("GET", "/v1/customers/{customer_id}/subscriptions/{subscription_id}/usagerecords/resources",
        usage.subscription_resource_records, "listSubscriptionResourceUsageRecords",
        "A Microsoft Azure (MS-AZR-0145P) subscription's usage by resource this month",
        w.Collection[ug.AzureResourceMonthlyUsageRecord], params=(CUSTOMER_ID, SUBSCRIPTION_ID), coverage="world"),
    _op("GET", "/v1/customers/{customer_id}/subscriptions/{subscription_id}/utilizations/azure",
        usage.azure_utilization, "listAzureUtilizationRecords",
        "A Microsoft Azure (MS-AZR-0145P) subscription's unrated usage by day or hour",
        w.Collection[ug.AzureUtilizationRecord], coverage="world", params=(
            CUSTOMER_ID, SUBSCRIPTION_ID,
            param("start_time", "query", {"type": "string"}, "Start, ISO 8601 (UTC without an offset).",
                  required=True),
            param("end_time", "query", {"type": "string"}, "End (exclusive), ISO 8601.", required=True),
            param("granularity", "query", {"enum": ["daily", "hourly", "Daily", "Hourly"]}, "Default daily."),
            param("show_details", "query", {"enum": ["true", "false", "True", "False"]}, "Instance data (default on)."),
            param("size", "query", {"type": "integer", "minimum": 1, "maximum": 1000}, "Page size (default 1000)."),
            param("seek_operation", "query", {"enum": ["next", "Next"]}, "With MS-ContinuationToken: the next page."),
            SEEK[1])),
    _op("GET", "/v1/ratecards/azure", usage.azure_rate_card, "getAzureRateCard",
        "Azure meters and their prices in a currency", ug.AzureRateCard, coverage="world", params=(
            param("currency", "query", {"type": "string"}, "Three-letter ISO code (default USD)."),
            param("region", "query", {"type": "string"}, "Two-letter market (default US)."),
            param("X-Locale", "header", TEXT, "With neither currency nor region: decides both."))),
    _op("GET", "/v1/ratecards/azure-shared", usage.azure_shared_rate_card, "getAzureSharedRateCard",
        "Azure Partner Shared Services prices", ug.AzureRateCard, coverage="world", params=(
            param("currency", "query", {"type": "string"}, "Three-letter ISO code (default: the partner's market's)."),
            param("region", "query", {"type": "string"}, "Two-letter market (default: the partner's country)."))),
    _op("GET", "/v1/analytics/licenses/deployment", usage.partner_licenses_deployment,
        "getPartnerLicensesDeployment", "Seats sold and assigned per service, all customers",
        w.Collection[ug.PartnerLicensesDeploymentInsights], app_user_only=True, errors=REPORT_ERRORS),
    _op("GET", "/v1/analytics/licenses/usage", usage.partner_licenses_usage, "getPartnerLicensesUsage",
        "Share of seats in active use per workload, all customers", w.Collection[ug.PartnerLicensesUsageInsights],
        app_user_only=True, errors=REPORT_ERRORS),
    _op("GET", "/v1/customers/{customer_id}/analytics/licenses/deployment", usage.customer_licenses_deployment,
        "getCustomerLicensesDeployment", "A customer's seats sold and assigned per product",
        w.Collection[ug.CustomerLicensesDeploymentInsights], app_user_only=True, params=(CUSTOMER_ID,)),
    _op("GET", "/v1/customers/{customer_id}/analytics/licenses/usage", usage.customer_licenses_usage,
        "getCustomerLicensesUsage", "A customer's seats in active use per product and workload",
        w.Collection[ug.CustomerLicensesUsageInsights], app_user_only=True, params=(CUSTOMER_ID,)),
    _op("GET", "/v1/invoices/{invoice_id}/lineitems", lineitems.invoice_line_items, "listInvoiceLineItems",
        "An invoice's line items of one billing provider and type (office, azure, onetime)", LINE_ITEMS,
        coverage="world", params=(
            param("invoice_id", "path", TEXT, "The invoice id."), *LINE_ITEM_QUERY,
            param("currencycode", "query", TEXT, "OneTime usage line items: the billing currency (required)."),
            *PAGING, *SEEK)),
    _op("GET", "/v1/invoices/{invoice_id}/lineitems/{provider}/{kind}", lineitems.invoice_line_items,
        "listInvoiceLineItemsByPath", "An invoice's line items, provider and type in the path (the invoices' links)",
        LINE_ITEMS, coverage="world", params=(
            param("invoice_id", "path", TEXT, "The invoice id."),
            param("provider", "path", TEXT, "Office, Azure or OneTime."),
            param("kind", "path", TEXT, "BillingLineItems or UsageLineItems."),
            param("currencycode", "query", TEXT, "OneTime usage line items: the billing currency (required)."),
            *PAGING, *SEEK)),
    _op("GET", "/v1/invoices/unbilled/lineitems", lineitems.unbilled_line_items, "listUnbilledLineItems",
        "New Commerce charges not invoiced yet (current or previous month)",
        (w.Collection[li.OneTimeInvoiceLineItem], w.Collection[li.DailyRatedUsageLineItem]), params=(
            *LINE_ITEM_QUERY,
            param("currencycode", "query", TEXT, "The billing currency, such as USD.", required=True),
            param("period", "query", {"enum": ["current", "previous", "Current", "Previous"]}, "Which month.",
                  required=True),
            param("hasPartnerEarnedCredit", "query", {"enum": ["true", "false"]}, "Only lines with it applied."),
            param("size", "query", {"type": "integer", "minimum": 0}, "Page size (at most 2000)."),
            *SEEK)),
    # (end of usage)
    # --- legacy offers, add-ons, conversions, upgrades and subscription support (issue 15) ---
    _op("GET", "/v1/offercategories", legacy.offer_categories, "listOfferCategories",
        "The offer categories of a market", w.Collection[b.OfferCategory], params=(COUNTRY,), coverage="world"),
    _op("GET", "/v1/offers/{offer_id}/addons", legacy.offer_add_ons, "listOfferAddOns",
        "The add-ons of an offer (the offers it is a prerequisite of)", w.Collection[b.Offer],
        params=(OFFER_ID, COUNTRY), coverage="world"),
    _op("GET", "/v1/customers/{customer_id}/offercategories", legacy.customer_offer_categories,
        "listCustomerOfferCategories", "The categories of the offers a customer can buy",
        w.Collection[b.OfferCategory], params=(CUSTOMER_ID,), coverage="world"),
    _op("GET", "/v1/customers/{customer_id}/offers", legacy.customer_offers, "listCustomerOffers",
        "The offers a customer can buy, in its market", w.Collection[b.Offer],
        params=(CUSTOMER_ID, param("offer_category_id", "query", TEXT, "Category."), *PAGING), coverage="world"),
    _op("GET", "/v1/customers/{customer_id}/offers/{offer_id}/addons", legacy.customer_offer_add_ons,
        "listCustomerOfferAddOns", "The add-ons of an offer a customer can buy", w.Collection[b.Offer],
        params=(CUSTOMER_ID, OFFER_ID), coverage="world"),
    _op("GET", "/v1/preferences/catalog/offers", legacy.preferred_offers, "getPreferredOffers",
        "The partner's preferred offer ids", list[str]),
    _op("PUT", "/v1/preferences/catalog/offers", legacy.set_preferred_offers, "setPreferredOffers",
        "Replace the partner's preferred offer ids (a JSON array)", list[str], errors=(*COMMON_ERRORS, "413"),
        raw_body={"type": "array", "items": {"type": "string", "minLength": 1}, "maxItems": 1000}),
    _op("GET", "/v1/customers/{customer_id}/subscriptions/{subscription_id}/addons", legacy.subscription_add_ons,
        "listSubscriptionAddOns", "A subscription's add-on subscriptions", w.Collection[w.Subscription],
        params=(CUSTOMER_ID, SUBSCRIPTION_ID)),
    _op("GET", "/v1/customers/{customer_id}/subscriptions/{subscription_id}/conversions", legacy.list_conversions,
        "listTrialConversions", "The paid offers an active trial can convert to", w.Collection[lg.Conversion],
        app_user_only=True, params=(CUSTOMER_ID, SUBSCRIPTION_ID)),
    _op("POST", "/v1/customers/{customer_id}/subscriptions/{subscription_id}/conversions", legacy.convert,
        "convertTrial", "Convert a trial to paid (the subscription keeps its id)", lg.ConversionResult,
        body=lg.ConversionIn, app_user_only=True, params=(CUSTOMER_ID, SUBSCRIPTION_ID)),
    _op("GET", "/v1/customers/{customer_id}/subscriptions/{subscription_id}/upgrades", legacy.list_upgrades,
        "listSubscriptionUpgrades", "The offers a legacy subscription can be upgraded to, with its eligibility",
        w.Collection[lg.Upgrade], params=(CUSTOMER_ID, SUBSCRIPTION_ID)),
    _op("POST", "/v1/customers/{customer_id}/subscriptions/{subscription_id}/upgrades", legacy.create_upgrade,
        "upgradeSubscription", "Upgrade a legacy subscription: its seats move to the target offer",
        lg.UpgradeResult, body=lg.UpgradeIn, params=(CUSTOMER_ID, SUBSCRIPTION_ID)),
    _op("GET", "/v1/customers/{customer_id}/subscriptions/{subscription_id}/supportcontact",
        legacy.get_support_contact, "getSupportContact", "A subscription's support contact", lg.SupportContact,
        app_user_only=True, params=(CUSTOMER_ID, SUBSCRIPTION_ID)),
    _op("PUT", "/v1/customers/{customer_id}/subscriptions/{subscription_id}/supportcontact",
        legacy.update_support_contact, "updateSupportContact",
        "Set a subscription's support contact (a partner of the MPN directory)", lg.SupportContact,
        body=lg.SupportContactIn, app_user_only=True, params=(CUSTOMER_ID, SUBSCRIPTION_ID)),
    _op("POST", "/v1/customers/{customer_id}/subscriptions/{subscription_id}/registrations", legacy.register,
        "registerSubscription", "Register an Azure subscription for reservations: 202, Location of its status",
        None, status=202, params=(CUSTOMER_ID, SUBSCRIPTION_ID)),
    _op("GET", "/v1/customers/{customer_id}/subscriptions/{subscription_id}/registrationstatus",
        legacy.registration_status, "getRegistrationStatus", "An Azure subscription's registration status",
        lg.SubscriptionRegistrationStatus, params=(CUSTOMER_ID, SUBSCRIPTION_ID)),
    _op("PATCH", "/v1/customers/{customer_id}/orders/{order_id}", legacy.cancel_order, "cancelOrder",
        "Cancel a software order or some of its line items (status cancelled)", w.Order, body=lg.OrderCancel,
        errors=(*COMMON_ERRORS, "403"), params=(CUSTOMER_ID, ORDER_ID)),
    # (end of legacy offers)
    # --- devices, policies, batch jobs and syndication migrations (issue 15) ---
    # docs/sources/devices.md. Uploads and policy updates answer 202 with a Location header and no body.
    _op("GET", "/v1/customers/{customer_id}/policies", devices.list_policies, "listConfigurationPolicies",
        "A customer's Windows Autopilot configuration policies", w.Collection[dv.ConfigurationPolicy],
        params=(CUSTOMER_ID,)),
    _op("POST", "/v1/customers/{customer_id}/policies", devices.create_policy, "createConfigurationPolicy",
        "Create a configuration policy", dv.ConfigurationPolicy, body=dv.PolicyCreate, params=(CUSTOMER_ID,)),
    _op("GET", "/v1/customers/{customer_id}/policies/{policy_id}", devices.get_policy, "getConfigurationPolicy",
        "Get a configuration policy", dv.ConfigurationPolicy, params=(CUSTOMER_ID, POLICY_ID)),
    _op("PUT", "/v1/customers/{customer_id}/policies/{policy_id}", devices.replace_policy,
        "updateConfigurationPolicy", "Update a configuration policy (name, description, settings)",
        dv.ConfigurationPolicy, body=dv.PolicyReplace, errors=(*COMMON_ERRORS, "409"),
        params=(CUSTOMER_ID, POLICY_ID)),
    _op("DELETE", "/v1/customers/{customer_id}/policies/{policy_id}", devices.delete_policy,
        "deleteConfigurationPolicy", "Delete a configuration policy no device has", None, status=204,
        errors=(*COMMON_ERRORS, "409"), params=(CUSTOMER_ID, POLICY_ID)),
    _op("GET", "/v1/customers/{customer_id}/deviceBatches", devices.list_batches, "listDeviceBatches",
        "A customer's device batches", w.Collection[dv.DeviceBatch], params=(CUSTOMER_ID,)),
    _op("POST", "/v1/customers/{customer_id}/deviceBatches", devices.create_batch, "createDeviceBatch",
        "Upload devices in a new batch: 202, Location: the batch job", None, status=202, app_user_only=True,
        body=dv.DeviceBatchCreate, errors=(*COMMON_ERRORS, "409"), params=(CUSTOMER_ID,)),
    _op("GET", "/v1/customers/{customer_id}/deviceBatches/{deviceBatch_id}/devices", devices.list_devices,
        "listDevices", "A batch's devices, 100 a page (MS-ContinuationToken for the next)",
        w.Collection[dv.Device], params=(CUSTOMER_ID, BATCH_ID, param(
            "MS-ContinuationToken", "header", TEXT, "The continuationToken of the previous page."))),
    # The body is a bare JSON array of devices (not describable by the request-body definitions).
    _op("POST", "/v1/customers/{customer_id}/deviceBatches/{deviceBatch_id}/devices", devices.add_devices,
        "addDevices", "Upload devices to an existing batch: 202, Location: the batch job", None, status=202,
        errors=(*COMMON_ERRORS, "413"), params=(CUSTOMER_ID, BATCH_ID)),
    _op("PUT", "/v1/customers/{customer_id}/deviceBatches/{deviceBatch_id}/devices/{device_id}",
        devices.replace_device, "updateDevice", "Set a device's policies", dv.Device, body=dv.DeviceIn,
        params=(CUSTOMER_ID, BATCH_ID, DEVICE_ID)),
    _op("DELETE", "/v1/customers/{customer_id}/deviceBatches/{deviceBatch_id}/devices/{device_id}",
        devices.delete_device, "deleteDevice", "Delete a device", None, status=204,
        params=(CUSTOMER_ID, BATCH_ID, DEVICE_ID)),
    _op("PATCH", "/v1/customers/{customer_id}/DevicePolicyUpdates", devices.update_device_policies,
        "updateDevicesPolicy", "Assign a policy to devices: 202, Location: the batch job", None, status=202,
        body=dv.DevicePolicyUpdate, params=(CUSTOMER_ID,)),
    _op("GET", "/v1/customers/{customer_id}/batchJobStatus/{batchUploadTracking_id}", devices.job_status,
        "getBatchJobStatus", "The status of an upload or a policy update, device by device",
        dv.BatchUploadDetails, params=(CUSTOMER_ID, param(
            "batchUploadTracking_id", "path", GUID, "The tracking id of the Location header."))),
    _op("GET", "/v1/customers/{customer_id}/managedservices", devices.managed_services, "listManagedServices",
        "The customer's managed services and their admin links", w.Collection[dv.ManagedService],
        app_user_only=True, params=(CUSTOMER_ID,), coverage="world"),
    _op("GET", "/v1/insiderprograms", preferences.get_insider_program, "getInsiderProgram",
        "The insider program the partner can join, and whether it has", dv.InsiderProgram),
    _op("PUT", "/v1/insiderprograms", preferences.update_insider_program, "updateInsiderProgram",
        "Join or leave the insider program", dv.InsiderProgram, body=dv.InsiderProgramIn),
    _op("GET", "/v1/users/{user_id}/preferences/notifications/{notificationArea}/{channelType}",
        preferences.get_notification_preference, "getNotificationPreference",
        "A partner user's notification preference of an area and channel", dv.NotificationPreference,
        params=(PARTNER_USER_ID, AREA, CHANNEL)),
    _op("PUT", "/v1/users/{user_id}/preferences/notifications/{notificationArea}/{channelType}",
        preferences.update_notification_preference, "updateNotificationPreference",
        "Set a partner user's notification preference: the user's areas", list[dv.NotificationPreference],
        body=dv.CommunicationPreferenceIn, params=(PARTNER_USER_ID, AREA, CHANNEL)),
    _op("POST", "/v1/migrations/syndication", syndication.create_migration, "createSyndicationMigration",
        "Migrate syndication customers to CSP (a batch)", dv.SyndicationMigration, status=202,
        body=dv.SyndicationMigrationCreate, errors=(*COMMON_ERRORS, "409")),
    _op("GET", "/v1/migrations/syndication/{migrationBatchId}", syndication.get_migration,
        "getSyndicationMigration", "A syndication migration batch's status", dv.SyndicationMigrationStatus,
        params=(SYNDICATION_BATCH,)),
    _op("GET", "/v1/migrations/syndication/{migrationBatchId}/{mosiCustomerId}", syndication.get_customer_migration,
        "getSyndicationCustomerMigration", "One customer's status in a syndication migration batch",
        dv.SyndicationMigrationStatus, params=(SYNDICATION_BATCH, param(
            "mosiCustomerId", "path", TEXT, "The syndication (MOSI) customer id."))),
    # (end of devices)
]  # fmt: skip
