"""How long one user's erasure and one retention sweep take on a busy database.

Seeds a scratch SQLite database (or TMBOT_DATABASE_URL) with USERS users, each with MESSAGES
transcript lines, question log rows, processed-delivery and sent outbox rows (half of them a
year old), then times: the erasure of one user (every registered eraser, including the text
scans of delivery records and the audit log), a dry retention sweep and a real one.

    .venv/bin/python -m benchmarks.privacy_bench [USERS] [MESSAGES]
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time

from sqlmodel import Session

from bot.core.runtime import prepare_database
from bot.core.settings import Settings
from storage.db import make_engine, session_scope
from storage.erasers import erase_subject
from storage.models import ChatMessage, ProcessedDelivery, QuestionLog
from storage.outbox import OutboxMessage
from storage.retention import RetentionPeriods, sweep_retention


def _seed(session: Session, users: int, messages: int, now: dt.datetime) -> None:
    old = now - dt.timedelta(days=400)
    for u in range(users):
        ref = f"user-{u:05d}"
        at = old if u % 2 else now
        for m in range(messages):
            text = f"续展要交多少钱 第{m}次 电话1381234{u % 10000:04d}"
            session.add(
                ChatMessage(channel="web", user_ref=ref, direction="in", text=text, created_at=at)
            )
        session.add(
            QuestionLog(
                channel="web",
                user_ref=ref,
                question="续展要交多少钱",
                lang="zh",
                intent="faq",
                outcome="answered",
                created_at=at,
            )
        )
        session.add(
            ProcessedDelivery(
                channel="web",
                delivery_id=f"{ref}:1",
                response={"replies": [{"text": "好的"}]},
                created_at=at,
            )
        )
        session.add(
            OutboxMessage(
                sender="web", recipient=ref, payload={"text": "提醒"}, status="sent", created_at=at
            )
        )
    session.commit()


def main() -> None:
    users = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    messages = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    folder = tempfile.mkdtemp(prefix="tmbot-privacy-bench-")
    url = os.environ.get("TMBOT_DATABASE_URL", f"sqlite:///{folder}/bench.db")
    settings = Settings(database_url=url, booking_demo_experts=False)
    engine = make_engine(url)
    prepare_database(settings, engine)
    now = dt.datetime.now(dt.UTC)
    with Session(engine) as session:
        _seed(session, users, messages, now)
    rows = users * (messages + 3)
    print(f"database: {url.split('://')[0]}, {users} users, {rows} personal rows")

    start = time.perf_counter()
    with session_scope(engine) as session:
        done = erase_subject(session=session, channel="web", user_ref="user-00002", now=now)
    print(f"erase one user:        {1000 * (time.perf_counter() - start):8.1f} ms  {done}")

    periods = RetentionPeriods()
    for dry in (True, False):
        start = time.perf_counter()
        with session_scope(engine) as session:
            swept = sweep_retention(session=session, periods=periods, now=now, dry_run=dry)
            if dry:
                session.rollback()
        label = "retention sweep (dry):" if dry else "retention sweep:      "
        print(f"{label} {1000 * (time.perf_counter() - start):8.1f} ms  {swept}")
    engine.dispose()


if __name__ == "__main__":
    main()
