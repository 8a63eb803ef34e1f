"""Retention periods applied with an injected clock: by `sweep`, dry or not, and by the worker's
housekeeping pass (at most once an hour). No sleeps."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, SQLModel, select

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime
from bot.core.settings import Settings
from bot.handoff.sweep import housekeeping_for
from bot.privacy.service import retention_for, sweep
from storage.bookings import Booking
from storage.models import ChatMessage, ConversationState, QuestionLog
from storage.outbox import OutboxMessage
from storage.tickets import Ticket
from tests.support.booking import book_through
from tests.support.dialog import say

DAY = dt.timedelta(days=1)


def _all(rt: Runtime, model: type) -> list:
    with Session(rt.engine) as session:
        return list(session.exec(select(model)))  # type: ignore[call-overload]


def _age(rt: Runtime, user: str, at: dt.datetime) -> None:
    """Date the user's rows (and every outbox row) back to `at`: rows are stamped with the real
    time when written, and retention judges their stamps."""
    stamps = ("created_at", "updated_at")
    with Session(rt.engine) as session:
        conn = session.connection()
        for table in SQLModel.metadata.sorted_tables:
            cols = [c for c in stamps if c in table.c]
            if not cols:
                continue
            if "user_ref" in table.c:
                where = table.c.user_ref == user
            elif table.name in ("outbox_message", "processed_delivery"):
                where = table.c.id > 0
            else:
                continue
            conn.execute(table.update().where(where).values(dict.fromkeys(cols, at)))
        session.commit()


def _history(rt: Runtime, clock: FixedClock) -> dt.datetime:
    """An old user (400 days ago: asked, handed off and closed, booked then cancelled) and a
    recent one (today); returns today."""
    today = clock.at
    clock.at = today - 400 * DAY
    say(rt.conversation, "续展要交多少钱", user="old")
    say(rt.conversation, "没用", user="old")  # so the renewal question goes to staff
    say(rt.conversation, "人工", user="old")
    say(rt.conversation, "结束", user="old")
    book_through(rt.conversation, user="old")
    say(rt.conversation, "我的预约", user="old")
    [booking] = _all(rt, Booking)
    say(rt.conversation, f"取消 {booking.code}", user="old")
    say(rt.conversation, "确认", user="old")
    with Session(rt.engine) as session:  # delivered long ago
        for row in session.exec(select(OutboxMessage)):
            row.status = "sent"
            session.add(row)
        session.commit()
    _age(rt, "old", clock.at)
    clock.at = today
    say(rt.conversation, "续展要交多少钱", user="new")
    return today


def test_periods_remove_or_anonymise_old_rows_only(runtime: Runtime, clock: FixedClock) -> None:
    rt = runtime
    today = _history(rt, clock)
    assert _all(rt, Booking)[0].status == "cancelled"
    dry = sweep(rt.engine, rt.settings, today, dry_run=True)
    assert dry["transcripts"] > 0 and dry["question_logs"] >= 1 and dry["deliveries"] > 0
    assert dry["cancelled_bookings"] == 1
    assert dry["closed_tickets"] == 0  # 730 days for closed tickets: not yet
    assert {m.user_ref for m in _all(rt, ChatMessage)} == {"old", "new"}  # dry: nothing changed

    done = sweep(rt.engine, rt.settings, today)
    assert done == dry
    assert {m.user_ref for m in _all(rt, ChatMessage)} == {"new"}
    assert {s.user_ref for s in _all(rt, ConversationState)} == {"new"}
    logs = _all(rt, QuestionLog)
    old_logs = [q for q in logs if q.user_ref == "erased"]
    assert old_logs and all(q.question == "" and q.intent for q in old_logs)  # figures stay
    assert [q.question for q in logs if q.user_ref == "new"] == ["续展要交多少钱"]
    [booking] = _all(rt, Booking)
    assert (booking.user_ref, booking.phone, booking.contact_name) == ("erased", "", "")
    assert [t.user_ref for t in _all(rt, Ticket)] == ["old"]
    assert all(r.status == "pending" for r in _all(rt, OutboxMessage))  # sent ones are gone
    assert sweep(rt.engine, rt.settings, today) == dict.fromkeys(done, 0)  # nothing left


def test_closed_tickets_go_after_their_own_period(runtime: Runtime, clock: FixedClock) -> None:
    rt = runtime
    today = _history(rt, clock)
    done = sweep(rt.engine, rt.settings, today + 340 * DAY)
    assert done["closed_tickets"] == 1
    [ticket] = _all(rt, Ticket)
    assert (ticket.user_ref, ticket.question, ticket.category) == (
        "erased",
        "[已删除 removed]",
        "renewal",
    )


def test_zero_days_keeps_for_ever(settings: Settings, runtime: Runtime, clock: FixedClock) -> None:
    today = _history(runtime, clock)
    keep = settings.model_copy(update={"retention_transcript_days": 0})
    assert sweep(runtime.engine, keep, today)["transcripts"] == 0
    assert {m.user_ref for m in _all(runtime, ChatMessage)} == {"old", "new"}


def test_housekeeping_applies_retention_at_most_hourly(runtime: Runtime, clock: FixedClock) -> None:
    rt = runtime
    today = _history(rt, clock)
    run = retention_for(rt.settings)
    assert run(rt.engine, today)["transcripts"] > 0  # type: ignore[index]
    say(rt.conversation, "续展要交多少钱", user="old")
    clock.at = today - 400 * DAY
    say(rt.conversation, "续展要交多少钱", user="older")
    _age(rt, "older", clock.at)
    assert run(rt.engine, today + dt.timedelta(minutes=30)) is None  # throttled
    assert run(rt.engine, today + dt.timedelta(minutes=61))["transcripts"] > 0  # type: ignore[index]
    # The worker's hook (bot/handoff/sweep.py) carries it, on the conversation's clock.
    clock.at = today - 400 * DAY
    say(rt.conversation, "续展要交多少钱", user="oldest")
    _age(rt, "oldest", clock.at)
    clock.at = today
    housekeeping_for(rt.settings, clock)(rt.engine, today)
    assert "oldest" not in {m.user_ref for m in _all(rt, ChatMessage)}
