"""Verifying the access tokens that Partner Center calls carry: the emulator's own keys only (RS256), then aud, iss,
exp and nbf with the allowed skew. Also reading a token's claims without verifying them (for `pcemu check`)."""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Callable, Mapping
from typing import Any

import jwt

from emulator.clock import Clock
from emulator.keys import KeyRing
from emulator.profiles import ACCEPTED_AUDIENCES, PARTNER_CENTER_RESOURCE
from emulator.tokens import v1_issuer

# Header parameters that point at keys outside the emulator, or demand extensions we do not implement.
_FORBIDDEN_HEADERS = frozenset({"jku", "x5u", "jwk", "x5c", "crit"})


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
        for name in ("exp", "nbf", "iat"):
            value = claims.get(name)
            if name == "iat" and value is None:
                continue
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise InvalidToken(f"the token has no numeric '{name}' claim")
            if not math.isfinite(value):
                raise InvalidToken(f"the token's '{name}' claim is {value}, not a time")
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
