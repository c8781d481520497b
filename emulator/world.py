"""The world the emulator serves: tenants, apps, users and customers, loaded from JSON fixtures and validated."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import emulator
from emulator import records
from emulator.jsonfiles import JsonFileError, read_json
from emulator.roles import DIRECTORY_ROLE_BY_ID, PARTNER_ROLE_BY_ID, member_key
from emulator.store import Doc, Store, Table
from emulator.trail import TABLE as AUDIT_TABLE
from emulator.trail import AuditTable
from emulator.worldfile import WORLD_FILE, Spec, WorldFile, WorldFileError

if TYPE_CHECKING:  # imported where apps are loaded: the world generator needs neither (cryptography, starlette)
    from emulator.appcerts import AppCertificate
    from emulator.identity.federation import FederatedCredential

PARTNER_FILE = "partner.json"
APPS_FILE = "apps.json"
USERS_FILE = "users.json"
CUSTOMERS_FILE = "customers.json"
SUBSCRIPTIONS_FILE = "subscriptions.json"
ORDERS_FILE = "orders.json"
CUSTOMER_USERS_FILE = "customer-users.json"
INVOICES_FILE = "invoices.json"
OFFERS_FILE = "offers.json"
CONSENTS_FILE = "consents.json"
USAGE_BUDGETS_FILE = "usage-budgets.json"  # optional: worlds written before it load with no budgets
RELATIONSHIPS_FILE = "relationships.json"  # optional: a missing file is no indirect resellers
DEVICES_FILE = "devices.json"  # optional: Windows Autopilot policies, device batches and devices (issue 15)
SYNDICATION_FILE = "syndication.json"  # optional: syndication customers that may migrate to CSP (issue 15)
CATALOG_PREFERENCES_FILE = "catalog-preferences.json"  # optional: older fixture directories have none
ROLE_MEMBERS_FILE = "role-members.json"  # optional: a world without it has no role members


def _owner(doc: Doc) -> str:
    return str(doc["_customerId"])


def _domains(doc: Doc) -> tuple[str, ...]:
    """Every domain a customer holds, initial and verified, once each (map loops in C: a large world's rows)."""
    initial = str(doc["companyProfile"]["domain"]).lower()
    verified = doc.get("customDomains")
    return tuple({initial, *map(str.lower, map(str, verified))}) if verified else (initial,)


# How each fixture table is grouped and indexed, in memory and in a world file. Unique keys have indexes: a
# customer's domains, initial and verified (checked at every creation), and a user's principal name; the company
# name serves the documented prefix filter. A world file's second part (file) holds the tables marked part=2: about
# half of the index building.
SPECS: dict[str, Spec] = {
    "customers": Spec(
        indexes={
            # every domain a customer holds, initial and verified: none may be another's
            "domains": _domains,
            # the documented filter's fields: the company profile's domain and name
            "domain": lambda d: (str(d["companyProfile"]["domain"]).lower(),),
            "companyName": lambda d: (str(d["companyProfile"]["companyName"]).lower(),),
        }
    ),
    "subscriptions": Spec(_owner),
    "orders": Spec(lambda d: str(d["referenceCustomerId"])),
    "customerUsers": Spec(_owner, {"upn": lambda d: (str(d["userPrincipalName"]).lower(),)}, part=2),
    "invoices": Spec(),
    "consents": Spec(_owner, part=2),
    "roleMembers": Spec(lambda d: str(d["_tenantId"]), part=2),
    "devicePolicies": Spec(_owner),
    "deviceBatches": Spec(_owner),
    "devices": Spec(_owner),
    # by customer id: the customers a reseller serves
    "resellerCustomers": Spec(lambda d: str(d["resellerId"]), part=2),
    "usageBudgets": Spec(part=2),  # by customer id
    "serviceRequests": Spec(lambda d: str(d.get("_customerId", "")), part=2),  # the partner's own: group ""
}


def table(name: str, rows: list[Doc] | None = None, file: WorldFile | None = None) -> Table:
    spec = SPECS[name]
    base = file.base(name, spec.indexes) if file is not None else None
    return Table(rows or (), group_of=spec.group_of, indexes=spec.indexes, base=base)


SERVICE_REQUESTS_FILE = "service-requests.json"  # optional (issue 15): a missing file is an empty list
SERVICE_INCIDENTS_FILE = "service-incidents.json"  # optional (issue 15)


class WorldError(Exception):
    """A fixture file is missing or malformed; the message names the file and the field."""


def fixtures_root() -> Path:
    """Fixtures packaged into the wheel, else the source tree's `fixtures/` (editable installs, a clone)."""
    packaged = Path(emulator.__file__).parent / "_fixtures"
    return packaged if packaged.is_dir() else Path(emulator.__file__).parent.parent / "fixtures"


def default_world_dir() -> Path:
    return fixtures_root() / "default"


@dataclass(frozen=True)
class Tenant:
    id: str
    domain: str
    display_name: str
    domains: tuple[str, ...]


@dataclass(frozen=True)
class App:
    client_id: str
    display_name: str
    confidential: bool
    secret: str | None
    redirect_uris: tuple[str, ...]
    roles: tuple[str, ...]
    # Entra adds `idtyp: app` only when the app registration asks for that optional claim.
    idtyp_claim: bool
    # Users of the partner tenant may use the app (admin consent granted); False: AADSTS65001 until consent.
    consented: bool = True
    certificates: tuple[AppCertificate, ...] = ()  # keyCredentials from the fixtures
    public_client_flows: bool = False  # "Allow public client flows" (isFallbackPublicClient)
    federated: tuple[FederatedCredential, ...] = ()  # federatedIdentityCredentials from the fixtures


@dataclass(frozen=True)
class User:
    object_id: str
    upn: str
    display_name: str
    given_name: str
    surname: str
    password: str
    tenant_id: str
    mfa_registered: bool
    mfa_required: bool
    description: str

    @property
    def default_amr(self) -> list[str]:
        """What an interactive sign-in of this user proves: MFA where registered, a password otherwise."""
        return ["pwd", "mfa"] if self.mfa_registered else ["pwd"]


@dataclass
class World:
    """Identity data (tenant, apps, users) is fixed; Partner Center data lives in overlay tables that reset."""

    partner: Tenant
    profiles: dict[str, dict[str, Any]]  # organization, billing, legalbusiness, support, mpn
    mpn_directory: dict[str, dict[str, Any]]  # other partners' MPN profiles, for ?mpnId= lookups
    integration_sandbox: bool
    apps: dict[str, App]
    users: dict[str, User]  # by lower-cased UPN
    customers: Table
    subscriptions: Table  # grouped by customer
    orders: Table  # grouped by customer
    customer_users: Table  # grouped by customer
    invoices: Table
    consents: Table  # grouped by customer
    offers: dict[str, dict[str, Any]]  # by upper-case id, catalogue order
    source: Path
    # Customers' Azure spending budgets, by customer id (usage-budgets.json; update-customer-usage-spending-budget).
    usage_budgets: Table = field(default_factory=lambda: Table(()))
    # Apps consented to at run time, through the consent step of an interactive sign-in.
    granted: set[str] = field(default_factory=set)
    # New Commerce state that fixtures do not hold: confirmed customer agreements and carts, by customer.
    agreements: Table = field(default_factory=lambda: Table((), group_of=lambda d: d["_customerId"]))
    carts: Table = field(default_factory=lambda: Table((), group_of=lambda d: d["_customerId"]))
    transitions: Table = field(default_factory=lambda: Table((), group_of=lambda d: d["_customerId"]))
    migrations: Table = field(default_factory=lambda: Table((), group_of=lambda d: d["_customerId"]))
    # Who holds which role: customers' directory roles and the partner's roles, grouped by tenant (emulator.roles).
    role_members: Table = field(default_factory=lambda: Table((), group_of=lambda d: d["_tenantId"]))
    # Legacy offers' state (issue 15): the partner's preferred offers (one document, id "offers"), and by
    # subscription its support contact and its Azure reservation registration.
    catalog_preferences: Table = field(default_factory=lambda: Table(()))
    support_contacts: Table = field(default_factory=lambda: Table((), group_of=lambda d: d["_customerId"]))
    registrations: Table = field(default_factory=lambda: Table((), group_of=lambda d: d["_customerId"]))
    # Device deployment, managed by customer; insider programs; notification preferences, by partner user;
    # syndication customers and their migrations to CSP (issue 15: devices.json and syndication.json, optional).
    device_policies: Table = field(default_factory=lambda: Table((), group_of=lambda d: d["_customerId"]))
    device_batches: Table = field(default_factory=lambda: Table((), group_of=lambda d: d["_customerId"]))
    devices: Table = field(default_factory=lambda: Table((), group_of=lambda d: d["_customerId"]))
    device_jobs: Table = field(default_factory=lambda: Table((), group_of=lambda d: d["_customerId"]))
    insider_programs: Table = field(default_factory=lambda: Table(()))
    notification_preferences: Table = field(default_factory=lambda: Table((), group_of=lambda d: d["_userId"]))
    syndication_customers: Table = field(default_factory=lambda: Table(()))
    syndication_migrations: Table = field(default_factory=lambda: Table(()))
    # Certificates and federated credentials registered through the control API, by client id: a reset removes them.
    registered: dict[str, list[AppCertificate]] = field(default_factory=dict)
    registered_federated: dict[str, list[FederatedCredential]] = field(default_factory=dict)
    # Relationships and the partner's profiles (issue 15): indirect resellers, the customers each one serves (by
    # customer id), and the profiles as the PUTs leave them ({"id": name, "profile": {...}}, built from `profiles`).
    partner_relationships: Table = field(default_factory=lambda: Table(()))
    reseller_customers: Table = field(default_factory=lambda: Table(()))  # by customer id (a row's reseller changes)
    partner_profiles: Table = field(init=False)
    # Service requests (the partner's own: group ""; a customer's: its id), Office service incidents (read-only,
    # each with the customers it affects) and the audit trail (issue 15).
    service_requests: Table = field(default_factory=lambda: Table((), group_of=lambda d: d.get("_customerId", "")))
    service_incidents: list[dict[str, Any]] = field(default_factory=list)
    audit_records: AuditTable = field(default_factory=AuditTable)
    # The tables above, changed only through the store's transactions (by the Partner Center models).
    store: Store = field(init=False)

    def __post_init__(self) -> None:
        editable = ("organization", "billing", "legalbusiness", "support")
        self.partner_profiles = Table({"id": name, "profile": self.profiles[name]} for name in editable)
        self.store = Store(self.tables())

    def consented(self, app: App) -> bool:
        return app.consented or app.client_id in self.granted

    @property
    def tenants(self) -> dict[str, Tenant]:
        return {self.partner.id: self.partner}

    @property
    def organization(self) -> dict[str, Any]:
        return self.profiles["organization"]

    def tenant(self, name: str) -> Tenant | None:
        """A tenant by id or any of its verified domains (case-insensitive), as Entra resolves the path."""
        lowered = name.lower()
        for tenant in self.tenants.values():
            if lowered == tenant.id or lowered in tenant.domains:
                return tenant
        return None

    def user(self, upn: str) -> User | None:
        return self.users.get(upn.lower())

    def user_by_oid(self, oid: str) -> User | None:
        for user in self.users.values():
            if user.object_id == oid:
                return user
        return None

    def tables(self) -> dict[str, Table]:
        return {
            "customers": self.customers,
            "subscriptions": self.subscriptions,
            "orders": self.orders,
            "customerUsers": self.customer_users,
            "invoices": self.invoices,
            "consents": self.consents,
            "agreements": self.agreements,
            "carts": self.carts,
            "transitions": self.transitions,
            "migrations": self.migrations,
            "roleMembers": self.role_members,
            "catalogPreferences": self.catalog_preferences,
            "supportContacts": self.support_contacts,
            "registrations": self.registrations,
            "devicePolicies": self.device_policies,
            "deviceBatches": self.device_batches,
            "devices": self.devices,
            "deviceJobs": self.device_jobs,
            "insiderPrograms": self.insider_programs,
            "notificationPreferences": self.notification_preferences,
            "syndicationCustomers": self.syndication_customers,
            "syndicationMigrations": self.syndication_migrations,
            "partnerRelationships": self.partner_relationships,
            "resellerCustomers": self.reseller_customers,
            "partnerProfiles": self.partner_profiles,
            "usageBudgets": self.usage_budgets,
            "serviceRequests": self.service_requests,
            AUDIT_TABLE: self.audit_records,
        }

    def reset(self) -> None:
        self.store.reset()
        self.granted.clear()
        self.registered.clear()
        self.registered_federated.clear()

    def federated(self, app: App) -> tuple[FederatedCredential, ...]:
        return app.federated + tuple(self.registered_federated.get(app.client_id, ()))

    def certificates(self, app: App) -> tuple[AppCertificate, ...]:
        """The app's certificates: from the fixtures and the state directory, then those registered at run time."""
        return app.certificates + tuple(self.registered.get(app.client_id, ()))

    def add_certificates(self, client_id: str, certificates: list[AppCertificate]) -> None:
        """Certificates that belong to the world (the state directory's registrations): kept across resets."""
        app = self.apps[client_id]
        self.apps[client_id] = replace(app, certificates=app.certificates + tuple(certificates))


# --- loading and validation -------------------------------------------------------------------------------


def is_guid(value: str) -> bool:
    parts = value.split("-")
    return [len(p) for p in parts] == [8, 4, 4, 4, 12] and all(c in "0123456789abcdefABCDEF" for p in parts for c in p)


def _read(directory: Path, name: str) -> Any:
    path = directory / name
    try:
        return read_json(path, what="fixture file")
    except JsonFileError as exc:
        raise WorldError(str(exc)) from None


class _File:
    """One fixture file: its records checked against their typed definition, errors naming file and field."""

    def __init__(self, directory: Path, name: str) -> None:
        self.name, self.path = name, str(directory / name)
        self.data = _read(directory, name)

    def error(self, where: str, message: str) -> WorldError:
        return WorldError(f"{self.path}: {where}: {message}")

    def whole(self, kind: type[R]) -> R:
        try:
            result: R = records.check(self.data, kind, "$")
        except records.RecordError as exc:
            raise self.error(exc.where, exc.message) from None
        return result

    def rows(self, key: str, kind: type[R]) -> list[tuple[dict[str, Any], R]]:
        """The list under `key`, each row with its typed record; no id repeated (ignoring case)."""
        if not isinstance(self.data, dict) or not isinstance(self.data.get(key), list):
            raise WorldError(f"{self.path}: expected an object with a list '{key}'")
        raw: list[Any] = self.data[key]
        try:
            typed: list[R] = records.check(raw, list[kind], key)  # type: ignore[valid-type]
        except records.RecordError as exc:
            raise self.error(exc.where, exc.message) from None
        seen: set[str] = set()
        for index, record in enumerate(typed):
            record_id = getattr(record, "id", None)
            if isinstance(record_id, str):
                # Ids keep their case on the wire (subscription ids are upper-case); lookups ignore it.
                if record_id.lower() in seen:
                    raise self.error(f"{key}[{index}].id", f"duplicate id {record_id}")
                seen.add(record_id.lower())
        return list(zip(raw, typed, strict=True))


R = TypeVar("R")


def load_world(directory: Path | None = None) -> World:
    directory = (directory or default_world_dir()).resolve()
    if not directory.is_dir():
        raise WorldError(f"{directory}: fixtures directory does not exist")

    partner_file = _File(directory, PARTNER_FILE)
    partner = partner_file.whole(records.PartnerFile)
    domain = partner.tenant.domain.lower()
    tenant = Tenant(
        id=partner.tenant.id.lower(),
        domain=domain,
        display_name=partner.tenant.display_name,
        domains=tuple(sorted({domain, *(d.lower() for d in partner.tenant.domains)})),
    )
    raw_partner: dict[str, Any] = partner_file.data
    mpn_directory = {
        entry.mpn_id: {"mpnId": entry.mpn_id, "partnerName": entry.partner_name} for entry in partner.mpn_directory
    }
    mpn_directory[partner.mpn.mpn_id] = dict(raw_partner["mpn"])
    profiles = {
        "organization": dict(raw_partner["organization"]),
        "billing": dict(raw_partner["billingProfile"]),
        "legalbusiness": dict(raw_partner["legalBusinessProfile"]),
        "support": dict(raw_partner["supportProfile"]),
        "mpn": dict(raw_partner["mpn"]),
    }

    from emulator.appcerts import CertificateError, from_key_credential
    from emulator.identity.federation import FederatedCredential

    apps_file = _File(directory, APPS_FILE)
    apps: dict[str, App] = {}
    for i, (_, a) in enumerate(apps_file.rows("apps", records.AppRecord)):
        confidential = a.type == "confidential"
        certificates = []
        for n, credential in enumerate(a.key_credentials):
            try:
                certificates.append(
                    from_key_credential(
                        credential.key,
                        credential.custom_key_identifier or None,
                        credential.key_id or None,
                        credential.display_name,
                    )
                )
            except CertificateError as exc:
                raise apps_file.error(f"apps[{i}].keyCredentials[{n}]", str(exc)) from None
        if confidential and not isinstance(a.secret, str) and not certificates:
            raise apps_file.error(
                f"apps[{i}].secret",
                "required string is missing (a confidential app has a secret or keyCredentials)",
            )
        if not confidential and isinstance(a.secret, str):
            raise apps_file.error(f"apps[{i}].secret", "a public app has no secret")
        app = App(
            client_id=a.client_id.lower(),
            display_name=a.display_name,
            confidential=confidential,
            secret=a.secret if isinstance(a.secret, str) else None,
            redirect_uris=tuple(a.redirect_uris),
            roles=tuple(a.roles),
            idtyp_claim=a.idtyp_claim,
            consented=a.consented,
            certificates=tuple(certificates),
            federated=tuple(
                FederatedCredential(f.name, f.issuer, f.subject, tuple(f.audiences), f.description)
                for f in a.federated_identity_credentials
            ),
            public_client_flows=a.is_fallback_public_client
            if isinstance(a.is_fallback_public_client, bool)
            else not confidential,
        )
        if app.client_id in apps:
            raise apps_file.error(f"apps[{i}].clientId", f"duplicate client id {app.client_id}")
        apps[app.client_id] = app

    users_file = _File(directory, USERS_FILE)
    users: dict[str, User] = {}
    for i, (_, u) in enumerate(users_file.rows("users", records.UserRecord)):
        upn = u.user_principal_name
        if "@" not in upn or upn.rsplit("@", 1)[1].lower() not in tenant.domains:
            raise users_file.error(
                f"users[{i}].userPrincipalName", f"'{upn}' is not in a domain of tenant {tenant.domain}"
            )
        if u.mfa_required and not u.mfa_registered:
            raise users_file.error(f"users[{i}].mfaRequired", "a user who must use MFA needs mfaRegistered")
        if upn.lower() in users:
            raise users_file.error(f"users[{i}].userPrincipalName", f"duplicate user {upn}")
        users[upn.lower()] = User(
            object_id=u.object_id.lower(),
            upn=upn,
            display_name=u.display_name,
            given_name=u.given_name,
            surname=u.surname,
            password=u.password,
            tenant_id=tenant.id,
            mfa_registered=u.mfa_registered,
            mfa_required=u.mfa_required,
            description=u.description,
        )

    offers_file = _File(directory, OFFERS_FILE)
    offers = offers_file.rows("offers", records.OfferRecord)
    for i, (_, o) in enumerate(offers):
        if o.minimum_quantity > o.maximum_quantity:
            raise offers_file.error(f"offers[{i}].maximumQuantity", "expected minimumQuantity <= maximumQuantity")
    offer_ids = {o.id.upper() for _, o in offers}
    # A subscription or order line may also name a New Commerce catalog item: the Azure plans of the generated worlds.
    offer_ids |= catalog_item_ids()
    for i, (_, o) in enumerate(offers):
        for name, targets in (("conversionTargetOffers", o.conversion_target_offers),
                              ("_upgradeTargetOffers", o.upgrade_target_offers)):  # fmt: skip
            for n, target in enumerate(targets):
                if target.upper() not in offer_ids:
                    raise offers_file.error(f"offers[{i}].{name}[{n}]", f"no offer with id {target}")
    preferences: list[dict[str, Any]] = []
    if (directory / CATALOG_PREFERENCES_FILE).exists():
        preferences_file = _File(directory, CATALOG_PREFERENCES_FILE)
        preferred = preferences_file.whole(records.CatalogPreferencesRecord)
        for i, offer_id in enumerate(preferred.offer_ids):
            if offer_id.upper() not in offer_ids:
                raise preferences_file.error(f"offerIds[{i}]", f"no offer with id {offer_id} in {OFFERS_FILE}")
        preferences.append({"id": "offers", "offerIds": [o.upper() for o in preferred.offer_ids]})

    partners = _partners(directory)
    large = (directory / WORLD_FILE).exists()
    if large:
        # A large world: checked when it was written, opened here without parsing it.
        try:
            file = WorldFile(directory / WORLD_FILE)
            # A table the file does not hold (written by an earlier version) starts empty.
            tables = {name: table(name, file=file if name in file.counts else None) for name in SPECS}
        except WorldFileError as exc:
            raise WorldError(str(exc)) from None
    else:
        tables = _json_tables(directory, offer_ids, tenant, users, partners)

    return World(
        partner=tenant,
        profiles=profiles,
        mpn_directory=mpn_directory,
        integration_sandbox=partner.integration_sandbox,
        apps=apps,
        users=users,
        customers=tables["customers"],
        subscriptions=tables["subscriptions"],
        orders=tables["orders"],
        customer_users=tables["customerUsers"],
        invoices=tables["invoices"],
        consents=tables["consents"],
        offers={raw["id"].upper(): raw for raw, _ in offers},
        source=directory,
        role_members=tables["roleMembers"],
        catalog_preferences=Table(preferences),
        device_policies=tables["devicePolicies"],
        device_batches=tables["deviceBatches"],
        devices=tables["devices"],
        syndication_customers=Table(_syndication(directory, lambda c: c in tables["customers"], offer_ids)),
        partner_relationships=Table(partners),
        reseller_customers=tables["resellerCustomers"],
        usage_budgets=tables["usageBudgets"],
        service_requests=tables["serviceRequests"],
        # A world file's incidents were checked when it was written: 40,000 lookups at start cost 1.2 s.
        service_incidents=_service_incidents(
            directory, (lambda c: True) if large else tables["customers"].__contains__
        ),
    )


def _json_tables(
    directory: Path, offer_ids: set[str], tenant: Tenant, users: dict[str, User], partners: list[dict[str, Any]]
) -> dict[str, Table]:
    """The fixture tables of a JSON world, each record checked, and each owner and offer known."""
    customers_file = _File(directory, CUSTOMERS_FILE)
    customers = customers_file.rows("customers", records.CustomerRecord)
    for i, (_, c) in enumerate(customers):
        if c.company_profile.tenant_id.lower() != c.id.lower():
            raise customers_file.error(f"customers[{i}].companyProfile.tenantId", "must equal the customer id")
    customer_ids = {c.id.lower() for _, c in customers}

    def owned(file: _File, where: str, customer_id: str) -> None:
        if customer_id.lower() not in customer_ids:
            raise file.error(where, f"no customer with id {customer_id}")

    subscriptions_file = _File(directory, SUBSCRIPTIONS_FILE)
    subscriptions = subscriptions_file.rows("subscriptions", records.SubscriptionRecord)
    for i, (_, sub) in enumerate(subscriptions):
        owned(subscriptions_file, f"subscriptions[{i}]._customerId", sub.customer_id)
        if sub.offer_id.upper() not in offer_ids:
            raise subscriptions_file.error(
                f"subscriptions[{i}].offerId", f"no offer with id {sub.offer_id} in {OFFERS_FILE}"
            )
    orders_file = _File(directory, ORDERS_FILE)
    orders = orders_file.rows("orders", records.OrderRecord)
    for i, (_, order) in enumerate(orders):
        owned(orders_file, f"orders[{i}].referenceCustomerId", order.reference_customer_id)
        for n, item in enumerate(order.line_items):
            if item.offer_id.upper() not in offer_ids:
                raise orders_file.error(f"orders[{i}].lineItems[{n}].offerId", f"no offer with id {item.offer_id}")
    users_of_customers_file = _File(directory, CUSTOMER_USERS_FILE)
    customer_users = users_of_customers_file.rows("users", records.CustomerUserRecord)
    for i, (_, cu) in enumerate(customer_users):
        owned(users_of_customers_file, f"users[{i}]._customerId", cu.customer_id)
    invoices = _File(directory, INVOICES_FILE).rows("invoices", records.InvoiceRecord)
    consents_file = _File(directory, CONSENTS_FILE)
    consents = consents_file.rows("consents", records.ConsentRecord)
    for i, (_, consent) in enumerate(consents):
        owned(consents_file, f"consents[{i}]._customerId", consent.customer_id)
    raw: dict[str, list[tuple[Doc, Any]]] = {
        "customers": customers,
        "subscriptions": subscriptions,
        "orders": orders,
        "customerUsers": customer_users,
        "invoices": invoices,
        "consents": consents,
    }
    tables = {name: table(name, [doc for doc, _ in rows]) for name, rows in raw.items()}
    tables["roleMembers"] = table("roleMembers", _role_members(directory, tenant, users, customer_users))
    devices = _devices(directory, customer_ids)
    tables["devicePolicies"] = table("devicePolicies", devices["policies"])
    tables["deviceBatches"] = table("deviceBatches", devices["deviceBatches"])
    tables["devices"] = table("devices", devices["devices"])
    tables["resellerCustomers"] = table("resellerCustomers", _reseller_customers(directory, partners, customer_ids))
    budgets: list[tuple[dict[str, Any], records.UsageBudgetRecord]] = []
    if (directory / USAGE_BUDGETS_FILE).is_file():
        budgets_file = _File(directory, USAGE_BUDGETS_FILE)
        budgets = budgets_file.rows("budgets", records.UsageBudgetRecord)
        for i, (_, budget) in enumerate(budgets):
            owned(budgets_file, f"budgets[{i}].id", budget.id)
    tables["usageBudgets"] = table("usageBudgets", [{**raw, "id": raw["id"].lower()} for raw, _ in budgets])
    tables["serviceRequests"] = table("serviceRequests", _service_requests(directory, customer_ids))
    return tables


def _role_members(
    directory: Path,
    tenant: Tenant,
    users: dict[str, User],
    customer_users: list[tuple[dict[str, Any], records.CustomerUserRecord]],
) -> list[dict[str, Any]]:
    """role-members.json's rows, each a known role held by a user of its tenant: a customer's user holds one of
    the customer directory roles, a partner user one of the partner's roles. No file: no members."""
    if not (directory / ROLE_MEMBERS_FILE).exists():
        return []
    file = _File(directory, ROLE_MEMBERS_FILE)
    members = file.rows("members", records.RoleMemberRecord)
    partner_users = {u.object_id for u in users.values()}
    user_tenant = {cu.id.lower(): cu.customer_id.lower() for _, cu in customer_users if cu.state == "active"}
    for i, (_, m) in enumerate(members):
        where, owner, role, member = f"members[{i}]", m.tenant_id.lower(), m.role_id.lower(), m.member_id.lower()
        if owner == tenant.id:
            if role not in PARTNER_ROLE_BY_ID:
                raise file.error(f"{where}.roleId", f"no partner role with id {m.role_id}")
            if member not in partner_users:
                raise file.error(f"{where}.memberId", f"no user with objectId {m.member_id} in {USERS_FILE}")
        else:
            if role not in DIRECTORY_ROLE_BY_ID:
                raise file.error(f"{where}.roleId", f"no directory role with id {m.role_id}")
            if user_tenant.get(member) != owner:
                raise file.error(f"{where}.memberId", f"no active user with id {m.member_id} in customer {m.tenant_id}")
        if m.id != member_key(owner, role, member):
            raise file.error(f"{where}.id", f"expected {member_key(owner, role, member)}")
    return [raw for raw, _ in members]


def _optional(directory: Path, name: str) -> _File | None:
    """A fixture file that older fixture directories do not have: missing means empty."""
    return _File(directory, name) if (directory / name).is_file() else None


def _devices(directory: Path, customer_ids: set[str]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {"policies": [], "deviceBatches": [], "devices": []}
    file = _optional(directory, DEVICES_FILE)
    if file is None:
        return found
    file.whole(records.DevicesFile)  # every list optional, every record checked
    for key, kind in (
        ("policies", records.ConfigurationPolicyRecord),
        ("deviceBatches", records.DeviceBatchRecord),
        ("devices", records.DeviceRecord),
    ):
        if key in file.data:
            rows: list[tuple[dict[str, Any], Any]] = file.rows(key, kind)
            for i, (raw, typed) in enumerate(rows):
                if typed.customer_id.lower() not in customer_ids:
                    raise file.error(f"{key}[{i}]._customerId", f"no customer with id {typed.customer_id}")
                found[key].append(raw)
    batches = {b["id"].lower() for b in found["deviceBatches"]}
    for i, batch in enumerate(found["deviceBatches"]):
        if batch["id"].lower() != f"{batch['_customerId']}:{batch['_name']}".lower():
            raise file.error(f"deviceBatches[{i}].id", "must be the customer id, a colon and _name in lower case")
    policies = {p["id"].lower(): p["_customerId"] for p in found["policies"]}
    for i, device in enumerate(found["devices"]):
        if device["_batch"].lower() not in batches or not device["_batch"].startswith(device["_customerId"]):
            raise file.error(f"devices[{i}]._batch", f"no device batch {device['_batch']} of the device's customer")
        for n, policy in enumerate(device["policies"]):
            if policy["value"] is not None and policies.get(policy["value"].lower()) != device["_customerId"]:
                raise file.error(f"devices[{i}].policies[{n}].value", "no policy with this id in the device's customer")
    return found


def _syndication(directory: Path, is_customer: Callable[[str], bool], offer_ids: set[str]) -> list[dict[str, Any]]:
    file = _optional(directory, SYNDICATION_FILE)
    if file is None:
        return []
    rows = file.rows("customers", records.SyndicationCustomerRecord)
    for i, (_, typed) in enumerate(rows):
        if is_customer(typed.customer.id.lower()):
            raise file.error(f"customers[{i}].customer.id", "is already a customer of the partner")
        if typed.customer.company_profile.tenant_id.lower() != typed.customer.id.lower():
            raise file.error(f"customers[{i}].customer.companyProfile.tenantId", "must equal the customer id")
        for n, subscription in enumerate(typed.subscriptions):
            if subscription.offer_id.upper() not in offer_ids:
                where = f"customers[{i}].subscriptions[{n}].offerId"
                raise file.error(where, f"no offer with id {subscription.offer_id}")
    return [raw for raw, _ in rows]


def _partners(directory: Path) -> list[dict[str, Any]]:
    """relationships.json's indirect resellers, when the directory has the file (in both forms of a world)."""
    if not (directory / RELATIONSHIPS_FILE).exists():
        return []
    file = _File(directory, RELATIONSHIPS_FILE)
    whole = file.whole(records.RelationshipsFile)
    seen: set[str] = set()
    for i, partner in enumerate(whole.partners):
        if partner.id.lower() in seen:
            raise file.error(f"$.partners[{i}].id", f"duplicate id {partner.id}")
        seen.add(partner.id.lower())
    return [dict(row, id=row["id"].lower()) for row in file.data.get("partners", [])]


def _reseller_customers(
    directory: Path, partners: list[dict[str, Any]], customer_ids: set[str]
) -> list[dict[str, Any]]:
    """relationships.json's customers served through an indirect reseller (a world file holds them itself)."""
    if not (directory / RELATIONSHIPS_FILE).exists():
        return []
    file = _File(directory, RELATIONSHIPS_FILE)
    whole = file.whole(records.RelationshipsFile)
    known = {p["id"] for p in partners}
    served: dict[str, dict[str, Any]] = {}
    for i, row in enumerate(whole.customers):
        if row.id.lower() not in customer_ids:
            raise file.error(f"$.customers[{i}].id", f"no customer with id {row.id}")
        if row.reseller_id.lower() not in known:
            raise file.error(f"$.customers[{i}].resellerId", f"no partner with id {row.reseller_id}")
        if row.id.lower() in served:
            raise file.error(f"$.customers[{i}].id", f"duplicate id {row.id}")
        served[row.id.lower()] = {"id": row.id.lower(), "resellerId": row.reseller_id.lower()}
    return list(served.values())


def catalog_item_ids() -> set[str]:
    """Every New Commerce catalog item id (productId:skuId:availabilityId) of the catalogue, upper-case."""
    from emulator.nce import availability_id
    from emulator.nce_products import PRODUCTS

    return {
        f"{p.id}:{s.id}:{availability_id(p, s, segment)}".upper()
        for p in PRODUCTS
        for s in p.skus
        for segment in s.segments
    }


def _service_requests(directory: Path, customer_ids: set[str]) -> list[dict[str, Any]]:
    """service-requests.json, optional (older fixture directories have none; a world file holds them itself)."""
    requests: list[dict[str, Any]] = []
    if (directory / SERVICE_REQUESTS_FILE).exists():
        file = _File(directory, SERVICE_REQUESTS_FILE)
        for i, (raw, request) in enumerate(file.rows("serviceRequests", records.ServiceRequestRecord)):
            if isinstance(request.customer_id, str) and request.customer_id.lower() not in customer_ids:
                raise file.error(f"serviceRequests[{i}]._customerId", f"no customer with id {request.customer_id}")
            requests.append(raw)
    return requests


def _service_incidents(directory: Path, is_customer: Callable[[str], bool]) -> list[dict[str, Any]]:
    """service-incidents.json, optional, in both forms of a world (a few incidents, each with its customers)."""
    incidents: list[dict[str, Any]] = []
    if (directory / SERVICE_INCIDENTS_FILE).exists():
        file = _File(directory, SERVICE_INCIDENTS_FILE)
        for i, (raw, incident) in enumerate(file.rows("incidents", records.ServiceIncidentRecord)):
            for n, customer_id in enumerate(incident.customer_ids):
                if not is_customer(customer_id.lower()):
                    raise file.error(f"incidents[{i}]._customerIds[{n}]", f"no customer with id {customer_id}")
            incidents.append(raw)
    return incidents
