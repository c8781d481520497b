"""Entra's token endpoints, v1 (`resource=`) and v2 (`scope=`): client credentials, password, refresh token."""

from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from emulator.clock import iso
from emulator.faults import DROP, headers_for
from emulator.identity import errors
from emulator.identity.discovery import MULTI_TENANT, origin
from emulator.identity.errors import NO_STORE, EntraError, entra_error_response
from emulator.identity.interactive import CODE_LIFETIME, DEVICE_CODE_LIFETIME, pkce_matches
from emulator.journal import Entry
from emulator.state import EmulatorState
from emulator.tokens import USER_IMPERSONATION, IssuedToken, Resource
from emulator.world import App, Tenant, User

OIDC_SCOPES = frozenset({"openid", "profile", "offline_access", "email"})
DEVICE_CODE_GRANTS = ("urn:ietf:params:oauth:grant-type:device_code", "device_code")


@dataclass(frozen=True)
class Target:
    """What the caller asked a token for: the resource, the `aud` to put in it and how to echo the request."""

    resource: Resource
    aud: str
    named: str  # the resource as the caller wrote it (v1 `resource`, v2 scope prefix)
    permission: str  # user_impersonation or .default
    oidc: frozenset[str]


class TokenRequest:
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

    def client_credentials_from_basic(self) -> tuple[str | None, str | None]:
        header = self.request.headers.get("authorization", "")
        if not header.lower().startswith("basic "):
            return None, None
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise EntraError(
                401,
                "invalid_client",
                7000216,
                "The client credentials in the Authorization header are malformed.",
            ) from None
        client_id, _, secret = decoded.partition(":")
        return client_id or None, secret or None

    def client(self) -> App:
        basic_id, basic_secret = self.client_credentials_from_basic()
        client_id = self.params.get("client_id") or basic_id
        if not client_id:
            raise errors.missing_parameter("client_id")
        app = self.state.world.apps.get(client_id.strip().lower())
        if app is None:
            raise errors.unknown_client(client_id, self.segment)
        secret = self.params.get("client_secret") or basic_secret
        if app.confidential:
            if not secret:
                raise errors.missing_secret()
            if not hmac.compare_digest(secret.encode(), (app.secret or "").encode()):
                raise errors.invalid_secret(app.client_id)
        elif secret:
            raise errors.secret_from_public_client()
        return app

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
        return f"{origin(self.request)}/{tenant.id}/v2.0" if self.v2 else f"https://sts.windows.net/{tenant.id}/"

    def app_response(self, issued: IssuedToken, target: Target) -> dict[str, Any]:
        if self.v2:
            return {
                "token_type": "Bearer",
                "expires_in": issued.expires_in,
                "ext_expires_in": issued.expires_in,
                "access_token": issued.token,
            }
        return {
            "token_type": "Bearer",
            "expires_in": str(issued.expires_in),
            "ext_expires_in": str(issued.expires_in),
            "expires_on": str(issued.expires_on),
            "not_before": str(issued.claims["nbf"]),
            "resource": target.named,
            "access_token": issued.token,
        }

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
        body = {
            "token_type": "Bearer",
            "scope": USER_IMPERSONATION,
            "expires_in": str(issued.expires_in),
            "ext_expires_in": str(issued.expires_in),
            "expires_on": str(issued.expires_on),
            "not_before": str(issued.claims["nbf"]),
            "resource": target.named,
            "access_token": issued.token,
            "refresh_token": refresh,
        }
        if "openid" in target.oidc:
            body["id_token"] = await issuer.sign_async(
                issuer.id_claims(self.issuer_url(tenant), tenant, app, user, amr, v2=False, nonce=nonce)
            )
        return body

    def client_ip(self) -> str:
        client = self.request.client
        return client.host if client else "127.0.0.1"

    # --- grants ---------------------------------------------------------------------------------------------

    async def client_credentials(self) -> dict[str, Any]:
        tenant = self.path_tenant()
        if tenant is None:
            raise errors.no_tenant_information()
        app = self.client()
        target = self.target(tenant.id)
        if self.v2 and target.permission != ".default":
            raise errors.client_credentials_scope(self.params.get("scope", ""))
        issuer = self.state.issuer
        issued = await issuer.issue_async(issuer.app_claims(tenant, app, target.aud))
        return self.app_response(issued, target)

    async def password(self) -> dict[str, Any]:
        tenant = self.path_tenant()
        username = self.param("username")
        self.upn = username
        password = self.param("password")
        app = self.client()
        domain = username.rpartition("@")[2]
        home = tenant or self.state.world.tenant(domain)
        if home is None:
            raise errors.unknown_user(username, self.segment)
        target = self.target(home.id)
        user = self.state.world.user(username)
        if user is None or user.tenant_id != home.id:
            raise errors.unknown_user(username, home.domain)
        if not hmac.compare_digest(password.encode(), user.password.encode()):
            raise errors.bad_credentials()
        if user.mfa_required:
            raise errors.mfa_required(target.resource.app_id)
        if not self.state.world.consented(app):
            raise errors.consent_missing(app.client_id, app.display_name)
        # A password sign-in proves a password and nothing more: it can never satisfy MFA.
        return await self.user_response(home, app, user, ["pwd"], target)

    async def refresh_token(self) -> dict[str, Any]:
        tenant = self.path_tenant()
        token = self.param("refresh_token")
        app = self.client()
        refresh_tokens = self.state.refresh_tokens
        grant = refresh_tokens.get(token)
        if grant is None or grant.revoked:
            raise errors.malformed_grant()
        if grant.client_id != app.client_id:
            raise errors.grant_not_for_client()
        if tenant is not None and tenant.id != grant.tenant_id:
            raise errors.malformed_grant()
        inactive = self.now - grant.last_used
        if inactive > self.state.refresh_inactivity:
            raise errors.refresh_token_inactive(iso(grant.issued_at), inactive / 86400)
        home = self.state.world.tenants.get(grant.tenant_id)
        user = self.state.world.user_by_oid(grant.user_oid)
        if home is None or user is None:
            raise errors.malformed_grant()
        target = self.target(home.id, default_aud="https://api.partnercenter.microsoft.com")
        amr = list(grant.amr)
        if user.mfa_required and "mfa" not in amr:
            raise errors.mfa_required(target.resource.app_id)
        refresh_tokens.touch(grant, self.now)
        return await self.user_response(home, app, user, amr, target)

    async def authorization_code(self) -> dict[str, Any]:
        self.path_tenant()
        value = self.param("code")
        app = self.client()
        interactive = self.state.interactive
        with interactive.lock:
            code = interactive.codes.get(value)
            if code is None or self.now - code.created > CODE_LIFETIME:
                raise errors.code_expired()
            if code.used:
                raise errors.code_redeemed()
            if code.client_id != app.client_id:
                raise errors.grant_not_for_client()
            redirect = self.params.get("redirect_uri")
            if (redirect or self.v2) and redirect != code.redirect_uri:
                raise errors.redirect_mismatch()
            if not pkce_matches(code, self.params.get("code_verifier")):
                raise errors.pkce_mismatch()
            code.used = True
        home = self.state.world.tenants[code.tenant_id]
        user = self.state.world.user_by_oid(code.user_oid)
        if user is None:
            raise errors.malformed_grant()
        if not self.v2 and not self.params.get("resource") and code.resource:
            self.params["resource"] = code.resource
        if self.v2 and not self.params.get("scope"):
            self.params["scope"] = code.scope
        if not self.v2 and "openid" in code.scope.split() and "openid" not in self.params.get("scope", "").split():
            self.params["scope"] = (self.params.get("scope", "") + " openid").strip()
        target = self.target(home.id, default_aud="https://api.partnercenter.microsoft.com")
        return await self.user_response(home, app, user, list(code.amr), target, nonce=code.nonce)

    async def device_code(self) -> dict[str, Any]:
        self.path_tenant()
        value = self.params.get("device_code") or self.params.get("code")
        if not value:
            raise errors.missing_parameter("device_code")
        app = self.client()
        interactive = self.state.interactive
        with interactive.lock:
            grant = interactive.devices.get(value)
            if grant is None or grant.client_id != app.client_id or grant.status == "redeemed":
                raise errors.device_error("bad_verification_code")
            if grant.status == "declined":
                raise errors.device_error("authorization_declined")
            if self.now - grant.created > DEVICE_CODE_LIFETIME:
                raise errors.device_error("expired_token")
            if grant.status == "pending":
                raise errors.device_error("authorization_pending")
            grant.status = "redeemed"
        user = self.state.world.user_by_oid(grant.user_oid or "")
        home = grant.tenant or self.state.world.partner
        if user is None:
            raise errors.malformed_grant()
        # The polls carry no scope or resource: the first call's are used.
        if self.v2:
            self.params["scope"] = grant.scope
        elif grant.resource:
            self.params.setdefault("resource", grant.resource)
        target = self.target(home.id)
        return await self.user_response(home, app, user, list(grant.amr), target)


async def token_endpoint(state: EmulatorState, request: Request, *, v2: bool) -> Response:
    correlation_id = request.headers.get("client-request-id")
    if request.method == "OPTIONS":
        return Response(status_code=200, headers={"Allow": "POST, OPTIONS"})
    params: dict[str, str] = {}
    handler: TokenRequest | None = None
    try:
        if request.method != "POST":
            raise EntraError(
                400,
                "invalid_request",
                900561,
                f"The endpoint only accepts POST, OPTIONS requests. Received a {request.method} request.",
            )
        params = await _form(request)
        handler = TokenRequest(state, request, params, v2=v2)
        injected = await _fault(state, request, params) if state.faults else None
        response = injected or await _grant(handler, params.get("grant_type"), correlation_id)
    except EntraError as exc:
        response = entra_error_response(exc, state.clock.now(), correlation_id)
    client = request.client
    state.journal.record(
        Entry(
            0,
            state.clock.now(),
            "token",
            request.method,
            request.scope["path"],
            None,
            correlation_id,
            client.host if client else None,
            response.status_code,
            state.profile.name,
            state.profile.rollout_percent,
            None,
            None,
            problem=_error_code(response),
            grant=params.get("grant_type"),
            client_id=params.get("client_id"),
            upn=handler.upn if handler else None,
            amr=handler.amr if handler else None,
        )
    )
    return response


async def _fault(state: EmulatorState, request: Request, params: dict[str, str]) -> Response | None:
    client_id = params.get("client_id", "").lower()
    app = state.world.apps.get(client_id)
    rule = state.faults.match(
        request.method,
        request.scope["path"],
        client_id,
        app.display_name if app else None,
        params.get("username"),
        state.clock.now(),
    )
    if rule is None:
        return None
    delay = rule.latency_ms + (state.rng.randint(0, rule.jitter_ms) if rule.jitter_ms else 0)
    if delay:
        await asyncio.sleep(delay / 1000)
    if rule.drop:
        return _Dropped()
    if rule.status is None:
        return None
    if rule.body is not None:
        return JSONResponse(rule.body, status_code=rule.status, headers=headers_for(rule))
    error = EntraError(
        rule.status, "temporarily_unavailable", 90033, f"A transient error has occurred (fault rule {rule.id})."
    )
    response = entra_error_response(error, state.clock.now(), request.headers.get("client-request-id"))
    response.headers.update(headers_for(rule))
    return response


class _Dropped(Response):
    """A fault rule's dropped connection on the token endpoint."""

    def __init__(self) -> None:
        super().__init__(status_code=500)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 500, "headers": [], DROP: True})
        await send({"type": "http.response.body", "body": b""})


async def _grant(handler: TokenRequest, grant: str | None, correlation_id: str | None) -> Response:
    if not grant:
        raise errors.missing_parameter("grant_type")
    if grant == "client_credentials":
        body = await handler.client_credentials()
    elif grant == "password":
        body = await handler.password()
    elif grant == "refresh_token":
        body = await handler.refresh_token()
    elif grant == "authorization_code":
        body = await handler.authorization_code()
    elif grant in DEVICE_CODE_GRANTS:
        body = await handler.device_code()
    else:
        raise errors.unsupported_grant(grant)
    headers = dict(NO_STORE)
    if correlation_id:
        headers["client-request-id"] = correlation_id
    return JSONResponse(body, headers=headers, media_type="application/json; charset=utf-8")


def _error_code(response: Response) -> str | None:
    """AADSTSnnnn of an error answer, for the journal."""
    if response.status_code < 400:
        return None
    try:
        codes = json.loads(bytes(response.body)).get("error_codes") or []
    except (ValueError, AttributeError):
        return None
    return f"AADSTS{codes[0]}" if codes else None


URLENCODED = b"application/x-www-form-urlencoded"
MAX_FORM_BYTES = 1024 * 1024  # Starlette's limit for one form field
MAX_FORM_FIELDS = 200


async def _form(request: Request) -> dict[str, str]:
    """The form body's text fields; anything that is not a readable form counts as an empty form (Entra)."""
    content_type = length = None  # the first of each, as Starlette's Headers reads them
    for name, value in request.scope["headers"]:
        if name == b"content-type" and content_type is None:
            content_type = value
        elif name == b"content-length" and length is None:
            length = value
    if (
        content_type is not None
        and length is not None
        and content_type.partition(b";")[0].strip().lower() == URLENCODED
        and length.isdigit()
        and int(length) <= MAX_FORM_BYTES
    ):
        # Every client posts this form with a length: read at once, it is several times cheaper than the
        # streaming parser and gives the same fields. Bodies without a length, or larger, go to the streaming
        # parser, which stops early.
        pairs = _urlencoded((await request.body()).decode("latin-1"))
        return {} if len(pairs) > MAX_FORM_FIELDS else dict(pairs)
    try:
        form = await request.form(max_files=0, max_fields=MAX_FORM_FIELDS)
    except Exception:  # malformed multipart, too many fields, bad encoding: the grant checks then say what's missing
        return {}
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _urlencoded(text: str) -> list[tuple[str, str]]:
    """parse_qsl(text, keep_blank_values=True, errors="replace") in a third of its time: Starlette's fields
    (latin-1 bytes, '+' as space, percent-decoded as UTF-8 with replacement, empty segments skipped)."""
    pairs = []
    for field in text.split("&"):
        if field:
            name, _, value = field.partition("=")
            pairs.append((_unquote_plus(name), _unquote_plus(value)))
    return pairs


def _unquote_plus(text: str) -> str:
    if "+" in text:
        text = text.replace("+", " ")
    return unquote(text, errors="replace") if "%" in text else text
