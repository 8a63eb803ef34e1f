"""handlers/web/threads.py's hand-off: a turn runs in a turn thread and settles the loop's future."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.core.settings import Settings
from handlers.web.threads import bound_threads, run_turn, start_turn, wait_at_most


def _boom() -> None:
    raise LookupError("no such row")


async def test_turn_runs_in_a_turn_thread_with_result_and_error(settings: Settings) -> None:
    executor = bound_threads(settings.model_copy(update={"turn_threads": 2}))
    try:
        name = await run_turn(lambda: threading.current_thread().name)
        assert name.startswith("tmbot-turn")
        with pytest.raises(LookupError, match="no such row"):
            await run_turn(_boom)
    finally:
        executor.shutdown(wait=True)


async def test_turn_cancelled_before_a_thread_took_it_never_runs(settings: Settings) -> None:
    executor = bound_threads(settings.model_copy(update={"turn_threads": 1}))
    release, ran = threading.Event(), []
    try:
        busy = start_turn(release.wait)  # holds the only thread
        queued = start_turn(lambda: ran.append(1))
        queued.cancel()
        await asyncio.sleep(0)  # the loop runs the future's callbacks (as for run_in_executor)
        release.set()
        await busy
        await run_turn(lambda: None)  # the queue has been worked through
        assert ran == []
    finally:
        release.set()
        executor.shutdown(wait=True)


async def test_wait_at_most_leaves_a_slow_turn_running(settings: Settings) -> None:
    executor = bound_threads(settings.model_copy(update={"turn_threads": 2}))
    release = threading.Event()
    try:
        slow = start_turn(lambda: release.wait(5) and "done")
        assert await wait_at_most(slow, 0.05) is False
        assert not slow.done() and not slow.cancelled()
        release.set()
        assert await wait_at_most(slow, 5) is True
        assert slow.result() == "done"
        assert await wait_at_most(slow, 0) is True  # already done: no wait at all
    finally:
        release.set()
        executor.shutdown(wait=True)


async def test_a_loop_without_turn_threads_uses_its_default_executor() -> None:
    plain = ThreadPoolExecutor(1, thread_name_prefix="plain")
    asyncio.get_running_loop().set_default_executor(plain)
    try:
        assert (await start_turn(lambda: threading.current_thread().name)).startswith("plain")
        with pytest.raises(LookupError):
            await start_turn(_boom)
    finally:
        plain.shutdown(wait=True)
