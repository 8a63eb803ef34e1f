"""`sqlite_text` (storage/datetime_text.py) writes exactly the text SQLAlchemy's SQLite DATETIME
stores, so rows bound with it read back and compare as before."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy.dialects import sqlite
from sqlalchemy.types import DateTime

from storage.datetime_text import iso_text, sqlite_text


def _samples() -> list[dt.datetime]:
    rng = random.Random(19)
    first = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
    last = dt.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC)
    values = [first, last, dt.datetime(2026, 12, 6, 5, 4, 3, tzinfo=dt.UTC)]
    for _ in range(5000):
        day = first + dt.timedelta(days=rng.randrange((last - first).days + 1))
        values.append(
            day.replace(
                hour=rng.randrange(24),
                minute=rng.randrange(60),
                second=rng.randrange(60),
                # a third with no microseconds, some with a few, the rest anything
                microsecond=rng.choice((0, rng.randrange(1000), rng.randrange(1_000_000))),
            )
        )
    return values


def test_the_text_is_sqlalchemys_sqlite_datetime_text() -> None:
    dialect = sqlite.dialect()
    process = DateTime().dialect_impl(dialect).bind_processor(dialect)
    assert process is not None
    for value in _samples():  # aware UTC values, as SQLModel's UTCDateTime hands them on
        assert sqlite_text(value) == process(value)


def test_iso_text_is_isoformat() -> None:
    east = dt.timezone(dt.timedelta(hours=8))
    for value in _samples():
        assert iso_text(value) == value.isoformat()
        assert iso_text(value.replace(tzinfo=None)) == value.replace(tzinfo=None).isoformat()
        if value.year < 9999:  # in +08:00 the last day would be past year 9999
            assert iso_text(value.astimezone(east)) == value.astimezone(east).isoformat()
