"""Fixtures of the channel adapter tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime, build_runtime
from bot.core.settings import Settings
from tests.support.telegram_api import FakeBotApi
from tests.support.telegram_updates import STAFF_CHAT, telegram_settings
from tests.support.wechat import FakeWeChatApi, WeChatRules
from tests.support.wechat_app import running_api, wechat_station
from webhook import create_app


@pytest.fixture
def fake_api() -> Iterator[FakeBotApi]:
    """A local fake of Telegram's Bot API, answering over HTTP like the real one."""
    with FakeBotApi() as fake:
        yield fake


@pytest.fixture
def telegram_rt(settings: Settings, clock: FixedClock, fake_api: FakeBotApi) -> Iterator[Runtime]:
    """A runtime with the Telegram channel on the fake Bot API and the staff group set."""
    configured = telegram_settings(settings, fake_api, telegram_staff_chat=STAFF_CHAT)
    runtime = build_runtime(configured, clock=clock)
    yield runtime
    runtime.engine.dispose()


@pytest.fixture
def telegram_client(telegram_rt: Runtime) -> Iterator[TestClient]:
    """A TestClient on the app of `telegram_rt` (its worker at `client.app.state.worker`)."""
    with TestClient(create_app(telegram_rt.settings, runtime=telegram_rt)) as client:
        yield client


@pytest.fixture
def rules(clock: FixedClock) -> WeChatRules:
    """WeChat's own rules (window, limits, consents) on the test clock."""
    return WeChatRules(now=clock.now)


@pytest.fixture
def api(rules: WeChatRules) -> Iterator[FakeWeChatApi]:
    """The fake WeChat API enforcing `rules`."""
    with running_api() as fake:
        fake.rules = rules
        yield fake


@pytest.fixture
def wx(
    settings: Settings, clock: FixedClock, api: FakeWeChatApi
) -> Iterator[tuple[TestClient, Runtime]]:
    """The app on WeChat against `api`, with a public URL and a staff-reply notice template."""
    with wechat_station(
        settings,
        clock,
        api,
        wechat_template_reply="tmpl-staff-reply",
        public_url="https://tmbot.example.cn",
    ) as station:
        yield station
