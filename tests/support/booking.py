"""Helpers for booking tests: walk the booking dialog, find choices, add experts."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from bot.core.conversation import Conversation
from bot.core.messages import Reply
from storage.experts import Expert, ExpertIn, save_expert
from tests.support.dialog import say

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


# The Chinese booking dialog typed step by step: (message, part of the answer).
STEPS = [
    ("预约专家", "请选择咨询主题"),
    ("book:topic:renewal", "请选择专家"),
    ("book:expert:1", "请选择日期"),
    ("book:day:2026-11-26", "可预约的时段"),
    ("book:slot:1:20261126T0100Z", "企业名称"),
    ("某某科技有限公司", "联系人姓名"),
    ("张三", "手机号"),
    ("13812345678", "一句话"),
    ("续展流程", "请核对预约信息"),
]


def choice(replies: list[Reply], prefix: str, index: int = 0) -> str:
    """The payload of the `index`-th offered choice starting with `prefix`."""
    payloads = [c.payload for r in replies for c in r.choices if c.payload.startswith(prefix)]
    assert len(payloads) > index, f"no choice {prefix!r} in {[r.text for r in replies]}"
    return payloads[index]


def joined(replies: list[Reply]) -> str:
    """All reply texts as one string."""
    return "\n".join(r.text for r in replies)


def book_through(
    conv: Conversation,
    *,
    user: str = "u1",
    channel: str = "test",
    lang: str = "zh",
    topic: str = "renewal",
    expert: str = "1",
    day_index: int = 0,
    slot_index: int = 0,
    confirm: bool = True,
    phone: str = "138 1234 5678",
) -> list[Reply]:
    """Run the whole booking dialog with buttons; returns the last replies."""

    def go(text: str) -> list[Reply]:
        return say(conv, text, user=user, channel=channel)

    go("预约专家" if lang == "zh" else "book an expert")
    go(f"book:topic:{topic}")
    replies = go(f"book:expert:{expert}")
    replies = go(choice(replies, "book:day:", day_index))
    go(choice(replies, "book:slot:", slot_index))
    if lang == "zh":
        go("某某科技有限公司")
        go("张三")
    else:
        go("Acme Trading Ltd")
        go("Alice Smith")
    go(phone)
    replies = go("商标快到期了，续展需要准备什么" if lang == "zh" else "What do I need for renewal")
    if channel == "wechat":
        replies = go("book:notice:yes")
    return go("book:confirm") if confirm else replies


def add_expert(session: Session, name: str = "测试专家", **fields: object) -> Expert:
    """Save an expert with Wednesday and Thursday afternoons by default."""
    data = {
        "name": name,
        "specialties": ["renewal"],
        "availability": ["wed 14:00-16:00 /30 +0", "thu 14:00-16:00 /30 +0"],
        **fields,
    }
    expert = save_expert(session=session, data=ExpertIn.model_validate(data))
    session.commit()
    return expert
