"""Entra's grants, one module each behind one interface: `grant(TokenRequest) -> the token response's body`.

GRANTS maps a request's grant_type to its grant; the token endpoint answers unsupported_grant_type for others.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from emulator.identity.grants import authorization_code, client_credentials, device_code, password, refresh_token
from emulator.identity.grants.request import TokenRequest

Grant = Callable[[TokenRequest], Awaitable[dict[str, Any]]]

GRANTS: dict[str, Grant] = {
    "client_credentials": client_credentials.grant,
    "password": password.grant,
    "refresh_token": refresh_token.grant,
    "authorization_code": authorization_code.grant,
    # The standard name (RFC 8628), and the short one that adal sends.
    "urn:ietf:params:oauth:grant-type:device_code": device_code.grant,
    "device_code": device_code.grant,
}
