"""Customer users (update, password reset, soft delete, restore), customer directory roles and the partner's roles,
against literal documents: the documentation's samples where there is one (docs/sources/users.md), with the
default world's values.

The emulator's clock is fixed (2026-12-01T10:00:00.123456Z) so that a softDeletionTime is literal.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from microsoft.store.partnercenterservices import MicrosoftPartnerStoreApis
from microsoft.store.partnercenterservices import models as m
from msrest.authentication import BasicTokenAuthentication
from starlette.testclient import TestClient

from emulator.app import EmulatorApp
from emulator.clock import Clock
from emulator.config import Config
from emulator.generate import write_world
from emulator.keys import SigningKey
from emulator.state import EmulatorState
from emulator.world import WorldError, default_world_dir, load_world
from tests.helpers import NW, app_token, bearer, customer_body, serving, user_token

FIXED = datetime(2026, 12, 1, 10, 0, 0, 123456, tzinfo=UTC).timestamp()
DAY = 86400
V = "1"
CONTOSO = NW.CONTOSO
FABRIKAM = "c13d2ea4-5bee-53d5-988a-6b3a6a13df75"
CONTOSO_ADMIN = "44643319-ccc3-589c-a6d2-e8bdee96f67a"
PATTI = "3f9bfac9-d311-5758-948a-ea2772d849d0"  # Contoso's second user: Helpdesk and User Administrator
FABRIKAM_ADMIN = "dcc2668c-1fa7-51b1-a25b-a293f5a85ed7"
DIEGO = "ae87ad57-c9f9-5286-8f9b-df2b93ef4d06"  # Fabrikam's second user: Billing Administrator
UNKNOWN = "00000000-0000-0000-0000-0000000000aa"

GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10"
HELPDESK_ADMIN = "729827e3-9c14-49f7-bb1b-9608f156bbb8"
USER_ADMIN = "fe930be7-5e62-47db-91af-98c3a49a38b1"
BILLING_ADMIN = "b0f54661-2d74-4c50-afa3-1ec803f12efe"
SERVICE_SUPPORT_ADMIN = "f023fd81-a637-4b56-95fd-791ac0226033"

ADELE = "5418c243-d78c-5601-aca1-ed78f7202604"
SERVICE = "d9e190ce-7e64-5493-a5b0-65ef9d29a112"
MEGAN = "015131fd-2cd5-5d4d-b058-9093ef067b04"
ADMIN_AGENT = "5fb78966-72a3-5701-8b9b-2b08f7ed1c32"
SALES_AGENT = "a55231d2-f446-501a-b3e6-be4ac76b52d9"

# view-a-deleted-user.md's filter, as its request example encodes it.
INACTIVE = "%7B%22Field%22%3A%22UserState%22%2C%22Value%22%3A%22Inactive%22%2C%22Operator%22%3A%22equals%22%7D"


def error(code: int | str, description: str) -> dict[str, Any]:
    return {"code": code, "description": description, "data": [], "source": "PartnerFD"}


def link(uri: str) -> dict[str, Any]:
    return {"self": {"uri": uri, "method": "GET", "headers": []}}


def users_path(customer: str = CONTOSO) -> str:
    return f"/v1/customers/{customer}/users"


def members_path(role: str, customer: str = CONTOSO) -> str:
    return f"/v1/customers/{customer}/directoryroles/{role}/usermembers"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Clock, "now", lambda self: FIXED + self.offset)


@pytest.fixture
def user(state: EmulatorState) -> dict[str, str]:
    return signed_in(state)


def signed_in(state: EmulatorState) -> dict[str, str]:
    """A fresh app+user token with MFA (tests that move the clock by days sign in again, as a client would)."""
    return bearer(user_token(state, NW.ADMIN, ["pwd", "mfa"]))


@pytest.fixture
def app(state: EmulatorState) -> dict[str, str]:
    return bearer(app_token(state))


@pytest.fixture
def sdk(emulator_app: EmulatorApp) -> Iterator[MicrosoftPartnerStoreApis]:
    token = user_token(emulator_app.state, NW.ADMIN, ["pwd", "mfa"])
    with serving(emulator_app) as url:
        client = MicrosoftPartnerStoreApis(BasicTokenAuthentication({"access_token": token}), base_url=url)
        client.config.retry_policy.policy.status_forcelist = []
        client.config.retry_policy.policy.respect_retry_after_header = False
        yield client


def patti(**changes: Any) -> dict[str, Any]:
    """Patti Fernandez (Contoso) as GET answers her, with `changes`."""
    document = {
        "usageLocation": "US",
        "id": PATTI,
        "userPrincipalName": "fernandez.patti@contosoltd.onmicrosoft.com",
        "firstName": "Fernandez",
        "lastName": "Patti",
        "displayName": "Fernandez Patti",
        "userDomainType": "none",
        "state": "active",
        "links": link(f"/customers/{CONTOSO}/users/{PATTI}"),
        "attributes": {"objectType": "CustomerUser"},
    }
    return {**document, **changes}


def directory_role(name: str, role_id: str) -> dict[str, Any]:
    return {"name": name, "id": role_id, "attributes": {"objectType": "DirectoryRole"}}


def member(name: str, upn: str, role_id: str, member_id: str) -> dict[str, Any]:
    return {
        "displayName": name,
        "userPrincipalName": upn,
        "roleId": role_id,
        "id": member_id,
        "attributes": {"objectType": "UserMember"},
    }


def roles_of(client: TestClient, headers: dict[str, str], user_id: str, customer: str = CONTOSO) -> list[str]:
    answer = client.get(f"{users_path(customer)}/{user_id}/directoryroles", headers=headers)
    assert answer.status_code == 200
    return [item["name"] for item in answer.json()["items"]]


def member_ids(client: TestClient, headers: dict[str, str], role: str, customer: str = CONTOSO) -> list[str]:
    answer = client.get(members_path(role, customer), headers=headers)
    assert answer.status_code == 200
    return [item["id"] for item in answer.json()["items"]]


# --- update and password reset ---------------------------------------------------------------------------------


def test_update_user_as_documented(client: TestClient, user: dict[str, str]) -> None:
    # update-user-accounts-for-a-customer.md's request body, with a real country code.
    body = {"usageLocation": "GB", "attributes": {"objectType": "CustomerUser"}}
    answer = client.patch(f"{users_path()}/{PATTI}", json=body, headers=user)
    assert (answer.status_code, answer.json()) == (200, patti(usageLocation="GB"))
    assert client.get(f"{users_path()}/{PATTI}", headers=user).json() == patti(usageLocation="GB")


def test_update_names_and_principal_name(client: TestClient, user: dict[str, str]) -> None:
    body = {
        "userPrincipalName": "patti@contosoltd.com",  # a custom domain of the customer
        "firstName": "Patti",
        "lastName": "Fernandez",
        "displayName": "Patti Fernandez",
        "immutableId": "patti-0001",
        "phoneNumber": "+1 425 555 0100",
        "usageLocation": "ca",
    }
    expected = patti(
        usageLocation="CA",
        userPrincipalName="patti@contosoltd.com",
        firstName="Patti",
        lastName="Fernandez",
        displayName="Patti Fernandez",
        immutableId="patti-0001",
        phoneNumber="+1 425 555 0100",
    )
    answer = client.patch(f"{users_path()}/{PATTI}", json=body, headers=user)
    assert (answer.status_code, answer.json()) == (200, expected)
    listed = client.get(users_path(), headers=user).json()["items"]
    assert [u for u in listed if u["id"] == PATTI] == [expected]


def test_reset_password_as_documented(client: TestClient, user: dict[str, str], state: EmulatorState) -> None:
    body = {
        "passwordProfile": {"password": "Renew456*", "forceChangePassword": True},
        "attributes": {"objectType": "CustomerUser"},
    }
    answer = client.patch(f"{users_path()}/{PATTI}", json=body, headers=user)
    # reset-user-password-for-a-customer.md: the password profile, null sync and deletion times, the self link.
    assert (answer.status_code, answer.json()) == (
        200,
        patti(
            passwordProfile={"forceChangePassword": True, "password": "Renew456*"},
            lastDirectorySyncTime=None,
            softDeletionTime=None,
        ),
    )
    assert "Renew456*" not in json.dumps(state.world.customer_users.get(PATTI))
    assert client.get(f"{users_path()}/{PATTI}", headers=user).json() == patti()


def test_update_in_the_sdk_form_with_user_id_in_the_query(
    sdk: MicrosoftPartnerStoreApis, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SDK quirk: it types passwordProfile.password as a model (SecureString); the documented body has a string.
    profile: dict[str, Any] = dict(m.MicrosoftPartnerSdkContractsV1ContractsPasswordProfile._attribute_map)
    profile["password"] = {**profile["password"], "type": "str"}
    monkeypatch.setattr(m.MicrosoftPartnerSdkContractsV1ContractsPasswordProfile, "_attribute_map", profile)
    change = m.MicrosoftPartnerSdkContractsV1CustomerUser(display_name="Patti F.")
    raw = sdk.patchvversioncustomerscustomer.value(CONTOSO, change, V, user_id=PATTI, raw=True)
    assert (raw.response.status_code, raw.response.json()) == (200, patti(displayName="Patti F."))
    reset = m.MicrosoftPartnerSdkContractsV1CustomerUser(
        password_profile=m.MicrosoftPartnerSdkContractsV1ContractsPasswordProfile(password="Renew456*!")
    )
    raw = sdk.patchvversioncustomerscustomer.id2(CONTOSO, PATTI, reset, V, raw=True)
    assert raw.response.json()["passwordProfile"] == {"forceChangePassword": False, "password": "Renew456*!"}
    fetched = sdk.getvversioncustomerscustomer.id2(CONTOSO, PATTI, V)
    assert (fetched.display_name, fetched.state, fetched.password_profile) == ("Patti F.", "active", None)


@pytest.mark.parametrize(
    ("body", "status", "code", "description"),
    [
        ({"usageLocation": "USA"}, 400, 3000, "Invalid property: 'usageLocation' is longer than 2 characters."),
        (
            {"usageLocation": "1A"},
            400,
            3000,
            "Invalid property: 'usageLocation' must be a two-letter country code, got '1A'.",
        ),
        (
            {"userPrincipalName": "patti@elsewhere.com"},
            400,
            3000,
            "Invalid property: 'userPrincipalName' must be in one of the customer's domains: contosoltd.com, "
            "contosoltd.onmicrosoft.com.",
        ),
        (
            {"userPrincipalName": "ADMIN@contosoltd.onmicrosoft.com"},
            400,
            3000,
            "Invalid property: a user with userPrincipalName 'ADMIN@contosoltd.onmicrosoft.com' already exists.",
        ),
        (
            {"passwordProfile": {"password": "short"}},
            400,
            3000,
            "Invalid property: 'passwordProfile.password' must have at least 8 characters.",
        ),
        ({"passwordProfile": {}}, 400, 3000, "Invalid property: 'passwordProfile.password' is required."),
        (
            {"passwordProfile": "Renew456*"},
            400,
            3000,
            "Invalid property: 'passwordProfile' is required and must be an object.",
        ),
        (
            {"passwordProfile": {"password": "Renew456*", "forceChangePassword": "yes"}},
            400,
            800002,
            "Invalid request input: 'passwordProfile.forceChangePassword' must be true or false, got \"yes\".",
        ),
        ({"displayName": 5}, 400, 3000, "Invalid property: 'displayName' must be a non-empty string."),
        ({"displayName": "  "}, 400, 3000, "Invalid property: 'displayName' must be a non-empty string."),
        ({"firstName": "x" * 257}, 400, 3000, "Invalid property: 'firstName' is longer than 256 characters."),
        (
            {"state": "suspended"},
            400,
            900126,
            "Unable to parse enum: 'suspended' is not a user state; expected active or inactive.",
        ),
        (
            {"state": "inactive"},
            400,
            3000,
            "Invalid property: 'state' cannot be set to inactive: delete the user to make it inactive.",
        ),
        (
            {"id": CONTOSO_ADMIN},
            400,
            3000,
            f"Invalid property: 'id' {CONTOSO_ADMIN} is not the id of the user in the path ({PATTI}).",
        ),
        ({"id": "patti"}, 400, 3000, "Invalid property: 'id' must be a GUID."),
    ],
)
def test_update_bad_input_changes_nothing(
    client: TestClient, user: dict[str, str], body: dict[str, Any], status: int, code: int, description: str
) -> None:
    # Every refused body also names a valid change: nothing is half-applied.
    answer = client.patch(f"{users_path()}/{PATTI}", json={"lastName": "Changed", **body}, headers=user)
    assert (answer.status_code, answer.json()) == (status, error(code, description))
    assert client.get(f"{users_path()}/{PATTI}", headers=user).json() == patti()


@pytest.mark.parametrize(
    ("content", "description"),
    [
        (b"", "Invalid request input: the request has no body; a JSON object is expected."),
        (b"{not json", "Invalid request input: the body is not valid JSON."),
        (b'["displayName"]', "Invalid request input: the body must be a JSON object."),
    ],
)
def test_update_malformed_body(client: TestClient, user: dict[str, str], content: bytes, description: str) -> None:
    headers = {**user, "Content-Type": "application/json"}
    answer = client.patch(f"{users_path()}/{PATTI}", content=content, headers=headers)
    assert (answer.status_code, answer.json()) == (400, error(800002, description))


def test_update_unknown_users(client: TestClient, user: dict[str, str]) -> None:
    body = {"displayName": "Nobody"}
    unknown = client.patch(f"{users_path()}/{UNKNOWN}", json=body, headers=user)
    assert (unknown.status_code, unknown.json()) == (404, error(60002, f"User object Id is not found: {UNKNOWN}"))
    # Another customer's user is not this customer's.
    other = client.patch(f"{users_path(FABRIKAM)}/{PATTI}", json=body, headers=user)
    assert (other.status_code, other.json()) == (404, error(60002, f"User object Id is not found: {PATTI}"))
    malformed = client.patch(f"{users_path()}/patti", json=body, headers=user)
    assert (malformed.status_code, malformed.json()) == (
        400,
        error(800002, "Invalid request input: the user id 'patti' is not a GUID."),
    )
    no_customer = client.patch(f"/v1/customers/{UNKNOWN}/users/{PATTI}", json=body, headers=user)
    assert no_customer.status_code == 404
    assert no_customer.json()["code"] == 60003
    no_id = client.patch(users_path(), json=body, headers=user)
    assert (no_id.status_code, no_id.json()) == (
        400,
        error(
            800002,
            "Invalid request input: 'user_id' is required (the id of the user, as a query parameter or in the path).",
        ),
    )


# --- delete, deleted users, restore ----------------------------------------------------------------------------


def test_delete_restore_as_documented(client: TestClient, user: dict[str, str]) -> None:
    deleted = client.delete(f"{users_path()}/{PATTI}", headers=user)
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert client.get(f"{users_path()}/{PATTI}", headers=user).status_code == 404
    assert [u["id"] for u in client.get(users_path(), headers=user).json()["items"]] == [CONTOSO_ADMIN]

    # view-a-deleted-user.md's request and answer.
    listed = client.get(f"{users_path()}?size=500&filter={INACTIVE}", headers=user)
    inactive = {
        **patti(state="inactive"),
        "softDeletionTime": "2026-12-01T10:00:00Z",
    }
    assert (listed.status_code, listed.json()) == (
        200,
        {
            "totalCount": 1,
            "items": [inactive],
            "links": link(f"/customers/{CONTOSO}/users?size=500&filter={INACTIVE}"),
            "attributes": {"objectType": "Collection"},
        },
    )

    # restore-a-user-for-a-customer.md's request and answer.
    body = {"State": "active", "Attributes": {"ObjectType": "CustomerUser"}}
    restored = client.patch(f"{users_path()}/{PATTI}", json=body, headers=user)
    assert (restored.status_code, restored.json()) == (200, patti())
    assert client.get(f"{users_path()}/{PATTI}", headers=user).json() == patti()
    assert client.get(f"{users_path()}?filter={INACTIVE}", headers=user).json()["items"] == []
    active = quote(json.dumps({"Field": "UserState", "Value": "Active", "Operator": "equals"}))
    assert [u["id"] for u in client.get(f"{users_path()}?filter={active}", headers=user).json()["items"]] == [
        CONTOSO_ADMIN,
        PATTI,
    ]


def test_delete_ends_role_memberships_and_frees_licenses(client: TestClient, user: dict[str, str]) -> None:
    e5 = "06ebc4ee-1bb5-47dd-8120-11324bc54e06"
    assign = {"LicensesToAssign": [{"SkuId": e5}]}
    assert client.post(f"{users_path()}/{PATTI}/licenseupdates", json=assign, headers=user).status_code == 201
    skus = client.get(f"/v1/customers/{CONTOSO}/subscribedskus", headers=user).json()["items"]
    assert (skus[0]["consumedUnits"], skus[0]["availableUnits"]) == (1, 24)
    assert roles_of(client, user, PATTI) == ["Helpdesk Administrator", "User Administrator"]

    assert client.delete(f"{users_path()}/{PATTI}", headers=user).status_code == 204
    skus = client.get(f"/v1/customers/{CONTOSO}/subscribedskus", headers=user).json()["items"]
    assert (skus[0]["consumedUnits"], skus[0]["availableUnits"]) == (0, 25)
    assert member_ids(client, user, HELPDESK_ADMIN) == []
    assert member_ids(client, user, USER_ADMIN) == []
    assert client.get(f"{users_path()}/{PATTI}/directoryroles", headers=user).status_code == 404
    assert client.get(f"{users_path()}/{PATTI}/licenses", headers=user).status_code == 404

    # A restored user comes back without its roles and licenses.
    assert client.patch(f"{users_path()}/{PATTI}", json={"state": "active"}, headers=user).status_code == 200
    assert roles_of(client, user, PATTI) == []
    assert client.get(f"{users_path()}/{PATTI}/licenses", headers=user).json()["items"] == []


def test_a_deleted_user_takes_only_a_restore(client: TestClient, user: dict[str, str]) -> None:
    assert client.delete(f"{users_path()}/{PATTI}", headers=user).status_code == 204
    not_found = error(60002, f"User object Id is not found: {PATTI}")
    renamed = client.patch(f"{users_path()}/{PATTI}", json={"displayName": "Ghost"}, headers=user)
    assert (renamed.status_code, renamed.json()) == (404, not_found)
    again = client.delete(f"{users_path()}/{PATTI}", headers=user)
    assert (again.status_code, again.json()) == (404, not_found)
    join = {
        "Id": PATTI,
        "DisplayName": "Fernandez Patti",
        "UserPrincipalName": "fernandez.patti@contosoltd.onmicrosoft.com",
    }
    joined = client.post(members_path(GLOBAL_ADMIN), json=join, headers=user)
    assert (joined.status_code, joined.json()) == (404, not_found)
    # Its name stays taken while it can be restored.
    taken = {
        "userPrincipalName": "fernandez.patti@contosoltd.onmicrosoft.com",
        "displayName": "Another Patti",
        "passwordProfile": {"password": "abCD123*xyz"},
    }
    refused = client.post(users_path(), json=taken, headers=user)
    assert (refused.status_code, refused.json()) == (
        400,
        error(
            3000,
            "Invalid property: a user with userPrincipalName 'fernandez.patti@contosoltd.onmicrosoft.com' already exists.",
        ),
    )
    # A restore may change fields too.
    restored = client.patch(f"{users_path()}/{PATTI}", json={"state": "Active", "displayName": "Back"}, headers=user)
    assert (restored.status_code, restored.json()) == (200, patti(displayName="Back"))


def test_deleted_users_are_purged_after_thirty_days(
    client: TestClient, user: dict[str, str], state: EmulatorState
) -> None:
    assert client.delete(f"{users_path()}/{PATTI}", headers=user).status_code == 204
    state.clock.advance(30 * DAY - 1)
    user = signed_in(state)
    listed = client.get(f"{users_path()}?filter={INACTIVE}", headers=user).json()["items"]
    assert [(u["id"], u["softDeletionTime"]) for u in listed] == [(PATTI, "2026-12-01T10:00:00Z")]
    state.clock.advance(1)
    user = signed_in(state)
    assert client.get(f"{users_path()}?filter={INACTIVE}", headers=user).json()["items"] == []
    late = client.patch(f"{users_path()}/{PATTI}", json={"state": "active"}, headers=user)
    assert (late.status_code, late.json()) == (404, error(60002, f"User object Id is not found: {PATTI}"))
    # Purged, its name is free again.
    again = {
        "userPrincipalName": "fernandez.patti@contosoltd.onmicrosoft.com",
        "displayName": "Patti again",
        "passwordProfile": {"password": "abCD123*xyz"},
    }
    assert client.post(users_path(), json=again, headers=user).status_code == 201


def test_delete_in_the_sdk_form_with_user_id_in_the_query(sdk: MicrosoftPartnerStoreApis) -> None:
    raw = sdk.deletevversioncustomerscustomer.value1(CONTOSO, V, user_id=PATTI, raw=True)
    assert (raw.response.status_code, raw.response.content) == (204, b"")
    inactive = json.dumps({"Field": "UserState", "Value": "Inactive", "Operator": "equals"})
    deleted = sdk.getvversioncustomerscustomer.value6(CONTOSO, V, filter=inactive)
    assert [(u.id, u.state, u.soft_deletion_time.isoformat()) for u in deleted.items] == [
        (PATTI, "inactive", "2026-12-01T10:00:00+00:00")
    ]
    restored = m.MicrosoftPartnerSdkContractsV1CustomerUser(state="active")
    assert sdk.patchvversioncustomerscustomer.id2(CONTOSO, PATTI, restored, V, raw=True).response.status_code == 200
    assert sdk.deletevversioncustomerscustomer.id2(CONTOSO, PATTI, V, raw=True).response.status_code == 204
    gone = sdk.deletevversioncustomerscustomer.id2(CONTOSO, PATTI, V, raw=True)
    assert (gone.response.status_code, gone.response.json()["code"]) == (404, 60002)


def test_delete_bad_input(client: TestClient, user: dict[str, str]) -> None:
    missing = client.delete(users_path(), headers=user)
    assert (missing.status_code, missing.json()) == (
        400,
        error(
            800002,
            "Invalid request input: 'user_id' is required (the id of the user, as a query parameter or in the path).",
        ),
    )
    malformed = client.delete(f"{users_path()}?user_id=patti", headers=user)
    assert (malformed.status_code, malformed.json()) == (
        400,
        error(800002, "Invalid request input: the user id 'patti' is not a GUID."),
    )
    unknown = client.delete(f"{users_path()}?user_id={UNKNOWN}", headers=user)
    assert (unknown.status_code, unknown.json()) == (404, error(60002, f"User object Id is not found: {UNKNOWN}"))
    assert client.get(users_path(), headers=user).json()["totalCount"] == 2


@pytest.mark.parametrize(
    ("filter_", "description"),
    [
        ("{", 'Invalid request input: \'filter\' is not JSON; expected {"Field","Value","Operator"} URL-encoded.'),
        ("[1]", "Invalid request input: 'filter' must be a JSON object with Field, Value and Operator."),
        (
            '{"Field":"CompanyName","Value":"Inactive","Operator":"equals"}',
            "Invalid request input: filter 'Field' must be UserState (the only field users are filtered on).",
        ),
        (
            '{"Field":"UserState","Value":"Deleted","Operator":"equals"}',
            "Invalid request input: filter 'Value' must be Active or Inactive.",
        ),
        (
            '{"Field":"UserState","Value":"Inactive","Operator":"starts_with"}',
            "Invalid request input: filter 'Operator' must be equals.",
        ),
    ],
)
def test_user_filter_bad_input(client: TestClient, user: dict[str, str], filter_: str, description: str) -> None:
    answer = client.get(f"{users_path()}?filter={quote(filter_)}", headers=user)
    assert (answer.status_code, answer.json()) == (400, error(800002, description))


def test_deleted_users_page_by_seek(client: TestClient, user: dict[str, str]) -> None:
    for user_id in (PATTI, CONTOSO_ADMIN):
        assert client.delete(f"{users_path()}/{user_id}", headers=user).status_code == 204
    first = client.get(f"{users_path()}?size=1&filter={INACTIVE}", headers=user).json()
    assert [u["id"] for u in first["items"]] == [CONTOSO_ADMIN]
    following = first["links"]["next"]
    token = following["headers"][0]["value"]
    second = client.get(following["uri"], headers={**user, "MS-ContinuationToken": token}).json()
    assert [u["id"] for u in second["items"]] == [PATTI]
    assert "next" not in second["links"]


# --- customer directory roles ----------------------------------------------------------------------------------

DIRECTORY_ROLES = [
    ("Billing Administrator", BILLING_ADMIN),
    ("Directory Readers", "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"),
    ("Exchange Administrator", "29232cdf-9323-42fd-ade2-1d097af3e4de"),
    ("Global Administrator", GLOBAL_ADMIN),
    ("Global Reader", "f2ef992c-3afb-46b9-b7cf-a126ee74c451"),
    ("Helpdesk Administrator", HELPDESK_ADMIN),
    ("License Administrator", "4d6ac14f-3453-41d0-bef9-a3e0c569773a"),
    ("Password Administrator", "966707d0-3269-4727-9be2-8c3a10f19b9d"),
    ("Privileged Role Administrator", "e8611ab8-c189-46e8-94e1-60213ab1f814"),
    ("Security Administrator", "194ae4cb-b126-40b2-bd5b-6091b380977d"),
    ("Service Support Administrator", SERVICE_SUPPORT_ADMIN),
    ("SharePoint Administrator", "f28a1f50-f6e7-4571-818b-6a12f2af6b6c"),
    ("Teams Administrator", "69091246-20e8-4a56-aa4d-066075b2a7a8"),
    ("User Administrator", USER_ADMIN),
]


def test_directory_roles(client: TestClient, user: dict[str, str], sdk: MicrosoftPartnerStoreApis) -> None:
    answer = client.get(f"/v1/customers/{CONTOSO}/directoryroles", headers=user)
    assert (answer.status_code, answer.json()) == (
        200,
        {
            "totalCount": 14,
            "items": [directory_role(name, role_id) for name, role_id in DIRECTORY_ROLES],
            "attributes": {"objectType": "Collection"},
        },
    )
    roles = sdk.getvversioncustomerscustomer.value(V, FABRIKAM)
    assert [(r.name, r.id, r.attributes.object_type) for r in roles.items] == [
        (name, role_id, "DirectoryRole") for name, role_id in DIRECTORY_ROLES
    ]
    one = sdk.getvversioncustomerscustomer.value(V, CONTOSO, role_id=HELPDESK_ADMIN.upper())
    assert (one.total_count, [(r.name, r.id) for r in one.items]) == (1, [("Helpdesk Administrator", HELPDESK_ADMIN)])


def test_directory_roles_bad_input(client: TestClient, user: dict[str, str]) -> None:
    unknown = client.get(f"/v1/customers/{CONTOSO}/directoryroles?role_id={UNKNOWN}", headers=user)
    assert (unknown.status_code, unknown.json()) == (
        404,
        error(1000, f"Not found: no directory role with id {UNKNOWN}."),
    )
    malformed = client.get(f"/v1/customers/{CONTOSO}/directoryroles?role_id=admins", headers=user)
    assert (malformed.status_code, malformed.json()) == (
        400,
        error(800002, "Invalid request input: the role id 'admins' is not a GUID."),
    )
    no_customer = client.get(f"/v1/customers/{UNKNOWN}/directoryroles", headers=user)
    assert (no_customer.status_code, no_customer.json()["code"]) == (404, 60003)


def test_user_directory_roles_as_documented(
    client: TestClient, user: dict[str, str], sdk: MicrosoftPartnerStoreApis
) -> None:
    # get-user-roles-for-a-customer.md's answer (Entra now names fe930be7-… "User Administrator").
    answer = client.get(f"{users_path()}/{PATTI}/directoryroles", headers=user)
    assert (answer.status_code, answer.json()) == (
        200,
        {
            "totalCount": 2,
            "items": [
                directory_role("Helpdesk Administrator", HELPDESK_ADMIN),
                directory_role("User Administrator", USER_ADMIN),
            ],
            "attributes": {"objectType": "Collection"},
        },
    )
    assert roles_of(client, user, DIEGO, FABRIKAM) == ["Billing Administrator"]
    raw = sdk.getvversioncustomerscustomer.iddirectoryroles(CONTOSO, CONTOSO_ADMIN, V, raw=True)
    assert raw.response.json()["items"] == [directory_role("Global Administrator", GLOBAL_ADMIN)]
    unknown = client.get(f"{users_path()}/{UNKNOWN}/directoryroles", headers=user)
    assert (unknown.status_code, unknown.json()) == (404, error(60002, f"User object Id is not found: {UNKNOWN}"))
    elsewhere = client.get(f"{users_path(FABRIKAM)}/{PATTI}/directoryroles", headers=user)
    assert elsewhere.status_code == 404


def test_role_members(client: TestClient, user: dict[str, str], sdk: MicrosoftPartnerStoreApis) -> None:
    answer = client.get(members_path(GLOBAL_ADMIN), headers=user)
    assert (answer.status_code, answer.json()) == (
        200,
        {
            "totalCount": 1,
            "items": [member("Contoso Ltd admin", "admin@contosoltd.onmicrosoft.com", GLOBAL_ADMIN, CONTOSO_ADMIN)],
            "links": link(f"/customers/{CONTOSO}/directoryroles/{GLOBAL_ADMIN}/usermembers"),
            "attributes": {"objectType": "Collection"},
        },
    )
    # The SDK describes the answer as a DirectoryRole collection: the ids are the members'.
    members = sdk.getvversioncustomerscustomer.value1(V, FABRIKAM, BILLING_ADMIN)
    assert [item.id for item in members.items] == [DIEGO]
    empty = client.get(members_path(SERVICE_SUPPORT_ADMIN), headers=user).json()
    assert (empty["totalCount"], empty["items"]) == (0, [])
    unknown = client.get(members_path(UNKNOWN), headers=user)
    assert (unknown.status_code, unknown.json()) == (
        404,
        error(1000, f"Not found: no directory role with id {UNKNOWN}."),
    )
    bad_size = client.get(f"{members_path(GLOBAL_ADMIN)}?size=ten", headers=user)
    assert (bad_size.status_code, bad_size.json()) == (
        400,
        error(800002, "Invalid request input: 'size' must be an integer, got 'ten'."),
    )
    bad_seek = client.get(f"{members_path(GLOBAL_ADMIN)}?seekOperation=Next", headers=user)
    assert (bad_seek.status_code, bad_seek.json()["code"]) == (400, 800002)


def test_add_member_as_documented(client: TestClient, user: dict[str, str]) -> None:
    # set-user-roles-for-a-customer.md's request body, for a user of this customer.
    body = {
        "Id": PATTI,
        "DisplayName": "Fernandez Patti",
        "UserPrincipalName": "fernandez.patti@contosoltd.onmicrosoft.com",
        "Attributes": {"ObjectType": "UserMember"},
    }
    added = client.post(members_path(SERVICE_SUPPORT_ADMIN), json=body, headers=user)
    expected = member("Fernandez Patti", "fernandez.patti@contosoltd.onmicrosoft.com", SERVICE_SUPPORT_ADMIN, PATTI)
    assert (added.status_code, added.json()) == (201, expected)
    assert client.get(members_path(SERVICE_SUPPORT_ADMIN), headers=user).json()["items"] == [expected]
    assert roles_of(client, user, PATTI) == [
        "Helpdesk Administrator",
        "Service Support Administrator",
        "User Administrator",
    ]
    # remove-customer-user-from-a-role.md: 204, no body; the next read shows it.
    removed = client.delete(f"{members_path(SERVICE_SUPPORT_ADMIN)}/{PATTI}", headers=user)
    assert (removed.status_code, removed.content) == (204, b"")
    assert member_ids(client, user, SERVICE_SUPPORT_ADMIN) == []
    assert roles_of(client, user, PATTI) == ["Helpdesk Administrator", "User Administrator"]


def test_members_in_both_sdk_forms(sdk: MicrosoftPartnerStoreApis) -> None:
    diego = m.MicrosoftPartnerSdkContractsV1ContractsRoleManagementUserMember(
        display_name="Siciliani Diego", user_principal_name="siciliani.diego@fabrikaminc.onmicrosoft.com", id=DIEGO
    )
    added = sdk.postvversioncustomerscustomer.idusermembers(FABRIKAM, GLOBAL_ADMIN, diego, V)
    assert (added.id, added.role_id, added.display_name) == (DIEGO, GLOBAL_ADMIN, "Siciliani Diego")
    by_query = sdk.postvversioncustomerscustomer.value(FABRIKAM, diego, V, role_id=HELPDESK_ADMIN, raw=True)
    assert (by_query.response.status_code, by_query.response.json()) == (
        201,
        member("Siciliani Diego", "siciliani.diego@fabrikaminc.onmicrosoft.com", HELPDESK_ADMIN, DIEGO),
    )
    assert [i.id for i in sdk.getvversioncustomerscustomer.value1(V, FABRIKAM, GLOBAL_ADMIN).items] == [
        FABRIKAM_ADMIN,
        DIEGO,
    ]
    raw = sdk.getvversioncustomerscustomer.iddirectoryroles(FABRIKAM, DIEGO, V, raw=True)
    assert [r["name"] for r in raw.response.json()["items"]] == [
        "Billing Administrator",
        "Global Administrator",
        "Helpdesk Administrator",
    ]
    gone = sdk.deletevversioncustomerscustomer.id1(FABRIKAM, DIEGO, GLOBAL_ADMIN, V, raw=True)
    assert gone.response.status_code == 204
    gone = sdk.deletevversioncustomerscustomer.value(FABRIKAM, V, member_id=DIEGO, role_id=HELPDESK_ADMIN, raw=True)
    assert gone.response.status_code == 204
    raw = sdk.getvversioncustomerscustomer.iddirectoryroles(FABRIKAM, DIEGO, V, raw=True)
    assert [r["name"] for r in raw.response.json()["items"]] == ["Billing Administrator"]


def test_add_member_retried_with_the_same_request_id(client: TestClient, user: dict[str, str]) -> None:
    body = {
        "id": PATTI,
        "displayName": "Fernandez Patti",
        "userPrincipalName": "fernandez.patti@contosoltd.onmicrosoft.com",
    }
    headers = {**user, "MS-RequestId": "6f1c7d0e-0000-4000-8000-000000000001"}
    first = client.post(members_path(GLOBAL_ADMIN), json=body, headers=headers)
    again = client.post(members_path(GLOBAL_ADMIN), json=body, headers=headers)
    assert (first.status_code, again.status_code, again.json()) == (201, 201, first.json())
    assert member_ids(client, user, GLOBAL_ADMIN) == [CONTOSO_ADMIN, PATTI]
    # Without the same request id, a second add is a conflict.
    twice = client.post(members_path(GLOBAL_ADMIN), json=body, headers=user)
    assert (twice.status_code, twice.json()) == (
        409,
        error(3000, f"Invalid property: user {PATTI} is already a member of the role Global Administrator."),
    )


VALID_MEMBER = {
    "Id": PATTI,
    "DisplayName": "Fernandez Patti",
    "UserPrincipalName": "fernandez.patti@contosoltd.onmicrosoft.com",
}


@pytest.mark.parametrize(
    ("change", "status", "code", "description"),
    [
        ({"Id": None}, 400, 3000, "Invalid property: 'Id' is required."),
        ({"DisplayName": None}, 400, 3000, "Invalid property: 'DisplayName' is required."),
        ({"UserPrincipalName": None}, 400, 3000, "Invalid property: 'UserPrincipalName' is required."),
        ({"Id": "patti"}, 400, 3000, "Invalid property: 'Id' must be a GUID."),
        ({"Id": 7}, 400, 3000, "Invalid property: 'Id' must be a non-empty string."),
        (
            {"RoleId": USER_ADMIN},
            400,
            3000,
            f"Invalid property: 'roleId' {USER_ADMIN} is not the role of the path ({SERVICE_SUPPORT_ADMIN}).",
        ),
        (
            {"AccountId": FABRIKAM},
            400,
            3000,
            f"Invalid property: 'accountId' {FABRIKAM} is not the tenant of the role ({CONTOSO}).",
        ),
        # The member must be a user of this customer (documented 60002).
        ({"Id": DIEGO}, 404, 60002, f"User object Id is not found: {DIEGO}"),
        ({"Id": UNKNOWN}, 404, 60002, f"User object Id is not found: {UNKNOWN}"),
        ({"Id": ADELE}, 404, 60002, f"User object Id is not found: {ADELE}"),
    ],
)
def test_add_member_bad_input(
    client: TestClient, user: dict[str, str], change: dict[str, Any], status: int, code: int, description: str
) -> None:
    body = {k: v for k, v in {**VALID_MEMBER, **change}.items() if v is not None}
    answer = client.post(members_path(SERVICE_SUPPORT_ADMIN), json=body, headers=user)
    assert (answer.status_code, answer.json()) == (status, error(code, description))
    assert member_ids(client, user, SERVICE_SUPPORT_ADMIN) == []


def test_add_member_bad_requests(client: TestClient, user: dict[str, str]) -> None:
    unknown_role = client.post(members_path(UNKNOWN), json=VALID_MEMBER, headers=user)
    assert (unknown_role.status_code, unknown_role.json()) == (
        404,
        error(1000, f"Not found: no directory role with id {UNKNOWN}."),
    )
    bad_role = client.post(members_path("admins"), json=VALID_MEMBER, headers=user)
    assert (bad_role.status_code, bad_role.json()["code"]) == (400, 800002)
    not_json = client.post(
        members_path(GLOBAL_ADMIN), content=b"Id=1", headers={**user, "Content-Type": "application/json"}
    )
    assert (not_json.status_code, not_json.json()) == (
        400,
        error(800002, "Invalid request input: the body is not valid JSON."),
    )
    no_role = client.post(f"/v1/customers/{CONTOSO}/directoryroles", json=VALID_MEMBER, headers=user)
    assert (no_role.status_code, no_role.json()) == (
        400,
        error(
            800002,
            "Invalid request input: 'role_id' is required (in the path, as a query parameter or as the body's roleId).",
        ),
    )
    # The SDK's query form takes the role from the body's roleId too.
    in_body = client.post(
        f"/v1/customers/{CONTOSO}/directoryroles", json={**VALID_MEMBER, "roleId": GLOBAL_ADMIN}, headers=user
    )
    assert (in_body.status_code, in_body.json()["roleId"]) == (201, GLOBAL_ADMIN)
    assert member_ids(client, user, GLOBAL_ADMIN) == [CONTOSO_ADMIN, PATTI]


def test_remove_member_bad_input(client: TestClient, user: dict[str, str]) -> None:
    not_member = client.delete(f"{members_path(GLOBAL_ADMIN)}/{PATTI}", headers=user)
    assert (not_member.status_code, not_member.json()) == (
        404,
        error(1000, f"Not found: user {PATTI} is not a member of the role Global Administrator."),
    )
    unknown = client.delete(f"{members_path(GLOBAL_ADMIN)}/{UNKNOWN}", headers=user)
    assert (unknown.status_code, unknown.json()) == (404, error(60002, f"User object Id is not found: {UNKNOWN}"))
    other = client.delete(f"{members_path(GLOBAL_ADMIN, FABRIKAM)}/{CONTOSO_ADMIN}", headers=user)
    assert (other.status_code, other.json()["code"]) == (404, 60002)
    malformed = client.delete(f"{members_path(GLOBAL_ADMIN)}/admin", headers=user)
    assert (malformed.status_code, malformed.json()) == (
        400,
        error(800002, "Invalid request input: the user id 'admin' is not a GUID."),
    )
    no_member = client.delete(f"/v1/customers/{CONTOSO}/directoryroles?role_id={GLOBAL_ADMIN}", headers=user)
    assert (no_member.status_code, no_member.json()) == (
        400,
        error(800002, "Invalid request input: 'member_id' is required (in the path, or as a query parameter)."),
    )
    no_role = client.delete(f"/v1/customers/{CONTOSO}/directoryroles?member_id={CONTOSO_ADMIN}", headers=user)
    assert (no_role.status_code, no_role.json()) == (
        400,
        error(800002, "Invalid request input: 'role_id' is required (in the path, or as a query parameter)."),
    )
    assert member_ids(client, user, GLOBAL_ADMIN) == [CONTOSO_ADMIN]


def test_a_new_customers_admin_is_its_global_administrator(client: TestClient, user: dict[str, str]) -> None:
    created = client.post("/v1/customers", json=customer_body("rolesnewco"), headers=user)
    assert created.status_code == 201
    customer_id = created.json()["id"]
    members = client.get(members_path(GLOBAL_ADMIN, customer_id), headers=user).json()["items"]
    admin = client.get(users_path(customer_id), headers=user).json()["items"][0]
    assert members == [
        member("Company rolesnewco admin", "admin@rolesnewco.onmicrosoft.com", GLOBAL_ADMIN, admin["id"])
    ]


def test_deleting_a_customer_takes_its_role_members(
    client: TestClient, user: dict[str, str], state: EmulatorState
) -> None:
    state.world.integration_sandbox = True
    assert state.world.role_members.group(CONTOSO) != []
    assert client.delete(f"/v1/customers/{CONTOSO}", headers=user).status_code == 204
    assert state.world.role_members.group(CONTOSO) == []
    assert client.post("/_emulator/reset").status_code == 200
    assert member_ids(client, signed_in(state), GLOBAL_ADMIN) == [CONTOSO_ADMIN]


# --- the partner's roles ----------------------------------------------------------------------------------------

PARTNER_ROLES = [
    ("Global admin", GLOBAL_ADMIN, "Tenant"),
    ("User management admin", USER_ADMIN, "Tenant"),
    ("Admin agent", ADMIN_AGENT, "CSP"),
    ("Sales agent", SALES_AGENT, "CSP"),
    ("Helpdesk agent", "2a334131-0e0c-5dee-bfaf-804d3261fe18", "CSP"),
    ("Billing admin", BILLING_ADMIN, "CSP"),
    ("Account admin", "35b087e9-f652-5699-a403-eac56c280ab0", "Company"),
    ("Microsoft AI Cloud Partner Program partner admin", "1bb8ecaa-bf24-5f3f-aea9-38b24307c6da", "Company"),
    ("Referrals admin", "07aca951-1118-51eb-86d4-71e4e701d6da", "Company"),
    ("Incentive admin", "52f5d25c-c785-56cc-a885-1d24991b0464", "Company"),
]


def partner_member(role_id: str, who: str) -> dict[str, Any]:
    names = {
        ADELE: ("Adele Vance", NW.ADMIN),
        SERVICE: ("Billing Automation Service", NW.SERVICE),
        MEGAN: ("Megan Bowen", NW.MEGAN),
    }
    return member(*names[who], role_id, who)


def test_partner_roles(client: TestClient, user: dict[str, str], sdk: MicrosoftPartnerStoreApis) -> None:
    answer = client.get("/v1/roles", headers=user)
    assert (answer.status_code, answer.json()) == (
        200,
        {
            "totalCount": 10,
            "items": [
                {"name": name, "id": role_id, "category": category, "attributes": {"objectType": "Role"}}
                for name, role_id, category in PARTNER_ROLES
            ],
            "attributes": {"objectType": "Collection"},
        },
    )
    roles = sdk.getvversionrolesrole.value(V)
    assert [(r.name, r.id, r.category) for r in roles.items] == PARTNER_ROLES
    one = sdk.getvversionrolesrole.value(V, role_id=ADMIN_AGENT)
    assert [(r.name, r.category) for r in one.items] == [("Admin agent", "CSP")]
    unknown = client.get(f"/v1/roles?role_id={UNKNOWN}", headers=user)
    assert (unknown.status_code, unknown.json()) == (404, error(1000, f"Not found: no partner role with id {UNKNOWN}."))


def test_partner_role_members(client: TestClient, user: dict[str, str], sdk: MicrosoftPartnerStoreApis) -> None:
    answer = client.get(f"/v1/roles/{ADMIN_AGENT}/usermembers", headers=user)
    assert (answer.status_code, answer.json()) == (
        200,
        {
            "totalCount": 2,
            "items": [partner_member(ADMIN_AGENT, ADELE), partner_member(ADMIN_AGENT, SERVICE)],
            "links": link(f"/roles/{ADMIN_AGENT}/usermembers"),
            "attributes": {"objectType": "Collection"},
        },
    )
    raw = sdk.getvversionrolesrole.value1(V, SALES_AGENT, raw=True)
    assert raw.response.json()["items"] == [partner_member(SALES_AGENT, MEGAN)]
    paged = client.get(f"/v1/roles/{ADMIN_AGENT}/usermembers?size=1", headers=user).json()
    assert [i["id"] for i in paged["items"]] == [ADELE]
    token = paged["links"]["next"]["headers"][0]["value"]
    rest = client.get(paged["links"]["next"]["uri"], headers={**user, "MS-ContinuationToken": token}).json()
    assert [i["id"] for i in rest["items"]] == [SERVICE]


def test_partner_role_members_change(client: TestClient, user: dict[str, str], sdk: MicrosoftPartnerStoreApis) -> None:
    megan = m.MicrosoftPartnerSdkContractsV1ContractsRoleManagementUserMember(
        display_name="Megan Bowen", user_principal_name=NW.MEGAN, id=MEGAN
    )
    added = sdk.postvversionrolesrole.idusermembers(ADMIN_AGENT, megan, V, raw=True)
    assert (added.response.status_code, added.response.json()) == (201, partner_member(ADMIN_AGENT, MEGAN))
    by_query = sdk.postvversionrolesrole.value(megan, V, role_id=GLOBAL_ADMIN, raw=True)
    assert (by_query.response.status_code, by_query.response.json()) == (201, partner_member(GLOBAL_ADMIN, MEGAN))
    listed = client.get(f"/v1/roles/{ADMIN_AGENT}/usermembers", headers=user).json()["items"]
    assert [i["id"] for i in listed] == [ADELE, SERVICE, MEGAN]
    assert sdk.deletevversionrolesrole.id(ADMIN_AGENT, MEGAN, V, raw=True).response.status_code == 204
    assert (
        sdk.deletevversionrolesrole.value(V, role_id=GLOBAL_ADMIN, member_id=MEGAN, raw=True).response.status_code
        == 204
    )
    for role_id, ids in ((ADMIN_AGENT, [ADELE, SERVICE]), (GLOBAL_ADMIN, [ADELE])):
        listed = client.get(f"/v1/roles/{role_id}/usermembers", headers=user).json()["items"]
        assert [i["id"] for i in listed] == ids


def test_partner_role_members_bad_input(client: TestClient, user: dict[str, str]) -> None:
    body = {"id": MEGAN, "displayName": "Megan Bowen", "userPrincipalName": NW.MEGAN}
    twice = client.post(f"/v1/roles/{SALES_AGENT}/usermembers", json=body, headers=user)
    assert (twice.status_code, twice.json()) == (
        409,
        error(3000, f"Invalid property: user {MEGAN} is already a member of the role Sales agent."),
    )
    # Only the partner tenant's users: not a customer's, not an unknown one.
    for stranger in (CONTOSO_ADMIN, UNKNOWN):
        refused = client.post(f"/v1/roles/{SALES_AGENT}/usermembers", json={**body, "id": stranger}, headers=user)
        assert (refused.status_code, refused.json()) == (404, error(60002, f"User object Id is not found: {stranger}"))
    unknown_role = client.post(f"/v1/roles/{UNKNOWN}/usermembers", json=body, headers=user)
    assert (unknown_role.status_code, unknown_role.json()) == (
        404,
        error(1000, f"Not found: no partner role with id {UNKNOWN}."),
    )
    other_account = client.post(
        f"/v1/roles/{ADMIN_AGENT}/usermembers", json={**body, "accountId": CONTOSO}, headers=user
    )
    assert (other_account.status_code, other_account.json()) == (
        400,
        error(3000, f"Invalid property: 'accountId' {CONTOSO} is not the tenant of the role ({NW.TENANT_ID})."),
    )
    missing = client.post(f"/v1/roles/{ADMIN_AGENT}/usermembers", json={"id": MEGAN}, headers=user)
    assert (missing.status_code, missing.json()) == (400, error(3000, "Invalid property: 'DisplayName' is required."))
    no_role = client.post("/v1/roles", json=body, headers=user)
    assert (no_role.status_code, no_role.json()["code"]) == (400, 800002)
    not_member = client.delete(f"/v1/roles/{ADMIN_AGENT}/usermembers/{MEGAN}", headers=user)
    assert (not_member.status_code, not_member.json()) == (
        404,
        error(1000, f"Not found: user {MEGAN} is not a member of the role Admin agent."),
    )
    no_member = client.delete(f"/v1/roles?role_id={ADMIN_AGENT}", headers=user)
    assert (no_member.status_code, no_member.json()) == (
        400,
        error(800002, "Invalid request input: 'member_id' is required (in the path, or as a query parameter)."),
    )
    unknown_members = client.get(f"/v1/roles/{UNKNOWN}/usermembers", headers=user)
    assert (unknown_members.status_code, unknown_members.json()["code"]) == (404, 1000)
    listed = client.get(f"/v1/roles/{ADMIN_AGENT}/usermembers", headers=user).json()["items"]
    assert [i["id"] for i in listed] == [ADELE, SERVICE]


# --- App+User only -------------------------------------------------------------------------------------------------

APP_USER_ONLY = [
    ("PATCH", f"/v1/customers/{CONTOSO}/users/{PATTI}", {"displayName": "x"}),
    ("PATCH", f"/v1/customers/{CONTOSO}/users?user_id={PATTI}", {"displayName": "x"}),
    ("DELETE", f"/v1/customers/{CONTOSO}/users?user_id={PATTI}", None),
    ("GET", f"/v1/customers/{CONTOSO}/users/{PATTI}/directoryroles", None),
    ("GET", f"/v1/customers/{CONTOSO}/directoryroles", None),
    ("POST", f"/v1/customers/{CONTOSO}/directoryroles?role_id={GLOBAL_ADMIN}", VALID_MEMBER),
    ("DELETE", f"/v1/customers/{CONTOSO}/directoryroles?role_id={GLOBAL_ADMIN}&member_id={CONTOSO_ADMIN}", None),
    ("GET", f"/v1/customers/{CONTOSO}/directoryroles/{GLOBAL_ADMIN}/usermembers", None),
    ("POST", f"/v1/customers/{CONTOSO}/directoryroles/{GLOBAL_ADMIN}/usermembers", VALID_MEMBER),
    ("DELETE", f"/v1/customers/{CONTOSO}/directoryroles/{GLOBAL_ADMIN}/usermembers/{CONTOSO_ADMIN}", None),
    ("GET", "/v1/roles", None),
    ("POST", f"/v1/roles?role_id={SALES_AGENT}", {"id": ADELE, "displayName": "a", "userPrincipalName": "b"}),
    ("DELETE", f"/v1/roles?role_id={ADMIN_AGENT}&member_id={ADELE}", None),
    ("GET", f"/v1/roles/{ADMIN_AGENT}/usermembers", None),
    ("POST", f"/v1/roles/{SALES_AGENT}/usermembers", {"id": ADELE, "displayName": "a", "userPrincipalName": "b"}),
    ("DELETE", f"/v1/roles/{ADMIN_AGENT}/usermembers/{ADELE}", None),
]


@pytest.mark.parametrize(("method", "path", "body"), APP_USER_ONLY)
def test_app_only_tokens_are_refused(
    client: TestClient,
    app: dict[str, str],
    user: dict[str, str],
    method: str,
    path: str,
    body: dict[str, Any] | None,
) -> None:
    answer = client.request(method, path, json=body, headers=app)
    assert (answer.status_code, answer.json()) == (
        401,
        error(
            400,
            "Access denied: this operation supports App+User authentication only; the token is app-only (client "
            "credentials). Sign in a user and call with that token.",
        ),
    )
    # Nothing changed.
    assert client.get(f"{users_path()}/{PATTI}", headers=user).json() == patti()
    assert member_ids(client, user, GLOBAL_ADMIN) == [CONTOSO_ADMIN]
    listed = client.get(f"/v1/roles/{ADMIN_AGENT}/usermembers", headers=user).json()["items"]
    assert [i["id"] for i in listed] == [ADELE, SERVICE]


# --- persistence ---------------------------------------------------------------------------------------------------


def test_memberships_and_deletions_survive_a_restart(tmp_path: Path, signing_key: SigningKey) -> None:
    config = Config(state_dir=tmp_path, persist=True, seed=3)
    first = EmulatorApp(EmulatorState(config, key=signing_key))
    with TestClient(first) as client:
        headers = bearer(user_token(first.state, NW.ADMIN, ["pwd", "mfa"]))
        assert client.delete(f"{users_path()}/{PATTI}", headers=headers).status_code == 204
        body = {"id": MEGAN, "displayName": "Megan Bowen", "userPrincipalName": NW.MEGAN}
        assert client.post(f"/v1/roles/{ADMIN_AGENT}/usermembers", json=body, headers=headers).status_code == 201
    again = EmulatorApp(EmulatorState(config, key=signing_key))
    with TestClient(again) as client:
        headers = bearer(user_token(again.state, NW.ADMIN, ["pwd", "mfa"]))
        deleted = client.get(f"{users_path()}?filter={INACTIVE}", headers=headers).json()["items"]
        assert [(u["id"], u["softDeletionTime"]) for u in deleted] == [(PATTI, "2026-12-01T10:00:00Z")]
        assert member_ids(client, headers, HELPDESK_ADMIN) == []
        listed = client.get(f"/v1/roles/{ADMIN_AGENT}/usermembers", headers=headers).json()["items"]
        assert [i["id"] for i in listed] == [ADELE, SERVICE, MEGAN]


# --- role-members.json -----------------------------------------------------------------------------------------


def _world_copy(tmp_path: Path) -> Path:
    target = tmp_path / "world"
    shutil.copytree(default_world_dir(), target)
    return target


def test_role_members_file_is_optional(tmp_path: Path) -> None:
    directory = _world_copy(tmp_path)
    (directory / "role-members.json").unlink()
    assert len(load_world(directory).role_members) == 0
    assert len(load_world().role_members) == 87


@pytest.mark.parametrize(
    ("index", "change", "message"),
    [
        (0, {"roleId": UNKNOWN}, f"members[0].roleId: no partner role with id {UNKNOWN}"),
        (0, {"memberId": PATTI}, f"members[0].memberId: no user with objectId {PATTI} in users.json"),
        (6, {"roleId": ADMIN_AGENT}, f"members[6].roleId: no directory role with id {ADMIN_AGENT}"),
        (6, {"memberId": DIEGO}, f"members[6].memberId: no active user with id {DIEGO} in customer {CONTOSO}"),
        (
            6,
            {"_tenantId": UNKNOWN},
            f"members[6].memberId: no active user with id {CONTOSO_ADMIN} in customer {UNKNOWN}",
        ),
        (6, {"id": "contoso-admin"}, f"members[6].id: expected {CONTOSO}:{GLOBAL_ADMIN}:{CONTOSO_ADMIN}"),
        (6, {"roleId": "admins"}, "members[6].roleId: expected a GUID"),
    ],
)
def test_role_members_file_is_checked(tmp_path: Path, index: int, change: dict[str, Any], message: str) -> None:
    directory = _world_copy(tmp_path)
    path = directory / "role-members.json"
    data = json.loads(path.read_text())
    data["members"][index].update(change)
    path.write_text(json.dumps(data))
    with pytest.raises(WorldError) as raised:
        load_world(directory)
    assert f"role-members.json: {message}" in str(raised.value)


def test_generated_worlds_have_role_members(tmp_path: Path) -> None:
    counts = write_world(tmp_path / "small", 3, form="json")
    assert counts["role-members.json"] == 6 + 3 + 2 + 1  # the partner; Contoso 1+2, Fabrikam 1+1; the third: its admin
    world = load_world(tmp_path / "small")
    assert sorted(m["roleId"] for m in world.role_members.group(FABRIKAM)) == sorted([GLOBAL_ADMIN, BILLING_ADMIN])


def test_a_world_file_holds_the_role_members(tmp_path: Path) -> None:
    counts = write_world(tmp_path / "large", 3)
    assert counts["roleMembers"] == 6 + 3 + 2 + 1
    world = load_world(tmp_path / "large")
    assert sorted(m["roleId"] for m in world.role_members.group(FABRIKAM)) == sorted([GLOBAL_ADMIN, BILLING_ADMIN])
