"""Staff send a file back from the ticket page in a real browser, on a phone (390x844) and a
desktop (1280x800): the upload form fits, a refused file says why, a sent one shows in the
files list and in the messages with its real delivery state. TMBOT_SCREENSHOTS=dir keeps the
pictures for a look by eye."""

from __future__ import annotations

import io
import os

import pytest

from bot.core.runtime import Runtime
from bot.delivery.worker import OutboxWorker
from handlers.notify.senders import build_senders
from tests.browser.test_staff_live import chat, sign_in, visitor_cookies
from tests.support.accounts import make_account

pytestmark = pytest.mark.browser


def _png() -> bytes:
    """A real 120x80 picture, so the browser can draw it."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (120, 80), (29, 78, 216)).save(out, format="PNG")
    return out.getvalue()


PNG = _png()
NUMBER = "T-2026-000001"


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    folder = os.environ.get("TMBOT_SCREENSHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


@pytest.mark.parametrize(("width", "height", "kind"), [(390, 844, "phone"), (1280, 800, "desktop")])
def test_send_a_file_from_the_ticket_page(  # type: ignore[no-untyped-def]
    page, base_url: str, runtime: Runtime, width: int, height: int, kind: str
) -> None:
    from playwright.sync_api import expect

    chat(base_url, runtime, "转人工，我的商标被驳回了，想申请复审")
    make_account(runtime, "wang", "staff")
    sign_in(page, "wang")
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"/staff/tickets/{NUMBER}")
    form = page.locator("#file-form")
    expect(form).to_be_visible()
    expect(page.locator("#file-how")).to_contain_text("下载链接")
    sizes = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert sizes[0] <= sizes[1], sizes  # no sideways scrolling, on a phone too

    page.set_input_files("#upload", files=[{"name": "tool.exe", "mimeType": "application/x-msdownload", "buffer": b"MZ\x90"}])  # fmt: skip
    page.click("#send-file")
    expect(page.locator(".flash.error")).to_contain_text("cannot be sent")

    page.set_input_files("#upload", files=[{"name": "驳回通知书示例.png", "mimeType": "image/png", "buffer": PNG}])  # fmt: skip
    page.fill("#file-text", "请参考这张示例图。")
    page.click("#send-file")
    expect(page.locator(".flash").first).to_contain_text("已排队发送")
    expect(page.locator("#messages")).to_contain_text("🖼 驳回通知书示例.png")
    expect(page.locator("#messages")).to_contain_text("排队中")
    _shot(page, f"{kind}-ticket-file-queued")

    worker = OutboxWorker(
        runtime.engine,
        {s.name: s for s in build_senders(runtime.settings, runtime.engine)},
        clock=runtime.conversation.clock,
    )
    worker.run_once()
    page.goto(f"/staff/tickets/{NUMBER}")
    expect(page.locator("#files")).to_contain_text("工作人员 wang 发给用户")
    expect(page.locator("#messages tr.msg-sent")).to_have_count(2)  # the text, then the file
    page.locator("#file-form").scroll_into_view_if_needed()
    _shot(page, f"{kind}-ticket-file-delivered")

    # The visitor's chat: the text, then the picture shown inline under its download link.
    visitor = page.context.new_page()
    visitor.set_viewport_size({"width": width, "height": height})
    page.context.add_cookies(
        [{"name": k, "value": v, "url": base_url} for k, v in visitor_cookies(runtime).items()]
    )
    visitor.goto("/")
    staff = visitor.locator("#log .msg.staff")
    expect(staff).to_have_count(2)
    expect(staff.first).to_contain_text("请参考这张示例图。")
    image = staff.last.locator("img.sent-image")
    expect(image).to_be_visible()
    visitor.wait_for_function("document.querySelector('img.sent-image').complete")
    assert visitor.evaluate("document.querySelector('img.sent-image').naturalWidth") == 120
    expect(staff.last.locator("a")).to_have_attribute("download", "")
    expect(staff.last.locator("a")).to_have_text("下载文件")
    sizes = visitor.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert sizes[0] <= sizes[1], sizes
    _shot(visitor, f"{kind}-chat-file")
