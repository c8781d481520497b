"""A signing worker: token signatures made in a second process, so that issuing tokens uses a second core.

An RS256 signature is most of a token request's cost, and `cryptography` holds the GIL while it signs (a thread
signing beside the event loop finishes no sooner than the two one after the other), so only a process can sign
while the server does everything else. The worker is given the keys it needs over its stdin, signs what it is
sent and answers on stdout. The server signs in-process whenever the worker is not there: before it has
started, after it has gone, for any request it could not answer, and from the moment one answer is late (the
worker is then stopped). Signatures are the same either way
(RSA PKCS#1 v1.5 is deterministic).

One ASCII line per message; the worker's first line is "ready".
    server -> worker   K <kid> <PKCS#8 PEM in base64>     a key to sign with
                       S <n> <kid> <signing input>         sign this (n numbers the request)
    worker -> server   <n> <signature in base64url>        or "<n> -" when it could not
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

import emulator
from emulator.keys import SigningKey

log = logging.getLogger("emulator.signer")

# Every request in flight holds one line in the pipe and one future; more than this waits for none and signs
# in-process instead, so a stalled worker cannot make the server buffer without bound.
MAX_IN_FLIGHT = 1024
# A signature takes a third of a millisecond; a full queue, a third of a second. An answer this late means a stuck
# worker (stopped, swapping): the request is signed in-process and the worker is stopped.
STALL_SECONDS = 2


class SigningWorker:
    """The server's side of the worker: start it, send it work, take its answers, stop it."""

    def __init__(self) -> None:
        self._process: asyncio.subprocess.Process | None = None
        self._starting: asyncio.Task[None] | None = None
        self._reader: asyncio.Task[None] | None = None
        self._pending: dict[int, asyncio.Future[bytes | None]] = {}
        self._known: set[str] = set()
        self._count = 0
        self._closing = False
        self._ready = False  # the worker says so once it can sign; until then the server signs
        self.signed = 0  # signatures the worker made (the rest were made in-process)

    @property
    def alive(self) -> bool:
        return self._ready and self._reader is not None and not self._reader.done() and not self._closing

    async def start(self) -> None:
        """Start the worker (once); it is ready when `alive` says so."""
        if self._starting is None:
            self._starting = asyncio.create_task(self._spawn())
        await self._starting

    async def _spawn(self) -> None:
        # The worker runs this very package, wherever it was imported from (installed or a source checkout).
        home = str(Path(emulator.__file__).resolve().parent.parent)
        path = os.pathsep.join(filter(None, (home, os.environ.get("PYTHONPATH"))))
        try:
            self._process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-P",  # not the working directory's packages: another `emulator` there would be handed the key
                "-m",
                "emulator.signer",
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                env={**os.environ, "PYTHONPATH": path},
                # A session of its own: a Ctrl-C in the terminal reaches the server, which stops the worker; the
                # worker never sees it (no KeyboardInterrupt traceback from a worker still starting).
                start_new_session=True,
            )
        except (OSError, NotImplementedError) as exc:  # NotImplementedError: no subprocesses on this event loop
            self._closing = True
            log.warning("no signing worker (%r); tokens are signed in-process", exc)
            return
        self._reader = asyncio.create_task(self._read())

    async def sign(self, key: SigningKey, signing_input: bytes) -> bytes | None:
        """The signature segment, or None when the caller should sign itself.

        The first call starts the worker, so that a server which issues no token never starts one, and start-up
        is not slowed by it; calls until it is ready are signed in-process.
        """
        if self._starting is None and not self._closing:
            self._starting = asyncio.create_task(self._spawn())
        process = self._process
        if not self.alive or process is None or process.stdin is None or len(self._pending) >= MAX_IN_FLIGHT:
            return None
        kid = key.kid
        self._count += 1
        number = self._count
        try:
            if kid not in self._known:
                process.stdin.write(b"K %s %s\n" % (kid.encode(), base64.b64encode(key.private_pem())))
                self._known.add(kid)
            process.stdin.write(b"S %d %s %s\n" % (number, kid.encode(), signing_input))
        except (OSError, RuntimeError):  # the worker has just died: this request signs in-process
            return None
        loop = asyncio.get_running_loop()
        future: asyncio.Future[bytes | None] = loop.create_future()
        self._pending[number] = future
        watchdog = loop.call_later(STALL_SECONDS, self._stalled, future)
        signature = await future
        watchdog.cancel()
        if signature is not None:
            self.signed += 1
        return signature

    def _stalled(self, future: asyncio.Future[bytes | None]) -> None:
        """A signature that has not come back in time: the worker is stuck; stop it and sign in-process."""
        if future.done() or self._closing:
            return
        log.warning(
            "the signing worker did not answer in %d s; stopped it, tokens are signed in-process", STALL_SECONDS
        )
        self._closing = True
        for pending in self._pending.values():
            if not pending.done():
                pending.set_result(None)
        self._pending.clear()
        if self._process is not None and self._process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self._process.kill()

    async def _read(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        stdout = self._process.stdout
        try:
            self._ready = await stdout.readline() == b"ready\n"
            while self._ready and (line := await stdout.readline()):
                number, _, signature = line.rstrip(b"\n").partition(b" ")
                future = self._pending.pop(int(number), None)
                if future is not None and not future.done():
                    future.set_result(None if signature == b"-" else signature)
        except (ValueError, asyncio.LimitOverrunError, ConnectionError) as exc:
            log.warning("the signing worker answered something unreadable (%s); signing in-process", type(exc).__name__)
        finally:
            if not self._closing:
                log.warning("the signing worker stopped; tokens are signed in-process from now on")
            self._closing = True
            for future in self._pending.values():
                if not future.done():
                    future.set_result(None)
            self._pending.clear()

    async def close(self) -> None:
        self._closing = True
        if self._starting is not None:
            await self._starting
        process = self._process
        if process is None:
            return
        if process.stdin is not None:
            process.stdin.close()  # the worker ends at end of input
        try:
            await asyncio.wait_for(process.wait(), 2)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
        if self._reader is not None:
            await self._reader


def serve(stdin: Any = None, stdout: Any = None) -> None:
    """The worker: sign until the input ends."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    stdin = stdin or sys.stdin.buffer
    stdout = stdout or sys.stdout.buffer
    stdout.write(b"ready\n")
    stdout.flush()
    keys: dict[bytes, rsa.RSAPrivateKey] = {}
    for line in stdin:
        parts = line.split()
        if len(parts) == 3 and parts[0] == b"K":
            key = serialization.load_pem_private_key(base64.b64decode(parts[2]), password=None)
            if isinstance(key, rsa.RSAPrivateKey):
                keys[parts[1]] = key
        elif len(parts) == 4 and parts[0] == b"S":
            found = keys.get(parts[2])
            if found is None:
                stdout.write(parts[1] + b" -\n")
            else:
                signature = found.sign(parts[3], padding.PKCS1v15(), hashes.SHA256())
                stdout.write(parts[1] + b" " + base64.urlsafe_b64encode(signature).rstrip(b"=") + b"\n")
            stdout.flush()


if __name__ == "__main__":
    # Ctrl-C reaches the whole process group: the server stops, closes our input, and that ends the worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        serve()
    except BrokenPipeError:
        # The server stopped while this worker was starting or answering: nothing is left to sign for. Python's
        # own advice: point stdout at devnull so that its flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
