"""The world the emulator serves: tenants, apps, users and customers, loaded from JSON fixtures and validated."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import emulator
from emulator import records
from emulator.appcerts import AppCertificate, CertificateError, from_key_credential
from emulator.identity.federation import FederatedCredential
from emulator.jsonfiles import JsonFileError, read_json
from emulator.store import Store, Table
from emulator.trail import TABLE as AUDIT_TABLE
from emulator.trail import AuditTable

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
    # Apps consented to at run time, through the consent step of an interactive sign-in.
    granted: set[str] = field(default_factory=set)
    # New Commerce state that fixtures do not hold: confirmed customer agreements and carts, by customer.
    agreements: Table = field(default_factory=lambda: Table((), group_of=lambda d: d["_customerId"]))
    carts: Table = field(default_factory=lambda: Table((), group_of=lambda d: d["_customerId"]))
    transitions: Table = field(default_factory=lambda: Table((), group_of=lambda d: d["_customerId"]))
    migrations: Table = field(default_factory=lambda: Table((), group_of=lambda d: d["_customerId"]))
    # Certificates and federated credentials registered through the control API, by client id: a reset removes them.
    registered: dict[str, list[AppCertificate]] = field(default_factory=dict)
    registered_federated: dict[str, list[FederatedCredential]] = field(default_factory=dict)
    # Service requests (the partner's own: group ""; a customer's: its id), Office service incidents (read-only,
    # each with the customers it affects) and the audit trail (issue 15).
    service_requests: Table = field(default_factory=lambda: Table((), group_of=lambda d: d.get("_customerId", "")))
    service_incidents: list[dict[str, Any]] = field(default_factory=list)
    audit_records: AuditTable = field(default_factory=AuditTable)
    # The tables above, changed only through the store's transactions (by the Partner Center models).
    store: Store = field(init=False)

    def __post_init__(self) -> None:
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

    customers_file = _File(directory, CUSTOMERS_FILE)
    customers = customers_file.rows("customers", records.CustomerRecord)
    for i, (_, c) in enumerate(customers):
        if c.company_profile.tenant_id.lower() != c.id.lower():
            raise customers_file.error(f"customers[{i}].companyProfile.tenantId", "must equal the customer id")
    customer_ids = {c.id.lower() for _, c in customers}
    offers_file = _File(directory, OFFERS_FILE)
    offers = offers_file.rows("offers", records.OfferRecord)
    for i, (_, o) in enumerate(offers):
        if o.minimum_quantity > o.maximum_quantity:
            raise offers_file.error(f"offers[{i}].maximumQuantity", "expected minimumQuantity <= maximumQuantity")
    offer_ids = {o.id.upper() for _, o in offers}

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

    service_requests, service_incidents = _support(directory, customer_ids)

    return World(
        partner=tenant,
        profiles=profiles,
        mpn_directory=mpn_directory,
        integration_sandbox=partner.integration_sandbox,
        apps=apps,
        users=users,
        customers=Table(raw for raw, _ in customers),
        subscriptions=Table((raw for raw, _ in subscriptions), group_of=lambda d: d["_customerId"]),
        orders=Table((raw for raw, _ in orders), group_of=lambda d: d["referenceCustomerId"]),
        customer_users=Table((raw for raw, _ in customer_users), group_of=lambda d: d["_customerId"]),
        invoices=Table(raw for raw, _ in invoices),
        consents=Table((raw for raw, _ in consents), group_of=lambda d: d["_customerId"]),
        offers={raw["id"].upper(): raw for raw, _ in offers},
        source=directory,
        service_requests=Table(service_requests, group_of=lambda d: d.get("_customerId", "")),
        service_incidents=service_incidents,
    )


def _support(directory: Path, customer_ids: set[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """service-requests.json and service-incidents.json, each optional (older fixture directories have neither)."""
    requests: list[dict[str, Any]] = []
    if (directory / SERVICE_REQUESTS_FILE).exists():
        file = _File(directory, SERVICE_REQUESTS_FILE)
        for i, (raw, request) in enumerate(file.rows("serviceRequests", records.ServiceRequestRecord)):
            if isinstance(request.customer_id, str) and request.customer_id.lower() not in customer_ids:
                raise file.error(f"serviceRequests[{i}]._customerId", f"no customer with id {request.customer_id}")
            requests.append(raw)
    incidents: list[dict[str, Any]] = []
    if (directory / SERVICE_INCIDENTS_FILE).exists():
        file = _File(directory, SERVICE_INCIDENTS_FILE)
        for i, (raw, incident) in enumerate(file.rows("incidents", records.ServiceIncidentRecord)):
            for n, customer_id in enumerate(incident.customer_ids):
                if customer_id.lower() not in customer_ids:
                    raise file.error(f"incidents[{i}]._customerIds[{n}]", f"no customer with id {customer_id}")
            incidents.append(raw)
    return requests, incidents
