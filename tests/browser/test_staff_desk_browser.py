"""The staff desk in a real browser: search finds a ticket by phone, an internal note never
reaches the user's channel, a reschedule tells the user, the bookings Show button works with
every filter (including 专家 全部 all, which once answered raw 422 JSON)."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlmodel import Session, col, select

from bot.core.runtime import Runtime
from storage.bookings import Booking
from storage.outbox import OutboxMessage
from storage.tickets import get_ticket
from tests.browser.test_staff_live import chat, sign_in, visitor_cookies
from tests.support.accounts import make_account
from tests.support.booking import book_through
from tests.support.web import visitor_id

pytestmark = pytest.mark.browser


def _outbox(runtime: Runtime) -> list[OutboxMessage]:
    with Session(runtime.engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))))


def test_search_by_phone_and_internal_note(page, base_url: str, runtime: Runtime) -> None:
    from playwright.sync_api import expect

    chat(base_url, runtime, "转人工，商标被抢注")
    chat(base_url, runtime, "转人工，商标被抢注", user="webuser-other")
    with Session(runtime.engine) as session:
        ticket = get_ticket(session=session, number="T-2026-000001")
        assert ticket is not None
        ticket.contact = "13912345678"
        session.add(ticket)
        session.commit()
    make_account(runtime, "duty", "staff")
    sign_in(page, "duty")
    page.goto("/staff/tickets")
    page.fill("#q", "139 1234 5678")
    page.click("#filters button[type=submit]")
    expect(page.locator("main table tr", has_text="T-2026-")).to_have_count(1)
    expect(page.locator("main table")).to_contain_text("T-2026-000001")

    page.click("a[href='/staff/tickets/T-2026-000001']")
    before = len(_outbox(runtime))
    page.fill("#internal", "来电说明：用户很着急（内部）")
    page.click("#add-note")
    expect(page.locator(".flash.ok")).to_contain_text("内部备注已保存")
    expect(page.locator(".notes")).to_contain_text("用户很着急（内部）")
    rows = _outbox(runtime)
    assert len(rows) == before and not any("内部" in str(r.payload) for r in rows)
    updates = httpx.get(f"{base_url}/api/chat/updates", cookies=visitor_cookies(runtime)).json()
    assert "内部" not in str(updates)


def test_reschedule_tells_the_user(page, base_url: str, runtime: Runtime) -> None:
    from playwright.sync_api import expect

    book_through(runtime.conversation, channel="web", user=visitor_id("webuser-book"))
    with Session(runtime.engine) as session:
        booking = session.exec(select(Booking)).one()
    make_account(runtime, "duty", "staff")
    sign_in(page, "duty")
    page.goto("/staff/bookings?day=2026-11-26")
    page.click(f"a[href='/staff/bookings/{booking.code}/move']")
    page.select_option("#slot", index=1)
    page.fill("#reason", "专家临时出差")
    page.click("#move")
    expect(page.locator(".flash.ok")).to_contain_text("已改期")
    told = [
        r
        for r in _outbox(runtime)
        if r.sender == "web"
        and r.recipient == visitor_id("webuser-book")
        and "已由指导站改到" in str(r.payload)
    ]
    assert len(told) == 1 and "原因：专家临时出差。" in str(told[0].payload)


def test_bookings_show_button_with_every_filter(page, base_url: str, runtime: Runtime) -> None:
    from playwright.sync_api import expect

    book_through(runtime.conversation)
    with Session(runtime.engine) as session:
        code = session.exec(select(Booking)).one().code
    make_account(runtime, "duty", "staff")
    sign_in(page, "duty")
    page.goto("/staff/bookings")
    experts = page.locator("#expert option").evaluate_all("o => o.map(x => x.value)")
    statuses = page.locator("#status option").evaluate_all("o => o.map(x => x.value)")
    assert "" in experts and len(experts) >= 2 and "all" in statuses
    for expert in experts:
        for status in statuses:
            page.goto("/staff/bookings")
            page.fill("#day", "2026-11-26")
            page.select_option("#days", "7")
            page.select_option("#expert", expert)
            page.select_option("#status", status)
            page.click("button:has-text('查看 Show')")
            expect(page).to_have_url(re.compile(r"/staff/bookings\?day=2026-11-26"))
            expect(page.locator("h1")).to_have_text("专家预约 Expert bookings")
            listed = page.locator("main table").inner_text()
            if expert in ("", "1") and status in ("all", "active"):
                assert code in listed, (expert, status)
