"""Customers: list (offset or seek paging, prefix filter), get, create, delete (integration sandbox only)."""

from __future__ import annotations

import json
import re
import secrets
import string
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from emulator.partner.common import (
    SHORT_QUERY,
    Page,
    customer_or_404,
    field_object,
    field_text,
    invalid_input,
    invalid_property,
    json_body,
    new_id,
    remember,
    replayed,
    self_uri,
)
from emulator.partner.responses import CONTENT_TYPE, PartnerError, compact_json, link
from emulator.partner.responses import PartnerJSON as JSON
from emulator.state import EmulatorState

MAX_PAGE_SIZE = 500  # "This API pulls up to 500 records" (Partner-Center-SDK-Samples#5)
DOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$")
CULTURE = re.compile(r"^[a-z]{2,3}-[a-z]{2,4}$", re.IGNORECASE)
FILTER_FIELDS = {"companyname": "companyName", "domain": "domain"}


def _company_profile(customer: dict[str, Any], *, full: bool) -> dict[str, Any]:
    cp = customer["companyProfile"]
    doc: dict[str, Any] = {"tenantId": cp["tenantId"], "domain": cp["domain"], "companyName": cp["companyName"]}
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


def _parse_filter(raw: str) -> tuple[str, str]:
    """The documented customer filter: {"Field": "CompanyName"|"Domain", "Value": …, "Operator": "starts_with"}."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise invalid_input('\'filter\' is not JSON; expected {"Field","Value","Operator"} URL-encoded.') from None
    if not isinstance(data, dict):
        raise invalid_input("'filter' must be a JSON object with Field, Value and Operator.")
    lowered = {str(k).lower(): v for k, v in data.items()}
    field, value, operator = lowered.get("field"), lowered.get("value"), lowered.get("operator")
    if not isinstance(field, str) or field.lower() not in FILTER_FIELDS:
        raise invalid_input("filter 'Field' must be CompanyName or Domain.")
    if not isinstance(value, str) or not value:
        raise invalid_input("filter 'Value' must be a non-empty string.")
    if not isinstance(operator, str) or operator.lower() != "starts_with":
        raise invalid_input("filter 'Operator' must be starts_with (the only one customers support).")
    return FILTER_FIELDS[field.lower()], value.lower()


# A customer's list form, rendered once: documents are never changed in place (a change stores a new dict), so
# the bytes stay right for as long as the same dict is the stored one.
_RENDERED: dict[str, tuple[dict[str, Any], bytes]] = {}
_RENDERED_MAX = 200_000


def _short_json(customer: dict[str, Any]) -> bytes:
    cached = _RENDERED.get(customer["id"])
    if cached is not None and cached[0] is customer:
        return cached[1]
    rendered = compact_json(customer_document(customer, full=False)).encode()
    if len(_RENDERED) >= _RENDERED_MAX:
        _RENDERED.clear()
    _RENDERED[customer["id"]] = (customer, rendered)
    return rendered


# An unfiltered page's position and the collection's tail (links, continuation token) depend only on the query,
# the continuation token and the number of customers: computed once per such triple, which also makes the
# first page of `GET /v1/customers?size=N`, every client's first call, cheap. Bounded; filtered pages are not kept.
_PAGES: dict[tuple[bytes, bytes | None, int], tuple[int, int, bytes]] = {}
_PAGES_MAX = 1024


def _continuation_header(request: Request) -> bytes | None:
    name: bytes
    value: bytes
    for name, value in request.scope["headers"]:
        if name == b"ms-continuationtoken":
            return value  # the first, as Starlette's Headers reads it
    return None


def _tail(request: Request, page: Page, total: int) -> bytes:
    """The collection after its items, in the field order of collection()."""
    next_link, token = page.next_link("/v1/customers", total)
    links: dict[str, Any] = {"self": link(self_uri(request, "/v1/customers"))}
    if next_link is not None:
        links["next"] = next_link
    tail: dict[str, Any] = {"links": links}
    if token:
        tail["continuationToken"] = token
    tail["attributes"] = {"objectType": "Collection"}
    return compact_json(tail).encode()[1:]


async def list_customers(state: EmulatorState, request: Request) -> Response:
    table = state.world.customers
    key = (request.scope.get("query_string", b""), _continuation_header(request), len(table))
    known = _PAGES.get(key)
    if known is not None:
        offset, size, tail = known
        chosen = table.page(offset, size)
    else:
        page = Page(request, default_size=MAX_PAGE_SIZE, max_size=MAX_PAGE_SIZE)
        if page.filter_raw is None:
            chosen = table.page(page.offset, page.size)
            tail = _tail(request, page, len(table))
            if len(key[0]) <= SHORT_QUERY and len(key[1] or b"") <= SHORT_QUERY:
                if len(_PAGES) >= _PAGES_MAX:
                    _PAGES.clear()
                _PAGES[key] = (page.offset, page.size, tail)
        else:
            field, prefix = _parse_filter(page.filter_raw)
            # The case of the value is ignored (get-a-customer-by-name.md); a filter scans, a plain page does not.
            matches = [c for c in table if c["companyProfile"][field].lower().startswith(prefix)]
            chosen = matches[page.offset : page.offset + page.size]
            tail = _tail(request, page, len(matches))
    body = b"".join(
        (b'{"totalCount":%d,"items":[' % len(chosen), b",".join(_short_json(c) for c in chosen), b"],", tail)
    )
    return Response(body, media_type=CONTENT_TYPE)


async def get_customer(state: EmulatorState, request: Request) -> Response:
    return JSON(customer_document(customer_or_404(state, request.path_params["customer_id"]), full=True))


def _password(state: EmulatorState) -> str:
    alphabet = string.ascii_letters + string.digits + "!#$%&*+-=?@"
    if state.config.seed is not None:
        return "".join(state.rng.choice(alphabet) for _ in range(12))
    return "".join(secrets.choice(alphabet) for _ in range(12))


def _normalize_culture(culture: str) -> str:
    language, _, region = culture.partition("-")
    return f"{language.lower()}-{region.upper()}"


async def create_customer(state: EmulatorState, request: Request) -> Response:
    again = replayed(state, request)
    if again is not None:
        return again
    body = await json_body(request)
    company = field_object(body, "companyprofile", "CompanyProfile")
    billing = field_object(body, "billingprofile", "BillingProfile")
    domain = (field_text(company, "domain", "CompanyProfile.Domain") or "").lower()
    if not DOMAIN.match(domain):
        raise invalid_property(
            f"'CompanyProfile.Domain' '{domain[:64]}' is not a domain name (for example x.onmicrosoft.com)."
        )
    email = field_text(billing, "email", "BillingProfile.Email") or ""
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise invalid_property(f"'BillingProfile.Email' '{email[:64]}' is not an email address.")
    culture = field_text(billing, "culture", "BillingProfile.Culture") or ""
    if not CULTURE.match(culture):
        raise invalid_property(f"'BillingProfile.Culture' '{culture[:16]}' is not a culture such as en-US.")
    language = field_text(billing, "language", "BillingProfile.Language", limit=8) or ""
    company_name = field_text(billing, "companyname", "BillingProfile.CompanyName") or ""
    address_in = field_object(billing, "defaultaddress", "BillingProfile.DefaultAddress")
    first = field_text(address_in, "firstname", "BillingProfile.DefaultAddress.FirstName") or ""
    last = field_text(address_in, "lastname", "BillingProfile.DefaultAddress.LastName") or ""
    line1 = field_text(address_in, "addressline1", "BillingProfile.DefaultAddress.AddressLine1") or ""
    city = field_text(address_in, "city", "BillingProfile.DefaultAddress.City") or ""
    postal = field_text(address_in, "postalcode", "BillingProfile.DefaultAddress.PostalCode", limit=16) or ""
    country = (field_text(address_in, "country", "BillingProfile.DefaultAddress.Country", limit=2) or "").upper()
    if not (len(country) == 2 and country.isalpha()):
        raise invalid_property(f"'BillingProfile.DefaultAddress.Country' '{country}' is not a two-letter country code.")
    state_code = field_text(address_in, "state", "BillingProfile.DefaultAddress.State", required=False, limit=64)
    phone = field_text(address_in, "phonenumber", "BillingProfile.DefaultAddress.PhoneNumber", required=False, limit=32)

    world = state.world
    with world.lock:
        # A concurrent retry with the same MS-RequestId may have finished while this one read its body.
        again = replayed(state, request)
        if again is not None:
            return again
        if any(c["companyProfile"]["domain"].lower() == domain for c in world.customers):
            raise invalid_property(f"the domain '{domain}' is already in use by another tenant.")
        customer_id = new_id(state)
        billing_address: dict[str, Any] = {"country": country, "city": city}
        if state_code:
            billing_address["state"] = state_code
        billing_address |= {"addressLine1": line1, "postalCode": postal, "firstName": first, "lastName": last}
        billing_address["phoneNumber"] = phone or ""
        company_address: dict[str, Any] = {"country": country}
        if state_code:
            company_address["region"] = state_code
        company_address |= {"city": city, "addressLine1": line1, "postalCode": postal, "phoneNumber": phone or ""}
        etag = str(state.rng.getrandbits(62))
        billing_profile: dict[str, Any] = {
            "id": new_id(state),
            "firstName": first,
            "lastName": last,
            "email": email,
            "culture": _normalize_culture(culture),
            "language": language.lower(),
            "companyName": company_name,
            "defaultAddress": billing_address,
            "etag": etag,
        }
        customer: dict[str, Any] = {
            "id": customer_id,
            "commerceId": new_id(state),
            "companyProfile": {
                "tenantId": customer_id,
                "domain": domain,
                "companyName": company_name,
                "address": company_address,
                "email": email,
            },
            "billingProfile": billing_profile,
            "relationshipToPartner": "reseller",
            "allowDelegatedAccess": True,
            "customDomains": [domain],
        }
        admin = {
            "id": new_id(state),
            "userPrincipalName": f"admin@{domain}",
            "firstName": first,
            "lastName": last,
            "displayName": f"{company_name} admin",
            "userDomainType": "none",
            "state": "active",
            "_customerId": customer_id,
        }
        world.customers.put(customer)
        world.customer_users.put(admin)
        # The documented 201: no links, no companyName in companyProfile, relationship "none", the admin's password.
        created = {
            "id": customer_id,
            "commerceId": customer["commerceId"],
            "companyProfile": {
                "tenantId": customer_id,
                "domain": domain,
                "attributes": {"objectType": "CustomerCompanyProfile"},
            },
            "billingProfile": {
                "id": billing_profile["id"],
                "email": email,
                "culture": billing_profile["culture"],
                "language": billing_profile["language"],
                "companyName": company_name,
                "defaultAddress": billing_address,
                "attributes": {"etag": etag, "objectType": "CustomerBillingProfile"},
            },
            "relationshipToPartner": "none",
            "userCredentials": {"userName": "admin", "password": _password(state)},
            "attributes": {"objectType": "Customer"},
        }
        state.persist_soon()
        return remember(state, request, 201, created)


async def delete_customer(state: EmulatorState, request: Request) -> Response:
    world = state.world
    customer = customer_or_404(state, request.path_params["customer_id"])
    if not world.integration_sandbox:
        raise PartnerError(
            400,
            900127,
            "This operation is not supported in this environment: customers can be deleted only from the "
            "integration sandbox (set integrationSandbox in partner.json).",
        )
    with world.lock:
        cid = customer["id"]
        for table in (world.subscriptions, world.orders, world.customer_users, world.consents):
            for doc in table.group(cid):
                table.delete(doc["id"])
        world.customers.delete(cid)
        state.persist_soon()
    return Response(status_code=204)
