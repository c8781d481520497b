"""partnercenterservices (generated from Partner Center's own API description) against the emulator, unmodified
except for its settings: the deserialized models must have their fields filled."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from microsoft.store.partnercenterservices import MicrosoftPartnerStoreApis
from microsoft.store.partnercenterservices import models as m
from msrest.authentication import BasicTokenAuthentication
from msrestazure.azure_exceptions import CloudError

from emulator.app import EmulatorApp
from tests.helpers import NW, serving, user_token

V = "1"  # the SDK takes the API version as a positional argument: /v1/...
M365_E5 = "8BDBB60B-E526-43E9-92EF-AB760C8E0B72"
FABRIKAM = "c13d2ea4-5bee-53d5-988a-6b3a6a13df75"


@pytest.fixture
def sdk(emulator_app: EmulatorApp) -> Iterator[MicrosoftPartnerStoreApis]:
    token = user_token(emulator_app.state, NW.ADMIN, ["pwd", "mfa"])
    with serving(emulator_app) as url:
        client = MicrosoftPartnerStoreApis(BasicTokenAuthentication({"access_token": token}), base_url=url)
        # The SDK retries 5xx and 429 four times with sleeps; a test wants the first answer.
        client.config.retry_policy.policy.status_forcelist = []
        client.config.retry_policy.policy.respect_retry_after_header = False
        yield client


def test_customers(sdk: MicrosoftPartnerStoreApis) -> None:
    page = sdk.getvversioncustomersfilterfilter.value(V, size=40)
    assert page.total_count == 40
    assert len(page.items) == 40
    first = page.items[0]
    assert first.id == NW.CONTOSO
    assert first.company_profile.company_name == "Contoso Ltd"
    assert first.company_profile.domain == "contosoltd.onmicrosoft.com"
    assert first.relationship_to_partner == "reseller"
    customer = sdk.getvversioncustomerscustomer.id(NW.CONTOSO, V)
    assert customer.commerce_id
    assert customer.billing_profile.email == "patti.fernandez@contosoltd.com"
    assert customer.billing_profile.default_address.city == "Seattle"
    assert customer.company_profile.address.postal_code == "98101"
    assert customer.allow_delegated_access is True
    assert customer.custom_domains == ["contosoltd.onmicrosoft.com", "contosoltd.com"]
    missing = sdk.getvversioncustomerscustomer.id("00000000-0000-0000-0000-000000000001", V, raw=True)
    assert missing.output is None
    assert missing.response.status_code == 404


def test_create_customer(sdk: MicrosoftPartnerStoreApis, monkeypatch: pytest.MonkeyPatch) -> None:
    # SDK quirk: it types userCredentials.password as a model, while the documented answer has a string there.
    credentials: dict[str, Any] = dict(m.MicrosoftPartnerSdkContractsV1UserCredentials._attribute_map)
    credentials["password"] = {**credentials["password"], "type": "str"}
    monkeypatch.setattr(m.MicrosoftPartnerSdkContractsV1UserCredentials, "_attribute_map", credentials)
    customer = m.MicrosoftPartnerSdkContractsV1Customer(
        company_profile=m.MicrosoftPartnerSdkContractsV1CustomerCompanyProfile(domain="sdkcustomer.onmicrosoft.com"),
        billing_profile=m.MicrosoftPartnerSdkContractsV1CustomerBillingProfile(
            email="owner@sdkcustomer.com",
            culture="en-US",
            language="en",
            company_name="SDK Customer",
            default_address=m.MicrosoftPartnerSdkContractsV1Address(
                country="US",
                city="Redmond",
                state="WA",
                address_line1="1 Way",
                postal_code="98052",
                first_name="Ada",
                last_name="Lovelace",
            ),
        ),
    )
    raw = sdk.postvversioncustomers(customer, V, raw=True)
    assert raw.response.status_code == 201
    created = raw.output
    assert created.id
    assert created.user_credentials.user_name == "admin"
    assert created.user_credentials.password
    assert created.billing_profile.company_name == "SDK Customer"
    assert created.relationship_to_partner == "none"
    fetched = sdk.getvversioncustomerscustomer.id(created.id, V)
    assert fetched.company_profile.domain == "sdkcustomer.onmicrosoft.com"


def test_offers(sdk: MicrosoftPartnerStoreApis) -> None:
    offers = sdk.getvversionofferscountrycountry.value(V, country="US")
    assert offers.total_count == 13
    e5 = next(o for o in offers.items if o.id == M365_E5)
    assert e5.name == "Microsoft 365 E5"
    assert e5.minimum_quantity == 1
    assert e5.category.id == "Enterprise_Key"
    assert e5.product.unit == "Licenses"
    one = sdk.getvversionoffersoffer.value1(M365_E5, V, country="US")
    assert one.maximum_quantity == 10000000
    assert one.supported_billing_cycles == ["annual", "monthly"]


def test_order_then_subscription_then_quantity(sdk: MicrosoftPartnerStoreApis) -> None:
    order = m.MicrosoftPartnerSdkContractsV1Order(
        reference_customer_id=FABRIKAM,
        billing_cycle="monthly",
        line_items=[
            m.MicrosoftPartnerSdkContractsV1OrderLineItem(
                line_item_number=0, offer_id=M365_E5, friendly_name="Seats", quantity=3
            )
        ],
    )
    raw = sdk.postvversioncustomerscustomer.idorders(FABRIKAM, order, V, raw=True)
    assert raw.response.status_code == 201
    created = raw.output
    assert created.status == "pending"
    assert created.currency_code == "USD"
    assert created.creation_date is not None
    subscription_id = created.line_items[0].subscription_id
    assert subscription_id
    again = sdk.getvversioncustomerscustomer.id5(FABRIKAM, created.id, V)
    assert again.line_items[0].quantity == 3
    subscriptions = sdk.getvversioncustomerscustomer.value9(FABRIKAM, V)
    assert subscription_id in [s.id for s in subscriptions.items]
    subscription = sdk.getvversioncustomerscustomer.id6(FABRIKAM, subscription_id, V)
    assert subscription.offer_id == M365_E5
    assert subscription.quantity == 3
    assert subscription.status == "active"
    assert subscription.creation_date is not None
    assert subscription.commitment_end_date.year >= 2026
    etag = sdk.getvversioncustomerscustomer.id6(FABRIKAM, subscription_id, V, raw=True).response.json()["attributes"][
        "etag"
    ]
    updated = sdk.patchvversioncustomerscustomer.id4(
        FABRIKAM, subscription_id, {"quantity": 7}, V, custom_headers={"If-Match": etag}
    )
    assert updated.quantity == 7
    # The SDK raises for 412 (it only returns None for 400/401/403/404/500).
    with pytest.raises(CloudError) as stale:
        sdk.patchvversioncustomerscustomer.id4(
            FABRIKAM, subscription_id, {"quantity": 8}, V, custom_headers={"If-Match": etag}
        )
    assert stale.value.status_code == 412
    assert sdk.getvversioncustomerscustomer.id6(FABRIKAM, subscription_id, V).quantity == 7


def test_profiles(sdk: MicrosoftPartnerStoreApis) -> None:
    organization = sdk.getvversionprofilesorganization(V)
    assert organization.company_name == "Northwind Cloud Partners"
    assert organization.default_address.city == "Redmond"
    assert sdk.getvversionprofilesbilling(V).billing_currency == "USD"
    legal = sdk.getvversionprofileslegalbusinessvetting_versionvetting_version.value(V, vetting_version="Current")
    assert legal.vetting_status == "authorized"
    assert sdk.getvversionprofilessupport(V).email == "support@northwindpartners.com"
    assert sdk.getvversionprofilesmpnmpn_idmpn_id.value(V).mpn_id == "4812345"
    assert sdk.getvversionprofilesmpnmpn_idmpn_id.value(V, mpn_id="4391507").mpn_id == "4391507"


def test_invoices_with_the_sdk_models(sdk: MicrosoftPartnerStoreApis) -> None:
    # The SDK has invoice models but no invoice operation: send the request and use its own deserializer.
    request = sdk._client.get("/v1/invoices", {"size": 200, "offset": 0})
    response = sdk._client.send(request, {}, stream=False)
    assert response.status_code == 200
    invoices = sdk._deserialize(
        "MicrosoftPartnerSdkContractsV1CollectionsPagedResourceCollectionMicrosoftPartnerSdkContractsV1Invoice",
        response,
    )
    assert invoices.total_count == 8
    first = invoices.items[0]
    assert first.id == "D000030001"
    assert first.invoice_date.year == 2026
    assert isinstance(first.total_charges, float)
    assert first.currency_code == "USD"
    assert first.invoice_details[0].billing_provider == "office"
