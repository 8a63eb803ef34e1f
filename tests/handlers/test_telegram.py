"""The Telegram webhook end to end: real Telegram update JSON in, PTB's real HTTP code out to a
fake Bot API server on a loopback port."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime, build_runtime
from bot.core.settings import Settings
from bot.delivery.worker import OutboxWorker
from handlers.telegram.sender import TelegramSender
from storage.outbox import OutboxMessage
from tests.conftest import FIXTURE_CORPUS
from tests.support.telegram_api import TOKEN, FakeBotApi
from tests.support.telegram_updates import (
    SECRET,
    STAFF_CHAT,
    post_update,
    telegram_settings,
    update,
)
from webhook import create_app

LI, ANNA = 5550001, 5550002


@pytest.fixture
def settings(settings: Settings, fake_api: FakeBotApi) -> Settings:
    """The shared test settings plus a bot token, webhook secret and the fake Bot API's URL."""
    return telegram_settings(settings, fake_api, telegram_staff_chat=STAFF_CHAT)


def _post(client: TestClient, name: str, **kw: Any) -> None:
    resp = post_update(client, update(name, **kw))
    assert resp.status_code == 200, resp.text


def _buttons(call: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, callback data) of a user's keyboard, the labels without their numbers "1. ",
    which must count up from 1 across the keyboard."""
    rows = call.get("reply_markup", {}).get("inline_keyboard", [])
    texts = [b["text"] for row in rows for b in row]
    assert [t.split(". ", 1)[0] for t in texts] == [str(i) for i in range(1, len(texts) + 1)]
    return [(b["text"].split(". ", 1)[1], b["callback_data"]) for row in rows for b in row]


def _raw_buttons(call: dict[str, Any]) -> list[tuple[str, str]]:
    rows = call.get("reply_markup", {}).get("inline_keyboard", [])
    return [(b["text"], b["callback_data"]) for row in rows for b in row]


def test_secret_token_is_required(client: TestClient, fake_api: FakeBotApi) -> None:
    data = update("text_zh")
    for secret in (None, "", "wrong-secret", SECRET + "x"):
        resp = post_update(client, data, secret=secret)
        assert resp.status_code == 403, secret
        assert "X-Telegram-Bot-Api-Secret-Token" in resp.json()["detail"]
    assert fake_api.calls_to("sendMessage") == []
    assert post_update(client, data).status_code == 200
    assert len(fake_api.calls_to("sendMessage")) == 1


def test_malformed_bodies_are_400(client: TestClient, fake_api: FakeBotApi) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    for body in (b"not json", b"\xff\xfe", b"[1, 2]", b'{"message": {}}', b'{"update_id": "7"}'):
        resp = client.post("/telegram/webhook", content=body, headers=headers)
        assert resp.status_code == 400, body
        assert "Update" in resp.json()["detail"]
    broken = {"update_id": 1, "message": {"message_id": 1, "text": "hi"}}  # no chat, no date
    resp = post_update(client, broken)
    assert resp.status_code == 400
    _post(client, "text_zh")  # still serving
    assert len(fake_api.calls_to("sendMessage")) == 1


def test_not_configured_is_404(tmp_path: Path, clock: FixedClock) -> None:
    plain = Settings(
        database_url=f"sqlite:///{tmp_path / 'plain.db'}",
        corpus_dir=FIXTURE_CORPUS,
        run_worker=False,
    )
    rt = build_runtime(plain, clock=clock)
    with TestClient(create_app(plain, runtime=rt)) as client:
        resp = post_update(client, update("text_zh"))
        assert resp.status_code == 404
        assert "TMBOT_TELEGRAM_TOKEN" in resp.json()["detail"]
    rt.engine.dispose()


def test_start_shows_welcome_and_menu_keyboard(client: TestClient, fake_api: FakeBotApi) -> None:
    assert fake_api.calls_to("getMe"), "the application is initialized in the lifespan"
    _post(client, "start_private")
    (sent,) = fake_api.calls_to("sendMessage")
    assert sent["chat_id"] == str(LI)
    assert "商标品牌指导站" in sent["text"]  # zh: the user's Telegram app is in Chinese
    buttons = _buttons(sent)
    assert ("续展", "menu:renewal") in buttons
    assert ("预约专家", "menu:book") in buttons and ("人工服务", "menu:human") in buttons


def test_start_in_english_for_an_english_client(client: TestClient, fake_api: FakeBotApi) -> None:
    _post(client, "start_private", update_id=1, **{"from": update("text_en")["message"]["from"]})
    sent = fake_api.calls_to("sendMessage")[0]
    assert "Trademark Brand Guidance Station" in sent["text"]
    assert ("Renewal", "menu:renewal") in _buttons(sent)


def test_question_answered_in_zh_and_en(client: TestClient, fake_api: FakeBotApi) -> None:
    _post(client, "text_zh")
    _post(client, "text_en")
    zh, en = fake_api.calls_to("sendMessage")[:2]
    assert zh["chat_id"] == str(LI) and "450元" in zh["text"]
    assert en["chat_id"] == str(ANNA) and "CNY 450" in en["text"]
    assert ("有用", "feedback:up") in _buttons(zh)
    assert ("Helpful", "feedback:up") in _buttons(en)
    # The related question is the numbered first button, not listed again in the text.
    (first, _), *_ = _raw_buttons(zh)
    assert first.startswith("1. ") and "相关问题" in zh["text"]
    assert first not in zh["text"] and first[3:] not in zh["text"]


def test_keyboard_choice_answers_edits_and_replies(
    client: TestClient, fake_api: FakeBotApi
) -> None:
    _post(client, "callback_faq")
    (answer,) = fake_api.calls_to("answerCallbackQuery")
    assert answer["callback_query_id"] == "2383421695878123456"
    (edit,) = fake_api.calls_to("editMessageText")
    assert (edit["chat_id"], edit["message_id"]) == (str(LI), "5001")
    assert edit["text"].endswith("✅ 商标续展什么时候办？")
    assert "reply_markup" not in edit  # the old buttons are gone
    (sent,) = fake_api.calls_to("sendMessage")
    assert "12个月" in sent["text"]
    order = [c.method for c in fake_api.calls if c.method != "getMe"]
    assert order == ["answerCallbackQuery", "editMessageText", "sendMessage"]


def test_duplicate_update_is_answered_once(client: TestClient, fake_api: FakeBotApi) -> None:
    for _ in range(3):
        _post(client, "text_zh")
    assert len(fake_api.calls_to("sendMessage")) == 1
    for _ in range(2):
        _post(client, "callback_faq")
    assert len(fake_api.calls_to("editMessageText")) == 1
    assert len(fake_api.calls_to("sendMessage")) == 2


def test_commands_help_book_human(client: TestClient, fake_api: FakeBotApi) -> None:
    _post(client, "help_private")
    _post(client, "book_private")
    _post(client, "book_private", update_id=2, text="/human")
    _post(client, "book_private", update_id=3, text="/cancel")
    help_text, book, human, cancel = fake_api.sent_texts()
    assert "菜单" in help_text
    for text in (book, human, cancel):
        assert "答不上来" not in text  # not mistaken for a question


def test_non_text_updates_never_crash(
    client: TestClient, fake_api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff: list[int] = []

    async def hook(upd: Any, runtime: Runtime) -> None:
        staff.append(upd.update_id)

    monkeypatch.setattr("handlers.telegram.adapter.handle_staff_message", hook)
    for name in ("photo", "sticker", "voice", "document"):
        _post(client, name)
    asks = fake_api.sent_texts()
    assert len(asks) == 4 and all("文字" in t for t in asks)  # "please type your question"
    fake_api.clear()
    _post(client, "photo_caption")
    assert "450元" in fake_api.sent_texts()[0]  # the caption is the question
    fake_api.clear()
    ignored = ("edited_message", "channel_post", "service_pinned", "group_new_members")
    for name in (*ignored, "group_text", "blocked", "staff_message"):
        _post(client, name)
    assert fake_api.calls_to("sendMessage") == []
    assert staff == [700000019]
    _post(client, "group_added")
    _post(client, "group_start")
    _post(client, "group_start")  # a retry
    notes = fake_api.calls_to("sendMessage")
    assert len(notes) == 2 and {n["chat_id"] for n in notes} == {"-1001987654321"}
    assert all("https://t.me/tmbot_test_bot" in n["text"] for n in notes)


def test_blocked_user_is_not_retried(
    client: TestClient, fake_api: FakeBotApi, runtime: Runtime
) -> None:
    fake_api.blocked()
    _post(client, "text_zh")
    assert len(fake_api.calls_to("sendMessage")) == 1
    with Session(runtime.engine) as session:
        assert session.exec(select(OutboxMessage)).all() == []


def test_flood_control_moves_replies_to_the_outbox(
    client: TestClient, fake_api: FakeBotApi, runtime: Runtime, clock: FixedClock
) -> None:
    fake_api.flood(30)
    _post(client, "text_zh")
    with Session(runtime.engine) as session:
        (row,) = session.exec(select(OutboxMessage)).all()
    assert (row.sender, row.recipient, row.status) == ("telegram", str(LI), "pending")
    assert row.next_attempt_at == clock.now() + dt.timedelta(seconds=30)
    assert {"label": "有用", "payload": "feedback:up"} in row.payload["choices"]
    worker = OutboxWorker(
        runtime.engine, {"telegram": TelegramSender(runtime.settings, runtime.engine)}, clock
    )
    assert worker.run_once() == 0  # not before retry_after
    clock.at += dt.timedelta(seconds=31)
    assert worker.run_once() == 1
    first, second = fake_api.calls_to("sendMessage")
    assert first["text"] == second["text"] and "450元" in second["text"]
    assert ("有用", "feedback:up") in _buttons(second)


def test_handler_errors_are_logged_with_traceback(
    client: TestClient,
    fake_api: FakeBotApi,
    runtime: Runtime,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def boom(_inbound: Any) -> Any:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(runtime.conversation, "handle_turn", boom)
    with caplog.at_level(logging.ERROR, logger="handlers.telegram.adapter"):
        _post(client, "text_zh")
    (record,) = [r for r in caplog.records if "Exception while handling" in r.message]
    assert record.exc_info and "database on fire" in str(record.exc_info[1])
    (apology,) = fake_api.sent_texts()
    assert "出了点问题" in apology and "went wrong" in apology
    assert TOKEN not in caplog.text
