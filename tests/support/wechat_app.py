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
from tests.support.handoff import with_notifiers
from tests.support.wechat import APPID, OPENID, TOKEN, FakeWeChatApi, WeChatRules, Wire, text_xml
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


@contextmanager
def wechat_station(
    settings: Settings, clock: FixedClock, api: FakeWeChatApi, **overrides: Any
) -> Iterator[tuple[TestClient, Runtime]]:
    """The app on WeChat (no staff notifiers unless `overrides` set them) with a WeChatSender on
    the test clock registered on its worker."""
    from handlers.wechat.sender import WeChatSender

    quiet = {"smtp_host": "", "telegram_staff_chat": None, "wecom_webhook_url": ""}
    notifiers = {k: overrides.pop(k) for k in list(overrides) if k in quiet}
    configured = wechat_settings(
        with_notifiers(settings, **{**quiet, **notifiers}), api, **overrides
    )
    with app_client(configured, clock) as (client, runtime):
        worker = client.app.state.worker  # type: ignore[attr-defined]
        worker.register(WeChatSender(configured, runtime.engine, clock=clock))
        yield client, runtime


def user_says(client: TestClient, clock: FixedClock, rules: WeChatRules, text: str, n: int) -> str:
    """The user sends `text` (message id `n`) as WeChat would; the passive reply or "success"."""
    rules.user_wrote(OPENID, clock.now())
    wire = Wire(client, timestamp=int(clock.now().timestamp()))
    resp = wire.post(text_xml(text, msg_id=n, at=wire.timestamp))
    return resp.text if resp.text == "success" else str(wire.reply(resp).get("Content", ""))


def received(rules: WeChatRules) -> list[str]:
    """What the test user received through WeChat's API, in order."""
    return [text for openid, text in rules.received if openid == OPENID]


def run_worker(client: TestClient) -> None:
    """One pass of the app's outbox worker."""
    client.app.state.worker.run_once()  # type: ignore[attr-defined]
