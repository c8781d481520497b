"""Relationships, profiles, validations and domains (issue 15), against literal documents: the documented samples
and recorded answers (docs/sources/relationships.md) where they exist, the default world's data elsewhere.

Generated values (etags) are read from the answer and the rest compared as written.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from microsoft.store.partnercenterservices import MicrosoftPartnerStoreApis
from microsoft.store.partnercenterservices import models as m
from msrest.authentication import BasicTokenAuthentication
from starlette.testclient import TestClient

from emulator.app import EmulatorApp
from emulator.config import Config
from emulator.keys import SigningKey
from emulator.state import EmulatorState
from tests.helpers import NW, app_token, bearer, customer_body, serving, user_token

V = "1"
WINGTIP = "72df8664-689f-50a3-9f34-c0f099b9f1c5"  # served through First Up Consultants
FOURTH_COFFEE = "a76b7554-f733-525f-98ca-d338cb36bfdc"  # served through First Up Consultants
BELLOWS = "7db56342-2df3-53b2-b5ec-da4a4330da9b"  # served through First Up Consultants
TAILSPIN = "ef0b8fc9-03a9-5660-a812-afdcb0ec6c6f"  # an active Azure plan only (suspended by _without_active)
COHO_WINERY = "c972b348-26d6-5bb2-98df-bdd4ad6330cc"  # no active subscription
LAMNA = "863b3bca-1b67-55df-8d6c-3f7f6df0c928"  # no active subscription
FIRST_UP = "484e548c-f5f3-4528-93a9-c16c6373cb59"
RELECLOUD = "b01b1487-b36e-4e6d-9b5e-0b58974c4b28"
MISSING = "00000000-0000-0000-0000-000000000001"
CUSTOMER_NOT_FOUND = f"Tenant not found: no customer with id {MISSING} in this partner's customers."


def error(code: int | str, description: str, data: list[str] | None = None) -> dict[str, Any]:
    return {"code": code, "description": description, "data": data or [], "source": "PartnerFD"}


def link(uri: str) -> dict[str, Any]:
    return {"self": {"uri": uri, "method": "GET", "headers": []}}


def refused_app_only(response: Any) -> None:
    assert response.status_code == 401
    assert response.json()["code"] == 400
    assert response.json()["description"].startswith("Access denied: this operation supports App+User")


@pytest.fixture
def user(state: EmulatorState) -> dict[str, str]:
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


# --- country validation rules (get-market-specific-validation-data.md) --------------------------------------------

US_STATES = [
    "AK", "AL", "AR", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "HI", "IA", "ID", "IL", "IN", "KS", "KY", "LA",
    "MA", "MD", "ME", "MI", "MN", "MO", "MS", "MT", "NC", "ND", "NE", "NH", "NJ", "NM", "NV", "NY", "OH", "OK", "OR",
    "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VA", "VT", "WA", "WI", "WV", "WY",
]  # fmt: skip
# Partner Center's answer as Partner-Center-PowerShell recorded it (January 2019, test/PowerShell.UnitTests/
# SessionRecords/GetPartnerCountryValidation.json), compact: the emulator sends these bytes.
US_RULES = (
    '{"iso2Code":"US","defaultCulture":"en-US","isStateRequired":true,"supportedStatesList":'
    + json.dumps(US_STATES, separators=(",", ":"))
    + ',"supportedLanguagesList":["en","es"],"supportedCulturesList":["en-US","es-US"],"isPostalCodeRequired":true,'
    r'"postalCodeRegex":"^\\d{5}(-\\d{4})?$","isCityRequired":true,"isVatIdSupported":false,'
    r'"phoneNumberRegex":"^(1[ \\-\\/\\.]?)?(\\((\\d{3})\\)|(\\d{3}))[ \\-\\/\\.]?(\\d{3})[ \\-\\/\\.]?(\\d{4})$",'
    '"isTaxIdSupported":true,"isTaxIdOptional":true,"countryCallingCodesList":["1"],'
    '"attributes":{"objectType":"CountryValidationRules"}}'
)
DE_RULES = {
    "iso2Code": "DE",
    "defaultCulture": "de-DE",
    "isStateRequired": False,
    "supportedStatesList": [],
    "supportedLanguagesList": ["en", "de"],
    "supportedCulturesList": ["de-DE", "en-US"],
    "isPostalCodeRequired": True,
    "postalCodeRegex": "^[0-9]{5,5}$",
    "isCityRequired": True,
    "isVatIdSupported": True,
    "taxIdFormat": "DE#########",
    "vatIdRegex": "^DE[\\d]{9,9}$",
    "isTaxIdSupported": False,
    "isTaxIdOptional": True,
    "countryCallingCodesList": ["49"],
    "attributes": {"objectType": "CountryValidationRules"},
}


def test_country_rules_us_are_the_recorded_answer(client: TestClient, app: dict[str, str]) -> None:
    response = client.get("/v1/countryvalidationrules/US", headers=app)  # app-only and App+User
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.content.decode() == US_RULES
    # The documented sample's values: the states, languages, cultures, postal code rule and calling code.
    rules = response.json()
    assert rules["supportedStatesList"] == US_STATES and len(US_STATES) == 51
    assert (rules["supportedLanguagesList"], rules["supportedCulturesList"]) == (["en", "es"], ["en-US", "es-US"])
    assert rules["postalCodeRegex"] == "^\\d{5}(-\\d{4})?$"
    assert client.get("/v1/countryvalidationrules/us", headers=app).content == response.content


def test_country_rules_of_every_market_of_the_world(client: TestClient, user: dict[str, str]) -> None:
    assert client.get("/v1/countryvalidationrules/DE", headers=user).json() == DE_RULES
    ca = client.get("/v1/countryvalidationrules/CA", headers=user).json()
    assert ca["isStateRequired"] is True and "QC" in ca["supportedStatesList"]
    for market in ("US", "GB", "CA", "AT", "FR", "DE", "NL", "AU", "JP", "CN"):
        rules = client.get(f"/v1/countryvalidationrules/{market}", headers=user).json()
        assert rules["iso2Code"] == market
        assert rules["attributes"] == {"objectType": "CountryValidationRules"}


@pytest.mark.parametrize(
    ("country", "status", "body"),
    [
        ("XX", 404, error(1000, "Not found: no address formatting rules for the market 'XX'.")),
        ("USA", 400, error(800002, "Invalid request input: 'USA' is not a two-character ISO country code.")),
        ("U1", 400, error(800002, "Invalid request input: 'U1' is not a two-character ISO country code.")),
    ],
)
def test_country_rules_bad_input(
    client: TestClient, user: dict[str, str], country: str, status: int, body: dict[str, Any]
) -> None:
    response = client.get(f"/v1/countryvalidationrules/{country}", headers=user)
    assert response.status_code == status
    assert response.json() == body


def test_country_rules_with_the_sdk(sdk: MicrosoftPartnerStoreApis) -> None:
    rules = sdk.getvversioncountryvalidationrulescountry("GB", V)
    assert rules.iso2_code == "GB"
    assert rules.default_culture == "en-GB"
    assert rules.is_state_required is False
    assert rules.supported_cultures_list == ["en-GB", "en-US"]
    assert rules.tax_id_format == "GB#########"
    assert rules.country_calling_codes_list == ["44"]


# --- address validation (validate-an-address.md) --------------------------------------------------------------


def validate(client: TestClient, headers: dict[str, str], **address: Any) -> Any:
    return client.post("/v1/validations/address", json=address, headers=headers)


def test_address_verified_shippable_as_documented(client: TestClient, app: dict[str, str]) -> None:
    # The documented request and answer ("VerifiedShippable" example), field for field.
    response = validate(
        client, app, AddressLine1="1 Microsoft Way", City="Redmond", State="WA", PostalCode="98052", Country="US"
    )
    assert response.status_code == 200
    assert response.json() == {
        "originalAddress": {
            "country": "US",
            "city": "Redmond",
            "state": "WA",
            "addressLine1": "1 Microsoft Way",
            "postalCode": "98052",
        },
        "suggestedAddresses": [
            {
                "country": "US",
                "city": "Redmond",
                "state": "WA",
                "addressLine1": "1 Microsoft Way",
                "postalCode": "98052-8300",
            }
        ],
        "status": "VerifiedShippable",
    }


def test_address_street_partial(client: TestClient, user: dict[str, str]) -> None:
    # The documented "StreetPartial" request: the street without its number. Partner Center's sample suggests
    # 98052-6399 and names other fields in its message; the emulator suggests the directory's address [I].
    response = validate(
        client, user, AddressLine1="Microsoft Way", City="Redmond", State="WA", PostalCode="98052", Country="US"
    )
    assert response.json() == {
        "originalAddress": {
            "country": "US",
            "city": "Redmond",
            "state": "WA",
            "addressLine1": "Microsoft Way",
            "postalCode": "98052",
        },
        "suggestedAddresses": [
            {
                "country": "US",
                "city": "Redmond",
                "state": "WA",
                "addressLine1": "1 Microsoft Way",
                "postalCode": "98052-8300",
            }
        ],
        "status": "StreetPartial",
        "validationMessage": "Address field invalid for property: 'AddressLine1'",
    }


def test_address_premises_partial_interaction_required_and_verified(client: TestClient, user: dict[str, str]) -> None:
    # The partner's own address has a suite: without it, the premises are partial.
    premises = validate(
        client, user, AddressLine1="4567 Willows Road", City="Redmond", State="WA", PostalCode="98052", Country="US"
    )
    assert premises.json() == {
        "originalAddress": {
            "country": "US",
            "city": "Redmond",
            "state": "WA",
            "addressLine1": "4567 Willows Road",
            "postalCode": "98052",
        },
        "suggestedAddresses": [
            {
                "country": "US",
                "city": "Redmond",
                "state": "WA",
                "addressLine1": "4567 Willows Road",
                "addressLine2": "Suite 200",
                "postalCode": "98052",
            }
        ],
        "status": "PremisesPartial",
        "validationMessage": "Address field invalid for property: 'AddressLine2'",
    }
    with_suite = validate(
        client,
        user,
        AddressLine1="4567 Willows Road",
        AddressLine2="Suite 200",
        City="Redmond",
        State="WA",
        PostalCode="98052",
        Country="US",
    )
    assert with_suite.json()["status"] == "VerifiedShippable"
    # validate-an-address.md's 2017 example: the street is right, the city and postal code are another's.
    moved = validate(
        client, user, AddressLine1="One Microsoft Way", City="Bellevue", State="WA", PostalCode="98007", Country="US"
    ).json()
    assert moved["status"] == "Verified"  # "One" is not a house number the directory knows [I]
    interaction = validate(
        client, user, AddressLine1="1 Microsoft Way", City="Bellevue", State="WA", PostalCode="98007", Country="US"
    ).json()
    assert interaction == {
        "originalAddress": {
            "country": "US",
            "city": "Bellevue",
            "state": "WA",
            "addressLine1": "1 Microsoft Way",
            "postalCode": "98007",
        },
        "suggestedAddresses": [
            {
                "country": "US",
                "city": "Redmond",
                "state": "WA",
                "addressLine1": "1 Microsoft Way",
                "postalCode": "98052-8300",
            }
        ],
        "status": "InteractionRequired",
        "validationMessage": "Address field invalid for property: 'City', 'PostalCode'",
    }
    # A customer's address of the world, in a market without states.
    london = validate(
        client, user, AddressLine1="221 Baker Street", City="London", PostalCode="NW1 6XE", Country="GB"
    ).json()
    assert london["status"] == "VerifiedShippable"
    assert london["suggestedAddresses"] == [
        {"country": "GB", "city": "London", "addressLine1": "221 Baker Street", "postalCode": "NW1 6XE"}
    ]
    # Well formed for its market, not in the directory: verified, the address itself suggested.
    unknown = validate(
        client, user, AddressLine1="12 Elm Street", City="Springfield", State="IL", PostalCode="62701", Country="US"
    ).json()
    assert unknown["status"] == "Verified"
    assert unknown["suggestedAddresses"] == [unknown["originalAddress"]]


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ({"State": "ZZ", "PostalCode": "98052"}, "Address field invalid for property: 'Region'"),
        ({"State": "WA", "PostalCode": "ABCDE"}, "Address field invalid for property: 'PostalCode'"),
        ({"PostalCode": "98052"}, "Address field invalid for property: 'Region'"),
        ({"State": "WA"}, "Address field invalid for property: 'PostalCode'"),
        ({"State": "WA", "PostalCode": "98052", "City": ""}, "Address field invalid for property: 'City'"),
    ],
)
def test_address_breaking_its_markets_rules_is_none(
    client: TestClient, user: dict[str, str], address: dict[str, str], message: str
) -> None:
    body = {"AddressLine1": "1 Microsoft Way", "City": "Redmond", "Country": "US", **address}
    response = client.post("/v1/validations/address", json=body, headers=user)
    assert response.status_code == 200
    answer = response.json()
    assert (answer["status"], answer["suggestedAddresses"], answer["validationMessage"]) == ("None", [], message)


def test_address_of_a_market_without_rules_is_not_validated(client: TestClient, user: dict[str, str]) -> None:
    answer = validate(client, user, AddressLine1="Av. Paulista 1000", City="Sao Paulo", Country="BR").json()
    assert answer == {
        "originalAddress": {"country": "BR", "city": "Sao Paulo", "addressLine1": "Av. Paulista 1000"},
        "suggestedAddresses": [],
        "status": "NotValidated",
        "validationMessage": "Address validation is not available for the country/region 'BR'.",
    }


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        (None, 400, error(800002, "Invalid request input: the request has no body; a JSON object is expected.")),
        ("[1]", 400, error(800002, "Invalid request input: the body must be a JSON object.")),
        ("{", 400, error(800002, "Invalid request input: the body is not valid JSON.")),
        (
            {"City": "Redmond", "Country": "US"},
            400,
            error(800002, "Invalid request input: 'AddressLine1' is required."),
        ),
        ({"AddressLine1": "1 Way"}, 400, error(800002, "Invalid request input: 'Country' is required.")),
        (
            {"AddressLine1": "1 Way", "Country": "USA"},
            400,
            error(3000, "Invalid property: 'Country' is longer than 2 characters."),
        ),
        (
            {"AddressLine1": "1 Way", "Country": "U1"},
            400,
            error(3000, "Invalid property: 'Country' 'U1' is not a two-letter country code."),
        ),
        (
            {"AddressLine1": 5, "Country": "US"},
            400,
            error(3000, "Invalid property: 'AddressLine1' must be a non-empty string."),
        ),
        (
            {"AddressLine1": "1 Way", "Country": "US", "City": 7},
            400,
            error(3000, "Invalid property: 'City' must be a non-empty string."),
        ),
    ],
)
def test_address_bad_input(
    client: TestClient, user: dict[str, str], body: Any, status: int, expected: dict[str, Any]
) -> None:
    content = body if isinstance(body, str) else (json.dumps(body) if body is not None else "")
    response = client.post(
        "/v1/validations/address", content=content, headers={**user, "Content-Type": "application/json"}
    )
    assert response.status_code == status
    assert response.json() == expected


def test_address_validation_with_the_sdk(sdk: MicrosoftPartnerStoreApis) -> None:
    address = m.MicrosoftPartnerSdkContractsV1Address(
        country="US", city="Redmond", state="WA", address_line1="1 Microsoft Way", postal_code="98052"
    )
    raw = sdk.postvversionvalidationsaddress(address, V, raw=True)
    assert raw.response.status_code == 200
    assert raw.response.json()["status"] == "VerifiedShippable"


# --- partner relationships (retrieve-a-list-of-indirect-resellers.md) ----------------------------------------------

# The documented answer, field for field (also Partner-Center-PowerShell's GetIndirectResellers session record).
INDIRECT_RESELLERS = {
    "totalCount": 2,
    "items": [
        {
            "id": "484e548c-f5f3-4528-93a9-c16c6373cb59",
            "name": "First Up Consultants",
            "relationshipType": "is_indirect_cloud_solution_provider_of",
            "state": "Active",
            "mpnId": "4847383",
            "location": "US",
            "attributes": {"objectType": "PartnerRelationship"},
        },
        {
            "id": "b01b1487-b36e-4e6d-9b5e-0b58974c4b28",
            "name": "ReleCloud",
            "relationshipType": "is_indirect_cloud_solution_provider_of",
            "state": "Active",
            "mpnId": "4847433",
            "location": "BR",
            "attributes": {"objectType": "PartnerRelationship"},
        },
    ],
    "attributes": {"objectType": "Collection"},
}
EMPTY = {"totalCount": 0, "items": [], "attributes": {"objectType": "Collection"}}


def test_indirect_resellers_as_documented(client: TestClient, user: dict[str, str], app: dict[str, str]) -> None:
    path = "/v1/relationships?relationship_type=IsIndirectCloudSolutionProviderOf"
    response = client.get(path, headers=user)
    assert response.status_code == 200
    assert response.json() == INDIRECT_RESELLERS
    refused_app_only(client.get(path, headers=app))
    # The partner is an indirect provider: it has no indirect providers of its own.
    assert client.get("/v1/relationships?relationship_type=IsIndirectResellerOf", headers=user).json() == EMPTY
    assert (
        client.get("/v1/relationships?relationship_type=isindirectcloudsolutionproviderof", headers=user).json()[
            "totalCount"
        ]
        == 2
    )


@pytest.mark.parametrize(
    ("operator", "value", "names"),
    [("substring", "cloud", ["ReleCloud"]), ("starts_with", "first", ["First Up Consultants"]), ("substring", "z", [])],
)
def test_indirect_resellers_by_name(
    client: TestClient, user: dict[str, str], operator: str, value: str, names: list[str]
) -> None:
    flt = urllib.parse.quote(json.dumps({"Field": "Name", "Value": value, "Operator": operator}))
    path = f"/v1/relationships?relationship_type=IsIndirectCloudSolutionProviderOf&filter={flt}"
    assert [p["name"] for p in client.get(path, headers=user).json()["items"]] == names


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "",
            error(
                800002,
                "Invalid request input: 'relationship_type' is required: IsIndirectCloudSolutionProviderOf or "
                "IsIndirectResellerOf.",
            ),
        ),
        (
            "relationship_type=Friends",
            error(
                900126,
                "Unable to parse enum: 'Friends' is not a relationship type (IsIndirectCloudSolutionProviderOf, "
                "IsIndirectResellerOf).",
            ),
        ),
        (
            "relationship_type=IsIndirectResellerOf&filter=%7Bnope",
            error(
                800002,
                'Invalid request input: \'filter\' is not JSON; expected {"Field":"Name","Value":…,"Operator":…}.',
            ),
        ),
        (
            "relationship_type=IsIndirectResellerOf&filter="
            + urllib.parse.quote('{"Field":"MpnId","Value":"1","Operator":"substring"}'),
            error(
                800002,
                "Invalid request input: filter 'Field' must be Name (the only field partner relationships support).",
            ),
        ),
        (
            "relationship_type=IsIndirectResellerOf&filter="
            + urllib.parse.quote('{"Field":"Name","Value":"a","Operator":"equals"}'),
            error(800002, "Invalid request input: filter 'Operator' must be starts_with or substring."),
        ),
        (
            "relationship_type=IsIndirectResellerOf&filter="
            + urllib.parse.quote('{"Field":"Name","Value":"","Operator":"substring"}'),
            error(800002, "Invalid request input: filter 'Value' must be a non-empty string."),
        ),
        (
            "relationship_type=IsIndirectResellerOf&filter=" + urllib.parse.quote("[1]"),
            error(800002, "Invalid request input: 'filter' must be a JSON object with Field, Value and Operator."),
        ),
    ],
)
def test_indirect_resellers_bad_input(
    client: TestClient, user: dict[str, str], query: str, expected: dict[str, Any]
) -> None:
    response = client.get(f"/v1/relationships?{query}", headers=user)
    assert response.status_code == 400
    assert response.json() == expected


def test_indirect_resellers_with_the_sdk(sdk: MicrosoftPartnerStoreApis) -> None:
    found = sdk.getvversionrelationshipsrelationship.value(V, relationship_type="IsIndirectCloudSolutionProviderOf")
    assert [(p.id, p.name, p.mpn_id, p.location, p.state) for p in found.items] == [
        (FIRST_UP, "First Up Consultants", "4847383", "US", "Active"),
        (RELECLOUD, "ReleCloud", "4847433", "BR", "Active"),
    ]
    one = sdk.getvversionrelationshipspartner.value(V, RELECLOUD)
    assert [p.name for p in one.items] == ["ReleCloud"]


def test_one_partner_relationship(client: TestClient, user: dict[str, str], app: dict[str, str]) -> None:
    path = f"/v1/relationships/{FIRST_UP}/customer"
    assert client.get(path, headers=user).json() == {**EMPTY, "totalCount": 1, "items": INDIRECT_RESELLERS["items"][:1]}
    typed = client.get(f"{path}?relationship_type=IsIndirectResellerOf", headers=user)
    assert typed.json() == EMPTY
    named = urllib.parse.quote('{"Field":"Name","Value":"rele","Operator":"starts_with"}')
    assert client.get(f"{path}?filter={named}", headers=user).json() == EMPTY
    assert client.get(f"/v1/relationships/{MISSING}/customer", headers=user).json() == EMPTY
    bad = client.get("/v1/relationships/not-a-guid/customer", headers=user)
    assert bad.status_code == 400
    assert bad.json() == error(800002, "Invalid request input: the partner id 'not-a-guid' is not a GUID.")
    refused_app_only(client.get(path, headers=app))


# --- a customer's relationships (get-indirect-resellers-of-a-customer.md) ----------------------------------------


def test_indirect_resellers_of_a_customer_as_documented(
    client: TestClient, user: dict[str, str], app: dict[str, str]
) -> None:
    response = client.get(f"/v1/customers/{WINGTIP}/relationships", headers=user)
    assert response.status_code == 200
    # The documented answer, field for field: no state and no location.
    assert response.json() == {
        "totalCount": 1,
        "items": [
            {
                "id": "484e548c-f5f3-4528-93a9-c16c6373cb59",
                "name": "First Up Consultants",
                "relationshipType": "is_indirect_cloud_solution_provider_of",
                "mpnId": "4847383",
                "attributes": {"objectType": "PartnerRelationship"},
            }
        ],
        "attributes": {"objectType": "Collection"},
    }
    assert client.get(f"/v1/customers/{NW.CONTOSO}/relationships", headers=user).json() == EMPTY
    refused_app_only(client.get(f"/v1/customers/{WINGTIP}/relationships", headers=app))
    missing = client.get(f"/v1/customers/{MISSING}/relationships", headers=user)
    assert (missing.status_code, missing.json()) == (404, error(60003, CUSTOMER_NOT_FOUND))
    bad = client.get("/v1/customers/nope/relationships", headers=user)
    assert (bad.status_code, bad.json()) == (
        400,
        error(800002, "Invalid request input: the customer id 'nope' is not a GUID."),
    )


def customers_of(client: TestClient, headers: dict[str, str], reseller: str) -> list[str]:
    flt = urllib.parse.quote(json.dumps({"Field": "IndirectReseller", "Value": reseller, "Operator": "starts_with"}))
    response = client.get(f"/v1/customers?size=0&filter={flt}", headers=headers)
    assert response.status_code == 200
    return [c["id"] for c in response.json()["items"]]


def test_customers_of_an_indirect_reseller(client: TestClient, user: dict[str, str]) -> None:
    # get-customers-of-an-indirect-reseller.md: the customer list filtered by IndirectReseller.
    flt = urllib.parse.quote(json.dumps({"Field": "IndirectReseller", "Value": FIRST_UP, "Operator": "starts_with"}))
    page = client.get(f"/v1/customers?size=0&filter={flt}", headers=user).json()
    assert page["totalCount"] == 3
    assert page["items"][0] == {
        "id": WINGTIP,
        "companyProfile": {
            "tenantId": WINGTIP,
            "domain": "wingtiptoys.onmicrosoft.com",
            "companyName": "Wingtip Toys",
            "links": link(f"/customers/{WINGTIP}/profiles/company"),
            "attributes": {"objectType": "CustomerCompanyProfile"},
        },
        "relationshipToPartner": "reseller",
        "links": link(f"/customers/{WINGTIP}"),
        "attributes": {"objectType": "Customer"},
    }
    assert [c["id"] for c in page["items"]] == [WINGTIP, FOURTH_COFFEE, BELLOWS]
    assert customers_of(client, user, MISSING) == []
    assert customers_of(client, user, "not-a-guid") == []


def test_a_customer_served_through_another_reseller(
    client: TestClient, user: dict[str, str], app: dict[str, str]
) -> None:
    path = f"/v1/relationships/{RELECLOUD}/customer/{NW.CONTOSO}"
    response = client.patch(path, headers=user)
    assert (response.status_code, response.content) == (204, b"")
    served = client.get(f"/v1/customers/{NW.CONTOSO}/relationships", headers=user).json()
    assert [p["name"] for p in served["items"]] == ["ReleCloud"]
    assert NW.CONTOSO in customers_of(client, user, RELECLOUD)
    # Moved from one reseller to another.
    assert client.patch(f"/v1/relationships/{RELECLOUD}/customer/{WINGTIP}", headers=user).status_code == 204
    assert WINGTIP not in customers_of(client, user, FIRST_UP)
    assert WINGTIP in customers_of(client, user, RELECLOUD)
    # Bad input.
    unknown = client.patch(f"/v1/relationships/{MISSING}/customer/{NW.CONTOSO}", headers=user)
    assert (unknown.status_code, unknown.json()) == (
        404,
        error(1000, f"Not found: {MISSING} is not an indirect reseller of this partner."),
    )
    nobody = client.patch(f"/v1/relationships/{RELECLOUD}/customer/{MISSING}", headers=user)
    assert (nobody.status_code, nobody.json()) == (404, error(60003, CUSTOMER_NOT_FOUND))
    assert client.patch(f"/v1/relationships/x/customer/{NW.CONTOSO}", headers=user).status_code == 400
    refused_app_only(client.patch(path, headers=app))


# --- removing the reseller relationship (remove-a-reseller-relationship-with-a-customer.md) ------------------------

# The documented answer, as captured (Content-Length 242; also Partner-Center-PowerShell's session record).
REMOVED = (
    '{"Id":null,"CommerceId":null,"CompanyProfile":null,"BillingProfile":null,"RelationshipToPartner":"none",'
    '"AllowDelegatedAccess":null,"UserCredentials":null,"CustomDomains":null,"AssociatedPartnerId":null,'
    '"Attributes":{"ObjectType":"Customer"}}'
)
NOT_RELATED = error(3000, "The relationship between the partner and customer does not exist")


def _without_active(state: EmulatorState, *customer_ids: str) -> None:
    """The customers' active subscriptions suspended: a relationship ends only without them."""
    with state.world.store.transaction() as tx:
        for customer_id in customer_ids:
            for sub in tx.group("subscriptions", customer_id):
                if sub["status"] in ("active", "pending"):
                    tx.put("subscriptions", {**sub, "status": "suspended"})


def test_remove_the_reseller_relationship_as_documented(
    client: TestClient, user: dict[str, str], state: EmulatorState
) -> None:
    _without_active(state, TAILSPIN)
    # Tailspin Toys is served through an indirect reseller first; the relationship's removal ends that too [I].
    assert client.patch(f"/v1/relationships/{FIRST_UP}/customer/{TAILSPIN}", headers=user).status_code == 204
    body = {"relationshipToPartner": "none", "attributes": {"objectType": "Customer"}}  # the documented request
    response = client.patch(f"/v1/customers/{TAILSPIN}", json=body, headers=user)
    assert response.status_code == 200
    assert response.content.decode() == REMOVED
    assert len(response.content) == 242
    # What the reads show afterwards.
    customer = client.get(f"/v1/customers/{TAILSPIN}", headers=user).json()
    assert customer["relationshipToPartner"] == "none"
    listed = client.get("/v1/customers?size=40", headers=user).json()["items"]
    assert next(c for c in listed if c["id"] == TAILSPIN)["relationshipToPartner"] == "none"
    assert client.get(f"/v1/customers/{TAILSPIN}/relationships", headers=user).json() == EMPTY
    assert TAILSPIN not in customers_of(client, user, FIRST_UP)
    # Gone: removing it again, or serving the customer through a reseller, is refused.
    again = client.patch(f"/v1/customers/{TAILSPIN}", json=body, headers=user)
    assert (again.status_code, again.json()) == (400, NOT_RELATED)
    associate = client.patch(f"/v1/relationships/{FIRST_UP}/customer/{TAILSPIN}", headers=user)
    assert (associate.status_code, associate.json()) == (400, NOT_RELATED)
    # A reset brings the world's relationship back.
    state.reset()
    fresh = bearer(user_token(state, NW.ADMIN, ["pwd", "mfa"]))
    assert client.get(f"/v1/customers/{TAILSPIN}", headers=fresh).json()["relationshipToPartner"] == "reseller"


def test_active_subscriptions_are_suspended_first(client: TestClient, user: dict[str, str]) -> None:
    response = client.patch(f"/v1/customers/{NW.CONTOSO}", json={"relationshipToPartner": "none"}, headers=user)
    assert response.status_code == 400
    active = ["2517076F-2EB0-5DB1-AD7B-3586F9840D02", "C52B9469-DBA5-5A6C-85D2-8B68087FAD42"]
    assert response.json() == error(
        3000,
        "The reseller relationship cannot be removed while the customer has active subscriptions; suspend them "
        f"first: {', '.join(active)}",
        active,
    )
    assert client.get(f"/v1/customers/{NW.CONTOSO}", headers=user).json()["relationshipToPartner"] == "reseller"
    for subscription in active:
        path = f"/v1/customers/{NW.CONTOSO}/subscriptions/{subscription}"
        assert client.patch(path, json={"status": "suspended"}, headers=user).status_code == 200
    removed = client.patch(f"/v1/customers/{NW.CONTOSO}", json={"relationshipToPartner": "none"}, headers=user)
    assert removed.status_code == 200


def test_the_delete_forms_remove_the_relationship(
    client: TestClient, user: dict[str, str], app: dict[str, str], state: EmulatorState
) -> None:
    _without_active(state, COHO_WINERY, LAMNA)
    path = f"/v1/customers/{COHO_WINERY}/CustomerPartnerRelationships/reseller"
    refused_app_only(client.delete(path, headers=app))
    response = client.delete(path, headers=user)
    assert (response.status_code, response.content) == (204, b"")
    assert client.get(f"/v1/customers/{COHO_WINERY}", headers=user).json()["relationshipToPartner"] == "none"
    again = client.delete(path, headers=user)
    assert (again.status_code, again.json()) == (400, NOT_RELATED)
    partner = f"/v1/customers/{LAMNA}/relationships/partner"
    refused_app_only(client.delete(partner, headers=app))
    assert client.delete(partner, headers=user).status_code == 204
    assert client.get(f"/v1/customers/{LAMNA}", headers=user).json()["relationshipToPartner"] == "none"
    assert client.delete(partner, headers=user).json() == NOT_RELATED
    missing = client.delete(f"/v1/customers/{MISSING}/relationships/partner", headers=user)
    assert (missing.status_code, missing.json()) == (404, error(60003, CUSTOMER_NOT_FOUND))
    busy = client.delete(f"/v1/customers/{NW.CONTOSO}/CustomerPartnerRelationships/reseller", headers=user)
    assert (busy.status_code, busy.json()["code"]) == (400, 3000)


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        (
            {"relationshipToPartner": "reseller"},
            400,
            error(
                3000,
                "Invalid property: 'relationshipToPartner' 'reseller': a customer's relationship can only be "
                "removed (none) this way.",
            ),
        ),
        ({"companyProfile": {}}, 400, error(3000, "Invalid property: 'relationshipToPartner' is required.")),
        (
            {"relationshipToPartner": 0},
            400,
            error(3000, "Invalid property: 'relationshipToPartner' must be a non-empty string."),
        ),
        ("not json", 400, error(800002, "Invalid request input: the body is not valid JSON.")),
    ],
)
def test_patch_customer_bad_input(
    client: TestClient, user: dict[str, str], body: Any, status: int, expected: dict[str, Any]
) -> None:
    content = body if isinstance(body, str) else json.dumps(body)
    response = client.patch(
        f"/v1/customers/{TAILSPIN}", content=content, headers={**user, "Content-Type": "application/json"}
    )
    assert (response.status_code, response.json()) == (status, expected)
    assert client.get(f"/v1/customers/{TAILSPIN}", headers=user).json()["relationshipToPartner"] == "reseller"


def test_patch_customer_refuses_app_only_and_unknown_customers(
    client: TestClient, user: dict[str, str], app: dict[str, str]
) -> None:
    body = {"relationshipToPartner": "none"}
    refused_app_only(client.patch(f"/v1/customers/{TAILSPIN}", json=body, headers=app))
    missing = client.patch(f"/v1/customers/{MISSING}", json=body, headers=user)
    assert (missing.status_code, missing.json()) == (404, error(60003, CUSTOMER_NOT_FOUND))


def test_remove_with_the_sdk(sdk: MicrosoftPartnerStoreApis, state: EmulatorState) -> None:
    _without_active(state, TAILSPIN, COHO_WINERY, LAMNA)
    raw = sdk.patchvversioncustomerscustomer.id(
        TAILSPIN, m.MicrosoftPartnerSdkContractsV1Customer(relationship_to_partner="none"), V, raw=True
    )
    assert raw.response.status_code == 200
    assert raw.response.text == REMOVED  # PascalCase as captured: the SDK's camelCase model reads it as empty
    assert sdk.getvversioncustomerscustomer.id(TAILSPIN, V).relationship_to_partner == "none"
    deleted = sdk.deletevversioncustomerscustomer.id_customer_partner_relationshipsreseller(COHO_WINERY, V, raw=True)
    assert deleted.response.status_code == 204
    assert sdk.deletevversioncustomerscustomer.idrelationshipspartner(LAMNA, V, raw=True).response.status_code == 204


# --- a customer's billing and company profiles ----------------------------------------------------------------

CONTOSO_BILLING = {
    "id": "252006d0-5ac5-5f79-9a32-de88fe0b292d",
    "firstName": "Patti",
    "lastName": "Fernandez",
    "email": "patti.fernandez@contosoltd.com",
    "culture": "en-US",
    "language": "en",
    "companyName": "Contoso Ltd",
    "defaultAddress": {
        "country": "US",
        "city": "Seattle",
        "state": "WA",
        "addressLine1": "1 Microsoft Way",
        "postalCode": "98101",
        "firstName": "Patti",
        "lastName": "Fernandez",
        "phoneNumber": "2065550101",
    },
    "links": link(f"/v1/customers/{NW.CONTOSO}/profiles/billing"),
    "attributes": {"etag": "-851900549011568730", "objectType": "CustomerBillingProfile"},
}


def doc_billing_body(etag: str | None) -> dict[str, Any]:
    """update-a-customer-s-billing-profile.md's request body (PascalCase, the etag in its attributes)."""
    return {
        "Id": "252006d0-5ac5-5f79-9a32-de88fe0b292d",
        "FirstName": "FirstName",
        "LastName": "LastName",
        "Email": "email@sample.com",
        "Culture": "en-US",
        "Language": "en",
        "CompanyName": "CompanyName",
        "DefaultAddress": {
            "Country": "US",
            "Region": None,
            "City": "Redmond",
            "State": "WA",
            "AddressLine1": "One Microsoft Way",
            "AddressLine2": None,
            "PostalCode": "98052",
            "FirstName": "FirstName",
            "LastName": "LastName",
            "PhoneNumber": "4255555555",
        },
        "Links": {"Self": {"Uri": f"/v1/customers/{NW.CONTOSO}/profiles/billing", "Method": "GET", "Headers": []}},
        "Attributes": {"Etag": etag, "ObjectType": "CustomerBillingProfile"},
    }


def test_customer_billing_profile_read_and_replaced(client: TestClient, app: dict[str, str]) -> None:
    path = f"/v1/customers/{NW.CONTOSO}/profiles/billing"
    assert client.get(path, headers=app).json() == CONTOSO_BILLING  # app-only and App+User
    etag = CONTOSO_BILLING["attributes"]["etag"]
    response = client.put(path, json=doc_billing_body(None), headers={**app, "If-Match": f'"{etag}"'})
    assert response.status_code == 200
    answer = response.json()
    new_etag = answer["attributes"]["etag"]
    assert new_etag != etag
    # The documented answer (its companyName aside: the sample answers "companyName" for "CompanyName").
    assert answer == {
        "id": "252006d0-5ac5-5f79-9a32-de88fe0b292d",
        "firstName": "FirstName",
        "lastName": "LastName",
        "email": "email@sample.com",
        "culture": "en-US",
        "language": "en",
        "companyName": "CompanyName",
        "defaultAddress": {
            "country": "US",
            "city": "Redmond",
            "state": "WA",
            "addressLine1": "One Microsoft Way",
            "postalCode": "98052",
            "firstName": "FirstName",
            "lastName": "LastName",
            "phoneNumber": "4255555555",
        },
        "links": link(f"/v1/customers/{NW.CONTOSO}/profiles/billing"),
        "attributes": {"etag": new_etag, "objectType": "CustomerBillingProfile"},
    }
    assert client.get(path, headers=app).json() == answer
    customer = client.get(f"/v1/customers/{NW.CONTOSO}", headers=app).json()
    assert customer["billingProfile"]["email"] == "email@sample.com"
    assert customer["billingProfile"]["attributes"]["etag"] == new_etag
    # The old etag is stale now; the body's attributes.etag serves as well as If-Match.
    stale = client.put(path, json=doc_billing_body(etag), headers=app)
    assert (stale.status_code, stale.json()) == (412, error(2055, "Etag is no longer valid"))
    again = client.put(path, json={**doc_billing_body(new_etag), "Email": "billing@contosoltd.com"}, headers=app)
    assert again.status_code == 200
    assert again.json()["email"] == "billing@contosoltd.com"


@pytest.mark.parametrize(
    ("change", "status", "expected"),
    [
        (
            {"Attributes": None},
            400,
            error(800002, "Invalid request input: the If-Match header with the billing profile's etag is required."),
        ),
        ({"Email": "nobody"}, 400, error(3000, "Invalid property: 'Email' 'nobody' is not an email address.")),
        ({"Email": None}, 400, error(3000, "Invalid property: 'Email' is required.")),
        (
            {"Culture": "english"},
            400,
            error(3000, "Invalid property: 'Culture' 'english' is not a culture such as en-US."),
        ),
        (
            {"Language": "english!"},
            400,
            error(3000, "Invalid property: 'Language' 'english!' is not a language such as en."),
        ),
        (
            {"Id": MISSING},
            400,
            error(3000, f"Invalid property: 'Id' {MISSING} is not the id of this customer's billing profile."),
        ),
        (
            {"DefaultAddress": None},
            400,
            error(3000, "Invalid property: 'DefaultAddress' is required and must be an object."),
        ),
        (
            {"DefaultAddress": {"Country": "US"}},
            400,
            error(3000, "Invalid property: 'DefaultAddress.City' is required."),
        ),
        (
            {"DefaultAddress": {"Country": "USA", "City": "x", "AddressLine1": "x", "PostalCode": "1"}},
            400,
            error(3000, "Invalid property: 'DefaultAddress.Country' is longer than 2 characters."),
        ),
        ({"FirstName": 12}, 400, error(3000, "Invalid property: 'FirstName' must be a non-empty string.")),
    ],
)
def test_customer_billing_profile_bad_input(
    client: TestClient, app: dict[str, str], change: dict[str, Any], status: int, expected: dict[str, Any]
) -> None:
    path = f"/v1/customers/{NW.CONTOSO}/profiles/billing"
    body = {**doc_billing_body(CONTOSO_BILLING["attributes"]["etag"]), **change}
    response = client.put(path, json=body, headers=app)
    assert (response.status_code, response.json()) == (status, expected)
    assert client.get(path, headers=app).json() == CONTOSO_BILLING  # nothing half-changed


def test_customer_billing_profile_unknown_customer(client: TestClient, app: dict[str, str]) -> None:
    for response in (
        client.get(f"/v1/customers/{MISSING}/profiles/billing", headers=app),
        client.put(f"/v1/customers/{MISSING}/profiles/billing", json=doc_billing_body("1"), headers=app),
    ):
        assert (response.status_code, response.json()) == (404, error(60003, CUSTOMER_NOT_FOUND))


def test_customer_company_profile(client: TestClient, user: dict[str, str], app: dict[str, str]) -> None:
    response = client.get(f"/v1/customers/{NW.CONTOSO}/profiles/company", headers=user)
    assert response.status_code == 200
    assert response.json() == {
        "tenantId": NW.CONTOSO,
        "domain": "contosoltd.onmicrosoft.com",
        "companyName": "Contoso Ltd",
        "address": {
            "country": "US",
            "region": "WA",
            "city": "Seattle",
            "addressLine1": "1 Microsoft Way",
            "postalCode": "98101",
            "phoneNumber": "2065550101",
        },
        "email": "patti.fernandez@contosoltd.com",
        "links": link(f"/customers/{NW.CONTOSO}/profiles/company"),
        "attributes": {"objectType": "CustomerCompanyProfile"},
    }
    refused_app_only(client.get(f"/v1/customers/{NW.CONTOSO}/profiles/company", headers=app))
    missing = client.get(f"/v1/customers/{MISSING}/profiles/company", headers=user)
    assert (missing.status_code, missing.json()) == (404, error(60003, CUSTOMER_NOT_FOUND))


def test_customer_profiles_with_the_sdk(sdk: MicrosoftPartnerStoreApis) -> None:
    billing = sdk.getvversioncustomerscustomer.idprofilesbilling(NW.CONTOSO, V)
    assert (billing.id, billing.email, billing.default_address.city) == (
        "252006d0-5ac5-5f79-9a32-de88fe0b292d",
        "patti.fernandez@contosoltd.com",
        "Seattle",
    )
    assert billing.attributes.etag == "-851900549011568730"
    company = sdk.getvversioncustomerscustomer.idprofilescompany(NW.CONTOSO, V)
    assert (company.company_name, company.address.region) == ("Contoso Ltd", "WA")
    billing.email = "sdk@contosoltd.com"
    updated = sdk.putvversioncustomerscustomer.idprofilesbilling(
        NW.CONTOSO, billing, V, custom_headers={"If-Match": billing.attributes.etag}
    )
    assert updated.email == "sdk@contosoltd.com"
    assert updated.attributes.etag != "-851900549011568730"
    assert sdk.getvversioncustomerscustomer.id(NW.CONTOSO, V).billing_profile.email == "sdk@contosoltd.com"


# --- the partner's profiles: the PUTs -------------------------------------------------------------------------


def test_update_organization_profile_as_documented(
    client: TestClient, user: dict[str, str], app: dict[str, str]
) -> None:
    current = client.get("/v1/profiles/organization", headers=user).json()
    etag = current["attributes"]["etag"]
    body = {  # update-an-organization-profile.md's request
        "id": current["id"],
        "companyName": "TEST_TEST_BugBash1",
        "defaultAddress": {
            "country": "US",
            "city": "Redmond",
            "state": "WA",
            "addressLine1": "Two Microsoft Way",
            "addressLine2": "",
            "postalCode": "98052",
            "firstName": "Test",
            "lastName": "Account",
            "phoneNumber": "",
        },
        "tenantId": NW.TENANT_ID,
        "domain": "testtestbugbash1.onmicrosoft.com",
        "email": "test-partner@microsoft.com",
        "language": "es",
        "culture": "es-US",
        "links": link("/profiles/organization"),
        "attributes": {"etag": etag, "objectType": "OrganizationProfile"},
    }
    refused_app_only(client.put("/v1/profiles/organization", json=body, headers=app))
    response = client.put("/v1/profiles/organization", json=body, headers=user)
    assert response.status_code == 200
    answer = response.json()
    new_etag = answer["attributes"]["etag"]
    assert new_etag != etag
    assert answer == {
        "id": "f43ce5e9-b420-5e1c-bf2c-074ed073481f",
        "companyName": "TEST_TEST_BugBash1",
        "defaultAddress": body["defaultAddress"],
        "tenantId": NW.TENANT_ID,
        "domain": NW.TENANT_DOMAIN,  # the tenant's domain does not change [I]
        "email": "test-partner@microsoft.com",
        "language": "es",
        "culture": "es-US",
        "profileType": "OrganizationProfile",
        "links": link("/profiles/organization"),
        "attributes": {"etag": new_etag, "objectType": "OrganizationProfile"},
    }
    assert client.get("/v1/profiles/organization", headers=user).json() == answer
    stale = client.put("/v1/profiles/organization", json=body, headers=user)
    assert (stale.status_code, stale.json()) == (412, error(2055, "Etag is no longer valid"))
    stale_header = client.put("/v1/profiles/organization", json=body, headers={**user, "If-Match": etag})
    assert stale_header.status_code == 412
    without = {k: v for k, v in body.items() if k != "attributes"}
    assert client.put("/v1/profiles/organization", json=without, headers=user).status_code == 200


@pytest.mark.parametrize(
    ("path", "change", "expected"),
    [
        ("organization", {"email": "nope"}, error(3000, "Invalid property: 'email' 'nope' is not an email address.")),
        ("organization", {"companyName": None}, error(3000, "Invalid property: 'companyName' is required.")),
        (
            "organization",
            {"culture": "xx"},
            error(3000, "Invalid property: 'culture' 'xx' is not a culture such as en-US."),
        ),
        (
            "organization",
            {"defaultAddress": {"country": "US", "city": "Redmond", "addressLine1": "1 Way"}},
            error(3000, "Invalid property: 'defaultAddress.postalCode' is required."),
        ),
        (
            "billing",
            {"BillingCurrency": "EUR"},
            error(3000, "Invalid property: 'BillingCurrency' is the market's (USD) and cannot be changed, got 'EUR'."),
        ),
        ("billing", {"Address": "here"}, error(3000, "Invalid property: 'Address' is required and must be an object.")),
        (
            "legalbusiness",
            {"PrimaryContact": None},
            error(3000, "Invalid property: 'PrimaryContact' is required and must be an object."),
        ),
        (
            "legalbusiness",
            {"CompanyApproverEmail": "x"},
            error(3000, "Invalid property: 'CompanyApproverEmail' 'x' is not an email address."),
        ),
        ("support", {"Email": ""}, error(3000, "Invalid property: 'Email' must be a non-empty string.")),
        (
            "support",
            {"Telephone": 4255555555},
            error(3000, "Invalid property: 'Telephone' must be a non-empty string."),
        ),
    ],
)
def test_partner_profile_updates_bad_input(
    client: TestClient, user: dict[str, str], path: str, change: dict[str, Any], expected: dict[str, Any]
) -> None:
    before = client.get(f"/v1/profiles/{path}", headers=user).json()
    bodies = {
        "organization": {
            "companyName": "X",
            "email": "a@b.com",
            "language": "en",
            "culture": "en-US",
            "defaultAddress": {"country": "US", "city": "Redmond", "addressLine1": "1 Way", "postalCode": "98052"},
        },
        "billing": BILLING_REQUEST,
        "legalbusiness": LEGAL_REQUEST,
        "support": SUPPORT_REQUEST,
    }
    response = client.put(f"/v1/profiles/{path}", json={**bodies[path], **change}, headers=user)
    assert (response.status_code, response.json()) == (400, expected)
    assert client.get(f"/v1/profiles/{path}", headers=user).json() == before


BILLING_REQUEST = {  # update-partner-billing-profile.md's request (its placeholders filled)
    "CompanyName": "TEST_TEST_BugBash1",
    "Address": {
        "Country": "US",
        "Region": None,
        "City": "Redmond",
        "State": "WA",
        "AddressLine1": "1 Microsoft Way",
        "AddressLine2": "",
        "PostalCode": "98052",
        "FirstName": None,
        "LastName": None,
        "PhoneNumber": None,
    },
    "PrimaryContact": {"FirstName": "Test", "LastName": "Customer", "Email": None, "PhoneNumber": ""},
    "PurchaseOrderNumber": "9888",
    "TaxId": "12-345678",
    "BillingCurrency": "USD",
    "Links": {"Self": {"Uri": "/profiles/billing", "Method": "GET", "Headers": []}},
    "Attributes": {"ObjectType": "BillingProfile"},
}


def test_update_partner_billing_profile_as_documented(
    client: TestClient, user: dict[str, str], app: dict[str, str]
) -> None:
    etag = client.get("/v1/profiles/billing", headers=user).json()["attributes"]["etag"]
    body = {**BILLING_REQUEST, "Attributes": {"Etag": etag, "ObjectType": "BillingProfile"}}
    refused_app_only(client.put("/v1/profiles/billing", json=body, headers=app))
    response = client.put("/v1/profiles/billing", json=body, headers=user)
    assert response.status_code == 200
    answer = response.json()
    new_etag = answer["attributes"]["etag"]
    assert new_etag != etag
    # get-partner-billing-profile.md's form of the same profile.
    assert answer == {
        "companyName": "TEST_TEST_BugBash1",
        "address": {
            "country": "US",
            "city": "Redmond",
            "state": "WA",
            "addressLine1": "1 Microsoft Way",
            "addressLine2": "",
            "postalCode": "98052",
        },
        "primaryContact": {"firstName": "Test", "lastName": "Customer", "phoneNumber": ""},
        "purchaseOrderNumber": "9888",
        "taxId": "12-345678",
        "billingCurrency": "USD",
        "profileType": "BillingProfile",
        "links": link("/profiles/billing"),
        "attributes": {"etag": new_etag, "objectType": "BillingProfile"},
    }
    assert client.get("/v1/profiles/billing", headers=user).json() == answer
    stale = client.put("/v1/profiles/billing", json=body, headers=user)
    assert (stale.status_code, stale.json()) == (412, error(2055, "Etag is no longer valid"))


LEGAL_REQUEST = {  # update-legal-business-profile.md's request
    "CompanyName": "Lucerne Publishing",
    "Address": {
        "Country": "US",
        "Region": None,
        "City": "Redmond",
        "State": "WA",
        "AddressLine1": "123 Main Street",
        "AddressLine2": "",
        "PostalCode": "98052",
        "FirstName": "Gena",
        "LastName": "Soto",
        "PhoneNumber": "4255550110",
    },
    "PrimaryContact": {
        "FirstName": "Gena",
        "LastName": "Soto",
        "Email": "gena@lucernepublishing.com",
        "PhoneNumber": "4255550110",
    },
    "CompanyApproverAddress": {
        "Country": "US",
        "Region": None,
        "City": "Redmond",
        "State": "WA",
        "AddressLine1": "123 Main Street",
        "AddressLine2": "",
        "PostalCode": "98052",
        "FirstName": None,
        "LastName": None,
        "PhoneNumber": None,
    },
    "CompanyApproverEmail": "gena@lucernepublishing.com",
    "VettingStatus": "authorized",
    "VettingSubStatus": "none",
    "Links": {"Self": {"Uri": "/profiles/legalbusiness", "Method": "GET", "Headers": []}},
    "Attributes": {"ObjectType": "LegalBusinessProfile"},
}
LEGAL_ANSWER = {  # update-legal-business-profile.md's answer, field for field
    "companyName": "Lucerne Publishing",
    "address": {
        "country": "US",
        "city": "Redmond",
        "state": "WA",
        "addressLine1": "123 Main Street",
        "addressLine2": "",
        "postalCode": "98052",
        "firstName": "Gena",
        "lastName": "Soto",
        "phoneNumber": "4255550110",
    },
    "primaryContact": {
        "firstName": "Gena",
        "lastName": "Soto",
        "email": "gena@lucernepublishing.com",
        "phoneNumber": "4255550110",
    },
    "companyApproverAddress": {
        "country": "US",
        "city": "Redmond",
        "state": "WA",
        "addressLine1": "123 Main Street",
        "addressLine2": "",
        "postalCode": "98052",
    },
    "companyApproverEmail": "gena@lucernepublishing.com",
    "vettingStatus": "authorized",
    "vettingSubStatus": "none",
    "profileType": "LegalBusinessProfile",
    "links": link("/profiles/legalbusiness"),
    "attributes": {"objectType": "LegalBusinessProfile"},
}


def test_update_legal_business_profile_as_documented(
    client: TestClient, user: dict[str, str], app: dict[str, str]
) -> None:
    refused_app_only(client.put("/v1/profiles/legalbusiness", json=LEGAL_REQUEST, headers=app))
    response = client.put("/v1/profiles/legalbusiness", json=LEGAL_REQUEST, headers=user)
    assert response.status_code == 200
    assert response.json() == LEGAL_ANSWER
    assert client.get("/v1/profiles/legalbusiness", headers=app).json() == LEGAL_ANSWER  # GET: app-only too
    # The vetting status is Microsoft's: a body that says otherwise changes nothing of it.
    changed = client.put("/v1/profiles/legalbusiness", json={**LEGAL_REQUEST, "VettingStatus": "x"}, headers=user)
    assert changed.json()["vettingStatus"] == "authorized"


SUPPORT_REQUEST = {  # update-support-profile.md's request
    "Email": "email@sample.com",
    "Telephone": "4255555555",
    "Website": "www.microsoft.com",
    "ProfileType": "support_profile",
    "Attributes": {"ObjectType": "PartnerSupportProfile"},
}


def test_update_support_profile_as_documented(client: TestClient, user: dict[str, str], app: dict[str, str]) -> None:
    refused_app_only(client.put("/v1/profiles/support", json=SUPPORT_REQUEST, headers=app))
    response = client.put("/v1/profiles/support", json=SUPPORT_REQUEST, headers=user)
    assert response.status_code == 200
    expected = {  # update-support-profile.md's answer, field for field
        "email": "email@sample.com",
        "telephone": "4255555555",
        "website": "www.microsoft.com",
        "profileType": "support_profile",
        "links": link("/v1/profiles/support"),
        "attributes": {"objectType": "PartnerSupportProfile"},
    }
    assert response.json() == expected
    assert client.get("/v1/profiles/support", headers=user).json() == expected


def test_profile_updates_survive_a_restart_and_reset_restores_them(tmp_path: Path, signing_key: SigningKey) -> None:
    config = Config(state_dir=tmp_path, persist=True, seed=3)
    first = EmulatorApp(EmulatorState(config, key=signing_key))
    with TestClient(first, base_url="http://127.0.0.1:8080") as client:
        user = bearer(user_token(first.state, NW.ADMIN, ["pwd", "mfa"]))
        assert client.put("/v1/profiles/support", json=SUPPORT_REQUEST, headers=user).status_code == 200
        assert client.patch(f"/v1/relationships/{RELECLOUD}/customer/{NW.CONTOSO}", headers=user).status_code == 204
    second = EmulatorState(config, key=signing_key)
    assert second.models.profiles.get("support")["email"] == "email@sample.com"
    assert [p["name"] for p in second.models.relations.of_customer(NW.CONTOSO)] == ["ReleCloud"]
    second.reset()
    assert second.models.profiles.get("support")["email"] == "support@northwindpartners.com"
    assert second.models.relations.of_customer(NW.CONTOSO) == []


def test_partner_profiles_with_the_sdk(sdk: MicrosoftPartnerStoreApis) -> None:
    support = sdk.getvversionprofilessupport(V)
    support.email = "help@northwindpartners.com"
    assert sdk.putvversionprofilessupport(support, V).email == "help@northwindpartners.com"
    legal = sdk.getvversionprofileslegalbusinessvetting_versionvetting_version.value(V)
    legal.company_name = "Northwind Cloud Partners Inc."
    assert sdk.putvversionprofileslegalbusiness(legal, V).company_name == "Northwind Cloud Partners Inc."
    organization = sdk.getvversionprofilesorganization(V)
    organization.language = "fr"
    organization.culture = "fr-FR"
    assert sdk.putvversionprofilesorganization(organization, V).culture == "fr-FR"
    billing = sdk.getvversionprofilesbilling(V)
    billing.purchase_order_number = "PO-77"
    assert sdk.putvversionprofilesbilling(billing, V).purchase_order_number == "PO-77"
    assert sdk.getvversionprofilesbilling(V).purchase_order_number == "PO-77"


def test_partner_network_profile(client: TestClient, user: dict[str, str], app: dict[str, str]) -> None:
    response = client.get("/v1/profiles/partnernetworkprofile", headers=user)
    assert response.json() == {
        "mpnId": "4812345",
        "partnerName": "Northwind Cloud Partners",
        "profileType": "MpnProfile",
        "links": link("/profiles/partnernetworkprofile"),
        "attributes": {"objectType": "MpnProfile"},
    }
    other = client.get("/v1/profiles/partnernetworkprofile?mpnId=4847433", headers=user).json()
    assert (other["mpnId"], other["partnerName"]) == ("4847433", "ReleCloud")
    missing = client.get("/v1/profiles/partnernetworkprofile?mpnId=1", headers=user)
    assert (missing.status_code, missing.json()) == (
        404,
        error(3000, "Partner Organization with partner_id 1 could not be found"),
    )
    bad = client.get("/v1/profiles/partnernetworkprofile?mpnId=abc", headers=user)
    assert (bad.status_code, bad.json()) == (
        400,
        error(800002, "Invalid request input: 'mpnId' must be a number, got 'abc'."),
    )
    refused_app_only(client.get("/v1/profiles/partnernetworkprofile", headers=app))


def test_partner_network_profile_with_the_sdk(sdk: MicrosoftPartnerStoreApis) -> None:
    found = sdk.getvversionprofilespartnernetworkprofilempn_idmpn_id.value(V, mpn_id="4847383")
    assert (found.mpn_id, found.partner_name) == ("4847383", "First Up Consultants")


# --- domains ---------------------------------------------------------------------------------------------------

DOMAIN_REQUEST = {  # add-a-verified-domain-for-a-customer.md's request (its certificate placeholder filled)
    "VerifiedDomainName": "Example.com",
    "Domain": {
        "AuthenticationType": "Federated",
        "Capability": "Email",
        "IsDefault": None,
        "IsInitial": None,
        "Name": "Example.com",
        "RootDomain": None,
        "Status": "Verified",
        "VerificationMethod": "None",
    },
    "DomainFederationSettings": {
        "ActiveLogOnUri": "https://sts.microsoftonline.com/FederationPassive/",
        "DefaultInteractiveAuthenticationMethod": (
            "http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password"
        ),
        "FederationBrandName": "FederationBrandName",
        "IssuerUri": "Example.com",
        "LogOffUri": "https://sts.microsoftonline.com/FederationPassive/",
        "MetadataExchangeUri": None,
        "NextSigningCertificate": None,
        "OpenIdConnectDiscoveryEndpoint": "https://sts.contoso.com/adfs/.well-known/openid-configuration",
        "PassiveLogOnUri": "https://sts.microsoftonline.com/Trust/2005/UsernameMixed",
        "PreferredAuthenticationProtocol": "WsFed",
        "PromptLoginBehavior": "TranslateToFreshPasswordAuth",
        "SigningCertificate": "MIIC8DCCAdigAwIBAgIQEXAMPLECERTIFICATE",
        "SigningCertificateUpdateStatus": None,
        "SupportsMfa": True,
    },
}
DOMAIN_ANSWER = {  # its documented answer, field for field
    "authenticationType": "federated",
    "capability": "email",
    "isDefault": False,
    "isInitial": False,
    "name": "Example.com",
    "status": "verified",
    "verificationMethod": "dns_record",
}


def test_add_a_verified_domain_as_documented(client: TestClient, app: dict[str, str], user: dict[str, str]) -> None:
    path = f"/v1/customers/{NW.CONTOSO}/verifieddomain"
    assert client.head("/v1/domains/example.com", headers=app).status_code == 404  # free
    assert client.get("/v1/validations/checkdomainavailability/example", headers=app).json() is True
    response = client.post(path, json=DOMAIN_REQUEST, headers={**app, "MS-RequestId": "r-1"})  # app-only too
    assert response.status_code == 201
    assert response.json() == DOMAIN_ANSWER
    # The domain is the customer's now: in the next GET of the customer, and in use for everyone.
    customer = client.get(f"/v1/customers/{NW.CONTOSO}", headers=user).json()
    assert customer["customDomains"] == ["contosoltd.onmicrosoft.com", "contosoltd.com", "Example.com"]
    assert client.head("/v1/domains/example.com", headers=app).status_code == 200
    assert client.head(f"/v1/customers/{NW.CONTOSO}/verifieddomain?domain=EXAMPLE.com", headers=app).status_code == 200
    assert client.head(f"/v1/customers/{WINGTIP}/verifieddomain?domain=example.com", headers=app).status_code == 404
    # A retry with the same MS-RequestId gets the first answer; a new request finds the domain taken.
    replay = client.post(path, json=DOMAIN_REQUEST, headers={**app, "MS-RequestId": "r-1"})
    assert (replay.status_code, replay.json()) == (201, DOMAIN_ANSWER)
    taken = client.post(path, json=DOMAIN_REQUEST, headers=app)
    assert (taken.status_code, taken.json()) == (
        400,
        error(3000, "Invalid property: the domain 'Example.com' is already in use by a tenant."),
    )
    assert client.get(f"/v1/customers/{NW.CONTOSO}", headers=user).json()["customDomains"][-1] == "Example.com"


def test_a_managed_domain_through_the_domains_path(client: TestClient, app: dict[str, str]) -> None:
    body = {
        "VerifiedDomainName": "fabrikam-mail.com",
        "Domain": {
            "AuthenticationType": "Managed",
            "Capability": "OfficeCommunicationsOnline",
            "IsDefault": True,
            "Name": "fabrikam-mail.com",
            "RootDomain": "fabrikam-mail.com",
            "Status": "Unverified",
            "VerificationMethod": "Email",
        },
    }
    response = client.post(f"/v1/domains/fabrikam-mail.com?customer_id={WINGTIP}", json=body, headers=app)
    assert response.status_code == 201
    assert response.json() == {
        "authenticationType": "managed",
        "capability": "office_communications_online",
        "isDefault": True,
        "isInitial": False,
        "name": "fabrikam-mail.com",
        "rootDomain": "fabrikam-mail.com",
        "status": "unverified",
        "verificationMethod": "email",
    }
    assert client.get(f"/v1/customers/{WINGTIP}", headers=app).json()["customDomains"][-1] == "fabrikam-mail.com"
    missing = client.post("/v1/domains/fabrikam-mail.com", json=body, headers=app)
    assert (missing.status_code, missing.json()) == (
        400,
        error(800002, "Invalid request input: 'customer_id' is required: the customer the domain is added to."),
    )
    other = client.post(f"/v1/domains/other.com?customer_id={WINGTIP}", json=body, headers=app)
    assert (other.status_code, other.json()) == (
        400,
        error(3000, "Invalid property: the domain of the path, other.com, is not 'Domain.Name' fabrikam-mail.com."),
    )
    nobody = client.post(f"/v1/domains/x.com?customer_id={MISSING}", json=body, headers=app)
    assert (nobody.status_code, nobody.json()) == (404, error(60003, CUSTOMER_NOT_FOUND))


def _domain(**change: Any) -> dict[str, Any]:
    body = json.loads(json.dumps(DOMAIN_REQUEST))
    for key, value in change.items():
        section, _, field = key.partition("__")
        if field:
            body[section][field] = value
        elif value is None:
            body.pop(section)
        else:
            body[section] = value
    return body


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        (
            _domain(VerifiedDomainName="other.com"),
            400,
            error(3000, "Invalid property: 'VerifiedDomainName' other.com is not 'Domain.Name' Example.com."),
        ),
        (
            _domain(Domain__Name="not a domain", VerifiedDomainName="not a domain"),
            400,
            error(3000, "Invalid property: 'Domain.Name' 'not a domain' is not a domain name."),
        ),
        (
            _domain(Domain__AuthenticationType="Magic"),
            400,
            error(900126, "Unable to parse enum: 'Magic' is not a value of 'Domain.AuthenticationType'."),
        ),
        (
            _domain(Domain__Status="Done"),
            400,
            error(900126, "Unable to parse enum: 'Done' is not a value of 'Domain.Status'."),
        ),
        (
            _domain(Domain__VerificationMethod="Fax"),
            400,
            error(900126, "Unable to parse enum: 'Fax' is not a value of 'Domain.VerificationMethod'."),
        ),
        (
            _domain(DomainFederationSettings=None),
            400,
            error(3000, "Invalid property: 'DomainFederationSettings' is required for a Federated domain."),
        ),
        (
            _domain(DomainFederationSettings__PreferredAuthenticationProtocol="Kerberos"),
            400,
            error(
                900126,
                "Unable to parse enum: 'Kerberos' is not a value of 'DomainFederationSettings.PreferredAuthenticationProtocol'.",
            ),
        ),
        (
            _domain(DomainFederationSettings__PromptLoginBehavior="Always"),
            400,
            error(
                900126,
                "Unable to parse enum: 'Always' is not a value of 'DomainFederationSettings.PromptLoginBehavior'.",
            ),
        ),
        (
            _domain(DomainFederationSettings__IssuerUri=None),
            400,
            error(3000, "Invalid property: 'DomainFederationSettings.IssuerUri' is required."),
        ),
        (
            _domain(DomainFederationSettings__SupportsMfa="yes"),
            400,
            error(
                800002,
                "Invalid request input: 'DomainFederationSettings.SupportsMfa' must be true or false, got \"yes\".",
            ),
        ),
        (_domain(Domain=None), 400, error(3000, "Invalid property: 'Domain' is required and must be an object.")),
        (_domain(Domain__Capability=None), 400, error(3000, "Invalid property: 'Domain.Capability' is required.")),
        (
            _domain(Domain__IsDefault="true"),
            400,
            error(800002, "Invalid request input: 'Domain.IsDefault' must be true or false, got \"true\"."),
        ),
    ],
)
def test_verified_domain_bad_input(
    client: TestClient, app: dict[str, str], body: dict[str, Any], status: int, expected: dict[str, Any]
) -> None:
    response = client.post(f"/v1/customers/{NW.CONTOSO}/verifieddomain", json=body, headers=app)
    assert (response.status_code, response.json()) == (status, expected)
    assert client.get(f"/v1/customers/{NW.CONTOSO}", headers=app).json()["customDomains"] == [
        "contosoltd.onmicrosoft.com",
        "contosoltd.com",
    ]


def test_verified_domain_head_bad_input(client: TestClient, app: dict[str, str]) -> None:
    assert client.head(f"/v1/customers/{NW.CONTOSO}/verifieddomain", headers=app).status_code == 400
    assert client.head(f"/v1/customers/{MISSING}/verifieddomain?domain=a.com", headers=app).status_code == 404
    assert (
        client.head(f"/v1/customers/{NW.CONTOSO}/verifieddomain?domain=contosoltd.com", headers=app).status_code == 200
    )
    assert client.post(f"/v1/customers/{MISSING}/verifieddomain", json=DOMAIN_REQUEST, headers=app).status_code == 404


def test_domain_prefix_availability(client: TestClient, app: dict[str, str]) -> None:
    assert client.get("/v1/validations/checkdomainavailability/contosoltd", headers=app).content == b"false"
    assert client.get("/v1/validations/checkdomainavailability/NorthwindPartners", headers=app).json() is False
    assert client.get("/v1/validations/checkdomainavailability/brandnew", headers=app).json() is True
    assert client.post("/v1/customers", json=customer_body("brandnew"), headers=app).status_code == 201
    assert client.get("/v1/validations/checkdomainavailability/brandnew", headers=app).json() is False
    bad = client.get("/v1/validations/checkdomainavailability/bad_prefix!", headers=app)
    assert (bad.status_code, bad.json()) == (
        400,
        error(800002, "Invalid request input: 'bad_prefix!' is not a domain prefix (letters, digits and hyphens)."),
    )


def test_domains_with_the_sdk(sdk: MicrosoftPartnerStoreApis) -> None:
    assert sdk.getvversionvalidationscheckdomainavailabilitydomain.prefix("contosoltd", V) is False
    assert sdk.getvversionvalidationscheckdomainavailabilitydomain.prefix("sdkprefix", V) is True
    verified = m.MicrosoftPartnerSdkContractsV1DomainManagementVerifiedDomain(
        verified_domain_name="sdk-domain.com",
        domain=m.MicrosoftPartnerSdkContractsV1DomainManagementDomain(
            authentication_type="Managed",
            capability="Email",
            name="sdk-domain.com",
            status="Verified",
            verification_method="DnsRecord",
        ),
    )
    domain = sdk.postvversioncustomerscustomer.idverifieddomain(NW.CONTOSO, verified, V)
    assert (domain.name, domain.authentication_type, domain.verification_method) == (
        "sdk-domain.com",
        "managed",
        "dns_record",
    )
    assert "sdk-domain.com" in sdk.getvversioncustomerscustomer.id(NW.CONTOSO, V).custom_domains
    found = sdk.headvversioncustomerscustomer.idverifieddomain("sdk-domain.com", V, NW.CONTOSO, raw=True)
    assert found.response.status_code == 200
    assert sdk.headvversiondomainsdomain("sdk-domain.com", V, raw=True).response.status_code == 200


# --- the world: relationships.json ------------------------------------------------------------------------------


def test_relationships_file_is_optional_and_checked(tmp_path: Path) -> None:
    import shutil

    from emulator.world import WorldError, default_world_dir, load_world

    world = tmp_path / "world"
    shutil.copytree(default_world_dir(), world)
    (world / "relationships.json").unlink()
    older = load_world(world)  # a fixture directory from before relationships.json
    assert len(older.partner_relationships) == 0 and len(older.reseller_customers) == 0
    for change, message in [
        (
            lambda d: d["customers"][0].update(id=MISSING),
            f"relationships.json: $.customers[0].id: no customer with id {MISSING}",
        ),
        (
            lambda d: d["customers"][1].update(resellerId=MISSING),
            f"relationships.json: $.customers[1].resellerId: no partner with id {MISSING}",
        ),
        (lambda d: d["partners"].append(d["partners"][0]), "relationships.json: $.partners[2].id: duplicate id"),
        (lambda d: d["customers"].append(d["customers"][0]), "relationships.json: $.customers[6].id: duplicate id"),
        (
            lambda d: d["partners"][0].update(relationshipType="friend"),
            "relationships.json: $.partners[0].relationshipType: expected",
        ),
        (
            lambda d: d["partners"][1].pop("mpnId"),
            "relationships.json: $.partners[1].mpnId: required string is missing",
        ),
    ]:
        data = json.loads((default_world_dir() / "relationships.json").read_text())
        change(data)
        (world / "relationships.json").write_text(json.dumps(data))
        with pytest.raises(WorldError) as caught:
            load_world(world)
        assert message in str(caught.value)


def test_generated_worlds_have_indirect_resellers(tmp_path: Path) -> None:
    from emulator.generate import write_world
    from emulator.world import default_world_dir, load_world

    write_world(tmp_path / "json", 40, form="json")
    # The default world is a generated one: its relationships.json is what the generator writes.
    written = json.loads((tmp_path / "json" / "relationships.json").read_text())
    assert written == json.loads((default_world_dir() / "relationships.json").read_text())
    write_world(tmp_path / "file", 40)  # the resellers stay JSON, the customers they serve are in the world file
    for directory in (tmp_path / "json", tmp_path / "file"):
        world = load_world(directory)
        assert [p["name"] for p in world.partner_relationships] == ["First Up Consultants", "ReleCloud"]
        assert world.reseller_customers.get(WINGTIP) == {"id": WINGTIP, "resellerId": FIRST_UP}
        assert [r["id"] for r in world.reseller_customers.group(FIRST_UP)][:1] == [WINGTIP]
