"""The renewal radar in a real browser: import a list with preview, read it at desktop and phone
width. With TMBOT_SCREENSHOTS=DIR the two pages are saved there (docs/screenshots/ holds them)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from bot.core.runtime import Runtime
from tests.support.accounts import PASSWORD, make_account

pytestmark = pytest.mark.browser

LIST = (
    "企业,联系人,电话,邮箱,注册号,商标,类别,注册日期,到期日期\n"
    "华星科技有限公司,王经理,13800000001,,12345678,华星,9;35;42,,2027-12-10\n"
    "星辰食品厂,李女士,,li@xc.cn,23456789,星辰,29;30,,2026-09-01\n"
    "老字号酱园,赵师傅,13800000003,,34567890,老字号,30,,2025-12-01\n"
    "华星科技有限公司,王经理,13800000001,,45678901,华星云,42,,2027-12-20\n"
)


def test_import_and_radar_at_desktop_and_phone_width(
    page, runtime: Runtime, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    shots = os.environ.get("TMBOT_SCREENSHOTS")
    make_account(runtime, "desk", "staff")
    page.goto("/staff/marks")
    page.fill("#username", "desk")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/staff/marks$"))
    csv = tmp_path / "重点企业.csv"
    csv.write_text(LIST, encoding="utf-8")

    page.set_input_files("input[type=file]", str(csv))
    page.click("button[value=preview]")
    expect(page.locator("h2", has_text="Import preview")).to_be_visible()
    expect(page.locator("body")).to_contain_text("新增 create 4")
    page.set_input_files("input[type=file]", str(csv))
    page.click("button[value=import]")
    expect(page.locator(".flash.ok")).to_contain_text("created 4")

    page.set_viewport_size({"width": 1280, "height": 900})
    table = page.locator("table.radar").last
    expect(table.locator("thead")).to_be_visible()
    expect(table).to_contain_text("华星云")
    expect(table.locator(".c-grace")).to_have_count(1)
    if shots:
        page.screenshot(path=f"{shots}/marks-radar-desktop.png", full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    expect(table.locator("thead")).to_be_hidden()  # rows become cards on a phone
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400  # nothing wider than the screen
    if shots:
        page.screenshot(path=f"{shots}/marks-radar-phone.png", full_page=True)
