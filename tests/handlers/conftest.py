"""Fixtures of the channel adapter tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.telegram_api import FakeBotApi


@pytest.fixture
def fake_api() -> Iterator[FakeBotApi]:
    """A local fake of Telegram's Bot API, answering over HTTP like the real one."""
    with FakeBotApi() as fake:
        yield fake
