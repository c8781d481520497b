"""Sign-ins in progress, codes and device codes: they expire on the emulator's clock, have a cap, and cleaning
up looks only at what has expired."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from emulator.identity import sessions
from emulator.identity.sessions import MAX_ENTRIES, PENDING_LIFETIME, Interactive
from emulator.state import EmulatorState
from tests.helpers import NW


def _sign_in(ctx: str, created: float) -> Any:
    return sessions.SignIn(ctx=ctx, tenant=None, app=None, v2=True, created=created)  # type: ignore[arg-type]


def test_forgetting_stops_at_the_first_entry_still_alive(monkeypatch: Any) -> None:
    interactive = Interactive()
    for n in range(5000):
        interactive.add_sign_in(_sign_in(f"c{n}", created=float(n)))
    looked_at = 0
    real = sessions._expire

    def counting(table: Any, expired: Any) -> Any:
        def check(entry: Any) -> bool:
            nonlocal looked_at
            looked_at += 1
            return bool(expired(entry))

        return real(table, check)

    monkeypatch.setattr(sessions, "_expire", counting)
    interactive.forget_old(now=PENDING_LIFETIME + 9.5)  # c0..c9 have expired
    assert len(interactive.sign_ins) == 4990 and "c10" in interactive.sign_ins
    assert looked_at == 11  # ten expired, and the first one still alive: not every entry


def test_each_table_is_capped_oldest_first() -> None:
    interactive = Interactive()
    for n in range(MAX_ENTRIES + 25):
        interactive.add_sign_in(_sign_in(f"c{n}", created=0.0))
    assert len(interactive.sign_ins) == MAX_ENTRIES
    assert "c24" not in interactive.sign_ins and "c25" in interactive.sign_ins


def test_codes_expire_on_the_emulators_clock(client: TestClient, state: EmulatorState) -> None:
    query = {
        "client_id": NW.NATIVE_APP,
        "response_type": "code",
        "redirect_uri": "http://localhost",
        "scope": f"{NW.PC}/user_impersonation",
    }
    for _ in range(3):
        assert client.get(f"/{NW.TENANT_ID}/oauth2/v2.0/authorize", params=query).status_code == 200
    assert len(state.interactive.sign_ins) == 3
    state.clock.advance(PENDING_LIFETIME + 1)
    assert client.get(f"/{NW.TENANT_ID}/oauth2/v2.0/authorize", params=query).status_code == 200
    assert len(state.interactive.sign_ins) == 1  # the three abandoned ones are gone
