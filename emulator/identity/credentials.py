"""Client authentication for every grant: which app is calling, and does it prove it.

The one place that reads client credentials: a secret in the form body (client_secret) or in HTTP Basic. A
confidential app must prove itself; a public app must not send a secret (Entra: AADSTS700025).
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Mapping

from emulator.identity import errors
from emulator.identity.errors import EntraError
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


def authenticate_client(world: World, form: Mapping[str, str], authorization: str | None, tenant_segment: str) -> App:
    """The app making a token request, once it has proven itself as its registration requires."""
    basic_id, basic_secret = _basic(authorization)
    client_id = form.get("client_id") or basic_id
    if not client_id:
        raise errors.missing_parameter("client_id")
    app = world.apps.get(client_id.strip().lower())
    if app is None:
        raise errors.unknown_client(client_id, tenant_segment)
    secret = form.get("client_secret") or basic_secret
    if app.confidential:
        if not secret:
            raise errors.missing_secret()
        if not hmac.compare_digest(secret.encode(), (app.secret or "").encode()):
            raise errors.invalid_secret(app.client_id)
    elif secret:
        raise errors.secret_from_public_client()
    return app
