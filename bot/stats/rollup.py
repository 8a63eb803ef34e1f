"""Daily counts from the question log and the transcript, stored once a station day is over.

`count_days` reads raw rows; `refresh` stores finished days in `stats_day` /
`stats_user_day` (the outbox worker's housekeeping calls it, and so does every reader before
it reads, so the figures never depend on the worker having run). The last stored day is
recounted on the next refresh, for feedback given after midnight.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import and_, delete, func, insert, or_
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.stats.periods import day_bounds
from storage.models import ChatMessage, Meta, QuestionLog
from storage.stats import StatsDay, StatsUserDay, user_key

__all__ = (
    "DayCounts",
    "category",
    "count_days",
    "refresh",
    "rolled_through",
    "user_key",
)

logger = logging.getLogger(__name__)
THROUGH_KEY = "stats.rolled_through"
_CHUNK_DAYS = 31  # days per transaction on a first refresh of a long history


def category(intent: str, outcome: str) -> str | None:
    """What a logged question counts as: answered (directly), chosen (a suggestion picked),
    suggested (suggestions offered, none picked), unknown, tool (a computation), else None."""
    if intent == "faq" and outcome == "answered":
        return "answered"
    if intent == "suggest":
        return "chosen" if outcome == "chosen" else "suggested"
    if intent == "unknown":
        return "unknown"
    if intent == "tool" and outcome == "answered":
        return "tool"
    return None


@dataclass
class DayCounts:
    """Counts by (metric, key) and the active users (key -> channel) of some station days."""

    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    users: dict[str, str] = field(default_factory=dict)
    # Further distinct users by channel, counted in SQL (the stored days), none of them in `users`.
    more_users: Counter[str] = field(default_factory=Counter)
    user_days: int = 0  # conversations: one user active on one station day

    def users_by_channel(self) -> Counter[str]:
        """Distinct users per channel."""
        return Counter(self.users.values()) + self.more_users


def _count_questions(session: Session, lo: dt.datetime, hi: dt.datetime, out: Counter) -> None:
    ql = QuestionLog
    cols = tuple(
        col(c)
        for c in (ql.channel, ql.intent, ql.outcome, ql.topic, ql.faq_id, ql.tool, ql.feedback)
    )
    query = (
        sa_select(*cols, func.count())  # sqlmodel's select is typed for <= 4 columns
        .where(col(ql.created_at) >= lo, col(ql.created_at) < hi)
        .group_by(*cols)
    )
    for channel, intent, outcome, topic, faq_id, tool, feedback, n in session.execute(query):
        kind = category(intent, outcome)
        if kind is None:
            continue
        out["q", f"{channel}|{kind}"] += n
        if kind in ("answered", "chosen"):
            out["topic", topic or "-"] += n
            if faq_id:
                out["faq", faq_id] += n
        if kind == "tool":
            out["tool", tool or "other"] += n
        if feedback in ("useful", "not_useful"):
            metric = "fb_up" if feedback == "useful" else "fb_down"
            out[metric, topic or "-"] += n


def _count_unanswered(session: Session, lo: dt.datetime, hi: dt.datetime, out: Counter) -> None:
    # The questions the unanswered queue lists (no answer, suggestions none of which was
    # picked, or an answer marked 没用), counted by their text for the "asked again" table.
    ql = QuestionLog
    unanswered = or_(
        col(ql.intent) == "unknown",
        and_(col(ql.intent) == "suggest", col(ql.outcome) == "suggested"),
        col(ql.feedback) == "not_useful",
    )
    query = (
        select(ql.question, func.count())
        .where(col(ql.created_at) >= lo, col(ql.created_at) < hi, unanswered)
        .group_by(ql.question)
    )
    for question, n in session.exec(query):
        out["unq", question.strip()[:200]] += n


def count_day(session: Session, day: dt.date, tz: str) -> DayCounts:
    """One station day counted from the raw rows."""
    lo, hi = day_bounds(day, day, tz)
    result = DayCounts()
    _count_questions(session, lo, hi, result.counts)
    _count_unanswered(session, lo, hi, result.counts)
    cm = ChatMessage
    in_range = (col(cm.created_at) >= lo, col(cm.created_at) < hi)
    messages = select(cm.channel, cm.direction, func.count()).where(*in_range)
    for channel, direction, n in session.exec(messages.group_by(cm.channel, cm.direction)):
        result.counts["msg", f"{channel}|{direction}"] += n
    writers = select(cm.channel, cm.user_ref).where(*in_range, cm.direction == "in").distinct()
    for channel, ref in session.exec(writers):
        result.users[user_key(channel, ref)] = channel
    result.user_days = len(result.users)
    return result


def count_days(session: Session, start: dt.date, end: dt.date, tz: str) -> DayCounts:
    """Station days `start`..`end` counted from the raw rows (the days not rolled up yet)."""
    total = DayCounts()
    day = start
    while day <= end:
        one = count_day(session, day, tz)
        total.counts.update(one.counts)
        total.users.update(one.users)
        total.user_days += one.user_days
        day += dt.timedelta(days=1)
    return total


def rolled_through(session: Session) -> dt.date | None:
    """The last station day stored in the roll-up, if any."""
    meta = session.get(Meta, THROUGH_KEY)
    return dt.date.fromisoformat(meta.value) if meta and meta.value else None


def _first_day(session: Session, tz: str) -> dt.date | None:
    first = [
        session.exec(select(func.min(ChatMessage.created_at))).one(),
        session.exec(select(func.min(QuestionLog.created_at))).one(),
    ]
    known = [t if t.tzinfo else t.replace(tzinfo=dt.UTC) for t in first if t is not None]
    if not known:
        return None
    return min(known).astimezone(ZoneInfo(tz)).date()


def _store(session: Session, day: dt.date, counts: DayCounts) -> None:
    session.exec(delete(StatsDay).where(col(StatsDay.day) == day))
    session.exec(delete(StatsUserDay).where(col(StatsUserDay.day) == day))
    rows = [
        {"day": day, "metric": m, "key": k[:200], "value": n} for (m, k), n in counts.counts.items()
    ]
    if rows:
        session.exec(insert(StatsDay), params=rows)
    users = [{"day": day, "user_key": u, "channel": c} for u, c in counts.users.items()]
    if users:
        session.exec(insert(StatsUserDay), params=users)


def _set_through(session: Session, day: dt.date) -> None:
    meta = session.get(Meta, THROUGH_KEY) or Meta(key=THROUGH_KEY)
    meta.value = day.isoformat()
    session.add(meta)


def refresh(session: Session, tz: str, today: dt.date) -> int:
    """Store every finished station day not stored yet (and recount the last stored one);
    commits per chunk of days. Returns how many days were counted. A concurrent refresh that
    stored the same days first wins; this one gives up quietly."""
    yesterday = today - dt.timedelta(days=1)
    through = rolled_through(session)
    if through is not None and through >= yesterday:
        return 0
    start = through if through is not None else _first_day(session, tz)
    if start is None:
        return 0
    done = 0
    day = start
    try:
        while day <= yesterday:
            chunk_end = min(day + dt.timedelta(days=_CHUNK_DAYS - 1), yesterday)
            while day <= chunk_end:
                _store(session, day, count_day(session, day, tz))
                day += dt.timedelta(days=1)
                done += 1
            _set_through(session, chunk_end)
            session.commit()
    except IntegrityError:
        session.rollback()
        logger.info("stats roll-up: another process stored the same days")
    return done
