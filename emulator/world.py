"""The world the emulator serves: tenants, apps, users and customers, loaded from JSON fixtures and validated."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import emulator
from emulator.store import Store, Table

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
        }

    def reset(self) -> None:
        self.store.reset()
        self.granted.clear()


# --- loading and validation -------------------------------------------------------------------------------


class _Fields:
    """Reads one JSON object and raises WorldError naming file and field on the first wrong value."""

    def __init__(self, obj: object, file: str, where: str) -> None:
        if not isinstance(obj, dict):
            raise WorldError(f"{file}: {where}: expected an object, found {type(obj).__name__}")
        self.obj: dict[str, Any] = obj
        self.file, self.where = file, where

    def error(self, key: str, message: str) -> WorldError:
        return WorldError(f"{self.file}: {self.where}.{key}: {message}")

    def integer(self, key: str) -> int:
        value = self.obj.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, f"expected a whole number, found {json.dumps(value)}")
        return value

    def number(self, key: str) -> float:
        value = self.obj.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(key, f"expected a number, found {json.dumps(value)}")
        return float(value)

    def text(self, key: str, default: str | None = None, *, guid: bool = False) -> str:
        value = self.obj.get(key, default)
        if value is None:
            raise self.error(key, "required string is missing")
        if not isinstance(value, str) or not value:
            raise self.error(key, f"expected a non-empty string, found {json.dumps(value)}")
        if guid and not is_guid(value):
            raise self.error(key, f"expected a GUID, found {json.dumps(value)}")
        return value.lower() if guid else value

    def flag(self, key: str, default: bool | None = None) -> bool:
        value = self.obj.get(key, default)
        if not isinstance(value, bool):
            raise self.error(key, f"expected true or false, found {json.dumps(value)}")
        return value

    def strs(self, key: str) -> tuple[str, ...]:
        value = self.obj.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(key, "expected a list of strings")
        return tuple(value)

    def obj_(self, key: str) -> _Fields:
        return _Fields(self.obj.get(key), self.file, f"{self.where}.{key}")


def is_guid(value: str) -> bool:
    parts = value.split("-")
    return [len(p) for p in parts] == [8, 4, 4, 4, 12] and all(c in "0123456789abcdefABCDEF" for p in parts for c in p)


def _read(directory: Path, name: str) -> Any:
    path = directory / name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise WorldError(f"{path}: fixture file is missing") from None
    except OSError as exc:
        raise WorldError(f"{path}: cannot be read: {exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise WorldError(f"{path}: line {exc.lineno} column {exc.colno}: invalid JSON: {exc.msg}") from None


def _list(data: Any, file: str, key: str) -> list[Any]:
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise WorldError(f"{file}: expected an object with a list '{key}'")
    items: list[Any] = data[key]
    return items


_ADDRESS_FIELDS = ("country", "city", "addressLine1", "postalCode")


def _check_address(fields: _Fields) -> None:
    for key in _ADDRESS_FIELDS:
        fields.text(key)


def load_world(directory: Path | None = None) -> World:
    directory = (directory or default_world_dir()).resolve()
    if not directory.is_dir():
        raise WorldError(f"{directory}: fixtures directory does not exist")

    file = str(directory / PARTNER_FILE)
    partner = _Fields(_read(directory, PARTNER_FILE), file, "$")
    t = partner.obj_("tenant")
    domain = t.text("domain").lower()
    tenant = Tenant(
        id=t.text("id", guid=True),
        domain=domain,
        display_name=t.text("displayName"),
        domains=tuple(sorted({domain, *(d.lower() for d in t.strs("domains"))})),
    )
    org = partner.obj_("organization")
    for key in ("id", "companyName", "email", "language", "culture", "etag"):
        org.text(key)
    _check_address(org.obj_("defaultAddress"))
    billing = partner.obj_("billingProfile")
    for key in ("companyName", "billingCurrency", "etag"):
        billing.text(key)
    _check_address(billing.obj_("address"))
    legal = partner.obj_("legalBusinessProfile")
    for key in ("companyName", "companyApproverEmail", "vettingStatus", "vettingSubStatus"):
        legal.text(key)
    _check_address(legal.obj_("address"))
    support = partner.obj_("supportProfile")
    for key in ("email", "telephone", "website"):
        support.text(key)
    mpn = partner.obj_("mpn")
    mpn.text("mpnId")
    mpn.text("partnerName")
    directory_entries = partner.obj.get("mpnDirectory", [])
    if not isinstance(directory_entries, list):
        raise WorldError(f"{file}: $.mpnDirectory: expected a list")
    mpn_directory: dict[str, dict[str, Any]] = {}
    for i, entry in enumerate(directory_entries):
        e = _Fields(entry, file, f"$.mpnDirectory[{i}]")
        mpn_directory[e.text("mpnId")] = {"mpnId": e.text("mpnId"), "partnerName": e.text("partnerName")}
    mpn_directory[mpn.text("mpnId")] = dict(mpn.obj)
    sandbox = partner.flag("integrationSandbox", False)
    profiles = {
        "organization": dict(org.obj),
        "billing": dict(billing.obj),
        "legalbusiness": dict(legal.obj),
        "support": dict(support.obj),
        "mpn": dict(mpn.obj),
    }

    file = str(directory / APPS_FILE)
    apps: dict[str, App] = {}
    for i, raw in enumerate(_list(_read(directory, APPS_FILE), file, "apps")):
        a = _Fields(raw, file, f"apps[{i}]")
        kind = a.text("type")
        if kind not in ("confidential", "public"):
            raise WorldError(f"{file}: apps[{i}].type: expected 'confidential' or 'public', found '{kind}'")
        secret = a.text("secret") if kind == "confidential" else None
        if kind == "public" and "secret" in a.obj:
            raise WorldError(f"{file}: apps[{i}].secret: a public app has no secret")
        app = App(
            client_id=a.text("clientId", guid=True),
            display_name=a.text("displayName"),
            confidential=kind == "confidential",
            secret=secret,
            redirect_uris=a.strs("redirectUris"),
            roles=a.strs("roles"),
            idtyp_claim=a.flag("idtypClaim", False),
            consented=a.flag("consented", True),
        )
        if app.client_id in apps:
            raise WorldError(f"{file}: apps[{i}].clientId: duplicate client id {app.client_id}")
        apps[app.client_id] = app

    file = str(directory / USERS_FILE)
    users: dict[str, User] = {}
    for i, raw in enumerate(_list(_read(directory, USERS_FILE), file, "users")):
        u = _Fields(raw, file, f"users[{i}]")
        upn = u.text("userPrincipalName")
        if "@" not in upn or upn.rsplit("@", 1)[1].lower() not in tenant.domains:
            raise WorldError(
                f"{file}: users[{i}].userPrincipalName: '{upn}' is not in a domain of tenant {tenant.domain}"
            )
        mfa_registered = u.flag("mfaRegistered")
        mfa_required = u.flag("mfaRequired")
        if mfa_required and not mfa_registered:
            raise WorldError(f"{file}: users[{i}].mfaRequired: a user who must use MFA needs mfaRegistered")
        user = User(
            object_id=u.text("objectId", guid=True),
            upn=upn,
            display_name=u.text("displayName"),
            given_name=u.text("givenName"),
            surname=u.text("surname"),
            password=u.text("password"),
            tenant_id=tenant.id,
            mfa_registered=mfa_registered,
            mfa_required=mfa_required,
            description=u.text("description") if "description" in u.obj else "",
        )
        if upn.lower() in users:
            raise WorldError(f"{file}: users[{i}].userPrincipalName: duplicate user {upn}")
        users[upn.lower()] = user

    customers = _records(directory, CUSTOMERS_FILE, "customers", _check_customer)
    customer_ids = {c["id"] for c in customers}
    offers = _records(directory, OFFERS_FILE, "offers", _check_offer)
    offer_ids = {o["id"].upper() for o in offers}

    def owned(key: str) -> Callable[[_Fields], None]:
        def check(f: _Fields) -> None:
            if f.text(key, guid=True) not in customer_ids:
                raise f.error(key, f"no customer with id {f.obj[key]}")

        return check

    def check_subscription(f: _Fields) -> None:
        owned("_customerId")(f)
        if f.text("offerId").upper() not in offer_ids:
            raise f.error("offerId", f"no offer with id {f.obj['offerId']} in {OFFERS_FILE}")
        for key in (
            "friendlyName",
            "creationDate",
            "effectiveStartDate",
            "commitmentEndDate",
            "billingCycle",
            "orderId",
        ):
            f.text(key)
        if f.text("status") not in SUBSCRIPTION_STATUSES:
            raise f.error("status", f"expected one of {', '.join(SUBSCRIPTION_STATUSES)}")
        f.integer("quantity")
        f.integer("_version")
        f.flag("autoRenewEnabled")

    def check_order(f: _Fields) -> None:
        owned("referenceCustomerId")(f)
        for key in ("billingCycle", "currencyCode", "creationDate", "status"):
            f.text(key)
        items = f.obj.get("lineItems")
        if not isinstance(items, list) or not items:
            raise f.error("lineItems", "expected a non-empty list")
        for n, item in enumerate(items):
            li = _Fields(item, f.file, f"{f.where}.lineItems[{n}]")
            li.integer("lineItemNumber")
            li.integer("quantity")
            if li.text("offerId").upper() not in offer_ids:
                raise li.error("offerId", f"no offer with id {item['offerId']}")

    def check_user(f: _Fields) -> None:
        owned("_customerId")(f)
        for key in ("userPrincipalName", "displayName", "state"):
            f.text(key)

    def check_invoice(f: _Fields) -> None:
        for key in ("invoiceDate", "currencyCode", "currencySymbol", "documentType", "invoiceType"):
            f.text(key)
        f.number("totalCharges")
        f.number("paidAmount")

    def check_consent(f: _Fields) -> None:
        owned("_customerId")(f)
        f.text("applicationId", guid=True)
        f.text("displayName")

    subscriptions = _records(directory, SUBSCRIPTIONS_FILE, "subscriptions", check_subscription)
    orders = _records(directory, ORDERS_FILE, "orders", check_order)
    customer_users = _records(directory, CUSTOMER_USERS_FILE, "users", check_user)
    invoices = _records(directory, INVOICES_FILE, "invoices", check_invoice)
    consents = _records(directory, CONSENTS_FILE, "consents", check_consent)

    return World(
        partner=tenant,
        profiles=profiles,
        mpn_directory=mpn_directory,
        integration_sandbox=sandbox,
        apps=apps,
        users=users,
        customers=Table(customers),
        subscriptions=Table(subscriptions, group_of=lambda d: d["_customerId"]),
        orders=Table(orders, group_of=lambda d: d["referenceCustomerId"]),
        customer_users=Table(customer_users, group_of=lambda d: d["_customerId"]),
        invoices=Table(invoices),
        consents=Table(consents, group_of=lambda d: d["_customerId"]),
        offers={o["id"].upper(): o for o in offers},
        source=directory,
    )


SUBSCRIPTION_STATUSES = ("none", "active", "pending", "suspended", "deleted")


def _check_customer(c: _Fields) -> None:
    cid = c.text("id", guid=True)
    c.text("commerceId", guid=True)
    cp = c.obj_("companyProfile")
    if cp.text("tenantId", guid=True) != cid:
        raise cp.error("tenantId", "must equal the customer id")
    cp.text("domain")
    cp.text("companyName")
    _check_address(cp.obj_("address"))
    bp = c.obj_("billingProfile")
    bp.text("id", guid=True)
    for key in ("firstName", "lastName", "email", "culture", "language", "companyName", "etag"):
        bp.text(key)
    _check_address(bp.obj_("defaultAddress"))
    if c.text("relationshipToPartner") not in ("reseller", "advisor", "none"):
        raise c.error("relationshipToPartner", f"unknown value '{c.obj['relationshipToPartner']}'")
    c.flag("allowDelegatedAccess")
    c.strs("customDomains")


def _check_offer(o: _Fields) -> None:
    o.text("id")
    for key in ("name", "description", "billing", "unitType"):
        o.text(key)
    minimum, maximum = o.integer("minimumQuantity"), o.integer("maximumQuantity")
    if not 0 < minimum <= maximum:
        raise o.error("maximumQuantity", "expected 0 < minimumQuantity <= maximumQuantity")
    for key in ("isAddOn", "hasAddOns", "isAvailableForPurchase", "isAutoRenewable", "isTrial"):
        o.flag(key)
    o.strs("supportedBillingCycles")
    o.strs("prerequisiteOffers")
    category = o.obj_("category")
    category.integer("rank")
    product = o.obj_("product")
    product.text("id")


def _records(directory: Path, name: str, key: str, check: Callable[[_Fields], None]) -> list[dict[str, Any]]:
    """The list under `key` in `name`, each record checked; no id repeated (ignoring case)."""
    file = str(directory / name)
    rows = _list(_read(directory, name), file, key)
    seen: set[str] = set()
    result = []
    for i, raw in enumerate(rows):
        fields = _Fields(raw, file, f"{key}[{i}]")
        record_id = fields.text("id")
        check(fields)
        # Ids keep their case on the wire (subscription ids are upper-case); lookups ignore it.
        if record_id.lower() in seen:
            raise fields.error("id", f"duplicate id {record_id}")
        seen.add(record_id.lower())
        result.append(raw)
    return result


def world_summary(world: World) -> dict[str, Any]:
    """What `pcemu world --json` prints: everything a tester needs to sign in, secrets included (test data)."""
    return {
        "source": str(world.source),
        "tenants": [
            {"id": t.id, "domain": t.domain, "displayName": t.display_name, "domains": list(t.domains)}
            for t in world.tenants.values()
        ],
        "apps": [
            {
                "clientId": a.client_id,
                "displayName": a.display_name,
                "type": "confidential" if a.confidential else "public",
                "secret": a.secret,
                "redirectUris": list(a.redirect_uris),
                "roles": list(a.roles),
            }
            for a in world.apps.values()
        ],
        "users": [
            {
                "userPrincipalName": u.upn,
                "objectId": u.object_id,
                "displayName": u.display_name,
                "password": u.password,
                "mfaRegistered": u.mfa_registered,
                "mfaRequired": u.mfa_required,
                "amr": u.default_amr,
                "description": u.description,
            }
            for u in world.users.values()
        ],
        "customers": [
            {
                "id": c["id"],
                "companyName": c["companyProfile"]["companyName"],
                "domain": c["companyProfile"]["domain"],
            }
            for c in world.customers
        ],
    }
