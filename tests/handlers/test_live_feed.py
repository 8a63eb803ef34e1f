"""The live feed behind the staff pages' Server-Sent Events: it wakes when the desk's data
changes, including a change made through another connection (another worker or server). On
PostgreSQL the poll is set to an hour, so only LISTEN/NOTIFY can wake it."""

from __future__ import annotations

import asyncio
import threading

from sqlmodel import Session

from bot.core.runtime import Runtime
from handlers.staff.live import ChangeFeed
from storage.changes import fingerprint
from storage.db import make_engine
from storage.ticket_notes import add_note
from storage.tickets import Ticket


def _ticket(runtime: Runtime) -> int:
    import datetime as dt

    with Session(runtime.engine) as session:
        now = dt.datetime(2026, 11, 25, 2, tzinfo=dt.UTC)
        ticket = Ticket(
            number="T-2026-000099",
            channel="web",
            user_ref="someone",
            question="q",
            reason="asked",
            first_response_due=now,
        )
        session.add(ticket)
        session.commit()
        assert ticket.id is not None
        return ticket.id


def test_feed_wakes_on_a_change_from_another_connection(runtime: Runtime) -> None:
    ticket_id = _ticket(runtime)
    pg = runtime.engine.dialect.name == "postgresql"
    feed = ChangeFeed(runtime.engine, interval=3600 if pg else 0.05)
    other = make_engine(runtime.settings.database_url)  # as another worker would have

    def change() -> None:
        with Session(other) as session:
            add_note(session=session, ticket_id=ticket_id, author="li", text="from elsewhere")
            session.commit()

    async def scenario() -> tuple[str, str]:
        seen = feed.read()
        waiting = asyncio.create_task(feed.next_change(seen, 30))
        await asyncio.sleep(0.3)  # the feed (and its LISTEN connection) is up
        threading.Thread(target=change).start()
        return seen, await waiting

    try:
        seen, now = asyncio.run(scenario())
    finally:
        feed.close()
        other.dispose()
    assert now != seen
    with Session(runtime.engine) as session:
        assert now == fingerprint(session=session)
