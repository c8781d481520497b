"""What every grant shares: the request's form and tenant, the client, the target resource, and the answers.

A grant (one module of this package) reads what it needs from a TokenRequest and returns the token response's
body; Entra's errors are raised as EntraError.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from emulator.identity import errors
from emulator.identity.credentials import ClientCheck, authenticate_client
from emulator.identity.discovery import MULTI_TENANT, issuer_origin, origin
from emulator.state import EmulatorState
from emulator.tokens import USER_IMPERSONATION, IssuedToken, Resource
from emulator.world import App, Tenant, User

OIDC_SCOPES = frozenset({"openid", "profile", "offline_access", "email"})
# The grants a public-flow app ("Allow public client flows") may use without a client credential.
PUBLIC_FLOWS = frozenset({"password", "urn:ietf:params:oauth:grant-type:device_code"})


@dataclass(frozen=True)
class Target:
    """What the caller asked a token for: the resource, the `aud` to put in it and how to echo the request."""

    resource: Resource
    aud: str
    named: str  # the resource as the caller wrote it (v1 `resource`, v2 scope prefix)
    permission: str  # user_impersonation or .default
    oidc: frozenset[str]


class TokenRequest:
    """One token request: its form, the tenant in its path, and what every grant needs to answer it."""

    def __init__(self, state: EmulatorState, request: Request, params: dict[str, str], *, v2: bool) -> None:
        self.state, self.request, self.params, self.v2 = state, request, params, v2
        self.segment: str = request.path_params["tenant"]
        self.now = state.clock.now()
        # For the journal: who signed in and what the issued token proves (never a secret or a token).
        self.upn: str | None = None
        self.amr: tuple[str, ...] | None = None

    def param(self, name: str) -> str:
        value = self.params.get(name)
        if not value:
            raise errors.missing_parameter(name)
        return value

    # --- who is asking --------------------------------------------------------------------------------------

    def path_tenant(self) -> Tenant | None:
        """The tenant named in the path; None for common/organizations (resolved from the user later)."""
        if self.segment.lower() in MULTI_TENANT:
            return None
        tenant = self.state.world.tenant(self.segment)
        if tenant is None:
            raise errors.unknown_tenant(self.segment)
        return tenant

    def client(self) -> App:
        """The calling app, authenticated (identity.credentials)."""
        check = ClientCheck(
            token_urls=self.token_urls,
            now=self.now,
            skew=self.state.config.clock_skew,
            public_flow=self.params.get("grant_type") in PUBLIC_FLOWS,
            local_issuer=self.state.local_issuer,
        )
        return authenticate_client(
            self.state.world, self.params, self.request.headers.get("authorization"), self.segment, check
        )

    def token_urls(self) -> set[str]:
        """The token endpoint, v1 and v2, as a client may name it in an assertion's `aud`: on this host, for the
        path's tenant segment, the tenant's id or any of its domains (lower case, no trailing slash)."""
        names = {self.segment.lower()}
        tenant = self.state.world.tenant(self.segment)
        if tenant is not None:
            names |= {tenant.id, *tenant.domains}
        base = origin(self.request).lower()
        return {f"{base}/{name}/oauth2{version}/token" for name in names for version in ("", "/v2.0")}

    # --- what for -------------------------------------------------------------------------------------------

    def target(self, tenant_name: str, default_aud: str | None = None) -> Target:
        if not self.v2:
            named = self.params.get("resource")
            if not named:
                if default_aud is None:
                    raise errors.missing_parameter("resource")
                named = default_aud
            found = Resource.resolve(named)
            if found is None:
                raise errors.unknown_resource(named, tenant_name)
            v1_oidc = frozenset(self.params.get("scope", "").split()) & OIDC_SCOPES
            return Target(found[0], found[1], named, USER_IMPERSONATION, v1_oidc)
        scope = self.params.get("scope", "")
        if not scope.strip():
            raise errors.missing_parameter("scope")
        oidc: set[str] = set()
        targets: list[tuple[str, str]] = []
        for item in scope.split():
            if item in OIDC_SCOPES:
                oidc.add(item)
                continue
            prefix, slash, permission = item.rpartition("/")
            if not slash or not prefix:
                raise errors.invalid_scope(f"The scope '{item}' does not name a resource.")
            targets.append((prefix, permission))
        if not targets:
            raise errors.invalid_scope(
                "The scope names no resource; ask for https://api.partnercenter.microsoft.com/user_impersonation."
            )
        if len({prefix.rstrip("/").lower() for prefix, _ in targets}) > 1:
            raise errors.invalid_scope("The scopes name more than one resource; ask for one resource per token.")
        named, permission = targets[0]
        found = Resource.resolve(named)
        if found is None:
            raise errors.unknown_resource(named, tenant_name)
        if permission not in (USER_IMPERSONATION, ".default"):
            raise errors.invalid_scope(f"The scope '{named}/{permission}' does not exist on the resource.")
        return Target(found[0], found[1], named, permission, frozenset(oidc))

    # --- answers --------------------------------------------------------------------------------------------

    def issuer_url(self, tenant: Tenant) -> str:
        return f"{issuer_origin(self.request)}/{tenant.id}/v2.0" if self.v2 else f"https://sts.windows.net/{tenant.id}/"

    def app_response(self, issued: IssuedToken, target: Target) -> dict[str, Any]:
        if self.v2:
            return {
                "token_type": "Bearer",
                "expires_in": issued.expires_in,
                "ext_expires_in": issued.expires_in,
                "access_token": issued.token,
            }
        return _v1_body(issued, target)

    async def user_response(
        self, tenant: Tenant, app: App, user: User, amr: list[str], target: Target, nonce: str | None = None
    ) -> dict[str, Any]:
        state = self.state
        if not state.world.consented(app):
            raise errors.consent_missing(app.client_id, app.display_name)
        self.upn, self.amr = user.upn, tuple(amr)
        issuer = state.issuer
        unsigned = issuer.user_claims(tenant, app, user, amr, target.aud, ipaddr=self.client_ip())
        # Everything that changes state before the signature is awaited: a reset meanwhile forgets this grant too.
        refresh = state.refresh_tokens.issue(app.client_id, tenant.id, user.object_id, amr, self.now)
        issued = await issuer.issue_async(unsigned)
        body: dict[str, Any]
        if self.v2:
            body = {
                "token_type": "Bearer",
                "scope": f"{target.named}/{USER_IMPERSONATION}",
                "expires_in": issued.expires_in,
                "ext_expires_in": issued.expires_in,
                "access_token": issued.token,
            }
            # Entra v2 returns a refresh token only for offline_access and an id_token only for openid.
            if "offline_access" in target.oidc:
                body["refresh_token"] = refresh
            if "openid" in target.oidc:
                body["id_token"] = await issuer.sign_async(
                    issuer.id_claims(self.issuer_url(tenant), tenant, app, user, amr, v2=True, nonce=nonce)
                )
            info = f'{{"uid":"{user.object_id}","utid":"{tenant.id}"}}'.encode()
            body["client_info"] = base64.urlsafe_b64encode(info).rstrip(b"=").decode()
            return body
        body = _v1_body(issued, target, scope=USER_IMPERSONATION)
        body["refresh_token"] = refresh
        if "openid" in target.oidc:
            body["id_token"] = await issuer.sign_async(
                issuer.id_claims(self.issuer_url(tenant), tenant, app, user, amr, v2=False, nonce=nonce)
            )
        return body

    def client_ip(self) -> str:
        client = self.request.client
        return client.host if client else "127.0.0.1"


def _v1_body(issued: IssuedToken, target: Target, *, scope: str | None = None) -> dict[str, Any]:
    """A v1 token answer: every number a string, as the v1 endpoint writes them (enable-secure-app-model.md)."""
    body: dict[str, Any] = {"token_type": "Bearer"}
    if scope is not None:
        body["scope"] = scope
    return body | {
        "expires_in": str(issued.expires_in),
        "ext_expires_in": str(issued.expires_in),
        "expires_on": str(issued.expires_on),
        "not_before": str(issued.claims["nbf"]),
        "resource": target.named,
        "access_token": issued.token,
    }
