"""Telegram delivery (issue 22, findings 9 and 10) against the fake Bot API: a split staff reply
meeting a 429 re-sends only the part that was refused, answers never overtake what a 429
queued, button answers are retried, a blocked user is told to the staff group at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime, build_runtime
from bot.core.settings import Settings
from bot.handoff import helpdesk
from storage.tickets import get_ticket
from tests.support.accounts import login, make_account
from tests.support.handoff import tickets
from tests.support.telegram_api import FakeBotApi
from tests.support.telegram_updates import STAFF_CHAT, post_update, telegram_settings, update
from webhook import create_app

LI = 5550001
NUMBER = "T-2026-000001"


@pytest.fixture
def rt(settings: Settings, clock: FixedClock, fake_api: FakeBotApi) -> Iterator[Runtime]:
    configured = telegram_settings(settings, fake_api, telegram_staff_chat=STAFF_CHAT)
    runtime = build_runtime(configured, clock=clock)
    yield runtime
    runtime.engine.dispose()


@pytest.fixture
def app(rt: Runtime) -> FastAPI:
    return create_app(rt.settings, runtime=rt)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def _escalate(client: TestClient, app: FastAPI) -> None:
    post_update(client, update("text_zh", update_id=1, text="转人工，我的商标被经销商抢注了"))
    app.state.worker.run_once()


def _staff_reply(rt: Runtime, text: str) -> None:
    with Session(rt.engine) as session:
        ticket = get_ticket(session=session, number=NUMBER)
        assert ticket is not None
        helpdesk.reply(
            session=session, ticket=ticket, staff="wang", text=text, now=rt.conversation.clock.now()
        )
        session.commit()


def _to_staff(fake: FakeBotApi) -> list[str]:
    return [p["text"] for p in fake.calls_to("sendMessage") if p["chat_id"] == str(STAFF_CHAT)]


def test_a_429_on_part_two_of_a_long_reply_resends_only_part_two(
    client: TestClient, app: FastAPI, rt: Runtime, fake_api: FakeBotApi, clock: FixedClock
) -> None:
    _escalate(client, app)
    body = "\n".join(f"{i:03d} " + "请准备注册证、营业执照和委托书。" * 6 for i in range(80))
    _staff_reply(rt, body)
    before = len(fake_api.received(LI))
    fake_api.fail("sendMessage", 0, "")  # part 1 goes through
    fake_api.flood(30)  # part 2: Too Many Requests, retry after 30 s
    app.state.worker.run_once()
    assert len(fake_api.received(LI)) == before + 1
    assert tickets(rt)[0].first_response_at is not None  # part 1 reached the user
    clock.at += dt.timedelta(seconds=31)
    app.state.worker.run_once()
    got = fake_api.received(LI)[before:]
    assert len(got) == 3 and len(set(got)) == 3
    assert "\n".join(got) == "【工作人员】" + body
    assert any("已送达 / delivered: T-2026-000001" in t for t in _to_staff(fake_api))


def test_an_answer_waits_behind_what_a_429_queued(
    client: TestClient, app: FastAPI, rt: Runtime, fake_api: FakeBotApi, clock: FixedClock
) -> None:
    post_update(client, update("text_zh", update_id=1, text="续展要交多少钱"))
    fake_api.flood(30)
    post_update(client, update("text_zh", update_id=2, text="马德里注册要多久"))
    sent = len(fake_api.calls_to("sendMessage"))
    refused = fake_api.calls_to("sendMessage")[-1]["text"]  # answered 429
    post_update(client, update("text_zh", update_id=3, text="你好"))  # must not overtake
    assert len(fake_api.calls_to("sendMessage")) == sent
    clock.at += dt.timedelta(seconds=31)
    app.state.worker.run_once()
    got = fake_api.received(LI)
    assert len(got) == len(set(got)) == 3
    assert "450" in got[0] and got[1] == refused  # in the order the user asked


def test_button_answers_and_edits_are_retried(client: TestClient, fake_api: FakeBotApi) -> None:
    post_update(client, update("text_zh", update_id=1, text="续展要交多少钱"))
    fake_api.fail("answerCallbackQuery", 502, "Bad Gateway")
    fake_api.fail("editMessageText", 502, "Bad Gateway")
    press: dict[str, Any] = update("callback_faq", update_id=2)
    post_update(client, press)
    assert len(fake_api.calls_to("answerCallbackQuery")) == 2  # retried after the 502
    edits = fake_api.calls_to("editMessageText") + fake_api.calls_to("editMessageReplyMarkup")
    assert len(edits) >= 2


def test_a_blocked_user_is_told_to_the_staff_group_at_once(
    client: TestClient, app: FastAPI, rt: Runtime, fake_api: FakeBotApi
) -> None:
    _escalate(client, app)
    fake_api.blocked_chats.add(LI)
    _staff_reply(rt, "在吗？")
    app.state.worker.run_once()
    failed = [t for t in _to_staff(fake_api) if "发送失败" in t]
    assert failed and NUMBER in failed[0] and "blocked by the user" in failed[0]
    assert tickets(rt)[0].first_response_at is None


def test_a_photo_sent_during_a_handoff_is_fetched_and_attached(
    client: TestClient, app: FastAPI, rt: Runtime, fake_api: FakeBotApi
) -> None:
    """Finding 10: photos and files reach staff, not only a caption."""
    _escalate(client, app)
    photo = update("photo", update_id=40)
    largest = photo["message"]["photo"][-1]["file_id"]
    fake_api.files[largest] = b"\x89PNG fake photo"
    post_update(client, photo)
    assert "文件已转给工作人员" in fake_api.received(LI)[-1]
    app.state.worker.run_once()
    assert fake_api.calls_to("getFile")[0]["file_id"] == largest
    assert any("📎 [photo]" in t for t in _to_staff(fake_api))
    make_account(rt, "wang", role="staff")
    login(client, "wang")
    page = client.get(f"/staff/tickets/{NUMBER}").text
    link = page.split(f'href="/staff/tickets/{NUMBER}/files/')[1].split('"')[0]
    assert client.get(f"/staff/tickets/{NUMBER}/files/{link}").content == b"\x89PNG fake photo"
