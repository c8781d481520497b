"""Workload identity federation: an app trusts tokens of an external issuer for a subject and an audience (Microsoft
Graph's federatedIdentityCredential), as Entra trusts a CI pipeline's OIDC token.

Offline, the one issuer whose keys the emulator knows is its own local test issuer, `LOCAL_ISSUER`: it plays the
CI system. Its discovery document and keys are served under /_emulator/oidc/, and the control API mints its tokens
(POST /_emulator/oidc/token). The emulator never fetches another issuer's keys: an assertion from any other issuer
gets Entra's answer for an unreachable OIDC endpoint (90061).

Checks, in Entra's terms (docs/sources/entra-assertion-errors.md §3): the issuer names a federated credential of
the app (700211), the signature, the audience (700212), the subject, compared case-sensitively (700213; 7002138
when only the case differs), `exp` and `nbf` (700024).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from emulator.identity import errors
from emulator.identity.assertions import audience, check_time, header_of, signed_claims
from emulator.keys import KeyRing, generate_key

LOCAL_ISSUER = "https://oidc.pcemu.localhost"  # a *.localhost name: never a real issuer (RFC 6761)
EXCHANGE_AUDIENCE = "api://AzureADTokenExchange"  # Entra's recommended audience for federated credentials


@dataclass(frozen=True)
class FederatedCredential:
    name: str
    issuer: str
    subject: str
    audiences: tuple[str, ...] = (EXCHANGE_AUDIENCE,)
    description: str = ""
    runtime: bool = False

    def document(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "issuer": self.issuer,
            "subject": self.subject,
            "audiences": list(self.audiences),
            "description": self.description,
        }


class LocalIssuer:
    """The CI system's token issuer: its own key (new at every start), discovery document and token minting."""

    def __init__(self, now: Callable[[], float]) -> None:
        self.now = now  # the emulator's clock: a minted token is valid in the emulator's time

    @cached_property
    def keys(self) -> KeyRing:
        # Made on first use: an RSA key costs ~0.1 s, and most runs never play a CI job.
        return KeyRing(generate_key())

    def discovery(self, origin: str) -> dict[str, Any]:
        return {
            "issuer": LOCAL_ISSUER,
            "jwks_uri": f"{origin}/_emulator/oidc/keys",
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public", "pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "claims_supported": ["sub", "aud", "exp", "iat", "iss", "jti", "nbf"],
        }

    def mint(self, subject: str, audience: str = EXCHANGE_AUDIENCE, lifetime: int = 600) -> str:
        now = int(self.now())
        claims = {
            "jti": str(uuid.uuid4()),
            "sub": subject,
            "aud": audience,
            "iss": LOCAL_ISSUER,
            "nbf": now - 5,
            "iat": now,
            "exp": now + lifetime,
        }
        return self.keys.active.sign_jwt(claims)


def verify_federated(
    assertion: str,
    credentials: tuple[FederatedCredential, ...],
    local: LocalIssuer,
    issuer: str,
    *,
    now: float,
    skew: float,
) -> FederatedCredential:
    """The federated credential a valid external token matches; else Entra's error."""
    trusted = [c for c in credentials if c.issuer == issuer]
    if not trusted:
        raise errors.federated_no_match(700211, "issuer", issuer[:256])
    header = header_of(assertion)
    if issuer != LOCAL_ISSUER:
        raise errors.federated_issuer_unreachable()
    key = local.keys.by_kid(str(header.get("kid", "")))
    if key is None:
        raise errors.assertion_signature()
    claims = signed_claims(assertion, key.public_key, header["alg"])
    presented = audience(claims)
    trusted = [c for c in trusted if presented in c.audiences]
    if not trusted:
        raise errors.federated_no_match(700212, "audience", presented[:256])
    subject = claims.get("sub")
    match = next((c for c in trusted if c.subject == subject), None)
    if match is None:
        if isinstance(subject, str) and any(c.subject.lower() == subject.lower() for c in trusted):
            raise errors.federated_subject_case(subject[:256])  # Azure/login #515
        raise errors.federated_no_match(700213, "subject", str(subject)[:256])
    check_time(claims, now, skew)
    return match
