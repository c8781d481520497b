"""OpenID discovery (v1 and v2) and the signing keys, with URLs built from the request's own origin."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from emulator.identity.errors import EntraError, entra_error_response, unknown_tenant
from emulator.state import EmulatorState
from emulator.tokens import v1_issuer

MULTI_TENANT = ("common", "organizations", "consumers")


def origin(request: Request) -> str:
    """scheme://host[:port] as the client addressed us, so discovery works on any port and through a proxy."""
    host = request.headers.get("host") or f"{request.url.hostname}:{request.url.port}"
    return f"{request.url.scheme}://{host}"


# Entra's alias hosts: asked there, discovery writes the alias in its endpoints, but the v2 issuer stays on
# login.microsoftonline.com (captured login.windows.net documents; panva/openid-client #742:
# docs/sources/alias-discovery.md).
ENTRA_ALIASES = frozenset({"login.windows.net", "login.microsoft.com", "sts.windows.net"})


def issuer_origin(request: Request) -> str:
    """Where a v2 issuer lives: the emulator's own origin, or login.microsoftonline.com when asked on an alias."""
    host = (request.headers.get("host") or "").rsplit(":", 1)[0].lower()
    return "https://login.microsoftonline.com" if host in ENTRA_ALIASES else origin(request)


def _json(body: object, status: int = 200) -> Response:
    return JSONResponse(body, status_code=status, media_type="application/json; charset=utf-8")


def _tenant_or_error(state: EmulatorState, request: Request) -> tuple[str, str] | Response:
    """(path segment, tenant id or '{tenantid}') or an Entra error for an unknown tenant."""
    segment = request.path_params["tenant"]
    if segment.lower() in MULTI_TENANT:
        return segment, "{tenantid}"
    tenant = state.world.tenant(segment)
    if tenant is None:
        exc = unknown_tenant(segment)
        exc.error = "invalid_tenant"
        return entra_error_response(exc, state.clock.now(), request.headers.get("client-request-id"))
    return segment, tenant.id


# The claims both documents list first, in Entra's order; v1 adds amr after acr.
_CLAIMS_COMMON = [
    "sub",
    "iss",
    "cloud_instance_name",
    "cloud_instance_host_name",
    "cloud_graph_host_name",
    "msgraph_host",
    "aud",
    "exp",
    "iat",
    "auth_time",
    "acr",
]
CLAIMS_SUPPORTED = [
    *_CLAIMS_COMMON,
    "nonce",
    "preferred_username",
    "name",
    "tid",
    "ver",
    "at_hash",
    "c_hash",
    "email",
]
CLAIMS_SUPPORTED_V1 = [*_CLAIMS_COMMON, "amr", "nonce", "email", "given_name", "family_name", "nickname"]


def _cloud(base: str) -> dict[str, str]:
    """The fields both versions end with, in Entra's order."""
    return {
        "kerberos_endpoint": f"{base}/kerberos",
        "tenant_region_scope": "NA",
        "cloud_instance_name": "microsoftonline.com",
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": "graph.microsoft.com",
        "rbac_url": "https://pas.windows.net",
    }


def openid_configuration_v2(state: EmulatorState, request: Request) -> Response:
    found = _tenant_or_error(state, request)
    if isinstance(found, Response):
        return found
    base, tenant_id = f"{origin(request)}/{found[0]}", found[1]
    return _json(
        {
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "token_endpoint_auth_methods_supported": [
                "client_secret_post",
                "private_key_jwt",
                "client_secret_basic",
            ],
            "jwks_uri": f"{base}/discovery/v2.0/keys",
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": f"{issuer_origin(request)}/{tenant_id}/v2.0",
            "request_uri_parameter_supported": False,
            "userinfo_endpoint": "https://graph.microsoft.com/oidc/userinfo",
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
            "http_logout_supported": True,
            "frontchannel_logout_supported": True,
            "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
            "claims_supported": CLAIMS_SUPPORTED,
            **_cloud(base),
        }
    )


def openid_configuration_v1(state: EmulatorState, request: Request) -> Response:
    found = _tenant_or_error(state, request)
    if isinstance(found, Response):
        return found
    base, tenant_id = f"{origin(request)}/{found[0]}", found[1]
    issuer = v1_issuer(tenant_id) if tenant_id != "{tenantid}" else "https://sts.windows.net/{tenantid}/"
    return _json(
        {
            "token_endpoint": f"{base}/oauth2/token",
            "token_endpoint_auth_methods_supported": [
                "client_secret_post",
                "private_key_jwt",
                "client_secret_basic",
            ],
            "jwks_uri": f"{origin(request)}/common/discovery/keys",
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "token id_token", "token"],
            "scopes_supported": ["openid"],
            "issuer": issuer,
            "microsoft_multi_refresh_token": True,
            "authorization_endpoint": f"{base}/oauth2/authorize",
            "device_authorization_endpoint": f"{base}/oauth2/devicecode",
            "http_logout_supported": True,
            "frontchannel_logout_supported": True,
            "end_session_endpoint": f"{base}/oauth2/logout",
            "claims_supported": CLAIMS_SUPPORTED_V1,
            "check_session_iframe": f"{base}/oauth2/checksession",
            "userinfo_endpoint": f"{base}/openid/userinfo",
            **_cloud(base),
        }
    )


def jwks(state: EmulatorState, request: Request, *, v2: bool) -> Response:
    segment = request.path_params.get("tenant", "common")
    issuer = None
    if v2:
        found = _tenant_or_error(state, request)
        if isinstance(found, Response):
            return found
        issuer = f"{issuer_origin(request)}/{found[1]}/v2.0"
    elif segment.lower() not in MULTI_TENANT and state.world.tenant(segment) is None:
        return entra_error_response(unknown_tenant(segment), state.clock.now(), None)
    return _json(state.keys.jwks(issuer))


KNOWN_ALIASES = [
    {
        "preferred_network": "login.microsoftonline.com",
        "preferred_cache": "login.windows.net",
        "aliases": ["login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net"],
    },
]


def instance_discovery(state: EmulatorState, request: Request) -> Response:
    """Entra's instance discovery (MSAL and azure-identity ask it before the first sign-in of an authority)."""
    host = request.headers.get("host") or "login.microsoftonline.com"
    endpoint = request.query_params.get("authorization_endpoint", "")
    segments = [p for p in urlsplit(endpoint).path.split("/") if p]
    tenant = segments[0] if segments else "common"
    metadata = list(KNOWN_ALIASES)
    if host.lower() != "login.microsoftonline.com":
        metadata = [{"preferred_network": host, "preferred_cache": host, "aliases": [host]}, *metadata]
    return _json(
        {
            "tenant_discovery_endpoint": f"{origin(request)}/{tenant}/v2.0/.well-known/openid-configuration",
            "api-version": "1.1",
            "metadata": metadata,
        }
    )


def user_realm(state: EmulatorState, request: Request) -> Response:
    """The realm lookup before a password sign-in: Managed for the world's domains, Unknown for others."""
    user = request.path_params["user"]
    domain = user.rpartition("@")[2].lower()
    tenant = state.world.tenant(domain) if domain else None
    body: dict[str, object] = {"ver": "1.0"}
    if tenant is None:
        body |= {"account_type": "Unknown", "cloud_instance_name": "microsoftonline.com"}
    else:
        body |= {
            "account_type": "Managed",
            "domain_name": domain,
            "cloud_instance_name": "microsoftonline.com",
            "cloud_audience_urn": "urn:federation:MicrosoftOnline",
        }
    return _json(body)


__all__ = ["EntraError", "jwks", "openid_configuration_v1", "openid_configuration_v2", "origin"]
