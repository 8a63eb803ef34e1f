"""The dashboard and report page in a real browser at phone (390x844) and desktop (1280x800)
size: the figures show, nothing overflows the screen sideways, the period picker works."""

from __future__ import annotations

import os

import pytest

from bot.core.runtime import Runtime
from tests.support.accounts import PASSWORD, make_account
from tests.support.stats_history import seed_history

pytestmark = pytest.mark.browser


def _shot(page, name: str) -> None:
    # TMBOT_SCREENSHOTS=dir keeps pictures of the pages for a look by eye.
    folder = os.environ.get("TMBOT_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def _sign_in(page) -> None:
    page.goto("/login")
    page.fill("#username", "boss")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        """w => [...document.querySelectorAll('main *')]
            .filter(e => e.getBoundingClientRect().right > w && !e.closest('.scroll'))
            .slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className)""",
        page.viewport_size["width"],
    )
    assert width <= page.viewport_size["width"], f"page is {width}px wide: {wide}"


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 800)])
def test_dashboard_at_phone_and_desktop_size(
    page, runtime: Runtime, width: int, height: int
) -> None:
    from playwright.sync_api import expect

    seed_history(runtime.engine)
    make_account(runtime, "boss", "admin")
    page.set_viewport_size({"width": width, "height": height})
    _sign_in(page)
    if page.locator("#menu-toggle").is_visible():  # phones: the navigation folds behind Menu
        page.click("#menu-toggle")
    page.click("nav a[href='/admin/dashboard']")
    page.click(".picker a[href='/admin/dashboard?period=year']")
    expect(page.locator("#period")).to_contain_text("2026-01-01 – 2026-11-25")
    expect(page.locator(".kpi[data-key=questions] .value")).to_have_text("11")
    expect(page.locator(".kpi[data-key=tickets] .value")).to_have_text("4")
    charts = page.locator(".chart svg")
    expect(charts).to_have_count(2)
    box = charts.first.bounding_box()
    assert box is not None and box["width"] <= width and box["height"] > 80
    _no_sideways_scroll(page)
    _shot(page, f"dashboard-{width}")

    page.fill("#from", "2026-03-01")
    page.fill("#to", "2026-03-31")
    page.click(".picker button[type=submit]")
    expect(page.locator(".kpi[data-key=questions] .value")).to_have_text("8")

    page.click(".stats-nav a[href='/admin/report']")
    expect(page.locator("#key-figures")).to_contain_text("收到问题（个）")
    page.fill("#text-problems", "专家资源不足。")
    page.click("#problems button[type=submit]")
    expect(page.locator(".flash.ok")).to_contain_text("Saved")
    expect(page.locator("#text-problems")).to_have_value("专家资源不足。")
    _no_sideways_scroll(page)
    _shot(page, f"report-{width}")
    with page.expect_download() as download:
        page.click("#docx")
    assert download.value.suggested_filename == "station-report-2026.docx"
