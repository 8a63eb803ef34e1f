"""A handoff that talks back (issue 22, finding 3): acknowledgements at most every few minutes
with the ticket's state and how to go back; the menu and a re-follow still work; a weekend
WeChat user is told honestly how the 48-hour window affects the reply."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime, build_runtime
from bot.core.settings import Settings
from tests.support.dialog import say
from tests.support.handoff import conversation_status, tickets

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def rt(settings: Settings, clock: FixedClock) -> Iterator[Runtime]:
    runtime = build_runtime(settings, clock=clock)
    yield runtime
    runtime.engine.dispose()


def _text(replies: list) -> str:
    return "\n".join(r.text for r in replies)


def test_every_message_is_acknowledged_at_most_every_few_minutes(
    rt: Runtime, clock: FixedClock
) -> None:
    conv = rt.conversation
    say(conv, "转人工，我的商标被抢注了")
    first = _text(say(conv, "注册号是 12345678"))
    assert "T-2026-000001" in first and "等待工作人员认领" in first
    assert "今天 12:00" in first and "“结束”回到机器人" in first and "“菜单”" in first
    assert say(conv, "还有一件事") == []  # a minute later: no second acknowledgement
    clock.at += dt.timedelta(minutes=6)
    assert "工作人员会在这里回复您" in _text(say(conv, "在吗？"))
    assert len(tickets(rt)) == 1


def test_menu_and_greeting_still_work_during_a_handoff_and_show_the_ticket(rt: Runtime) -> None:
    conv = rt.conversation
    say(conv, "转人工，我的商标被抢注了")
    for word in ("菜单", "你好"):  # "你好" is what a WeChat re-follow sends
        replies = say(conv, word)
        assert "T-2026-000001 仍在人工处理中（等待工作人员认领）" in replies[0].text
        assert any(r.choices for r in replies[1:])  # the menu's buttons
    assert conversation_status(rt, "u1") == "human"  # still with staff


def test_english_acknowledgement(rt: Runtime) -> None:
    conv = rt.conversation
    say(conv, "talk to a human about my opposition", user="en")
    text = _text(say(conv, "the mark is ACME", user="en"))
    assert "waiting for a staff member" in text and "'done' to go back to the bot" in text


def test_a_saturday_wechat_user_is_told_how_the_48_hour_window_works(
    rt: Runtime, clock: FixedClock
) -> None:
    clock.at = dt.datetime(2026, 11, 28, 9, 30, tzinfo=SHANGHAI)  # Saturday morning
    text = _text(say(rt.conversation, "转人工，商标被驳回了怎么办", channel="wechat", user="oSAT"))
    assert "48小时" in text and "发送任意消息" in text
    clock.at = dt.datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)  # a Wednesday: no need
    text = _text(say(rt.conversation, "转人工，商标被驳回了怎么办", channel="wechat", user="oWED"))
    assert "48小时" not in text


def test_a_reopened_ticket_can_be_rated_again(rt: Runtime, clock: FixedClock) -> None:
    """Finding 8: a rating after /reopen is taken, not answered 答不上来."""
    from sqlmodel import Session

    from bot.handoff import helpdesk
    from storage.tickets import get_ticket

    conv = rt.conversation
    say(conv, "转人工，我的商标被抢注了")

    def staff(action: str) -> None:
        with Session(rt.engine) as session:
            ticket = get_ticket(session=session, number="T-2026-000001")
            assert ticket is not None
            if action == "resolve":
                helpdesk.resolve(
                    session=session, ticket=ticket, staff="wang", note="ok", now=clock.at
                )
            else:
                helpdesk.reopen(session=session, ticket=ticket, staff="wang", now=clock.at)
            session.commit()

    staff("resolve")
    assert "谢谢您的评价" in _text(say(conv, "5"))
    staff("reopen")
    staff("resolve")
    assert "谢谢您的评价" in _text(say(conv, "3"))
    assert tickets(rt)[0].rating == 3
