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
import statistics
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from bot.stats.periods import Period, day_bounds
from bot.stats.rollup import DayCounts, count_days, refresh, rolled_through
from knowledge.review import cluster, question_key
from storage.bookings import Booking, BookingStatus
from storage.experts import Expert
from storage.faq_review import handled_keys, unanswered_questions
from storage.models import FaqRecord
from storage.stats import StatsDay, StatsUserDay
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
_COMPANY_NOISE = re.compile(r"[\s()（）【】\[\]·.,，。、\-_]+")


def station_today(now: dt.datetime, tz: str) -> dt.date:
    """The station's date at `now`."""
    return now.astimezone(ZoneInfo(tz)).date()


def _aware(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def _rolled(session: Session, start: dt.date, end: dt.date) -> DayCounts:
    out = DayCounts()
    in_days = (col(StatsDay.day) >= start, col(StatsDay.day) <= end)
    sums = select(StatsDay.metric, StatsDay.key, func.sum(StatsDay.value)).where(*in_days)
    for metric, key, n in session.exec(sums.group_by(StatsDay.metric, StatsDay.key)):
        out.counts[metric, key] += int(n)
    ud = StatsUserDay
    days = (col(ud.day) >= start, col(ud.day) <= end)
    out.user_days = session.exec(select(func.count()).select_from(ud).where(*days)).one()
    for key, channel in session.exec(select(ud.user_key, ud.channel).where(*days).distinct()):
        out.users[key] = channel
    return out


def counts_between(session: Session, start: dt.date, end: dt.date, tz: str) -> DayCounts:
    """Question, message and user counts of station days `start`..`end`: stored days from the
    roll-up, later ones from the raw rows."""
    through = rolled_through(session)
    total = DayCounts()
    live_from = start
    if through is not None and through >= start:
        rolled = _rolled(session, start, min(end, through))
        total.counts.update(rolled.counts)
        total.users.update(rolled.users)
        total.user_days += rolled.user_days
        live_from = through + dt.timedelta(days=1)
    if live_from <= end:
        live = count_days(session, live_from, end, tz)
        total.counts.update(live.counts)
        total.users.update(live.users)
        total.user_days += live.user_days
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
    users = Counter(dc.users.values())
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
        "users": len(dc.users),
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


def _percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (p90 of 10 values is the 9th smallest)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _company(name: str | None) -> str:
    return _COMPANY_NOISE.sub("", (name or "").casefold())


def _ticket_figures(session: Session, lo: dt.datetime, hi: dt.datetime, now: dt.datetime) -> dict:
    t = Ticket
    cols = (
        t.created_at,
        t.first_response_at,
        t.first_response_due,
        t.resolved_at,
        t.rating,
        t.reason,
        t.category,
        t.company,
    )
    rows = session.exec(select(*cols).where(col(t.created_at) >= lo, col(t.created_at) < hi))
    first: list[float] = []
    resolution: list[float] = []
    due_count = within = 0
    ratings: Counter[int] = Counter()
    reasons: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    companies: set[str] = set()
    total = 0
    for created, answered, due, resolved, rating, reason, category, company in rows:
        total += 1
        created, due = _aware(created), _aware(due)
        reasons[reason] += 1
        categories[category] += 1
        if _company(company):
            companies.add(_company(company))
        if answered is not None:
            answered = _aware(answered)
            first.append((answered - created).total_seconds() / 60)
            due_count += 1
            within += answered <= due
        elif now > due:
            due_count += 1  # late and still unanswered: outside the SLA
        if resolved is not None:
            resolution.append((_aware(resolved) - created).total_seconds() / 3600)
        if rating is not None:
            ratings[int(rating)] += 1
    rated = sum(ratings.values())
    return {
        "tickets": total,
        "tickets_by_reason": dict(reasons.most_common()),
        "tickets_by_category": dict(categories.most_common()),
        "first_response_median_minutes": _round(statistics.median(first) if first else None),
        "first_response_p90_minutes": _round(_percentile(first, 0.9)),
        "within_sla_share": _round(within / due_count, 3) if due_count else None,
        "resolution_median_hours": _round(statistics.median(resolution) if resolution else None),
        "csat_avg": _round(sum(k * n for k, n in ratings.items()) / rated, 2) if rated else None,
        "csat_count": rated,
        "csat_distribution": {str(k): ratings[k] for k in range(1, 6)},
        "_companies": companies,
    }


def _booking_figures(
    session: Session, lo: dt.datetime, hi: dt.datetime, expert_id: int | None
) -> dict[str, Any]:
    b = Booking
    made_in = and_(col(b.created_at) >= lo, col(b.created_at) < hi)
    held_in = and_(col(b.slot_start) >= lo, col(b.slot_start) < hi)
    query = select(b.created_at, b.slot_start, b.status, b.topic, b.expert_id, b.company)
    query = query.where(or_(made_in, held_in))
    if expert_id is not None:
        query = query.where(b.expert_id == expert_id)
    names = {e.id: e.name for e in session.exec(select(Expert))}
    made = 0
    statuses: Counter[str] = Counter()
    by_expert: Counter[str] = Counter()
    by_topic: Counter[str] = Counter()
    companies: set[str] = set()
    for created, slot, status, topic, expert, company in session.exec(query):
        if lo <= _aware(created) < hi:
            made += 1
            if _company(company):
                companies.add(_company(company))
        if lo <= _aware(slot) < hi:
            statuses[status] += 1
            if status != BookingStatus.CANCELLED:
                by_expert[names.get(expert, f"#{expert}")] += 1
                by_topic[topic] += 1
    return {
        "bookings": made,
        "consultations": sum(n for s, n in statuses.items() if s != BookingStatus.CANCELLED),
        "attended": statuses[BookingStatus.ATTENDED],
        "no_show": statuses[BookingStatus.NO_SHOW],
        "cancelled": statuses[BookingStatus.CANCELLED],
        "upcoming": statuses[BookingStatus.ACTIVE],
        "bookings_by_expert": dict(sorted(by_expert.items(), key=lambda kv: (-kv[1], kv[0]))),
        "bookings_by_topic": dict(sorted(by_topic.items(), key=lambda kv: (-kv[1], kv[0]))),
        "_companies": companies,
    }


def unanswered_top(
    session: Session, lo: dt.datetime, hi: dt.datetime, *, top: int = 10, scan: int = 3000
) -> list[dict[str, Any]]:
    """The unanswered questions asked more than once in the period, most asked first (the same
    grouping as the unanswered queue, newest `scan` questions; handled ones left out)."""
    handled = handled_keys(session=session)
    items = [
        q
        for q in unanswered_questions(session=session, since=lo, limit=scan)
        if _aware(q.at) < hi and handled.get(question_key(q.text), 0) < q.log_id
    ]
    groups = [g for g in cluster(items, text=lambda q: q.text) if len(g) > 1]
    return [{"question": g[0].text, "count": len(g)} for g in groups[:top]]


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
        out["unanswered_top"] = unanswered_top(session, lo, hi, top=top)
    return out


def _month_of(t: dt.datetime, zone: ZoneInfo) -> int:
    return _aware(t).astimezone(zone).month


def monthly(session: Session, tz: str, year: int, *, now: dt.datetime) -> list[dict[str, Any]]:
    """The main figures of each month of `year` (months after today are zero)."""
    zone = ZoneInfo(tz)
    today = station_today(now, tz)
    refresh(session, tz, today)
    months = [dict.fromkeys(MONTH_FIELDS, 0) | {"month": m} for m in range(1, 13)]
    first, last = dt.date(year, 1, 1), min(dt.date(year, 12, 31), today)
    if last < first:
        return months
    through = rolled_through(session)
    rolled_to = min(through, last) if through is not None else first - dt.timedelta(days=1)
    per_day: list[tuple[dt.date, str, str, int]] = []
    if rolled_to >= first:
        sd = StatsDay
        query = select(sd.day, sd.metric, sd.key, sd.value).where(
            col(sd.day) >= first, col(sd.day) <= rolled_to, col(sd.metric).in_(["q", "msg"])
        )
        per_day += [(d, m, k, v) for d, m, k, v in session.exec(query)]
        ud = StatsUserDay
        conv = select(ud.day, func.count()).where(col(ud.day) >= first, col(ud.day) <= rolled_to)
        for day, n in session.exec(conv.group_by(ud.day)):
            months[day.month - 1]["conversations"] += n
    day = max(first, rolled_to + dt.timedelta(days=1))
    while day <= last:
        live = count_days(session, day, day, tz)
        per_day += [(day, m, k, v) for (m, k), v in live.counts.items() if m in ("q", "msg")]
        months[day.month - 1]["conversations"] += live.user_days
        day += dt.timedelta(days=1)
    names = {"answered": "answered", "chosen": "suggested", "suggested": "suggested"}
    names |= {"unknown": "unknown", "tool": "tool_uses"}
    for day, metric, key, value in per_day:
        row = months[day.month - 1]
        if metric == "msg":
            row["messages"] += value
            continue
        kind = key.split("|", 1)[1]
        row["questions"] += value
        row[names[kind]] += value
    lo, hi = day_bounds(dt.date(year, 1, 1), dt.date(year, 12, 31), tz)
    ratings: dict[int, list[int]] = {}
    tickets = select(Ticket.created_at, Ticket.rating).where(
        col(Ticket.created_at) >= lo, col(Ticket.created_at) < hi
    )
    for created, rating in session.exec(tickets):
        m = _month_of(created, zone)
        months[m - 1]["tickets"] += 1
        if rating is not None:
            ratings.setdefault(m, []).append(int(rating))
    for m, values in ratings.items():
        months[m - 1]["csat_avg"] = round(sum(values) / len(values), 2)
    bookings = select(Booking.created_at, Booking.slot_start, Booking.status).where(
        or_(
            and_(col(Booking.created_at) >= lo, col(Booking.created_at) < hi),
            and_(col(Booking.slot_start) >= lo, col(Booking.slot_start) < hi),
        )
    )
    for created, slot, status in session.exec(bookings):
        if lo <= _aware(created) < hi:
            months[_month_of(created, zone) - 1]["bookings"] += 1
        if lo <= _aware(slot) < hi and status == BookingStatus.ATTENDED:
            months[_month_of(slot, zone) - 1]["attended"] += 1
    return months
