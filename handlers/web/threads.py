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
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from anyio import to_thread

from bot.core.settings import Settings

__all__ = ("bound_threads", "run_turn", "start_turn", "wait_at_most")

logger = logging.getLogger(__name__)
T = TypeVar("T")
# Each loop's turn threads (its default executor), as bound_threads set them.
_TURN_THREADS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, ThreadPoolExecutor] = (
    weakref.WeakKeyDictionary()
)


def bound_threads(settings: Settings) -> ThreadPoolExecutor:
    """Bound the running loop's blocking work to `turn_threads` turns and as many other calls."""
    threads = settings.turn_threads
    if not settings.is_sqlite and settings.db_pool_size < 2 * threads:
        logger.warning(
            "TMBOT_DB_POOL_SIZE=%d is below 2 x TMBOT_TURN_THREADS=%d: under load this worker "
            "opens and closes connections past its pool",
            settings.db_pool_size, threads,
        )  # fmt: skip
    # Its SimpleQueue wakes a second idle thread per job, which finds nothing and sleeps again
    # (about six futex calls a turn). A queue with a lock per idle thread saved those one request
    # at a time, but at four concurrent requests some runs fell into twice the context switches
    # (a Python-level lock, unlike SimpleQueue, can be held across a switch of the GIL).
    executor = ThreadPoolExecutor(threads, thread_name_prefix="tmbot-turn")
    loop = asyncio.get_running_loop()
    loop.set_default_executor(executor)
    _TURN_THREADS[loop] = executor
    to_thread.current_default_thread_limiter().total_tokens = threads
    return executor


def start_turn(fn: Callable[[], T]) -> asyncio.Future[T]:
    """`fn()` started in a turn thread (the loop's default executor); its result or exception
    arrives in the returned future, which may be awaited, waited for or left to finish.

    What `loop.run_in_executor` does, less its second future: the thread settles the loop's
    future itself, instead of a concurrent future chained to it through callbacks (about a
    third of the event loop's instructions for a hand-off)."""
    loop = asyncio.get_running_loop()
    executor = _TURN_THREADS.get(loop)
    if executor is None:  # a loop bound_threads never saw (a script, a test): the plain way
        return loop.run_in_executor(None, fn)
    future: asyncio.Future[T] = loop.create_future()
    job = executor.submit(_run_and_settle, loop, future, fn)
    # Cancelled before a thread took it: it never starts, as with run_in_executor.
    future.add_done_callback(lambda done: done.cancelled() and job.cancel())
    return future


def _run_and_settle(loop: asyncio.AbstractEventLoop, future: asyncio.Future[Any], fn: Any) -> None:
    # In the turn thread. BaseException as the executor itself catches it: the caller sees it.
    try:
        result, error = fn(), None
    except BaseException as exc:  # handed to the awaiting coroutine
        result, error = None, exc
    try:
        loop.call_soon_threadsafe(_settle, future, result, error)
    except RuntimeError:  # the loop closed while the turn ran: nobody waits for it any more
        logger.warning("a turn finished after its event loop closed", exc_info=error)


def _settle(future: asyncio.Future[Any], result: object, error: BaseException | None) -> None:
    if future.cancelled():
        return
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)


async def run_turn(fn: Callable[[], T]) -> T:
    """`fn()` in a turn thread (the loop's default executor)."""
    return await start_turn(fn)


async def wait_at_most(future: asyncio.Future[Any], seconds: float) -> bool:
    """Wait up to `seconds` for `future`, never cancelling it; True when it is done.

    `asyncio.wait({future}, timeout=...)` for one future, without its sets and counters."""
    if future.done():
        return True
    loop = future.get_loop()  # the running one, without get_running_loop()'s getpid call
    waiter = loop.create_future()

    def wake(_: object = None) -> None:
        if not waiter.done():
            waiter.set_result(None)

    timer = loop.call_later(seconds, wake)
    future.add_done_callback(wake)
    try:
        await waiter
    finally:
        timer.cancel()
        future.remove_done_callback(wake)
    return future.done()
