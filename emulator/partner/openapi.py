"""The OpenAPI 3.1 description of the emulated Partner Center surface, served at /openapi.json.

Written from the facts sheet and the documented samples (field names, string vs number), not generated from the
handlers, so a test that validates every response against it checks the code against the documents.
"""

from __future__ import annotations

from typing import Any

import emulator

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict[str, Schema], required: list[str] | None = None, *, extra: bool = True) -> Schema:
    schema: Schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    if not extra:
        schema["additionalProperties"] = False
    return schema


STR: Schema = {"type": "string"}
INT: Schema = {"type": "integer"}
NUM: Schema = {"type": "number"}
BOOL: Schema = {"type": "boolean"}
GUID: Schema = {"type": "string", "format": "uuid"}
DATE_TIME: Schema = {"type": "string", "format": "date-time"}
STRINGS: Schema = {"type": "array", "items": STR}
NULL_STR: Schema = {"type": ["string", "null"]}


def attributes(object_type: str, *, etag: bool = False) -> Schema:
    props: dict[str, Schema] = {"objectType": {"const": object_type}}
    if etag:
        props["etag"] = STR
    return obj(props, ["objectType", "etag"] if etag else ["objectType"], extra=False)


def links(*names: str, required: tuple[str, ...] = ("self",)) -> Schema:
    return obj({n: ref("Link") for n in names}, list(required), extra=False)


def collection(item: str, *, seek: bool = False, with_links: bool = True) -> Schema:
    props: dict[str, Schema] = {
        "totalCount": INT,
        "items": {"type": "array", "items": ref(item)},
    }
    required = ["totalCount", "items", "attributes"]
    if with_links:
        props["links"] = links("self", "next", "previous")
        required.append("links")
    if seek:
        props["continuationToken"] = STR
    props["attributes"] = attributes("Collection")
    return obj(props, required, extra=False)


ADDRESS = obj(
    {
        k: STR
        for k in (
            "country",
            "region",
            "state",
            "city",
            "addressLine1",
            "addressLine2",
            "postalCode",
            "firstName",
            "lastName",
            "phoneNumber",
        )
    },
    ["country", "city", "addressLine1", "postalCode"],
    extra=False,
)

SCHEMAS: dict[str, Schema] = {
    "Link": obj(
        {
            "uri": STR,
            "method": STR,
            "headers": {"type": "array", "items": obj({"key": STR, "value": STR}, ["key", "value"], extra=False)},
        },
        ["method", "headers"],
        extra=False,
    ),
    "Error": obj(
        {
            # Classic codes are integers in the documented samples; the 2025-2026 codes (900420, 900421) strings.
            "code": {"type": ["integer", "string"]},
            "description": {"type": "string", "maxLength": 1024},
            "data": {"type": "array"},
            "source": {"const": "PartnerFD"},
        },
        ["code", "description", "data", "source"],
        extra=False,
    ),
    "GatewayError": obj({"statusCode": INT, "message": STR}, ["statusCode", "message"], extra=False),
    "Address": ADDRESS,
    "OrganizationProfile": obj(
        {
            "id": STR,
            "companyName": STR,
            "defaultAddress": ref("Address"),
            "tenantId": GUID,
            "domain": STR,
            "email": STR,
            "language": STR,
            "culture": STR,
            "profileType": {"const": "OrganizationProfile"},
            "links": links("self"),
            "attributes": attributes("OrganizationProfile", etag=True),
        },
        ["id", "companyName", "defaultAddress", "tenantId", "domain", "email", "profileType", "links", "attributes"],
        extra=False,
    ),
    "Contact": obj({k: STR for k in ("firstName", "lastName", "email", "phoneNumber")}, extra=False),
    "BillingProfile": obj(
        {
            "companyName": STR,
            "address": ref("Address"),
            "primaryContact": ref("Contact"),
            "purchaseOrderNumber": STR,
            "taxId": STR,
            "billingCurrency": STR,
            "profileType": {"const": "BillingProfile"},
            "links": links("self"),
            "attributes": attributes("BillingProfile", etag=True),
        },
        ["companyName", "address", "billingCurrency", "profileType", "links", "attributes"],
        extra=False,
    ),
    "LegalBusinessProfile": obj(
        {
            "companyName": STR,
            "address": ref("Address"),
            "primaryContact": ref("Contact"),
            "companyApproverAddress": ref("Address"),
            "companyApproverEmail": STR,
            "vettingStatus": STR,
            "vettingSubStatus": STR,
            "profileType": {"const": "LegalBusinessProfile"},
            "links": links("self"),
            "attributes": attributes("LegalBusinessProfile"),
        },
        ["companyName", "address", "vettingStatus", "profileType", "links", "attributes"],
        extra=False,
    ),
    "SupportProfile": obj(
        {
            "email": STR,
            "telephone": STR,
            "website": STR,
            "profileType": {"const": "support_profile"},
            "links": links("self"),
            "attributes": attributes("PartnerSupportProfile"),
        },
        ["email", "telephone", "website", "profileType", "links", "attributes"],
        extra=False,
    ),
    "MpnProfile": obj(
        {
            "mpnId": STR,
            "partnerName": STR,
            "profileType": {"const": "MpnProfile"},
            "links": links("self"),
            "attributes": attributes("MpnProfile"),
        },
        ["mpnId", "profileType", "links", "attributes"],
        extra=False,
    ),
    "CustomerCompanyProfile": obj(
        {
            "tenantId": GUID,
            "domain": STR,
            "companyName": STR,
            "address": ref("Address"),
            "email": STR,
            "links": links("self"),
            "attributes": attributes("CustomerCompanyProfile"),
        },
        ["tenantId", "domain", "attributes"],
        extra=False,
    ),
    "CustomerBillingProfile": obj(
        {
            "id": GUID,
            "firstName": STR,
            "lastName": STR,
            "email": STR,
            "culture": STR,
            "language": STR,
            "companyName": STR,
            "defaultAddress": ref("Address"),
            "links": links("self"),
            "attributes": attributes("CustomerBillingProfile", etag=True),
        },
        ["id", "email", "culture", "language", "companyName", "defaultAddress", "attributes"],
        extra=False,
    ),
    "Customer": obj(
        {
            "id": GUID,
            "commerceId": GUID,
            "companyProfile": ref("CustomerCompanyProfile"),
            "billingProfile": ref("CustomerBillingProfile"),
            "relationshipToPartner": {"enum": ["reseller", "advisor", "none"]},
            "allowDelegatedAccess": BOOL,
            "customDomains": STRINGS,
            "userCredentials": obj({"userName": STR, "password": STR}, ["userName", "password"], extra=False),
            "links": links("self"),
            "attributes": attributes("Customer"),
        },
        ["id", "companyProfile", "relationshipToPartner", "attributes"],
        extra=False,
    ),
    "CustomerCollection": collection("Customer", seek=True),
    "CustomerUser": obj(
        {
            "usageLocation": STR,
            "id": GUID,
            "userPrincipalName": STR,
            "firstName": STR,
            "lastName": STR,
            "displayName": STR,
            "immutableId": STR,
            "passwordProfile": obj({"forceChangePassword": BOOL, "password": STR}, extra=False),
            "lastDirectorySyncTime": NULL_STR,
            "userDomainType": STR,
            "state": {"enum": ["active", "inactive"]},
            "softDeletionTime": NULL_STR,
            "links": links("self"),
            "attributes": attributes("CustomerUser"),
        },
        ["id", "userPrincipalName", "displayName", "state", "attributes"],
        extra=False,
    ),
    "CustomerUserCollection": collection("CustomerUser", seek=True),
    "Subscription": obj(
        {
            "id": STR,
            "offerId": STR,
            "entitlementId": STR,
            "offerName": STR,
            "friendlyName": STR,
            "quantity": INT,
            "unitType": STR,
            "parentSubscriptionId": STR,
            "hasPurchasableAddons": BOOL,
            "creationDate": DATE_TIME,
            "effectiveStartDate": DATE_TIME,
            "commitmentEndDate": DATE_TIME,
            "status": {"enum": ["none", "active", "pending", "suspended", "deleted"]},
            "autoRenewEnabled": BOOL,
            "isTrial": BOOL,
            "billingType": {"enum": ["none", "usage", "license"]},
            "billingCycle": STR,
            "termDuration": STR,
            "actions": STRINGS,
            "suspensionReasons": STRINGS,
            "contractType": {"enum": ["subscription", "productKey", "redemptionCode"]},
            "links": links("offer", "parentSubscription", "self", required=("offer", "self")),
            "orderId": STR,
            "attributes": attributes("Subscription", etag=True),
        },
        [
            "id",
            "offerId",
            "friendlyName",
            "quantity",
            "status",
            "autoRenewEnabled",
            "billingType",
            "links",
            "orderId",
            "attributes",
        ],
        extra=False,
    ),
    "SubscriptionCollection": collection("Subscription", with_links=False),
    "OfferCategory": obj(
        {"id": STR, "name": STR, "rank": INT, "locale": STR, "country": STR, "attributes": attributes("OfferCategory")},
        ["id", "name", "rank", "attributes"],
        extra=False,
    ),
    "Offer": obj(
        {
            "id": STR,
            "name": STR,
            "description": STR,
            "minimumQuantity": INT,
            "maximumQuantity": INT,
            "rank": INT,
            "uri": STR,
            "locale": STR,
            "country": STR,
            "category": ref("OfferCategory"),
            "limitUnitOfMeasure": STR,
            "limit": INT,
            "termUnitOfMeasure": STR,
            "term": INT,
            "prerequisiteOffers": STRINGS,
            "isAddOn": BOOL,
            "hasAddOns": BOOL,
            "isAvailableForPurchase": BOOL,
            "billing": STR,
            "supportedBillingCycles": STRINGS,
            "isAutoRenewable": BOOL,
            "isInternal": BOOL,
            "isMicrosoftProduct": BOOL,
            "conversionTargetOffers": STRINGS,
            "reselleeQualifications": STRINGS,
            "resellerQualifications": STRINGS,
            "salesGroupId": STR,
            "isTrial": BOOL,
            "acquisitionType": STR,
            "supportedCatalogTypes": STRINGS,
            "actions": STRINGS,
            "product": obj({"id": STR, "name": STR, "unit": STR}, ["id", "name", "unit"], extra=False),
            "unitType": STR,
            "links": links("learnMore", "self", required=()),
            "attributes": attributes("Offer"),
        },
        [
            "id",
            "name",
            "minimumQuantity",
            "maximumQuantity",
            "country",
            "category",
            "isAddOn",
            "billing",
            "product",
            "unitType",
            "attributes",
        ],
        extra=False,
    ),
    "OfferCollection": collection("Offer"),
    "OrderLineItem": obj(
        {
            "lineItemNumber": INT,
            "offerId": STR,
            "subscriptionId": STR,
            "friendlyName": STR,
            "quantity": INT,
            "links": links("subscription", "sku", "provisioningStatus", required=()),
        },
        ["lineItemNumber", "offerId", "quantity"],
        extra=False,
    ),
    "Order": obj(
        {
            "id": STR,
            "referenceCustomerId": GUID,
            "billingCycle": STR,
            "currencyCode": STR,
            "lineItems": {"type": "array", "items": ref("OrderLineItem"), "minItems": 1},
            "creationDate": DATE_TIME,
            "status": {"enum": ["pending", "completed", "cancelled"]},
            "links": links("provisioningStatus", "self"),
            "attributes": attributes("Order"),
        },
        ["id", "referenceCustomerId", "billingCycle", "lineItems", "creationDate", "links", "attributes"],
        extra=False,
    ),
    "OrderCollection": collection("Order"),
    "InvoiceDetail": obj(
        {
            "invoiceLineItemType": STR,
            "billingProvider": STR,
            "links": links("self"),
            "attributes": attributes("InvoiceDetail"),
        },
        ["invoiceLineItemType", "billingProvider", "attributes"],
        extra=False,
    ),
    "Invoice": obj(
        {
            "id": STR,
            "invoiceDate": DATE_TIME,
            "totalCharges": NUM,
            "paidAmount": NUM,
            "currencyCode": STR,
            "currencySymbol": STR,
            "pdfDownloadLink": STR,
            "invoiceDetails": {"type": "array", "items": ref("InvoiceDetail")},
            "documentType": STR,
            "invoiceType": STR,
            "links": links("self"),
            "attributes": attributes("Invoice"),
        },
        ["id", "invoiceDate", "totalCharges", "paidAmount", "currencyCode", "invoiceDetails", "attributes"],
        extra=False,
    ),
    "InvoiceCollection": collection("Invoice"),
    "ApplicationGrant": obj({"enterpriseApplicationId": GUID, "scope": STR}, ["enterpriseApplicationId", "scope"]),
    "ApplicationConsent": obj(
        {
            "displayName": STR,
            "applicationId": GUID,
            "applicationGrants": {"type": "array", "items": ref("ApplicationGrant"), "minItems": 1},
        },
        ["applicationId", "applicationGrants"],
    ),
    "NonMfaCompliantPrincipal": obj(
        {
            "objectId": STR,
            "tenantId": STR,
            "upn": {"type": ["string", "null"]},
            "lastNonMfaCompliantRequestDateTime": STR,
        },
        ["objectId", "tenantId", "upn", "lastNonMfaCompliantRequestDateTime"],
        extra=False,
    ),
    "NonMfaCompliantPrincipalCollection": obj(
        {
            "totalCount": INT,
            "items": {"type": "array", "items": ref("NonMfaCompliantPrincipal")},
            "attributes": attributes("Collection"),
        },
        ["totalCount", "items", "attributes"],
        extra=False,
    ),
    "ApplicationMfaAdoption": {
        "type": "array",
        "items": obj(
            {
                "loginDate": STR,
                "mfaCompliantRequestCount": INT,
                "totalRequestCount": INT,
                "applicationId": STR,
                "applicationName": STR,
            },
            ["loginDate", "mfaCompliantRequestCount", "totalRequestCount", "applicationId", "applicationName"],
            extra=False,
        ),
    },
    "ApiRequestDetail": obj(
        {
            "requestId": STR,
            "correlationId": STR,
            "operationName": STR,
            "requestDateTime": STR,
            "sourceIpAddress": STR,
            "objectId": {"type": ["string", "null"]},
            "tenantId": {"type": ["string", "null"]},
            "upn": {"type": ["string", "null"]},
            "applicationId": {"type": ["string", "null"]},
            "mfaCompliant": BOOL,
        },
        ["requestId", "correlationId", "operationName", "requestDateTime", "mfaCompliant"],
        extra=False,
    ),
    "ApiRequestDetailCollection": obj(
        {
            "totalCount": INT,
            "items": {"type": "array", "items": ref("ApiRequestDetail")},
            "attributes": attributes("Collection"),
        },
        ["totalCount", "items", "attributes"],
        extra=False,
    ),
    # Request bodies (the emulator reads keys case-insensitively: PascalCase as in the docs works too).
    "CustomerCreate": obj(
        {
            "companyProfile": obj({"domain": STR}, ["domain"]),
            "billingProfile": obj(
                {
                    "email": STR,
                    "culture": STR,
                    "language": STR,
                    "companyName": STR,
                    "defaultAddress": ref("Address"),
                },
                ["email", "culture", "language", "companyName", "defaultAddress"],
            ),
        },
        ["companyProfile", "billingProfile"],
    ),
    "CustomerUserCreate": obj(
        {
            "usageLocation": STR,
            "userPrincipalName": STR,
            "firstName": STR,
            "lastName": STR,
            "displayName": STR,
            "immutableId": STR,
            "passwordProfile": obj({"password": STR, "forceChangePassword": BOOL}, ["password"]),
        },
        ["userPrincipalName", "displayName", "passwordProfile"],
    ),
    "SubscriptionUpdate": obj(
        {"quantity": INT, "status": STR, "autoRenewEnabled": BOOL, "friendlyName": STR, "billingCycle": STR}
    ),
    "OrderCreate": obj(
        {
            "referenceCustomerId": GUID,
            "billingCycle": STR,
            "currencyCode": STR,
            "lineItems": {
                "type": "array",
                "minItems": 1,
                "items": obj(
                    {
                        "lineItemNumber": INT,
                        "offerId": STR,
                        "friendlyName": STR,
                        "quantity": INT,
                        "parentSubscriptionId": STR,
                    },
                    ["lineItemNumber", "offerId", "quantity"],
                ),
            },
        },
        ["lineItems"],
    ),
}


def _json(schema: Schema) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


ERROR_STATUSES = {
    "400": "Invalid request input or an invalid property (code 800002, 3000 and others).",
    "401": "The token is missing, invalid or refused by the MFA rule (900421, 900420) of the active profile. "
    "Under the 2019 profiles the MFA refusal has an empty body.",
    "403": "Forbidden for this partner.",
    "404": "Not found (Partner Center's error body) or no such route (the gateway's {statusCode, message}).",
    "409": "Conflict.",
    "412": "The etag (If-Match or attributes.etag) is no longer valid (code 2055).",
    "413": "The request body is too large.",
    "429": "Too many requests (throttling): Retry-After and the gateway's {statusCode, message}.",
    "500": "Unexpected service error (code 800003).",
    "503": "Service unavailable, with Retry-After.",
}


def _errors(*statuses: str) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for status in statuses:
        schema = {"oneOf": [ref("Error"), ref("GatewayError")]} if status in ("404", "429", "503") else ref("Error")
        result[status] = {"description": ERROR_STATUSES[status], "content": _json(schema)}
    return result


COMMON_ERRORS = ("400", "401", "404", "429", "500", "503")


def _param(name: str, where: str, schema: Schema, description: str, *, required: bool = False) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": required or where == "path",
        "schema": schema,
        "description": description,
    }


CUSTOMER_ID = _param("customer_id", "path", GUID, "The customer's tenant id.")
HEADERS = [
    _param(
        "MS-RequestId",
        "header",
        STR,
        "Idempotency key: a retried creating call with the same value returns the "
        "first answer and creates nothing new.",
    ),
    _param("MS-CorrelationId", "header", STR, "Echoed in the response."),
    _param("MS-Enforce-MFA", "header", STR, "The 2019 pilot's opt-in header (profile pilot-2019)."),
]
PAGING = [
    _param("size", "query", {"type": "integer", "minimum": 0}, "Page size (0: the default)."),
    _param("offset", "query", {"type": "integer", "minimum": 0}, "Zero-based index of the first item."),
]
SEEK = [
    _param("seekOperation", "query", {"enum": ["Next", "next"]}, "With MS-ContinuationToken: the next page."),
    _param("MS-ContinuationToken", "header", STR, "The token from links.next.headers of the previous page."),
]


def _op(
    summary: str,
    operation_id: str,
    ok: str,
    schema: str | None,
    *,
    params: list[dict[str, Any]] | None = None,
    body: str | None = None,
    errors: tuple[str, ...] = COMMON_ERRORS,
    app_user_only: bool = False,
) -> dict[str, Any]:
    description = (
        "App+User tokens only; app-only tokens get 401 code 400."
        if app_user_only
        else ("App-only and App+User tokens.")
    )
    response: dict[str, Any] = {"description": "Success."}
    if schema is not None:
        response["content"] = _json(ref(schema))
    operation: dict[str, Any] = {
        "summary": summary,
        "description": description,
        "operationId": operation_id,
        "parameters": [*(params or []), *HEADERS],
        "responses": {ok: response, **_errors(*errors)},
    }
    if body is not None:
        operation["requestBody"] = {"required": True, "content": _json(ref(body))}
    return operation


def document() -> dict[str, Any]:
    user_id = _param("user_id", "path", GUID, "The user's object id.")
    subscription_id = _param("subscription_id", "path", STR, "The subscription id (a GUID, any case).")
    order_id = _param("order_id", "path", STR, "The order id.")
    offer_id = _param("offer_id", "path", STR, "The offer id.")
    country = _param("country", "query", {"type": "string", "pattern": "^[A-Za-z]{2}$"}, "Market.", required=True)
    paths: dict[str, Any] = {
        "/v1/profiles/organization": {
            "get": _op(
                "Get the organization profile",
                "getOrganizationProfile",
                "200",
                "OrganizationProfile",
                app_user_only=True,
            )
        },
        "/v1/profiles/billing": {
            "get": _op(
                "Get the partner billing profile", "getBillingProfile", "200", "BillingProfile", app_user_only=True
            )
        },
        "/v1/profiles/legalbusiness": {
            "get": _op(
                "Get the legal business profile",
                "getLegalBusinessProfile",
                "200",
                "LegalBusinessProfile",
                params=[_param("vettingVersion", "query", {"enum": ["Current", "LastFinalized"]}, "Which.")],
            )
        },
        "/v1/profiles/support": {
            "get": _op("Get the support profile", "getSupportProfile", "200", "SupportProfile", app_user_only=True)
        },
        "/v1/profiles/mpn": {
            "get": _op(
                "Get the MPN profile, or another partner's by mpnId",
                "getMpnProfile",
                "200",
                "MpnProfile",
                params=[_param("mpnId", "query", {"type": "string", "pattern": "^[0-9]+$"}, "MPN id.")],
                app_user_only=True,
            )
        },
        "/v1/customers": {
            "get": _op(
                "List customers (offset or seek paging, prefix filter)",
                "listCustomers",
                "200",
                "CustomerCollection",
                params=[
                    *PAGING,
                    *SEEK,
                    _param(
                        "filter",
                        "query",
                        STR,
                        'URL-encoded {"Field":"CompanyName"|"Domain","Value":…,"Operator":"starts_with"}.',
                    ),
                ],
            ),
            "post": _op("Create a customer", "createCustomer", "201", "Customer", body="CustomerCreate"),
        },
        "/v1/customers/{customer_id}": {
            "parameters": [CUSTOMER_ID],
            "get": _op("Get a customer", "getCustomer", "200", "Customer"),
            "delete": _op("Delete a customer (integration sandbox only)", "deleteCustomer", "204", None),
        },
        "/v1/customers/{customer_id}/users": {
            "parameters": [CUSTOMER_ID],
            "get": _op(
                "List a customer's users",
                "listCustomerUsers",
                "200",
                "CustomerUserCollection",
                params=[*PAGING, *SEEK],
                app_user_only=True,
            ),
            "post": _op(
                "Create a user for a customer",
                "createCustomerUser",
                "201",
                "CustomerUser",
                body="CustomerUserCreate",
                app_user_only=True,
            ),
        },
        "/v1/customers/{customer_id}/users/{user_id}": {
            "parameters": [CUSTOMER_ID, user_id],
            "get": _op("Get a customer's user", "getCustomerUser", "200", "CustomerUser", app_user_only=True),
            "delete": _op("Delete a customer's user", "deleteCustomerUser", "204", None, app_user_only=True),
        },
        "/v1/customers/{customer_id}/subscriptions": {
            "parameters": [CUSTOMER_ID],
            "get": _op(
                "List a customer's subscriptions",
                "listSubscriptions",
                "200",
                "SubscriptionCollection",
                params=[_param("order_id", "query", STR, "Only the subscriptions of this order.")],
            ),
        },
        "/v1/customers/{customer_id}/subscriptions/{subscription_id}": {
            "parameters": [CUSTOMER_ID, subscription_id],
            "get": _op("Get a subscription", "getSubscription", "200", "Subscription"),
            "patch": _op(
                "Update a subscription (quantity, status, autoRenewEnabled, friendlyName)",
                "updateSubscription",
                "200",
                "Subscription",
                params=[_param("If-Match", "header", STR, "The subscription's etag.")],
                body="SubscriptionUpdate",
                errors=(*COMMON_ERRORS, "412"),
            ),
        },
        "/v1/customers/{customer_id}/orders": {
            "parameters": [CUSTOMER_ID],
            "get": _op("List a customer's orders", "listOrders", "200", "OrderCollection"),
            "post": _op(
                "Create an order", "createOrder", "201", "Order", body="OrderCreate", errors=(*COMMON_ERRORS, "403")
            ),
        },
        "/v1/customers/{customer_id}/orders/{order_id}": {
            "parameters": [CUSTOMER_ID, order_id],
            "get": _op("Get an order", "getOrder", "200", "Order"),
        },
        "/v1/customers/{customer_id}/applicationconsents": {
            "parameters": [CUSTOMER_ID],
            "post": _op(
                "Grant an application consent in a customer",
                "createApplicationConsent",
                "201",
                "ApplicationConsent",
                body="ApplicationConsent",
                errors=(*COMMON_ERRORS, "409"),
                app_user_only=True,
            ),
        },
        "/v1/customers/{customer_id}/applicationconsents/{application_id}": {
            "parameters": [CUSTOMER_ID, _param("application_id", "path", GUID, "The application id.")],
            "delete": _op("Remove an application consent", "deleteApplicationConsent", "204", None, app_user_only=True),
        },
        "/v1/offers": {
            "get": _op(
                "List the offers of a market",
                "listOffers",
                "200",
                "OfferCollection",
                params=[country, _param("offer_category_id", "query", STR, "Category."), *PAGING],
            ),
        },
        "/v1/offers/{offer_id}": {
            "parameters": [offer_id],
            "get": _op("Get an offer", "getOffer", "200", "Offer", params=[country]),
        },
        "/v1/invoices": {
            "get": _op("List invoices", "listInvoices", "200", "InvoiceCollection", params=PAGING),
        },
        "/v1/invoices/{invoice_id}": {
            "parameters": [_param("invoice_id", "path", STR, "The invoice id, bare or with its type prefix.")],
            "get": _op("Get an invoice", "getInvoice", "200", "Invoice", app_user_only=True),
        },
    }
    paths["/v1/nonMfaCompliantPartnerPrincipals"] = {
        "get": _op(
            "Principals whose app+user calls lacked MFA (from the journal)",
            "getNonMfaCompliantPrincipals",
            "200",
            "NonMfaCompliantPrincipalCollection",
            errors=("401", "429", "500", "503"),
            app_user_only=True,
        )
    }
    paths["/v1/applicationmfaadoptionstatus"] = {
        "get": _op(
            "App+user calls per application and day, and how many proved MFA",
            "getApplicationMfaAdoption",
            "200",
            "ApplicationMfaAdoption",
            errors=("401", "429", "500", "503"),
            app_user_only=True,
        )
    }
    paths["/v1/partnerRequests"] = {
        "get": _op(
            "API request details: one per app+user call, with mfaCompliant",
            "getApiRequestDetails",
            "200",
            "ApiRequestDetailCollection",
            errors=("401", "429", "500", "503"),
            app_user_only=True,
        )
    }
    # Creating calls may answer 413 for an oversized body; every call may be throttled (429) by fault rules.
    for item in paths.values():
        for method, operation in item.items():
            if method == "parameters":
                continue
            if "requestBody" in operation:
                operation["responses"].update(_errors("413"))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Partner Center REST API (emulated)",
            "version": emulator.__version__,
            "description": "The Partner Center operations the emulator serves, with their documented shapes. "
            "Every call needs a bearer token issued by the emulator; the active enforcement profile decides "
            "whether an app+user token without MFA is refused.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }
