"""What the staff desk's live updates and search cost on a busy station's database.

    python benchmarks/desk_bench.py [--tickets 5000] [--lines 20] [--url postgresql+psycopg://...]

Fills a fresh database (a temporary SQLite file unless --url names a PostgreSQL database it may
fill) with `tickets` tickets of `lines` transcript lines each, then times, median of 20 runs:
- the live feed's fingerprint query (run per process, twice a second on SQLite while a staff tab
  is open, on NOTIFY and every 5 s on PostgreSQL),
- a queue search by phone digits and by transcript text (worst case: a scan of the transcript),
- the unread counts of every active ticket for one staff member (the queue's badges and title).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session, col, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storage.changes import fingerprint
from storage.db import make_engine, upgrade_db
from storage.models import ChatMessage
from storage.ticket_reads import unread_counts
from storage.ticket_search import search_tickets
from storage.tickets import ACTIVE, Ticket


def _fill(session: Session, tickets: int, lines: int) -> None:
    now = dt.datetime(2026, 12, 4, 2, tzinfo=dt.UTC)
    for n in range(tickets):
        user = f"user-{n:06d}"
        first = None
        for i in range(lines):
            msg = ChatMessage(
                channel="web",
                user_ref=user,
                direction="in" if i % 2 == 0 else "out",
                sender="user" if i % 2 == 0 else "bot",
                text=f"第{i}句：商标续展问题 {n} renewal question line {i}",
            )
            session.add(msg)
            if first is None:
                session.flush()
                first = msg.id
        status = ("open", "claimed", "waiting_user", "resolved", "closed")[n % 5]
        session.add(
            Ticket(
                number=f"T-2026-{n + 1:06d}",
                channel="web",
                user_ref=user,
                question=f"问题 {n}",
                reason="asked",
                status=status,
                contact=f"139{n:08d}",
                company=f"公司{n}",
                first_response_due=now,
                transcript_from_id=first or 0,
            )
        )
        if n % 500 == 0:
            session.commit()
    session.commit()


def _median_ms(action: Callable[[], object], runs: int = 20) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=5000)
    parser.add_argument("--lines", type=int, default=20)
    parser.add_argument("--url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{tmp}/bench.db"
        upgrade_db(url)
        engine = make_engine(url)
        with Session(engine) as session:
            _fill(session, args.tickets, args.lines)
            active = list(session.exec(select(Ticket).where(col(Ticket.status).in_(list(ACTIVE)))))
            rows = {
                "fingerprint (live feed)": lambda: fingerprint(session=session),
                "search by phone digits": lambda: search_tickets(
                    session=session, q="139 0000 4242"
                ),
                "search by transcript text": lambda: search_tickets(session=session, q="第7句"),
                f"unread counts ({len(active)} active)": lambda: unread_counts(
                    session=session, staff="wang", tickets=active
                ),
            }
            print(f"{engine.dialect.name}: {args.tickets} tickets x {args.lines} lines")
            for name, action in rows.items():
                print(f"  {name:32s} {_median_ms(action):8.2f} ms (median of 20)")
        engine.dispose()


if __name__ == "__main__":
    main()
