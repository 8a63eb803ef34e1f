"""One logging setup for `tmbot serve`, applied by uvicorn in every worker process.

Each line carries time, level, worker pid and logger; the app's INFO lines are kept (with
--workers N the workers are new processes, so a basicConfig in the parent would not reach them);
secrets in query strings (the booking calendar's `token=`) never reach the access log.
"""

from __future__ import annotations

import logging
import re
from typing import Any

__all__ = ("LOG_CONFIG", "RedactTokens")

_SECRET_QUERY = re.compile(r"((?:token|signature|msg_signature|key)=)[^&\s\"]+", re.I)


class RedactTokens(logging.Filter):
    """Masks `token=...` style query values in a record's arguments (uvicorn's access line)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _SECRET_QUERY.sub(r"\1***", a) if isinstance(a, str) else a for a in record.args
            )
        elif isinstance(record.msg, str):
            record.msg = _SECRET_QUERY.sub(r"\1***", record.msg)
        return True


_FORMAT = "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"

LOG_CONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": RedactTokens}},
    "formatters": {"plain": {"format": _FORMAT}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact"],
            "stream": "ext://sys.stderr",
        }
    },
    "root": {"level": "INFO", "handlers": ["console"]},
    "loggers": {
        "uvicorn": {"level": "INFO", "handlers": [], "propagate": True},
        "uvicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
        "uvicorn.access": {"level": "INFO", "handlers": [], "propagate": True},
        "httpx": {"level": "WARNING"},
    },
}
