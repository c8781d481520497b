"""The control API under /_emulator/: health, reset, profile, clock. Loopback clients only unless configured."""

from __future__ import annotations

import ipaddress
import json
import math
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

import emulator
from emulator.appcerts import CertificateError, from_key_credential
from emulator.bodies import BodyTooLarge, read_limited
from emulator.control_openapi import control_document
from emulator.faults import FaultError
from emulator.identity.discovery import origin
from emulator.identity.federation import EXCHANGE_AUDIENCE, FederatedCredential
from emulator.journal import render, request_details, select
from emulator.profiles import PROFILES
from emulator.report import as_text as report_text
from emulator.report import build as build_report
from emulator.report import calls_from_journal
from emulator.scenarios import ScenarioError, available, find
from emulator.state import EmulatorState, ProfileUnavailable

MAX_BODY = 64 * 1024
LATEST_TIME = 253402300799  # 9999-12-31T23:59:59Z: times past it cannot be written in tokens or answers
VERDICTS = ("compliant", "non-compliant", "app-only", "invalid-token", "token", "refused")


class ControlError(Exception):
    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error, self.message = status, error, message


def error_response(status: int, error: str, message: str) -> JSONResponse:
    return JSONResponse({"error": error, "message": message}, status_code=status)


def client_allowed(host: str | None, allowed: tuple[str, ...]) -> bool:
    """Loopback always; other client addresses only when named (an address, a network, or 'any')."""
    if host is None:
        return True  # a Unix socket: only local processes reach it
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return True
    for entry in allowed:
        if entry == "any":
            return True
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


async def _json_object(request: Request) -> dict[str, Any]:
    try:
        body = await read_limited(request, MAX_BODY)
    except BodyTooLarge:
        raise ControlError(413, "body_too_large", f"the request body is larger than {MAX_BODY} bytes") from None
    try:
        data = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ControlError(400, "invalid_json", f"the request body is not JSON: {str(exc)[:200]}") from None
    if not isinstance(data, dict):
        raise ControlError(400, "invalid_body", "the request body must be a JSON object")
    return data


def build_control_app(state: EmulatorState) -> Starlette:
    def profile_doc() -> dict[str, Any]:
        profile = state.profile
        return {
            "name": profile.name,
            "description": profile.description,
            "rolloutPercent": profile.rollout_percent,
            "profiles": [{"name": p.name, "description": p.description} for p in PROFILES.values()],
        }

    def clock_doc() -> dict[str, Any]:
        return {"now": state.clock.now(), "iso": state.clock.isoformat(), "offsetSeconds": state.clock.offset}

    async def health(request: Request) -> Response:
        world, worker = state.world, state.issuer.worker
        return JSONResponse(
            {
                "status": "ready",
                "version": emulator.__version__,
                "profile": state.profile.name,
                "tenant": {"id": world.partner.id, "domain": world.partner.domain},
                "customers": len(world.customers),
                "now": state.clock.isoformat(),
                # Whether a second process signs tokens (`serve` on 2+ cores) and how many it has signed.
                "signWorker": {
                    "running": worker is not None and worker.alive,
                    "signed": worker.signed if worker else 0,
                },
            }
        )

    async def reset(request: Request) -> Response:
        state.reset()
        return JSONResponse({"status": "reset", "profile": state.profile.name, "clock": clock_doc()})

    async def get_profile(request: Request) -> Response:
        return JSONResponse(profile_doc())

    async def put_profile(request: Request) -> Response:
        data = await _json_object(request)
        name = data.get("name")
        if not isinstance(name, str):
            raise ControlError(400, "invalid_body", "'name' (a profile name) is required")
        if name not in PROFILES:
            raise ControlError(400, "unknown_profile", f"unknown profile '{name}'; known: {', '.join(PROFILES)}")
        percent = data.get("rolloutPercent")
        if percent is not None and (
            isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100
        ):
            raise ControlError(400, "invalid_body", "'rolloutPercent' must be a whole number from 0 to 100")
        try:
            state.set_profile(name, percent)
        except ProfileUnavailable as exc:
            raise ControlError(409, "profile_unavailable", str(exc)) from None
        return JSONResponse(profile_doc())

    async def get_clock(request: Request) -> Response:
        return JSONResponse(clock_doc())

    async def advance_clock(request: Request) -> Response:
        data = await _json_object(request)
        seconds = data.get("seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not math.isfinite(seconds):
            raise ControlError(400, "invalid_body", "'seconds' (a finite number) is required")
        if not 0 < state.clock.now() + seconds < LATEST_TIME:
            raise ControlError(400, "invalid_body", "'seconds' would move the clock before 1970 or past the year 9999")
        state.clock.advance(seconds)
        return JSONResponse(clock_doc())

    def app_names() -> dict[str, str]:
        return {app.client_id: app.display_name for app in state.world.apps.values()}

    async def journal(request: Request) -> Response:
        params = request.query_params
        verdict = params.get("verdict")
        if verdict and verdict not in VERDICTS:
            raise ControlError(400, "invalid_query", f"verdict must be one of {', '.join(VERDICTS)}")
        kind = params.get("kind")
        if kind and kind not in ("partner", "token"):
            raise ControlError(400, "invalid_query", "kind must be partner or token")
        try:
            limit = int(params.get("limit", str(state.journal.size)))
        except ValueError:
            raise ControlError(400, "invalid_query", "limit must be a whole number") from None
        if limit < 1:
            raise ControlError(400, "invalid_query", "limit must be at least 1")
        names = app_names()
        chosen = select(
            state.journal.entries(), names, app=params.get("app"), user=params.get("user"), verdict=verdict, kind=kind
        )
        newest = chosen[-limit:]
        return JSONResponse(
            {
                "size": state.journal.size,
                "recorded": state.journal.recorded,
                "dropped": state.journal.dropped,
                "matched": len(chosen),
                "entries": [render(entry, names) for entry in newest],
            }
        )

    async def journal_export(request: Request) -> Response:
        # Partner Center's "API request details", one JSON document per line.
        details = request_details(state.journal.entries())
        body = "".join(json.dumps(item, separators=(",", ":")) + "\n" for item in details)
        return Response(body, media_type="application/x-ndjson")

    async def report(request: Request) -> Response:
        profile = request.query_params.get("profile", "enforced-2026")
        if profile not in PROFILES:
            raise ControlError(400, "unknown_profile", f"unknown profile '{profile}'; known: {', '.join(PROFILES)}")
        names = app_names()
        built = build_report(calls_from_journal(state.journal.entries(), names), profile)
        if request.query_params.get("format") == "text":
            return PlainTextResponse(report_text(built) + "\n")
        return JSONResponse(built)

    async def scenarios(request: Request) -> Response:
        try:
            known = available()
        except ScenarioError as exc:
            raise ControlError(500, "scenario_files", str(exc)) from None
        return JSONResponse(
            {
                "available": [s.summary() for s in known.values()],
                "loaded": [s.name for s in state.scenarios.loaded],
            }
        )

    async def load_scenario(request: Request) -> Response:
        data = await _json_object(request)
        name = data.get("name")
        if not isinstance(name, str) or not name:
            raise ControlError(400, "invalid_body", "'name' (a scenario name) is required")
        try:
            scenario = find(name, files=False)  # a name: the control API never opens paths it is given
            state.scenarios.load(scenario)
        except ScenarioError as exc:
            raise ControlError(400, "invalid_scenario", str(exc)) from None
        return JSONResponse(
            {"loaded": [s.name for s in state.scenarios.loaded], "scenario": scenario.summary()}, status_code=201
        )

    async def unload_scenario(request: Request) -> Response:
        try:
            state.scenarios.unload(request.path_params["name"])
        except ScenarioError as exc:
            raise ControlError(404, "not_loaded", str(exc)) from None
        return JSONResponse({"loaded": [s.name for s in state.scenarios.loaded]})

    def keys_doc() -> dict[str, Any]:
        return {"active": state.keys.active.kid, "published": [k.kid for k in state.keys.published()]}

    async def rotate_keys(request: Request) -> Response:
        data = await _json_object(request)
        grace = data.get("graceSeconds", 600)
        if isinstance(grace, bool) or not isinstance(grace, int | float) or not 0 <= grace <= 30 * 86400:
            raise ControlError(400, "invalid_body", "'graceSeconds' must be a number from 0 to 2592000")
        state.keys.rotate(float(grace))
        return JSONResponse(keys_doc())

    async def get_keys(request: Request) -> Response:
        return JSONResponse(keys_doc())

    def app_of(request: Request) -> str:
        client_id = str(request.path_params["client_id"]).lower()
        if client_id not in state.world.apps:
            raise ControlError(404, "not_found", f"no app with client id {client_id[:64]} in the world")
        return client_id

    async def list_credentials(request: Request) -> Response:
        """keyCredentials and federatedIdentityCredentials, each marked runtime when a reset removes it."""
        app = state.world.apps[app_of(request)]
        if request.url.path.endswith("/certificates"):
            certificates = [{**c.key_credential(), "runtime": c.runtime} for c in state.world.certificates(app)]
            return JSONResponse({"keyCredentials": certificates})
        federated = [{**f.document(), "runtime": f.runtime} for f in state.world.federated(app)]
        return JSONResponse({"federatedIdentityCredentials": federated})

    async def add_certificate(request: Request) -> Response:
        client_id = app_of(request)
        if not state.world.apps[client_id].confidential:
            raise ControlError(400, "public_app", f"{client_id} is a public app: it cannot use a certificate")
        data = await _json_object(request)
        key, thumbprint = data.get("key"), data.get("customKeyIdentifier")
        name = data.get("displayName", "")
        if not isinstance(key, str) or not isinstance(thumbprint, str | None) or not isinstance(name, str):
            raise ControlError(
                400, "invalid_body", "'key' (the certificate, PEM or base64 DER) is required; "
                "'customKeyIdentifier' and 'displayName' are strings",
            )  # fmt: skip
        try:
            certificate = from_key_credential(key, thumbprint, None, name[:256], runtime=True)
        except CertificateError as exc:
            raise ControlError(400, "invalid_certificate", str(exc)) from None
        state.world.registered.setdefault(client_id, []).append(certificate)
        return JSONResponse({**certificate.key_credential(), "runtime": True}, status_code=201)

    async def add_federated(request: Request) -> Response:
        client_id = app_of(request)
        data = await _json_object(request)
        texts = {k: data.get(k) for k in ("name", "issuer", "subject")}
        audiences = data.get("audiences", [EXCHANGE_AUDIENCE])
        if not all(isinstance(v, str) and v.strip() for v in texts.values()) or not (
            isinstance(audiences, list) and audiences and all(isinstance(a, str) and a for a in audiences)
        ):
            raise ControlError(
                400, "invalid_body", "'name', 'issuer' and 'subject' are required texts; 'audiences' a list of texts"
            )
        credential = FederatedCredential(
            str(texts["name"]).strip()[:120], str(texts["issuer"]).strip()[:600], str(texts["subject"]).strip()[:600],
            tuple(a[:600] for a in audiences), str(data.get("description", ""))[:600], runtime=True,
        )  # fmt: skip
        state.world.registered_federated.setdefault(client_id, []).append(credential)
        return JSONResponse({**credential.document(), "runtime": True}, status_code=201)

    async def oidc_discovery(request: Request) -> Response:
        return JSONResponse(state.local_issuer.discovery(origin(request)))

    async def oidc_keys(request: Request) -> Response:
        return JSONResponse(state.local_issuer.keys.jwks())

    async def oidc_token(request: Request) -> Response:
        data = await _json_object(request)
        subject, audience = data.get("subject"), data.get("audience", EXCHANGE_AUDIENCE)
        lifetime = data.get("lifetimeSeconds", 600)
        if not isinstance(subject, str) or not subject or not isinstance(audience, str) or not audience:
            raise ControlError(400, "invalid_body", "'subject' is required; 'subject' and 'audience' are texts")
        if isinstance(lifetime, bool) or not isinstance(lifetime, int) or not 1 <= lifetime <= 86400:
            raise ControlError(400, "invalid_body", "'lifetimeSeconds' must be a whole number from 1 to 86400")
        return JSONResponse({"value": state.local_issuer.mint(subject[:600], audience[:600], lifetime)})

    async def list_faults(request: Request) -> Response:
        return JSONResponse({"faults": [rule.as_dict() for rule in state.faults.rules()]})

    async def add_fault(request: Request) -> Response:
        data = await _json_object(request)
        try:
            rule = state.faults.add(data, state.clock.now())
        except FaultError as exc:
            raise ControlError(400, "invalid_fault", str(exc)) from None
        return JSONResponse(rule.as_dict(), status_code=201)

    async def delete_fault(request: Request) -> Response:
        if not state.faults.remove(request.path_params["rule_id"]):
            raise ControlError(404, "not_found", f"no fault rule {request.path_params['rule_id']}")
        return Response(status_code=204)

    async def clear_faults(request: Request) -> Response:
        state.faults.clear()
        return Response(status_code=204)

    async def openapi(request: Request) -> Response:
        return JSONResponse(control_document())

    async def control_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ControlError)
        return error_response(exc.status, exc.error, exc.message)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        error = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "bad_request")
        response = error_response(exc.status_code, error, f"{request.method} {request.url.path}: {exc.detail}")
        response.headers.update(exc.headers or {})
        return response

    return Starlette(
        routes=[
            Route("/_emulator/health", health, methods=["GET"]),
            Route("/_emulator/reset", reset, methods=["POST"]),
            Route("/_emulator/profile", get_profile, methods=["GET"]),
            Route("/_emulator/profile", put_profile, methods=["PUT"]),
            Route("/_emulator/clock", get_clock, methods=["GET"]),
            Route("/_emulator/clock/advance", advance_clock, methods=["POST"]),
            Route("/_emulator/journal", journal, methods=["GET"]),
            Route("/_emulator/journal/export", journal_export, methods=["GET"]),
            Route("/_emulator/report", report, methods=["GET"]),
            Route("/_emulator/scenarios", scenarios, methods=["GET"]),
            Route("/_emulator/scenarios", load_scenario, methods=["POST"]),
            Route("/_emulator/scenarios/{name}", unload_scenario, methods=["DELETE"]),
            Route("/_emulator/keys", get_keys, methods=["GET"]),
            Route("/_emulator/keys/rotate", rotate_keys, methods=["POST"]),
            Route("/_emulator/apps/{client_id}/certificates", list_credentials, methods=["GET"]),
            Route("/_emulator/apps/{client_id}/certificates", add_certificate, methods=["POST"]),
            Route("/_emulator/apps/{client_id}/federatedCredentials", list_credentials, methods=["GET"]),
            Route("/_emulator/apps/{client_id}/federatedCredentials", add_federated, methods=["POST"]),
            Route("/_emulator/oidc/.well-known/openid-configuration", oidc_discovery, methods=["GET"]),
            Route("/_emulator/oidc/keys", oidc_keys, methods=["GET"]),
            Route("/_emulator/oidc/token", oidc_token, methods=["POST"]),
            Route("/_emulator/faults", list_faults, methods=["GET"]),
            Route("/_emulator/faults", add_fault, methods=["POST"]),
            Route("/_emulator/faults", clear_faults, methods=["DELETE"]),
            Route("/_emulator/faults/{rule_id}", delete_fault, methods=["DELETE"]),
            Route("/_emulator/openapi.json", openapi, methods=["GET"]),
        ],
        exception_handlers={ControlError: control_error, HTTPException: http_error},
    )
