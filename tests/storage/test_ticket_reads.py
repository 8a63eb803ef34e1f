"""Unread counts per staff member: only the user's lines on the ticket, after what they saw."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from bot.core.runtime import Runtime
from storage.models import ChatMessage
from storage.ticket_reads import mark_read, unread_counts
from storage.tickets import Ticket


def _line(session: Session, user: str, direction: str) -> int:
    msg = ChatMessage(channel="web", user_ref=user, direction=direction, text="x")
    session.add(msg)
    session.flush()
    assert msg.id is not None
    return msg.id


def test_unread_counts_follow_what_each_staff_member_saw(runtime: Runtime) -> None:
    due = dt.datetime(2026, 12, 4, tzinfo=dt.UTC)
    with Session(runtime.engine) as session:
        before = _line(session, "a", "in")  # before the ticket: not part of it
        first = _line(session, "a", "in")
        ticket = Ticket(
            number="T-2026-000500",
            channel="web",
            user_ref="a",
            question="q",
            reason="asked",
            first_response_due=due,
            transcript_from_id=first,
        )
        other = Ticket(
            number="T-2026-000501",
            channel="web",
            user_ref="b",
            question="q",
            reason="asked",
            first_response_due=due,
        )
        session.add_all([ticket, other])
        session.flush()
        _line(session, "a", "out")  # the bot's or staff's line: never unread
        last = _line(session, "a", "in")
        _line(session, "c", "in")  # another user's
        assert before < first
        assert unread_counts(session=session, staff="wang", tickets=[ticket, other]) == {
            ticket.id: 2
        }
        mark_read(session=session, staff="wang", ticket=ticket, message_id=first)
        session.flush()
        assert unread_counts(session=session, staff="wang", tickets=[ticket]) == {ticket.id: 1}
        assert unread_counts(session=session, staff="li", tickets=[ticket]) == {ticket.id: 2}
        mark_read(session=session, staff="wang", ticket=ticket, message_id=last)
        mark_read(session=session, staff="wang", ticket=ticket, message_id=first)  # never back
        session.flush()
        assert unread_counts(session=session, staff="wang", tickets=[ticket]) == {}
