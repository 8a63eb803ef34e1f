"""The staff desk live in a real browser: a ticket opened in the web chat appears on an open
queue page, and the user's next message on an open ticket page, each within 2 s and without a
reload (a marker set on the page survives), with the unread counter in the title."""

from __future__ import annotations

import re

import httpx
import pytest

from bot.core.runtime import Runtime
from handlers.web.visitor import COOKIE, sign_visitor
from tests.support.accounts import PASSWORD, make_account
from tests.support.web import visitor_id

pytestmark = pytest.mark.browser

USER = "webuser-live-01"


def sign_in(page, name: str) -> None:
    page.goto("/login")
    page.fill("#username", name)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def visitor_cookies(runtime: Runtime, user: str = USER) -> dict[str, str]:
    """The signed visitor cookie the chat page would carry for `user`."""
    return {COOKIE: sign_visitor(visitor_id(user), runtime.settings.secret_key)}


def chat(base_url: str, runtime: Runtime, text: str, user: str = USER) -> str:
    cookies = visitor_cookies(runtime, user)
    resp = httpx.post(f"{base_url}/api/chat", json={"text": text}, cookies=cookies, timeout=10)
    assert resp.status_code == 200, resp.text
    return "\n".join(r["text"] for r in resp.json()["replies"])


def test_queue_and_ticket_update_without_reload(page, base_url: str, runtime: Runtime) -> None:
    from playwright.sync_api import expect

    make_account(runtime, "duty", "staff")
    sign_in(page, "duty")
    page.goto("/staff/tickets")
    expect(page.locator("#live-status")).to_have_text("实时更新 Live")
    page.evaluate("window.__noReload = 1")

    chat(base_url, runtime, "续展要交多少钱")
    chat(base_url, runtime, "没用")  # the answer did not help: the question goes to staff
    assert "T-2026-000001" in chat(base_url, runtime, "人工")
    row = page.locator("tr", has_text="T-2026-000001")
    expect(row).to_be_visible(timeout=2000)
    expect(row.locator(".badge.unread")).to_be_visible(timeout=2000)
    assert page.evaluate("window.__noReload") == 1

    row.locator("a").click()
    expect(page.locator("h1")).to_contain_text("T-2026-000001")
    expect(page).to_have_title(re.compile(r"^T-2026-000001"))  # read now: no counter
    page.evaluate("window.__noReload = 1")
    page.fill("#text", "half-typed reply")
    chat(base_url, runtime, "我的注册号是 12345678")
    expect(page.locator(".transcript")).to_contain_text("12345678", timeout=2000)
    assert page.evaluate("window.__noReload") == 1
    expect(page.locator("#text")).to_have_value("half-typed reply")  # forms are not live

    page.goto("/staff/tickets")
    expect(page.locator("tr", has_text="T-2026-000001").locator(".badge.unread")).to_have_count(0)
    page.evaluate("window.__noReload = 1")
    chat(base_url, runtime, "还有一个问题")
    expect(page).to_have_title(re.compile(r"^\(1\) "), timeout=2000)
    assert page.evaluate("window.__noReload") == 1
