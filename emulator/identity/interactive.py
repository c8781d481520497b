"""Interactive sign-in: the authorization code flow (v1 and v2) and the device code flow, with a second step
where the user completes MFA or, where policy allows, skips it. Server-rendered pages that a plain form POST can
drive, so tests need no browser."""

from __future__ import annotations

import hmac
import secrets
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from emulator.formats import entra_timestamp, trace_id
from emulator.identity import errors
from emulator.identity.discovery import MULTI_TENANT, issuer_origin
from emulator.identity.errors import EntraError
from emulator.identity.form import read_form
from emulator.identity.sessions import DEVICE_CODE_LIFETIME, Code, Interactive, SignIn
from emulator.state import EmulatorState
from emulator.tokens import USER_IMPERSONATION
from emulator.world import App, Tenant, User

_templates: Any = None


def templates() -> Any:
    """jinja2, loaded on the first sign-in page rather than at start-up."""
    global _templates
    if _templates is None:
        from jinja2 import Environment, FileSystemLoader, select_autoescape

        _templates = Environment(
            loader=FileSystemLoader(Path(__file__).parent / "templates"),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
    return _templates


def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = templates().get_template(name).render(**context)
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY"})


def _error_page(state: EmulatorState, tenant_name: str, exc: EntraError, status: int = 400) -> HTMLResponse:
    return page(
        "error.html",
        status,
        tenant_name=tenant_name,
        code=exc.code,
        message=exc.message,
        trace_id=trace_id(),
        correlation_id=trace_id(),
        timestamp=entra_timestamp(state.clock.now()),
    )


def _redirect_allowed(app: App, redirect_uri: str) -> bool:
    if redirect_uri in app.redirect_uris:
        return True
    # Loopback redirect URIs may differ in port from the registered one (MSAL picks a free port), as in Entra.
    parts = urlsplit(redirect_uri)
    if parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1"):
        for registered in app.redirect_uris:
            known = urlsplit(registered)
            if (
                known.scheme == "http"
                and known.hostname == parts.hostname
                and (known.path or "/") == (parts.path or "/")
            ):
                return True
    return False


def _posture(user: User) -> str:
    if user.mfa_required:
        return "MFA required by sign-in policy"
    if user.mfa_registered:
        return "MFA registered; the policy allows skipping it"
    return "password only (no MFA method registered)"


def _users(state: EmulatorState, tenant: Tenant) -> list[dict[str, str]]:
    return [
        {"upn": u.upn, "display_name": u.display_name, "posture": _posture(u)}
        for u in state.world.users.values()
        if u.tenant_id == tenant.id
    ]


def _tenant(state: EmulatorState, segment: str, hint: str | None = None) -> Tenant | None:
    if segment.lower() in MULTI_TENANT:
        domain = (hint or "").rpartition("@")[2]
        return state.world.tenant(domain) if domain else state.world.partner
    return state.world.tenant(segment)


async def authorize(state: EmulatorState, request: Request, *, v2: bool) -> Response:
    interactive: Interactive = state.interactive
    segment = request.path_params["tenant"]
    if request.method == "POST":
        form = await read_form(request, max_fields=50)
        return _signin_step(state, request, form, v2=v2)
    params = request.query_params
    tenant = _tenant(state, segment, params.get("login_hint"))
    if tenant is None:
        return _error_page(state, segment, errors.unknown_tenant(segment))
    client_id = (params.get("client_id") or "").strip().lower()
    if not client_id:
        return _error_page(state, tenant.domain, errors.missing_parameter("client_id"))
    app = state.world.apps.get(client_id)
    if app is None:
        return _error_page(state, tenant.domain, errors.unknown_client(client_id, segment))
    redirect_uri = params.get("redirect_uri") or (app.redirect_uris[0] if app.redirect_uris else "")
    if not _redirect_allowed(app, redirect_uri):
        return _error_page(
            state,
            tenant.domain,
            EntraError(
                400,
                "invalid_request",
                50011,
                f"The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs "
                f"configured for the application '{app.client_id}'. Make sure the redirect URI sent in the request "
                "matches one added to your application in the Azure portal.",
            ),
        )
    response_type = " ".join(sorted((params.get("response_type") or "").split()))
    default_mode = "fragment" if "id_token" in response_type else "query"
    response_mode = params.get("response_mode") or default_mode
    sign_in = SignIn(
        ctx=secrets.token_urlsafe(24),
        tenant=tenant,
        app=app,
        v2=v2,
        created=state.clock.now(),
        redirect_uri=redirect_uri,
        response_type=response_type,
        response_mode=response_mode,
        scope=params.get("scope") or ("openid" if not v2 else ""),
        resource=params.get("resource"),
        state=params.get("state"),
        nonce=params.get("nonce"),
        challenge=params.get("code_challenge"),
        challenge_method=params.get("code_challenge_method") or "plain",
    )
    problem = None
    if response_type not in ("code", "code id_token"):
        problem = ("unsupported_response_type", 700054, "response_type must be code or code id_token.")
    elif response_mode not in ("query", "form_post", "fragment"):
        problem = ("invalid_request", 900144, f"response_mode '{response_mode}' is not supported.")
    elif response_type == "code id_token" and response_mode == "query":
        problem = ("invalid_request", 900144, "an id_token cannot be returned in the query; use form_post.")
    elif sign_in.challenge and sign_in.challenge_method not in ("S256", "plain"):
        problem = ("invalid_request", 5004, "code_challenge_method must be S256 or plain.")
    elif v2 and not sign_in.scope.strip():
        problem = ("invalid_request", 900144, "The request body must contain the following parameter: 'scope'.")
    if problem is not None:
        # The redirect URI is known good: Entra reports the rest to the app, not on its own page.
        error, code, message = problem
        return _respond(sign_in, {"error": error, "error_description": f"AADSTS{code}: {message}"})
    interactive.forget_old(state.clock.now())
    interactive.add_sign_in(sign_in)
    return _signin_page(state, request, sign_in, selected=params.get("login_hint"))


def _action(request: Request) -> str:
    return request.url.path


def _signin_page(
    state: EmulatorState,
    request: Request,
    sign_in: SignIn,
    *,
    selected: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    return page(
        "signin.html",
        status,
        tenant_name=sign_in.tenant.display_name,
        app_name=sign_in.app.display_name,
        users=_users(state, sign_in.tenant),
        selected=selected,
        ctx=sign_in.ctx,
        action=_action(request),
        error=error,
    )


def _mfa_page(state: EmulatorState, request: Request, sign_in: SignIn) -> Response:
    user = sign_in.user
    assert user is not None
    return page(
        "mfa.html",
        tenant_name=sign_in.tenant.display_name,
        app_name=sign_in.app.display_name,
        upn=user.upn,
        ctx=sign_in.ctx,
        action=_action(request),
        can_mfa=user.mfa_registered,
        can_skip=not user.mfa_required,
        needs_consent=not state.world.consented(sign_in.app),
        device=sign_in.device_code is not None,
    )


def _signin_step(state: EmulatorState, request: Request, form: dict[str, str], *, v2: bool) -> Response:
    interactive: Interactive = state.interactive
    with interactive.lock:
        sign_in = interactive.sign_ins.get(form.get("ctx", ""))
    if sign_in is None:
        exc = EntraError(400, "invalid_request", 50058, "The sign-in session expired or is unknown; start again.")
        return _error_page(state, "sign-in", exc)
    step = form.get("step")
    if step == "password":
        user = state.world.user(form.get("username", ""))
        if user is None or user.tenant_id != sign_in.tenant.id:
            return _signin_page(state, request, sign_in, error="Pick one of the accounts below.", status=400)
        if not hmac.compare_digest(form.get("password", "").encode(), user.password.encode()):
            return _signin_page(
                state,
                request,
                sign_in,
                selected=user.upn,
                status=400,
                error="AADSTS50126: Error validating credentials due to invalid username or password.",
            )
        sign_in.user = user
        return _mfa_page(state, request, sign_in)
    if step == "mfa" and sign_in.user is not None:
        user = sign_in.user
        choice = form.get("choice")
        if choice == "decline" and sign_in.device_code:
            return _finish_device(state, sign_in, None)
        amr: tuple[str, ...]
        if choice == "mfa" and user.mfa_registered:
            amr = ("pwd", "mfa")
        elif choice == "skip" and not user.mfa_required:
            amr = ("pwd",)
        else:
            return _mfa_page(state, request, sign_in)
        if form.get("consent") == "accept":
            state.world.granted.add(sign_in.app.client_id)
        with interactive.lock:
            interactive.sign_ins.pop(sign_in.ctx, None)
        if sign_in.device_code:
            return _finish_device(state, sign_in, amr)
        return _issue_code(state, request, sign_in, amr)
    return _signin_page(state, request, sign_in, error="Start with your account and password.", status=400)


def _issue_code(state: EmulatorState, request: Request, sign_in: SignIn, amr: tuple[str, ...]) -> Response:
    user = sign_in.user
    assert user is not None
    code = "0.A" + secrets.token_urlsafe(48)
    state.interactive.add_code(
        code,
        Code(
            client_id=sign_in.app.client_id,
            tenant_id=sign_in.tenant.id,
            user_oid=user.object_id,
            amr=amr,
            redirect_uri=sign_in.redirect_uri,
            scope=sign_in.scope,
            resource=sign_in.resource,
            nonce=sign_in.nonce,
            challenge=sign_in.challenge,
            challenge_method=sign_in.challenge_method,
            created=state.clock.now(),
        ),
    )
    fields: dict[str, str] = {"code": code}
    if "id_token" in sign_in.response_type:
        issuer = (
            f"{issuer_origin(request)}/{sign_in.tenant.id}/v2.0"
            if sign_in.v2
            else f"https://sts.windows.net/{sign_in.tenant.id}/"
        )
        claims = state.issuer.id_claims(
            issuer, sign_in.tenant, sign_in.app, user, list(amr), v2=sign_in.v2, nonce=sign_in.nonce
        )
        fields["id_token"] = state.issuer.sign(claims)
    if sign_in.state is not None:
        fields["state"] = sign_in.state
    fields["session_state"] = str(uuid.uuid5(uuid.NAMESPACE_URL, user.object_id))
    return _respond(sign_in, fields)


def _respond(sign_in: SignIn, fields: dict[str, str]) -> Response:
    if "error" in fields and sign_in.state is not None:
        fields = {**fields, "state": sign_in.state}
    if sign_in.response_mode == "form_post":
        return page("form_post.html", redirect_uri=sign_in.redirect_uri, fields=fields)
    separator = "#" if sign_in.response_mode == "fragment" else ("&" if "?" in sign_in.redirect_uri else "?")
    return RedirectResponse(f"{sign_in.redirect_uri}{separator}{urlencode(fields)}", status_code=302)


def _finish_device(state: EmulatorState, sign_in: SignIn, amr: tuple[str, ...] | None) -> Response:
    with state.interactive.lock:
        grant = state.interactive.devices.get(sign_in.device_code or "")
        state.interactive.sign_ins.pop(sign_in.ctx, None)
        if grant is not None and grant.status == "pending":
            if amr is None:
                grant.status = "declined"
            else:
                grant.status, grant.amr = "approved", amr
                grant.user_oid = sign_in.user.object_id if sign_in.user else None
    if amr is None:
        return page(
            "done.html",
            tenant_name=sign_in.tenant.display_name,
            headline="Sign-in declined",
            text="You declined the sign-in on the other device. You can close this window.",
        )
    return page(
        "done.html",
        tenant_name=sign_in.tenant.display_name,
        headline="You're signed in",
        text=f"{sign_in.app.display_name} on your other device is now signed in. You can close this window.",
    )


# --- the device code flow: signing in at /devicelogin ------------------------------------------------------


async def devicelogin(state: EmulatorState, request: Request) -> Response:
    partner = state.world.partner
    if request.method == "GET":
        return page("device.html", tenant_name=partner.display_name)
    form = await read_form(request, max_fields=50)
    if form.get("ctx"):
        return _signin_step(state, request, form, v2=True)
    user_code = (form.get("otc") or "").strip().upper()
    with state.interactive.lock:
        device_code = state.interactive.by_user_code.get(user_code)
        grant = state.interactive.devices.get(device_code or "")
    expired = grant is not None and state.clock.now() - grant.created > DEVICE_CODE_LIFETIME
    if grant is None or grant.status != "pending" or expired:
        return page(
            "device.html",
            400,
            tenant_name=partner.display_name,
            error="That code didn't work. Check the code and try again.",
        )
    app = state.world.apps[grant.client_id]
    sign_in = SignIn(
        ctx=secrets.token_urlsafe(24),
        tenant=grant.tenant or partner,
        app=app,
        v2=grant.v2,
        created=state.clock.now(),
        scope=grant.scope,
        resource=grant.resource,
        device_code=grant.device_code,
    )
    state.interactive.forget_old(state.clock.now())
    state.interactive.add_sign_in(sign_in)
    return _signin_page(state, request, sign_in)


__all__ = ["USER_IMPERSONATION", "authorize", "devicelogin"]
