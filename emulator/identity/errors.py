"""Entra ID's OAuth error body: error, AADSTS description with trace and correlation ids, codes, timestamp."""

from __future__ import annotations

from starlette.responses import JSONResponse

from emulator.formats import entra_timestamp, trace_id

NO_STORE = {"Cache-Control": "no-store, no-cache", "Pragma": "no-cache"}
# Beside Cache-Control, a recorded v2 token answer (an Azure SDK for JS test recording, 2021) carries
# x-ms-request-id (the request's trace id) and x-ms-ests-server (the serving build: this value is the emulator's [I]).
ESTS_SERVER = "2.1.19465.4 - pcemu ProdSlices"


def token_headers(trace: str, correlation_id: str | None) -> dict[str, str]:
    headers = {**NO_STORE, "x-ms-request-id": trace, "x-ms-ests-server": ESTS_SERVER}
    if correlation_id:
        headers["client-request-id"] = correlation_id
    return headers


class EntraError(Exception):
    """An AADSTS error to answer with; raised by grant handlers, rendered once by the endpoint."""

    def __init__(self, status: int, error: str, code: int, message: str) -> None:
        super().__init__(f"AADSTS{code}: {message}")
        self.status, self.error, self.code, self.message = status, error, code, message


def entra_error_response(exc: EntraError, now: float, correlation_id: str | None) -> JSONResponse:
    trace = trace_id()
    correlation_id = correlation_id or trace_id()
    timestamp = entra_timestamp(now)
    body = {
        "error": exc.error,
        "error_description": f"AADSTS{exc.code}: {exc.message}\r\nTrace ID: {trace}\r\n"
        f"Correlation ID: {correlation_id}\r\nTimestamp: {timestamp}",
        "error_codes": [exc.code],
        "timestamp": timestamp,
        "trace_id": trace,
        "correlation_id": correlation_id,
        "error_uri": f"https://login.microsoftonline.com/error?code={exc.code}",
    }
    headers = token_headers(trace, correlation_id)
    return JSONResponse(body, status_code=exc.status, headers=headers, media_type="application/json; charset=utf-8")


# The errors the grants raise, in one place so their status and `error` value never drift apart.
def missing_parameter(name: str) -> EntraError:
    return EntraError(
        400, "invalid_request", 900144, f"The request body must contain the following parameter: '{name}'."
    )


def unknown_tenant(name: str) -> EntraError:
    return EntraError(
        400,
        "invalid_request",
        90002,
        f"Tenant '{name}' not found. Check to make sure you have the correct tenant ID and are signing into "
        "the correct cloud. Check with your subscription administrator, this may happen if there are no "
        "active subscriptions for the tenant.",
    )


def no_tenant_information() -> EntraError:
    return EntraError(
        400,
        "invalid_request",
        50059,
        "No tenant-identifying information found in either the request or implied by any provided credentials.",
    )


def unknown_client(client_id: str, tenant: str) -> EntraError:
    return EntraError(
        400,
        "unauthorized_client",
        700016,
        f"Application with identifier '{client_id}' was not found in the directory '{tenant}'. This can happen "
        "if the application has not been installed by the administrator of the tenant or consented to by any "
        "user in the tenant. You may have sent your authentication request to the wrong tenant.",
    )


def invalid_secret(client_id: str) -> EntraError:
    return EntraError(
        401,
        "invalid_client",
        7000215,
        f"Invalid client secret provided. Ensure the secret being sent in the request is the client secret "
        f"value, not the client secret ID, for a secret added to app '{client_id}'.",
    )


def missing_secret() -> EntraError:
    return EntraError(
        401,
        "invalid_client",
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    )


def bad_credentials() -> EntraError:
    return EntraError(400, "invalid_grant", 50126, "Error validating credentials due to invalid username or password.")


def unknown_user(upn: str, tenant: str) -> EntraError:
    return EntraError(
        400,
        "invalid_grant",
        50034,
        f"The user account {upn} does not exist in the {tenant} directory. To sign into this application, "
        "the account must be added to the directory.",
    )


def mfa_required(resource_app_id: str) -> EntraError:
    # Text as in Partner-Center-PowerShell#259 and PartnerCenterPowerShellModule#37.
    return EntraError(
        400,
        "interaction_required",
        50076,
        "Due to a configuration change made by your administrator, or because you moved to a new location, "
        f"you must use multi-factor authentication to access '{resource_app_id}'.",
    )


def refresh_token_inactive(issued: str, inactive_days: float) -> EntraError:
    days = int(inactive_days)
    return EntraError(
        400,
        "invalid_grant",
        700082,
        f"The refresh token has expired due to inactivity. The token was issued on {issued} and was inactive "
        f"for {days}.00:00:00.",
    )


def malformed_grant() -> EntraError:
    return EntraError(400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.")


def grant_not_for_client() -> EntraError:
    return EntraError(400, "invalid_grant", 70000, "Provided grant is invalid or malformed.")


def invalid_scope(detail: str) -> EntraError:
    return EntraError(
        400,
        "invalid_scope",
        70011,
        f"The provided value for the input parameter 'scope' is not valid. {detail}",
    )


def client_credentials_scope(scope: str) -> EntraError:
    return EntraError(
        400,
        "invalid_scope",
        1002012,
        f"The provided value for scope {scope} is not valid. Client credential flows must have a scope value "
        "with /.default suffixed to the resource identifier (application ID URI).",
    )


def unknown_resource(resource: str, tenant: str) -> EntraError:
    return EntraError(
        400,
        "invalid_resource",
        500011,
        f"The resource principal named {resource} was not found in the tenant named {tenant}. This can happen "
        "if the application has not been installed by the administrator of the tenant or consented to by any "
        "user in the tenant. You might have sent your authentication request to the wrong tenant.",
    )


def unsupported_grant(grant: str) -> EntraError:
    return EntraError(400, "unsupported_grant_type", 70003, f"The app requested an unsupported grant type '{grant}'.")


def secret_from_public_client() -> EntraError:
    return EntraError(
        401,
        "invalid_client",
        700025,
        "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
    )


def consent_missing(app_id: str, app_name: str) -> EntraError:
    return EntraError(
        400,
        "invalid_grant",
        65001,
        f"The user or administrator has not consented to use the application with ID '{app_id}' named "
        f"'{app_name}'. Send an interactive authorization request for this user and resource.",
    )


def code_expired() -> EntraError:
    return EntraError(
        400,
        "invalid_grant",
        70008,
        "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive "
        "authorization request for this user and resource.",
    )


def code_redeemed() -> EntraError:
    return EntraError(
        400,
        "invalid_grant",
        54005,
        "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing "
        "refresh token.",
    )


def redirect_mismatch() -> EntraError:
    return EntraError(
        400,
        "invalid_grant",
        50011,
        "The redirect URI specified in the request does not match the redirect URI of the authorization request.",
    )


def pkce_mismatch() -> EntraError:
    return EntraError(
        400,
        "invalid_grant",
        501481,
        "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
    )


def device_error(error: str) -> EntraError:
    """The device code flow's answers while it polls (RFC 8628 names, Entra's codes)."""
    code, message = {
        "authorization_pending": (
            70016,
            "OAuth 2.0 device flow error. Authorization is still pending. Continue polling.",
        ),
        "authorization_declined": (70000, "The user declined the sign-in on the verification page."),
        "expired_token": (70019, "Verification code expired."),
        "bad_verification_code": (70018, "Invalid verification code was entered."),
    }[error]
    return EntraError(400, error, code, message)


# --- client assertions and federated credentials (docs/sources/entra-assertion-errors.md cites each) ----------

CERTIFICATE_DOCS = "https://learn.microsoft.com/entra/identity-platform/certificate-credentials"
FEDERATION_DOCS = "https://learn.microsoft.com/entra/workload-id/workload-identity-federation"


def assertion_malformed() -> EntraError:
    return EntraError(400, "invalid_request", 50027, "JWT token is invalid or malformed.")


def assertion_header_type() -> EntraError:
    return EntraError(
        400,
        "invalid_request",
        5002727,
        "Invalid JWT header type specified, must be 'JWT' or 'http://openid.net/specs/jwt/1.0'.",
    )


def assertion_missing_field(name: str) -> EntraError:
    return EntraError(
        400,
        "invalid_request",
        90014,
        f"The required field '{name}' is missing from the credential. Ensure that you have all the necessary "
        "parameters for the login request.",
    )


def assertion_algorithm(algorithm: str) -> EntraError:
    return EntraError(
        401,
        "invalid_client",
        5002738,
        f"Invalid JWT token. '{algorithm}' is not a supported signature algorithm. Supported signing algorithms "
        "are: 'RS256,RS384,RS512'",
    )


def assertion_no_key_id() -> EntraError:
    return EntraError(
        401,
        "invalid_client",
        5002723,
        "Invalid JWT token. No certificate SHA-1 thumbprint, certificate SHA-256 thumbprint, nor keyId specified "
        "in token header.",
    )


def assertion_key_not_found(client_id: str, thumbprint: str) -> EntraError:
    return EntraError(
        401,
        "invalid_client",
        700027,
        f"Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used "
        f"by client: '{thumbprint}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see "
        f"configured keys for app Id '{client_id}'. Review the documentation at "
        "https://docs.microsoft.com/en-us/graph/deployments to determine the corresponding service endpoint and "
        "https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0&tabs=http to build a query "
        f"request URL, such as 'https://graph.microsoft.com/beta/applications/{client_id}'].",
    )


def assertion_signature() -> EntraError:
    return EntraError(401, "invalid_client", 700027, "Client assertion failed signature validation.")


def assertion_time(now: str, valid_from: str, expires: str) -> EntraError:
    return EntraError(
        401,
        "invalid_client",
        700024,
        f"Client assertion is not within its valid time range. Current time: {now}, assertion valid from "
        f"{valid_from}, expiry time of assertion {expires}. Review the documentation at {CERTIFICATE_DOCS} .",
    )


def assertion_audience() -> EntraError:
    return EntraError(
        401,
        "invalid_client",
        700023,
        f"Client assertion audience claim does not match Realm issuer. Review the documentation at "
        f"{CERTIFICATE_DOCS} .",
    )


def assertion_client_mismatch() -> EntraError:
    return EntraError(
        401,
        "invalid_client",
        700021,
        "Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation "
        f"at {CERTIFICATE_DOCS} .",
    )


def assertion_subject_not_issuer() -> EntraError:
    return EntraError(
        401, "invalid_client", 50048, "Subject must match the issuer claim in the client assertion."
    )  # [I] the status and error value; the code and text are msal4j #430's


def federated_no_match(code: int, what: str, value: str) -> EntraError:
    """700211 (issuer), 700212 (audience), 700213 (subject)."""
    return EntraError(
        401,
        "invalid_client",
        code,
        f"No matching federated identity record found for presented assertion {what} '{value}'. Check your "
        f"federated identity credential Subject, Audience and Issuer against the presented assertion. "
        f"{FEDERATION_DOCS}",
    )


def federated_subject_case(subject: str) -> EntraError:
    return EntraError(
        401,
        "invalid_client",
        7002138,
        f"No matching federated identity record found for presented assertion subject '{subject}'. The subject "
        "matches with case-insensitive comparison, but not with case-sensitive comparison. Check your federated "
        "identity credential Subject, Audience and Issuer against the presented assertion. See documentation at: "
        f"{FEDERATION_DOCS}. See breaking change notification and remediation at: "
        "https://learn.microsoft.com/en-us/entra/identity-platform/reference-breaking-changes#august-2024.",
    )


def federated_issuer_unreachable() -> EntraError:
    return EntraError(400, "invalid_request", 90061, "Request to External OIDC endpoint failed.")


def password_over_common() -> EntraError:
    return EntraError(
        400,
        "invalid_request",  # [I] no captured body shows the error value
        9001023,
        "The grant type isn't supported over the /common or /consumers endpoints. Please use the /organizations "
        "or tenant-specific endpoint.",
    )


def unknown_code() -> EntraError:
    return EntraError(400, "invalid_grant", 70000, "The provided value for the 'code' parameter is not valid.")
