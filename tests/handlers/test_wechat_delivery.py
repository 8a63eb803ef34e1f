"""What staff send reaches the WeChat user once, in order (issue 22, findings 1, 2, 4 and 5),
against a fake WeChat API that enforces the platform's rules (tests/support/wechat.py
`WeChatRules`: 5 messages within 48 hours of the user's last message, 45015/45047, 2048-byte
texts, 43101 without the user's own consent)."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime
from bot.handoff import helpdesk
from storage.outbox import OutboxMessage
from storage.tickets import get_ticket
from storage.wechat import WechatConsent, record_subscribe_consent
from tests.support.accounts import login, make_account
from tests.support.handoff import tickets
from tests.support.wechat import OPENID, FakeWeChatApi, WeChatRules, Wire, fixture
from tests.support.wechat_app import (
    received,
    run_worker,
    user_says,
)

REPLY_TEMPLATE = "tmpl-staff-reply"
NUMBER = "T-2026-000001"


def _staff_reply(runtime: Runtime, clock: FixedClock, text: str) -> str | None:
    with Session(runtime.engine) as session:
        ticket = get_ticket(session=session, number=NUMBER)
        assert ticket is not None
        _, warning = helpdesk.reply_queued(
            session=session, ticket=ticket, staff="wang", text=text, now=clock.now()
        )
        session.commit()
    return warning


def _rows(runtime: Runtime) -> list[OutboxMessage]:
    with Session(runtime.engine) as session:
        query = select(OutboxMessage).where(OutboxMessage.sender == "wechat")
        return list(session.exec(query.order_by(OutboxMessage.id)))  # type: ignore[arg-type]


def _escalate(client: TestClient, clock: FixedClock, rules: WeChatRules) -> None:
    assert NUMBER in user_says(client, clock, rules, "转人工，我的商标被抢注了", 1)
    run_worker(client)


def test_a_long_reply_is_parts_each_sent_once_under_a_temporary_error(
    wx: tuple[TestClient, Runtime], api: FakeWeChatApi, rules: WeChatRules, clock: FixedClock
) -> None:
    """Finding 4: a temporary error on part 2 re-sends neither part 1 nor the whole reply."""
    client, runtime = wx
    _escalate(client, clock, rules)
    body = "\n".join(f"第{i}段：" + "请准备商标注册证复印件和营业执照。" * 3 for i in range(24))
    assert _staff_reply(runtime, clock, body) is None  # 3 parts fit the window
    parts = [r for r in _rows(runtime) if r.message_key]
    assert [r.parts for r in parts] == [3, 3, 3]
    assert all(len(r.payload["text"]) <= 600 for r in parts)  # characters, not only bytes
    api.errors["/cgi-bin/message/custom/send"] = [0, -1]  # part 2 meets "system busy"
    run_worker(client)
    assert len(received(rules)) == 1
    clock.at += dt.timedelta(seconds=10)
    run_worker(client)
    got = received(rules)
    assert len(got) == 3 and len(set(got)) == 3
    assert "\n".join(got) == "【工作人员】" + body
    assert tickets(runtime)[0].first_response_at is not None


def test_a_window_running_out_mid_reply_is_flagged_and_the_rest_waits(
    wx: tuple[TestClient, Runtime], rules: WeChatRules, clock: FixedClock
) -> None:
    """Finding 4: part 1 sent, the rest waits (not failed) and goes first on the next message."""
    client, runtime = wx
    _escalate(client, clock, rules)
    for i in range(3):
        _staff_reply(runtime, clock, f"短回复{i}")
    run_worker(client)
    assert len(received(rules)) == 3
    long = "\n".join(f"{i}. " + "请提供商标注册号和申请人名称，以便查询。" * 5 for i in range(15))
    warning = _staff_reply(runtime, clock, long)
    assert warning is not None and "仅剩 2 条" in warning and "has 2 left" in warning
    run_worker(client)
    states = [r.status for r in _rows(runtime) if r.parts > 1]
    assert states == ["sent", "sent", "waiting"]
    clock.at += dt.timedelta(minutes=1)
    assert user_says(client, clock, rules, "好的", 2) == "success"  # no overtaking
    run_worker(client)
    got = received(rules)
    assert "\n".join(got[3:6]) == "【工作人员】" + long  # the waiting part went first
    assert len(got) == len(set(got))


def test_after_48_hours_a_consented_notice_links_to_the_whole_reply(
    wx: tuple[TestClient, Runtime], rules: WeChatRules, clock: FixedClock
) -> None:
    """Finding 2: consent comes from WeChat's popup event only; the notice of the staff-reply
    template carries a summary and a signed link showing the whole reply."""
    client, runtime = wx
    _escalate(client, clock, rules)
    popup = fixture("event_subscribe_msg_popup.xml").replace(
        "tmpl-booking-reminder", REPLY_TEMPLATE
    )
    Wire(client).post(popup)
    rules.user_accepted(OPENID, REPLY_TEMPLATE)
    clock.at += dt.timedelta(hours=50)
    reply = "您的商标续展材料已审核通过，请于本周内缴纳续展费用，逾期将产生滞纳金。"
    _staff_reply(runtime, clock, reply)
    run_worker(client)
    [notice] = received(rules)
    assert notice.startswith("[notice] 【工作人员】您的商标续展材料已审")
    link = notice.split()[-1]
    assert link.startswith("https://tmbot.example.cn/m/")
    page = client.get(link.removeprefix("https://tmbot.example.cn"))
    assert page.status_code == 200 and reply in page.text
    make_account(runtime, "wang", role="staff")
    login(client, "wang")
    assert "已发订阅通知" in client.get("/staff/tickets/" + NUMBER).text
    clock.at += dt.timedelta(days=8)
    assert client.get(link.removeprefix("https://tmbot.example.cn")).status_code == 404
    assert client.get("/m/forged.123.abc").status_code == 404


def test_a_consent_wechat_does_not_know_waits_instead_of_failing(
    wx: tuple[TestClient, Runtime], rules: WeChatRules, clock: FixedClock
) -> None:
    """Finding 2: 43101 is not "the user refused": the reply waits and the stale consent goes."""
    client, runtime = wx
    _escalate(client, clock, rules)
    with Session(runtime.engine) as session:
        record_subscribe_consent(session=session, openid=OPENID, template_id=REPLY_TEMPLATE)
        session.commit()
    clock.at += dt.timedelta(hours=49)
    _staff_reply(runtime, clock, "您好")
    run_worker(client)
    [row] = [r for r in _rows(runtime) if r.message_key]
    assert row.status == "waiting" and "43101" in (row.last_error or "")
    with Session(runtime.engine) as session:
        consent = session.exec(select(WechatConsent)).one()
    assert consent.remaining == 0


def test_a_later_answer_never_overtakes_what_is_still_queued(
    wx: tuple[TestClient, Runtime], api: FakeWeChatApi, rules: WeChatRules, clock: FixedClock
) -> None:
    """Finding 5: the user's next question is answered after the parts still queued."""
    client, runtime = wx
    _escalate(client, clock, rules)
    _staff_reply(
        runtime,
        clock,
        "\n".join(f"{i}. " + "续展需要准备注册证和营业执照。" * 4 for i in range(12)),
    )
    api.errors["/cgi-bin/message/custom/send"] = [0, -1]  # part 2 must be retried
    run_worker(client)
    assert user_says(client, clock, rules, "结束", 2) == "success"  # queued, not passive
    clock.at += dt.timedelta(seconds=10)
    run_worker(client)
    got = received(rules)
    assert got[0].startswith("【工作人员】") and "已结束人工服务" in got[-1]
    assert len(got) == len(set(got))


def test_an_image_sent_during_a_handoff_reaches_staff(
    wx: tuple[TestClient, Runtime], api: FakeWeChatApi, rules: WeChatRules, clock: FixedClock
) -> None:
    """Finding 3: a file sent because staff asked for it is fetched (media/get) and attached."""
    client, runtime = wx
    _escalate(client, clock, rules)
    api.media["media_id_image_1"] = b"\xff\xd8\xff\xe0 fake jpeg"
    wire = Wire(client)
    answer = str(wire.reply(wire.post(fixture("image.xml"))).get("Content", ""))
    assert "图片已转给工作人员" in answer and NUMBER in answer and "passed on to staff" in answer
    run_worker(client)
    assert [c[1]["media_id"] for c in api.calls if c[0] == "/cgi-bin/media/get"] == [
        "media_id_image_1"
    ]
    make_account(runtime, "wang", role="staff")
    login(client, "wang")
    page = client.get("/staff/tickets/" + NUMBER).text
    assert "image-media_id_ima.jpg" in page and "[图片 image]" in page
    link = page.split('href="/staff/tickets/T-2026-000001/files/')[1].split('"')[0]
    download = client.get(f"/staff/tickets/{NUMBER}/files/{link}")
    assert download.content == b"\xff\xd8\xff\xe0 fake jpeg"
    assert download.headers["content-disposition"].startswith("attachment")


def test_an_image_outside_a_handoff_gets_the_polite_note(
    wx: tuple[TestClient, Runtime], api: FakeWeChatApi
) -> None:
    client, _ = wx
    wire = Wire(client)
    answer = str(wire.reply(wire.post(fixture("image.xml"))).get("Content", ""))
    assert "无法查看图片" in answer
    assert not any(c[0] == "/cgi-bin/media/get" for c in api.calls)


def test_files_are_for_staff_only(wx: tuple[TestClient, Runtime]) -> None:
    client, _ = wx
    resp = client.get(f"/staff/tickets/{NUMBER}/files/1", follow_redirects=False)
    assert resp.status_code in (303, 401, 403)
