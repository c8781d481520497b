"""The sockets one emulator serves on, bound before anything starts (port 0 resolved early, a port in use said
at once), and what the server says when it is ready: the banner and the one-line JSON ready document."""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import emulator
from emulator.config import Config
from emulator.tls import PUBLIC_DIR, ServerTLS, write_bundle
from emulator.tls import ensure as ensure_tls

if TYPE_CHECKING:  # the app (every handler) is imported after the ports are open: a busy port is told at once
    from emulator.app import EmulatorApp


class ListenError(OSError):
    """A port could not be bound; the message names the address."""


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6 and host in ("::", "[::]"):
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise ListenError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(2048)
    return sock


def url_host(host: str) -> str:
    """The host to print in URLs: a wildcard bind is reached on loopback."""
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    if host in ("::", "[::]"):
        return "[::1]"
    return f"[{host}]" if ":" in host else host


@dataclass
class Listeners:
    """The sockets one emulator serves on, bound before anything starts so that port 0 is resolved early."""

    http: socket.socket
    https: socket.socket | None = None
    userrealm: socket.socket | None = None
    proxy: socket.socket | None = None
    # Where the proxy's tunnels end: an HTTPS listener of their own on loopback, so that the app can tell a
    # tunnelled request from a local one (the proxy connects from 127.0.0.1 whoever its client is).
    tunnel: socket.socket | None = None
    tls: ServerTLS | None = None
    bundle: Path | None = None

    def port(self, name: str) -> int | None:
        sock = getattr(self, name)
        return None if sock is None else int(sock.getsockname()[1])

    def close(self) -> None:
        for sock in (self.http, self.https, self.userrealm, self.proxy, self.tunnel):
            if sock is not None:
                sock.close()


class StateDirError(OSError):
    """The state directory cannot be made or written; the message names it (not a "cannot listen" problem)."""


def check_state_dir(config: Config) -> None:
    """The state directory exists (made, mode 0700) and is writable, when this serve needs one; with HTTPS so is its
    public/ subdirectory, where ca.pem and ca-bundle.pem are copied (a container may mount a volume there)."""
    if config.in_memory_key and not config.persist and config.https_port is None:
        return
    path = config.resolved_state_dir()
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise StateDirError(f"the state directory {path} cannot be made: {exc.strerror or exc}") from None
    _check_writable(path, "the state directory")
    public = path / PUBLIC_DIR
    if config.https_port is not None and (public.exists() or public.is_symlink()):
        _check_writable(public, "the state directory's public/ subdirectory")


def _check_writable(path: Path, what: str) -> None:
    if path.is_dir() and os.access(path, os.W_OK | os.X_OK):
        return
    if not path.is_dir():
        raise StateDirError(f"{what} {path} is not a directory")
    info = path.stat()
    user = f"uid {os.getuid()}" if hasattr(os, "getuid") else "this user"  # no uids on Windows
    raise StateDirError(
        f"{what} {path} is not writable by {user}: it belongs to uid {info.st_uid} with mode "
        f"{stat.filemode(info.st_mode)}; give it to {user} (chown) or choose another --state-dir"
    )


def open_listeners(config: Config) -> Listeners:
    listeners = Listeners(bind(config.host, config.port))
    try:
        if config.https_port is not None:
            listeners.tls = ensure_tls(config.resolved_state_dir(), config.cert_names)
            listeners.bundle = write_bundle(config.resolved_state_dir(), listeners.tls.ca_cert)
            listeners.https = bind(config.host, config.https_port)
            if config.userrealm_port is not None:
                listeners.userrealm = bind(config.host, config.userrealm_port)
            if config.proxy_port is not None:
                # The proxy is for clients on this machine (loopback) unless --proxy-host says otherwise.
                listeners.proxy = bind(config.proxy_host, config.proxy_port)
                listeners.tunnel = bind("127.0.0.1", 0)
    except BaseException:
        listeners.close()
        raise
    return listeners


def ready_document(app: EmulatorApp, config: Config, listeners: Listeners) -> dict[str, Any]:
    state = app.state
    host = url_host(config.host)
    base = f"http://{host}:{listeners.port('http')}"
    https_port = listeners.port("https")
    secure = f"https://{host}:{https_port}" if https_port else None
    tenant = state.world.partner
    authority_base = secure or base
    return {
        "event": "ready",
        "version": emulator.__version__,
        "pid": os.getpid(),
        "host": config.host,
        "http_port": listeners.port("http"),
        "https_port": https_port,
        "proxy_port": listeners.port("proxy"),
        "userrealm_port": listeners.port("userrealm"),
        "url": base,
        "https_url": secure,
        "proxy_url": f"http://{url_host(config.proxy_host)}:{listeners.port('proxy')}" if listeners.proxy else None,
        # MSAL and azure-identity accept only https authorities.
        "authority": f"{authority_base}/{tenant.id}",
        "token_endpoint": f"{authority_base}/{tenant.id}/oauth2/v2.0/token",
        "token_endpoint_v1": f"{authority_base}/{tenant.id}/oauth2/token",
        "partner_center": f"{authority_base}/v1",
        "control": f"{base}/_emulator",
        "console": f"{base}/",
        "ca": str(listeners.tls.ca_cert) if listeners.tls else None,
        "ca_replaced": listeners.tls.ca_replaced if listeners.tls else None,
        "ca_bundle": str(listeners.bundle) if listeners.bundle else None,
        "tenant_id": tenant.id,
        "tenant_domain": tenant.domain,
        "profile": state.profile.name,
        "state_dir": None if config.in_memory_key else str(config.resolved_state_dir()),
    }


def control_access(config: Config) -> str:
    if not config.control_hosts:
        return "loopback clients only"
    return "loopback and " + ", ".join(config.control_hosts)


def command_name() -> str:
    """pcemu as this user can run it: `pcemu` when that is on PATH, else the script's path (`.venv/bin/pcemu`
    after `make run`), else `python -m emulator`."""
    script = Path(sys.argv[0])
    if script.name == "pcemu":
        found = shutil.which("pcemu")
        if found is not None and Path(found).resolve() == script.resolve():
            return "pcemu"
        return str(script)
    return f"{sys.executable} -m emulator"


def banner(app: EmulatorApp, ready: dict[str, Any], out: TextIO) -> None:
    state = app.state
    world = state.world
    service = next((u for u in world.users.values() if not u.mfa_registered), None)
    web = next((a for a in world.apps.values() if a.confidential), None)
    state_flag = "" if ready["state_dir"] is None else f" --state-dir {ready['state_dir']}"
    lines = [f"Partner Center Emulator {emulator.__version__} listening on {ready['url']}"]
    if ready["https_url"]:
        lines.append(f"  HTTPS:          {ready['https_url']}  (CA {ready['ca']})")
    if ready.get("ca_replaced"):
        lines.append(
            f"  NEW LOCAL CA:   {ready['ca_replaced']}. Trust {ready['ca']} again (or use {ready['ca_bundle']}):"
            " clients that trusted the old CA now refuse the emulator's certificate."
        )
    if ready["proxy_url"]:
        lines.append(
            f"  proxy:          HTTPS_PROXY={ready['proxy_url']} REQUESTS_CA_BUNDLE={ready['ca_bundle']}"
            "  (Entra's hosts and api.partnercenter.microsoft.com)"
        )
    lines += [
        f"  profile:        {state.profile.name} ({state.profile.description})",
        f"  tenant:         {world.partner.domain} ({world.partner.id})",
        f"  authority:      {ready['authority']}",
        f"  Partner Center: {ready['partner_center']}/",
        f"  console:        {ready['console']}  (token check, journal, report; {control_access(state.config)})",
        f"  control API:    {ready['control']}/health ({control_access(state.config)})",
    ]
    if ready["state_dir"]:
        created = "created" if state.key_created else "reused"
        lines.append(f"  signing key:    {created} in {ready['state_dir']}")
    lines.append("Get a token:")
    pcemu = command_name()
    if service is not None:
        lines.append(f"  {pcemu} token --user {service.upn}{state_flag}          (password only, no MFA)")
        lines.append(f"  {pcemu} token --user {service.upn} --mfa{state_flag}    (with MFA)")
    if web is not None:
        lines.append(
            f"  curl -s {ready['url']}/{world.partner.id}/oauth2/v2.0/token -d grant_type=client_credentials "
            f"-d client_id={web.client_id} -d client_secret=<secret from 'pcemu world'> "
            "-d scope=https://api.partnercenter.microsoft.com/.default"
        )
    lines.append("Press Ctrl-C to stop.")
    for line in lines:
        print(line, file=out)
    print(json.dumps(ready, separators=(",", ":")), file=out, flush=True)
