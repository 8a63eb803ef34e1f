"""`tmbot serve`'s server: uvicorn with tmbot's logging, in a fresh process.

The command migrates the database, then replaces itself with this module (exec), so the server
process (and with --workers N, each worker it spawns) holds only what serving needs: not the
command line's other commands, Alembic, or the libraries of reports and imports.

    python -m handlers.web.serve HOST PORT WORKERS

With several workers on Linux, each worker listens on its own socket bound to the same port
(SO_REUSEPORT) and the kernel spreads new connections over them by address hash. uvicorn's own
supervisor shares one listening socket instead, and the worker that wakes first accepts every
connection waiting (asyncio's accept loop takes up to the backlog at once): a proxy or client
opening its keep-alive connections together put all of them on one worker and left the others
idle (measured with `benchmarks.load`: 16 of 16 connections on one of two workers).

It runs with glibc's malloc limited to two arenas (`MALLOC_ARENA_MAX=2`, unless set): by default
every thread of the worker's pools may get its own arena, which holds freed memory for that
thread; two keep about 3 MiB less resident per worker under load (docs/benchmarks.md).

It runs Python with `PYTHONOPTIMIZE=2` (`-OO`, unless set): the code objects of every module a
worker imports are loaded without their docstrings, about 9 MiB less resident per worker
(docs/benchmarks.md, round perf9). `-OO` also drops `assert` statements: tmbot's own asserts only
narrow types for the checker (an invariant that held), never check input. The only docstrings a
server reads are FastAPI's route and model descriptions in /openapi.json (and /docs), which then
have none; routes, parameters and schemas are the same. The command line (`tmbot ...`) keeps
its docstrings: typer's help is made of them.
"""

from __future__ import annotations

import contextlib
import logging
import logging.config
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Mapping
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import uvicorn

__all__ = ("main", "reuse_port_socket", "server_env")

APP = "webhook:served_app"
# uvicorn's exit status when the app fails to start: restarting such a worker would only loop.
STARTUP_FAILURE = 3
logger = logging.getLogger("tmbot.serve")
MALLOC_ARENAS = "2"
OPTIMIZE = "2"
# tmbot has no WebSocket route (the staff desk's live updates are Server-Sent Events): uvicorn's
# default ("auto") imports the `websockets` package and its protocol in every worker (47
# modules, about 2 MiB resident) only to answer an upgrade request with 403 in the end. Without
# it, uvicorn serves such a request as plain HTTP (a 404 for an unknown path) and logs a warning.
WEBSOCKETS = "none"


def server_env(environ: Mapping[str, str]) -> dict[str, str]:
    """The server's environment: `environ`, with malloc's arena limit and Python's `-OO` unless
    already set (`PYTHONOPTIMIZE=0` keeps docstrings and asserts)."""
    return {"MALLOC_ARENA_MAX": MALLOC_ARENAS, "PYTHONOPTIMIZE": OPTIMIZE, **environ}


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A socket bound to HOST:PORT that other such sockets may share; each is its own queue."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def _refuse_a_taken_port(host: str, port: int) -> None:
    """OSError when something listens on HOST:PORT already, another tmbot server included
    (whose SO_REUSEPORT sockets would otherwise let this one share its port silently)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is not "taken"
        probe.bind((host, port))


def _config(host: str, port: int) -> uvicorn.Config:
    import uvicorn

    from handlers.web.logs import LOG_CONFIG

    return uvicorn.Config(
        APP, factory=True, host=host, port=port, log_config=LOG_CONFIG, ws=WEBSOCKETS
    )


def _worker(host: str, port: int) -> None:
    """One worker process: its own listening socket, one uvicorn server (signals: uvicorn's)."""
    import uvicorn

    sock = reuse_port_socket(host, port)
    uvicorn.Server(_config(host, port)).run(sockets=[sock])


class _Supervisor:
    """Starts WORKERS processes, restarts one that dies, stops them all on SIGINT/SIGTERM."""

    def __init__(self, host: str, port: int, workers: int) -> None:
        self.host, self.port, self.count = host, port, workers
        self.spawn = multiprocessing.get_context("spawn")  # a fresh interpreter, as uvicorn's
        self.procs: list[multiprocessing.process.BaseProcess] = []
        self.stopping = threading.Event()

    def _start(self) -> multiprocessing.process.BaseProcess:
        proc = self.spawn.Process(target=_worker, args=(self.host, self.port), daemon=False)
        proc.start()
        return proc

    def _stop(self, _signum: int, _frame: FrameType | None) -> None:
        self.stopping.set()

    def run(self) -> int:
        # A taken port fails here, once, instead of in every worker; the guard (bound, never
        # listening, so it gets no connections) keeps the port ours while a worker restarts.
        try:
            _refuse_a_taken_port(self.host, self.port)
            guard = reuse_port_socket(self.host, self.port)
        except OSError as exc:
            logger.error("tmbot: cannot listen on %s:%d: %s", self.host, self.port, exc)
            return 1
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, self._stop)
        self.procs = [self._start() for _ in range(self.count)]
        logger.info(
            "tmbot: %d workers on %s:%d (one socket each)", self.count, self.host, self.port
        )
        status = 0
        while not self.stopping.wait(0.5):
            for i, proc in enumerate(self.procs):
                if proc.is_alive():
                    continue
                if proc.exitcode == STARTUP_FAILURE:
                    logger.error("worker %s could not start; stopping", proc.pid)
                    self.stopping.set()
                    status = STARTUP_FAILURE
                    break
                logger.warning("worker %s exited (%s); starting another", proc.pid, proc.exitcode)
                self.procs[i] = self._start()
        for proc in self.procs:
            if proc.is_alive() and proc.pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, signal.SIGTERM)  # uvicorn's graceful shutdown
        deadline = time.monotonic() + 30
        for proc in self.procs:
            proc.join(max(0.0, deadline - time.monotonic()))
            if proc.is_alive():
                proc.kill()
                proc.join()
        guard.close()
        return status


def main(argv: list[str]) -> None:
    """Serve `webhook:served_app` on HOST:PORT with WORKERS processes."""
    from handlers.web.logs import LOG_CONFIG

    host, port, workers = argv[0], int(argv[1]), int(argv[2])
    if workers > 1 and hasattr(socket, "SO_REUSEPORT") and sys.platform == "linux":
        logging.config.dictConfig(LOG_CONFIG)
        sys.exit(_Supervisor(host, port, workers).run())
    import uvicorn

    # One worker, or a system whose SO_REUSEPORT does not balance: uvicorn's shared socket.
    uvicorn.run(
        APP,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=LOG_CONFIG,
        ws=WEBSOCKETS,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
