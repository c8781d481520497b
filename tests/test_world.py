"""Fixture loading: the default world's shape, and errors that name the file and the field."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import hypothesis
import pytest
from hypothesis import strategies as st

from emulator.world import WorldError, default_world_dir, load_world
from tests.helpers import NW


def test_default_world(default_world: Any) -> None:
    world = default_world
    assert world.partner.id == NW.TENANT_ID
    assert len(world.customers) == 40
    assert {a.confidential for a in world.apps.values()} == {True, False}
    service, admin, megan = world.user(NW.SERVICE), world.user(NW.ADMIN), world.user(NW.MEGAN)
    assert service.default_amr == ["pwd"] and not service.mfa_required
    assert admin.default_amr == ["pwd", "mfa"] and not admin.mfa_required
    assert megan.mfa_required
    assert world.tenant("NorthwindPartners.onmicrosoft.com") is world.partner
    assert world.user(NW.SERVICE.upper()) is service


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "world"
    shutil.copytree(default_world_dir(), target)
    return target


def _edit(directory: Path, name: str, change: Any) -> None:
    path = directory / name
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


# The file is the message's first word. One case a line: a table to read down.
# fmt: off
LOAD_ERRORS = [
    (lambda d: d["users"][1].pop("password"), "users.json: users[1].password: required string is missing"),
    (lambda d: d["users"][0].update(mfaRegistered="yes"), "users.json: users[0].mfaRegistered: expected true or false"),
    (lambda d: d["users"][0].update(userPrincipalName="a@elsewhere.com"), "users.json: users[0].userPrincipalName"),
    (lambda d: d["apps"][0].update(clientId="not-a-guid"), "apps.json: apps[0].clientId: expected a GUID"),
    (lambda d: d["apps"][0].update(type="daemon"), "apps.json: apps[0].type: expected 'confidential' or 'public'"),
    (lambda d: d["apps"][1].update(secret="x"), "apps.json: apps[1].secret: a public app has no secret"),
    (lambda d: d["customers"][3]["companyProfile"].pop("domain"), "customers.json: customers[3].companyProfile.domain"),
    (lambda d: d["customers"].append(d["customers"][0]), "customers.json: customers[40].id: duplicate id"),
    (lambda d: d["tenant"].update(id=42), "partner.json: $.tenant.id: expected a GUID, found 42"),
    (lambda d: d["customers"][2].update(relationshipToPartner="friend"), "customers.json: customers[2].relationshipToPartner: expected 'advisor', 'none' or 'reseller', found \"friend\""),
    # A field the record does not define would reach the wire: refused at load time instead.
    (lambda d: d["customers"][1].update(nickname="Fab"), "customers.json: customers[1].nickname: not a field of this record (check its spelling)"),
    (lambda d: d["subscriptions"][0].update(quantity=-1), "subscriptions.json: subscriptions[0].quantity: expected a whole number of at least 0, found -1"),
    (lambda d: d["subscriptions"][0].update(offerId="NOPE"), "subscriptions.json: subscriptions[0].offerId: no offer with id NOPE in offers.json"),
    (lambda d: d["orders"][0].update(lineItems=[]), "orders.json: orders[0].lineItems: expected a non-empty list, found []"),
    (lambda d: d["invoices"][0].update(totalCharges="12.50"), 'invoices.json: invoices[0].totalCharges: expected a number, found "12.50"'),
    (lambda d: d["consents"][0].update(_customerId="00000000-0000-0000-0000-000000000000"), "consents.json: consents[0]._customerId: no customer with id 00000000-0000-0000-0000-000000000000"),
    (lambda d: d["customers"][0]["companyProfile"].update(tenantId="00000000-0000-0000-0000-000000000000"), "customers.json: customers[0].companyProfile.tenantId: must equal the customer id"),
]
# fmt: on


@pytest.mark.parametrize(("change", "message"), LOAD_ERRORS)
def test_errors_name_file_and_field(tmp_path: Path, change: Any, message: str) -> None:
    directory = _copy(tmp_path)
    _edit(directory, message.split(":")[0], change)
    with pytest.raises(WorldError) as caught:
        load_world(directory)
    assert message in str(caught.value)


def test_invalid_json_names_line(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    (directory / "apps.json").write_text('{"apps": [\n  {"clientId": }\n]}')
    with pytest.raises(WorldError, match=r"apps.json: line 2 column 16: invalid JSON"):
        load_world(directory)


def test_missing_file(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    (directory / "customers.json").unlink()
    with pytest.raises(WorldError, match=r"customers\.json: fixture file is missing"):
        load_world(directory)


@hypothesis.given(st.text())
@hypothesis.example("customer-1")
@hypothesis.example("user-é")
@hypothesis.example("x" * 300)
@hypothesis.example("")
def test_generated_ids_are_uuid5(name: str) -> None:
    """A generated world's GUIDs are checked against the GUID pattern in its first slot only (emulator.generate
    `_chunk`): gid must make a GUID of any name."""
    import re
    import uuid

    from emulator.generate import NAMESPACE, gid
    from emulator.partner.schemas.resources import GUID_PATTERN

    made = gid(name)
    assert made == str(uuid.uuid5(NAMESPACE, name))
    assert re.fullmatch(GUID_PATTERN.strip("^$"), made) and re.fullmatch(GUID_PATTERN.strip("^$"), made.upper())
