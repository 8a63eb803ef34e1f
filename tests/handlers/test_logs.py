"""`tmbot serve`'s logging: time, level, pid and logger on every line, app INFO kept, tokens masked."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import logging, logging.config
from handlers.web.logs import LOG_CONFIG
logging.config.dictConfig(LOG_CONFIG)
logging.getLogger("bot.handoff.helpdesk").info("ticket %s opened", "T-2026-000001")
logging.getLogger("uvicorn.access").info(
    '%s - "%s %s HTTP/%s" %d', "1.2.3.4:5", "GET",
    "/bookings/B-7K3Q9.ics?token=abcdef0123456789", "1.1", 200)
"""


def test_log_lines_carry_level_pid_and_keep_tokens_out() -> None:
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, cwd="."
    )
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 2, run.stderr
    app, access = lines
    assert " INFO [" in app and "bot.handoff.helpdesk: ticket T-2026-000001 opened" in app
    assert app[:4].isdigit()  # starts with the time
    assert "token=***" in access and "abcdef0123456789" not in access
