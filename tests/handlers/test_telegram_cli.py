"""`tmbot telegram set-webhook / webhook-info / poll` against the fake Bot API."""

from __future__ import annotations

import asyncio

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from bot.core.runtime import Runtime
from bot.core.settings import Settings, get_settings
from handlers.cli.app import app
from handlers.cli.telegram import poll_until
from tests.support.telegram_api import TOKEN, FakeBotApi
from tests.support.telegram_updates import SECRET, update

runner = CliRunner()


@pytest.fixture
def env(cli_env: Settings, fake_api: FakeBotApi, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMBOT_TELEGRAM_TOKEN", TOKEN)
    monkeypatch.setenv("TMBOT_TELEGRAM_SECRET", SECRET)
    monkeypatch.setenv("TMBOT_TELEGRAM_API_URL", fake_api.base_url)


def test_set_webhook_registers_url_secret_and_commands(env: None, fake_api: FakeBotApi) -> None:
    result = runner.invoke(app, ["telegram", "set-webhook", "https://bot.example.com"])
    assert result.exit_code == 0, result.output
    (hook,) = fake_api.calls_to("setWebhook")
    assert hook["url"] == "https://bot.example.com/telegram/webhook"
    assert hook["secret_token"] == SECRET
    assert hook["allowed_updates"] == ["message", "callback_query", "my_chat_member"]
    default, zh = fake_api.calls_to("setMyCommands")
    assert {c["command"] for c in default["commands"]} == {
        "start",
        "help",
        "book",
        "human",
        "lang",
        "cancel",
    }
    assert zh["language_code"] == "zh" and zh["commands"][0]["description"] == "开始 / 服务菜单"
    assert TOKEN not in result.output


def test_set_webhook_explains_what_is_missing(
    env: None, fake_api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_api.fail("setWebhook", 400, "Bad Request: bad webhook: An HTTPS URL must be provided")
    result = runner.invoke(app, ["telegram", "set-webhook", "http://bot.example.com/hook"])
    assert result.exit_code == 1 and "https url must be provided" in result.output.lower()
    result = runner.invoke(app, ["telegram", "set-webhook", "bot.example.com"])
    assert result.exit_code != 0 and "absolute URL" in result.output
    monkeypatch.delenv("TMBOT_TELEGRAM_SECRET")
    get_settings.cache_clear()
    result = runner.invoke(app, ["telegram", "set-webhook", "https://bot.example.com"])
    assert result.exit_code == 1 and "TMBOT_TELEGRAM_SECRET" in result.output
    monkeypatch.delenv("TMBOT_TELEGRAM_TOKEN")
    get_settings.cache_clear()
    result = runner.invoke(app, ["telegram", "poll"])
    assert result.exit_code == 1 and "TMBOT_TELEGRAM_TOKEN" in result.output


def test_webhook_info(env: None, fake_api: FakeBotApi) -> None:
    result = runner.invoke(app, ["telegram", "webhook-info"])
    assert result.exit_code == 0, result.output
    assert "@tmbot_test_bot" in result.output and "pending updates: 0" in result.output


async def test_polling_runs_the_same_handlers(
    runtime: Runtime, settings: Settings, fake_api: FakeBotApi
) -> None:
    runtime.settings = settings.model_copy(
        update={"telegram_token": SecretStr(TOKEN), "telegram_api_url": fake_api.base_url}
    )
    fake_api.updates.append(update("start_private"))
    fake_api.updates.append(update("text_zh"))
    stop = asyncio.Event()
    task = asyncio.create_task(poll_until(runtime, stop, poll_interval=0.05))
    await asyncio.to_thread(fake_api.wait_for, "sendMessage", 2)
    stop.set()
    await asyncio.wait_for(task, 10)
    welcome, answer = fake_api.sent_texts()
    assert "商标品牌指导站" in welcome and "450元" in answer
    assert fake_api.calls_to("deleteWebhook"), "polling replaces a webhook"


def test_check_reports_whether_the_bot_can_read_the_staff_group(
    env: None, fake_api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding 7: privacy mode and membership are reported, not discovered by lost messages."""
    monkeypatch.setenv("TMBOT_TELEGRAM_STAFF_CHAT", "-1001234567890")
    get_settings.cache_clear()
    result = runner.invoke(app, ["telegram", "check"])
    assert result.exit_code == 0, result.output
    assert "privacy mode: on" in result.output and "sees replies to its messages" in result.output
    assert fake_api.calls_to("getChatMember")[0]["chat_id"] == "-1001234567890"
    fake_api.member_status = "administrator"
    assert "reads every message" in runner.invoke(app, ["telegram", "check"]).output
    fake_api.member_status = "left"
    result = runner.invoke(app, ["telegram", "check"])
    assert result.exit_code == 1 and "not a member" in result.output
    result = runner.invoke(app, ["telegram", "set-webhook", "https://bot.example.com"])
    assert "/setprivacy" in result.output
