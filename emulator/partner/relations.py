"""Relationships, a customer's profiles and domains, and the validations, over HTTP (issue 15).

Handlers parse the request, call one model method (`state.models.relations`, `.addresses`) and render its answer.
Sources and what is inferred [I]: docs/sources/relationships.md.
"""

from __future__ import annotations

from msgspec import UNSET, convert
from starlette.requests import Request
from starlette.responses import Response

from emulator.partner.common import collection, create_once, path_customer, query, read_body, require_app_user, wire
from emulator.partner.models.base import Doc
from emulator.partner.models.errors import InvalidInput, InvalidProperty
from emulator.partner.responses import PartnerJSON
from emulator.partner.schemas import relations as r
from emulator.partner.schemas import resources as w
from emulator.state import EmulatorState

# --- relationships ------------------------------------------------------------------------------------------------


def _relationship(partner: Doc, *, full: bool) -> r.PartnerRelationship:
    """The partner list's form (with state and location), or a customer's (without, as documented)."""
    return r.PartnerRelationship(
        id=partner["id"],
        name=partner["name"],
        relationship_type=partner["relationshipType"],
        state=partner["state"] if full else UNSET,
        mpn_id=partner["mpnId"],
        location=partner["location"] if full else UNSET,
        attributes=w.Attributes("PartnerRelationship"),
    )


async def list_partner_relationships(state: EmulatorState, request: Request) -> Response:
    """retrieve-a-list-of-indirect-resellers.md (App+User only): ?relationship_type=, optional name filter."""
    require_app_user(request)
    params = query(state, request)
    found = state.models.relations.partners(params.get("relationship_type"), params.get("filter"))
    return PartnerJSON(collection([_relationship(p, full=True) for p in found]))


async def partner_relationship(state: EmulatorState, request: Request) -> Response:
    """GET /v1/relationships/{partner_id}/customer [I]: the partner's relationship with that partner."""
    require_app_user(request)
    params = query(state, request)
    found = state.models.relations.partner(
        request.path_params["partner_id"], params.get("relationship_type"), params.get("filter")
    )
    return PartnerJSON(collection([_relationship(p, full=True) for p in found]))


async def associate_customer(state: EmulatorState, request: Request) -> Response:
    """PATCH /v1/relationships/{partner_id}/customer/{customer_id} [I]: the customer is served through that
    indirect reseller (204)."""
    require_app_user(request)
    state.models.relations.associate(request.path_params["partner_id"], request.path_params["customer_id"])
    return Response(status_code=204)


async def customer_relationships(state: EmulatorState, request: Request) -> Response:
    """get-indirect-resellers-of-a-customer.md (App+User only)."""
    require_app_user(request)
    found = state.models.relations.of_customer(request.path_params["customer_id"])
    return PartnerJSON(collection([_relationship(p, full=False) for p in found]))


async def patch_customer(state: EmulatorState, request: Request) -> Response:
    """remove-a-reseller-relationship-with-a-customer.md (App+User only): PATCH a Customer whose
    relationshipToPartner is "none"; the answer is the documented (captured) PascalCase Customer."""
    customer = path_customer(state, request, app_user=True)
    body = await read_body(request, r.CustomerPatch)
    if body.relationship_to_partner.lower() != "none":
        raise InvalidProperty(
            f"'relationshipToPartner' '{body.relationship_to_partner}': a customer's relationship can only be "
            "removed (none) this way."
        )
    state.models.relations.remove(customer["id"])
    return PartnerJSON(r.RemovedRelationship(attributes=r.PascalAttributes("Customer")))


async def delete_reseller_relationship(state: EmulatorState, request: Request) -> Response:
    """DELETE /v1/customers/{id}/CustomerPartnerRelationships/reseller [I]: the reseller relationship, removed as
    the documented PATCH removes it (App+User only); 204."""
    customer = path_customer(state, request, app_user=True)
    state.models.relations.remove(customer["id"], only="reseller")
    return Response(status_code=204)


async def delete_partner_relationship(state: EmulatorState, request: Request) -> Response:
    """DELETE /v1/customers/{id}/relationships/partner [I]: the partner's relationship (reseller or advisor),
    removed as the documented PATCH removes it (App+User only); 204."""
    customer = path_customer(state, request, app_user=True)
    state.models.relations.remove(customer["id"])
    return Response(status_code=204)


# --- a customer's profiles --------------------------------------------------------------------------------------


def _billing(customer: Doc) -> w.CustomerBillingProfile:
    """get-all-of-a-customer-s-billing-profiles.md: with a /v1 self link, as documented."""
    profile = customer["billingProfile"]
    return wire(
        w.CustomerBillingProfile,
        {k: v for k, v in profile.items() if k != "etag"},
        links=w.self_link(f"/v1/customers/{customer['id']}/profiles/billing"),
        attributes=w.EtagAttributes(profile["etag"], "CustomerBillingProfile"),
    )


async def customer_billing(state: EmulatorState, request: Request) -> Response:
    return PartnerJSON(_billing(path_customer(state, request)))


async def update_customer_billing(state: EmulatorState, request: Request) -> Response:
    """update-a-customer-s-billing-profile.md: If-Match is required (app-only or App+User)."""
    customer = path_customer(state, request)
    body = await read_body(request, r.CustomerBillingUpdate)
    changed = state.models.relations.update_billing(customer["id"], body, request.headers.get("if-match"))
    return PartnerJSON(_billing(changed))


async def customer_company(state: EmulatorState, request: Request) -> Response:
    """get-a-customer-s-company-profile.md (App+User only)."""
    customer = path_customer(state, request, app_user=True)
    company = customer["companyProfile"]
    return PartnerJSON(
        w.CustomerCompanyProfile(
            tenant_id=company["tenantId"],
            domain=company["domain"],
            company_name=company["companyName"],
            address=convert(company["address"], w.Address),
            email=company.get("email", UNSET),
            links=w.self_link(f"/customers/{customer['id']}/profiles/company"),
            attributes=w.Attributes("CustomerCompanyProfile"),
        )
    )


# --- domains --------------------------------------------------------------------------------------------------


async def add_verified_domain(state: EmulatorState, request: Request) -> Response:
    """add-a-verified-domain-for-a-customer.md (app-only or App+User): 201 with the Domain."""
    customer = path_customer(state, request)
    relations = state.models.relations
    domain = await create_once(
        request, relations, r.VerifiedDomainBody, lambda body, key: relations.add_domain(customer["id"], body, key)
    )
    return PartnerJSON(convert(domain, r.Domain), status_code=201)


async def add_domain(state: EmulatorState, request: Request) -> Response:
    """POST /v1/domains/{domain}?customer_id= [I]: the same as adding a verified domain to that customer."""
    customer_id = query(state, request).get("customer_id")
    if not customer_id:
        raise InvalidInput("'customer_id' is required: the customer the domain is added to.")
    customer = state.models.customers.get(customer_id)
    relations = state.models.relations
    path_domain = request.path_params["domain"]
    domain = await create_once(
        request,
        relations,
        r.VerifiedDomainBody,
        lambda body, key: relations.add_domain(customer["id"], body, key, path_domain=path_domain),
    )
    return PartnerJSON(convert(domain, r.Domain), status_code=201)


async def has_verified_domain(state: EmulatorState, request: Request) -> Response:
    """HEAD /v1/customers/{id}/verifieddomain?domain= [I]: 200 when the domain is one of the customer's verified
    domains, 404 when not (no body, as HEAD /v1/domains/{domain} answers)."""
    domain = query(state, request).get("domain")
    if not domain or not domain.strip():
        raise InvalidInput("'domain' is required.")
    found = state.models.relations.has_domain(request.path_params["customer_id"], domain)
    return Response(status_code=200 if found else 404)


async def domain_prefix_available(state: EmulatorState, request: Request) -> Response:
    """GET /v1/validations/checkdomainavailability/{prefix} [I]: true when {prefix}.onmicrosoft.com is free."""
    return PartnerJSON(state.models.relations.domain_available(request.path_params["domain_prefix"]))


# --- validations --------------------------------------------------------------------------------------------------


async def country_rules(state: EmulatorState, request: Request) -> Response:
    """get-market-specific-validation-data.md (app-only or App+User)."""
    rules = state.models.addresses.rules(request.path_params["country"])
    return PartnerJSON(wire(r.CountryValidationRules, rules, attributes=w.Attributes("CountryValidationRules")))


async def validate_address(state: EmulatorState, request: Request) -> Response:
    """validate-an-address.md (app-only or App+User)."""
    body = await read_body(request, r.AddressToValidate)
    return PartnerJSON(convert(state.models.addresses.validate(body), r.AddressValidationResponse))
