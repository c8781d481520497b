"""Client assertions (RFC 7523 `private_key_jwt`, Entra's certificate credentials): a JWT the app signs with a
registered certificate's key, checked as Entra checks it. Entra's certificate-credentials.md lists the claims:
`aud` the token endpoint, `iss` and `sub` the client id, `exp`, `nbf`, `jti`; the header names the certificate
by `x5t`, `x5t#S256` or `kid` (the keyId).

The codes and texts are Entra's (reference-error-codes.md and real answers quoted in client libraries' issues;
the fidelity table cites each). Keys are never fetched: `jku`, `x5u` and `jwk` headers are ignored, and only a
registered certificate can verify an assertion.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import jwt

from emulator.appcerts import AppCertificate
from emulator.identity import errors

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# RS256-512 as Entra's 5002738 text lists them, and PS256, which certificate-credentials.md (2025) and MSAL's
# SHA-256 path sign with.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256")
MAX_ASSERTION = 16 * 1024  # [I] an x5c chain of three certificates fits; Entra's own limit is not documented
JWT_TYPES = ("JWT", "http://openid.net/specs/jwt/1.0")


def _time(claims: dict[str, Any], name: str) -> float | None:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def entra_time(epoch: float) -> str:
    """Times in 700024's text: seven digits of fraction (2023-12-11T23:52:19.6223401Z)."""
    moment = datetime.fromtimestamp(min(max(epoch, 0.0), 253402300799.0), UTC)  # within years 1970-9999
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond:06d}0Z"


def header_of(assertion: str) -> dict[str, Any]:
    """The JOSE header of an assertion of a sane size and type; else 50027 or 5002727."""
    if len(assertion) > MAX_ASSERTION:
        raise errors.assertion_malformed()
    try:
        header = jwt.get_unverified_header(assertion)
    except jwt.PyJWTError:
        raise errors.assertion_malformed() from None
    if "typ" in header and header["typ"] not in JWT_TYPES:
        raise errors.assertion_header_type()
    algorithm = header.get("alg")
    if algorithm not in ALGORITHMS:
        raise errors.assertion_algorithm(str(algorithm)[:32])
    return header


def claimed_client(assertion: str) -> str | None:
    """The client an assertion says it is (`iss`), read before anything is verified: RFC 7523 lets a client leave
    `client_id` out of the form (authlib does); the assertion is then checked against that client."""
    try:
        claims = jwt.decode(assertion, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    issuer = claims.get("iss")
    return issuer if isinstance(issuer, str) else None


def signed_claims(assertion: str, key: Any, algorithm: str) -> dict[str, Any]:
    """The claims, once the signature verifies with `key`; 700027 when it does not."""
    try:
        claims: dict[str, Any] = jwt.decode(
            assertion,
            key,
            algorithms=[algorithm],
            options={"verify_exp": False, "verify_nbf": False, "verify_iat": False, "verify_aud": False,
                     "verify_iss": False},
        )  # fmt: skip
    except jwt.InvalidSignatureError:
        raise errors.assertion_signature() from None
    except jwt.PyJWTError:
        raise errors.assertion_malformed() from None
    return claims


def check_time(claims: dict[str, Any], now: float, skew: float) -> None:
    expires, not_before = _time(claims, "exp"), _time(claims, "nbf")
    if expires is None or now > expires + skew or (not_before is not None and not_before > now + skew):
        raise errors.assertion_time(entra_time(now), entra_time(not_before or 0.0), entra_time(expires or 0.0))


def audience(claims: dict[str, Any]) -> str:
    value = claims.get("aud")
    if value is None:
        raise errors.assertion_missing_field("aud")
    if not isinstance(value, str):
        raise errors.assertion_malformed()  # an array gets 50027 (panva/openid-client #348)
    return value


def verify_certificate(
    assertion: str,
    client_id: str,
    certificates: Iterable[AppCertificate],
    token_urls: set[str],
    *,
    now: float,
    skew: float,
) -> AppCertificate:
    """The certificate that signed a valid assertion for this client and endpoint; else Entra's error.

    A `jti` seen before is accepted, as Entra accepts it: MSAL reuses one signed assertion for 9 minutes."""
    header = header_of(assertion)
    # MSAL writes x5t with base64 padding ('…344='): compare without it.
    names = {str(header[n]).rstrip("=") for n in ("x5t", "x5t#S256", "kid") if isinstance(header.get(n), str)}
    if not names:
        raise errors.assertion_no_key_id()
    certificate = next((c for c in certificates if c.names() & names), None)
    if certificate is None:
        shown = header.get("x5t") or header.get("x5t#S256") or header.get("kid") or ""
        raise errors.assertion_key_not_found(client_id, str(shown)[:64])
    claims = signed_claims(assertion, certificate.certificate.public_key(), header["alg"])
    for name in ("iss", "aud"):
        if name not in claims:
            raise errors.assertion_missing_field(name)
    issuer, subject = claims.get("iss"), claims.get("sub")
    if not isinstance(issuer, str) or issuer.lower() != client_id:  # a client id's case does not matter
        raise errors.assertion_client_mismatch()
    if not isinstance(subject, str) or subject.lower() != issuer.lower():
        raise errors.assertion_subject_not_issuer()
    if audience(claims).rstrip("/").lower() not in token_urls:
        raise errors.assertion_audience()
    check_time(claims, now, skew)
    return certificate
