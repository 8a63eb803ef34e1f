"""Speed of the renewal radar: importing a station list, and the reminder pass over many marks.

    python benchmarks/marks_bench.py [--import-rows 10000] [--marks 100000] [--db URL]

On a fresh SQLite file (or the PostgreSQL database given with --db, emptied of marks first):
1. imports a CSV of `--import-rows` station marks with 1% bad rows (checks that nothing is
   written and every bad row is named), then the clean file, then the same file again (update
   by registration number);
2. inserts `--marks` marks with expiries spread over ten years, and times `run_reminders` as a
   dry run, a real run (queues outbox rows), and a second real run (nothing left to queue).
Prints the figures; no assertions on time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import delete, insert  # noqa: E402
from sqlmodel import select  # noqa: E402

from bot.core.settings import Settings  # noqa: E402
from bot.marks.importer import import_marks  # noqa: E402
from bot.marks.remind import run_reminders, tables_for  # noqa: E402
from storage.db import make_engine, session_scope, upgrade_db  # noqa: E402
from storage.marks import STATION, Mark, MarkReminder  # noqa: E402
from storage.models import utcnow  # noqa: E402
from storage.outbox import OutboxMessage  # noqa: E402

TODAY = dt.date(2026, 12, 4)
NOW = dt.datetime(2026, 12, 4, 2, tzinfo=dt.UTC)
HEADER = (
    "enterprise,contact,phone,email,registration_number,mark,classes,registration_date,expiry_date"
)


def _csv(rows: int, bad_every: int = 0) -> bytes:
    rnd = random.Random(7)
    out = [HEADER]
    for i in range(rows):
        number = str(10_000_000 + i)
        expiry = TODAY + dt.timedelta(days=rnd.randint(-500, 3000))
        email = f"ip{i}@example.cn" if i % 2 else ""
        line = f"企业{i},联系人{i},1380000{i % 10000:04d},{email},{number},商标{i},9;35,,{expiry}"
        if bad_every and i % bad_every == 0:
            line = line.replace(f",{expiry}", ",13/13/2026")  # an impossible date
        out.append(line)
    return ("\n".join(out) + "\n").encode()


def _timed(label: str, fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    print(f"{label}: {time.perf_counter() - start:.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--marks", type=int, default=100_000)
    parser.add_argument("--db", default="")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    url = args.db or f"sqlite:///{tmp.name}/bench.db"
    upgrade_db(url)
    settings = Settings(database_url=url, smtp_host="smtp.example.cn")
    engine = make_engine(url)
    tables = tables_for(settings)
    with session_scope(engine) as session:
        session.exec(delete(MarkReminder))  # type: ignore[call-overload]
        session.exec(delete(Mark))  # type: ignore[call-overload]
        session.exec(delete(OutboxMessage).where(OutboxMessage.ref_kind == "mark"))  # type: ignore[call-overload, arg-type]

    def run_import(data: bytes) -> object:
        with session_scope(engine) as session:
            return import_marks(
                session=session, data=data, filename="list.csv", today=TODAY, now=NOW, tables=tables
            )

    n = args.import_rows
    report = _timed(f"import {n} rows, 1% bad (nothing written)", lambda: run_import(_csv(n, 100)))
    print(f"  bad rows named: {len(report.errors)}; first: {report.errors[0]}")  # type: ignore[attr-defined]
    report = _timed(f"import {n} rows (create)", lambda: run_import(_csv(n)))
    print(f"  {report.as_dict() | {'errors': len(report.errors)}}")  # type: ignore[attr-defined]
    report = _timed(f"import {n} rows again (update by number)", lambda: run_import(_csv(n)))
    print(f"  {report.as_dict() | {'errors': len(report.errors)}}")  # type: ignore[attr-defined]

    rnd, now = random.Random(11), utcnow()
    rows = [
        {
            "owner_channel": STATION,
            "owner_ref": STATION,
            "registration_number": str(20_000_000 + i),
            "name": f"M{i}",
            "classes": "9",
            "expiry_date": TODAY + dt.timedelta(days=rnd.randint(-400, 3650)),
            "email": f"m{i}@example.cn" if i % 2 else "",
            "consent": False,
            "status": "active",
            "lang": "zh",
            "enterprise": f"E{i}",
            "contact": "",
            "phone": "",
            "chat_ref": None,
            "created_at": now,
            "updated_at": now,
        }
        for i in range(args.marks)
    ]
    with session_scope(engine) as session:
        for start in range(0, len(rows), 5000):
            session.execute(insert(Mark), rows[start : start + 5000])
        total = len(list(session.exec(select(Mark.id))))
    print(f"marks in the database: {total}")
    dry = _timed(
        "reminders run --dry-run",
        lambda: run_reminders(engine, settings, NOW, today=TODAY, dry_run=True, tables=tables),
    )
    sent = _timed(
        "reminders run (queue)",
        lambda: run_reminders(engine, settings, NOW, today=TODAY, tables=tables),
    )
    again = _timed(
        "reminders run again (nothing due)",
        lambda: run_reminders(engine, settings, NOW, today=TODAY, tables=tables),
    )
    by: dict[str, int] = {}
    for s in sent:
        by[s.channel] = by.get(s.channel, 0) + 1
    print(f"  due {len(dry)}, queued {len(sent)} {by}, second run {len(again)}")
    engine.dispose()


if __name__ == "__main__":
    main()
