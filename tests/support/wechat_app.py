"""The app with the WeChat channel on, for tests: settings, a client, row counts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime, build_runtime
from bot.core.settings import Settings
from tests.support.wechat import APPID, TOKEN, FakeWeChatApi
from webhook import create_app


def wechat_settings(base: Settings, api: FakeWeChatApi, **overrides: Any) -> Settings:
    """`base` with the WeChat channel on, talking to the fake API."""
    values: dict[str, Any] = {
        "wechat_token": SecretStr(TOKEN),
        "wechat_appid": APPID,
        "wechat_secret": SecretStr("test-app-secret"),
        "wechat_api_url": api.url,
        "wechat_reply_budget": 4.0,
    }
    values.update(overrides)
    for key in ("wechat_token", "wechat_secret", "wechat_aes_key"):
        if isinstance(values.get(key), str):
            values[key] = SecretStr(values[key])
    return base.model_copy(update=values)


@contextmanager
def app_client(settings: Settings, clock: FixedClock) -> Iterator[tuple[TestClient, Runtime]]:
    """A TestClient on an app for `settings` (its own runtime)."""
    runtime = build_runtime(settings, clock=clock)
    try:
        with TestClient(create_app(settings, runtime=runtime)) as client:
            yield client, runtime
    finally:
        runtime.engine.dispose()


def count(runtime: Runtime, model: type[SQLModel]) -> int:
    """Rows in `model`'s table."""
    with Session(runtime.engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


@contextmanager
def running_api() -> Iterator[FakeWeChatApi]:
    """The fake WeChat API server, stopped afterwards."""
    api = FakeWeChatApi().start()
    try:
        yield api
    finally:
        api.stop()
