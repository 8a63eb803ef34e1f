"""The station's figures kept for the dashboard and the annual report.

`stats_day` holds one count per station day, metric and key (e.g. `q` / `web|faq|answered`),
rolled up from the question log and the transcript once a day is over (bot/stats/rollup.py), so
a year of a busy station is read from a few thousand rows instead of millions. `stats_user_day`
keeps who was active on a day as a one-way key (distinct users and conversations cannot be
summed). `report_narrative` keeps every version of the report sections an admin writes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, Session, SQLModel, col, select

from storage.models import utcnow

__all__ = (
    "ReportNarrative",
    "StatsDay",
    "StatsRange",
    "StatsUserDay",
    "narrative_history",
    "save_narrative",
)


class StatsDay(SQLModel, table=True):
    """One day's count of one metric and key (a station day, in TMBOT_TIMEZONE)."""

    __tablename__ = "stats_day"
    day: dt.date = Field(primary_key=True)
    metric: str = Field(primary_key=True, max_length=20)  # q | faq | topic | fb_up | fb_down | ...
    key: str = Field(primary_key=True, max_length=200)
    value: int = 0


def user_key(channel: str, user_ref: str) -> str:
    """A one-way key of a user, so the roll-up keeps no user id."""
    return hashlib.sha256(f"{channel}\x00{user_ref}".encode()).hexdigest()[:32]


class StatsUserDay(SQLModel, table=True):
    """A user active (wrote at least once) on a station day; `user_key` is a hash, not the id."""

    __tablename__ = "stats_user_day"
    # Is a user of today new in the period? One lookup per user, not a scan of the period.
    __table_args__ = (Index("ix_stats_user_day_user", "user_key", "day"),)
    day: dt.date = Field(primary_key=True)
    user_key: str = Field(primary_key=True, max_length=32)
    channel: str = Field(max_length=20)


class StatsRange(SQLModel, table=True):
    """The roll-up's sums over stored days `start`..`end` (as of the roll-up reaching
    `through`): a year of sums is read once a day, not on every page view."""

    __tablename__ = "stats_range"
    start: dt.date = Field(primary_key=True)
    end: dt.date = Field(primary_key=True)
    through: dt.date
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


class ReportNarrative(SQLModel, table=True):
    """One saved version of a narrative section of a year's report (the latest one is used)."""

    __tablename__ = "report_narrative"
    __table_args__ = (Index("ix_report_narrative_year", "year", "section", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    year: int
    section: str = Field(max_length=20)  # problems (存在问题) | plans (下一步打算)
    text: str = Field(max_length=20000)
    author: str = Field(max_length=64)
    created_at: dt.datetime = Field(default_factory=utcnow)


def save_narrative(
    *, session: Session, year: int, section: str, text: str, author: str
) -> ReportNarrative:
    """Store a new version of a section (earlier versions stay as history)."""
    row = ReportNarrative(year=year, section=section, text=text, author=author)
    session.add(row)
    session.flush()
    return row


def narrative_history(*, session: Session, year: int, section: str) -> list[ReportNarrative]:
    """Every version of a section, newest first."""
    query = (
        select(ReportNarrative)
        .where(ReportNarrative.year == year, ReportNarrative.section == section)
        .order_by(col(ReportNarrative.id).desc())
    )
    return list(session.exec(query))
