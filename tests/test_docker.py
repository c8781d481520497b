"""Dockerfile and docker-compose.yml: their structure, and their command run outside a container (tests/test_container.py
runs the image itself, with podman)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml

ROOT = Path(__file__).parent.parent


def service_volumes() -> list[str]:
    return list(yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["pcemu"]["volumes"])


def test_compose_structure() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    service = compose["services"]["pcemu"]
    assert service["build"] == "."
    assert sorted(service["ports"]) == [
        "127.0.0.1:${PCEMU_HOST_HTTPS_PORT:-8443}:8443",
        "127.0.0.1:${PCEMU_HOST_HTTP_PORT:-8080}:8080",
        "127.0.0.1:${PCEMU_HOST_PROXY_PORT:-8888}:8888",
    ]
    assert service["volumes"] == ["pcemu-state:/var/lib/pcemu", "pcemu-public:/var/lib/pcemu/public"]
    assert set(compose["volumes"]) == {"pcemu-state", "pcemu-public"}
    assert set(service["environment"]) == {"PCEMU_PROFILE", "PCEMU_SCENARIOS"}
    health = service["healthcheck"]
    assert health["test"][0] == "CMD" and "/_emulator/health" in health["test"][-1]
    assert "# client:" in (ROOT / "docker-compose.yml").read_text()  # the commented example of a client


def test_dockerfile_structure() -> None:
    text = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+)", text, re.MULTILINE)
    assert stages[-1] == "python:3.11-slim"
    final = text.split("FROM python:3.11-slim\n", 2)[-1]
    assert re.search(r"^USER pcemu$", final, re.MULTILINE)
    assert "HEALTHCHECK" in final and "/_emulator/health" in final
    assert 'ENTRYPOINT ["pcemu", "serve"]' in final
    assert "gcc" not in final and "build-essential" not in final  # no build tools in the image
    assert "VOLUME" in final and "/var/lib/pcemu" in final
    # The compose file's mount points exist in the image and are the user's (else Docker makes a new volume root's).
    made = re.search(r"mkdir (.*?) && chown pcemu:pcemu ([^\n]*)", final, re.DOTALL)
    assert made is not None
    for volume in service_volumes():
        mount = volume.split(":", 1)[1]
        assert mount in made.group(1) and mount in made.group(2).split()


@pytest.mark.heavy
def test_the_entrypoint_command_runs_and_answers_the_healthcheck(tmp_path: Path) -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    service = compose["services"]["pcemu"]
    command = [str(part) for part in service["command"]]
    for flag in ("--port", "--https-port", "--proxy-port"):
        command[command.index(flag) + 1] = "0"  # free ports: the test may run beside anything
    command[command.index("--host") + 1] = "127.0.0.1"
    command[command.index("--proxy-host") + 1] = "127.0.0.1"
    process = subprocess.Popen(
        [sys.executable, "-m", "emulator", "serve", *command, "--state-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        ready = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and ready is None:
            line = process.stdout.readline()
            if line.startswith("{"):
                ready = json.loads(line)
        assert ready is not None
        check = service["healthcheck"]["test"][-1].replace("127.0.0.1:8080", f"127.0.0.1:{ready['http_port']}")
        assert subprocess.run([sys.executable, "-c", check], timeout=10).returncode == 0
        assert ready["proxy_port"] and ready["https_port"]
        names = subprocess.run(
            ["openssl", "x509", "-in", str(tmp_path / "server.pem"), "-noout", "-ext", "subjectAltName"],
            capture_output=True,
            text=True,
        ).stdout
        assert "DNS:pcemu" in names
        assert httpx.get(f"{ready['url']}/_emulator/health").status_code == 200
        assert sorted(p.name for p in (tmp_path / "public").iterdir()) == ["ca-bundle.pem", "ca.pem"]  # no keys
    finally:
        process.terminate()
        process.wait(timeout=15)
