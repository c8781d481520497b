"""Client authentication for every grant: which app is calling, and does it prove it.

The one place that reads client credentials: a secret in the form body (client_secret) or in HTTP Basic, or a
client assertion signed with one of the app's certificates (`client_assertion_type` jwt-bearer). A confidential
app must prove itself, except in a password or device-code sign-in when the app allows public client flows; a
public app must not send a credential (Entra: AADSTS700025). Sending a secret and an assertion together is not
documented: both must then be valid [I].
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from emulator.identity import errors
from emulator.identity.assertions import ASSERTION_TYPE, claimed_client, verify_certificate
from emulator.identity.errors import EntraError
from emulator.identity.federation import LocalIssuer, verify_federated
from emulator.world import App, World


def _basic(authorization: str | None) -> tuple[str | None, str | None]:
    """(client id, secret) from an `Authorization: Basic` header; (None, None) without one."""
    if not authorization or not authorization.lower().startswith("basic "):
        return None, None
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise EntraError(
            401,
            "invalid_client",
            7000216,
            "The client credentials in the Authorization header are malformed.",
        ) from None
    client_id, _, secret = decoded.partition(":")
    return client_id or None, secret or None


@dataclass(frozen=True)
class ClientCheck:
    """What a client's credential is checked against: the token endpoint's URLs (an assertion's `aud`), the
    emulator's clock and skew, and whether the grant may go without a credential for a public-flow app."""

    token_urls: Callable[[], set[str]]  # called only for an assertion: a secret's request never builds them
    now: float
    skew: float
    public_flow: bool
    local_issuer: LocalIssuer | None = None  # the test issuer of federated credentials


def authenticate_client(
    world: World, form: Mapping[str, str], authorization: str | None, tenant_segment: str, check: ClientCheck
) -> App:
    """The app making a token request, once it has proven itself as its registration requires."""
    basic_id, basic_secret = _basic(authorization)
    client_id = form.get("client_id") or basic_id
    assertion = form.get("client_assertion")
    assertion_type = form.get("client_assertion_type")
    if assertion and assertion_type != ASSERTION_TYPE:
        raise errors.missing_parameter("client_assertion_type") if not assertion_type else errors.assertion_malformed()
    if not client_id and assertion:
        client_id = claimed_client(assertion)  # [I] Entra's answer without client_id is not documented
    if not client_id:
        raise errors.missing_parameter("client_id")
    app = world.apps.get(client_id.strip().lower())
    if app is None:
        raise errors.unknown_client(client_id, tenant_segment)
    secret = form.get("client_secret") or basic_secret
    if not app.confidential:
        if secret or assertion:
            raise errors.secret_from_public_client()
        if check.public_flow and not app.public_client_flows:
            raise errors.missing_secret()
        return app
    if not secret and not assertion:
        if check.public_flow and app.public_client_flows:
            return app
        raise errors.missing_secret()
    if secret and not hmac.compare_digest(secret.encode(), (app.secret or "").encode()):
        raise errors.invalid_secret(app.client_id)
    if assertion:
        issuer = claimed_client(assertion)
        if issuer is not None and "://" in issuer and check.local_issuer is not None:
            # An issuer URL, not a client id: an external token for a federated credential (Entra: 700211 if none
            # matches, MSAL Python #739); a client id goes the certificate way (700021 if not this client's) [I].
            verify_federated(
                assertion, world.federated(app), check.local_issuer, issuer, now=check.now, skew=check.skew
            )
        else:
            verify_certificate(
                assertion, app.client_id, world.certificates(app), check.token_urls(), now=check.now, skew=check.skew
            )
    return app
