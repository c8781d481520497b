"""The web console: paste a token for a YES or NO, watch the journal, read the report. Server-rendered, no
JavaScript, no external assets. Built on first use, so jinja2 stays out of the server's start-up."""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from emulator.checker import NotAToken, judge
from emulator.identity.discovery import origin
from emulator.journal import render, select, verdict_of
from emulator.profiles import PROFILES
from emulator.report import build as build_report
from emulator.report import calls_from_journal
from emulator.state import EmulatorState

PATHS = ("/", "/check", "/journal", "/report")
VERDICTS = ("compliant", "non-compliant", "app-only", "invalid-token", "token", "refused")
MAX_TOKEN_FORM = 64 * 1024


def build_console_app(state: EmulatorState) -> Starlette:
    templates = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )

    # The console's forms carry this token; a form posted from anywhere else cannot know it (CSRF).
    csrf = secrets.token_urlsafe(32)

    def page(name: str, status: int = 200, **context: Any) -> Response:
        html = templates.get_template(name).render(profile=state.profile.name, csrf=csrf, **context)
        # The console shows what clients did; nothing on it is for caches or for other sites to frame.
        headers = {
            "Cache-Control": "no-store",
            "X-Frame-Options": "DENY",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
        }
        return HTMLResponse(html, status_code=status, headers=headers)

    def names() -> dict[str, str]:
        return {app.client_id: app.display_name for app in state.world.apps.values()}

    def summary() -> str:
        built = build_report(calls_from_journal(state.journal.entries(), names()), state.profile.name)
        text = str(built["summary"])
        return text[0].upper() + text[1:]

    async def index(request: Request) -> Response:
        return page("index.html", summary=summary())

    async def check(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_TOKEN_FORM:
            return page("index.html", 413, error="That is far larger than any access token.", summary=summary())
        try:
            form = await request.form()
        except Exception:  # an unreadable form is a bad paste, not a server error
            return page("index.html", 400, error="The form could not be read.", summary=summary())
        sent = form.get("csrf")
        if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), csrf.encode()):
            return page("index.html", 403, error="This form did not come from this console. Reload and try again.")
        token = form.get("token")
        if not isinstance(token, str) or not token.strip():
            return page("index.html", 400, error="Paste a token first.", summary=summary())
        try:
            verdict = judge(token, state.clock.now(), signed_by_emulator=state.verifier.signed_here(token.strip()))
        except NotAToken as exc:
            return page("index.html", 400, error=f"That is {exc}.", summary=summary())
        return page("index.html", verdict=verdict, summary=summary())

    async def journal(request: Request) -> Response:
        params = request.query_params
        filters = {key: params.get(key) or None for key in ("app", "user", "verdict")}
        if filters["verdict"] not in (None, *VERDICTS):
            filters["verdict"] = None
        chosen = select(state.journal.entries(), names(), **filters)
        entries = []
        for entry in reversed(chosen[-500:]):
            doc = render(entry, names())
            doc["verdict"] = verdict_of(entry)
            # The column shows what the profile active now decides, whichever profile was active then.
            doc["now"] = doc.get("profiles", {}).get(state.profile.name)
            entries.append(doc)
        refresh = 0 if params.get("refresh") == "0" else 5
        query = urlencode({k: v for k, v in filters.items() if v})
        return page(
            "journal.html",
            entries=entries,
            filters=filters,
            verdicts=VERDICTS,
            recorded=state.journal.recorded,
            dropped=state.journal.dropped,
            size=state.journal.size,
            refresh=refresh,
            query_without_refresh=query,
        )

    async def report(request: Request) -> Response:
        profile = request.query_params.get("profile") or state.profile.name
        if profile not in PROFILES:
            profile = state.profile.name
        built = build_report(calls_from_journal(state.journal.entries(), names()), profile)
        return page("report.html", report=built, profiles=list(PROFILES), origin=origin(request))

    return Starlette(
        routes=[
            Route("/", index, methods=["GET"]),
            Route("/check", check, methods=["POST"]),
            Route("/journal", journal, methods=["GET"]),
            Route("/report", report, methods=["GET"]),
        ]
    )
