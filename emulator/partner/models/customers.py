"""Customers: lookup, pages, prefix search, creation (with the admin user) and deletion (sandbox only)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from emulator.partner.models.base import Doc, Model, guid
from emulator.partner.models.errors import CustomerNotFound, InvalidProperty, NotInSandbox
from emulator.partner.schemas.requests import CustomerCreate
from emulator.roles import GLOBAL_ADMINISTRATOR, member_key
from emulator.store import Transaction

DOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$")
CULTURE = re.compile(r"^[a-z]{2,3}-[a-z]{2,4}$", re.IGNORECASE)
# Deleting a customer deletes what belongs to it.
OWNED_TABLES = (
    "subscriptions", "orders", "customerUsers", "consents", "agreements", "carts", "transitions", "migrations",
    "roleMembers",
    "supportContacts", "registrations",
    "devicePolicies", "deviceBatches", "devices", "deviceJobs",
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

    def starting_with(self, field: str, prefix: str) -> list[str]:
        """The ids of the customers whose company profile `field` (companyName or domain) starts with `prefix`
        (lower-case), ignoring case, through the table's index."""
        return self.world.customers.starting_with(field, prefix)

    def of_ids(self, ids: list[str]) -> list[Doc]:
        found = (self.world.customers.get(i) for i in ids)
        return [c for c in found if c is not None]

    def in_use(self, domain: str) -> bool:
        """Whether a customer has this (lower-cased) domain: an index lookup, not a scan of every customer."""
        return self.world.customers.find("domains", domain) is not None

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
            if self.in_use(domain):
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
            # The admin created with the tenant is its Global Administrator (emulator.roles).
            key = member_key(customer_id, GLOBAL_ADMINISTRATOR, admin["id"])
            tx.put(
                "roleMembers",
                {"id": key, "roleId": GLOBAL_ADMINISTRATOR, "memberId": admin["id"], "_tenantId": customer_id},
            )
            return CreatedCustomer(customer, self.ids.password())

        # The check above runs under the store's lock: a concurrent creation of the same domain has committed
        # (and is in the index) or waits.
        return self.once(request_key, make)

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
