"""Accounts in a real browser: an admin adds a staff account from the Users page, and the new
user signs in and changes their password from the nav's Password page."""

from __future__ import annotations

import os
import re

import pytest

from bot.core.runtime import Runtime
from tests.support.accounts import PASSWORD, make_account

pytestmark = pytest.mark.browser

FIRST = "first secret 123"
SECOND = "second secret 456"


def _sign_in(page, name: str, password: str) -> None:
    page.goto("/login")
    page.fill("#username", name)
    page.fill("#password", password)
    page.click("button[type=submit]")


def _shot(page, name: str) -> None:
    # TMBOT_SCREENSHOTS=dir keeps pictures of the pages for a look by eye.
    folder = os.environ.get("TMBOT_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def test_add_an_account_then_it_changes_its_password(page, runtime: Runtime) -> None:
    from playwright.sync_api import expect

    make_account(runtime, "editor", "admin")
    _sign_in(page, "editor", PASSWORD)
    page.click("nav a[href='/admin/users']")
    expect(page.locator("h1")).to_have_text("账号 Users")
    page.fill("#username", "wang")
    page.fill("#display_name", "王小明")
    page.select_option("#role", "staff")
    page.fill("#password", FIRST)
    page.fill("#confirm", FIRST)
    page.click("form.add button[type=submit]")
    expect(page.locator(".flash.ok")).to_contain_text("Created the account wang")
    expect(page.locator("h1")).to_contain_text("wang")
    _shot(page, "user")
    page.goto("/admin/users")
    expect(page.locator("table")).to_contain_text("王小明")
    _shot(page, "users")

    page.click("header button[type=submit]")  # sign out
    _sign_in(page, "wang", FIRST)
    expect(page).to_have_url(re.compile(r"/staff/tickets$"))
    page.click("nav a[href='/account/password']")
    page.fill("#current", FIRST)
    page.fill("#password", SECOND)
    page.fill("#confirm", SECOND)
    page.click("main button[type=submit]")
    expect(page.locator(".flash.ok")).to_contain_text("Password changed")
    _shot(page, "password")

    page.click("header button[type=submit]")
    _sign_in(page, "wang", SECOND)
    expect(page).to_have_url(re.compile(r"/staff/tickets$"))
