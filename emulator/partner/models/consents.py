"""Application consents (Control Panel Vendor / Secure Application Model): grant an app in a customer, remove it."""

from __future__ import annotations

from emulator.partner.models.base import Doc, Model, guid
from emulator.partner.models.errors import ConsentExists, ConsentNotFound
from emulator.partner.schemas.requests import ApplicationConsentCreate
from emulator.store import Transaction


class Consents(Model):
    def grant(self, customer: Doc, spec: ApplicationConsentCreate, *, request_key: str | None = None) -> Doc:
        app_id = spec.application_id.lower()
        grants = []
        for grant in spec.application_grants:
            grants.append({"enterpriseApplicationId": grant.enterprise_application_id.lower(), "scope": grant.scope})

        def make(tx: Transaction) -> Doc:
            key = f"{customer['id']}:{app_id}"
            if tx.get("consents", key) is not None:
                raise ConsentExists(app_id)
            consent = {
                "id": key,
                "displayName": spec.display_name or app_id,
                "applicationId": app_id,
                "applicationGrants": grants,
                "_customerId": customer["id"],
            }
            tx.put("consents", consent)
            return consent

        return self.once(request_key, make)

    def remove(self, customer: Doc, application_id: str) -> None:
        app_id = guid(application_id, "application id")
        with self.store.transaction() as tx:
            if not tx.delete("consents", f"{customer['id']}:{app_id}"):
                raise ConsentNotFound(app_id)
