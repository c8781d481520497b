"""The roles the emulator knows: the directory roles a customer's users can hold, and the partner's own roles.

Customer directory roles are Microsoft Entra built-in roles, identified by their template ids, which are the same
in every tenant: the ids and names below are Entra's built-in roles reference (MicrosoftDocs/entra-docs,
docs/identity/role-based-access-control/permissions-reference.md). Partner Center's own samples use these ids
(get-user-roles-for-a-customer.md: 729827e3-… Helpdesk Administrator, fe930be7-…; set-user-roles-for-a-customer.md:
f023fd81-…). Which of Entra's roles Partner Center lists for customers is not documented: the common administrator
roles below are a choice [I].

The partner's roles (GET /v1/roles) are those of Partner Center's roles-and-permissions page
(learn.microsoft.com/partner-center/account-settings/permissions-overview): names as written there. The three that
are Entra roles of the partner tenant (Global admin, User management admin, Billing admin) carry their Entra
template ids; the others' ids are the emulator's own (uuid5, as generate.py derives ids) [I], and so are the
categories [I]: Partner Center documents neither.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DirectoryRole:
    id: str
    name: str


@dataclass(frozen=True)
class PartnerRole:
    id: str
    name: str
    category: str


GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10"
USER_ADMINISTRATOR = "fe930be7-5e62-47db-91af-98c3a49a38b1"
HELPDESK_ADMINISTRATOR = "729827e3-9c14-49f7-bb1b-9608f156bbb8"
BILLING_ADMINISTRATOR = "b0f54661-2d74-4c50-afa3-1ec803f12efe"

# In the order of Entra's reference (alphabetical).
DIRECTORY_ROLES: tuple[DirectoryRole, ...] = (
    DirectoryRole(BILLING_ADMINISTRATOR, "Billing Administrator"),
    DirectoryRole("88d8e3e3-8f55-4a1e-953a-9b9898b8876b", "Directory Readers"),
    DirectoryRole("29232cdf-9323-42fd-ade2-1d097af3e4de", "Exchange Administrator"),
    DirectoryRole(GLOBAL_ADMINISTRATOR, "Global Administrator"),
    DirectoryRole("f2ef992c-3afb-46b9-b7cf-a126ee74c451", "Global Reader"),
    DirectoryRole(HELPDESK_ADMINISTRATOR, "Helpdesk Administrator"),
    DirectoryRole("4d6ac14f-3453-41d0-bef9-a3e0c569773a", "License Administrator"),
    DirectoryRole("966707d0-3269-4727-9be2-8c3a10f19b9d", "Password Administrator"),
    DirectoryRole("e8611ab8-c189-46e8-94e1-60213ab1f814", "Privileged Role Administrator"),
    DirectoryRole("194ae4cb-b126-40b2-bd5b-6091b380977d", "Security Administrator"),
    DirectoryRole("f023fd81-a637-4b56-95fd-791ac0226033", "Service Support Administrator"),
    DirectoryRole("f28a1f50-f6e7-4571-818b-6a12f2af6b6c", "SharePoint Administrator"),
    DirectoryRole("69091246-20e8-4a56-aa4d-066075b2a7a8", "Teams Administrator"),
    DirectoryRole(USER_ADMINISTRATOR, "User Administrator"),
)
DIRECTORY_ROLE_BY_ID = {r.id: r for r in DIRECTORY_ROLES}

ADMIN_AGENT = "5fb78966-72a3-5701-8b9b-2b08f7ed1c32"
SALES_AGENT = "a55231d2-f446-501a-b3e6-be4ac76b52d9"
HELPDESK_AGENT = "2a334131-0e0c-5dee-bfaf-804d3261fe18"

# Categories [I]: "Tenant" (Entra tenant roles), "CSP" (the CSP program's roles), "Company" (non-Entra roles).
PARTNER_ROLES: tuple[PartnerRole, ...] = (
    PartnerRole(GLOBAL_ADMINISTRATOR, "Global admin", "Tenant"),
    PartnerRole(USER_ADMINISTRATOR, "User management admin", "Tenant"),
    PartnerRole(ADMIN_AGENT, "Admin agent", "CSP"),
    PartnerRole(SALES_AGENT, "Sales agent", "CSP"),
    PartnerRole(HELPDESK_AGENT, "Helpdesk agent", "CSP"),
    PartnerRole(BILLING_ADMINISTRATOR, "Billing admin", "CSP"),
    PartnerRole("35b087e9-f652-5699-a403-eac56c280ab0", "Account admin", "Company"),
    PartnerRole("1bb8ecaa-bf24-5f3f-aea9-38b24307c6da", "Microsoft AI Cloud Partner Program partner admin", "Company"),
    PartnerRole("07aca951-1118-51eb-86d4-71e4e701d6da", "Referrals admin", "Company"),
    PartnerRole("52f5d25c-c785-56cc-a885-1d24991b0464", "Incentive admin", "Company"),
)
PARTNER_ROLE_BY_ID = {r.id: r for r in PARTNER_ROLES}


def member_key(tenant_id: str, role_id: str, member_id: str) -> str:
    """A membership's id in the roleMembers table: tenant (customer or partner), role and user, lower-cased."""
    return f"{tenant_id}:{role_id}:{member_id}".lower()
