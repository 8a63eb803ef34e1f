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
from tests.support.telegram_api import BOT_USER, TOKEN, FakeBotApi

__all__ = ("SECRET", "STAFF_CHAT", "post_update", "staff_photo", "staff_reply", "update")

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
        # No pacing waits: the fake does not rate-limit by time (pacing has its own tests).
        "telegram_chat_interval": 0.0,
        "telegram_group_interval": 0.0,
        **extra,
    }
    return settings.model_copy(update=update)


def staff_reply(update_id: int, replied_text: str, **message: Any) -> dict[str, Any]:
    """A staff-group message (fields `message`) replying to the bot's message `replied_text`
    (a ticket notice or confirmation)."""
    replied = {
        "message_id": 9001,
        "from": BOT_USER,
        "chat": {"id": STAFF_CHAT, "title": "指导站工作人员", "type": "supergroup"},
        "date": 1795572000,
        "text": replied_text,
    }
    data = update("staff_message", update_id=update_id, reply_to_message=replied)
    data["message"].update(message)
    return data


def staff_photo(
    update_id: int, replied_text: str, file_id: str, size: int, caption: str = ""
) -> dict[str, Any]:
    """A photo staff send in the group as a reply to the bot's message `replied_text`."""
    data = staff_reply(update_id, replied_text, caption=caption)
    data["message"].pop("text")
    data["message"]["photo"] = [
        {"file_id": file_id, "file_unique_id": f"AQAD{file_id[-6:]}", "file_size": size,
         "width": 640, "height": 480}
    ]  # fmt: skip
    return data
