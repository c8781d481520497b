"""The world the emulator serves: tenants, apps, users and customers, loaded from JSON fixtures and validated."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import emulator

PARTNER_FILE = "partner.json"
APPS_FILE = "apps.json"
USERS_FILE = "users.json"
CUSTOMERS_FILE = "customers.json"


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
    partner: Tenant
    organization: dict[str, Any]
    apps: dict[str, App]
    users: dict[str, User]  # by lower-cased UPN
    customers: CustomerStore
    source: Path

    @property
    def tenants(self) -> dict[str, Tenant]:
        return {self.partner.id: self.partner}

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

    def reset(self) -> None:
        self.customers.reset()


class CustomerStore:
    """Customers as Partner Center documents: the fixtures are a read-only base, changes live in an overlay.

    Reset drops the overlay, so it costs nothing however large the world is.
    """

    def __init__(self, base: list[dict[str, Any]]) -> None:
        self._base_order = [customer["id"] for customer in base]
        self._base = {customer["id"]: customer for customer in base}
        self._lock = threading.Lock()
        self._added: dict[str, dict[str, Any]] = {}
        self._deleted: set[str] = set()
        self._order = list(self._base_order)

    def reset(self) -> None:
        with self._lock:
            self._added = {}
            self._deleted = set()
            self._order = list(self._base_order)

    def __len__(self) -> int:
        return len(self._order)

    def get(self, customer_id: str) -> dict[str, Any] | None:
        key = customer_id.lower()
        if key in self._deleted:
            return None
        return self._added.get(key) or self._base.get(key)

    def page(self, offset: int, size: int) -> list[dict[str, Any]]:
        ids = self._order[offset : offset + size]
        return [doc for doc in (self.get(cid) for cid in ids) if doc is not None]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.page(0, len(self._order)))


# --- loading and validation -------------------------------------------------------------------------------


class _Fields:
    """Reads one JSON object and raises WorldError naming file and field on the first wrong value."""

    def __init__(self, obj: object, file: str, where: str) -> None:
        if not isinstance(obj, dict):
            raise WorldError(f"{file}: {where}: expected an object, found {type(obj).__name__}")
        self.obj: dict[str, Any] = obj
        self.file, self.where = file, where

    def _err(self, key: str, message: str) -> WorldError:
        return WorldError(f"{self.file}: {self.where}.{key}: {message}")

    def text(self, key: str, default: str | None = None, *, guid: bool = False) -> str:
        value = self.obj.get(key, default)
        if value is None:
            raise self._err(key, "required string is missing")
        if not isinstance(value, str) or not value:
            raise self._err(key, f"expected a non-empty string, found {json.dumps(value)}")
        if guid and not is_guid(value):
            raise self._err(key, f"expected a GUID, found {json.dumps(value)}")
        return value.lower() if guid else value

    def flag(self, key: str, default: bool | None = None) -> bool:
        value = self.obj.get(key, default)
        if not isinstance(value, bool):
            raise self._err(key, f"expected true or false, found {json.dumps(value)}")
        return value

    def strs(self, key: str) -> tuple[str, ...]:
        value = self.obj.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._err(key, "expected a list of strings")
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
    for key in ("companyName", "email", "language", "culture", "mpnId"):
        org.text(key)
    _check_address(org.obj_("defaultAddress"))

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

    file = str(directory / CUSTOMERS_FILE)
    customers: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, raw in enumerate(_list(_read(directory, CUSTOMERS_FILE), file, "customers")):
        c = _Fields(raw, file, f"customers[{i}]")
        cid = c.text("id", guid=True)
        c.text("commerceId", guid=True)
        cp = c.obj_("companyProfile")
        if cp.text("tenantId", guid=True) != cid:
            raise WorldError(f"{file}: customers[{i}].companyProfile.tenantId: must equal the customer id")
        cp.text("domain")
        cp.text("companyName")
        _check_address(cp.obj_("address"))
        bp = c.obj_("billingProfile")
        bp.text("id", guid=True)
        for key in ("firstName", "lastName", "email", "culture", "language", "companyName", "etag"):
            bp.text(key)
        _check_address(bp.obj_("defaultAddress"))
        relationship = c.text("relationshipToPartner")
        if relationship not in ("reseller", "advisor", "none"):
            raise WorldError(f"{file}: customers[{i}].relationshipToPartner: unknown value '{relationship}'")
        c.flag("allowDelegatedAccess")
        c.strs("customDomains")
        if cid in seen:
            raise WorldError(f"{file}: customers[{i}].id: duplicate customer {cid}")
        seen.add(cid)
        customers.append({**raw, "id": cid})

    return World(
        partner=tenant,
        organization=dict(partner.obj["organization"]),
        apps=apps,
        users=users,
        customers=CustomerStore(customers),
        source=directory,
    )


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
