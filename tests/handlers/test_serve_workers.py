"""`tmbot serve --workers 2`: connections are shared by the workers (issue 19).

uvicorn's supervisor gave every worker one shared listening socket, and whichever worker was
free to run accepted every connection waiting: a proxy opening its keep-alive connections while
one worker was busy put all of them on the other for their whole life (measured under load: 16
of 16 on one of two workers). Each worker now listens on its own socket (SO_REUSEPORT) and the
kernel spreads connections by address hash. The real command runs here on SQLite; each worker's
access lines carry its pid.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_CORPUS
from tests.support.live import free_port

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="SO_REUSEPORT balances on Linux")

CONNECTIONS = 16
_STARTED = re.compile(r"\[(\d+)\] uvicorn\.error: Application startup complete")
_ACCESS = re.compile(r"\[(\d+)\] uvicorn\.access: .*\"GET /healthz\?c=(\d+) HTTP")


def _tmbot() -> list[str]:
    script = Path(sys.executable).with_name("tmbot")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from handlers.cli.app import app; app()"]


def _wait_for(
    log: Path, pattern: re.Pattern[str], count: int, proc: subprocess.Popen[bytes]
) -> set[str]:
    """The distinct pids of `pattern`'s lines, once there are `count` of them."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        pids = set(pattern.findall(log.read_text(errors="replace")))
        if len(pids) >= count:
            return pids
        if proc.poll() is not None:
            pytest.fail(f"server exited {proc.returncode}:\n{log.read_text(errors='replace')}")
        time.sleep(0.2)
    pytest.fail(f"{count} x {pattern.pattern} not seen:\n{log.read_text(errors='replace')}")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, Path]]:
    port, log_path = free_port(), tmp_path / "serve.log"
    env = {
        **os.environ,
        "TMBOT_DATABASE_URL": f"sqlite:///{tmp_path}/serve.db",
        "TMBOT_CORPUS_DIR": str(FIXTURE_CORPUS),
        "TMBOT_RUN_WORKER": "false",
    }
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [*_tmbot(), "serve", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the teardown stops workers too
        )
        try:
            yield proc, port, log_path
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)


def _ask_on_connections_opened_together(port: int) -> None:
    """CONNECTIONS sockets connected before anything is sent, as a proxy opens its keep-alive
    pool, then one request on each."""
    socks = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(CONNECTIONS)]
    try:
        for n, sock in enumerate(socks):
            sock.sendall(f"GET /healthz?c={n} HTTP/1.1\r\nHost: t\r\n\r\n".encode())
        for sock in socks:
            assert sock.recv(4096).startswith(b"HTTP/1.1 200")
    finally:
        for sock in socks:
            sock.close()


def _listening_sockets(port: int, pids: set[str]) -> dict[str, set[str]]:
    """pid -> inodes of the sockets listening on `port` it holds (/proc/net/tcp, state 0A)."""
    listening = set()
    for row in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        cols = row.split()
        if int(cols[1].rsplit(":", 1)[1], 16) == port and cols[3] == "0A":
            listening.add(cols[9])
    held: dict[str, set[str]] = {}
    for pid in pids:
        links = (os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir())
        held[pid] = {link[8:-1] for link in links if link.startswith("socket:[")} & listening
    return held


def test_workers_share_connections_a_dead_one_is_replaced_and_all_stop_together(
    server: tuple[subprocess.Popen[bytes], int, Path],
) -> None:
    proc, port, log = server
    workers = _wait_for(log, _STARTED, 2, proc)

    # Each worker listens on a socket of its own (one shared socket: the pathology above).
    held = _listening_sockets(port, workers)
    assert all(len(inodes) == 1 for inodes in held.values()), held
    assert len(set.union(*held.values())) == len(workers), held

    _ask_on_connections_opened_together(port)
    time.sleep(0.5)  # the last access lines
    access = _ACCESS.findall(log.read_text())
    assert sorted(int(n) for _, n in access) == list(range(CONNECTIONS))
    served = {pid for pid, _ in access}

    assert served == workers, f"only {served} of {workers} served the {CONNECTIONS} connections"

    dead = sorted(workers)[0]
    os.kill(int(dead), signal.SIGKILL)
    started = _wait_for(log, _STARTED, 3, proc)
    assert dead in started and len(started - workers) == 1  # a new worker took its place

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == 0
    for pid in started:
        assert not Path(f"/proc/{pid}").exists()


@pytest.mark.parametrize("reuse_port", [False, True], ids=["other program", "other tmbot server"])
def test_a_port_in_use_stops_the_server_at_once(tmp_path: Path, reuse_port: bool) -> None:
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, int(reuse_port))
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "handlers.web.serve", "127.0.0.1", str(port), "2"],
            capture_output=True,
            timeout=60,
            env={**os.environ, "TMBOT_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"},
        )
    assert result.returncode != 0
    assert b"Address already in use" in result.stderr
