"""Recorded Telegram updates (tests/fixtures/telegram/*.json) and a helper to post them."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from pydantic import SecretStr

from bot.core.settings import Settings
from tests.support.telegram_api import TOKEN, FakeBotApi

__all__ = ("SECRET", "STAFF_CHAT", "post_update", "update")

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "telegram"
SECRET = "s3cret-webhook_token"
STAFF_CHAT = -1001111111111


@cache
def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return data


def update(name: str, *, update_id: int | None = None, **message: Any) -> dict[str, Any]:
    """A copy of fixture `name`; `update_id` and message fields (e.g. text=...) replaced."""
    data = copy.deepcopy(_load(name))
    if update_id is not None:
        data["update_id"] = update_id
    if message:
        data["message"].update(message)
    return data


def post_update(client: TestClient, data: dict[str, Any], secret: str | None = SECRET) -> Any:
    """POST an update to the webhook as Telegram does."""
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return client.post("/telegram/webhook", json=data, headers=headers)


def telegram_settings(settings: Settings, fake: FakeBotApi, **extra: object) -> Settings:
    """`settings` with a bot token, the webhook secret and the fake Bot API's URL (+ `extra`)."""
    update: dict[str, object] = {
        "telegram_token": SecretStr(TOKEN),
        "telegram_secret": SecretStr(SECRET),
        "telegram_api_url": fake.base_url,
        **extra,
    }
    return settings.model_copy(update=update)
