"""`tmbot serve` runs its server with malloc limited to two arenas and Python's `-OO` (modules
loaded without docstrings), unless told otherwise."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from handlers.web.serve import server_env
from tests.support.live import free_port


def _served_environ(tmp_path: Path, extra: dict[str, str]) -> dict[str, str]:
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("MALLOC_ARENA_MAX", "PYTHONOPTIMIZE")},
        "TMBOT_DATABASE_URL": f"sqlite:///{tmp_path}/serve.db",
        "TMBOT_RUN_WORKER": "false",
        **extra,
    }
    cli = [sys.executable, "-c", "from handlers.cli.app import app; app()"]
    proc = subprocess.Popen(
        [*cli, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        assert proc.poll() is None, "the server exited"
        # The command replaced itself with the server (exec): same process, new environment.
        raw = Path(f"/proc/{proc.pid}/environ").read_bytes().split(b"\0")
        return dict(item.decode().partition("=")[::2] for item in raw if b"=" in item)
    finally:
        proc.terminate()
        proc.wait(20)


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc")
def test_the_server_limits_malloc_arenas_and_drops_docstrings(tmp_path: Path) -> None:
    served = _served_environ(tmp_path, {})
    assert served["MALLOC_ARENA_MAX"] == "2"
    assert served["PYTHONOPTIMIZE"] == "2"
    assert server_env({"MALLOC_ARENA_MAX": "8"})["MALLOC_ARENA_MAX"] == "8"  # the operator's
    assert server_env({"PYTHONOPTIMIZE": "0"})["PYTHONOPTIMIZE"] == "0"


def test_the_workers_have_no_websocket_protocol() -> None:
    # tmbot has no WebSocket route: uvicorn's "auto" imported the websockets package for nothing.
    from handlers.web.serve import _config

    assert _config("127.0.0.1", 8000).ws == "none"
