"""Partner Center resources of the first slice: the organization profile and customers (list, get)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from emulator.partner.gate import CLAIMS_KEY
from emulator.partner.responses import PartnerError, PartnerJSON, link
from emulator.policy import is_app_user
from emulator.state import EmulatorState
from emulator.world import is_guid

MAX_PAGE_SIZE = 500  # inferred: the largest page the emulator hands out


def require_app_user(request: Request) -> None:
    """Operations documented as App+User only refuse app-only tokens (HTTP 401, code 400; inferred)."""
    if not is_app_user(request.scope[CLAIMS_KEY]):
        raise PartnerError(
            401,
            400,
            "Access denied: this operation supports App+User authentication only; the token is app-only "
            "(client credentials). Sign in a user and call with that token.",
        )


def _int_param(request: Request, name: str, default: int, minimum: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise PartnerError(
            400, 800002, f"Invalid request input: '{name}' must be an integer, got '{raw[:64]}'."
        ) from None
    if value < minimum:
        raise PartnerError(400, 800002, f"Invalid request input: '{name}' must be at least {minimum}, got {value}.")
    return value


def organization_profile(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    org = state.world.organization
    tenant = state.world.partner
    return PartnerJSON(
        {
            "id": org["id"],
            "companyName": org["companyName"],
            "defaultAddress": org["defaultAddress"],
            "tenantId": tenant.id,
            "domain": tenant.domain,
            "email": org["email"],
            "language": org["language"],
            "culture": org["culture"],
            "profileType": "OrganizationProfile",
            "links": {"self": link("/profiles/organization")},
            "attributes": {"etag": org["etag"], "objectType": "OrganizationProfile"},
        }
    )


def _company_profile(customer: dict[str, Any], *, full: bool) -> dict[str, Any]:
    cp = customer["companyProfile"]
    doc: dict[str, Any] = {
        "tenantId": cp["tenantId"],
        "domain": cp["domain"],
        "companyName": cp["companyName"],
    }
    if full:
        doc["address"] = cp["address"]
        if "email" in cp:
            doc["email"] = cp["email"]
    doc["links"] = {"self": link(f"/customers/{customer['id']}/profiles/company")}
    doc["attributes"] = {"objectType": "CustomerCompanyProfile"}
    return doc


def customer_document(customer: dict[str, Any], *, full: bool) -> dict[str, Any]:
    """A customer in Partner Center's shape: the list's short form, or the full form of GET /customers/{id}."""
    doc: dict[str, Any] = {"id": customer["id"]}
    if full:
        doc["commerceId"] = customer["commerceId"]
    doc["companyProfile"] = _company_profile(customer, full=full)
    if full:
        bp = customer["billingProfile"]
        doc["billingProfile"] = {
            **{k: bp[k] for k in ("id", "firstName", "lastName", "email", "culture", "language", "companyName")},
            "defaultAddress": bp["defaultAddress"],
            "links": {"self": link(f"/customers/{customer['id']}/profiles/billing")},
            "attributes": {"etag": bp["etag"], "objectType": "CustomerBillingProfile"},
        }
    doc["relationshipToPartner"] = customer["relationshipToPartner"]
    if full:
        doc["allowDelegatedAccess"] = customer["allowDelegatedAccess"]
        doc["customDomains"] = customer.get("customDomains", [])
    doc["links"] = {"self": link(f"/customers/{customer['id']}")}
    doc["attributes"] = {"objectType": "Customer"}
    return doc


def list_customers(state: EmulatorState, request: Request) -> Response:
    size = min(_int_param(request, "size", MAX_PAGE_SIZE, 1), MAX_PAGE_SIZE)
    offset = _int_param(request, "offset", 0, 0)
    store = state.world.customers
    total = len(store)
    items = [customer_document(c, full=False) for c in store.page(offset, size)]
    query = request.url.query
    links: dict[str, Any] = {"self": link(f"/v1/customers{'?' + query if query else ''}")}
    if offset + len(items) < total:
        links["next"] = link(f"/v1/customers?{urlencode({'size': size, 'offset': offset + size})}")
    return PartnerJSON(
        {"totalCount": total, "items": items, "links": links, "attributes": {"objectType": "Collection"}}
    )


def get_customer(state: EmulatorState, request: Request) -> Response:
    customer_id: str = request.path_params["customer_id"]
    if not is_guid(customer_id):
        raise PartnerError(400, 800002, f"Invalid request input: the customer id '{customer_id[:64]}' is not a GUID.")
    customer = state.world.customers.get(customer_id)
    if customer is None:
        # Inferred: the facts sheet has no capture of this answer; 60003 "Tenant not found" fits a customer id.
        raise PartnerError(
            404,
            60003,
            f"Tenant not found: no customer with id {customer_id.lower()} in this partner's customers.",
        )
    return PartnerJSON(customer_document(customer, full=True))
