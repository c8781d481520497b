"""Access tokens shaped like Entra's v1 tokens for Partner Center: minted with the active key, verified strictly."""

from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from emulator.clock import Clock
from emulator.keys import KeyRing, b64url
from emulator.profiles import GRAPH_AUDIENCE, PARTNER_CENTER_APP_ID, PARTNER_CENTER_RESOURCE
from emulator.world import App, Tenant, User

if TYPE_CHECKING:
    from emulator.signer import SigningWorker

GRAPH_RESOURCE = GRAPH_AUDIENCE
GRAPH_APP_ID = "00000002-0000-0000-c000-000000000000"
USER_IMPERSONATION = "user_impersonation"

# Entra: iat = nbf = five minutes before issue; lifetime drawn between 60 and 90 minutes.
BACKDATE_SECONDS = 300
LIFETIME_RANGE = (3600, 5400)


@dataclass(frozen=True)
class Resource:
    """A resource a token can be requested for: what `aud` it gets and which app id it is."""

    uri: str
    app_id: str

    @staticmethod
    def resolve(name: str) -> tuple[Resource, str] | None:
        """(resource, aud) for a v1 `resource=` value or a v2 scope prefix; None when unknown."""
        cleaned = name.strip().rstrip("/").lower()
        if cleaned in (PARTNER_CENTER_RESOURCE, PARTNER_CENTER_APP_ID):
            return PARTNER_CENTER, (
                PARTNER_CENTER_RESOURCE if cleaned == PARTNER_CENTER_RESOURCE else PARTNER_CENTER_APP_ID
            )
        if cleaned in (GRAPH_RESOURCE, GRAPH_APP_ID):
            return AAD_GRAPH, (GRAPH_RESOURCE if cleaned == GRAPH_RESOURCE else GRAPH_APP_ID)
        return None


PARTNER_CENTER = Resource(PARTNER_CENTER_RESOURCE, PARTNER_CENTER_APP_ID)
AAD_GRAPH = Resource(GRAPH_RESOURCE, GRAPH_APP_ID)


def v1_issuer(tenant_id: str) -> str:
    return f"https://sts.windows.net/{tenant_id}/"


def service_principal_oid(app: App, tenant: Tenant) -> str:
    """A stable object id for the app's service principal in a tenant (app-only tokens' `oid`)."""
    return _service_principal_oid(tenant.id, app.client_id)


@lru_cache(maxsize=4096)  # read for every app-only token; uuid5 hashing was 3 % of a token request
def _service_principal_oid(tenant_id: str, client_id: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"sp:{tenant_id}:{client_id}"))


def pairwise_sub(subject: str, app_id: str) -> str:
    """Entra's `sub` is pairwise: stable per user and app, different across apps."""
    return b64url(hashlib.sha256(f"{subject}:{app_id}".encode()).digest())


@dataclass(frozen=True)
class Unsigned:
    """An access token's claims before signing, with the moment of issue and of expiry."""

    claims: dict[str, Any]
    issued_at: int
    expires_on: int


@dataclass(frozen=True)
class IssuedToken:
    token: str
    claims: dict[str, Any]
    issued_at: int  # the moment of issue (iat is five minutes earlier)
    expires_on: int

    @property
    def expires_in(self) -> int:
        return self.expires_on - self.issued_at


class TokenIssuer:
    """Mints access and id tokens with the key ring's active key; times from the emulator's clock."""

    def __init__(self, keys: KeyRing, clock: Clock, rng: random.Random, lifetime: int | None = None) -> None:
        self.keys, self.clock, self.rng = keys, clock, rng
        self.lifetime = lifetime  # fixed lifetime in seconds (scenarios); None = Entra's 60-90 minutes
        self.worker: SigningWorker | None = None  # set by `serve` (emulator.signer)

    def _uti(self) -> str:
        return b64url(self.rng.getrandbits(128).to_bytes(16, "big"))[:22]

    def _times(self, lifetime: int | None) -> tuple[int, int]:
        now = int(self.clock.now())
        if lifetime is None:
            lifetime = self.lifetime if self.lifetime is not None else self.rng.randint(*LIFETIME_RANGE)
        return now, now + lifetime

    def sign(self, claims: Mapping[str, Any]) -> str:
        return self.keys.active.sign_jwt(claims)

    async def sign_async(self, claims: Mapping[str, Any]) -> str:
        """The same token as sign(), signed by the worker process when there is one (the event loop goes on)."""
        key = self.keys.active
        signing_input = key.signing_input(claims)
        signature = await self.worker.sign(key, signing_input) if self.worker is not None else None
        if self.keys.active is not key:
            return self.sign(claims)  # the keys rotated while the worker signed: the active key signs
        if signature is None:
            signature = key.signature(signing_input)  # no worker answer: signed here, the input encoded once
        return (signing_input + b"." + signature).decode("ascii")

    def issue(self, unsigned: Unsigned) -> IssuedToken:
        return IssuedToken(self.sign(unsigned.claims), unsigned.claims, unsigned.issued_at, unsigned.expires_on)

    async def issue_async(self, unsigned: Unsigned) -> IssuedToken:
        token = await self.sign_async(unsigned.claims)
        return IssuedToken(token, unsigned.claims, unsigned.issued_at, unsigned.expires_on)

    def user_claims(
        self,
        tenant: Tenant,
        app: App,
        user: User,
        amr: list[str],
        audience: str,
        *,
        ipaddr: str = "127.0.0.1",
        lifetime: int | None = None,
        issued_at: int | None = None,
    ) -> Unsigned:
        now, exp = self._times(lifetime)
        if issued_at is not None:
            exp, now = issued_at + (exp - now), issued_at
        claims: dict[str, Any] = {
            "aud": audience,
            "iss": v1_issuer(tenant.id),
            "iat": now - BACKDATE_SECONDS,
            "nbf": now - BACKDATE_SECONDS,
            "exp": exp,
            "acr": "1",
            "amr": list(amr),
            "appid": app.client_id,
            "appidacr": "1" if app.confidential else "0",
            "family_name": user.surname,
            "given_name": user.given_name,
            "ipaddr": ipaddr,
            "name": user.display_name,
            "oid": user.object_id,
            "scp": USER_IMPERSONATION,
            "sub": pairwise_sub(user.object_id, app.client_id),
            "tenant_region_scope": "NA",
            "tid": tenant.id,
            "unique_name": user.upn,
            "upn": user.upn,
            "uti": self._uti(),
            "ver": "1.0",
        }
        return Unsigned(claims, now, exp)

    def app_claims(
        self,
        tenant: Tenant,
        app: App,
        audience: str,
        *,
        lifetime: int | None = None,
        issued_at: int | None = None,
    ) -> Unsigned:
        now, exp = self._times(lifetime)
        if issued_at is not None:
            exp, now = issued_at + (exp - now), issued_at
        oid = service_principal_oid(app, tenant)
        claims: dict[str, Any] = {
            "aud": audience,
            "iss": v1_issuer(tenant.id),
            "iat": now - BACKDATE_SECONDS,
            "nbf": now - BACKDATE_SECONDS,
            "exp": exp,
            "appid": app.client_id,
            "appidacr": "1",
            "idp": v1_issuer(tenant.id),
        }
        if app.idtyp_claim:
            claims["idtyp"] = "app"
        claims["oid"] = oid
        if app.roles:
            claims["roles"] = list(app.roles)
        claims.update({"sub": oid, "tid": tenant.id, "uti": self._uti(), "ver": "1.0"})
        return Unsigned(claims, now, exp)

    def id_claims(
        self,
        issuer: str,
        tenant: Tenant,
        app: App,
        user: User,
        amr: list[str],
        *,
        v2: bool,
        nonce: str | None = None,
    ) -> dict[str, Any]:
        now = int(self.clock.now())
        claims: dict[str, Any] = {
            "aud": app.client_id,
            "iss": issuer,
            "iat": now - BACKDATE_SECONDS,
            "nbf": now - BACKDATE_SECONDS,
            "exp": now + 3600,
        }
        if nonce is not None:
            claims["nonce"] = nonce
        if v2:
            claims.update(
                {
                    "name": user.display_name,
                    "oid": user.object_id,
                    "preferred_username": user.upn,
                    "sub": pairwise_sub(user.object_id, app.client_id),
                    "tid": tenant.id,
                    "ver": "2.0",
                }
            )
        else:
            claims.update(
                {
                    "amr": list(amr),
                    "family_name": user.surname,
                    "given_name": user.given_name,
                    "name": user.display_name,
                    "oid": user.object_id,
                    "sub": pairwise_sub(user.object_id, app.client_id),
                    "tid": tenant.id,
                    "unique_name": user.upn,
                    "upn": user.upn,
                    "ver": "1.0",
                }
            )
        return claims
