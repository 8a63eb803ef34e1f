"""The staff console end to end on the web channel: a web user escalates, WeCom and e-mail tell
staff (faked at the HTTP and SMTP boundaries), a signed-in staff member claims and replies, and
the user's page receives the reply through /api/chat/updates."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update as sa_update

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime, build_runtime
from bot.core.settings import Settings
from bot.handoff.alias import user_alias
from bot.handoff.sweep import sweep
from storage.outbox import OutboxMessage
from tests.support.accounts import login, make_account
from tests.support.handoff import tickets, with_notifiers
from tests.support.smtp_sink import SmtpSink
from tests.support.web import as_visitor, visitor_id
from tests.support.wecom import FakeWeCom
from webhook import create_app


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with SmtpSink() as smtp:
        yield smtp


@pytest.fixture
def wecom() -> FakeWeCom:
    return FakeWeCom()


@pytest.fixture
def rt(settings: Settings, clock: FixedClock, sink: SmtpSink) -> Iterator[Runtime]:
    configured = with_notifiers(settings, smtp_port=sink.port, telegram_staff_chat=None)
    runtime = build_runtime(configured, clock=clock)
    yield runtime
    runtime.engine.dispose()


@pytest.fixture
def app(rt: Runtime) -> FastAPI:
    return create_app(rt.settings, runtime=rt)


@pytest.fixture
def web(app: FastAPI, rt: Runtime, wecom: FakeWeCom) -> Iterator[TestClient]:
    with TestClient(app) as client:
        app.state.worker.register(wecom.sender(rt.settings))  # the real sender, fake robot
        yield client


def _chat(client: TestClient, text: str) -> str:
    as_visitor(client, client.app.state.runtime.settings, "webuser-0001")
    resp = client.post("/api/chat", json={"text": text})
    assert resp.status_code == 200, resp.text
    return "\n".join(r["text"] for r in resp.json()["replies"])


def _updates(client: TestClient) -> list[dict[str, object]]:
    as_visitor(client, client.app.state.runtime.settings, "webuser-0001")
    resp = client.get("/api/chat/updates")
    assert resp.status_code == 200
    return list(resp.json())


def test_web_user_to_staff_and_back(
    web: TestClient, app: FastAPI, rt: Runtime, wecom: FakeWeCom, sink: SmtpSink
) -> None:
    _chat(web, "续展要交多少钱")
    _chat(web, "没用")  # the answer did not help: the question goes to staff
    assert "工单号 T-2026-000001" in _chat(web, "人工")
    app.state.worker.run_once()
    assert "T-2026-000001" in wecom.texts()[0] and "续展要交多少钱" in wecom.texts()[0]
    assert sorted(m["To"] for m in sink.messages) == [
        "duty@station.example.cn",
        "lead@station.example.cn",
    ]

    make_account(rt, "wang", role="staff")
    token = login(web, "wang")
    queue = web.get("/staff/tickets")
    assert (
        queue.status_code == 200
        and "T-2026-000001" in queue.text
        and "续展要交多少钱" in queue.text
    )
    page = web.get("/staff/tickets/T-2026-000001").text
    assert "续展官费每类" in page and "人工" in page  # the transcript before escalation
    # Staff and notices see a per-ticket alias, never the visitor's id (their identity).
    alias = user_alias(tickets(rt)[0])
    visitor = visitor_id("webuser-0001")
    assert re.fullmatch(r"U-[0-9A-Z]{4}", alias) and alias in page and visitor not in page
    assert alias in wecom.texts()[0] and visitor[:8] not in wecom.texts()[0]
    assert all(visitor[:8] not in m.as_string() for m in sink.messages)
    assert page.count("已送达 sent") == 3  # WeCom + two e-mails

    resp = web.post("/staff/tickets/T-2026-000001/claim", data={"csrf_token": token})
    assert resp.status_code == 200 and "已认领" in resp.text  # redirected back, flash shown
    web.post(
        "/staff/tickets/T-2026-000001/reply",
        data={"csrf_token": token, "text": "您好，续展可以在网上办理，我把链接发给您。"},
    )
    assert _updates(web) == []  # queued, not yet delivered
    app.state.worker.run_once()
    [update] = _updates(web)
    assert update["text"] == "【工作人员】您好，续展可以在网上办理，我把链接发给您。"
    assert update["who"] == "staff"  # the page marks staff replies (not who by name)

    assert "工作人员会在这里回复您" in _chat(web, "好的，谢谢，链接在哪里？")
    ticket_page = web.get("/staff/tickets/T-2026-000001").text
    assert "好的，谢谢，链接在哪里？" in ticket_page and "【工作人员】您好" in ticket_page
    assert tickets(rt)[0].status == "claimed"  # the user wrote: staff's turn again

    web.post(
        "/staff/tickets/T-2026-000001/resolve",
        data={"csrf_token": token, "note": "已发送续展网址 sbj.cnipa.gov.cn"},
    )
    app.state.worker.run_once()
    assert "请为本次人工服务打分" in str(_updates(web)[-1]["text"])
    assert "谢谢您的评价" in _chat(web, "5")
    ticket = tickets(rt)[0]
    assert (ticket.status, ticket.rating, ticket.claimed_by) == ("closed", 5, "wang")
    assert ticket.first_response_at is not None and not ticket.breached(ticket.created_at)
    assert "450元" in _chat(web, "续展要交多少钱")  # the bot answers again


def test_console_needs_a_staff_login(web: TestClient, rt: Runtime) -> None:
    resp = web.get("/staff/tickets", follow_redirects=False)
    assert resp.status_code == 303 and resp.headers["location"].startswith("/login")
    make_account(rt, "zhao", role="expert")
    login(web, "zhao")
    assert web.get("/staff/tickets").status_code == 403


def test_forms_need_the_csrf_token(web: TestClient, rt: Runtime) -> None:
    _chat(web, "转人工，商标被抢注")
    make_account(rt, "wang", role="staff")
    login(web, "wang")
    resp = web.post("/staff/tickets/T-2026-000001/claim", data={"csrf_token": "forged"})
    assert resp.status_code == 403 and tickets(rt)[0].status == "open"


def test_second_claim_is_refused_politely(app: FastAPI, rt: Runtime, web: TestClient) -> None:
    _chat(web, "转人工，商标被抢注")
    make_account(rt, "wang", role="staff")
    make_account(rt, "li", role="staff")
    with TestClient(app) as other:
        token_li = login(other, "li")
        token_wang = login(web, "wang")
        web.post("/staff/tickets/T-2026-000001/claim", data={"csrf_token": token_wang})
        resp = other.post("/staff/tickets/T-2026-000001/claim", data={"csrf_token": token_li})
    assert "已被 wang 认领" in resp.text
    assert tickets(rt)[0].claimed_by == "wang"


def test_queue_filters_and_canned_replies(web: TestClient, rt: Runtime, clock: FixedClock) -> None:
    _chat(web, "转人工，商标被抢注")
    make_account(rt, "wang", role="staff")
    token = login(web, "wang")
    assert "T-2026-000001" not in web.get("/staff/tickets?breached=true").text
    clock.at = clock.at.replace(hour=5)  # 13:00 at the station: past the 12:00 due time
    late = web.get("/staff/tickets?breached=true").text
    assert "T-2026-000001" in late and "超时 late" in late
    assert "T-2026-000001" not in web.get("/staff/tickets?channel=telegram").text
    assert "T-2026-000001" not in web.get("/staff/tickets?status=closed").text
    page = web.get("/staff/tickets/T-2026-000001").text
    assert "为了准确答复，请提供商标名称" in page  # canned replies in the user's language
    web.post("/staff/tickets/T-2026-000001/reply", data={"csrf_token": token, "canned": "greet"})
    assert tickets(rt)[0].status == "waiting_user"


def test_pending_notifications_are_shown_then_delivered_once(
    web: TestClient, app: FastAPI, rt: Runtime, wecom: FakeWeCom
) -> None:
    wecom.script = [httpx.Response(502)]
    _chat(web, "转人工，商标被抢注")
    app.state.worker.run_once()
    make_account(rt, "wang", role="staff")
    login(web, "wang")
    assert "pending 1" in web.get("/staff/tickets").text
    page = web.get("/staff/tickets/T-2026-000001").text
    assert "待发 pending" in page and "wecom: HTTP 502" in page
    with app.state.worker.engine.begin() as conn:  # skip the 5 s backoff
        conn.execute(sa_update(OutboxMessage).values(next_attempt_at=rt.conversation.clock.now()))
    app.state.worker.run_once()
    assert len(wecom.posts) == 1
    assert "pending" not in web.get("/staff/tickets").text


def test_resolve_needs_a_note_and_reopen_returns_to_staff(
    web: TestClient, app: FastAPI, rt: Runtime
) -> None:
    _chat(web, "转人工，商标被抢注")
    make_account(rt, "wang", role="staff")
    token = login(web, "wang")
    resp = web.post("/staff/tickets/T-2026-000001/resolve", data={"csrf_token": token, "note": " "})
    assert "请填写处理说明" in resp.text and tickets(rt)[0].status == "open"
    web.post("/staff/tickets/T-2026-000001/resolve", data={"csrf_token": token, "note": "已解答"})
    assert tickets(rt)[0].status == "resolved"
    resp = web.post("/staff/tickets/T-2026-000001/reply", data={"csrf_token": token, "text": "x"})
    assert "无法回复" in resp.text
    web.post("/staff/tickets/T-2026-000001/reopen", data={"csrf_token": token})
    assert tickets(rt)[0].status == "claimed"
    app.state.worker.run_once()
    assert "重新打开" in str(_updates(web)[-1]["text"])
    assert _chat(web, "还有一个问题") != ""  # relayed to staff again (with the one-time notice)
    assert tickets(rt)[0].last_user_message_at is not None


def test_sla_alert_and_automatic_close_are_shown(
    web: TestClient, rt: Runtime, clock: FixedClock
) -> None:
    _chat(web, "转人工，商标被抢注")
    make_account(rt, "wang", role="staff")
    token = login(web, "wang")
    assert "已提醒 alerted" not in web.get("/staff/tickets").text
    clock.at = clock.at.replace(hour=5)  # 13:00 at the station: an hour late
    assert sweep(rt.engine, rt.settings, clock.at).alerted == ["T-2026-000001"]
    assert "已提醒 alerted" in web.get("/staff/tickets").text
    page = web.get("/staff/tickets/T-2026-000001").text
    assert "超时提醒 SLA alert:</b> 已通知工作人员 staff alerted 2026-11-25 13:00" in page
    assert page.count("<td>wecom</td>") == 2  # the new-ticket and the late notice

    web.post("/staff/tickets/T-2026-000001/resolve", data={"csrf_token": token, "note": "已解答"})
    clock.at += dt.timedelta(days=7)
    assert sweep(rt.engine, rt.settings, clock.at).closed == ["T-2026-000001"]
    page = web.get("/staff/tickets/T-2026-000001").text
    assert "已关闭 closed" in page and "自动关闭（未评分）closed automatically, unrated" in page
