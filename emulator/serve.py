"""`pcemu serve`: the listeners, each served by uvicorn (public API only: Server and Config), the proxy, the signing
worker, the ready line, and a clean stop on Ctrl-C or SIGTERM. The server hook itself is emulator.server's."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
import sys
from collections.abc import Generator
from typing import TextIO

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

from emulator.app import TUNNELLED, EmulatorApp, create_app
from emulator.config import Config
from emulator.listeners import Listeners, banner, check_state_dir, open_listeners, ready_document
from emulator.proxy import ConnectProxy
from emulator.server import hook_problem, uvicorn_config
from emulator.signer import SigningWorker


def tunnelled(app: EmulatorApp) -> ASGIApp:
    """The app as the proxy's tunnels reach it: every request marked, so the control surface refuses it."""

    async def marked(scope: Scope, receive: Receive, send: Send) -> None:
        await app({**scope, TUNNELLED: True}, receive, send)

    return marked


class _QuietServer(uvicorn.Server):
    """A listener that leaves signals to the primary server, which stops the others when it stops."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


async def _serve(
    app: EmulatorApp, config: Config, listeners: Listeners, out: TextIO, stop: asyncio.Event | None = None
) -> None:
    """Serve every listener until the primary server stops (a signal), or until `stop` is set (tests)."""
    hook = app.state.reason_phrases
    primary = uvicorn.Server(uvicorn_config(app, config, hook=hook))
    others: list[uvicorn.Server] = []
    secure_sockets = [s for s in (listeners.https, listeners.userrealm, listeners.tunnel) if s is not None]
    for sock in secure_sockets:
        if listeners.tls is not None:
            served = tunnelled(app) if sock is listeners.tunnel else app
            others.append(_QuietServer(uvicorn_config(served, config, tls=listeners.tls, hook=hook)))
    tasks = [asyncio.create_task(primary.serve(sockets=[listeners.http]))]
    tasks += [
        asyncio.create_task(server.serve(sockets=[sock])) for server, sock in zip(others, secure_sockets, strict=True)
    ]
    proxy = None
    if listeners.proxy is not None and listeners.tunnel is not None:
        # Tunnels end at their own loopback listener, whose requests never reach the control API or console.
        proxy = ConnectProxy("127.0.0.1", int(listeners.tunnel.getsockname()[1]))
        await proxy.start(listeners.proxy)
    try:
        while not all(server.started for server in (primary, *others)):
            for task in tasks:
                if task.done():
                    await task
                    raise RuntimeError("the server stopped during start-up")
            await asyncio.sleep(0.005)
        banner(app, ready_document(app, config, listeners), out)
        if config.sign_worker and (os.cpu_count() or 1) >= 2:
            # A second process for token signatures, where there is a second core to run it (emulator.signer).
            app.state.issuer.worker = SigningWorker()
        if stop is None:
            await tasks[0]
        else:
            stopping = asyncio.create_task(stop.wait())
            await asyncio.wait([tasks[0], stopping], return_when=asyncio.FIRST_COMPLETED)
            primary.should_exit = True
            stopping.cancel()
            await tasks[0]
    finally:
        for server in others:
            server.should_exit = True
        if proxy is not None:
            await proxy.close()
        issuer = app.state.issuer
        if issuer.worker is not None:
            worker, issuer.worker = issuer.worker, None
            await worker.close()
        await asyncio.gather(*tasks[1:], return_exceptions=True)


def _configure_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("emulator")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


class _Stop(Exception):
    """SIGTERM, re-raised by uvicorn after its graceful shutdown: end like Ctrl-C, with status 0."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise _Stop


def run(config: Config, out: TextIO = sys.stdout, listeners: Listeners | None = None) -> int:
    _configure_logging()
    # What can fail fast goes first: the state directory, then the ports, then the world (which may be large).
    if listeners is None:
        check_state_dir(config)
        listeners = open_listeners(config)
    try:
        app = create_app(config)
        problem = hook_problem()
        if problem is not None:
            print(
                f"pcemu: warning: {problem}. Serving without the server hook: no 2019 reason phrase "
                "('401 Unauthorized - MFA required'), so the pilot-2019 and enforced-2019 profiles are refused, and "
                "fault rules cannot drop connections. Install the uvicorn version pyproject.toml names.",
                file=sys.stderr,
                flush=True,
            )
            app.state.reason_phrases = False
            unavailable = app.state.profile_problem(app.state.profile)
            if unavailable is not None:
                print(f"pcemu: {unavailable}", file=sys.stderr, flush=True)
                return 2
        # What start-up made (modules, the world, the app) lives as long as the server: moved out of the cyclic
        # collector's reach, so that its collections during requests no longer walk it (3% of a GET's instructions).
        gc.freeze()
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
        try:
            with asyncio.Runner(loop_factory=uvicorn_config(app, config).get_loop_factory()) as runner:
                runner.run(_serve(app, config, listeners, out))
        except (KeyboardInterrupt, _Stop):
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            if app.state.persistence is not None:
                app.state.persistence.flush()  # the WAL folded into the database; every change is already saved
    finally:
        listeners.close()
    print("Partner Center Emulator stopped.", file=out, flush=True)
    return 0
