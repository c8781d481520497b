"""Addresses: the markets' formatting rules, address validation against them and a postal directory, and the
checks every profile update makes of an address, a contact, an email and a culture.

The directory is the world's own addresses (customers' billing addresses, the partner's profiles) and those of
emulator.markets, built when first needed: an address found there is shippable, one that only breaks no rule of
its market is verified. Sources and what is inferred: docs/sources/relationships.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from emulator.markets import COUNTRY_RULES, KNOWN_ADDRESSES, STATE_CHECKED
from emulator.partner.models.base import Doc, Model
from emulator.partner.models.errors import InvalidInput, InvalidProperty, MarketNotFound, StaleEtag
from emulator.partner.schemas.relations import AddressBody, AddressToValidate, ContactBody

CULTURE = re.compile(r"^[a-z]{2,3}-[a-z]{2,4}$", re.IGNORECASE)
LANGUAGE = re.compile(r"^[a-z]{2,3}$", re.IGNORECASE)
ADDRESS_FIELDS = (
    "country", "region", "city", "state", "addressLine1", "addressLine2", "postalCode", "firstName", "lastName",
    "phoneNumber",
)  # fmt: skip
# How validate-an-address.md's messages name the fields ("Address field invalid for property: 'Region', …").
MESSAGE_NAMES = {"addressLine1": "AddressLine1", "city": "City", "state": "Region", "postalCode": "PostalCode"}
MAX_SUGGESTIONS = 3  # "Multiple—maximum of three"


def country_code(value: str, where: str) -> str:
    country = value.strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise InvalidProperty(f"'{where}' '{value[:16]}' is not a two-letter country code.")
    return country


def address_doc(body: AddressBody, where: str) -> Doc:
    """A profile's address as stored (and sent): the fields given, in Partner Center's order; blanks kept."""
    values = {
        "country": country_code(body.country, f"{where}.Country"),
        "region": body.region,
        "city": body.city,
        "state": body.state,
        "addressLine1": body.address_line1,
        "addressLine2": body.address_line2,
        "postalCode": body.postal_code,
        "firstName": body.first_name,
        "lastName": body.last_name,
        "phoneNumber": body.phone_number,
    }
    return {key: value for key, value in values.items() if value is not None}


def contact_doc(body: ContactBody, where: str) -> Doc:
    if body.email is not None:
        check_email(body.email, f"{where}.Email")
    values = {
        "firstName": body.first_name,
        "lastName": body.last_name,
        "email": body.email,
        "phoneNumber": body.phone_number,
    }
    return {key: value for key, value in values.items() if value is not None}


def check_email(value: str, where: str) -> str:
    if "@" not in value or value.startswith("@") or value.endswith("@") or " " in value:
        raise InvalidProperty(f"'{where}' '{value[:64]}' is not an email address.")
    return value


def check_culture(value: str, where: str) -> str:
    if not CULTURE.match(value):
        raise InvalidProperty(f"'{where}' '{value[:16]}' is not a culture such as en-US.")
    language, _, region = value.partition("-")
    return f"{language.lower()}-{region.upper()}"


def check_language(value: str, where: str) -> str:
    if not LANGUAGE.match(value):
        raise InvalidProperty(f"'{where}' '{value[:16]}' is not a language such as en.")
    return value.lower()


def check_etag(current: str, given: str | None) -> None:
    """An etag sent (If-Match, or the body's attributes.etag) must be the resource's current one (412, 2055)."""
    if given is None:
        return
    value = given.strip()
    if value.startswith("W/"):
        value = value[2:]
    if value.strip('"') != current:
        raise StaleEtag()


def _norm(text: str | None) -> str:
    return " ".join((text or "").replace(",", " ").split()).lower()


def _street(line: str) -> str:
    """The street without its house number: '1 Microsoft Way' -> 'microsoft way'."""
    words = _norm(line).split()
    while words and any(c.isdigit() for c in words[0]):
        words = words[1:]
    return " ".join(words)


class Addresses(Model):
    _directory: list[Doc] | None = None

    def rules(self, country: str) -> Doc:
        """GET /v1/countryvalidationrules/{country}: the market's rules, or 404 for a market the table lacks."""
        code = country.strip().upper()
        if len(code) != 2 or not code.isalpha():
            raise InvalidInput(f"'{country[:16]}' is not a two-character ISO country code.")
        rules = COUNTRY_RULES.get(code)
        if rules is None:
            raise MarketNotFound(code)
        return rules

    def forget(self) -> None:
        """After a reset: the directory is built again when next needed."""
        self._directory = None

    def directory(self) -> list[Doc]:
        """The addresses known to be deliverable: emulator.markets' and the world's, built once."""
        if self._directory is None:
            known: dict[tuple[str, ...], Doc] = {}
            for address in self._world_addresses():
                if address.get("addressLine1") and address.get("city") and address.get("postalCode"):
                    entry = {k: address[k] for k in ADDRESS_FIELDS[:7] if address.get(k) and k != "region"}
                    if address.get("region") and "state" not in entry:
                        entry["state"] = address["region"]
                    key = tuple(_norm(entry.get(k)) for k in ("country", "city", "addressLine1", "addressLine2"))
                    known.setdefault(key, entry)
            self._directory = list(known.values())
        return self._directory

    def _world_addresses(self) -> Iterable[Doc]:
        yield from KNOWN_ADDRESSES
        profiles = self.world.profiles
        yield profiles["organization"]["defaultAddress"]
        yield profiles["billing"]["address"]
        yield profiles["legalbusiness"]["address"]
        for customer in self.world.customers:
            yield customer["billingProfile"]["defaultAddress"]

    def validate(self, body: AddressToValidate) -> Doc:
        """POST /v1/validations/address: the address as sent, suggestions, a status and a message [I] the rules
        beyond the market's (docs/sources/relationships.md)."""
        original: Doc = {"country": country_code(body.country, "Country")}
        for key, value in (
            ("city", body.city),
            ("state", body.state if body.state is not None else body.region),
            ("addressLine1", body.address_line1),
            ("addressLine2", body.address_line2),
            ("postalCode", body.postal_code),
        ):
            if value is not None and (value or key != "addressLine2"):
                original[key] = value
        rules = COUNTRY_RULES.get(original["country"])
        if rules is None:
            message = f"Address validation is not available for the country/region '{original['country']}'."
            return self._answer(original, [], "NotValidated", message)
        invalid = self._broken_rules(original, rules)
        if invalid:
            return self._answer(original, [], "None", _message(invalid))
        return self._look_up(original)

    @staticmethod
    def _broken_rules(address: Doc, rules: Doc) -> list[str]:
        invalid = []
        if rules["isCityRequired"] and not address.get("city", "").strip():
            invalid.append("city")
        state = address.get("state", "").strip()
        listed = address["country"] not in STATE_CHECKED or state.upper() in rules["supportedStatesList"]
        if (rules["isStateRequired"] and not state) or (state and not listed):
            invalid.append("state")
        postal = address.get("postalCode", "").strip()
        matches = re.match(rules["postalCodeRegex"], postal) is not None
        if (rules["isPostalCodeRequired"] and not postal) or (postal and not matches):
            invalid.append("postalCode")
        return invalid

    def _look_up(self, original: Doc) -> Doc:
        country, line1 = original["country"], _norm(original["addressLine1"])
        city, state = _norm(original.get("city")), _norm(original.get("state"))
        postal = _norm(original.get("postalCode")).replace(" ", "")
        line2 = _norm(original.get("addressLine2"))

        def same_place(entry: Doc) -> bool:
            entry_state = _norm(entry.get("state"))
            return _norm(entry["city"]) == city and (not state or not entry_state or entry_state == state)

        def same_postal(entry: Doc) -> bool:
            known = _norm(entry["postalCode"]).replace(" ", "")
            return known == postal or known.split("-")[0] == postal

        in_country = [e for e in self.directory() if e["country"] == country]
        by_line = [e for e in in_country if _norm(e["addressLine1"]) == line1]
        exact = [e for e in by_line if same_place(e) and same_postal(e)]
        if exact:
            premises = [e for e in exact if e.get("addressLine2") and _norm(e["addressLine2"]) != line2]
            matched = [e for e in exact if _norm(e.get("addressLine2")) == line2]
            if matched:
                return self._answer(original, matched[:1], "VerifiedShippable")
            if premises and not line2:
                suggestions = premises[:MAX_SUGGESTIONS]
                return self._answer(original, suggestions, "PremisesPartial", _message(["addressLine2"]))
            return self._answer(original, exact[:1], "VerifiedShippable")
        if by_line:
            entry = next((e for e in by_line if same_place(e)), by_line[0])
            changed = [k for k in ("city", "state", "postalCode") if not _same(original.get(k), entry.get(k))]
            return self._answer(original, [entry], "InteractionRequired", _message(changed))
        if line1 and line1 == _street(line1):  # no house number: the street alone
            street = [e for e in in_country if _street(e["addressLine1"]) == line1 and same_place(e)]
            if street:
                return self._answer(original, street[:MAX_SUGGESTIONS], "StreetPartial", _message(["addressLine1"]))
        return self._answer(original, [_suggestion(original)], "Verified")

    @staticmethod
    def _answer(original: Doc, suggestions: list[Doc], status: str, message: str | None = None) -> Doc:
        answer: Doc = {
            "originalAddress": original,
            "suggestedAddresses": [_suggestion(s) for s in suggestions],
            "status": status,
        }
        if message:
            answer["validationMessage"] = message
        return answer


def _same(given: Any, known: Any) -> bool:
    a, b = _norm(given).replace(" ", ""), _norm(known).replace(" ", "")
    return a == b or (bool(a) and b.split("-")[0] == a)


def _suggestion(address: Doc) -> Doc:
    """A suggested address in the documented order (country, city, state, addressLine1, addressLine2, postalCode)."""
    order = ("country", "city", "state", "addressLine1", "addressLine2", "postalCode")
    return {key: address[key] for key in order if address.get(key)}


def _message(fields: list[str]) -> str:
    if not fields:
        return ""
    names = ", ".join(f"'{MESSAGE_NAMES.get(f, f[:1].upper() + f[1:])}'" for f in fields)
    return f"Address field invalid for property: {names}"
