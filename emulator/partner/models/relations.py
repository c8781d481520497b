"""Relationships and what a customer's account holds besides its subscriptions: the partner's indirect resellers
and the customers each one serves, the removal of the reseller relationship, a customer's billing and company
profiles, and its verified domains.

Sources and what is inferred [I]: docs/sources/relationships.md.
"""

from __future__ import annotations

import json
import re
from typing import Any

from emulator.partner.models.addresses import address_doc, check_culture, check_email, check_etag, check_language
from emulator.partner.models.base import Doc, Model, guid
from emulator.partner.models.customers import DOMAIN, Customers
from emulator.partner.models.errors import (
    ActiveSubscriptions,
    IndirectResellerNotFound,
    InvalidInput,
    InvalidProperty,
    RelationshipNotFound,
    UnparsableEnum,
)
from emulator.partner.schemas.relations import CustomerBillingUpdate, VerifiedDomainBody
from emulator.store import Transaction

PROVIDER_OF = "is_indirect_cloud_solution_provider_of"  # the partner is the indirect provider of a reseller
RESELLER_OF = "is_indirect_reseller_of"
# relationship_type as the SDKs send it: PartnerRelationshipType's member names (or their numbers [I]).
RELATIONSHIP_TYPES = {
    "isindirectcloudsolutionproviderof": PROVIDER_OF,
    "isindirectresellerof": RESELLER_OF,
    "2": PROVIDER_OF,
    "1": RESELLER_OF,
}
FILTER_OPERATORS = ("starts_with", "substring")  # the REST reference says StartsWith, the .NET SDK Substring
LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
AUTHENTICATION_TYPES = {"managed": "managed", "federated": "federated"}
DOMAIN_STATUSES = {"unverified": "unverified", "verified": "verified", "pendingdeletion": "pending_deletion"}
# The documented answer says dns_record for a domain sent with VerificationMethod None [I]: kept so.
VERIFICATION_METHODS = {"none": "dns_record", "dnsrecord": "dns_record", "email": "email"}
PROTOCOLS = ("wsfed", "samlp")
PROMPT_BEHAVIORS = ("translatetofreshpasswordauth", "nativesupport", "disabled")


def _key(value: str) -> str:
    return value.replace("_", "").replace("-", "").strip().lower()


def _snake(value: str) -> str:
    """PascalCase enumeration values as the answer spells them: OfficeCommunicationsOnline -> office_..."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", value.strip()).lower()


def relationship_type(raw: str | None) -> str:
    if raw is None or not raw.strip():
        raise InvalidInput(
            "'relationship_type' is required: IsIndirectCloudSolutionProviderOf or IsIndirectResellerOf."
        )
    found = RELATIONSHIP_TYPES.get(_key(raw))
    if found is None:
        raise UnparsableEnum(
            f"'{raw[:64]}' is not a relationship type (IsIndirectCloudSolutionProviderOf, IsIndirectResellerOf)."
        )
    return found


def _name_filter(raw: str) -> tuple[str, str]:
    """{"Field":"Name","Value":…,"Operator":"starts_with"|"substring"} -> (operator, lower-cased value)."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise InvalidInput('\'filter\' is not JSON; expected {"Field":"Name","Value":…,"Operator":…}.') from None
    if not isinstance(data, dict):
        raise InvalidInput("'filter' must be a JSON object with Field, Value and Operator.")
    lowered = {str(k).lower(): v for k, v in data.items()}
    field, value, operator = lowered.get("field"), lowered.get("value"), lowered.get("operator")
    if not isinstance(field, str) or field.lower() != "name":
        raise InvalidInput("filter 'Field' must be Name (the only field partner relationships support).")
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("filter 'Value' must be a non-empty string.")
    if not isinstance(operator, str) or operator.lower() not in FILTER_OPERATORS:
        raise InvalidInput("filter 'Operator' must be starts_with or substring.")
    return operator.lower(), value.strip().lower()


class Relations(Model):
    customers: Customers

    def bind(self, customers: Customers) -> Relations:
        self.customers = customers
        return self

    # --- partner relationships --------------------------------------------------------------------------------

    def partners(self, raw_type: str | None, raw_filter: str | None = None) -> list[Doc]:
        """GET /v1/relationships: the partner's relationships of the type, optionally filtered by name."""
        kind = relationship_type(raw_type)
        found = [p for p in self.world.partner_relationships if p["relationshipType"] == kind]
        if raw_filter is not None:
            operator, value = _name_filter(raw_filter)
            if operator == "starts_with":
                found = [p for p in found if p["name"].lower().startswith(value)]
            else:
                found = [p for p in found if value in p["name"].lower()]
        return found

    def partner(self, partner_id: str, raw_type: str | None, raw_filter: str | None) -> list[Doc]:
        """GET /v1/relationships/{partner_id}/customer [I]: the relationship with that partner, as a collection."""
        pid = guid(partner_id, "partner id")
        kind = relationship_type(raw_type) if raw_type is not None else None
        found = [p for p in self.world.partner_relationships if p["id"] == pid]
        if kind is not None:
            found = [p for p in found if p["relationshipType"] == kind]
        if raw_filter is not None:
            operator, value = _name_filter(raw_filter)
            name = found[0]["name"].lower() if found else ""
            if not (name.startswith(value) if operator == "starts_with" else value in name):
                found = []
        return found

    def reseller(self, partner_id: str) -> Doc:
        found = self.world.partner_relationships.get(guid(partner_id, "partner id"))
        if found is None or found["relationshipType"] != PROVIDER_OF:
            raise IndirectResellerNotFound(partner_id)
        return found

    def of_customer(self, customer_id: str) -> list[Doc]:
        """GET /v1/customers/{id}/relationships: the indirect resellers the customer is served through."""
        customer = self.customers.get(customer_id)
        served = self.world.reseller_customers.get(customer["id"])
        if served is None:
            return []
        reseller = self.world.partner_relationships.get(served["resellerId"])
        return [reseller] if reseller is not None else []

    def customers_of(self, partner_id: str) -> list[str]:
        """The ids of the customers an indirect reseller serves (the customer list's IndirectReseller filter)."""
        rows = self.world.reseller_customers.group(partner_id.strip().lower())
        return [row["id"] for row in rows if row["id"] in self.world.customers]

    def associate(self, partner_id: str, customer_id: str) -> None:
        """PATCH /v1/relationships/{partner_id}/customer/{customer_id} [I]: the customer is served through that
        indirect reseller from now on (its associatedPartnerId)."""
        reseller = self.reseller(partner_id)
        customer = self.customers.get(customer_id)
        if customer["relationshipToPartner"] == "none":
            raise RelationshipNotFound()
        with self.store.transaction() as tx:
            tx.put("resellerCustomers", {"id": customer["id"], "resellerId": reseller["id"]})

    def remove(self, customer_id: str, *, only: str | None = None) -> Doc:
        """Remove the partner's relationship with the customer (remove-a-reseller-relationship-with-a-customer.md):
        relationshipToPartner becomes "none", its indirect reseller no longer serves it [I]. Refused when there is
        no relationship (of the kind `only`), or while subscriptions are active (they are suspended first [I])."""
        customer = self.customers.get(customer_id)
        current = customer["relationshipToPartner"]
        if current == "none" or (only is not None and current != only):
            raise RelationshipNotFound()
        with self.store.transaction() as tx:
            active = [s["id"] for s in tx.group("subscriptions", customer["id"]) if s["status"] == "active"]
            if active:
                raise ActiveSubscriptions(active)
            latest = tx.get("customers", customer["id"])
            assert latest is not None
            changed = {**latest, "relationshipToPartner": "none"}
            tx.put("customers", changed)
            tx.delete("resellerCustomers", customer["id"])
        return changed

    # --- a customer's profiles -----------------------------------------------------------------------------------

    def update_billing(self, customer_id: str, body: CustomerBillingUpdate, if_match: str | None) -> Doc:
        """update-a-customer-s-billing-profile.md: the full profile; If-Match (or the body's attributes.etag) is
        required and must be the current etag."""
        customer = self.customers.get(customer_id)
        current = customer["billingProfile"]
        if body.id is not None and body.id.lower() != current["id"].lower():
            raise InvalidProperty(f"'Id' {body.id} is not the id of this customer's billing profile.")
        etag = if_match if if_match is not None else (body.attributes.etag if body.attributes else None)
        if etag is None:
            raise InvalidInput("the If-Match header with the billing profile's etag is required.")
        profile: Doc = {
            "id": current["id"],
            "firstName": body.first_name,
            "lastName": body.last_name,
            "email": check_email(body.email, "Email"),
            "culture": check_culture(body.culture, "Culture"),
            "language": check_language(body.language, "Language"),
            "companyName": body.company_name,
            "defaultAddress": address_doc(body.default_address, "DefaultAddress"),
            "etag": "",
        }
        with self.store.transaction() as tx:
            latest = tx.get("customers", customer["id"])
            assert latest is not None
            check_etag(latest["billingProfile"]["etag"], etag)
            profile["etag"] = self.ids.etag()
            changed = {**latest, "billingProfile": profile}
            tx.put("customers", changed)
        return changed

    # --- domains ---------------------------------------------------------------------------------------------------

    def has_domain(self, customer_id: str, domain: str) -> bool:
        customer = self.customers.get(customer_id)
        wanted = domain.strip().lower()
        return any(d.lower() == wanted for d in customer.get("customDomains", ()))

    def domain_available(self, prefix: str) -> bool:
        """GET /v1/validations/checkdomainavailability/{prefix} [I]: whether {prefix}.onmicrosoft.com is free."""
        label = prefix.strip().lower()
        if not LABEL.match(label):
            raise InvalidInput(f"'{prefix[:64]}' is not a domain prefix (letters, digits and hyphens).")
        domain = f"{label}.onmicrosoft.com"
        return not self.customers.in_use(domain) and domain not in self.world.partner.domains

    def add_domain(
        self, customer_id: str, body: VerifiedDomainBody, request_key: str | None, *, path_domain: str | None = None
    ) -> Doc:
        """add-a-verified-domain-for-a-customer.md: the domain joins the customer's customDomains; the answer is
        the Domain resource (201)."""
        customer = self.customers.get(customer_id)
        domain = body.domain
        name = domain.name.strip()
        if body.verified_domain_name.strip().lower() != name.lower():
            raise InvalidProperty(f"'VerifiedDomainName' {body.verified_domain_name[:64]} is not 'Domain.Name' {name}.")
        if path_domain is not None and path_domain.strip().lower() != name.lower():
            raise InvalidProperty(f"the domain of the path, {path_domain[:64]}, is not 'Domain.Name' {name[:64]}.")
        if not DOMAIN.match(name.lower()):
            raise InvalidProperty(f"'Domain.Name' '{name[:64]}' is not a domain name.")
        authentication = _enum(domain.authentication_type, AUTHENTICATION_TYPES, "Domain.AuthenticationType")
        status = _enum(domain.status, DOMAIN_STATUSES, "Domain.Status")
        method = _enum(domain.verification_method, VERIFICATION_METHODS, "Domain.VerificationMethod")
        settings = body.domain_federation_settings
        if authentication == "federated":
            if settings is None:
                raise InvalidProperty("'DomainFederationSettings' is required for a Federated domain.")
            protocol = settings.preferred_authentication_protocol
            _enum(protocol, {p: p for p in PROTOCOLS}, "DomainFederationSettings.PreferredAuthenticationProtocol")
            behavior = settings.prompt_login_behavior
            _enum(behavior, {p: p for p in PROMPT_BEHAVIORS}, "DomainFederationSettings.PromptLoginBehavior")
        answer: Doc = {
            "authenticationType": authentication,
            "capability": _snake(domain.capability),
            "isDefault": bool(domain.is_default),
            "isInitial": bool(domain.is_initial),
            "name": name,
            **({"rootDomain": domain.root_domain} if domain.root_domain else {}),
            "status": status,
            "verificationMethod": method,
        }

        def make(tx: Transaction) -> Doc:
            if self.customers.in_use(name.lower()) or name.lower() in self.world.partner.domains:
                raise InvalidProperty(f"the domain '{name[:256]}' is already in use by a tenant.")
            latest = tx.get("customers", customer["id"])
            assert latest is not None
            tx.put("customers", {**latest, "customDomains": [*latest.get("customDomains", []), name]})
            return answer

        # The check runs under the store's lock and reads the domain index, which the commit updates.
        result: Doc = self.once(request_key, make)
        return result


def _enum(value: str, allowed: dict[str, Any], where: str) -> Any:
    found = allowed.get(_key(value))
    if found is None:
        raise UnparsableEnum(f"'{value[:64]}' is not a value of '{where}'.")
    return found
