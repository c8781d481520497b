"""Customers: lookup, pages, prefix search, creation (with the admin user) and deletion (sandbox only)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from emulator.partner.models.base import Doc, Model, guid
from emulator.partner.models.errors import CustomerNotFound, InvalidProperty, NotInSandbox
from emulator.partner.schemas.requests import CustomerCreate
from emulator.store import Transaction

DOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$")
CULTURE = re.compile(r"^[a-z]{2,3}-[a-z]{2,4}$", re.IGNORECASE)
# Deleting a customer deletes what belongs to it.
OWNED_TABLES = (
    "subscriptions", "orders", "customerUsers", "consents", "agreements", "carts", "transitions", "migrations",
)  # fmt: skip


@dataclass(frozen=True)
class CreatedCustomer:
    """A new customer and what only the answer to its creation shows: the admin's one-time password."""

    customer: Doc
    password: str


class Customers(Model):
    def get(self, customer_id: str) -> Doc:
        customer = self.world.customers.get(guid(customer_id, "customer id"))
        if customer is None:
            raise CustomerNotFound(customer_id)
        return customer

    def count(self) -> int:
        return len(self.world.customers)

    def page(self, offset: int, size: int) -> list[Doc]:
        return self.world.customers.page(offset, size)

    def starting_with(self, field: str, prefix: str) -> list[Doc]:
        """Customers whose company profile `field` starts with `prefix` (lower-case), ignoring case."""
        return [c for c in self.world.customers if c["companyProfile"][field].lower().startswith(prefix)]

    _domains: set[str] | None = None  # the domains in use, built on first need (a scan per creation was O(n))

    def domains(self) -> set[str]:
        """Every customer's initial domain and verified (custom) domains, lower-cased."""
        if self._domains is None:
            domains = {c["companyProfile"]["domain"].lower() for c in self.world.customers}
            domains.update(d.lower() for c in self.world.customers for d in c.get("customDomains", ()))
            self._domains = domains
        return self._domains

    def forget(self) -> None:
        """After a reset: the index is built again from the fixtures when next needed."""
        self._domains = None

    def create(self, spec: CustomerCreate, *, request_key: str | None = None) -> CreatedCustomer:
        domain = spec.company_profile.domain.lower()
        if not DOMAIN.match(domain):
            raise InvalidProperty(
                f"'CompanyProfile.Domain' '{domain[:64]}' is not a domain name (for example x.onmicrosoft.com)."
            )
        billing = spec.billing_profile
        email = billing.email
        if "@" not in email or email.startswith("@") or email.endswith("@"):
            raise InvalidProperty(f"'BillingProfile.Email' '{email[:64]}' is not an email address.")
        if not CULTURE.match(billing.culture):
            raise InvalidProperty(f"'BillingProfile.Culture' '{billing.culture[:16]}' is not a culture such as en-US.")
        address = billing.default_address
        country = address.country.upper()
        if not (len(country) == 2 and country.isalpha()):
            raise InvalidProperty(
                f"'BillingProfile.DefaultAddress.Country' '{country}' is not a two-letter country code."
            )

        def make(tx: Transaction) -> CreatedCustomer:
            if domain in self.domains():
                raise InvalidProperty(f"the domain '{domain}' is already in use by another tenant.")
            customer_id = self.ids.guid()
            # The documented samples: the billing address names the state and the contact, the company's the region.
            state = address.state
            street = {"addressLine1": address.address_line1, "postalCode": address.postal_code}
            phone = {"phoneNumber": address.phone_number or ""}
            contact = {"firstName": address.first_name, "lastName": address.last_name}
            billing_address: Doc = {
                "country": country,
                "city": address.city,
                **({"state": state} if state else {}),
                **street,
                **contact,
                **phone,
            }
            company_address: Doc = {
                "country": country,
                **({"region": state} if state else {}),
                "city": address.city,
                **street,
                **phone,
            }
            etag = self.ids.etag()
            language, _, region = billing.culture.partition("-")
            billing_profile: Doc = {
                "id": self.ids.guid(),
                "firstName": address.first_name,
                "lastName": address.last_name,
                "email": email,
                "culture": f"{language.lower()}-{region.upper()}",
                "language": billing.language.lower(),
                "companyName": billing.company_name,
                "defaultAddress": billing_address,
                "etag": etag,
            }
            customer: Doc = {
                "id": customer_id,
                "commerceId": self.ids.guid(),
                "companyProfile": {
                    "tenantId": customer_id,
                    "domain": domain,
                    "companyName": billing.company_name,
                    "address": company_address,
                    "email": email,
                },
                "billingProfile": billing_profile,
                "relationshipToPartner": "reseller",
                "allowDelegatedAccess": True,
                "customDomains": [domain],
            }
            admin: Doc = {
                "id": self.ids.guid(),
                "userPrincipalName": f"admin@{domain}",
                "firstName": address.first_name,
                "lastName": address.last_name,
                "displayName": f"{billing.company_name} admin",
                "userDomainType": "none",
                "state": "active",
                "_customerId": customer_id,
            }
            tx.put("customers", customer)
            tx.put("customerUsers", admin)
            created = CreatedCustomer(customer, self.ids.password())
            self.domains().add(domain)  # under the store's lock: a concurrent creation sees it
            return created

        try:
            return self.once(request_key, make)
        except Exception:
            self.forget()  # the commit may have failed after the domain was noted: rebuild from the tables
            raise

    def delete(self, customer_id: str) -> None:
        customer = self.get(customer_id)
        if not self.world.integration_sandbox:
            raise NotInSandbox()
        with self.store.transaction() as tx:
            cid = customer["id"]
            for table in OWNED_TABLES:
                for doc in tx.group(table, cid):
                    tx.delete(table, doc["id"])
            tx.delete("customers", cid)
            tx.delete("resellerCustomers", cid)  # served through an indirect reseller: no longer
        self.forget()
