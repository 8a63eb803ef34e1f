"""End to end on Telegram, against a local stand-in for the Bot API that answers like Telegram
(429 with retry_after, 403 for a blocked user, 400 "message is not modified", 4096-character
texts): prints what the user received, in order.

    python -m benchmarks.e2e_telegram

Scenario (station clock, Asia/Shanghai):
1. Saturday 09:30 a user asks for a person; the staff group is notified.
2. Monday 11:00 staff answer by replying to the notice; the group hears "queued", then
   "delivered" once it was; a message that mentions another ticket number stays on this one.
3. The user writes again; a long staff reply (3 parts) meets a 502 on part 2 and a 429 on
   part 3: only the refused part is sent again.
4. Staff send files back: a photo replying to the notice in the staff group (re-sent to the
   user by its file id, no upload) and a PDF from the ticket page (uploaded with sendDocument).
5. A booking with an e-mail address as the contact, whose Confirm is tapped twice, then an old
   slot button pressed.
Exit status 1 when the user received a duplicate or a file did not arrive once.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from benchmarks.e2e_support import fresh_settings
from bot.core.ports import FixedClock
from bot.core.runtime import build_runtime
from storage.bookings import Booking
from tests.support.accounts import login, make_account
from tests.support.telegram_api import FakeBotApi, Upload
from tests.support.telegram_updates import (
    STAFF_CHAT,
    post_update,
    staff_photo,
    staff_reply,
    telegram_settings,
    update,
)
from webhook import create_app

SHANGHAI = ZoneInfo("Asia/Shanghai")
USER = 5550001  # the chat of fixture "text_zh"
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4  # the photo staff send in the group
PHOTO_ID = "AgACAgStaffPhoto01"
PDF = b"%PDF-1.7\n" + b"0 obj << >> endobj\n" * 200
PDF_NAME = "异议答辩材料清单.pdf"


class Run:
    def __init__(self, folder: Path, fake: FakeBotApi) -> None:
        base = fresh_settings(folder)
        self.fake = fake
        self.clock = FixedClock(dt.datetime(2026, 11, 28, 9, 30, tzinfo=SHANGHAI))
        settings = telegram_settings(base, fake, telegram_staff_chat=STAFF_CHAT)
        self.runtime = build_runtime(settings, clock=self.clock)
        self.client = TestClient(create_app(settings, runtime=self.runtime))
        self.client.__enter__()
        self.worker = self.client.app.state.worker  # type: ignore[attr-defined]
        self.ids = iter(range(100, 10_000))
        self.shown_user = 0
        self.shown_staff = 0

    def close(self) -> None:
        self.client.__exit__(None, None, None)
        self.runtime.engine.dispose()

    def at(self, when: dt.datetime) -> None:
        self.clock.at = when
        print(f"-- {when:%a %m-%d %H:%M}")

    def user(self, text: str) -> None:
        print(f"user  > {text}")
        post_update(self.client, update("text_zh", update_id=next(self.ids), text=text))
        self.deliver()

    def press(self, data: str, note: str = "") -> None:
        print(f"user  * presses {data} {note}".rstrip())
        press = update("callback_faq", update_id=next(self.ids))
        press["callback_query"]["data"] = data
        post_update(self.client, press)
        self.deliver()

    def buttons(self) -> list[str]:
        calls = [c for c in self.fake.calls_to("sendMessage") if c["chat_id"] == str(USER)]
        rows = calls[-1].get("reply_markup", {}).get("inline_keyboard", []) if calls else []
        return [b["callback_data"] for row in rows for b in row]

    def staff(self, text: str, replying_to: dict[str, Any]) -> None:
        print(f"staff > {text[:80]}")
        post_update(self.client, staff_reply(next(self.ids), replying_to["text"], text=text))
        self.deliver()

    def staff_photo(self, replying_to: dict[str, Any], caption: str) -> None:
        print(f"staff > [photo] {caption}")
        self.fake.files[PHOTO_ID] = JPEG  # Telegram holds it; the bot gets its id
        data = staff_photo(next(self.ids), replying_to["text"], PHOTO_ID, len(JPEG), caption)
        post_update(self.client, data)
        self.deliver()

    def staff_notice(self) -> dict[str, Any]:
        notices = [c for c in self.fake.calls_to("sendMessage") if c["chat_id"] == str(STAFF_CHAT)]
        return next(c for c in notices if "新工单" in c["text"])

    def deliver(self) -> None:
        self.worker.run_once()
        got = self.fake.delivered_to(USER)
        for method, sent in got[self.shown_user :]:
            if isinstance(sent, Upload):
                print(f"  bot < [{method} upload] {sent.filename} ({len(sent.content)} bytes)")
            elif method != "sendMessage":
                print(f"  bot < [{method} by file id] {sent}")
            else:
                print("  bot < " + sent.replace("\n", " ")[:110])
        self.shown_user = len(got)
        group = self.fake.received(STAFF_CHAT)
        for text in group[self.shown_staff :]:
            lines = text.split("\n")
            if len(lines) > 2 and "已送达 / delivered" in lines[1]:  # which message went
                print(f"  group: ✅ delivered to the user: {lines[2][:90]}")
                continue
            print("  group: " + text.replace("\n", " ")[:110])
        self.shown_staff = len(group)


def main() -> int:
    with tempfile.TemporaryDirectory() as folder, FakeBotApi() as fake:
        run = Run(Path(folder), fake)
        try:
            return scenario(run)
        finally:
            run.close()


def scenario(run: Run) -> int:
    run.at(dt.datetime(2026, 11, 28, 9, 30, tzinfo=SHANGHAI))
    run.user("转人工，我的商标被经销商抢注了")
    notice = run.staff_notice()

    run.at(dt.datetime(2026, 11, 30, 11, 0, tzinfo=SHANGHAI))
    run.staff("您好，和 T-2026-000007 那位客户类似，请提供您的注册证。", notice)
    run.at(dt.datetime(2026, 11, 30, 14, 0, tzinfo=SHANGHAI))
    run.user("好的，稍后发给您")

    print("-- a long staff reply: part 2 meets 502, part 3 meets 429 (retry after 30 s)")
    long = "\n".join(f"{i:03d} " + "请准备注册证、营业执照和委托书。" * 6 for i in range(80))
    run.fake.fail("sendMessage", 0, "")
    run.fake.fail("sendMessage", 502, "Bad Gateway")
    run.fake.fail("sendMessage", 0, "")
    run.fake.flood(30)
    run.staff(long, notice)
    for _ in range(3):
        run.clock.at += dt.timedelta(seconds=31)
        run.deliver()
    print("-- staff send files back: a photo in the group, a PDF from the ticket page")
    run.staff_photo(notice, "这是注册证样例，请对照。")
    make_account(run.runtime, "wang", role="staff")
    token = login(run.client, "wang")
    print("staff > [ticket page] wang takes the ticket over from the group's staff member")
    run.client.post(
        "/staff/tickets/T-2026-000001/takeover",
        data={"csrf_token": token, "text": "电话里答应了客户发清单"},
    )
    print("staff > [ticket page] uploads 异议答辩材料清单.pdf with a line of text")
    page = run.client.post(
        "/staff/tickets/T-2026-000001/file",
        data={"csrf_token": token, "text": "材料清单见附件。"},
        files={"upload": (PDF_NAME, PDF, "application/pdf")},
        follow_redirects=True,
    ).text
    print("  console: " + ("file queued" if "已排队发送" in page else "refused"))
    run.deliver()
    run.user("结束")

    print("-- booking with an e-mail contact: Confirm tapped twice, then an old slot button")
    run.user("预约专家")
    for prefix in ("book:topic:", "book:expert:", "book:day:"):
        run.press(next(d for d in run.buttons() if d.startswith(prefix)))
    old_slot = next(d for d in run.buttons() if d.startswith("book:slot:"))
    run.press(old_slot)
    for text in ("某某科技有限公司", "李伟", "li.wei@example.com", "续展要准备什么材料"):
        run.user(text)
    confirm = next((d for d in run.buttons() if d.startswith("book:confirm")), "book:confirm")
    run.press(confirm)
    run.press(confirm, "(double tap)")
    run.press(old_slot, "(old button)")

    with Session(run.runtime.engine) as session:
        made = session.exec(select(Booking)).all()
        bookings = len(made)
        contact = f"phone={made[0].phone!r} email={made[0].email!r}" if made else "-"
    files = [(m, v) for m, v in run.fake.delivered_to(USER) if m != "sendMessage"]
    photo_by_id = files.count(("sendPhoto", PHOTO_ID)) == 1
    pdfs = [(m, v) for m, v in files if isinstance(v, Upload) and v.filename == PDF_NAME]
    pdf_once = [(m, v.content == PDF) for m, v in pdfs] == [("sendDocument", True)]
    received = run.fake.received(USER)
    staff_parts = [
        t for t in received if t.startswith(("【工作人员】", *(f"{i:03d} " for i in range(80))))
    ]
    dupes = len(staff_parts) - len(set(staff_parts))
    repeated = len(received) - len(set(received))
    print("\n== summary")
    print(f"messages received by the user: {len(received)}")
    print(f"staff-reply parts received: {len(staff_parts)}, duplicates: {dupes}")
    print(f"identical texts received more than once: {repeated} (prompts the bot asked again)")
    print(f"staff photo re-sent by its file id, once: {photo_by_id}")
    print(f"PDF from the ticket page uploaded once, intact: {pdf_once}")
    print(f"bookings created: {bookings} ({contact})")
    kept = any("T-2026-000007" in t for t in received)
    print(f"staff text kept on its own ticket (number left intact): {kept}")
    return 0 if dupes == 0 and kept and photo_by_id and pdf_once else 1


if __name__ == "__main__":
    sys.exit(main())
