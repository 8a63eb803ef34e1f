"""`tmbot wechat menu` against the fake WeChat API."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from bot.core.settings import Settings, get_settings
from handlers.cli.app import app
from handlers.cli.wechat import MENU
from tests.support.wechat import APPID, FakeWeChatApi
from tests.support.wechat_app import running_api

runner = CliRunner()


@pytest.fixture
def wechat_api() -> Iterator[FakeWeChatApi]:
    with running_api() as api:
        yield api


@pytest.fixture
def env(cli_env: Settings, wechat_api: FakeWeChatApi, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMBOT_WECHAT_APPID", APPID)
    monkeypatch.setenv("TMBOT_WECHAT_SECRET", "cli-secret")
    monkeypatch.setenv("TMBOT_WECHAT_API_URL", wechat_api.url)


def test_menu_is_pushed(env: None, wechat_api: FakeWeChatApi) -> None:
    result = runner.invoke(app, ["wechat", "menu"])
    assert result.exit_code == 0, result.output
    assert wechat_api.paths() == ["/cgi-bin/token", "/cgi-bin/menu/create"]
    (menu,) = wechat_api.sent("/cgi-bin/menu/create")
    assert menu == MENU
    buttons = menu["button"]
    assert len(buttons) <= 3  # WeChat's limit of top-level buttons
    keys = [b.get("key") for b in buttons] + [s["key"] for s in buttons[0]["sub_button"]]
    assert set(keys) - {None} == {
        "menu:registration",
        "menu:renewal",
        "menu:madrid",
        "menu:book",
        "menu:human",
    }
    names = [b["name"] for b in buttons] + [s["name"] for s in buttons[0]["sub_button"]]
    for name in ("注册", "续展", "马德里", "预约专家", "人工服务"):
        assert name in names
    assert all(len(b["name"].encode()) <= 16 for b in buttons)


def test_menu_refused_by_wechat(env: None, wechat_api: FakeWeChatApi) -> None:
    wechat_api.errors["/cgi-bin/menu/create"] = [40018]
    result = runner.invoke(app, ["wechat", "menu"])
    assert result.exit_code == 1 and "40018" in result.output


def test_dry_run_prints_the_menu(env: None, wechat_api: FakeWeChatApi) -> None:
    result = runner.invoke(app, ["wechat", "menu", "--dry-run"])
    assert result.exit_code == 0 and json.loads(result.output) == MENU
    assert wechat_api.calls == []


def test_menu_needs_credentials(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMBOT_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["wechat", "menu"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2 and "TMBOT_WECHAT_APPID" in result.output
