"""Service requests, support topics, Office service incidents and audit records, against literal documents.

The emulator's clock is fixed (2026-12-01T10:00:00.123456Z) so that times on the wire are literal; generated ids
are read from the answers. Sources: docs/sources/support.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import jwt
import pytest
from microsoft.store.partnercenterservices import MicrosoftPartnerStoreApis
from microsoft.store.partnercenterservices import models as m
from msrest.authentication import BasicTokenAuthentication
from starlette.testclient import TestClient

from emulator import trail
from emulator.app import EmulatorApp
from emulator.clock import Clock
from emulator.config import Config
from emulator.partner.models.audit import AUDITED, NOT_AUDITED
from emulator.state import EmulatorState
from tests.helpers import NW, app_token, bearer, customer_body, serving, user_token

FIXED = datetime(2026, 12, 1, 10, 0, 0, 123456, tzinfo=UTC).timestamp()
DAY = 86400
V = "1"
FABRIKAM = "c13d2ea4-5bee-53d5-988a-6b3a6a13df75"
LITWARE = "51780fa4-2176-516e-be39-6b393becd54c"
M365_E5 = "8BDBB60B-E526-43E9-92EF-AB760C8E0B72"
FABRIKAM_SUBSCRIPTION = "4788E20A-B38D-5A45-9312-001442304095"
PARTNER_REQUEST = "667661681991968"  # the fixtures' open request of the partner
CONTOSO_REQUEST = "651756415765698"
NORTHWIND = {"id": NW.TENANT_ID, "name": "Northwind Cloud Partners", "phoneNumber": "4255550142"}
ADELE = {  # the signed-in partner user (NW.ADMIN) as a service request's contact
    "organization": NORTHWIND,
    "contactId": "5418c243-d78c-5601-aca1-ed78f7202604",
    "lastName": "Vance",
    "firstName": "Adele",
    "email": NW.ADMIN,
}


def error(code: int | str, description: str) -> dict[str, Any]:
    return {"code": code, "description": description, "data": [], "source": "PartnerFD"}


def invalid(message: str) -> dict[str, Any]:
    return error(800002, f"Invalid request input: {message}")


def link(uri: str) -> dict[str, Any]:
    return {"uri": uri, "method": "GET", "headers": []}


APP_ONLY_REFUSED = error(
    400,
    "Access denied: this operation supports App+User authentication only; the token is app-only (client "
    "credentials). Sign in a user and call with that token.",
)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Clock, "now", lambda self: FIXED + self.offset)


@pytest.fixture
def user(state: EmulatorState) -> dict[str, str]:
    return signed_in(state)


def signed_in(state: EmulatorState) -> dict[str, str]:
    """A fresh app+user token with MFA: tests that move the clock by days sign in again, as a client would."""
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
        yield client


def records(client: TestClient, headers: dict[str, str], query: str = "") -> list[dict[str, Any]]:
    response = client.get(f"/v1/auditrecords{query}", headers=headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


# --- audit records --------------------------------------------------------------------------------------------


def test_a_customer_created_over_http_is_an_add_customer_record(client: TestClient, user: dict[str, str]) -> None:
    created = client.post("/v1/customers", json=NW.DOC_CUSTOMER, headers=user)
    assert created.status_code == 201
    cid, commerce_id = created.json()["id"], created.json()["commerceId"]
    full = client.get(f"/v1/customers/{cid}", headers=user).json()
    billing_id, etag = full["billingProfile"]["id"], full["billingProfile"]["attributes"]["etag"]
    answer = client.get("/v1/auditrecords", headers=user)
    assert answer.status_code == 200
    body = answer.json()
    (item,) = body["items"]
    new_value = json.loads(item.pop("resourceNewValue"))
    assert body == {
        "totalCount": 1,
        "items": [
            {
                "partnerId": NW.TENANT_ID,
                "customerId": cid,
                "customerName": "test company",
                "userPrincipalName": NW.ADMIN,
                "applicationId": NW.NATIVE_APP,
                "resourceType": "customer",
                "operationType": "add_customer",
                "operationDate": "2026-12-01T10:00:00.123456Z",
                "operationStatus": "succeeded",
                "customizedData": [],
                "attributes": {"objectType": "AuditRecord"},
            }
        ],
        "links": {"self": link("/auditrecords?startDate=2026-11-01&size=500")},
        "attributes": {"objectType": "Collection"},
    }
    assert list(answer.json()["items"][0])[6] == "resourceNewValue"  # the documented field order
    address = {"Country": "US", "City": "Redmond", "AddressLine1": "One Microsoft Way", "PostalCode": "98052"}
    assert new_value == {
        "Id": cid,
        "CommerceId": commerce_id,
        "CompanyProfile": {
            "TenantId": cid,
            "Domain": "xyz.onmicrosoft.com",
            "CompanyName": "test company",
            "Address": {**address, "Region": "WA", "PhoneNumber": ""},
            "Email": "test@outlook.com",
        },
        "BillingProfile": {
            "Id": billing_id,
            "FirstName": "Test",
            "LastName": "Test",
            "Email": "test@outlook.com",
            "Culture": "en-US",
            "Language": "en",
            "CompanyName": "test company",
            "DefaultAddress": {**address, "State": "WA", "FirstName": "Test", "LastName": "Test", "PhoneNumber": ""},
            "Etag": etag,
        },
        "RelationshipToPartner": "reseller",
        "AllowDelegatedAccess": True,
        "CustomDomains": ["xyz.onmicrosoft.com"],
        "Attributes": {"ObjectType": "Customer"},
    }


def test_an_order_is_a_create_order_record_as_documented(
    client: TestClient, app: dict[str, str], user: dict[str, str]
) -> None:
    """The documented sample's customizedData keys; an app-only caller is named by its service principal."""
    order = {
        "ReferenceCustomerId": FABRIKAM,
        "BillingCycle": "monthly",
        "LineItems": [{"LineItemNumber": 0, "OfferId": M365_E5, "FriendlyName": "E5 for Fabrikam", "Quantity": 5}],
    }
    created = client.post(f"/v1/customers/{FABRIKAM}/orders", json=order, headers=app).json()
    sid = created["lineItems"][0]["subscriptionId"]
    principal = jwt.decode(app["Authorization"][7:], options={"verify_signature": False})["oid"]
    assert records(client, app) == records(client, user)  # app-only and App+User tokens alike
    (record,) = records(client, user)
    new_value = json.loads(record.pop("resourceNewValue"))
    assert record == {
        "partnerId": NW.TENANT_ID,
        "customerId": FABRIKAM,
        "customerName": "Fabrikam Inc",
        "userPrincipalName": principal,
        "applicationId": NW.WEB_APP,
        "resourceType": "order",
        "operationType": "create_order",
        "operationDate": "2026-12-01T10:00:00.123456Z",
        "operationStatus": "succeeded",
        "customizedData": [
            {"key": "OrderId", "value": created["id"]},
            {"key": "BillingCycle", "value": "Monthly"},
            {"key": "OfferId-0", "value": M365_E5},
            {"key": "SubscriptionId-0", "value": sid},
            {"key": "SubscriptionName-0", "value": "E5 for Fabrikam"},
            {"key": "Quantity-0", "value": "5"},
            {"key": "PartnerOnRecord-0", "value": None},
        ],
        "attributes": {"objectType": "AuditRecord"},
    }
    assert (new_value["Id"], new_value["ReferenceCustomerId"], new_value["Attributes"]) == (
        created["id"],
        FABRIKAM,
        {"ObjectType": "Order"},
    )
    assert new_value["LineItems"][0]["SubscriptionId"] == sid  # the order's subscriptions: no record of their own


def test_changes_of_users_and_subscriptions_are_recorded(client: TestClient, user: dict[str, str]) -> None:
    body = {
        "userPrincipalName": "audit.user@fabrikaminc.onmicrosoft.com",
        "displayName": "Audit User",
        "passwordProfile": {"password": "Str0ng!Pass", "forceChangePassword": True},
    }
    users = f"/v1/customers/{FABRIKAM}/users"
    uid = client.post(users, json=body, headers=user).json()["id"]
    assert client.delete(f"{users}/{uid}", headers=user).status_code == 204
    path = f"/v1/customers/{FABRIKAM}/subscriptions/{FABRIKAM_SUBSCRIPTION}"
    assert client.patch(path, json={"quantity": 15}, headers=user).status_code == 200
    assert client.patch(path, json={"quantity": 15}, headers=user).status_code == 200  # no change: no record
    found = records(client, user)
    assert [(r["resourceType"], r["operationType"], r["customizedData"]) for r in found] == [
        ("subscription", "update_subscription", [{"key": "SubscriptionId", "value": FABRIKAM_SUBSCRIPTION}]),
        ("customer_user", "delete_customer_user", [{"key": "CustomerUserId", "value": uid}]),
        ("customer_user", "create_customer_user", [{"key": "CustomerUserId", "value": uid}]),
    ]  # newest first, as the documented sample
    update, deleted, created = found
    assert (json.loads(update["resourceOldValue"])["Quantity"], json.loads(update["resourceNewValue"])["Quantity"]) == (
        12,
        15,
    )
    assert "resourceNewValue" not in deleted
    assert json.loads(deleted["resourceOldValue"])["UserPrincipalName"] == body["userPrincipalName"]
    assert "resourceOldValue" not in created
    assert json.loads(created["resourceNewValue"])["Attributes"] == {"ObjectType": "CustomerUser"}


def test_new_commerce_licenses_and_consents_are_recorded(
    client: TestClient, user: dict[str, str], state: EmulatorState
) -> None:
    from tests.test_commerce import bought, line

    bought(client, user, line(quantity=1))  # an agreement, a cart (no record: no audited resource), a checkout
    state.clock.advance(30)
    user = signed_in(state)
    skus = client.get(f"/v1/customers/{FABRIKAM}/subscribedskus", headers=user).json()["items"]
    sku = next(s for s in skus if s["productSku"]["skuPartNumber"] == "O365_BUSINESS_ESSENTIALS")["productSku"]["id"]
    first = client.get(f"/v1/customers/{FABRIKAM}/users", headers=user).json()["items"][0]["id"]
    assign = {"LicensesToAssign": [{"ExcludedPlans": None, "SkuId": sku}]}
    assert (
        client.post(f"/v1/customers/{FABRIKAM}/users/{first}/licenseupdates", json=assign, headers=user).status_code
        == 201
    )
    consents = f"/v1/customers/{FABRIKAM}/applicationconsents"
    consent = {
        "applicationId": "11112222-3333-4444-5555-666677778888",
        "applicationGrants": [
            {"enterpriseApplicationId": "00000002-0000-0000-c000-000000000000", "scope": "Domain.ReadWrite.All"}
        ],
    }
    assert client.post(consents, json=consent, headers=user).status_code == 201
    assert client.delete(f"{consents}/{consent['applicationId']}", headers=user).status_code == 204
    found = records(client, user)
    assert [(r["resourceType"], r["operationType"]) for r in found] == [
        ("application", "unregister_application"),
        ("application", "register_application"),
        ("license", "update_customer_user_licenses"),
        ("order", "create_order"),
        ("agreement", "create_agreement"),
    ]
    license = found[2]
    # As the documented sample's license record: the LicenseUpdate as the new value, the user and the SKU.
    assert license["customizedData"] == [
        {"key": "CustomerUserId", "value": first},
        {"key": "AddedLicenseSkuId", "value": sku},
    ]
    assert json.loads(license["resourceNewValue"]) == {
        "LicensesToAssign": [{"ExcludedPlans": None, "SkuId": sku}],
        "LicensesToRemove": None,
        "LicenseWarnings": [],
        "Attributes": {"ObjectType": "LicenseUpdate"},
    }
    assert {r["customerName"] for r in found} == {"Fabrikam Inc"}


def test_refused_and_retried_calls_leave_one_record(client: TestClient, user: dict[str, str]) -> None:
    bad = client.post("/v1/customers", json={"CompanyProfile": {}}, headers=user)
    assert bad.status_code == 400
    assert records(client, user) == []  # a refused call changes nothing
    headers = {**user, "MS-RequestId": "8f0b7b7e-1111-4a8b-9c6d-0e1f2a3b4c5d"}
    first = client.post("/v1/customers", json=customer_body("retried"), headers=headers)
    again = client.post("/v1/customers", json=customer_body("retried"), headers=headers)
    assert first.json()["id"] == again.json()["id"]
    assert [r["operationType"] for r in records(client, user)] == ["add_customer"]


def test_every_table_of_the_world_is_audited_or_says_why_not(state: EmulatorState) -> None:
    assert set(AUDITED) | set(NOT_AUDITED) == set(state.world.tables())
    assert not set(AUDITED) & set(NOT_AUDITED)


CUSTOMER = {
    "id": "c",
    "companyProfile": {"companyName": "A"},
    "billingProfile": {"email": "a@a"},
    "relationshipToPartner": "reseller",
}
USER = {"id": "u", "userPrincipalName": "a@x.com", "state": "active", "_licenses": []}
RULES = [
    ("customers", None, CUSTOMER, ("customer", "add_customer")),
    ("customers", CUSTOMER, None, ("customer", "delete_customer")),
    ("customers", CUSTOMER, {**CUSTOMER, "billingProfile": {"email": "b@b"}}, ("customer", "update_customer_billing_profile")),
    ("customers", CUSTOMER, {**CUSTOMER, "relationshipToPartner": "none"},
     ("partner_customer_relationship", "remove_partner_customer_relationship")),
    ("customers", CUSTOMER, {**CUSTOMER, "companyProfile": {"companyName": "B"}}, ("customer", "update_company_info")),
    ("customerUsers", USER, {**USER, "_licenses": ["s"]}, ("license", "update_customer_user_licenses")),
    ("customerUsers", USER, {**USER, "userPrincipalName": "b@x.com"}, ("customer_user", "update_customer_user_principal_name")),
    ("customerUsers", {**USER, "state": "inactive"}, USER, ("customer_user", "restore_customer_user")),
    ("customerUsers", USER, {**USER, "displayName": "B"}, ("customer_user", "update_customer_user")),
    ("orders", None, {"id": "o"}, ("order", "create_order")),
    ("orders", {"id": "o"}, {"id": "o", "status": "cancelled"}, ("order", "update_order")),
    ("consents", {"id": "k"}, None, ("application", "unregister_application")),
    ("migrations", None, {"id": "m"}, ("new_commerce_migration", "create_new_commerce_migration")),
]  # fmt: skip


@pytest.mark.parametrize(("table", "before", "after", "names"), RULES)
def test_the_operation_of_each_kind_of_change(table: str, before: Any, after: Any, names: tuple[str, str]) -> None:
    assert AUDITED[table].operation(before, after) == names


def test_records_expire_after_90_days_on_the_emulators_clock(client: TestClient, state: EmulatorState) -> None:
    client.post("/v1/customers", json=customer_body("old"), headers=signed_in(state))
    state.clock.advance(89 * DAY)
    user = signed_in(state)
    assert [r["customerName"] for r in records(client, user, "?startDate=2026-12-01")] == ["Company old"]
    assert records(client, user) == []  # the default window: the last 30 days
    state.clock.advance(2 * DAY)  # 91 days after the record
    user = signed_in(state)
    too_old = client.get("/v1/auditrecords?startDate=2026-12-01", headers=user)
    assert (too_old.status_code, too_old.json()) == (
        400,
        invalid("'startDate' 2026-12-01 is more than 90 days before today: activity records are kept for the "
                "previous 90 days."),
    )  # fmt: skip
    assert records(client, user, "?startDate=2026-12-02") == []  # 90 days back: allowed, and the record is gone
    assert len(state.world.audit_records) == 1  # until the next change drops it
    client.post("/v1/customers", json=customer_body("new"), headers=user)
    assert [r["customerName"] for r in state.world.audit_records] == ["Company new"]


def test_at_most_so_many_records_are_kept_the_newest(
    client: TestClient, user: dict[str, str], state: EmulatorState, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(trail, "RECORDS_KEPT", 3)
    for n in range(5):
        assert client.post("/v1/customers", json=customer_body(f"capped{n}"), headers=user).status_code == 201
    assert [r["customerName"] for r in records(client, user)] == [
        "Company capped4",
        "Company capped3",
        "Company capped2",
    ]
    assert len(state.world.audit_records) == 3


def test_pages_follow_with_the_continuation_token(client: TestClient, user: dict[str, str]) -> None:
    for n in range(5):
        client.post("/v1/customers", json=customer_body(f"paged{n}"), headers=user)
    first = client.get("/v1/auditrecords?startDate=2026-11-20&size=2", headers=user).json()
    token = first["continuationToken"]
    assert [r["customerName"] for r in first["items"]] == ["Company paged4", "Company paged3"]
    assert first["links"] == {
        "self": link("/auditrecords?startDate=2026-11-20&size=2"),
        "next": {
            "uri": "/auditrecords?startDate=2026-11-20&size=2&seekOperation=Next",
            "method": "GET",
            "headers": [{"key": "MS-ContinuationToken", "value": token}],
        },
    }
    # A change between pages does not shift them: the next page goes on from the last record seen.
    client.post("/v1/customers", json=customer_body("meanwhile"), headers=user)
    second = client.get(
        first["links"]["next"]["uri"].replace("/", "/v1/", 1), headers={**user, "MS-ContinuationToken": token}
    )
    assert second.status_code == 200
    assert [r["customerName"] for r in second.json()["items"]] == ["Company paged2", "Company paged1"]
    token = second.json()["continuationToken"]
    third = client.get("/v1/auditrecords?seekOperation=Next", headers={**user, "MS-ContinuationToken": token}).json()
    assert [r["customerName"] for r in third["items"]] == ["Company paged0"]
    assert "next" not in third["links"] and "continuationToken" not in third


def test_filters_as_documented(client: TestClient, user: dict[str, str]) -> None:
    client.post("/v1/customers", json=customer_body("lookalike"), headers=user)
    path = f"/v1/customers/{FABRIKAM}/subscriptions/{FABRIKAM_SUBSCRIPTION}"
    client.patch(path, json={"quantity": 13}, headers=user)

    def search(field: str, value: str, operator: str) -> list[str]:
        raw = json.dumps({"Field": field, "Value": value, "Operator": operator}, separators=(",", ":"))
        return [r["operationType"] for r in records(client, user, f"?filter={quote(raw)}")]

    assert search("CompanyName", "BRI", "substring") == ["update_subscription"]  # "bri" matches "Fabrikam Inc"
    assert search("CompanyName", "like", "substring") == ["add_customer"]
    assert search("CustomerId", FABRIKAM.upper(), "equals") == ["update_subscription"]
    assert search("ResourceType", "Subscription", "equals") == ["update_subscription"]  # the .NET enum's name
    assert search("ResourceType", "customer", "equals") == ["add_customer"]
    assert search("ResourceType", "CustomerUser", "equals") == []


def test_the_documented_request_and_its_self_link(
    client: TestClient, state: EmulatorState, monkeypatch: pytest.MonkeyPatch
) -> None:
    """get-a-record-of-partner-center-activity-by-user.md: the request's start date as en-US writes it, the
    filter on a customer id; the answer's self link as in its sample."""
    monkeypatch.setattr(Clock, "now", lambda self: datetime(2017, 6, 27, 22, 19, 46, tzinfo=UTC).timestamp())
    user = signed_in(state)
    raw = '{"Field":"CustomerId","Value":"0c39d6d5-c70d-4c55-bc02-f620844f3fd1","Operator":"equals"}'
    request = "/v1/auditrecords?startDate=6/1/2017%2012:00:00%20AM&filter=" + quote(raw)
    answer = client.get(request, headers=user)
    assert answer.json() == {
        "totalCount": 0,
        "items": [],
        "links": {
            "self": link(
                "/auditrecords?startDate=2017-06-01&size=500&filter=%7B%22Field%22%3A%22CustomerId%22%2C%22Value%22"
                "%3A%220c39d6d5-c70d-4c55-bc02-f620844f3fd1%22%2C%22Operator%22%3A%22equals%22%7D"
            )
        },
        "attributes": {"objectType": "Collection"},
    }
    # The .NET SDK's form of a start date (DateTime.ToString(CultureInfo.InvariantCulture)) and ISO 8601.
    for start in ("06/01/2017 00:00:00", "2017-06-01T00:00:00Z"):
        assert client.get(f"/v1/auditrecords?startDate={quote(start)}", headers=user).status_code == 200


BAD_AUDIT_QUERIES = [
    ("?startDate=yesterday", invalid("'startDate' 'yesterday' is not a date in yyyy-mm-dd format.")),
    ("?startDate=2026-11-20&endDate=2026-13-01", invalid("'endDate' '2026-13-01' is not a date in yyyy-mm-dd format.")),
    ("?startDate=2026-11-20&endDate=2026-11-19", invalid("'endDate' is before 'startDate'.")),
    ("?startDate=2026-09-01", invalid("'startDate' 2026-09-01 is more than 90 days before today: activity records "
                                      "are kept for the previous 90 days.")),
    ("?size=-1", invalid("'size' must be at least 0, got -1.")),
    ("?size=ten", invalid("'size' must be an integer, got 'ten'.")),
    ("?filter=bri", invalid('\'filter\' is not JSON; expected {"Field","Value","Operator"} URL-encoded.')),
    ("?filter=" + quote('{"Field":"Domain","Value":"x","Operator":"equals"}'),
     invalid("filter 'Field' must be one of: CompanyName, CustomerId, ResourceType.")),
    ("?filter=" + quote('{"Field":"CompanyName","Value":"bri","Operator":"equals"}'),
     invalid("filter 'Operator' for CompanyName must be substring.")),
    ("?filter=" + quote('{"Field":"CustomerId","Value":"not-a-guid","Operator":"equals"}'),
     invalid("the filter's customer id 'not-a-guid' is not a GUID.")),
    ("?filter=" + quote('{"Field":"ResourceType","Value":"Spaceship","Operator":"equals"}'),
     invalid("filter ResourceType 'Spaceship' is not a resource type of audit records.")),
    ("?filter=" + quote('{"Field":"ResourceType","Value":"","Operator":"equals"}'),
     invalid("filter 'Value' must be a non-empty string.")),
    ("?seekOperation=Previous", invalid("seekOperation 'Previous' is not supported; use 'Next'.")),
    ("?seekOperation=Next", invalid("seekOperation=Next needs the MS-ContinuationToken header from the previous "
                                    "page.")),
]  # fmt: skip


@pytest.mark.parametrize(("query", "body"), BAD_AUDIT_QUERIES)
def test_bad_audit_queries_get_400(client: TestClient, user: dict[str, str], query: str, body: dict[str, Any]) -> None:
    answer = client.get(f"/v1/auditrecords{query}", headers=user)
    assert (answer.status_code, answer.json()) == (400, body)


@pytest.mark.parametrize("token", ["not-a-token", "eyJiIjoxfQ", "W10", "e30"])
def test_a_token_not_issued_here_gets_400(client: TestClient, user: dict[str, str], token: str) -> None:
    answer = client.get("/v1/auditrecords?seekOperation=Next", headers={**user, "MS-ContinuationToken": token})
    assert (answer.status_code, answer.json()) == (
        400,
        invalid("the MS-ContinuationToken header is not a continuation token this service issued."),
    )


def test_audit_records_are_persisted_and_a_reset_empties_them(
    tmp_path: Any, signing_key: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(trail, "RECORDS_KEPT", 3)  # the slots wrap: the saved rows are not in the records' order

    def started() -> EmulatorApp:
        return EmulatorApp(EmulatorState(Config(in_memory_key=True, persist=True, state_dir=tmp_path), key=signing_key))

    first = started()
    with TestClient(first, base_url="http://127.0.0.1:8080", client=("127.0.0.1", 50000)) as client:
        for n in range(5):
            client.post("/v1/customers", json=customer_body(f"kept{n}"), headers=signed_in(first.state))
    second = started()
    with TestClient(second, base_url="http://127.0.0.1:8080", client=("127.0.0.1", 50000)) as client:
        user = signed_in(second.state)
        kept = ["Company kept4", "Company kept3", "Company kept2"]
        assert [r["customerName"] for r in records(client, user)] == kept
        client.post("/v1/customers", json=customer_body("kept5"), headers=user)
        assert [r["customerName"] for r in records(client, user)] == ["Company kept5", *kept[:2]]
        second.state.reset()
        assert records(client, signed_in(second.state)) == []
    third = started()
    assert len(third.state.world.audit_records) == 0


# --- service requests -------------------------------------------------------------------------------------------

# create-a-service-request.md's request body, as documented.
DOC_REQUEST = {
    "Id": None,
    "Title": "TrialSR",
    "Description": "Ignore this SR",
    "Severity": "critical",
    "SupportTopicId": "32444671",
    "SupportTopicName": None,
    "Status": "none",
    "Organization": None,
    "PrimaryContact": None,
    "LastUpdatedBy": None,
    "ProductName": None,
    "ProductId": None,
    "CreatedDate": "0001-01-01T00:00:00",
    "LastModifiedDate": "0001-01-01T00:00:00",
    "LastClosedDate": "0001-01-01T00:00:00",
    "NewNote": None,
    "Notes": None,
    "CountryCode": None,
    "FileLinks": None,
    "Attributes": {"ObjectType": "ServiceRequest"},
}
# update-a-service-request.md's request body, as documented.
DOC_UPDATE = {
    **DOC_REQUEST,
    "Title": None,
    "Description": None,
    "Severity": "unknown",
    "SupportTopicId": None,
    "NewNote": {"CreatedByName": None, "CreatedDate": None, "Text": "Sample Note"},
}


def test_create_then_update_a_service_request_as_documented(client: TestClient, user: dict[str, str]) -> None:
    created = client.post("/v1/servicerequests/en-US", json=DOC_REQUEST, headers=user)
    assert created.status_code == 201
    rid = created.json()["id"]
    assert len(rid) == 15 and rid.isdigit()
    # The documented 201: status none, the dates not yet set, no topic name.
    assert created.json() == {
        "title": "TrialSR",
        "description": "Ignore this SR",
        "severity": "critical",
        "supportTopicId": "32444671",
        "id": rid,
        "status": "none",
        "organization": NORTHWIND,
        "primaryContact": ADELE,
        "createdDate": "0001-01-01T00:00:00",
        "lastModifiedDate": "0001-01-01T00:00:00",
        "lastClosedDate": "0001-01-01T00:00:00",
        "countryCode": "US",
        "attributes": {"objectType": "ServiceRequest"},
    }
    state_clock = client.app.state.clock  # type: ignore[attr-defined]
    state_clock.advance(3600)  # an hour later: an agent has it (open)
    updated = client.patch(f"/v1/servicerequests/{rid}", json=DOC_UPDATE, headers=user)
    assert updated.status_code == 200
    expected = {
        "title": "TrialSR",
        "description": "Ignore this SR",
        "severity": "critical",
        "supportTopicId": "32444671",
        "supportTopicName": "Cannot manage my profile",
        "id": rid,
        "status": "open",
        "organization": NORTHWIND,
        "primaryContact": ADELE,
        "lastUpdatedBy": ADELE,
        "createdDate": "2026-12-01T10:00:00.123Z",
        "lastModifiedDate": "2026-12-01T11:00:00.123Z",
        "lastClosedDate": "0001-01-01T00:00:00",
        "notes": [{"createdByName": "Adele Vance", "createdDate": "2026-12-01T11:00:00.123", "text": "Sample Note"}],
        "countryCode": "US",
        "attributes": {"objectType": "ServiceRequest"},
    }
    assert updated.json() == expected
    assert client.get(f"/v1/servicerequests/{rid}", headers=user).json() == expected
    assert [r["id"] for r in client.get("/v1/servicerequests", headers=user).json()["items"]][-1] == rid


def test_status_moves_as_documented(client: TestClient, user: dict[str, str], state: EmulatorState) -> None:
    path = f"/v1/servicerequests/{PARTNER_REQUEST}"
    needed = client.patch(path, json={"status": "AttentionNeeded"}, headers=user).json()  # the .NET enum's name
    assert (needed["status"], needed["lastClosedDate"]) == ("attention_needed", "0001-01-01T00:00:00")
    state.clock.advance(60)
    closed = client.patch(path, json={"Status": "closed", "Severity": "minimal"}, headers=user).json()
    assert (closed["status"], closed["severity"], closed["lastClosedDate"]) == (
        "closed",
        "minimal",
        "2026-12-01T10:01:00.123Z",
    )
    reopened = client.patch(path, json={"status": "open"}, headers=user).json()
    assert (reopened["status"], reopened["lastClosedDate"]) == ("open", "2026-12-01T10:01:00.123Z")
    status_filter = quote('{"Field":"Status","Value":"Closed","Operator":"equals"}')
    closed_ones = client.get(f"/v1/servicerequests?filter={status_filter}", headers=user).json()
    assert [r["id"] for r in closed_ones["items"]] == ["660703567640782"]


def test_a_new_request_is_none_until_an_agent_has_it(
    client: TestClient, user: dict[str, str], state: EmulatorState
) -> None:
    rid = client.post("/v1/servicerequests/en-US", json=DOC_REQUEST, headers=user).json()["id"]
    assert client.get(f"/v1/servicerequests/{rid}", headers=user).json()["status"] == "none"
    state.clock.advance(31)  # the provisioning delay (30 s)
    assert client.get(f"/v1/servicerequests/{rid}", headers=user).json()["status"] == "open"


def test_the_partners_list_pages_by_size_and_offset(client: TestClient, user: dict[str, str]) -> None:
    whole = client.get("/v1/servicerequests", headers=user).json()
    assert whole["totalCount"] == 2 and "links" not in whole  # one page: as the documented collection
    assert whole["items"][0] == {
        "title": "Cannot update the company address in the partner profile",
        "description": "Saving the legal business profile fails with a validation error on the postal code.",
        "severity": "moderate",
        "supportTopicId": "32444671",
        "supportTopicName": "Cannot manage my profile",
        "id": PARTNER_REQUEST,
        "status": "open",
        "organization": NORTHWIND,
        "primaryContact": {
            "organization": NORTHWIND,
            "lastName": "Vance",
            "firstName": "Adele",
            "email": "csp-admin@northwindpartners.com",
        },
        "createdDate": "2026-11-11T00:00:00.00Z",
        "lastModifiedDate": "2026-11-11T02:24:00.00Z",
        "lastClosedDate": "0001-01-01T00:00:00",
        "notes": [
            {
                "createdByName": "Adele Vance",
                "createdDate": "2026-11-11T02:24:00",
                "text": "The error appears for every postal code we try.",
            }
        ],
        "countryCode": "US",
        "attributes": {"objectType": "ServiceRequest"},
    }
    page = client.get("/v1/servicerequests?size=1", headers=user).json()
    assert [r["id"] for r in page["items"]] == [PARTNER_REQUEST]
    assert page["links"] == {
        "self": link("/servicerequests?size=1&offset=0"),
        "next": link("/servicerequests?size=1&offset=1"),
    }
    last = client.get("/v1/servicerequests?size=1&offset=1", headers=user).json()
    assert [r["id"] for r in last["items"]] == ["660703567640782"] and "next" not in last["links"]


def test_a_customers_requests(client: TestClient, user: dict[str, str]) -> None:
    base = f"/v1/customers/{NW.CONTOSO}/servicerequests"
    listed = client.get(base, headers=user).json()
    assert [r["id"] for r in listed["items"]] == [CONTOSO_REQUEST]
    one = client.get(f"{base}/{CONTOSO_REQUEST}", headers=user).json()
    assert one["organization"] == {"id": NW.CONTOSO, "name": "Contoso Ltd"}
    assert one["primaryContact"] == {
        "organization": {"id": NW.CONTOSO, "name": "Contoso Ltd"},
        "lastName": "Fernandez",
        "firstName": "Patti",
        "email": "patti.fernandez@contosoltd.com",
    }
    noted = client.patch(f"{base}/{CONTOSO_REQUEST}", json={"NewNote": {"Text": "Any news?"}}, headers=user).json()
    assert noted["notes"][-1] == {
        "createdByName": "Adele Vance",
        "createdDate": "2026-12-01T10:00:00.123",
        "text": "Any news?",
    }
    assert client.get(f"{base}/{CONTOSO_REQUEST}", headers=user).json()["notes"] == noted["notes"]
    # A request belongs to one owner: not found under another.
    assert client.get(f"/v1/servicerequests/{CONTOSO_REQUEST}", headers=user).status_code == 404
    assert client.get(f"{base}/{PARTNER_REQUEST}", headers=user).status_code == 404
    assert client.get(f"/v1/customers/{FABRIKAM}/servicerequests", headers=user).json()["items"] == []
    filtered = quote('{"Field":"Status","Value":"attention_needed","Operator":"equals"}')
    litware = client.get(f"/v1/customers/{LITWARE}/servicerequests?filter={filtered}", headers=user).json()
    assert [r["status"] for r in litware["items"]] == ["attention_needed"]


def test_support_topics_as_documented(client: TestClient, user: dict[str, str]) -> None:
    answer = client.get("/v1/servicerequests/supporttopics", headers=user)
    assert answer.json() == {
        "totalCount": 2,
        "items": [
            {
                "name": "Partner Center Issues",
                "description": "Office 365 questions from the CSP (Cloud Solution Provider) partners using Partner Center",
                "id": 32444667,
                "attributes": {"objectType": "SupportTopic"},
            },
            {
                "name": "Cannot manage my profile",
                "description": "Issues that are related to errors or problems with managing a profile",
                "id": 32444671,
                "attributes": {"objectType": "SupportTopic"},
            },
        ],
        "attributes": {"objectType": "Collection"},
    }


def test_a_retried_creation_files_one_request(client: TestClient, user: dict[str, str]) -> None:
    headers = {**user, "MS-RequestId": "0b6c1f2e-2222-4a8b-9c6d-0e1f2a3b4c5d"}
    first = client.post("/v1/servicerequests/en-US", json=DOC_REQUEST, headers=headers).json()
    again = client.post("/v1/servicerequests/en-US", json=DOC_REQUEST, headers=headers).json()
    assert first == again
    assert len(client.get("/v1/servicerequests", headers=user).json()["items"]) == 3


BAD_REQUESTS = [
    ({**DOC_REQUEST, "Title": None}, invalid("'Title' is required.")),
    ({**DOC_REQUEST, "Title": 5}, error(3000, "Invalid property: 'Title' must be a non-empty string.")),
    ({**DOC_REQUEST, "Description": "  "}, error(3000, "Invalid property: 'Description' must be a non-empty string.")),
    ({**DOC_REQUEST, "Severity": "urgent"},
     error(900126, "Unable to parse enum: 'urgent' is not a severity (unknown, critical, moderate, minimal).")),
    ({**DOC_REQUEST, "SupportTopicId": None}, invalid("'SupportTopicId' is required.")),
    ({**DOC_REQUEST, "SupportTopicId": "99"},
     invalid("'SupportTopicId' 99 is not a support topic (GET /servicerequests/supporttopics).")),
    ({**DOC_REQUEST, "NewNote": {"Text": None}}, invalid("'NewNote.Text' is required.")),
    ({**DOC_REQUEST, "Notes": "a note"}, invalid("'Notes' is required and must be a non-empty list.")),
]  # fmt: skip


@pytest.mark.parametrize(("body", "answer"), BAD_REQUESTS)
def test_bad_creations_get_400_and_file_nothing(
    client: TestClient, user: dict[str, str], body: dict[str, Any], answer: dict[str, Any]
) -> None:
    response = client.post("/v1/servicerequests/en-US", json=body, headers=user)
    assert (response.status_code, response.json()) == (400, answer)
    assert len(client.get("/v1/servicerequests", headers=user).json()["items"]) == 2


BAD_UPDATES = [
    ({"Status": "pending"},
     error(900126, "Unable to parse enum: 'pending' is not a service request status (none, open, closed, "
                   "attention_needed).")),
    ({"Severity": 3}, error(3000, "Invalid property: 'Severity' must be a non-empty string.")),
    ({"NewNote": "text"}, invalid("'NewNote' is required and must be an object.")),
    ({"Title": ""}, error(3000, "Invalid property: 'Title' must be a non-empty string.")),
]  # fmt: skip


@pytest.mark.parametrize(("body", "answer"), BAD_UPDATES)
def test_bad_updates_get_400_and_change_nothing(
    client: TestClient, user: dict[str, str], body: dict[str, Any], answer: dict[str, Any]
) -> None:
    before = client.get(f"/v1/servicerequests/{PARTNER_REQUEST}", headers=user).json()
    response = client.patch(
        f"/v1/servicerequests/{PARTNER_REQUEST}", json={"NewNote": {"Text": "x"}, **body}, headers=user
    )
    assert (response.status_code, response.json()) == (400, answer)
    assert client.get(f"/v1/servicerequests/{PARTNER_REQUEST}", headers=user).json() == before


def test_other_bad_service_request_calls(client: TestClient, user: dict[str, str]) -> None:
    missing = client.get("/v1/servicerequests/600000000000001", headers=user)
    assert (missing.status_code, missing.json()) == (
        404,
        error(1000, "Not found: no service request with id 600000000000001."),
    )
    patched = client.patch("/v1/servicerequests/600000000000001", json={"Status": "closed"}, headers=user)
    assert patched.status_code == 404
    unknown = "00000000-0000-0000-0000-000000000001"
    assert client.get(f"/v1/customers/{unknown}/servicerequests", headers=user).status_code == 404
    assert client.post("/v1/servicerequests/en_US!", json=DOC_REQUEST, headers=user).json() == invalid(
        "the agent locale 'en_US!' is not a locale such as en-US."
    )
    not_json = client.post(
        "/v1/servicerequests/en-US", content=b"{", headers={**user, "Content-Type": "application/json"}
    )
    assert (not_json.status_code, not_json.json()) == (400, invalid("the body is not valid JSON."))
    bad_filter = client.get(
        "/v1/servicerequests?filter=" + quote('{"Field":"Severity","Value":"x","Operator":"equals"}'), headers=user
    )
    assert bad_filter.json() == invalid("filter 'Field' must be one of: Status.")
    bad_status = client.get(
        "/v1/servicerequests?filter=" + quote('{"Field":"Status","Value":"done","Operator":"equals"}'), headers=user
    )
    assert bad_status.json() == error(
        900126, "Unable to parse enum: 'done' is not a service request status (none, open, closed, attention_needed)."
    )
    assert client.get("/v1/servicerequests?offset=-2", headers=user).json() == invalid(
        "'offset' must be at least 0, got -2."
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/servicerequests"),
        ("GET", "/v1/servicerequests/supporttopics"),
        ("POST", "/v1/servicerequests/en-US"),
        ("GET", f"/v1/servicerequests/{PARTNER_REQUEST}"),
        ("PATCH", f"/v1/servicerequests/{PARTNER_REQUEST}"),
        ("GET", f"/v1/customers/{NW.CONTOSO}/servicerequests"),
        ("GET", f"/v1/customers/{NW.CONTOSO}/servicerequests/{CONTOSO_REQUEST}"),
        ("PATCH", f"/v1/customers/{NW.CONTOSO}/servicerequests/{CONTOSO_REQUEST}"),
    ],
)
def test_service_requests_are_app_user_only(client: TestClient, app: dict[str, str], method: str, path: str) -> None:
    body = DOC_REQUEST if method == "POST" else {"Status": "closed"} if method == "PATCH" else None
    response = client.request(method, path, json=body, headers=app)
    assert (response.status_code, response.json()) == (401, APP_ONLY_REFUSED)


def test_service_requests_with_the_sdk(sdk: MicrosoftPartnerStoreApis) -> None:
    request = m.MicrosoftPartnerSdkContractsV1ServiceRequest(
        title="SDK request",
        description="Filed by partnercenterservices",
        severity="moderate",
        support_topic_id="32444667",
    )
    raw = sdk.postvversionservicerequestsagent.locale("en-US", request, V, raw=True)
    assert raw.response.status_code == 201
    created = raw.output
    assert (created.title, created.severity, created.status, created.organization.name) == (
        "SDK request",
        "moderate",
        "none",
        "Northwind Cloud Partners",
    )
    note = m.MicrosoftPartnerSdkContractsV1ServiceRequestNote(text="More details")
    change = m.MicrosoftPartnerSdkContractsV1ServiceRequest(new_note=note, status="closed")
    updated = sdk.patchvversionservicerequestsservice.id(created.id, change, V)
    assert (updated.status, updated.notes[0].text, updated.last_updated_by.email) == (
        "closed",
        "More details",
        NW.ADMIN,
    )
    fetched = sdk.getvversionservicerequestsservice.id(created.id, V)
    assert fetched.last_closed_date == datetime(2026, 12, 1, 10, 0, 0, 123000, tzinfo=UTC)
    listed = sdk.getvversionservicerequestsfilterfilter.value(V, size=10)
    assert [r.id for r in listed.items][-1] == created.id
    topics = sdk.getvversionservicerequestssupporttopics(V)
    assert [t.id for t in topics.items] == [32444667, 32444671]
    mine = sdk.getvversioncustomerscustomer.value3(NW.CONTOSO, V)
    assert [r.id for r in mine.items] == [CONTOSO_REQUEST]
    one = sdk.getvversioncustomerscustomer.id1(NW.CONTOSO, CONTOSO_REQUEST, V)
    assert one.support_topic_name == "Partner Center Issues"
    patched = sdk.patchvversioncustomerscustomer.id1(
        NW.CONTOSO, CONTOSO_REQUEST, m.MicrosoftPartnerSdkContractsV1ServiceRequest(severity="critical"), V
    )
    assert patched.severity == "critical"


# --- service incidents ------------------------------------------------------------------------------------------

EXCHANGE_INCIDENT = {
    "id": "EX734218",
    "messageType": "incident",
    "startTime": "2026-11-20T08:15:00Z",
    "status": "warning",
    "messages": [
        {
            "publishedTime": "2026-11-20T08:35:00Z",
            "messageText": "Users may be unable to access their mailboxes with Outlook. We're investigating.",
        },
        {
            "publishedTime": "2026-11-20T11:15:00Z",
            "messageText": "We've identified a configuration change as the cause and are reverting it.",
        },
    ],
    "workload": "Exchange Online",
    "affectedWorkloadNames": ["Exchange Online"],
    "resolved": False,
    "impactedArea": "E-Mail and calendar access",
    "impactedCustomers": 4,
}


def test_office_incidents_by_workload(client: TestClient, user: dict[str, str], app: dict[str, str]) -> None:
    answer = client.get("/v1/serviceincidents/office", headers=app)  # app-only too [I]
    assert answer.status_code == 200
    body = answer.json()
    assert [(i["workload"], i["status"], [x["id"] for x in i["incidents"]], [x["id"] for x in i["messageCenterMessages"]])
            for i in body["items"]] == [
        ("Exchange Online", "warning", ["EX734218"], []),
        ("SharePoint Online", "normal", ["SP731904"], []),  # its one incident is resolved
        ("Microsoft Teams", "critical", ["TM735077"], ["MC902311"]),
    ]  # fmt: skip
    assert body["items"][0] == {
        "workload": "Exchange Online",
        "incidents": [EXCHANGE_INCIDENT],
        "status": "warning",
        "messageCenterMessages": [],
    }
    assert body["items"][2]["messageCenterMessages"][0] == {
        "id": "MC902311",
        "messageType": "message_center",
        "startTime": "2026-11-06T08:15:00Z",
        "status": "information",
        "messages": [
            {
                "publishedTime": "2026-11-06T08:15:00Z",
                "messageText": "Classic Teams client retirement: move your users to the new Teams client.",
            }
        ],
        "workload": "Microsoft Teams",
        "affectedWorkloadNames": ["Microsoft Teams"],
        "resolved": False,
        "impactedArea": "Teams client",
        "impactedCustomers": 4,
        "serviceHealthLinks": {"followUpUrl": link("https://admin.microsoft.com/Adminportal/Home#/MessageCenter")},
        "requiredBy": "2027-01-04T08:15:00Z",
        "category": "planForChange",
        "actionType": "Action",
        "severity": "information",
    }


@pytest.mark.parametrize(
    ("filter_", "workloads"),
    [
        ('{"Field":"Resolved","Value":"false","Operator":"equals"}', ["Exchange Online", "Microsoft Teams"]),
        ('{"Field":"Resolved","Value":"true","Operator":"equals"}', ["SharePoint Online"]),
        ('{"Field":"MessageType","Value":"message_center","Operator":"equals"}', ["Microsoft Teams"]),
        ('{"Field":"StartDate","Value":"2026-11-20","Operator":"equals"}', ["Exchange Online", "Microsoft Teams"]),
        ('{"Field":"EndDate","Value":"2026-11-14","Operator":"equals"}', ["SharePoint Online", "Microsoft Teams"]),
    ],
)
def test_incident_filters(client: TestClient, user: dict[str, str], filter_: str, workloads: list[str]) -> None:
    answer = client.get(f"/v1/serviceincidents/office?filter={quote(filter_)}", headers=user).json()
    assert [i["workload"] for i in answer["items"]] == workloads


def test_a_customers_incidents_and_the_count(client: TestClient, user: dict[str, str]) -> None:
    contoso = client.get(f"/v1/customers/{NW.CONTOSO}/serviceincidents/office", headers=user).json()
    assert contoso == {
        "totalCount": 1,
        "items": [
            {
                "workload": "Exchange Online",
                "incidents": [EXCHANGE_INCIDENT],
                "status": "warning",
                "messageCenterMessages": [],
            }
        ],
        "attributes": {"objectType": "Collection"},
    }
    unaffected = client.get(f"/v1/customers/{LITWARE}/serviceincidents/office", headers=user).json()
    assert unaffected["totalCount"] == 0
    count = client.get("/v1/serviceincidents/office/count", headers=user).json()
    assert count["totalCount"] == 4 and count["items"][0] == EXCHANGE_INCIDENT
    resolved = quote('{"Field":"Resolved","Value":"true","Operator":"equals"}')
    assert client.get(f"/v1/serviceincidents/office/count?filter={resolved}", headers=user).json()["totalCount"] == 1


def test_bad_incident_calls(client: TestClient, user: dict[str, str]) -> None:
    for raw, message in [
        ('{"Field":"Resolved","Value":"maybe","Operator":"equals"}', "filter Resolved must be true or false, got 'maybe'."),
        ('{"Field":"Workload","Value":"x","Operator":"equals"}',
         "filter 'Field' must be one of: Resolved, MessageType, StartDate, EndDate."),
        ('{"Field":"StartDate","Value":"soon","Operator":"equals"}', "filter StartDate 'soon' is not a date (yyyy-mm-dd)."),
        ("[]", "'filter' must be a JSON object with Field, Value and Operator."),
    ]:  # fmt: skip
        answer = client.get(f"/v1/serviceincidents/office?filter={quote(raw)}", headers=user)
        assert (answer.status_code, answer.json()) == (400, invalid(message))
    bad_type = quote('{"Field":"MessageType","Value":"tweet","Operator":"equals"}')
    answer = client.get(f"/v1/serviceincidents/office?filter={bad_type}", headers=user)
    assert answer.json() == error(
        900126, "Unable to parse enum: 'tweet' is not a message type (none, incident, message_center, all)."
    )
    unknown = "00000000-0000-0000-0000-000000000001"
    assert client.get(f"/v1/customers/{unknown}/serviceincidents/office", headers=user).status_code == 404


def test_incidents_with_the_sdk(sdk: MicrosoftPartnerStoreApis) -> None:
    count = sdk.getvversionserviceincidentsofficecountfilterfilter.value(V)
    assert count.total_count == 4
    first = count.items[0]
    assert (first.id, first.status, first.resolved, first.impacted_customers) == ("EX734218", "warning", False, 4)
    assert first.start_time == datetime(2026, 11, 20, 8, 15, tzinfo=UTC)
    # The grouped answer, read through partnercenterservices' detail model: the workload and its status.
    grouped = sdk.getvversionserviceincidentsofficefilterfilter.value(V)
    assert (grouped.items[0].workload, grouped.items[0].status) == ("Exchange Online", "warning")
    contoso = sdk.getvversioncustomerscustomer.value8(NW.CONTOSO, V)
    assert [g.workload for g in contoso.items] == ["Exchange Online"]


# --- fixtures ---------------------------------------------------------------------------------------------------


def test_the_support_files_are_optional_and_checked(tmp_path: Any) -> None:
    import shutil

    from emulator.world import WorldError, default_world_dir, load_world

    directory = tmp_path / "world"
    shutil.copytree(default_world_dir(), directory)
    for name in ("service-requests.json", "service-incidents.json"):
        (directory / name).unlink()
    older = load_world(directory)  # a fixture directory from before issue 15
    assert (len(older.service_requests), older.service_incidents) == (0, [])
    shutil.copy(default_world_dir() / "service-requests.json", directory)
    data = json.loads((directory / "service-requests.json").read_text())
    data["serviceRequests"][2]["_customerId"] = "00000000-0000-0000-0000-000000000000"
    (directory / "service-requests.json").write_text(json.dumps(data))
    with pytest.raises(WorldError, match=r"service-requests\.json: serviceRequests\[2\]\._customerId: no customer"):
        load_world(directory)
    data["serviceRequests"][2]["status"] = "pending"
    (directory / "service-requests.json").write_text(json.dumps(data))
    with pytest.raises(WorldError, match=r"serviceRequests\[2\]\.status: expected"):
        load_world(directory)
    (directory / "service-requests.json").unlink()
    incidents = json.loads((default_world_dir() / "service-incidents.json").read_text())
    incidents["incidents"][0]["startTime"] = "yesterday"
    (directory / "service-incidents.json").write_text(json.dumps(incidents))
    with pytest.raises(WorldError, match=r"service-incidents\.json: incidents\[0\]\.startTime"):
        load_world(directory)


def test_generated_worlds_have_the_support_files(tmp_path: Any) -> None:
    from emulator.generate import write_world
    from emulator.world import load_world

    counts = write_world(tmp_path, 12, form="json")
    assert counts["service-requests.json"] == 2 + 3
    world = load_world(tmp_path)
    assert len(world.service_requests.group("")) == 2
    assert [len(i["_customerIds"]) for i in world.service_incidents] == [2, 2, 1, 1]
    # A world file holds the requests; the incidents stay JSON beside it.
    counts = write_world(tmp_path / "file", 12)
    assert counts["serviceRequests"] == 2 + 3
    world = load_world(tmp_path / "file")
    assert len(world.service_requests.group("")) == 2
    assert [len(i["_customerIds"]) for i in world.service_incidents] == [2, 2, 1, 1]
