"""A known year of station history (2026, seen on 2026-11-25) and the figures it must give.

Times are UTC; the station is UTC+8, so 2025-12-31 16:30Z is 1 January 2026 at the station.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select

from storage.bookings import Booking
from storage.db import session_scope
from storage.experts import Expert
from storage.models import ChatMessage, QuestionLog
from storage.tickets import Ticket

__all__ = ("EXPECTED", "EXPECTED_MONTHS", "seed_history")


def _t(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


# (channel, user, intent, outcome, faq_id, topic, tool, feedback, question, at)
QUESTIONS: list[tuple[Any, ...]] = [
    (
        "web",
        "u9",
        "faq",
        "answered",
        "renewal-fee",
        "renewal-fee",
        None,
        None,
        "续展费",
        "2025-12-15T02:00",
    ),
    ("web", "u7", "unknown", "unknown", None, None, None, None, "你们几点下班", "2025-12-31T16:30"),
    (
        "web",
        "u1",
        "faq",
        "answered",
        "renewal-fee",
        "renewal-fee",
        None,
        "useful",
        "续展多少钱",
        "2026-03-10T02:00",
    ),
    (
        "web",
        "u1",
        "faq",
        "answered",
        "renewal-window",
        "renewal-window",
        None,
        "not_useful",
        "什么时候续展",
        "2026-03-10T02:05",
    ),
    (
        "web",
        "u1",
        "tool",
        "answered",
        None,
        None,
        "renewal",
        None,
        "2016年3月7日注册的什么时候续展",
        "2026-03-10T02:10",
    ),
    ("wechat", "u2", "suggest", "suggested", None, None, None, None, "异议", "2026-03-11T03:00"),
    (
        "wechat",
        "u2",
        "suggest",
        "chosen",
        "opposition-period",
        "opposition-period",
        None,
        None,
        "异议期",
        "2026-03-11T03:02",
    ),
    (
        "wechat",
        "u3",
        "unknown",
        "unknown",
        None,
        None,
        None,
        None,
        "商标被抢注怎么办",
        "2026-03-12T03:00",
    ),
    (
        "telegram",
        "u4",
        "unknown",
        "unknown",
        None,
        None,
        None,
        None,
        "商标被抢注怎么办？",
        "2026-03-12T05:00",
    ),
    (
        "web",
        "u5",
        "tool",
        "answered",
        None,
        None,
        "fee_madrid",
        None,
        "马德里指定美国多少钱",
        "2026-03-13T02:00",
    ),
    (
        "web",
        "u5",
        "tool",
        "asked",
        None,
        None,
        None,
        None,
        "我的商标什么时候续展",
        "2026-03-13T02:05",
    ),
    ("web", "u5", "smalltalk", "handled", None, None, None, None, "你好", "2026-03-13T02:06"),
    (
        "wechat",
        "u2",
        "faq",
        "answered",
        "renewal-fee",
        "renewal-fee",
        None,
        None,
        "续展费用",
        "2026-11-20T02:00",
    ),
    (
        "web",
        "u6",
        "faq",
        "answered",
        "renewal-fee",
        "renewal-fee",
        None,
        None,
        "续展要多少钱",
        "2026-11-25T01:00",
    ),
]

EXPECTED: dict[str, Any] = {
    "questions": 11,
    "answered": 4,
    "suggested": 2,
    "suggested_chosen": 1,
    "unknown": 3,
    "tool_uses": 2,
    "users": 7,
    "conversations": 8,
    "messages": 26,
    "enterprises": 4,
    "tickets": 4,
    "bookings": 4,
    "consultations": 2,
    "attended": 1,
    "no_show": 1,
    "cancelled": 1,
    "first_response_median_minutes": 30.0,
    "first_response_p90_minutes": 180.0,
    "within_sla_share": 0.5,
    "resolution_median_hours": 13.0,
    "csat_avg": 4.0,
    "csat_count": 2,
    "csat_distribution": {"1": 0, "2": 0, "3": 1, "4": 0, "5": 1},
    "tools": {"fee_madrid": 1, "renewal": 1},
    "by_channel": {
        "telegram": {"questions": 1, "messages": 2, "users": 1},
        "web": {"questions": 6, "messages": 16, "users": 4},
        "wechat": {"questions": 4, "messages": 8, "users": 2},
    },
    "top_topics": [("renewal-fee", 3), ("opposition-period", 1), ("renewal-window", 1)],
    "top_themes": [("renewal", 4), ("disputes", 1)],
    "feedback": {"useful": 1, "not_useful": 1},
    "tickets_by_reason": {"asked": 2, "low_confidence": 1, "not_helpful": 1},
    "unanswered_top": [("商标被抢注怎么办", 2)],
}

# month -> the monthly figures that are not zero
EXPECTED_MONTHS: dict[int, dict[str, float]] = {
    1: {"questions": 1, "unknown": 1, "conversations": 1, "messages": 2},
    3: {
        "questions": 8,
        "answered": 2,
        "suggested": 2,
        "unknown": 2,
        "tool_uses": 2,
        "conversations": 5,
        "messages": 20,
        "tickets": 1,
        "bookings": 2,
        "attended": 1,
        "csat_avg": 5.0,
    },
    4: {"bookings": 1},
    5: {"tickets": 1, "csat_avg": 3.0},
    11: {
        "questions": 2,
        "answered": 2,
        "conversations": 2,
        "messages": 4,
        "tickets": 2,
        "bookings": 1,
    },
}


def _ticket(number: str, channel: str, created: str, due: str, **kw: Any) -> Ticket:
    fields: dict[str, Any] = {"category": "general", "company": None, "status": "closed"}
    fields.update(kw)
    for key in ("first_response_at", "resolved_at"):
        if isinstance(fields.get(key), str):
            fields[key] = _t(fields[key])
    return Ticket(
        number=number,
        channel=channel,
        user_ref=f"{channel}-{number}",
        question="请人工帮忙",
        created_at=_t(created),
        first_response_due=_t(due),
        **fields,
    )


def seed_history(engine: Engine) -> None:
    """Insert QUESTIONS (with a user and a bot line each), four 2026 tickets and one of 2025,
    and four bookings, all at known times."""
    with session_scope(engine) as session:
        for ch, user, intent, outcome, faq_id, topic, tool, feedback, text, at in QUESTIONS:
            when = _t(at)
            session.add(
                QuestionLog(
                    channel=ch,
                    user_ref=user,
                    question=text,
                    lang="zh",
                    intent=intent,
                    outcome=outcome,
                    faq_id=faq_id,
                    topic=topic,
                    tool=tool,
                    feedback=feedback,
                    created_at=when,
                )
            )
            session.add(
                ChatMessage(
                    channel=ch,
                    user_ref=user,
                    direction="in",
                    sender="user",
                    text=text,
                    created_at=when,
                )
            )
            session.add(
                ChatMessage(
                    channel=ch, user_ref=user, direction="out", text="答复", created_at=when
                )
            )
        session.add_all(
            [
                _ticket(
                    "T-2025-000001", "web", "2025-06-01T01:00", "2025-06-01T03:00", reason="asked"
                ),
                _ticket(
                    "T-2026-000001",
                    "web",
                    "2026-03-10T03:00",
                    "2026-03-10T05:00",
                    reason="asked",
                    category="renewal",
                    company="甲公司",
                    first_response_at="2026-03-10T03:30",
                    resolved_at="2026-03-10T05:00",
                    rating=5,
                ),
                _ticket(
                    "T-2026-000002",
                    "wechat",
                    "2026-05-01T01:00",
                    "2026-05-01T03:00",
                    reason="low_confidence",
                    company="乙 公司",
                    first_response_at="2026-05-01T04:00",
                    resolved_at="2026-05-02T01:00",
                    rating=3,
                ),
                _ticket(
                    "T-2026-000003",
                    "telegram",
                    "2026-11-24T01:00",
                    "2026-11-24T03:00",
                    reason="not_helpful",
                    category="renewal",
                    status="open",
                ),
                _ticket(
                    "T-2026-000004",
                    "web",
                    "2026-11-25T01:30",
                    "2026-11-25T03:30",
                    reason="asked",
                    company="甲公司",
                    status="claimed",
                    first_response_at="2026-11-25T01:40",
                ),
            ]
        )
        experts = list(session.exec(select(Expert).order_by(Expert.id)))  # type: ignore[arg-type]
        a, b = experts[0].id, experts[1].id
        bookings = [
            (a, "2026-03-01T02:00", "2026-03-05T02:00", "attended", "renewal", "甲公司"),
            (a, "2026-03-02T02:00", "2026-03-06T02:00", "no_show", "madrid", "丙公司"),
            (b, "2026-04-01T02:00", "2026-04-03T02:00", "cancelled", "renewal", "丁公司"),
            (b, "2026-11-20T02:00", "2026-11-27T02:00", "active", "renewal", "甲公司"),
        ]
        for i, (expert, created, slot, status, topic, company) in enumerate(bookings):
            start = _t(slot)
            session.add(
                Booking(
                    code=f"B-TEST{i}",
                    expert_id=expert,
                    slot_start=start,
                    slot_end=start + dt.timedelta(minutes=30),
                    channel="web",
                    user_ref=f"b{i}",
                    topic=topic,
                    company=company,
                    contact_name="张三",
                    phone="13800000000",
                    phone_consent_at=_t(created),
                    status=status,
                    created_at=_t(created),
                )
            )


def expert_names(engine: Engine) -> list[str]:
    """The names of the first two experts (the bookings above are theirs)."""
    with session_scope(engine) as session:
        return [e.name for e in session.exec(select(Expert).order_by(Expert.id))][:2]  # type: ignore[arg-type]
