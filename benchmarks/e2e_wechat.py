"""End to end on WeChat, against a local stand-in for WeChat's API that enforces its rules
(5 customer-service messages within 48 hours of the user's last message, 45015/45047, 2048-byte
texts, 43101 without the user's own consent): prints what the user received, in order.

    python -m benchmarks.e2e_wechat

Scenario (station clock, Asia/Shanghai):
1. Saturday 09:30 a user asks for a person; the promise is honest about the 48-hour window.
2. Monday 11:00 (49.5 h later) staff answer from the console, and send an image: told at once
   that both wait.
3. Monday 14:00 the user writes again: the waiting reply and the image go out first, in order.
4. A long staff reply (4 parts) meets a temporary error (-1) on part 2; the window's five
   messages run out, the rest waits for the user, and part 3 then meets a rate limit (45009,
   WeChat's "429"): each part is retried alone.
   The user asks for a template; staff send a .docx, which an Official Account cannot send:
   it goes as a signed link to a download page, which is opened.
5. A booking with an e-mail address as the contact, whose "确认" is delivered twice by WeChat
   (same MsgId) and typed twice, and an old choice number typed after the booking finished.
Exit status 1 when the user received a duplicate, the staff reply was not first, or a file
did not arrive as it should.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from benchmarks.e2e_support import fresh_settings
from bot.core.ports import FixedClock
from bot.core.runtime import build_runtime
from handlers.wechat.sender import WeChatSender
from storage.bookings import Booking
from storage.outbox import OutboxMessage
from tests.support.accounts import login, make_account
from tests.support.wechat import OPENID, FakeWeChatApi, WeChatRules, Wire, text_xml
from tests.support.wechat_app import wechat_settings
from webhook import create_app

SHANGHAI = ZoneInfo("Asia/Shanghai")
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8  # a 2 KB picture
DOCX = b"PK\x03\x04" + b"word/document.xml" * 300  # stands for a Word file


class Run:
    """The app, the fake WeChat API and the clock of one scenario."""

    def __init__(self, folder: Path) -> None:
        base = fresh_settings(folder)
        self.clock = FixedClock(dt.datetime(2026, 11, 28, 9, 30, tzinfo=SHANGHAI))
        self.rules = WeChatRules(now=self.clock.now)
        self.api = FakeWeChatApi(rules=self.rules).start()
        self.settings = wechat_settings(base, self.api, public_url="https://tmbot.example.cn")
        self.runtime = build_runtime(self.settings, clock=self.clock)
        self.client = TestClient(create_app(self.settings, runtime=self.runtime))
        self.client.__enter__()
        worker = self.client.app.state.worker  # type: ignore[attr-defined]
        worker.register(WeChatSender(self.settings, self.runtime.engine, clock=self.clock))
        self.worker = worker
        self.msg_id = 1000
        self.log: list[str] = []

    def close(self) -> None:
        self.client.__exit__(None, None, None)
        self.api.stop()
        self.runtime.engine.dispose()

    def at(self, when: dt.datetime) -> None:
        self.clock.at = when
        self.step(f"-- {when:%a %m-%d %H:%M}")

    def step(self, line: str) -> None:
        print(line)

    def user(self, text: str, *, msg_id: int | None = None) -> None:
        """The user sends `text` (a given `msg_id` re-delivers an earlier message)."""
        if msg_id is None:
            self.msg_id += 1
            self.clock.at += dt.timedelta(seconds=5)
        self.rules.user_wrote(OPENID, self.clock.now())
        wire = Wire(self.client, timestamp=int(self.clock.now().timestamp()))
        resp = wire.post(text_xml(text, msg_id=msg_id or self.msg_id, at=wire.timestamp))
        self.step(f"user  > {text}" + (" (re-delivered by WeChat)" if msg_id else ""))
        if resp.text != "success" and msg_id is None:
            # The passive reply reached the user. WeChat re-delivers a message only when our
            # first answer did not reach it, so a retry's answer is never shown twice.
            content = str(wire.reply(resp).get("Content", ""))
            self.rules.received.append((OPENID, content))
        self.deliver()

    def send_file(self, token: str, name: str, data: bytes) -> str:
        """Staff send a file from the ticket page; returns the page they land on."""
        self.step(f"staff > sends {name} ({len(data)} bytes) from the ticket page")
        return self.client.post(
            "/staff/tickets/T-2026-000001/file",
            data={"csrf_token": token},
            files={"upload": (name, data, "application/octet-stream")},
            follow_redirects=True,
        ).text

    def deliver(self) -> None:
        self.worker.run_once()
        while len(self.log) < len(self.rules.received):
            text = self.rules.received[len(self.log)][1]
            self.log.append(text)
            self.step("  bot < " + text.replace("\n", " ")[:110])


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        run = Run(Path(folder))
        try:
            return scenario(run)
        finally:
            run.close()


def scenario(run: Run) -> int:
    client = run.client
    run.at(dt.datetime(2026, 11, 28, 9, 30, tzinfo=SHANGHAI))
    run.user("转人工，我的商标被驳回了，想申请复审")
    make_account(run.runtime, "wang", role="staff")
    token = login(client, "wang")

    run.at(dt.datetime(2026, 11, 30, 11, 0, tzinfo=SHANGHAI))
    page = client.post(
        "/staff/tickets/T-2026-000001/reply",
        data={
            "csrf_token": token,
            "text": "您好，复审需在收到驳回通知之日起15日内提出，请提供驳回通知书。",
        },
        follow_redirects=True,
    ).text
    told = "用户48小时内未发消息，回复将在用户下次发消息时送达" in page
    run.step(f"staff told at once that the reply waits: {told}")
    page = run.send_file(token, "驳回通知书示例.png", PNG)
    file_told = "用户48小时内未发消息" in page
    run.step(f"staff told at once that the image waits too: {file_told}")
    run.deliver()

    run.at(dt.datetime(2026, 11, 30, 14, 0, tzinfo=SHANGHAI))
    first_index = len(run.log)
    run.user("在吗？")
    staff_first = run.log[first_index].startswith("【工作人员】您好，复审")
    image_next = run.log[first_index + 1] == "[image] image.png"

    run.step("-- a long staff reply: part 2 meets -1 (busy), the next try meets 45009 (rate limit)")
    long = "\n".join(
        f"{i:02d}. " + "复审材料包括驳回通知书复印件、理由书和证据目录。" * 4 for i in range(18)
    )
    page = client.post(
        "/staff/tickets/T-2026-000001/reply",
        data={"csrf_token": token, "text": long},
        follow_redirects=True,
    ).text
    flagged = "仅剩" in page
    run.step(f"staff warned the reply does not fit the window's remaining messages: {flagged}")
    run.api.errors["/cgi-bin/message/custom/send"] = [0, -1, 0, 45009]
    for _ in range(4):
        run.deliver()
        run.clock.at += dt.timedelta(seconds=61)
    run.user("好的，请把复审理由书模板发我")  # the window opens again for the rest
    for _ in range(2):
        run.clock.at += dt.timedelta(seconds=61)
        run.deliver()
    run.step("-- staff send a .docx: an Official Account cannot, so it goes as a link")
    run.send_file(token, "复审理由书模板.docx", DOCX)
    run.deliver()
    link = re.search(r"https://tmbot\.example\.cn(/m/\S+)", run.log[-1])
    opened = link is not None and run.client.get(link.group(1)).status_code == 200
    same = link is not None and run.client.get(link.group(1) + "/file").content == DOCX
    run.step(f"download page opens: {opened}; the file downloaded is the one sent: {same}")
    run.user("结束")

    run.step("-- booking: 确认 re-delivered by WeChat and typed twice, then an old number")
    for text in (
        "预约专家",
        "1",
        "1",
        "1",
        "1",
        "某某科技有限公司",
        "张三",
        "zhang.san@example.com",
        "续展材料",
    ):
        run.user(text)
    run.user("2")  # decline subscription reminders if asked; harmless otherwise
    run.user("确认")
    run.user("确认", msg_id=run.msg_id)  # WeChat retries the same message
    run.user("确认")  # a second tap
    run.user("1")  # a number from a list that is gone
    with Session(run.runtime.engine) as session:
        made = session.exec(select(Booking)).all()
        bookings = len(made)
        contact = f"phone={made[0].phone!r} email={made[0].email!r}" if made else "-"
        waiting = session.exec(select(OutboxMessage).where(OutboxMessage.status == "waiting")).all()

    received = run.log
    dupes = len(received) - len(set(received))
    print("\n== summary")
    print(f"messages received by the user: {len(received)}")
    print(f"duplicates: {dupes}")
    print(f"staff reply after 49.5 h delivered first when the user wrote: {staff_first}")
    print(f"image sent after 49.5 h delivered right after the reply: {image_next}")
    print(f"file the account cannot send delivered as a working link: {opened and same}")
    print(f"bookings created: {bookings} ({contact})")
    print(f"still waiting in the outbox: {len(waiting)}")
    files_ok = image_next and opened and same and file_told
    return 0 if dupes == 0 and staff_first and told and files_ok else 1


if __name__ == "__main__":
    sys.exit(main())
