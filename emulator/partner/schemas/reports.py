"""Partner Center's MFA reporting resources, as they go on the wire (mfa-resources.md; the facts sheet's addendum).

Their MFA fields say whether a call proved MFA, not whether its audience was right: that is Partner Center's
meaning, kept here. The emulator's own verdict is policy.verdict_today.
"""

from __future__ import annotations

from msgspec import UNSET, UnsetType

from emulator.partner.schemas.resources import Wire


class NonMfaCompliantPrincipal(Wire, kw_only=True):
    object_id: str
    tenant_id: str
    upn: str | None
    last_non_mfa_compliant_request_date_time: str


class ApplicationMfaAdoption(Wire, kw_only=True):
    login_date: str
    mfa_compliant_request_count: int
    total_request_count: int
    application_id: str
    application_name: str


class ApiRequestDetail(Wire, kw_only=True):
    request_id: str
    correlation_id: str
    operation_name: str
    request_date_time: str
    source_ip_address: str | UnsetType = UNSET
    object_id: str | UnsetType | None = UNSET
    tenant_id: str | UnsetType | None = UNSET
    upn: str | UnsetType | None = UNSET
    application_id: str | UnsetType | None = UNSET
    mfa_compliant: bool
