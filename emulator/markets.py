"""Data: the address rules of the markets the worlds use (GET /v1/countryvalidationrules/{country}) and the postal
addresses the address validation knows besides the world's own. A data table, kept apart from the code that uses
it (emulator.partner.models.addresses). Sources: docs/sources/relationships.md.

US, CN, DE and GB are Partner Center's recorded answers (Partner-Center-PowerShell's session records, the US one
captured with its headers in January 2019), field for field. The other markets of the worlds (CA, AT, FR, NL,
AU, JP) follow the same form with values taken from each country's public postal and VAT formats: inferred [I].
"""

from __future__ import annotations

from typing import Any

US_STATES = [
    "AK", "AL", "AR", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "HI", "IA", "ID", "IL", "IN", "KS", "KY", "LA",
    "MA", "MD", "ME", "MI", "MN", "MO", "MS", "MT", "NC", "ND", "NE", "NH", "NJ", "NM", "NV", "NY", "OH", "OK", "OR",
    "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VA", "VT", "WA", "WI", "WV", "WY",
]  # fmt: skip
CN_STATES = [
    "AH", "BJ", "CQ", "FJ", "GD", "GS", "GX", "GZ", "HA", "HB", "HE", "HI", "HL", "HN", "JL", "JS", "JX", "LN", "NM",
    "NX", "QH", "SC", "SD", "SH", "SN", "SX", "TJ", "XJ", "XZ", "YN", "ZJ",
]  # fmt: skip
CA_PROVINCES = ["AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"]  # [I] ISO 3166-2:CA


def _rules(iso2: str, culture: str, *, states: list[str] | None = None, **more: Any) -> dict[str, Any]:
    """A market's rules in the recorded field order; `more` in camelCase, None leaves a field out."""
    rules: dict[str, Any] = {
        "iso2Code": iso2,
        "defaultCulture": culture,
        "isStateRequired": states is not None,
        "supportedStatesList": states or [],
        "supportedLanguagesList": more.pop("languages"),
        "supportedCulturesList": more.pop("cultures"),
        "isPostalCodeRequired": True,
        "postalCodeRegex": more.pop("postal"),
        "isCityRequired": True,
        "isVatIdSupported": more.pop("vat", None) is not None,
    }
    vat = more.get("vatIdRegex")
    if vat is not None:
        rules["taxIdFormat"] = more.pop("taxIdFormat")
        rules["vatIdRegex"] = more.pop("vatIdRegex")
    if "phoneNumberRegex" in more:
        rules["phoneNumberRegex"] = more.pop("phoneNumberRegex")
    rules["isTaxIdSupported"] = more.pop("isTaxIdSupported", False)
    rules["isTaxIdOptional"] = more.pop("isTaxIdOptional", True)
    rules["countryCallingCodesList"] = more.pop("calling")
    assert not more, more
    return rules


COUNTRY_RULES: dict[str, dict[str, Any]] = {
    # Recorded answers.
    "US": _rules(
        "US", "en-US", states=US_STATES, languages=["en", "es"], cultures=["en-US", "es-US"],
        postal=r"^\d{5}(-\d{4})?$",
        phoneNumberRegex=r"^(1[ \-\/\.]?)?(\((\d{3})\)|(\d{3}))[ \-\/\.]?(\d{3})[ \-\/\.]?(\d{4})$",
        isTaxIdSupported=True, calling=["1"],
    ),
    "CN": _rules(
        "CN", "zh-CN", states=CN_STATES, languages=["zh-CHS", "en"], cultures=["zh-CN", "en-US"],
        postal="^[0-9]{6,6}$", isTaxIdOptional=False, calling=["86"],
    ),
    "DE": _rules(
        "DE", "de-DE", languages=["en", "de"], cultures=["de-DE", "en-US"], postal="^[0-9]{5,5}$",
        vat=True, taxIdFormat="DE#########", vatIdRegex=r"^DE[\d]{9,9}$", calling=["49"],
    ),
    "GB": _rules(
        "GB", "en-GB", languages=["en"], cultures=["en-GB", "en-US"],
        postal="^([gG][iI][rR][ ]?0[aA]{2,2}|[a-zA-Z]([0-9][0-9a-zA-Z]?|[a-zA-Z][0-9][0-9a-zA-Z]?)"
        "[ ]?[0-9][a-zA-Z]{2,2})$",
        vat=True, taxIdFormat="GB#########",
        vatIdRegex=r"^GB(([\d]{3,3}[\d]{4,4}[\d]{2,2}([\d]{3,3})?)|((GD|HA)[\d]{3,3}))$", calling=["44"],
    ),
    # Inferred [I]: the same form, each country's public postal-code and VAT-number formats.
    "CA": _rules(
        "CA", "en-CA", states=CA_PROVINCES, languages=["en", "fr"], cultures=["en-CA", "fr-CA"],
        postal="^[a-zA-Z][0-9][a-zA-Z][ ]?[0-9][a-zA-Z][0-9]$", isTaxIdSupported=True, calling=["1"],
    ),
    "AT": _rules(
        "AT", "de-AT", languages=["de", "en"], cultures=["de-AT", "en-US"], postal="^[0-9]{4,4}$",
        vat=True, taxIdFormat="ATU########", vatIdRegex=r"^ATU[\d]{8,8}$", calling=["43"],
    ),
    "FR": _rules(
        "FR", "fr-FR", languages=["fr", "en"], cultures=["fr-FR", "en-US"], postal="^[0-9]{5,5}$",
        vat=True, taxIdFormat="FR###########", vatIdRegex=r"^FR[0-9A-Z]{2,2}[\d]{9,9}$", calling=["33"],
    ),
    "NL": _rules(
        "NL", "nl-NL", languages=["nl", "en"], cultures=["nl-NL", "en-US"], postal="^[0-9]{4,4}[ ]?[a-zA-Z]{2,2}$",
        vat=True, taxIdFormat="NL#########B##", vatIdRegex=r"^NL[\d]{9,9}B[\d]{2,2}$", calling=["31"],
    ),
    "AU": _rules(
        "AU", "en-AU", languages=["en"], cultures=["en-AU", "en-US"], postal="^[0-9]{4,4}$",
        isTaxIdSupported=True, calling=["61"],
    ),
    "JP": _rules(
        "JP", "ja-JP", languages=["ja", "en"], cultures=["ja-JP", "en-US"], postal="^[0-9]{3,3}-?[0-9]{4,4}$",
        calling=["81"],
    ),
}  # fmt: skip

# Countries whose state is checked against the list (validate-an-address.md: "if the country is the United States,
# Canada, China, or Mexico, the state field is validated against a list of valid states"); elsewhere any text.
STATE_CHECKED = ("US", "CA", "CN", "MX")

# Postal addresses the validation knows besides the world's own (validate-an-address.md's VerifiedShippable sample:
# 1 Microsoft Way, Redmond, WA 98052 is shippable as 98052-8300).
KNOWN_ADDRESSES: list[dict[str, str]] = [
    {"country": "US", "city": "Redmond", "state": "WA", "addressLine1": "1 Microsoft Way", "postalCode": "98052-8300"},
]
