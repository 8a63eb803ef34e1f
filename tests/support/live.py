"""The real app served by uvicorn in a background thread, and headless Chromium, for browser tests."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import uvicorn

from bot.core.runtime import Runtime
from webhook import create_app

__all__ = ("CHROMIUM", "CHROMIUM_ARGS", "free_port", "live_server", "need_chromium")

CHROMIUM = os.environ.get("TMBOT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def need_chromium() -> None:
    """Skip the calling test, saying why, when Debian's chromium is not installed."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not found: install it with `apt-get install -y chromium`")


def free_port() -> int:
    """A localhost port free at this moment (for a server a test starts)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server(runtime: Runtime) -> Iterator[str]:
    """Serve the app on the runtime's database at a free localhost port; yields the base URL."""
    port = free_port()
    config = uvicorn.Config(
        create_app(runtime.settings, runtime=runtime),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        ws="none",
        http="h11",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
