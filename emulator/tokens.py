"""Access tokens shaped like Entra's v1 tokens for Partner Center: minted with the active key, verified strictly."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import random
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import jwt

from emulator.clock import Clock
from emulator.keys import KeyRing, b64url
from emulator.profiles import ACCEPTED_AUDIENCES, GRAPH_AUDIENCE, PARTNER_CENTER_APP_ID, PARTNER_CENTER_RESOURCE
from emulator.world import App, Tenant, User

if TYPE_CHECKING:
    from emulator.signer import SigningWorker

GRAPH_RESOURCE = GRAPH_AUDIENCE
GRAPH_APP_ID = "00000002-0000-0000-c000-000000000000"
USER_IMPERSONATION = "user_impersonation"

# Entra: iat = nbf = five minutes before issue; lifetime drawn between 60 and 90 minutes.
BACKDATE_SECONDS = 300
LIFETIME_RANGE = (3600, 5400)

# Header parameters that point at keys outside the emulator, or demand extensions we do not implement.
_FORBIDDEN_HEADERS = frozenset({"jku", "x5u", "jwk", "x5c", "crit"})


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

    def user_token(
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
    ) -> IssuedToken:
        return self.issue(
            self.user_claims(tenant, app, user, amr, audience, ipaddr=ipaddr, lifetime=lifetime, issued_at=issued_at)
        )

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

    def app_token(
        self,
        tenant: Tenant,
        app: App,
        audience: str,
        *,
        lifetime: int | None = None,
        issued_at: int | None = None,
    ) -> IssuedToken:
        return self.issue(self.app_claims(tenant, app, audience, lifetime=lifetime, issued_at=issued_at))

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

    def id_token(
        self,
        issuer: str,
        tenant: Tenant,
        app: App,
        user: User,
        amr: list[str],
        *,
        v2: bool,
        nonce: str | None = None,
    ) -> str:
        return self.sign(self.id_claims(issuer, tenant, app, user, amr, v2=v2, nonce=nonce))

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


class InvalidToken(Exception):
    """The token is refused; the message says why in words a person understands (never echoes the token)."""


def _b64json(segment: str, what: str) -> Any:
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        raise InvalidToken(f"the token's {what} is not base64url") from None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise InvalidToken(f"the token's {what} is not JSON") from None


MAX_TOKEN_LENGTH = 16 * 1024  # real Entra access tokens are 1-4 KB
CACHE_SIZE = 10_000


class TokenVerifier:
    """Verifies Partner Center access tokens: RS256 with the emulator's own keys only, then aud, iss, exp, nbf.

    Verified claims are cached by the whole token string until they expire (bounded, emptied when keys change);
    a cache hit still checks the times against the clock.
    """

    def __init__(self, keys: KeyRing, clock: Clock, known_tenant: Callable[[str], bool], skew: float = 300) -> None:
        self.keys, self.clock, self.known_tenant, self.skew = keys, clock, known_tenant, skew
        # token -> (claims, kid); a hit re-checks that the key still verifies (rotation, grace periods).
        self._cache: dict[str, tuple[dict[str, Any], str]] = {}
        self._generation = keys.generation

    def forget(self) -> None:
        self._cache.clear()

    def signed_here(self, token: str) -> bool:
        """Whether the emulator's own keys signed this token (whatever its times), for the token checker."""
        try:
            self._verify_signed(token)
        except InvalidToken:
            return False
        return True

    def verify(self, token: str) -> dict[str, Any]:
        if self._generation != self.keys.generation:
            self._cache.clear()  # keys rotated: nothing verified with the old set is trusted from memory
            self._generation = self.keys.generation
        cached = self._cache.get(token)
        if cached is None or self.keys.by_kid(cached[1]) is None:
            claims, kid = self._verify_signed(token)
            if len(self._cache) >= CACHE_SIZE:
                # Drop the oldest entry (dicts keep insertion order): bounded without a second structure.
                self._cache.pop(next(iter(self._cache)))
            self._cache[token] = (claims, kid)
        else:
            claims = cached[0]
        self._check_times(claims)
        return claims

    def _check_times(self, claims: Mapping[str, Any]) -> None:
        now = self.clock.now()
        if now > claims["exp"] + self.skew:
            raise InvalidToken(
                f"the token expired at {int(claims['exp'])} (now {int(now)}, allowed skew {int(self.skew)} s)"
            )
        if now < claims["nbf"] - self.skew:
            raise InvalidToken(f"the token is not valid before {int(claims['nbf'])} (now {int(now)})")

    def _verify_signed(self, token: str) -> tuple[dict[str, Any], str]:
        if len(token) > MAX_TOKEN_LENGTH:
            raise InvalidToken(f"the token is {len(token)} characters long; no Entra token is that large")
        if not token.isascii():
            raise InvalidToken("the token has characters outside ASCII; a JWT is base64url text")
        if "=" in token:
            raise InvalidToken("the token has base64 padding; a JWT's segments are unpadded base64url")
        parts = token.split(".")
        if len(parts) != 3 or not all(parts[:2]):
            raise InvalidToken("the token is not a signed JWT (expected three dot-separated parts)")
        header = _b64json(parts[0], "header")
        if not isinstance(header, dict):
            raise InvalidToken("the token's header is not a JSON object")
        alg = header.get("alg")
        if alg != "RS256":
            raise InvalidToken(f"the token's algorithm {json.dumps(alg)} is not accepted; only RS256 is")
        forbidden = sorted(_FORBIDDEN_HEADERS.intersection(header))
        if forbidden:
            raise InvalidToken(
                f"the token's header names {', '.join(forbidden)}; keys are taken only from the emulator's JWKS"
            )
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise InvalidToken("the token's header has no 'kid'")
        key = self.keys.by_kid(kid)
        if key is None:
            raise InvalidToken(
                "the token was signed with a key the emulator does not publish (unknown or retired 'kid')"
            )
        try:
            claims = jwt.decode(
                token,
                key.public_key,
                algorithms=["RS256"],
                options={
                    "verify_signature": True,
                    "verify_exp": False,  # times are checked against the emulator's clock below
                    "verify_nbf": False,
                    "verify_iat": False,
                    "verify_aud": False,
                    "verify_iss": False,
                },
            )
        except jwt.InvalidSignatureError:
            raise InvalidToken("the token's signature does not verify") from None
        except jwt.PyJWTError:
            raise InvalidToken("the token is malformed") from None
        if not isinstance(claims, dict):
            raise InvalidToken("the token's payload is not a JSON object")
        for name in ("exp", "nbf"):
            value = claims.get(name)
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise InvalidToken(f"the token has no numeric '{name}' claim")
        aud = claims.get("aud")
        if aud not in ACCEPTED_AUDIENCES:
            raise InvalidToken(
                f"the token's audience {json.dumps(aud)} is not Partner Center ({PARTNER_CENTER_RESOURCE})"
            )
        tid = claims.get("tid")
        if not isinstance(tid, str) or not self.known_tenant(tid):
            raise InvalidToken(f"the token's tenant {json.dumps(tid)} is not a tenant of this emulator")
        if claims.get("iss") != v1_issuer(tid):
            raise InvalidToken(f"the token's issuer {json.dumps(claims.get('iss'))} is not {v1_issuer(tid)}")
        return claims, kid


def decode_unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(header, claims) without any check, for display only."""
    parts = token.split(".")
    if len(parts) < 2:
        raise InvalidToken("not a JWT")
    header, claims = _b64json(parts[0], "header"), _b64json(parts[1], "payload")
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise InvalidToken("not a JWT")
    return header, claims
