"""Every figure of the dashboard, the annual report and `tmbot stats`, computed in one place.

Question and conversation counts come from the daily roll-up (bot/stats/rollup.py) for finished
days and from the raw rows for today; tickets and bookings (tens of thousands a year, not
millions) are read directly. Only aggregates leave this module: counts, shares, durations, topic
ids and the texts of unanswered questions asked more than once.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.stats.periods import Period, day_bounds
from bot.stats.rollup import DayCounts, count_days, refresh, rolled_through
from knowledge.review import cluster, question_key
from storage.bookings import Booking, BookingStatus
from storage.experts import Expert
from storage.faq_review import handled_keys
from storage.models import FaqRecord
from storage.stats import StatsDay, StatsRange, StatsUserDay
from storage.tickets import Ticket

__all__ = ("MONTH_FIELDS", "compute", "counts_between", "monthly", "station_today")

MONTH_FIELDS = (
    "questions",
    "answered",
    "suggested",
    "unknown",
    "tool_uses",
    "conversations",
    "messages",
    "tickets",
    "bookings",
    "attended",
    "csat_avg",
)
_DAY = dt.timedelta(days=1)
_UNANSWERED_SCAN = 300  # distinct texts grouped for "asked again" (the most frequent ones)
_COMPANY_NOISE = re.compile(r"[\s()（）【】\[\]·.,，。、\-_]+")


def station_today(now: dt.datetime, tz: str) -> dt.date:
    """The station's date at `now`."""
    return now.astimezone(ZoneInfo(tz)).date()


def _rolled(session: Session, start: dt.date, end: dt.date) -> DayCounts:
    out = DayCounts()
    in_days = (col(StatsDay.day) >= start, col(StatsDay.day) <= end)
    sums = select(StatsDay.metric, StatsDay.key, func.sum(StatsDay.value)).where(*in_days)
    for metric, key, n in session.exec(sums.group_by(StatsDay.metric, StatsDay.key)):
        out.counts[metric, key] += int(n)
    ud = StatsUserDay
    days = (col(ud.day) >= start, col(ud.day) <= end)
    out.user_days = session.exec(select(func.count()).select_from(ud).where(*days)).one()
    per_channel = select(ud.channel, func.count(func.distinct(ud.user_key))).where(*days)
    for channel, n in session.exec(per_channel.group_by(ud.channel)):
        out.more_users[channel] += n
    return out


def _seen(session: Session, start: dt.date, end: dt.date, keys: list[str]) -> set[str]:
    """Which of `keys` were active on a stored day `start`..`end`."""
    ud = StatsUserDay
    seen: set[str] = set()
    for i in range(0, len(keys), 500):
        chunk = keys[i : i + 500]
        query = select(ud.user_key).where(
            col(ud.day) >= start, col(ud.day) <= end, col(ud.user_key).in_(chunk)
        )
        seen.update(session.exec(query.distinct()))
    return seen


def _payload(dc: DayCounts) -> dict[str, Any]:
    return {
        "counts": [[m, k, n] for (m, k), n in dc.counts.items()],
        "more_users": dict(dc.more_users),
        "user_days": dc.user_days,
    }


def _from_payload(payload: dict[str, Any]) -> DayCounts:
    dc = DayCounts(user_days=int(payload["user_days"]))
    dc.counts.update({(m, k): int(n) for m, k, n in payload["counts"]})
    dc.more_users.update({c: int(n) for c, n in payload["more_users"].items()})
    return dc


def stored_range(session: Session, start: dt.date, end: dt.date, through: dt.date) -> DayCounts:
    """The roll-up's sums over stored days `start`..`end`, kept in `stats_range` until the
    roll-up moves on (a year of a busy station is ~10^5 rows to sum: once a day, not per view).
    Commits the session when it stores a new sum."""
    row = session.get(StatsRange, (start, end))
    if row is not None and row.through == through:
        return _from_payload(row.payload)
    dc = _rolled(session, start, end)
    try:
        if row is None:
            row = StatsRange(start=start, end=end, through=through, payload={})
        row.through, row.payload = through, _payload(dc)
        session.add(row)
        session.commit()
    except IntegrityError:  # another worker stored it first: same sums
        session.rollback()
    return dc


def counts_between(session: Session, start: dt.date, end: dt.date, tz: str) -> DayCounts:
    """Question, message and user counts of station days `start`..`end`: stored days from the
    roll-up, later ones from the raw rows."""
    through = rolled_through(session)
    total = DayCounts()
    live_from = start
    if through is not None and through >= start:
        rolled = stored_range(session, start, min(end, through), through)
        total.counts.update(rolled.counts)
        total.more_users.update(rolled.more_users)
        total.user_days += rolled.user_days
        live_from = through + dt.timedelta(days=1)
    if live_from <= end:
        live = count_days(session, live_from, end, tz)
        total.counts.update(live.counts)
        total.user_days += live.user_days
        seen = set()
        if live_from > start:  # users of today already counted on a stored day
            seen = _seen(session, start, live_from - dt.timedelta(days=1), list(live.users))
        total.users.update({k: c for k, c in live.users.items() if k not in seen})
    return total


def _split(counts: Counter[tuple[str, str]], metric: str) -> Counter[str]:
    return Counter({k: n for (m, k), n in counts.items() if m == metric})


def _question_figures(dc: DayCounts) -> dict[str, Any]:
    kinds: Counter[str] = Counter()
    by_channel: dict[str, dict[str, int]] = {}
    for key, n in _split(dc.counts, "q").items():
        channel, kind = key.split("|", 1)
        kinds[kind] += n
        row = by_channel.setdefault(channel, {})
        row["questions"] = row.get("questions", 0) + n
    for key, n in _split(dc.counts, "msg").items():
        channel, _direction = key.split("|", 1)
        row = by_channel.setdefault(channel, {})
        row["messages"] = row.get("messages", 0) + n
    users = dc.users_by_channel()
    for channel, n in users.items():
        by_channel.setdefault(channel, {})["users"] = n
    for row in by_channel.values():
        for name in ("questions", "messages", "users"):
            row.setdefault(name, 0)
    tools = _split(dc.counts, "tool")
    return {
        "questions": sum(kinds.values()),
        "answered": kinds["answered"],
        "suggested": kinds["suggested"] + kinds["chosen"],
        "suggested_chosen": kinds["chosen"],
        "unknown": kinds["unknown"],
        "tool_uses": kinds["tool"],
        "tools": dict(sorted(tools.items(), key=lambda kv: (-kv[1], kv[0]))),
        "users": sum(users.values()),
        "conversations": dc.user_days,
        "messages": sum(_split(dc.counts, "msg").values()),
        "messages_in": sum(n for k, n in _split(dc.counts, "msg").items() if k.endswith("|in")),
        "by_channel": dict(sorted(by_channel.items())),
    }


def _entries(session: Session) -> dict[str, FaqRecord]:
    return {r.id: r for r in session.exec(select(FaqRecord))}


def _topic_figures(dc: DayCounts, entries: dict[str, FaqRecord], top: int) -> dict[str, Any]:
    topics = _split(dc.counts, "topic")
    topics.pop("-", None)
    themes: Counter[str] = Counter()
    label: dict[str, str] = {}
    for faq_id, n in _split(dc.counts, "faq").most_common():
        record = entries.get(faq_id)
        if record is None:
            continue
        themes[record.theme] += n
        if record.topic and record.topic not in label:
            question = (record.data.get("question") or {}).get("zh") or ""
            label[record.topic] = question
    up, down = _split(dc.counts, "fb_up"), _split(dc.counts, "fb_down")
    rated = sorted(set(up) | set(down), key=lambda t: (-(up[t] + down[t]), t))
    return {
        "top_topics": [
            {"topic": t, "count": n, "example": label.get(t, "")}
            for t, n in sorted(topics.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        ],
        "top_themes": [
            {"theme": t, "count": n}
            for t, n in sorted(themes.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        "feedback": {"useful": sum(up.values()), "not_useful": sum(down.values())},
        "feedback_by_topic": [
            {"topic": t, "useful": up[t], "not_useful": down[t]} for t in rated[:top]
        ],
    }


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _company(name: str | None) -> str:
    return _COMPANY_NOISE.sub("", (name or "").casefold())


def _minutes(start: Any, end: Any, dialect: str) -> Any:
    """SQL for the minutes from `start` to `end` (computed in the database: 50,000 tickets a
    year are too many to turn into Python datetimes on every page view)."""
    if dialect == "postgresql":
        return func.extract("epoch", end - start) / 60
    return (func.julianday(end) - func.julianday(start)) * 1440


def _grouped(session: Session, column: Any, *where: Any) -> Counter[Any]:
    query = select(column, func.count()).where(*where).group_by(column)
    return Counter({key: int(n) for key, n in session.exec(query)})


def _count(session: Session, *where: Any, table: Any = Ticket) -> int:
    return int(session.exec(select(func.count()).select_from(table).where(*where)).one())


def _median_p90(session: Session, minutes: Any, *where: Any) -> tuple[float | None, float | None]:
    """Median and nearest-rank p90 of `minutes`, picked by the database from the sorted values
    (no 50,000 rows brought into Python)."""
    if session.get_bind().dialect.name == "postgresql":  # one pass, ordered by the database
        median, p90 = session.exec(
            select(
                func.percentile_cont(0.5).within_group(minutes),
                func.percentile_disc(0.9).within_group(minutes),
            ).where(*where)
        ).one()
        return (None, None) if median is None else (float(median), float(p90))
    n = _count(session, *where)
    if not n:
        return None, None

    def nth(k: int, count: int = 1) -> list[float]:
        query = select(minutes).where(*where).order_by(minutes).offset(k).limit(count)
        return [float(v) for v in session.exec(query)]

    middle = nth((n - 1) // 2, 1 if n % 2 else 2)
    return sum(middle) / len(middle), nth(max(0, math.ceil(0.9 * n) - 1))[0]


def _ticket_figures(session: Session, lo: dt.datetime, hi: dt.datetime, now: dt.datetime) -> dict:
    t = Ticket
    dialect = session.get_bind().dialect.name
    period = (col(t.created_at) >= lo, col(t.created_at) < hi)
    answered = col(t.first_response_at).is_not(None)
    within = case((and_(answered, col(t.first_response_at) <= t.first_response_due), 1), else_=0)
    # Judged: answered, or unanswered past the due time (late for sure).
    judged = case((or_(answered, col(t.first_response_due) < now), 1), else_=0)
    grouped = (
        sa_select(  # sqlmodel's select is typed for <= 4 columns
            col(t.reason),
            col(t.category),
            col(t.rating),
            func.count(),
            func.sum(within),
            func.sum(judged),
        )
        .where(*period)
        .group_by(col(t.reason), col(t.category), col(t.rating))
    )
    reasons: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    ratings: Counter[int] = Counter()
    ok = due = 0
    for reason, category, rating, n, n_within, n_judged in session.execute(grouped):
        reasons[reason] += n
        categories[category] += n
        if rating is not None:
            ratings[int(rating)] += n
        ok += int(n_within or 0)
        due += int(n_judged or 0)
    first = _median_p90(
        session, _minutes(t.created_at, t.first_response_at, dialect), *period, answered
    )
    resolved = col(t.resolved_at).is_not(None)
    to_resolve = _minutes(t.created_at, t.resolved_at, dialect) / 60
    resolution, _p90 = _median_p90(session, to_resolve, *period, resolved)
    companies = session.exec(
        select(t.company).where(*period, col(t.company).is_not(None)).distinct()
    )
    rated = sum(ratings.values())
    return {
        "tickets": sum(reasons.values()),
        "tickets_by_reason": dict(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
        "tickets_by_category": dict(sorted(categories.items(), key=lambda kv: (-kv[1], kv[0]))),
        "first_response_median_minutes": _round(first[0]),
        "first_response_p90_minutes": _round(first[1]),
        "within_sla_share": _round(ok / due, 3) if due else None,
        "resolution_median_hours": _round(resolution),
        "csat_avg": _round(sum(k * n for k, n in ratings.items()) / rated, 2) if rated else None,
        "csat_count": rated,
        "csat_distribution": {str(k): ratings[k] for k in range(1, 6)},
        "_companies": {c for c in map(_company, companies) if c},
    }


def _booking_figures(
    session: Session, lo: dt.datetime, hi: dt.datetime, expert_id: int | None
) -> dict[str, Any]:
    b = Booking
    mine = () if expert_id is None else (b.expert_id == expert_id,)
    made = (col(b.created_at) >= lo, col(b.created_at) < hi, *mine)
    held = (col(b.slot_start) >= lo, col(b.slot_start) < hi, *mine)
    kept = (*held, b.status != BookingStatus.CANCELLED)
    statuses = _grouped(session, b.status, *held)
    names = {e.id: e.name for e in session.exec(select(Expert))}
    by_expert = Counter(
        {names.get(k, f"#{k}"): n for k, n in _grouped(session, b.expert_id, *kept).items()}
    )
    by_topic = _grouped(session, b.topic, *kept)
    companies = session.exec(select(b.company).where(*made).distinct())
    return {
        "bookings": _count(session, *made, table=Booking),
        "consultations": sum(n for s, n in statuses.items() if s != BookingStatus.CANCELLED),
        "attended": statuses[BookingStatus.ATTENDED],
        "no_show": statuses[BookingStatus.NO_SHOW],
        "cancelled": statuses[BookingStatus.CANCELLED],
        "upcoming": statuses[BookingStatus.ACTIVE],
        "bookings_by_expert": dict(sorted(by_expert.items(), key=lambda kv: (-kv[1], kv[0]))),
        "bookings_by_topic": dict(sorted(by_topic.items(), key=lambda kv: (-kv[1], kv[0]))),
        "_companies": {c for c in map(_company, companies) if c},
    }


def unanswered_top(session: Session, dc: DayCounts, *, top: int = 10) -> list[dict[str, Any]]:
    """The unanswered questions asked more than once in the period, most asked first: the most
    frequent texts grouped by similarity as in the unanswered queue; phrasings an admin has
    already handled there (dismissed, added as an alternate or an entry) are left out."""
    handled = handled_keys(session=session)
    texts = [
        (text, n)
        for text, n in _split(dc.counts, "unq").most_common(_UNANSWERED_SCAN)
        if not handled or question_key(text) not in handled
    ]
    groups = cluster(texts, text=lambda item: item[0])
    rows: list[dict[str, Any]] = [
        {"question": max(g, key=lambda item: item[1])[0], "count": sum(n for _t, n in g)}
        for g in groups
    ]
    rows = [r for r in rows if r["count"] > 1]
    rows.sort(key=lambda r: (-r["count"], r["question"]))
    return rows[:top]


def compute(
    session: Session,
    tz: str,
    period: Period,
    *,
    now: dt.datetime,
    expert_id: int | None = None,
    top: int = 10,
    with_unanswered: bool = True,
) -> dict[str, Any]:
    """The figures of `period` (station days). With `expert_id`, only that expert's bookings."""
    today = station_today(now, tz)
    refresh(session, tz, today)
    lo, hi = day_bounds(period.start, period.end, tz)
    bookings = _booking_figures(session, lo, hi, expert_id)
    if expert_id is not None:
        bookings.pop("_companies")
        return {"period": period.as_dict(), **bookings}
    dc = counts_between(session, period.start, min(period.end, today), tz)
    tickets = _ticket_figures(session, lo, hi, now)
    companies = tickets.pop("_companies") | bookings.pop("_companies")
    out: dict[str, Any] = {"period": period.as_dict(), **_question_figures(dc)}
    out["enterprises"] = len(companies)
    out.update(_topic_figures(dc, _entries(session), top))
    out.update(tickets)
    out.update(bookings)
    if with_unanswered:
        out["unanswered_top"] = unanswered_top(session, dc, top=top)
    return out


def monthly(session: Session, tz: str, year: int, *, now: dt.datetime) -> list[dict[str, Any]]:
    """The main figures of each month of `year` (months after today are zero)."""
    today = station_today(now, tz)
    refresh(session, tz, today)
    months: list[dict[str, Any]] = [
        dict.fromkeys(MONTH_FIELDS, 0) | {"month": m} for m in range(1, 13)
    ]
    first, last = dt.date(year, 1, 1), min(dt.date(year, 12, 31), today)
    if last < first:
        return months
    names = {"answered": "answered", "chosen": "suggested", "suggested": "suggested"}
    names |= {"unknown": "unknown", "tool": "tool_uses"}
    for row in months:
        m = row["month"]
        start = dt.date(year, m, 1)
        end = (dt.date(year + 1, 1, 1) if m == 12 else dt.date(year, m + 1, 1)) - _DAY
        if start > last:
            break
        dc = counts_between(session, start, min(end, last), tz)
        row["conversations"] = dc.user_days
        for (metric, key), value in dc.counts.items():
            if metric == "msg":
                row["messages"] += value
            elif metric == "q":
                row["questions"] += value
                row[names[key.split("|", 1)[1]]] += value
    for row in months:  # tickets and bookings: a few counts per month, in the database
        m = row["month"]
        end = dt.date(year + 1, 1, 1) if m == 12 else dt.date(year, m + 1, 1)
        lo, hi = day_bounds(dt.date(year, m, 1), end - dt.timedelta(days=1), tz)
        t, b = Ticket, Booking
        tickets = (col(t.created_at) >= lo, col(t.created_at) < hi)
        row["tickets"] = _count(session, *tickets)
        avg = session.exec(select(func.avg(t.rating)).where(*tickets)).one()
        row["csat_avg"] = round(float(avg), 2) if avg is not None else 0
        made = (col(b.created_at) >= lo, col(b.created_at) < hi)
        row["bookings"] = _count(session, *made, table=Booking)
        held = (col(b.slot_start) >= lo, col(b.slot_start) < hi)
        row["attended"] = _count(session, *held, b.status == BookingStatus.ATTENDED, table=Booking)
    return months
