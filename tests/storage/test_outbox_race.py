"""Two or more workers racing on the same due rows: each row is claimed by exactly one."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage.db import make_engine, upgrade_db
from storage.outbox import claim_due, enqueue

NOW = dt.datetime(2026, 12, 4, 2, 0, tzinfo=dt.UTC)
WORKERS = 4


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    upgrade_db(db_url)
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def _race(engine: Engine, round_: int, rows: int) -> Counter[int]:
    with Session(engine) as session:
        for i in range(rows):
            enqueue(
                session=session,
                sender="web",
                recipient=f"r{round_}-{i}",  # distinct recipients: order never holds one back
                payload={"text": "hi"},
                not_before=NOW,
            )
        session.commit()
    barrier = threading.Barrier(WORKERS)
    claims: Counter[int] = Counter()
    lock = threading.Lock()
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with Session(engine) as session:
                barrier.wait()
                got = claim_due(session=session, now=NOW, limit=rows)
                with lock:
                    claims.update(r.id for r in got if r.id is not None)
        except BaseException as exc:  # surfaced below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return claims


def test_racing_workers_claim_each_row_exactly_once(engine: Engine) -> None:
    total: Counter[int] = Counter()
    for round_ in range(5):
        claims = _race(engine, round_, rows=30)
        assert sum(claims.values()) == 30, claims  # every due row claimed
        total.update(claims)
    assert max(total.values()) == 1  # and none twice
