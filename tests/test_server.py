"""The server hook's start-up check: with a uvicorn whose hook is gone, `pcemu serve` says so, serves without it,
and refuses the profiles whose refusal needs the 2019 reason phrase."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from emulator.server import TESTED_UVICORN, hook_problem
from tests.helpers import serving

# A uvicorn of another minor version (one that may have renamed the hook): the same start-up, with the version
# changed before the emulator loads.
WITHOUT_HOOK = (
    "import sys, uvicorn; uvicorn.__version__ = '0.55.0'; from emulator.cli import main; sys.exit(main(sys.argv[1:]))"
)


def _serve(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-c", WITHOUT_HOOK, "serve", "--port", "0", "--no-https"]
    command += ["--state-dir", str(tmp_path), *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_the_hook_is_in_effect_with_the_pinned_uvicorn() -> None:
    assert uvicorn.__version__.startswith(TESTED_UVICORN + ".")
    assert hook_problem() is None
    pinned = Path(__file__).parents[1] / "pyproject.toml"
    assert f'"uvicorn>={TESTED_UVICORN},<0.{int(TESTED_UVICORN.split(".")[1]) + 1}"' in pinned.read_text()


def test_a_renamed_hook_or_a_changed_cycle_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle

    monkeypatch.delattr(HttpToolsProtocol, "_start_asgi_task")
    assert hook_problem() == "uvicorn 0.54.0's HttpToolsProtocol has no _start_asgi_task"
    monkeypatch.undo()
    original = RequestResponseCycle.__init__

    def renamed(self: RequestResponseCycle, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        del self.default_headers  # a field of the cycle's state the hook writes from

    monkeypatch.setattr(RequestResponseCycle, "__init__", renamed)
    problem = hook_problem()
    assert problem is not None and problem.startswith("the server hook does not work with uvicorn 0.54.0: ")


@pytest.mark.heavy
def test_a_2019_profile_is_refused_without_the_hook(tmp_path: Path) -> None:
    process = _serve(tmp_path, "--profile", "pilot-2019")
    out, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert "pcemu: warning: uvicorn 0.55.0 is installed, and the server hook is written for uvicorn 0.54.x." in err
    assert (
        "pcemu: profile 'pilot-2019' refuses with the status line '401 Unauthorized - MFA required', and this "
        "server cannot write it" in err
    )
    assert "listening" not in out


@pytest.mark.heavy
def test_serving_without_the_hook_refuses_switching_to_a_2019_profile(tmp_path: Path) -> None:
    process = _serve(tmp_path)
    try:
        assert process.stdout is not None and process.stderr is not None
        deadline = time.monotonic() + 30
        ready = None
        while ready is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            if line.startswith("{"):
                ready = json.loads(line)
        assert ready is not None
        assert "pcemu: warning:" in process.stderr.readline()
        request = urllib.request.Request(
            f"{ready['control']}/profile",
            data=json.dumps({"name": "enforced-2019"}).encode(),
            method="PUT",
            headers={"Content-Type": "application/json"},
        )
        try:
            urllib.request.urlopen(request, timeout=10)
            raise AssertionError("the profile was accepted")
        except urllib.error.HTTPError as exc:
            assert exc.code == 409
            assert json.loads(exc.read())["error"] == "profile_unavailable"
        health = json.loads(urllib.request.urlopen(f"{ready['control']}/health", timeout=10).read())
        assert health["profile"] == "enforced-2026"  # unchanged, and served by uvicorn's own protocol
    finally:
        process.terminate()
        process.communicate(timeout=15)


# --- limits on request heads, in the hook's protocol ------------------------------------------------------------


def _served(signing_key: object, **limits: object) -> Any:
    from emulator.app import EmulatorApp
    from emulator.config import Config
    from emulator.state import EmulatorState

    return EmulatorApp(EmulatorState(Config(in_memory_key=True, **limits), key=signing_key))  # type: ignore[arg-type]


def _exchange(url: str, head: bytes, *, wait: float = 10) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=wait) as sock:
        sock.sendall(head)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data


TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: application/json; charset=utf-8\r\n"
    b'content-length: 62\r\nconnection: close\r\n\r\n{"statusCode":431,"message":"Request Header Fields Too Large"}'
)


@pytest.mark.parametrize(
    "head",
    [
        b"GET /_emulator/health HTTP/1.1\r\nHost: localhost\r\n" + b"".join(b"X-%d: 1\r\n" % n for n in range(100)),
        b"GET /_emulator/health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"a" * 33_000 + b"\r\n",
        b"GET /_emulator/health?" + b"q" * 40_000 + b" HTTP/1.1\r\nHost: localhost\r\n",
    ],
    ids=["101 fields", "a 33 KB header", "a 40 KB request line"],
)
def test_a_head_past_the_limits_gets_431_and_is_closed(signing_key: object, head: bytes) -> None:
    with serving(_served(signing_key)) as url:
        assert _exchange(url, head + b"\r\n") == TOO_LARGE
        ok = _exchange(url, b"GET /_emulator/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        assert ok.startswith(b"HTTP/1.1 200 OK\r\n")


def test_a_slow_head_is_closed_while_other_clients_are_served(signing_key: object) -> None:
    with serving(_served(signing_key, head_timeout=0.5)) as url:
        host, port = url.removeprefix("http://").split(":")
        slow = socket.create_connection((host, int(port)), timeout=5)
        silent = socket.create_connection((host, int(port)), timeout=5)
        slow.sendall(b"GET /_emulator/health HTTP/1.1\r\nHost: localhost\r\n")  # and then, nothing more
        started = time.monotonic()
        ok = _exchange(url, b"GET /_emulator/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        assert ok.startswith(b"HTTP/1.1 200 OK\r\n")
        assert slow.recv(100) == b"" and silent.recv(100) == b""  # closed, without an answer
        assert time.monotonic() - started < 3
        slow.close()
        silent.close()
