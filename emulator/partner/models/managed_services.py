"""A customer's managed services (get-the-managed-services-for-a-customer-by-id.md): "links to all of the customer's
subscriptions for which you have delegated admin privileges", derived from the services the customer's active
subscriptions include (their license SKUs' service plans, as subscribedskus derives them).

The documented sample lists Exchange and MicrosoftCommunicationsOnline (name SkypeforBusiness), both in the group
Office, with admin links to portal.office.com/Partner/BeginClientSession.aspx. Which service plans make which
managed service, and the SharePoint entry, are inferred [I]: EXCHANGE_* plans make Exchange, MCO* plans (Microsoft
Communications Online) make MicrosoftCommunicationsOnline, SHAREPOINT* plans make SharePoint. A customer that has not
granted delegated admin privileges has none.
"""

from __future__ import annotations

from dataclasses import dataclass

from emulator.partner.models.base import Doc, Model
from emulator.partner.models.licenses import Licenses


@dataclass(frozen=True)
class ManagedService:
    id: str
    name: str
    group_name: str
    plan_prefixes: tuple[str, ...]


SERVICES = (
    ManagedService("Exchange", "Exchange", "Office", ("EXCHANGE_",)),
    ManagedService("MicrosoftCommunicationsOnline", "SkypeforBusiness", "Office", ("MCO",)),
    ManagedService("SharePoint", "SharePoint", "Office", ("SHAREPOINT",)),  # [I] not in the documented sample
)
PORTAL = "https://portal.office.com/Partner/BeginClientSession.aspx"


class ManagedServices(Model):
    licenses: Licenses

    def bind(self, licenses: Licenses) -> ManagedServices:
        self.licenses = licenses
        return self

    def of(self, customer: Doc) -> list[ManagedService]:
        if not customer.get("allowDelegatedAccess", False):
            return []
        plans = {
            plan.name
            for subscribed in self.licenses.subscribed(customer)
            if subscribed.active > 0
            for plan in subscribed.sku.plans
        }
        return [s for s in SERVICES if any(p.startswith(s.plan_prefixes) for p in plans)]

    @staticmethod
    def links(customer: Doc, service: ManagedService) -> dict[str, str]:
        """The three portal links of the documented sample, <ctid> and <domain> filled in: the customer's tenant id,
        its initial (onmicrosoft.com) domain and its primary domain [I: which domain is which]."""
        ctid = customer["id"]
        primary = customer["companyProfile"]["domain"]
        initial = next((d for d in customer.get("customDomains", ()) if d.endswith(".onmicrosoft.com")), primary)
        return {
            "adminService": f"{PORTAL}?CTID={ctid}&CSDEST={service.id}&InitialDomain={initial}&PrimaryDomain={primary}",
            "serviceHealth": f"{PORTAL}?CTID={ctid}&CSDEST=ServiceStatus",
            "serviceTicket": f"{PORTAL}?CTID={ctid}&CSDEST=Support",
        }
