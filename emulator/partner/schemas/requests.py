"""Request bodies of the Partner Center operations, as typed definitions, and the one reader that validates them.

Partner Center's documented bodies are PascalCase (`{"CompanyProfile":{"Domain":…}}`) and the SDKs send camelCase,
so names match case-insensitively: the reader sees the body with lower-cased keys, and a field's key is its name
without underscores. Error texts name a field as the operation's documentation spells it (`SPELLING`).

The reader walks a definition's fields in order (msgspec's public `inspect`), so the first problem found is the
one reported, with Partner Center's error body:
- a value of the wrong type for a text field, a blank or over-long text: "Invalid property" (3000);
- a value of the wrong type for a number or a flag: "Invalid request input" (800002);
- a missing field, a missing or malformed object or list: the operation's own code (`PROBLEM`).
These codes are inferred [I]: no capture of a real answer to such a body is known.
"""

from __future__ import annotations

import functools
import json
import math
import re
from typing import Annotated, Any, ClassVar, TypeVar

from msgspec import Meta, Struct, inspect

from emulator.partner.models.errors import DomainError, InvalidInput, InvalidProperty
from emulator.partner.schemas.resources import GUID_PATTERN


def _key(name: str) -> str:
    return name.replace("_", "")


class Body(Struct, rename=_key, kw_only=True):
    """A request body. `SPELLING` is how error texts name fields; `PROBLEM` the error of a missing part."""

    SPELLING: ClassVar[str] = "camel"
    PROBLEM: ClassVar[type[DomainError]] = InvalidProperty


# Text of at most so many characters; blank text is refused, and text is read without surrounding blanks.
Text = Annotated[str, Meta(max_length=256)]
Text2048 = Annotated[str, Meta(max_length=2048)]
Text128 = Annotated[str, Meta(max_length=128)]
Text64 = Annotated[str, Meta(max_length=64)]
Text32 = Annotated[str, Meta(max_length=32)]
Text16 = Annotated[str, Meta(max_length=16)]
Text8 = Annotated[str, Meta(max_length=8)]
Text3 = Annotated[str, Meta(max_length=3)]
Text2 = Annotated[str, Meta(max_length=2)]
Guid = Annotated[str, Meta(pattern=GUID_PATTERN)]
Blank = Annotated[str, Meta(min_length=0, max_length=256)]  # text that may be empty ("")


# --- customers ------------------------------------------------------------------------------------------------


class CompanyProfileIn(Body, kw_only=True):
    domain: Text


class AddressIn(Body, kw_only=True):
    first_name: Text
    last_name: Text
    address_line1: Text
    city: Text
    postal_code: Text16
    country: Text2
    state: Text64 | None = None
    phone_number: Text32 | None = None


class BillingProfileIn(Body, kw_only=True):
    email: Text
    culture: Text
    language: Text8
    company_name: Text
    default_address: AddressIn


class CustomerCreate(Body, kw_only=True):
    SPELLING = "Pascal"
    company_profile: CompanyProfileIn
    billing_profile: BillingProfileIn


# --- customer users ---------------------------------------------------------------------------------------------


class PasswordProfileIn(Body, kw_only=True):
    password: Text
    force_change_password: bool | None = None


class CustomerUserCreate(Body, kw_only=True):
    user_principal_name: Text
    display_name: Text
    first_name: Text | None = None
    last_name: Text | None = None
    usage_location: Text2 | None = None
    immutable_id: Text | None = None
    password_profile: PasswordProfileIn


# --- application consents ----------------------------------------------------------------------------------------


class ApplicationGrantIn(Body, kw_only=True):
    enterprise_application_id: Guid
    scope: Text2048


class ApplicationConsentCreate(Body, kw_only=True):
    application_id: Guid
    display_name: Text | None = None
    application_grants: Annotated[list[ApplicationGrantIn], Meta(min_length=1)]


# --- orders and subscriptions --------------------------------------------------------------------------------------


class OrderLineItemIn(Body, kw_only=True):
    line_item_number: int | None = None
    offer_id: Text
    quantity: int
    friendly_name: Text128 | None = None
    parent_subscription_id: Text | None = None


class OrderCreate(Body, kw_only=True):
    SPELLING = "Pascal"
    PROBLEM = InvalidInput
    reference_customer_id: Text | None = None
    line_items: Annotated[list[OrderLineItemIn], Meta(min_length=1, max_length=100)]
    billing_cycle: Text32 | None = None
    currency_code: Text3 | None = None


class SubscriptionUpdate(Body, kw_only=True):
    PROBLEM = InvalidInput
    billing_cycle: Text | None = None
    status: Text | None = None
    quantity: int | None = None
    auto_renew_enabled: bool | None = None
    friendly_name: Text128 | None = None


# --- New Commerce: agreements, carts, licenses (new-commerce-facts.md §2, §4, §5) ------------------------------


class AgreementContactIn(Body, kw_only=True):
    first_name: Text
    last_name: Text
    email: Text
    phone_number: Text32 | None = None


class AgreementCreate(Body, kw_only=True):
    PROBLEM = InvalidInput
    primary_contact: AgreementContactIn
    template_id: Guid
    date_agreed: Text64
    type: Text64


class ParticipantIn(Body, kw_only=True):
    key: Text64
    value: Text


class RenewsToIn(Body, kw_only=True):
    term_duration: Text8


class CartLineItemIn(Body, kw_only=True):
    id: int | None = None
    catalog_item_id: Text
    quantity: int
    billing_cycle: Text32
    term_duration: Text8 | None = None
    friendly_name: Text128 | None = None
    provisioning_context: dict[str, str] | None = None
    participants: list[ParticipantIn] | None = None
    renews_to: RenewsToIn | None = None
    promotion_id: Text64 | None = None
    custom_term_end_date: Text64 | None = None
    attestation_accepted: bool | None = None


class CartCreate(Body, kw_only=True):
    PROBLEM = InvalidInput
    partner_on_record_attestation_accepted: bool | None = None
    line_items: Annotated[list[CartLineItemIn], Meta(min_length=1, max_length=50)]


class LicenseAssignmentIn(Body, kw_only=True):
    sku_id: Guid
    excluded_plans: list[Text] | None = None


class LicenseUpdate(Body, kw_only=True):
    SPELLING = "Pascal"
    PROBLEM = InvalidInput
    licenses_to_assign: list[LicenseAssignmentIn] | None = None
    licenses_to_remove: list[Guid] | None = None


class TransitionCreate(Body, kw_only=True):
    PROBLEM = InvalidInput
    from_catalog_item_id: Text | None = None
    from_subscription_id: Guid | None = None
    to_catalog_item_id: Text
    to_subscription_id: Guid | None = None
    quantity: int
    term_duration: Text8 | None = None
    billing_cycle: Text32 | None = None
    transition_type: Text32


class MigrationIn(Body, kw_only=True):
    PROBLEM = InvalidInput
    current_subscription_id: Guid
    term_duration: Text8 | None = None
    billing_cycle: Text32 | None = None
    purchase_full_term: bool | None = None
    quantity: int | None = None
    custom_term_end_date: Text64 | None = None


# --- usage budgets (update-a-customer-s-usage-spending-budget.md) -------------------------------------------------


class SpendingBudgetIn(Body, kw_only=True):
    """{"Amount": 100, "Attributes": {"ObjectType": "SpendingBudget"}}; a null amount removes the budget."""

    SPELLING = "Pascal"
    PROBLEM = InvalidInput
    amount: Annotated[float, Meta(ge=0, le=1e12)] | None = None  # [I] the bounds: a budget is not negative


# --- the reader ---------------------------------------------------------------------------------------------------

B = TypeVar("B", bound=Body)


@functools.cache
def _type_info(kind: type[Body]) -> inspect.StructType:
    """A body's definition as msgspec describes it, once per definition: describing one took 1.4 ms, nearly half
    of a customer's creation."""
    info = inspect.type_info(kind)
    assert isinstance(info, inspect.StructType)
    return info


def read(body: dict[str, Any], kind: type[B]) -> B:
    """`body` (keys lower-cased) as a `kind`, or the domain error for its first problem."""
    result: B = _struct(body, _type_info(kind), kind, "")
    return result


def _spell(name: str, spelling: str) -> str:
    words = name.split("_")
    if spelling == "Pascal":
        return "".join(w[:1].upper() + w[1:] for w in words)
    return words[0] + "".join(w[:1].upper() + w[1:] for w in words[1:])


def _struct(obj: dict[str, Any], info: inspect.StructType, root: type[Body], where: str) -> Any:
    values: dict[str, Any] = {}
    for f in info.fields:
        path = f"{where}.{_spell(f.name, root.SPELLING)}" if where else _spell(f.name, root.SPELLING)
        value = obj.get(f.encode_name)
        kind, optional = _unwrap(f.type)
        if value is None:
            if optional or not f.required:
                continue
            if isinstance(kind, inspect.StructType):
                raise root.PROBLEM(f"'{path}' is required and must be an object.")
            if isinstance(kind, inspect.ListType):
                raise root.PROBLEM(f"'{path}' is required and must be a non-empty list.")
            raise root.PROBLEM(f"'{path}' is required.")
        values[f.name] = _value(value, kind, root, path)
    return info.cls(**values)


def _unwrap(kind: inspect.Type) -> tuple[inspect.Type, bool]:
    if isinstance(kind, inspect.UnionType):
        others = [t for t in kind.types if not isinstance(t, inspect.NoneType)]
        return others[0], len(others) < len(kind.types)
    return kind, False


def _value(value: Any, kind: inspect.Type, root: type[Body], path: str) -> Any:
    if isinstance(kind, inspect.StrType):
        if isinstance(value, str) and kind.min_length == 0 and not value.strip():
            return ""  # a field that may be blank (Blank): addressLine2 "" in the documented profiles
        if not isinstance(value, str) or not value.strip():
            raise InvalidProperty(f"'{path}' must be a non-empty string.")
        if kind.max_length is not None and len(value) > kind.max_length:
            raise InvalidProperty(f"'{path}' is longer than {kind.max_length} characters.")
        if kind.pattern == GUID_PATTERN and not re.match(GUID_PATTERN, value.strip()):
            raise InvalidProperty(f"'{path}' must be a GUID.")
        return value.strip()
    if isinstance(kind, inspect.IntType):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(f"'{path}' must be a whole number, got {_shown(value)}.")
        return value
    if isinstance(kind, inspect.BoolType):
        if not isinstance(value, bool):
            raise InvalidInput(f"'{path}' must be true or false, got {_shown(value)}.")
        return value
    if isinstance(kind, inspect.FloatType):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise InvalidInput(f"'{path}' must be a number, got {_shown(value)}.")
        low = kind.ge if kind.ge is not None else -math.inf
        high = kind.le if kind.le is not None else math.inf
        if not low <= value <= high:
            raise InvalidInput(f"'{path}' must be a number from {low:g} to {high:g}, got {_shown(value)}.")
        return value
    if isinstance(kind, inspect.StructType):
        if not isinstance(value, dict):
            raise root.PROBLEM(f"'{path}' is required and must be an object.")
        return _struct(value, kind, root, path)
    if isinstance(kind, inspect.ListType):
        if not isinstance(value, list) or len(value) < (kind.min_length or 0):
            raise root.PROBLEM(f"'{path}' is required and must be a non-empty list.")
        if kind.max_length is not None and len(value) > kind.max_length:
            raise root.PROBLEM(f"'{path}' has at most {kind.max_length} items.")
        items = []
        for index, item in enumerate(value):
            if isinstance(kind.item_type, inspect.StructType) and not isinstance(item, dict):
                raise root.PROBLEM(f"'{path}[{index}]' must be an object.")
            items.append(_value(item, kind.item_type, root, f"{path}[{index}]"))
        return items
    if isinstance(kind, inspect.DictType):
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise root.PROBLEM(f"'{path}' must be an object of texts.")
        return value
    raise TypeError(f"no reader for {kind!r}")  # a definition above uses a type this reader does not know


def _shown(value: Any) -> str:
    return json.dumps(value)[:64]


def schema(kind: type[Body]) -> dict[str, Any]:
    """The JSON Schema of a request body, with the documentation's camelCase names (any case is accepted)."""
    info = inspect.type_info(kind)
    assert isinstance(info, inspect.StructType)
    return _schema(info)


def _schema(kind: inspect.Type) -> dict[str, Any]:
    kind, _ = _unwrap(kind)
    if isinstance(kind, inspect.StructType):
        properties = {_spell(f.name, "camel"): _schema(f.type) for f in kind.fields}
        required = [_spell(f.name, "camel") for f in kind.fields if f.required and not _unwrap(f.type)[1]]
        result: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            result["required"] = required
        return result
    if isinstance(kind, inspect.ListType):
        result = {"type": "array", "items": _schema(kind.item_type)}
        if kind.min_length:
            result["minItems"] = kind.min_length
        if kind.max_length is not None:
            result["maxItems"] = kind.max_length
        return result
    if isinstance(kind, inspect.StrType):
        if kind.pattern == GUID_PATTERN:
            return {"type": "string", "format": "uuid"}
        result = {"type": "string", "minLength": 0 if kind.min_length == 0 else 1}
        if kind.max_length is not None:
            result["maxLength"] = kind.max_length
        return result
    if isinstance(kind, inspect.IntType):
        return {"type": "integer"}
    if isinstance(kind, inspect.BoolType):
        return {"type": "boolean"}
    if isinstance(kind, inspect.FloatType):
        bounds = {"minimum": kind.ge, "maximum": kind.le}
        return {"type": "number", **{k: v for k, v in bounds.items() if v is not None}}
    if isinstance(kind, inspect.DictType):
        return {"type": "object", "additionalProperties": {"type": "string"}}
    raise TypeError(f"no schema for {kind!r}")
