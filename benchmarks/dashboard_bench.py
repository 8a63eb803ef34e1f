"""What the dashboard costs on a busy station's year: 1,000,000 logged questions (with a user
and a bot transcript line each), 50,000 tickets and 5,000 bookings, on SQLite and PostgreSQL.

    python -m benchmarks.dashboard_bench [--questions 1000000] [--tickets 50000]
        [--pg postgresql+psycopg://postgres@127.0.0.1:5432/scratch] [--repeat 5]

Seeds a scratch SQLite file in a temporary folder (and, with --pg, that database: its tables
are dropped and recreated, never point it at a database you need) with core bulk inserts, then
prints: the first load (which stores the finished days in the daily roll-up, as the
housekeeping pass does once a day), then the dashboard page (GET /admin/dashboard?period=year,
signed in: this year against the last, month by month, both charts) and the figures alone
(`tmbot stats`), median and worst of --repeat runs, and the annual report (.docx + .xlsx).
The station's "today" is 2026-12-04; the seeded year runs from 1 January.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import insert, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime, build_runtime
from bot.core.settings import Settings
from bot.stats import compute, monthly, period_for
from bot.stats.report import report_data
from bot.stats.report_docx import report_docx
from bot.stats.report_xlsx import report_xlsx
from storage.bookings import Booking
from storage.experts import Expert
from storage.models import ChatMessage, FaqRecord, QuestionLog
from storage.tickets import Ticket
from tests.support.accounts import make_account

NOW = dt.datetime(2026, 12, 4, 2, 0, tzinfo=dt.UTC)  # 10:00 at the station
YEAR_START = dt.datetime(2025, 12, 31, 16, 0, tzinfo=dt.UTC)  # 1 January 2026, 00:00 +08
SPAN = (NOW - YEAR_START).total_seconds()
CHANNELS = ("wechat", "wechat", "wechat", "web", "web", "telegram")
# (intent, outcome, weight)
KINDS = (
    ("faq", "answered", 55),
    ("suggest", "suggested", 10),
    ("suggest", "chosen", 6),
    ("unknown", "unknown", 12),
    ("tool", "answered", 12),
    ("tool", "asked", 3),
    ("smalltalk", "handled", 2),
)
TOOLS = ("renewal", "fee_renewal", "fee_national", "fee_madrid", "classes", "opposition")
UNKNOWN = [f"没有答案的问题{i}号怎么处理" for i in range(40)]
BATCH = 20_000


def _at(rng: random.Random) -> dt.datetime:
    return YEAR_START + dt.timedelta(seconds=rng.random() * SPAN)


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _questions(n: int, entries: list[tuple[str, str | None]], rng: random.Random) -> Iterator:
    kinds = [(i, o) for i, o, w in KINDS for _ in range(w)]
    for _ in range(n):
        intent, outcome = rng.choice(kinds)
        channel = rng.choice(CHANNELS)
        user = f"user{int(rng.paretovariate(1.2) * 1000) % 120_000}"
        faq_id = topic = tool = feedback = None
        question = "续展要多少钱"
        if outcome in ("answered", "chosen") and intent != "tool":
            faq_id, topic = rng.choice(entries)
            feedback = rng.choice((None,) * 18 + ("useful", "not_useful"))
        if intent == "tool":
            tool = rng.choice(TOOLS) if outcome == "answered" else None
        if intent == "unknown":
            question = rng.choice(UNKNOWN)
        yield {
            "created_at": _at(rng),
            "channel": channel,
            "user_ref": user,
            "question": question,
            "lang": "zh",
            "intent": intent,
            "outcome": outcome,
            "faq_id": faq_id,
            "topic": topic,
            "score": 70.0,
            "feedback": feedback,
            "tool": tool,
        }


def _tickets(n: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    for i in range(n):
        created = _at(rng)
        answered = created + dt.timedelta(minutes=rng.expovariate(1 / 90))
        resolved = answered + dt.timedelta(hours=rng.expovariate(1 / 20))
        done = resolved < NOW
        yield {
            "number": f"T-2026-{i + 1:06d}",
            "channel": rng.choice(CHANNELS),
            "user_ref": f"user{rng.randrange(120_000)}",
            "lang": "zh",
            "question": "请人工帮忙",
            "reason": rng.choice(("asked", "low_confidence", "not_helpful", "needs_staff")),
            "category": rng.choice(("renewal", "registration", "madrid", "general")),
            "priority": "normal",
            "company": f"企业{rng.randrange(20_000)}" if rng.random() < 0.6 else None,
            "status": "closed" if done else "claimed",
            "created_at": created,
            "updated_at": created,
            "first_response_due": created + dt.timedelta(hours=2),
            "first_response_at": answered if answered < NOW else None,
            "resolved_at": resolved if done else None,
            "rating": rng.choice((None, None, 3, 4, 5, 5)) if done else None,
            "transcript_from_id": 0,
        }


def _bookings(n: int, experts: list[int], rng: random.Random) -> Iterator[dict[str, Any]]:
    for i in range(n):
        slot = _at(rng).replace(minute=0, second=0, microsecond=0)
        created = slot - dt.timedelta(days=rng.randint(1, 10))
        status = rng.choice(("attended", "attended", "no_show", "cancelled"))
        yield {
            "code": f"B-{i:06d}",
            "expert_id": experts[i % len(experts)],
            "slot_start": slot + dt.timedelta(minutes=i % 60),  # never the same slot twice
            "slot_end": slot + dt.timedelta(minutes=30 + i % 60),
            "channel": rng.choice(CHANNELS),
            "user_ref": f"user{rng.randrange(120_000)}",
            "lang": "zh",
            "topic": rng.choice(("renewal", "registration", "madrid")),
            "company": f"企业{rng.randrange(20_000)}",
            "contact_name": "测试",
            "phone": "13800000000",
            "phone_consent_at": created,
            "question": "",
            "status": status,
            "note": "",
            "faq_candidate": False,
            "version": 1,
            "created_at": created,
            "updated_at": created,
        }


def seed(engine: Engine, questions: int, tickets: int, bookings: int) -> float:
    """Bulk-insert the year; returns the seconds it took."""
    started = time.perf_counter()
    rng = random.Random(20)
    with Session(engine) as session:
        entries = [(r.id, r.topic) for r in session.exec(select(FaqRecord))]
        experts = [e.id for e in session.exec(select(Expert)) if e.id is not None]
    with engine.begin() as conn:
        for batch in _batches(_questions(questions, entries, rng)):
            conn.execute(insert(QuestionLog.__table__), batch)  # type: ignore[attr-defined]
            lines = []
            for q in batch:
                base = {"channel": q["channel"], "user_ref": q["user_ref"]}
                lines.append(
                    base
                    | {
                        "direction": "in",
                        "sender": "user",
                        "text": q["question"],
                        "created_at": q["created_at"],
                    }
                )
                lines.append(
                    base
                    | {
                        "direction": "out",
                        "sender": "bot",
                        "text": "答复",
                        "created_at": q["created_at"],
                    }
                )
            conn.execute(insert(ChatMessage.__table__), lines)  # type: ignore[attr-defined]
        for batch in _batches(_tickets(tickets, rng)):
            conn.execute(insert(Ticket.__table__), batch)  # type: ignore[attr-defined]
        for batch in _batches(_bookings(bookings, experts, rng)):
            conn.execute(insert(Booking.__table__), batch)  # type: ignore[attr-defined]
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    return time.perf_counter() - started


def _timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), max(runs)


def measure(runtime: Runtime, repeat: int) -> dict[str, Any]:
    tz = runtime.settings.timezone
    year = period_for("year", NOW.date())
    out: dict[str, Any] = {}

    def figures() -> None:
        with Session(runtime.engine) as session:
            compute(session, tz, year, now=NOW)
            compute(session, tz, year.previous(), now=NOW, with_unanswered=False)
            monthly(session, tz, 2026, now=NOW)

    started = time.perf_counter()
    figures()  # stores the finished days, as the housekeeping pass would
    out["first load (roll-up of the year)"] = time.perf_counter() - started
    if runtime.engine.dialect.name == "postgresql":  # what autovacuum does after such a load
        with runtime.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    make_account(runtime, "bench", "admin")
    with TestClient(_app(runtime)) as client:
        from tests.support.accounts import login

        login(client, "bench")

        def page() -> None:
            resp = client.get("/admin/dashboard", params={"period": "year"})
            assert resp.status_code == 200, resp.status_code

        page()  # warm: templates compiled, matplotlib imported
        out["dashboard page, year (median, worst)"] = _timed(page, repeat)

        def month_page() -> None:
            assert client.get("/admin/dashboard", params={"period": "month"}).status_code == 200

        out["dashboard page, month (median, worst)"] = _timed(month_page, repeat)
    out["figures only, year + previous + months (median, worst)"] = _timed(figures, repeat)

    def report() -> None:
        with Session(runtime.engine) as session:
            data = report_data(
                session, tz=tz, year=2026, now=NOW, station_zh="测试指导站", station_en="Test"
            )
        report_docx(data)
        report_xlsx(data)

    out["annual report .docx + .xlsx (median, worst)"] = _timed(report, max(1, repeat // 2))
    return out


def _app(runtime: Runtime) -> Any:
    from webhook import create_app

    return create_app(runtime.settings, runtime=runtime)


def run(url: str, args: argparse.Namespace) -> None:
    if url.startswith("postgresql"):
        from storage.db import make_engine

        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    settings = Settings(database_url=url, run_worker=False)
    runtime = build_runtime(settings, clock=FixedClock(NOW))
    try:
        took = seed(runtime.engine, args.questions, args.tickets, args.bookings)
        print(
            f"\n== {runtime.engine.dialect.name}: seeded {args.questions:,} questions "
            f"({2 * args.questions:,} transcript lines), {args.tickets:,} tickets, "
            f"{args.bookings:,} bookings in {took:.1f} s"
        )
        for name, value in measure(runtime, args.repeat).items():
            if isinstance(value, tuple):
                print(f"{name:58} {value[0] * 1000:8.0f} ms {value[1] * 1000:8.0f} ms")
            else:
                print(f"{name:58} {value * 1000:8.0f} ms")
    finally:
        runtime.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=1_000_000)
    parser.add_argument("--tickets", type=int, default=50_000)
    parser.add_argument("--bookings", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pg", help="a scratch PostgreSQL URL (its public schema is replaced)")
    parser.add_argument("--pg-only", action="store_true", help="skip the SQLite run")
    args = parser.parse_args()
    if not args.pg_only:
        with tempfile.TemporaryDirectory() as tmp:
            run(f"sqlite:///{Path(tmp) / 'bench.db'}", args)
    if args.pg:
        run(args.pg, args)


if __name__ == "__main__":
    main()
