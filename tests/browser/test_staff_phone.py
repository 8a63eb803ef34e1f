"""Every staff and admin page on a 390 px phone: no horizontal scrolling, the navigation folds
behind a Menu button, tables read as cards. TMBOT_SCREENSHOTS=dir keeps phone and desktop
pictures of each page for a look by eye."""

from __future__ import annotations

import os
import re

import pytest
from sqlmodel import Session, select

from bot.core.runtime import Runtime
from storage.accounts import StaffAccount
from storage.bookings import Booking
from tests.browser.test_staff_live import chat, sign_in
from tests.support.accounts import make_account
from tests.support.booking import book_through

pytestmark = pytest.mark.browser

PAGES = (
    "/staff/tickets",
    "/staff/tickets?view=mine&q=138",
    "/staff/tickets/T-2026-000001",
    "/staff/bookings?day=2026-11-26&days=7",
    "/staff/bookings/week?expert=1&day=2026-11-26",
    "/staff/bookings/new",
    "/staff/bookings/{code}/move",
    "/staff/bookings/faq-candidates",
    "/staff/marks",
    "/admin/canned",
    "/admin/faq",
    "/admin/faq/renewal-fee",
    "/admin/faq/renewal-fee/history",
    "/admin/faq/new",
    "/admin/try?q=续展要交多少钱",
    "/admin/warnings",
    "/admin/unanswered",
    "/admin/transfer",
    "/admin/audit",
    "/admin/users",
    "/admin/users/{uid}",
    "/admin/experts",
    "/admin/experts/new",
    "/admin/experts/1",
    "/account/password",
    "/staff/tickets/T-2099-999999",  # the 404 page
)


def _shot(page, name: str) -> None:
    folder = os.environ.get("TMBOT_SCREENSHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def test_every_page_fits_a_phone(page, base_url: str, runtime: Runtime) -> None:
    from playwright.sync_api import expect

    book_through(runtime.conversation)
    chat(base_url, runtime, "续展要交多少钱")
    chat(base_url, runtime, "没用")  # the answer did not help: the question goes to staff
    chat(base_url, runtime, "人工")
    chat(base_url, runtime, "人工 " + "很长" * 80, user="x" * 60)
    make_account(runtime, "boss", "admin")
    with Session(runtime.engine) as session:
        code = session.exec(select(Booking)).one().code
        uid = session.exec(select(StaffAccount)).one().id
    sign_in(page, "boss")
    for width, height, kind in ((390, 844, "phone"), (1280, 900, "desktop")):
        page.set_viewport_size({"width": width, "height": height})
        for path in PAGES:
            url = path.format(code=code, uid=uid)
            page.goto(url)
            expect(page.locator("h1").first).to_be_visible()
            sizes = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if kind == "phone":
                assert sizes[0] <= sizes[1], (url, sizes)
            _shot(page, f"{kind}-{re.sub(r'[^a-z0-9]+', '-', url.lower()).strip('-')}")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/staff/tickets")
    expect(page.locator("header nav")).to_be_hidden()
    page.click("#menu-toggle")
    expect(page.locator("header nav")).to_be_visible()
    expect(page.locator("td[data-label='工单 Ticket']").first).to_be_visible()
