"""A worker runs at most `TMBOT_TURN_THREADS` turns at once, web chat and WeChat together, so
its turns never need more database connections than its pool holds."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from bot.core.ports import FixedClock
from bot.core.settings import Settings
from handlers.web.threads import bound_threads
from tests.support.wechat import OPENID, FakeWeChatApi, Wire, text_xml
from tests.support.wechat_app import app_client, running_api, wechat_settings


class _InFlight:
    """Counts the turns running at the same moment (each held a little, so they overlap)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = self.most = 0

    def wrap(self, handle_turn: Any) -> Any:
        def counted(*args: Any, **kwargs: Any) -> Any:
            with self.lock:
                self.now += 1
                self.most = max(self.most, self.now)
            try:
                time.sleep(0.15)
                return handle_turn(*args, **kwargs)
            finally:
                with self.lock:
                    self.now -= 1

        return counted


@pytest.fixture
def wechat_api() -> Iterator[FakeWeChatApi]:
    with running_api() as api:
        yield api


@pytest.mark.parametrize("threads", [2, 3])
def test_web_chat_and_wechat_turns_share_one_bound(
    settings: Settings, clock: FixedClock, wechat_api: FakeWeChatApi, threads: int
) -> None:
    configured = wechat_settings(settings, wechat_api, turn_threads=threads)
    with app_client(configured, clock) as (client, runtime):
        in_flight = _InFlight()
        conversation = runtime.conversation
        conversation.handle_turn = in_flight.wrap(conversation.handle_turn)  # type: ignore[method-assign]
        wire = Wire(client)

        def chat(i: int) -> int:
            return client.post("/api/chat", json={"text": f"续展费用 {i}"}).status_code

        def wechat(i: int) -> int:
            xml = text_xml("续展要多少钱", msg_id=9_100_000 + i, openid=f"{OPENID}{i}")
            return wire.post(xml).status_code

        with ThreadPoolExecutor(12) as pool:
            statuses = list(pool.map(lambda i: (chat if i % 2 else wechat)(i), range(12)))
        assert statuses == [200] * 12
        # Twelve requests arrived together; never more than `threads` turns ran at once, and
        # the bound was reached (the turns did overlap).
        assert in_flight.most == threads


def test_the_bound_defaults_to_half_the_pool(settings: Settings) -> None:
    # Turns and the other blocking requests each get `turn_threads`: together the pool.
    assert Settings().turn_threads * 2 == Settings().db_pool_size


def test_a_pool_smaller_than_the_bound_is_reported(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    async def start(pool: int) -> None:
        configured = settings.model_copy(
            update={
                "database_url": "postgresql+psycopg://tmbot@127.0.0.1:1/nothing",
                "db_pool_size": pool,
                "turn_threads": 6,
            }
        )
        bound_threads(configured).shutdown()

    with caplog.at_level(logging.WARNING, logger="handlers.web.threads"):
        asyncio.run(start(12))
        assert not caplog.records
        asyncio.run(start(11))
    assert "below 2 x TMBOT_TURN_THREADS=6" in caplog.text
