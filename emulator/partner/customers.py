"""Customers over HTTP: list (offset or seek paging, prefix filter), get, create, delete (integration sandbox only)."""

from __future__ import annotations

import json
from typing import Any

from msgspec import UNSET, convert
from starlette.requests import Request
from starlette.responses import Response

from emulator.partner.common import SHORT_QUERY, Page, create_once, path_customer, self_uri
from emulator.partner.models.base import Doc
from emulator.partner.models.customers import CreatedCustomer
from emulator.partner.models.errors import InvalidInput
from emulator.partner.responses import CONTENT_TYPE, link
from emulator.partner.responses import PartnerJSON as JSON
from emulator.partner.schemas import resources as w
from emulator.partner.schemas.requests import CustomerCreate
from emulator.state import EmulatorState

MAX_PAGE_SIZE = 500  # "This API pulls up to 500 records" (Partner-Center-SDK-Samples#5)
# IndirectReseller: the customers an indirect reseller serves (get-customers-of-an-indirect-reseller.md).
FILTER_FIELDS = {"companyname": "companyName", "domain": "domain", "indirectreseller": "indirectReseller"}


def _billing_profile(customer: Doc, *, created: bool) -> w.CustomerBillingProfile:
    """The full form's billing profile; the answer to a creation has no names and no links."""
    bp = customer["billingProfile"]
    return w.CustomerBillingProfile(
        id=bp["id"],
        first_name=UNSET if created else bp["firstName"],
        last_name=UNSET if created else bp["lastName"],
        email=bp["email"],
        culture=bp["culture"],
        language=bp["language"],
        company_name=bp["companyName"],
        default_address=convert(bp["defaultAddress"], w.Address),
        links=UNSET if created else w.self_link(f"/customers/{customer['id']}/profiles/billing"),
        attributes=w.EtagAttributes(bp["etag"], "CustomerBillingProfile"),
    )


def customer_document(customer: Doc, *, full: bool) -> w.Customer:
    """A customer in Partner Center's shape: the list's short form, or the full form of GET /customers/{id}."""
    cid, cp = customer["id"], customer["companyProfile"]
    company = w.CustomerCompanyProfile(
        tenant_id=cp["tenantId"],
        domain=cp["domain"],
        company_name=cp["companyName"],
        address=convert(cp["address"], w.Address) if full else UNSET,
        email=cp.get("email", UNSET) if full else UNSET,
        links=w.self_link(f"/customers/{cid}/profiles/company"),
        attributes=w.Attributes("CustomerCompanyProfile"),
    )
    if not full:
        return w.Customer(
            id=cid,
            company_profile=company,
            relationship_to_partner=customer["relationshipToPartner"],
            links=w.self_link(f"/customers/{cid}"),
            attributes=w.Attributes("Customer"),
        )
    return w.Customer(
        id=cid,
        commerce_id=customer["commerceId"],
        company_profile=company,
        billing_profile=_billing_profile(customer, created=False),
        relationship_to_partner=customer["relationshipToPartner"],
        allow_delegated_access=customer["allowDelegatedAccess"],
        custom_domains=customer.get("customDomains", []),
        links=w.self_link(f"/customers/{cid}"),
        attributes=w.Attributes("Customer"),
    )


def _parse_filter(raw: str) -> tuple[str, str]:
    """The documented customer filter: {"Field": "CompanyName"|"Domain", "Value": …, "Operator": "starts_with"}."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise InvalidInput('\'filter\' is not JSON; expected {"Field","Value","Operator"} URL-encoded.') from None
    if not isinstance(data, dict):
        raise InvalidInput("'filter' must be a JSON object with Field, Value and Operator.")
    lowered = {str(k).lower(): v for k, v in data.items()}
    field, value, operator = lowered.get("field"), lowered.get("value"), lowered.get("operator")
    if not isinstance(field, str) or field.lower() not in FILTER_FIELDS:
        raise InvalidInput("filter 'Field' must be CompanyName, Domain or IndirectReseller.")
    if not isinstance(value, str) or not value:
        raise InvalidInput("filter 'Value' must be a non-empty string.")
    if not isinstance(operator, str) or operator.lower() != "starts_with":
        raise InvalidInput("filter 'Operator' must be starts_with (the only one customers support).")
    return FILTER_FIELDS[field.lower()], value.lower()


def _short_json(state: EmulatorState, customer: dict[str, Any]) -> bytes:
    """A customer's list form, rendered once: a change stores a new document, so the bytes stay right for as long
    as the same document is the stored one."""
    rendered = state.caches.rendered
    cached = rendered.get(customer["id"])
    if cached is not None and cached[0] is customer:
        return cached[1]
    body = w.encode(customer_document(customer, full=False))
    if len(rendered) >= state.caches.RENDERED_MAX:
        rendered.clear()
    rendered[customer["id"]] = (customer, body)
    return body


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
    return w.encode(tail)[1:]


async def list_customers(state: EmulatorState, request: Request) -> Response:
    customers = state.models.customers
    # An unfiltered page's position and the collection's tail depend only on the query, the continuation token
    # and the number of customers: computed once per such triple, which makes every client's first call cheap.
    key = (request.scope.get("query_string", b""), _continuation_header(request), customers.count())
    pages = state.caches.pages
    known = pages.get(key)
    if known is not None:
        offset, size, tail = known
        chosen = customers.page(offset, size)
    else:
        page = Page(state, request, default_size=MAX_PAGE_SIZE, max_size=MAX_PAGE_SIZE)
        if page.filter_raw is None:
            chosen = customers.page(page.offset, page.size)
            tail = _tail(request, page, key[2])
            if len(key[0]) <= SHORT_QUERY and len(key[1] or b"") <= SHORT_QUERY:
                if len(pages) >= state.caches.PAGES_MAX:
                    pages.clear()
                pages[key] = (page.offset, page.size, tail)
        else:
            # The case of the value is ignored (get-a-customer-by-name.md); a filter scans, a plain page does not.
            field, value = _parse_filter(page.filter_raw)
            if field == "indirectReseller":
                matches = state.models.relations.customers_of(value)
            else:
                matches = customers.starting_with(field, value)
            chosen = customers.of_ids(matches[page.offset : page.offset + page.size])
            tail = _tail(request, page, len(matches))
    body = b"".join(
        (b'{"totalCount":%d,"items":[' % len(chosen), b",".join(_short_json(state, c) for c in chosen), b"],", tail)
    )
    return Response(body, media_type=CONTENT_TYPE)


async def get_customer(state: EmulatorState, request: Request) -> Response:
    return JSON(customer_document(path_customer(state, request), full=True))


def created_document(created: CreatedCustomer) -> w.Customer:
    """The documented 201: no links, no companyName in companyProfile, relationship "none", the admin's password."""
    customer = created.customer
    return w.Customer(
        id=customer["id"],
        commerce_id=customer["commerceId"],
        company_profile=w.CustomerCompanyProfile(
            tenant_id=customer["id"],
            domain=customer["companyProfile"]["domain"],
            attributes=w.Attributes("CustomerCompanyProfile"),
        ),
        billing_profile=_billing_profile(customer, created=True),
        relationship_to_partner="none",
        user_credentials=w.UserCredentials(user_name="admin", password=created.password),
        attributes=w.Attributes("Customer"),
    )


async def create_customer(state: EmulatorState, request: Request) -> Response:
    customers = state.models.customers
    created = await create_once(
        request, customers, CustomerCreate, lambda spec, key: customers.create(spec, request_key=key)
    )
    return JSON(created_document(created), status_code=201)


async def delete_customer(state: EmulatorState, request: Request) -> Response:
    state.models.customers.delete(request.path_params["customer_id"])
    return Response(status_code=204)


async def domain_in_use(state: EmulatorState, request: Request) -> Response:
    """HEAD /v1/domains/{domain} (verify-domain-availability.md): 200 when the domain is in use (not available),
    404 when it is free; no body either way. In use: a customer's or the partner tenant's domain."""
    domain = request.path_params["domain"].strip().lower()
    taken = state.models.customers.in_use(domain) or domain in state.world.partner.domains
    return Response(status_code=200 if taken else 404)
