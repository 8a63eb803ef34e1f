"""The FAQ admin in a real browser: sign in, edit an answer, publish it, see the web chat give
the new answer, roll it back and see the old one again."""

from __future__ import annotations

import re

import pytest

from bot.core.runtime import Runtime
from tests.support.accounts import PASSWORD, make_account

pytestmark = pytest.mark.browser

QUESTION = "续展要交多少钱"
NEW_ANSWER = "续展官费每类网上600元（浏览器测试）。"


def _chat_answer(page, question: str, expected: str) -> None:
    from playwright.sync_api import expect

    page.goto("/")
    page.fill("#input", question)
    page.press("#input", "Enter")
    expect(page.locator(".msg.me .text").last).to_have_text(question)
    expect(page.locator(".msg.bot", has_text=expected)).to_have_count(1)


def test_edit_publish_chat_and_roll_back(page, runtime: Runtime) -> None:
    from playwright.sync_api import expect

    make_account(runtime, "editor", "admin")
    page.goto("/admin/faq")
    expect(page).to_have_url(re.compile(r"/login\?next=/admin/faq$"))
    page.fill("#username", "editor")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/admin/faq$"))
    expect(page.locator("h1")).to_contain_text("Entries")

    # Edit the answer and keep it as a draft: users no longer get this entry.
    page.click("a[href='/admin/faq/renewal-fee']")
    page.fill("#answer_zh", NEW_ANSWER)
    page.select_option("#status", "draft")
    page.fill("#note", "browser edit")
    page.click("#save")
    expect(page.locator(".flash.ok")).to_contain_text("Saved revision 2")
    expect(page.locator("h1 .badge")).to_have_text("草稿 draft")

    page.click("#publish")
    expect(page.locator(".flash.ok")).to_contain_text("published")
    expect(page.locator("h1 .badge")).to_have_text("已发布 published")

    _chat_answer(page, QUESTION, "600元")

    page.goto("/admin/faq/renewal-fee/history")
    expect(page.locator("table")).to_contain_text("browser edit")
    page.click("#rollback-1")
    expect(page.locator(".flash.ok")).to_contain_text("Rolled back to revision 1")
    expect(page.locator("#answer_zh")).to_have_value(re.compile("450元"))

    _chat_answer(page, QUESTION, "450元")


def test_diff_and_try_pages_render(page, runtime: Runtime) -> None:
    from playwright.sync_api import expect

    make_account(runtime, "editor", "admin")
    page.goto("/login")
    page.fill("#username", "editor")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.goto("/admin/faq/renewal-window")
    page.fill("#answer_en", "Renewal opens 12 months before expiry (browser).")
    page.click("#save")
    page.goto("/admin/faq/renewal-window/diff?a=1&b=2")
    expect(page.locator("table.diff")).to_contain_text("(browser)")
    page.goto("/admin/try?q=" + QUESTION)
    expect(page.locator(".reply").first).to_contain_text("450元")
    expect(page.locator("tbody tr").first).to_contain_text("renewal-fee")
