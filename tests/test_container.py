"""The image built from the unmodified Dockerfile and docker-compose.yml run for real, with rootful podman.

How, on machines that reach Debian's archive and PyPI but no container registry (/work/shared/spec/
container-testing.md): the base image named in the Dockerfile's FROM line is **a local Debian build**
(mmdebstrap: Debian 12's Python 3.11 with pip and venv), imported and tagged with that name; it is not the
official python:3.11-slim image. The build installs the emulator's dependencies from PyPI, the one sanctioned
use of the network by a test: where the registries cannot be reached, the test says so and skips.

Then: wait for the health check; call the emulator from the host (published loopback ports, free ones) and
from a second container on the compose network (HTTPS with the CA from the public volume, and the CONNECT
proxy with the real host name); restart it and check that the CA and the signing key are kept (a token issued
before the restart still passes); check the mount points' owner in the image; start it once on a root-owned
volume at /var/lib/pcemu/public, as Docker makes a new volume for a path the image lacks, and expect exit 2
with a message naming the path.

It needs root, podman, runc, mmdebstrap and podman-compose (.ci/run installs the first four, the test extra the
last); without them it skips, saying what is missing. Marker `container`: a bare pytest leaves it out.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
IMAGE = "partner-center-emulator:0.1.0"
BASE_PACKAGES = "python3,python3-venv,python3-pip,python-is-python3,ca-certificates"
HEALTH_PATH = "/_emulator/health"
TIMINGS: dict[str, float] = {}  # printed at the end of the run (tests/conftest.py), after NOTE
NOTE = "the base image is a local Debian build (mmdebstrap), tagged with the FROM line's name: not the official image"

pytestmark = pytest.mark.container


def _missing() -> str | None:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "rootful podman needs root"
    tools = [tool for tool in ("podman", "runc", "mmdebstrap") if shutil.which(tool) is None]
    if shutil.which("podman-compose", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}") is None:
        tools.append("podman-compose (pip, the test extra)")
    return f"missing: {', '.join(tools)} (apt-get install podman runc mmdebstrap)" if tools else None


def _base_image() -> str:
    match = re.search(r"^FROM (\S+)", (ROOT / "Dockerfile").read_text(), re.MULTILINE)
    assert match is not None
    return match.group(1) if "/" in match.group(1) else f"docker.io/library/{match.group(1)}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _debian_mirror() -> str:
    """The host's Debian mirror (apt's sources), so that the base image comes from where apt-get works here."""
    for source in [Path("/etc/apt/sources.list"), *sorted(Path("/etc/apt/sources.list.d").glob("*"))]:
        if source.suffix in (".list", ".sources", "") and source.is_file():
            for match in re.finditer(
                r"(?:^deb\s+(?:\[[^]]*\]\s+)?|^URIs:\s*)(\S+/debian)/?\s", source.read_text(), re.M
            ):
                return match.group(1)
    return "http://deb.debian.org/debian"


class Podman:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        conf = directory / "containers.conf"
        hard = subprocess.run(["sh", "-c", "ulimit -Hn"], capture_output=True, text=True).stdout.strip()
        nofile = min(int(hard), 1048576) if hard.isdigit() else 1024
        # runc, not crun (which cannot raise RLIMIT_NOFILE here and refuses the host's hybrid cgroups); ulimits
        # the host allows; no systemd: cgroupfs and a file events log. A private file: the host's stay as they are.
        conf.write_text(
            f'[containers]\ndefault_ulimits = ["nofile={nofile}:{nofile}", "nproc=32768:32768"]\n'
            '[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n'
        )
        self.env = {**os.environ, "CONTAINERS_CONF": str(conf)}
        self.env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{self.env['PATH']}"

    def run(self, *args: str, check: bool = True, timeout: float = 600, env: dict[str, str] | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess[str]:  # fmt: skip
        result = subprocess.run(list(args), capture_output=True, text=True, timeout=timeout,
                                env={**self.env, **(env or {})}, cwd=cwd)  # fmt: skip
        if check and result.returncode != 0:
            raise AssertionError(f"{' '.join(args)}: exit {result.returncode}\n{result.stdout}\n{result.stderr}")
        return result

    def exists(self, image: str) -> bool:
        return self.run("podman", "image", "exists", image, check=False).returncode == 0


@pytest.fixture(scope="module")
def podman() -> Iterator[Podman]:
    missing = _missing()
    if missing is not None:
        pytest.skip(f"the container test needs root, podman, runc, mmdebstrap and podman-compose: {missing}")
    directory = Path(tempfile.mkdtemp(prefix="pcemu-container-"))
    try:
        yield Podman(directory)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def image(podman: Podman) -> Iterator[str]:
    started = time.monotonic()
    base = _base_image()
    if not podman.exists(base):
        rootfs = podman.directory / "rootfs.tar"
        # A local Debian build stands in for the official image (no container registry here). The host's extra
        # CAs go in, so that pip in the build trusts what the host trusts, and Debian's EXTERNALLY-MANAGED marker
        # goes out, so that a root pip install behaves as in the official image.
        hooks = [
            '--customize-hook=mkdir -p "$1/usr/local/share/ca-certificates"',
            '--customize-hook=for c in /usr/local/share/ca-certificates/*.crt; do [ -e "$c" ] && '
            'cp "$c" "$1/usr/local/share/ca-certificates/"; done; true',
            '--customize-hook=chroot "$1" update-ca-certificates',
            '--customize-hook=rm -f "$1"/usr/lib/python3*/EXTERNALLY-MANAGED',
        ]
        made = subprocess.run(["mmdebstrap", "--variant=minbase", f"--include={BASE_PACKAGES}", *hooks, "bookworm",
                               str(rootfs), _debian_mirror()], capture_output=True, text=True, timeout=900)  # fmt: skip
        if made.returncode != 0:
            pytest.skip(f"Debian's archive cannot be reached, so no base image: {made.stderr.strip()[-400:]}")
        podman.run("podman", "import", str(rootfs), base)
        rootfs.unlink()
    TIMINGS["base image"] = time.monotonic() - started
    started = time.monotonic()
    built = podman.run("podman", "build", "--format", "docker", "--pull=never", "-t", IMAGE, str(ROOT), check=False,
                       timeout=900)  # fmt: skip
    if built.returncode != 0 and re.search(r"(?i)connection|resolve|network is unreachable|timed out", built.stdout
                                           + built.stderr):  # fmt: skip
        pytest.skip(f"the package registry cannot be reached from the build: {built.stderr.strip()[-400:]}")
    assert built.returncode == 0, built.stdout + built.stderr
    TIMINGS["build"] = time.monotonic() - started
    yield IMAGE
    # The images of earlier builds (and this build's first stage) are left untagged: remove them, so that runs
    # on one machine do not pile them up. The base image and the tagged project image stay, for the next build.
    podman.run("podman", "image", "prune", "-f", check=False)


def _wait_healthy(podman: Podman, container: str, deadline: float = 90) -> None:
    """No systemd here, so podman schedules no health checks: run the image's own check until it passes."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if podman.run("podman", "healthcheck", "run", container, check=False).returncode == 0:
            return
        time.sleep(0.5)
    logs = podman.run("podman", "logs", container, check=False)
    raise AssertionError(f"{container} never became healthy\n{logs.stdout}\n{logs.stderr}")


def _get(url: str) -> tuple[int, dict[str, object]]:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.status, json.load(answer)


def test_the_image_creates_its_mount_points_owned_by_its_user(podman: Podman, image: str) -> None:
    result = podman.run("podman", "run", "--rm", "--entrypoint", "stat", image, "-c", "%n %U:%G %a",
                        "/var/lib/pcemu", "/var/lib/pcemu/public")  # fmt: skip
    assert result.stdout.split("\n")[:2] == ["/var/lib/pcemu pcemu:pcemu 700", "/var/lib/pcemu/public pcemu:pcemu 755"]
    user = podman.run("podman", "run", "--rm", "--entrypoint", "id", image, "-u").stdout.strip()
    assert user == "10001"


def test_compose_up_serves_the_host_and_other_containers_and_keeps_its_keys(podman: Podman, image: str) -> None:
    started = time.monotonic()
    project = f"pcemutest{os.getpid()}"
    ports = {"PCEMU_HOST_HTTP_PORT": _free_port(), "PCEMU_HOST_HTTPS_PORT": _free_port(),
             "PCEMU_HOST_PROXY_PORT": _free_port()}  # fmt: skip
    env = {name: str(port) for name, port in ports.items()}
    compose = ["podman-compose", "-p", project, "-f", str(ROOT / "docker-compose.yml")]
    container = f"{project}_pcemu_1"
    try:
        podman.run(*compose, "up", "-d", env=env, cwd=ROOT)
        _wait_healthy(podman, container)
        TIMINGS["compose up to healthy"] = time.monotonic() - started

        # From the host, on the published loopback port.
        status, health = _get(f"http://127.0.0.1:{ports['PCEMU_HOST_HTTP_PORT']}{HEALTH_PATH}")
        assert (status, health["status"], health["profile"]) == (200, "ready", "enforced-2026")

        # From a second container on the compose network, as the commented client of docker-compose.yml: HTTPS by
        # the service name with the CA from the public volume, and the proxy for the real host name.
        client = (
            "import json, os, ssl, urllib.request\n"
            "ctx = ssl.create_default_context(cafile='/pcemu/ca.pem')\n"
            "plain = urllib.request.build_opener(urllib.request.ProxyHandler({}))\n"
            "print(plain.open('http://pcemu:8080/_emulator/health', timeout=10).status)\n"
            "secure = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=ctx))\n"
            "print(json.load(secure.open('https://pcemu:8443/common/v2.0/.well-known/openid-configuration', timeout=10))['issuer'])\n"
            "proxied = urllib.request.build_opener(urllib.request.ProxyHandler({'https': 'http://pcemu:8888'}), "
            "urllib.request.HTTPSHandler(context=ctx))\n"
            "print(json.load(proxied.open('https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration', timeout=10))['token_endpoint'])\n"
            "print(sorted(os.listdir('/pcemu')))\n"
        )
        seen = podman.run("podman", "run", "--rm", "--network", f"{project}_default", "-v",
                          f"{project}_pcemu-public:/pcemu:ro", "--entrypoint", "python", image, "-c", client)  # fmt: skip
        assert seen.stdout.split("\n")[:4] == [
            "200",
            "https://pcemu:8443/{tenantid}/v2.0",
            "https://login.microsoftonline.com/common/oauth2/v2.0/token",
            "['ca-bundle.pem', 'ca.pem']",  # the public volume: never a key
        ], seen.stdout + seen.stderr

        # A restart keeps the CA and the signing key (the state volume): a token issued before still passes.
        def kept() -> str:
            return podman.run("podman", "exec", container, "sh", "-c",
                              "cd /var/lib/pcemu && sha256sum ca.pem ca-key.pem signing-key.pem").stdout  # fmt: skip

        before = kept()
        token = podman.run("podman", "exec", container, "pcemu", "token", "--app",
                           "6911ffe2-0be5-5494-bde7-59b718f99954").stdout.strip()  # fmt: skip
        podman.run(*compose, "down", env=env, cwd=ROOT)  # the containers go, the volumes stay
        podman.run(*compose, "up", "-d", env=env, cwd=ROOT)
        _wait_healthy(podman, container)
        assert kept() == before
        assert "signing key:    reused" in podman.run("podman", "logs", container).stdout
        request = urllib.request.Request(f"http://127.0.0.1:{ports['PCEMU_HOST_HTTP_PORT']}/v1/customers?size=1",
                                         headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 200
    finally:
        podman.run(*compose, "down", "-v", env=env, cwd=ROOT, check=False)
    TIMINGS["compose test"] = time.monotonic() - started


def test_a_root_owned_public_volume_exits_2_naming_the_path(podman: Podman, image: str) -> None:
    """Docker's semantics, which podman hides: a new named volume on a path the image lacks is root's, 0755.
    The image now has the path, but a volume made root's (or a bind mount) still must not end as a listen error."""
    suffix = os.getpid()
    state, public = f"pcemu-state-{suffix}", f"pcemu-public-root-{suffix}"
    try:
        podman.run("podman", "volume", "create", state)
        podman.run("podman", "volume", "create", "-o", "o=uid=0,gid=0", public)
        mountpoint = podman.run("podman", "volume", "inspect", public, "--format", "{{.Mountpoint}}").stdout.strip()
        os.chown(mountpoint, 0, 0)
        os.chmod(mountpoint, 0o755)
        result = podman.run("podman", "run", "--rm", "-v", f"{state}:/var/lib/pcemu", "-v",
                            f"{public}:/var/lib/pcemu/public", image, check=False, timeout=120)  # fmt: skip
        assert result.returncode == 2, result.stdout + result.stderr
        assert result.stderr.strip().splitlines()[-1] == (
            "pcemu: the state directory's public/ subdirectory /var/lib/pcemu/public is not writable by uid 10001: "
            "it belongs to uid 0 with mode drwxr-xr-x; give it to uid 10001 (chown) or choose another --state-dir"
        )
        assert "cannot listen" not in result.stderr
    finally:
        podman.run("podman", "volume", "rm", "-f", state, public, check=False)
