"""The signing worker: the same tokens as signing in-process, key changes, and signing in-process when it is gone."""

from __future__ import annotations

import asyncio
import base64
import io
import os
import random
import signal
import time
from pathlib import Path

import httpx
import jwt
import pytest

from emulator.clock import Clock
from emulator.keys import KeyRing, generate_key
from emulator.signer import SigningWorker, serve
from emulator.tokens import TokenIssuer
from tests.helpers import NW, app_form, start, stop

KEY = generate_key()
OTHER = generate_key()
CLAIMS = {"aud": "https://api.partnercenter.microsoft.com", "iss": f"https://sts.windows.net/{NW.TENANT_ID}/", "n": 1}


async def ready(worker: SigningWorker) -> None:
    """Until the worker says it can sign (its imports take a moment), or fail."""
    deadline = time.monotonic() + 15
    while not worker.alive:
        assert time.monotonic() < deadline, "the signing worker did not become ready"
        await asyncio.sleep(0.02)


def test_sign_jwt_writes_what_pyjwt_writes() -> None:
    claims = {**CLAIMS, "name": "Zoë ☃", "amr": ["pwd", "mfa"], "x": 1.5, "y": True, "z": None}
    expected = jwt.encode(claims, KEY.private_key, algorithm="RS256", headers={"x5t": KEY.kid, "kid": KEY.kid})
    assert KEY.sign_jwt(claims) == expected
    header = jwt.get_unverified_header(expected)
    assert header == {"alg": "RS256", "kid": KEY.kid, "typ": "JWT", "x5t": KEY.kid}


def test_worker_loop_answers_each_line() -> None:
    data = KEY.signing_input(CLAIMS)
    pem = base64.b64encode(KEY.private_pem())
    requests = b"K %s %s\nS 7 %s %s\nS 8 unknown-kid %s\nnonsense\n" % (
        KEY.kid.encode(),
        pem,
        KEY.kid.encode(),
        data,
        data,
    )
    out = io.BytesIO()
    serve(io.BytesIO(requests), out)
    assert out.getvalue().split(b"\n") == [b"ready", b"7 " + KEY.signature(data), b"8 -", b""]


def test_worker_signs_what_the_server_would_and_follows_key_changes() -> None:
    async def scenario() -> None:
        worker = SigningWorker()
        await worker.start()
        try:
            await ready(worker)
            inputs = [key.signing_input({**CLAIMS, "n": n}) for n in range(40) for key in (KEY, OTHER)]
            keys = [key for _ in range(40) for key in (KEY, OTHER)]
            signatures = await asyncio.gather(*(worker.sign(k, data) for k, data in zip(keys, inputs, strict=True)))
            assert signatures == [k.signature(data) for k, data in zip(keys, inputs, strict=True)]
            assert worker.signed == 80
        finally:
            await worker.close()
        assert not worker.alive
        assert await worker.sign(KEY, inputs[0]) is None  # closed: the caller signs

    asyncio.run(scenario())


def test_server_signs_itself_when_the_worker_dies() -> None:
    async def scenario() -> None:
        issuer = TokenIssuer(KeyRing(KEY), Clock(), random.Random(1))
        worker = SigningWorker()
        issuer.worker = worker
        assert await issuer.sign_async(CLAIMS) == KEY.sign_jwt(CLAIMS)  # in-process; the worker starts
        assert worker.signed == 0
        await ready(worker)
        assert await issuer.sign_async(CLAIMS) == KEY.sign_jwt(CLAIMS)
        assert worker.signed == 1
        assert worker._process is not None
        worker._process.kill()
        await worker._process.wait()
        for _ in range(100):
            if not worker.alive:
                break
            await asyncio.sleep(0.02)
        assert await issuer.sign_async(CLAIMS) == KEY.sign_jwt(CLAIMS)
        assert worker.signed == 1
        await worker.close()

    asyncio.run(scenario())


def _children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in found.read_text().split()] if found.exists() else []


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads child processes from /proc")
@pytest.mark.heavy
def test_serve_signs_in_a_worker_and_stops_it(tmp_path: Path) -> None:
    emulator = start(tmp_path / "state", "--no-https")
    try:
        url = emulator.url
        form = app_form(scope="https://api.partnercenter.microsoft.com/.default")
        with httpx.Client() as client:
            # The first token starts the worker (signed in-process meanwhile).
            assert client.post(f"{url}/{NW.TENANT_ID}/oauth2/v2.0/token", data=form).status_code == 200
            for _ in range(200):
                if client.get(f"{url}/_emulator/health").json()["signWorker"]["running"]:
                    break
                time.sleep(0.02)
            tokens = [client.post(f"{url}/{NW.TENANT_ID}/oauth2/v2.0/token", data=form).json() for _ in range(5)]
            for body in tokens:
                answer = client.get(
                    f"{url}/v1/customers?size=1", headers={"Authorization": f"Bearer {body['access_token']}"}
                )
                assert answer.status_code == 200
        assert httpx.get(f"{url}/_emulator/health").json()["signWorker"] == {"running": True, "signed": 5}
        workers = _children(emulator.process.pid)
        assert len(workers) == 1
    finally:
        code, _ = stop(emulator)
    assert code == 0
    assert not Path(f"/proc/{workers[0]}").exists() or "Z" in Path(f"/proc/{workers[0]}/stat").read_text().split()[2]


@pytest.mark.heavy
def test_no_sign_worker_flag(tmp_path: Path) -> None:
    emulator = start(tmp_path / "state", "--no-https", "--no-sign-worker")
    try:
        assert httpx.get(f"{emulator.url}/_emulator/health").json()["signWorker"] == {"running": False, "signed": 0}
        assert _children(emulator.process.pid) == []
    finally:
        stop(emulator)


@pytest.mark.heavy
def test_a_package_named_emulator_in_the_working_directory_is_not_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    impostor = tmp_path / "emulator"
    impostor.mkdir()
    (impostor / "__init__.py").write_text(f"open({str(tmp_path / 'ran')!r}, 'w').close()\n")
    monkeypatch.chdir(tmp_path)

    async def scenario() -> None:
        worker = SigningWorker()
        await worker.start()
        try:
            await ready(worker)
            data = KEY.signing_input(CLAIMS)
            assert await worker.sign(KEY, data) == KEY.signature(data)
        finally:
            await worker.close()

    asyncio.run(scenario())
    assert not (tmp_path / "ran").exists()


def test_a_stuck_worker_is_stopped_and_the_server_signs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("emulator.signer.STALL_SECONDS", 0.3)

    async def scenario() -> None:
        worker = SigningWorker()
        await worker.start()
        await ready(worker)
        assert worker._process is not None
        os.kill(worker._process.pid, signal.SIGSTOP)
        data = KEY.signing_input(CLAIMS)
        started = time.monotonic()
        assert await worker.sign(KEY, data) is None  # the caller signs
        assert 0.25 < time.monotonic() - started < 5
        assert await asyncio.wait_for(worker._process.wait(), 5) == -signal.SIGKILL
        assert not worker.alive
        assert await worker.sign(KEY, data) is None
        await worker.close()

    asyncio.run(scenario())


def test_keys_rotated_while_the_worker_signs_give_a_token_of_the_new_key() -> None:
    ring = KeyRing(KEY)

    class Rotating:
        async def sign(self, key: object, signing_input: bytes) -> bytes:
            ring.rotate(0, OTHER)
            return b"c2lnbmF0dXJl"

    issuer = TokenIssuer(ring, Clock(), random.Random(1))
    issuer.worker = Rotating()  # type: ignore[assignment]
    token = asyncio.run(issuer.sign_async(CLAIMS))
    assert token == OTHER.sign_jwt(CLAIMS)


def test_requests_in_flight_when_the_worker_dies_are_signed_in_process() -> None:
    """Killed under load, before the server has noticed: every request still gets its token (no 5xx)."""

    async def scenario() -> None:
        issuer = TokenIssuer(KeyRing(KEY), Clock(), random.Random(1))
        worker = SigningWorker()
        issuer.worker = worker
        await issuer.sign_async(CLAIMS)
        await ready(worker)
        assert worker._process is not None
        worker._process.kill()  # no wait: requests keep coming while the pipe breaks
        tokens = await asyncio.gather(*(issuer.sign_async(CLAIMS) for _ in range(200)))
        assert set(tokens) == {KEY.sign_jwt(CLAIMS)}
        await worker.close()

    asyncio.run(scenario())


def test_a_worker_whose_server_is_gone_exits_quietly() -> None:
    """Ctrl-C just after the first token: the server stops while its signing worker starts. The worker finds its
    output closed and ends with status 0 and no traceback."""
    import subprocess
    import sys

    worker = subprocess.Popen(
        [sys.executable, "-m", "emulator.signer"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert worker.stdout is not None and worker.stdin is not None and worker.stderr is not None
    worker.stdout.close()  # the server has gone before the worker says it is ready
    worker.stdin.close()
    assert worker.wait(timeout=30) == 0
    assert worker.stderr.read() == b""
