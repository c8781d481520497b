"""`pcemu serve` obeys Ctrl-C at every moment: while modules load, while a large world loads, and just after the
first token request starts the signing worker; it stops within a second and never prints a traceback."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from emulator.generate import write_world
from tests.helpers import NW, pcemu, start

pytestmark = pytest.mark.heavy


def _serve(tmp_path: Path, *extra: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "emulator", "serve", "--port", "0", "--https-port", "0"]
    command += ["--state-dir", str(tmp_path / "state"), *extra]
    # A session of its own, as a terminal's job: a Ctrl-C there goes to the whole process group.
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def _ctrl_c(process: subprocess.Popen[str]) -> tuple[float, str]:
    sent = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=15)
    return time.monotonic() - sent, err


@pytest.fixture(scope="module")
def large_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("large") / "world"
    write_world(directory, 20_000)
    return directory


@pytest.mark.parametrize("world", ["default", "large"])
@pytest.mark.parametrize("delay", [0.1, 0.6])
def test_ctrl_c_during_start_up(tmp_path: Path, large_world: Path, world: str, delay: float) -> None:
    process = _serve(tmp_path, *(["--fixtures", str(large_world)] if world == "large" else []))
    time.sleep(delay)
    took, err = _ctrl_c(process)
    assert took < 1.0
    # 130: interrupted while starting; 0: stopped after start-up; -SIGINT: before Python had set its handler.
    assert process.returncode in (0, 130, -signal.SIGINT)
    assert "Traceback" not in err


def test_ctrl_c_just_after_the_first_token_starts_the_signing_worker(tmp_path: Path) -> None:
    running = start(tmp_path / "state")
    try:
        form = f"grant_type=client_credentials&client_id={NW.WEB_APP}&client_secret={NW.WEB_SECRET}"
        form += "&scope=https://api.partnercenter.microsoft.com/.default"
        url = f"{running.url}/{NW.TENANT_ID}/oauth2/v2.0/token"
        assert urllib.request.urlopen(urllib.request.Request(url, data=form.encode()), timeout=10).status == 200
        time.sleep(0.05)
        # As a terminal sends it: to the server's process group (start() gives it none of its own, so use its pid).
        running.process.send_signal(signal.SIGINT)
        out, _ = running.process.communicate(timeout=15)
    finally:
        if running.process.poll() is None:
            running.process.kill()
    assert running.process.returncode == 0
    assert "Traceback" not in out and "KeyboardInterrupt" not in out


def test_a_busy_port_is_reported_before_a_large_world_loads(tmp_path: Path, large_world: Path) -> None:
    """Start-up order: the state directory, the ports, then the world. The port problem is named at once, not
    after the 20,000 customers are read (the figure for 100,000 is in the note, from bench/startup.py)."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = str(busy.getsockname()[1])
        result = subprocess.run(
            pcemu("serve", "--port", port, "--https-port", "0", "--fixtures", str(large_world),
                  "--state-dir", str(tmp_path / "state")),
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip() == f"pcemu: cannot listen on 127.0.0.1:{port}: Address already in use"


def test_a_state_directory_that_cannot_be_made_is_named_as_such(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = subprocess.run(
        pcemu("serve", "--port", "0", "--https-port", "0", "--state-dir", str(blocker / "state")),
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip() == (f"pcemu: the state directory {blocker / 'state'} cannot be made: Not a directory")


def test_a_public_directory_it_cannot_write_is_named_before_the_ports() -> None:
    """Docker's case: a named volume mounted at <state-dir>/public, a path the image lacks, is root's (0755), and
    the emulator runs as another user. It exits 2 naming the directory, its owner and mode, before any port (the
    busy port given here is never reported), instead of "cannot listen" after a PermissionError."""
    base = Path(tempfile.mkdtemp(prefix="pcemu-public-"))  # outside pytest's 0700 tree: another user must enter it
    try:
        base.chmod(0o755)
        state = base / "state"
        public = state / "public"
        public.mkdir(parents=True, mode=0o755)
        command = pcemu("serve", "--https-port", "0", "--state-dir", str(state))
        if os.geteuid() == 0:  # root writes anywhere: run as nobody, on a state directory of its own
            user = 65534
            os.chown(state, user, user)
            command = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *command]
            owner = 0
        else:
            user = owner = os.getuid()
            public.chmod(0o555)
        with socket.socket() as busy:
            busy.bind(("127.0.0.1", 0))
            busy.listen()
            command[command.index("serve") + 1 : command.index("serve") + 1] = ["--port", str(busy.getsockname()[1])]
            result = subprocess.run(command, capture_output=True, text=True, timeout=60)
        mode = "drwxr-xr-x" if owner == 0 else "dr-xr-xr-x"
        assert (result.returncode, result.stderr.strip()) == (
            2,
            f"pcemu: the state directory's public/ subdirectory {public} is not writable by uid {user}: it belongs to "
            f"uid {owner} with mode {mode}; give it to uid {user} (chown) or choose another --state-dir",
        )
        assert not (state / "ca.pem").exists()  # nothing was written before the check
    finally:
        if os.geteuid() != 0:
            (base / "state" / "public").chmod(0o755)
        shutil.rmtree(base)
