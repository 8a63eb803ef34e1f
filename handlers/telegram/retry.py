"""Small Bot API calls worth a short retry in the request itself: answering a button press
(otherwise the user's spinner hangs) and editing the old keyboard. A 429 waits `retry_after`
when it is short, a network error is tried again, "message is not modified" counts as done."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from handlers.telegram.sender import retry_seconds

__all__ = ("retried",)

logger = logging.getLogger(__name__)


async def retried(
    what: str,
    call: Callable[[], Awaitable[object]],
    *,
    attempts: int = 3,
    max_wait: float = 5.0,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> bool:
    """Run `call` with retries; True when it went through (or had nothing to change)."""
    for attempt in range(1, attempts + 1):
        try:
            await call()
            return True
        except RetryAfter as exc:
            wait = retry_seconds(exc)
            if attempt == attempts or wait > max_wait:
                logger.info("%s: flood control (%.0f s); given up", what, wait)
                return False
            await sleep(wait)
        except BadRequest as exc:
            if "not modified" in exc.message.lower():
                return True  # already as we want it (a double tap, a retried update)
            logger.info("%s refused: %s", what, exc.message)
            return False
        except NetworkError as exc:  # timeouts, 5xx
            if attempt == attempts:
                logger.info("%s failed: %s", what, exc.message)
                return False
            await sleep(0.5 * attempt)
        except TelegramError as exc:  # forbidden, too old ...
            logger.info("%s failed: %s", what, exc.message)
            return False
    return False
