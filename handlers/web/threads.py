"""How much blocking work a worker runs at once: its turns, and its other blocking requests.

A worker has one interpreter lock: more turns in flight than it has threads for wait for a
thread instead of a core they could not get anyway. Two bounds, each `TMBOT_TURN_THREADS`:

- the event loop's default executor runs the turns of every channel (the web chat, the WeChat
  runs, which must outlive a slow request, the Telegram updates);
- anyio's thread limiter runs the rest: synchronous routes (pages, polls, staff actions).

Before, the turns ran in anyio's 40 threads plus the loop's default executor (cores + 4
threads): more sessions at once than the PostgreSQL pool holds, so under load overflow
connections were opened and closed again. With both bounds, a worker holds at most
2 × `TMBOT_TURN_THREADS` connections, the default pool size (docs/deploy.md).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from anyio import to_thread

from bot.core.settings import Settings

__all__ = ("bound_threads", "run_turn")

logger = logging.getLogger(__name__)
T = TypeVar("T")


def bound_threads(settings: Settings) -> ThreadPoolExecutor:
    """Bound the running loop's blocking work to `turn_threads` turns and as many other calls."""
    threads = settings.turn_threads
    if not settings.is_sqlite and settings.db_pool_size < 2 * threads:
        logger.warning(
            "TMBOT_DB_POOL_SIZE=%d is below 2 x TMBOT_TURN_THREADS=%d: under load this worker "
            "opens and closes connections past its pool",
            settings.db_pool_size, threads,
        )  # fmt: skip
    executor = ThreadPoolExecutor(threads, thread_name_prefix="tmbot-turn")
    asyncio.get_running_loop().set_default_executor(executor)
    to_thread.current_default_thread_limiter().total_tokens = threads
    return executor


async def run_turn(fn: Callable[[], T]) -> T:
    """`fn()` in a turn thread (the loop's default executor)."""
    return await asyncio.get_running_loop().run_in_executor(None, fn)
