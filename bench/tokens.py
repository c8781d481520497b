"""Token issuance: client_credentials (v2) through the emulator, against PyJWT's RS256 signing rate and against
oauth2-mock-server (npm, installed on first use into ~/.cache/pcemu-bench) on the same request, in the same run;
and the in-process reset the pytest fixture does before each test.

Two reference rows show where a single process stands: the emulator with --no-sign-worker, and a minimal Starlette
endpoint that parses the form and calls jwt.encode (the performance facts' "minimal client_credentials endpoint").

Run: python bench/tokens.py [--seconds 5]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import timeit
import urllib.request
from pathlib import Path

import jwt

from emulator.config import Config
from emulator.keys import generate_key
from emulator.state import EmulatorState

sys.path.insert(0, str(Path(__file__).parent))
from throughput import free_port, wait_ready

WEB_APP = "6911ffe2-0be5-5494-bde7-59b718f99954"
WEB_SECRET = "nwp~Q8x.Ke2vT7_bR4mZ1pL9sD3fG6hJ0kW5yC"
SCOPE = "https%3A%2F%2Fapi.partnercenter.microsoft.com%2F.default"
FORM = f"grant_type=client_credentials&client_id={WEB_APP}&client_secret={WEB_SECRET}&scope={SCOPE}"
LUA = f"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "{FORM}"
"""


MOCK_VERSION = "8.2.3"
MOCK_HOME = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "pcemu-bench" / "oauth2-mock-server"


def wrk_post(url: str, script: Path, seconds: int, *, strict: bool = True) -> tuple[float, int]:
    """(requests per second, requests that timed out at wrk's 2 s). Any error fails the bench, and so does a timeout
    when `strict`: the reference rows are single processes whose event loop is saturated, and uvicorn then leaves
    some connections waiting over a second (a minimal Starlette endpoint as well), which is theirs to show, not a
    reason to stop the bench."""
    out = subprocess.run(
        ["wrk", "-t2", "-c64", f"-d{seconds}s", "-s", str(script), url], capture_output=True, text=True, check=True
    ).stdout
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    counts = [int(n) for n in errors.groups()] if errors else [0, 0, 0, 0]
    if "Non-2xx" in out or any(counts[:3]) or (strict and counts[3]):
        raise SystemExit(f"{url}:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), counts[3]  # type: ignore[union-attr]


def mock_server_rate(script: Path, seconds: int) -> tuple[float, int] | str:
    """oauth2-mock-server's rate on the same form, or why it was not measured."""
    if shutil.which("npm") is None or shutil.which("node") is None:
        return "not measured: node and npm are needed"
    binary = MOCK_HOME / "node_modules" / ".bin" / "oauth2-mock-server"
    if not binary.exists():
        MOCK_HOME.mkdir(parents=True, exist_ok=True)
        command = ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(MOCK_HOME)]
        try:
            installed = subprocess.run(
                [*command, f"oauth2-mock-server@{MOCK_VERSION}"], capture_output=True, text=True, timeout=180
            )
        except subprocess.TimeoutExpired:
            return "not measured: npm install took over 3 minutes (offline?)"
        if installed.returncode != 0:
            return f"not measured: npm install failed ({installed.stderr.strip().splitlines()[-1:]})"
    port = free_port()
    mock = subprocess.Popen([str(binary), "-a", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/token"
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(urllib.request.Request(url, data=FORM.encode()), timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline:
                    return "not measured: oauth2-mock-server did not answer"
                time.sleep(0.1)
        return wrk_post(url, script, seconds, strict=False)
    finally:
        mock.terminate()
        mock.wait()


def pyjwt_rate(seconds: float) -> float:
    key = generate_key()
    claims = {"aud": "https://api.partnercenter.microsoft.com", "iss": "x", "exp": 2_000_000_000}
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        jwt.encode(claims, key.private_key, algorithm="RS256", headers={"kid": key.kid})
        count += 1
    return count / (time.perf_counter() - started)


MINIMAL_APP = textwrap.dedent(
    """
    import sys, time, uuid
    from urllib.parse import parse_qsl
    import jwt, uvicorn
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route
    from emulator.keys import generate_key

    KEY = generate_key()

    async def token(request):
        form = dict(parse_qsl((await request.body()).decode("latin-1")))
        now = int(time.time())
        claims = {"aud": "https://api.partnercenter.microsoft.com", "iss": "https://sts.windows.net/t/", "iat": now,
                  "nbf": now, "exp": now + 3600, "appid": form.get("client_id"), "tid": "t", "uti": uuid.uuid4().hex}
        signed = jwt.encode(claims, KEY.private_key, algorithm="RS256", headers={"kid": KEY.kid})
        return JSONResponse({"token_type": "Bearer", "expires_in": 3600, "access_token": signed})

    async def health(request):
        return Response(b"ok")

    app = Starlette(routes=[Route("/{tenant}/oauth2/v2.0/token", token, methods=["POST"]), Route("/health", health)])
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", http="httptools", loop="uvloop",
                lifespan="off")
    """
)
TOKEN_PATH = "/a8e23bce-3ed8-5a60-9109-66655e9d1c6e/oauth2/v2.0/token"


def served_rate(
    command: list[str], port: int, script: Path, seconds: int, *, worker: bool = False, strict: bool = True
) -> tuple[float, int]:
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        health = "/_emulator/health" if "emulator" in command else "/health"
        wait_ready(port, health)
        url = f"http://127.0.0.1:{port}{TOKEN_PATH}"
        assert urllib.request.urlopen(urllib.request.Request(url, data=FORM.encode())).status == 200
        deadline = time.monotonic() + 10
        # A token starts the signing worker: measure once it signs. The server sets its worker up just after it
        # answers its first request, so a token that came sooner signed in-process and started none: ask again.
        while worker and b'"running":true' not in urllib.request.urlopen(f"http://127.0.0.1:{port}{health}").read():
            if time.monotonic() > deadline:
                raise SystemExit("the signing worker did not start")
            urllib.request.urlopen(urllib.request.Request(url, data=FORM.encode())).read()
            time.sleep(0.05)
        return wrk_post(url, script, seconds, strict=strict)
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    args = parser.parse_args()
    ceiling = pyjwt_rate(args.seconds)
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "post.lua"
        script.write_text(LUA)
        serve = [sys.executable, "-m", "emulator", "serve", "--no-https", "--state-dir", tmp, "--port"]
        port = free_port()
        issued, _ = served_rate([*serve, str(port)], port, script, args.seconds, worker=True)
        port = free_port()
        single = served_rate([*serve, str(port), "--no-sign-worker"], port, script, args.seconds, strict=False)
        (Path(tmp) / "minimal.py").write_text(MINIMAL_APP)
        port = free_port()
        minimal_app = [sys.executable, str(Path(tmp) / "minimal.py"), str(port)]
        minimal = served_rate(minimal_app, port, script, args.seconds, strict=False)
        mock = mock_server_rate(script, args.seconds)
    state = EmulatorState(Config(in_memory_key=True), key=generate_key())
    reset_ms = timeit.timeit(state.reset, number=2000) / 2000 * 1000
    print(f"{'measure':<66} {'value':>10} {'target':>10}")
    print(f"{'PyJWT RS256 signing, key object loaded once (one core)':<66} {ceiling:>8.0f}/s")
    print(f"{'client_credentials v2 through the emulator (wrk -c64)':<66} {issued:>8.0f}/s")
    print(f"{'ratio emulator / PyJWT':<66} {issued / ceiling:>10.2f} {'>= 0.70':>10}")
    for name, (rate, late) in (
        ("  the same, --no-sign-worker (one process; reference)", single),
        ("  a minimal Starlette endpoint with jwt.encode (reference)", minimal),
    ):
        print(f"{name:<66} {rate:>8.0f}/s {rate / ceiling:>6.2f} of PyJWT{_late(late)}")
    print(f"{'in-process reset (the pytest fixture before each test)':<66} {reset_ms:>8.3f}ms {'<= 1 ms':>10}")
    if isinstance(mock, str):
        print(f"{'oauth2-mock-server ' + MOCK_VERSION + ', same form (wrk -c64)':<66} {mock}")
    else:
        rate, late = mock
        print(f"{'oauth2-mock-server ' + MOCK_VERSION + ', same form (wrk -c64)':<66} {rate:>8.0f}/s{_late(late)}")
        print(f"{'ratio emulator / oauth2-mock-server':<66} {issued / rate:>10.2f} {'>= 1.5':>10}")


def _late(timeouts: int) -> str:
    return f", {timeouts} timed out (2 s)" if timeouts else ""


if __name__ == "__main__":
    main()
