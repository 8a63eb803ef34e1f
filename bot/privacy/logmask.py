"""Phone numbers, e-mail addresses and ID numbers masked in every log record (PIPL:
minimisation). Installed once per process by the runtime; records are masked as they are
made, so every handler and formatter sees the masked text."""

from __future__ import annotations

import logging
from typing import Any

from knowledge.pii import mask_pii

__all__ = ("install_log_masking",)

_installed = False


def install_log_masking() -> None:
    """Wrap the log record factory so each record's message is masked (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True
    make = logging.getLogRecordFactory()

    def masked(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: logging reports it later, as it would
            return record
        clean = mask_pii(message)
        if clean != message:
            record.msg, record.args = clean, ()
        return record

    logging.setLogRecordFactory(masked)
