"""Agreements: Partner Center's agreement templates, and the partner's confirmations that a customer accepted the
Microsoft Customer Agreement (which New Commerce purchases need). Facts: new-commerce-facts.md §4."""

from __future__ import annotations

from emulator.partner.models.base import Doc, Model
from emulator.partner.models.errors import AgreementExists, InvalidInput
from emulator.partner.schemas.requests import AgreementCreate
from emulator.store import Transaction

MCA = "MicrosoftCustomerAgreement"
MCA_TEMPLATE = "117a77b0-9360-443b-8795-c6dedc750cf9"
TEMPLATES: tuple[Doc, ...] = (
    {"templateId": MCA_TEMPLATE, "agreementType": MCA, "agreementLink": "https://aka.ms/customeragreement"},
    {
        "templateId": "998b88de-aa99-4388-a42c-1b3517d49490",
        "agreementType": "MicrosoftCloudAgreement",
        "agreementLink": "https://aka.ms/microsoftcloudagreement",  # [I] the link; the template id is documented
    },
)
_TYPES: dict[str, str] = {t["agreementType"].lower(): t["agreementType"] for t in TEMPLATES}


def agreement_type(value: str | None) -> str | None:
    """The type a query names (case-insensitive), None for All or none given."""
    if value is None or not value.strip() or value.strip().lower() == "all":
        return None
    name = _TYPES.get(value.strip().lower())
    if name is None:
        raise InvalidInput(f"'agreementType' must be {', '.join(_TYPES.values())} or All, got '{value[:64]}'.")
    return name


class Agreements(Model):
    def templates(self, kind: str | None) -> list[Doc]:
        return [{**t, "versionRank": 0} for t in TEMPLATES if kind is None or t["agreementType"] == kind]

    def of(self, customer: Doc, kind: str | None = None) -> list[Doc]:
        return [a for a in self.world.agreements.group(customer["id"]) if kind in (None, a["type"])]

    def accepted(self, customer: Doc) -> bool:
        """Whether a purchase may go ahead: the partner confirmed the customer's acceptance of the MCA."""
        return bool(self.of(customer, MCA))

    def confirm(self, customer: Doc, spec: AgreementCreate, user_id: str, *, request_key: str | None = None) -> Doc:
        template = spec.template_id.lower()
        kind = _TYPES.get(spec.type.lower())
        if kind is None:
            raise InvalidInput(f"'type' must be {MCA}, got '{spec.type[:64]}'.")
        if not any(t["templateId"] == template and t["agreementType"] == kind for t in TEMPLATES):
            raise InvalidInput(f"'templateId' {template} is not the template of a {kind}.")
        contact = spec.primary_contact
        shown = {"firstName": contact.first_name, "lastName": contact.last_name, "email": contact.email}
        if contact.phone_number is not None:
            shown["phoneNumber"] = contact.phone_number

        def make(tx: Transaction) -> Doc:
            for existing in tx.group("agreements", customer["id"]):
                same = existing["primaryContact"]["email"].lower() == contact.email.lower()
                if existing["type"] == kind and same:
                    raise AgreementExists()
            agreement: Doc = {
                "id": f"{customer['id']}:{kind}:{contact.email.lower()}",  # the store's key only
                "primaryContact": shown,
                "templateId": template,
                "dateAgreed": spec.date_agreed,
                "type": kind,
                "agreementLink": next(t["agreementLink"] for t in TEMPLATES if t["agreementType"] == kind),
                "userId": user_id,
                "_customerId": customer["id"],
            }
            tx.put("agreements", agreement)
            return agreement

        return self.once(request_key, make)
