"""The public web chat in headless Chromium, on a phone (390x844) and a desktop (1280x800):
history after a reload with a staff reply that came while the page was closed, links, the .ics
download, the language toggle, the input method's Enter, a new conversation.

TMBOT_SCREENSHOTS=dir keeps the pictures for a look by eye.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest

from bot.core.runtime import Runtime
from bot.core.settings import Settings
from handlers.notify.senders import WebChatSender
from handlers.web.visitor import COOKIE, read_visitor
from tests.support.booking import book_through
from tests.support.live import CHROMIUM, CHROMIUM_ARGS, need_chromium

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
STAFF_REPLY = (
    "【工作人员】您好，续展可在网上办理：https://sbj.cnipa.gov.cn/sbj/index.html。请先注册账号。"
)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The station's address as a real deployment shows it."""
    return settings.model_copy(
        update={
            "station_address_zh": "北京市海淀区知春路 1 号 指导站大楼",
            "station_address_en": "1 Zhichun Road, Haidian, Beijing",
        }
    )


@pytest.fixture
def browser(base_url: str) -> Iterator[object]:
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _context(browser, base_url: str, viewport: dict[str, int], locale: str = "zh-CN"):
    context = browser.new_context(
        locale=locale, base_url=base_url, viewport=viewport, accept_downloads=True
    )
    context.set_default_timeout(15_000)
    return context


def _open(context):
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto("/")
    return page


def _shot(page, name: str) -> None:
    folder = os.environ.get("TMBOT_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"))


def _visitor(context, runtime: Runtime) -> str:
    [cookie] = [c for c in context.cookies() if c["name"] == COOKIE]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    visitor = read_visitor(cookie["value"], runtime.settings.secret_key)
    assert visitor is not None
    return visitor


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width


def _ask(page, text: str) -> None:
    page.fill("#input", text)
    page.press("#input", "Enter")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_reload_shows_history_and_the_staff_reply_sent_while_away(
    browser, base_url: str, runtime: Runtime, viewport: dict[str, int]
) -> None:
    from playwright.sync_api import expect

    size = "phone" if viewport is PHONE else "desktop"
    context = _context(browser, base_url, viewport)
    page = _open(context)
    # A first visit shows the greeting and the menu, and sends nothing.
    expect(page.locator(".greeting .msg")).to_contain_text("智能助手")
    expect(page.locator(".greeting .choices button")).to_have_count(5)
    expect(page.locator("header h1")).to_have_text("商标品牌指导站")
    expect(page.locator("#station")).to_contain_text("知春路")
    expect(page.locator("#station a[href^='tel:']")).to_have_text("010-12345678")
    _shot(page, f"chat-{size}-first-visit")
    _ask(page, "续展要交多少钱")
    expect(page.locator(".msg.bot").last).to_contain_text("450元")
    _no_sideways_scroll(page)
    visitor = _visitor(context, runtime)
    page.close()

    # Staff answer while the tab is closed.
    WebChatSender(runtime.engine).send(visitor, {"text": STAFF_REPLY, "sender": "staff:wang"})

    page = _open(context)
    log = page.locator("#log")
    expect(log.locator(".msg.me")).to_have_text([re_contains("续展要交多少钱")])
    expect(log.locator(".msg.bot").first).to_contain_text("450元")
    staff = log.locator(".msg.staff")
    expect(staff).to_have_count(1)
    expect(staff).to_have_class(re_contains("unread"))
    expect(staff.locator(".tag")).to_contain_text("工作人员")
    # The tag names the writer; the plain-text channels' prefix is not shown twice.
    expect(staff.locator(".text")).to_have_text(re.compile("^您好，续展可在网上办理"))
    expect(log.locator(".divider.unread-mark")).to_be_visible()
    expect(page.locator(".greeting")).to_have_count(0)  # history, not a greeting
    link = staff.locator("a")
    expect(link).to_have_attribute("href", "https://sbj.cnipa.gov.cn/sbj/index.html")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(staff.locator("time")).to_have_count(1)
    _no_sideways_scroll(page)
    _shot(page, f"chat-{size}-history")
    # It was shown: on the next visit it is no longer new.
    page.wait_for_timeout(300)
    page.reload()
    expect(page.locator("#log .msg.staff")).to_have_count(1)
    expect(page.locator("#log .unread")).to_have_count(0)

    # A reply that arrives while the page is open appears by itself.
    WebChatSender(runtime.engine).send(
        visitor, {"text": "【工作人员】还有问题吗？", "sender": "staff"}
    )
    expect(page.locator("#log .msg.staff").last).to_contain_text("还有问题吗", timeout=10_000)
    context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_english_page_and_typed_language_wins(
    browser, base_url: str, runtime: Runtime, viewport: dict[str, int]
) -> None:
    from playwright.sync_api import expect

    size = "phone" if viewport is PHONE else "desktop"
    context = _context(browser, base_url, viewport)
    page = _open(context)
    page.click("#lang")  # to English
    expect(page.locator("header h1")).to_have_text("Trademark Brand Guidance Station")
    expect(page.locator(".greeting .msg")).to_contain_text("Hello")
    expect(page.locator("#send")).to_have_text("Send")
    _ask(page, "how much is renewal")
    expect(page.locator(".msg.bot").last).to_contain_text("CNY 450")
    _no_sideways_scroll(page)
    _shot(page, f"chat-{size}-english")
    page.click("#lang")  # back to 中文: an English question still gets English
    expect(page.locator("#send")).to_have_text("发送")
    _ask(page, "how early can I renew")
    expect(page.locator(".msg.bot").last).to_contain_text("12 months before expiry")
    expect(page.locator(".msg.me")).to_have_count(2)  # the toggle sent nothing
    context.close()


def test_enter_does_not_send_while_an_input_method_composes(
    browser, base_url: str, runtime: Runtime
) -> None:
    from playwright.sync_api import expect

    context = _context(browser, base_url, PHONE)
    page = _open(context)
    page.fill("#input", "xu'zhan")
    for composing in ("{isComposing: true}", "{keyCode: 229}"):
        page.evaluate(
            """(extra) => {
                const ev = new KeyboardEvent("keydown", {key: "Enter", bubbles: true, cancelable: true, isComposing: !!extra.isComposing});
                if (extra.keyCode) Object.defineProperty(ev, "keyCode", {value: extra.keyCode});
                document.getElementById("input").dispatchEvent(ev);
            }""",
            {
                "isComposing": "isComposing" in composing,
                "keyCode": 229 if "229" in composing else 0,
            },
        )
    page.wait_for_timeout(300)
    expect(page.locator(".msg.me")).to_have_count(0)
    expect(page.locator("#input")).to_have_value("xu'zhan")
    page.fill("#input", "续展")
    page.press("#input", "Enter")  # composition over: Enter sends
    expect(page.locator(".msg.me")).to_have_count(1)
    context.close()


def test_booking_link_downloads_and_new_conversation_clears_the_view(
    browser, base_url: str, runtime: Runtime
) -> None:
    from playwright.sync_api import expect

    context = _context(browser, base_url, DESKTOP)
    page = _open(context)
    expect(page.locator(".greeting")).to_have_count(1)
    visitor = _visitor(context, runtime)
    book_through(runtime.conversation, channel="web", user=visitor)
    page.reload()
    link = page.locator("#log a[href*='.ics']")
    expect(link).to_have_count(1)
    assert link.get_attribute("href").startswith(base_url + "/bookings/B-")
    expect(page.locator("#log")).to_contain_text("知春路")  # the place has the address
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.endswith(".ics")
    with open(download.path(), encoding="utf-8") as fh:
        assert "BEGIN:VCALENDAR" in fh.read()
    _shot(page, "chat-desktop-booking")

    page.click("#new")  # confirm() is accepted
    expect(page.locator("#log .msg")).to_have_count(1)  # the greeting only
    expect(page.locator(".greeting")).to_have_count(1)
    page.reload()
    expect(page.locator("#log .msg")).to_have_count(1)
    expect(page.locator("#log a[href*='.ics']")).to_have_count(0)
    context.close()


def re_contains(text: str):
    import re

    return re.compile(re.escape(text))
