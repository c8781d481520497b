"""The partner's own profiles: organization, billing, legal business and support (read, and replaced by their PUTs
through the store's `partnerProfiles` table, so that persistence and reset cover them), and the MPN profile and
lookup (read-only).

Rules [I] (docs/sources/relationships.md): a PUT replaces what the profile's owner may change; ids, the tenant,
the domain, the billing currency and the vetting status stay. An etag sent (If-Match, or attributes.etag in the
body as the documented samples carry it) must be the current one, else 412 (2055); each change draws a new etag.
"""

from __future__ import annotations

from emulator.partner.models.addresses import (
    address_doc,
    check_culture,
    check_email,
    check_etag,
    check_language,
    contact_doc,
)
from emulator.partner.models.base import Doc, Model
from emulator.partner.models.errors import InvalidInput, InvalidProperty, PartnerNotFound, UnparsableEnum
from emulator.partner.schemas.relations import (
    LegalBusinessUpdate,
    OrganizationProfileUpdate,
    PartnerBillingUpdate,
    SupportProfileUpdate,
)

VETTING_VERSIONS = ("current", "lastfinalized")
EDITABLE = ("organization", "billing", "legalbusiness", "support")


class Profiles(Model):
    def get(self, name: str) -> Doc:
        """organization, billing, legalbusiness, support (as the PUTs left them) or mpn."""
        if name in EDITABLE:
            row = self.world.partner_profiles.get(name)
            assert row is not None, name  # built from partner.json, never deleted
            profile: Doc = row["profile"]
            return profile
        return self.world.profiles[name]

    def legal_business(self, vetting_version: str | None) -> Doc:
        if vetting_version is not None and vetting_version.strip().lower() not in VETTING_VERSIONS:
            raise UnparsableEnum(f"'{vetting_version[:32]}' is not a vetting version (Current, LastFinalized).")
        return self.get("legalbusiness")

    def mpn(self, mpn_id: str | None) -> Doc:
        """The partner's own MPN profile, or another partner's by MPN id."""
        if mpn_id is None:
            return self.world.profiles["mpn"]
        if not mpn_id.strip().isdigit():
            raise InvalidInput(f"'mpnId' must be a number, got '{mpn_id[:32]}'.")
        found = self.world.mpn_directory.get(mpn_id.strip())
        if found is None:
            raise PartnerNotFound(mpn_id.strip())
        return found

    # --- the PUTs ---------------------------------------------------------------------------------------------

    def _replace(self, name: str, change: Doc, etag: str | None = None) -> Doc:
        """Store the profile with `change` applied (a new etag where it has one), in one transaction."""
        with self.store.transaction() as tx:
            row = tx.get("partnerProfiles", name)
            assert row is not None, name
            current: Doc = row["profile"]
            if "etag" in current:
                check_etag(current["etag"], etag)
            updated = {**current, **change}
            if "etag" in current:
                updated["etag"] = self.ids.etag()
            tx.put("partnerProfiles", {"id": name, "profile": updated})
        return updated

    def update_organization(self, body: OrganizationProfileUpdate, if_match: str | None) -> Doc:
        """update-an-organization-profile.md: company name, address, email, language and culture."""
        change = {
            "companyName": body.company_name,
            "email": check_email(body.email, "email"),
            "language": check_language(body.language, "language"),
            "culture": check_culture(body.culture, "culture"),
            "defaultAddress": address_doc(body.default_address, "defaultAddress"),
        }
        etag = if_match if if_match is not None else (body.attributes.etag if body.attributes else None)
        return self._replace("organization", change, etag)

    def update_billing(self, body: PartnerBillingUpdate, if_match: str | None) -> Doc:
        """update-partner-billing-profile.md: company name, address, contact, purchase order number, tax id."""
        current = self.get("billing")
        if body.billing_currency is not None and body.billing_currency.upper() != current["billingCurrency"]:
            raise InvalidProperty(
                f"'BillingCurrency' is the market's ({current['billingCurrency']}) and cannot be changed, "
                f"got '{body.billing_currency}'."
            )
        change: Doc = {"companyName": body.company_name, "address": address_doc(body.address, "Address")}
        if body.primary_contact is not None:
            change["primaryContact"] = contact_doc(body.primary_contact, "PrimaryContact")
        if body.purchase_order_number is not None:
            change["purchaseOrderNumber"] = body.purchase_order_number
        if body.tax_id is not None:
            change["taxId"] = body.tax_id
        etag = if_match if if_match is not None else (body.attributes.etag if body.attributes else None)
        return self._replace("billing", change, etag)

    def update_legal_business(self, body: LegalBusinessUpdate) -> Doc:
        """update-legal-business-profile.md: the vetting status and sub-status are Microsoft's and stay."""
        change: Doc = {
            "companyName": body.company_name,
            "address": address_doc(body.address, "Address"),
            "primaryContact": contact_doc(body.primary_contact, "PrimaryContact"),
        }
        if body.company_approver_address is not None:
            change["companyApproverAddress"] = address_doc(body.company_approver_address, "CompanyApproverAddress")
        if body.company_approver_email is not None:
            change["companyApproverEmail"] = check_email(body.company_approver_email, "CompanyApproverEmail")
        return self._replace("legalbusiness", change)

    def update_support(self, body: SupportProfileUpdate) -> Doc:
        """update-support-profile.md: email, telephone and website."""
        change = {"email": check_email(body.email, "Email"), "telephone": body.telephone, "website": body.website}
        return self._replace("support", change)
