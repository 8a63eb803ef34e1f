"""The staff radar: marks by what needs doing, call tasks, reminder history, renewal by staff."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from sqlmodel import Session, col, or_, select

from bot.marks.schedule import Tables, next_milestone, phase, term_dates
from bot.marks.service import set_status
from knowledge.tools import add_months
from storage.marks import STATION, Mark, MarkReminder
from storage.outbox import OutboxMessage

__all__ = (
    "VIEWS",
    "RadarRow",
    "ReminderRow",
    "call_tasks",
    "csv_bytes",
    "history",
    "mark_renewed",
    "radar",
)

VIEWS = ("radar", "window", "grace", "lapsed", "all")


@dataclass(frozen=True)
class RadarRow:
    """One mark on the radar page."""

    mark: Mark
    category: str  # window (opens this or next month) | grace | lapsed | later | renewed ...
    phase: str
    deadline: dt.date
    days: int
    next_reminder: dt.date | None
    last: ReminderRow | None

    @property
    def owner(self) -> str:
        """Enterprise for station marks, else the channel (never the user's id)."""
        if self.mark.owner_channel == STATION:
            return self.mark.enterprise or "—"
        return f"{self.mark.owner_channel} user"


@dataclass(frozen=True)
class ReminderRow:
    """A reminder with its delivery state (from the outbox)."""

    reminder: MarkReminder
    status: str  # pending | sending | sent | failed | call | called
    error: str | None
    at: dt.datetime | None


def _month_end(day: dt.date) -> dt.date:
    first_next = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return first_next - dt.timedelta(days=1)


def _category(mark: Mark, name: str, deadline: dt.date, today: dt.date, opens: dt.date) -> str:
    if mark.status != "active":
        return mark.status
    month_start = today.replace(day=1)
    next_month_end = _month_end(_month_end(today) + dt.timedelta(days=1))
    if name == "grace":
        return "grace"
    if name == "lapsed":
        return "lapsed" if deadline >= today - dt.timedelta(days=365) else "old"
    if month_start <= opens <= next_month_end:
        return "window"
    return "in_window" if name == "window" else "later"


def _states(session: Session, reminders: list[MarkReminder]) -> dict[int, ReminderRow]:
    ids = [r.outbox_id for r in reminders if r.outbox_id is not None]
    outbox = {
        o.id: o for o in session.exec(select(OutboxMessage).where(col(OutboxMessage.id).in_(ids)))
    }
    rows: dict[int, ReminderRow] = {}
    for r in reminders:
        msg = outbox.get(r.outbox_id) if r.outbox_id is not None else None
        if msg is not None:
            at = msg.sent_at or msg.next_attempt_at
            rows[r.id or 0] = ReminderRow(r, msg.status, msg.last_error, at)
        else:
            status = "called" if r.done_at else "call"
            rows[r.id or 0] = ReminderRow(r, status, None, r.done_at or r.created_at)
    return rows


def radar(
    *, session: Session, today: dt.date, tables: Tables, view: str = "radar", q: str = ""
) -> list[RadarRow]:
    """Marks for the staff page: by default those entering the window this month or next, in
    grace, or lapsed within the last year; sorted by enterprise, then deadline."""
    query = select(Mark)
    if view != "all":
        low = today - dt.timedelta(days=365 + 200)
        high = add_months(_month_end(today), 14)
        query = query.where(col(Mark.expiry_date) >= low, col(Mark.expiry_date) <= high)
    if q:
        like = f"%{q}%"
        query = query.where(
            or_(
                col(Mark.enterprise).like(like),
                col(Mark.name).like(like),
                col(Mark.registration_number).like(like),
            )
        )
    marks = list(session.exec(query.order_by(col(Mark.expiry_date)).limit(5000)))
    reminders = list(
        session.exec(
            select(MarkReminder).where(col(MarkReminder.mark_id).in_([m.id for m in marks]))
        )
    )
    states = _states(session, reminders)
    latest: dict[int, ReminderRow] = {}
    for r in sorted(reminders, key=lambda r: (r.due_date, r.id or 0)):
        latest[r.mark_id] = states[r.id or 0]
    rows = []
    for mark in marks:
        name, deadline, days = phase(mark.expiry_date, today, tables)
        opens = term_dates(mark.expiry_date, tables).window_opens
        category = _category(mark, name, deadline, today, opens)
        wanted = {"radar": ("window", "grace", "lapsed"), "all": None}.get(view, (view,))
        if wanted is not None and category not in wanted:
            continue
        nxt = next_milestone(mark.expiry_date, today, tables)
        rows.append(
            RadarRow(
                mark,
                category,
                name,
                deadline,
                days,
                nxt.due if nxt else None,
                latest.get(mark.id or 0),
            )
        )
    rows.sort(key=lambda r: (r.owner, r.deadline))
    return rows


def history(*, session: Session, mark: Mark) -> list[ReminderRow]:
    """Every reminder of a mark with its delivery state, oldest first."""
    reminders = list(
        session.exec(
            select(MarkReminder)
            .where(MarkReminder.mark_id == mark.id)
            .order_by(col(MarkReminder.due_date), col(MarkReminder.id))
        )
    )
    states = _states(session, reminders)
    return [states[r.id or 0] for r in reminders]


def call_tasks(*, session: Session) -> list[tuple[MarkReminder, Mark]]:
    """Station marks without an e-mail whose milestone came: staff should phone them."""
    query = (
        select(MarkReminder, Mark)
        .join(Mark, col(Mark.id) == col(MarkReminder.mark_id))
        .where(MarkReminder.channel == "call", col(MarkReminder.done_at).is_(None))
        .order_by(col(MarkReminder.due_date), col(MarkReminder.id))
    )
    return [(r, m) for r, m in session.exec(query)]


def mark_renewed(
    *, session: Session, mark: Mark, new_expiry: dt.date | None, by: str, now: dt.datetime
) -> None:
    """Staff record a renewal: with a new expiry the mark is watched for its next term."""
    if new_expiry is not None and new_expiry != mark.expiry_date:
        mark.expiry_date, mark.status, mark.updated_at = new_expiry, "active", now
        mark.renewed_at, mark.renewed_by = now, by
    else:
        set_status(mark, "renewed", by, now)
    session.add(mark)


def csv_bytes(rows: list[RadarRow]) -> bytes:
    """The radar rows as CSV (UTF-8 with BOM, for spreadsheets)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(
        [
            "enterprise",
            "contact",
            "phone",
            "email",
            "registration_number",
            "mark",
            "classes",
            "expiry_date",
            "category",
            "phase",
            "next_deadline",
            "next_reminder",
            "status",
        ]
    )
    for r in rows:
        m = r.mark
        writer.writerow(
            [
                r.owner,
                m.contact,
                m.phone,
                m.email,
                m.registration_number,
                m.name,
                m.classes,
                m.expiry_date,
                r.category,
                r.phase,
                r.deadline,
                r.next_reminder or "",
                m.status,
            ]
        )
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
