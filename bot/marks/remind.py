"""The reminder pass: queue each mark's due milestone once, on the owner's channel.

Who gets what:
- a chat user's mark (web, telegram, wechat): only with their consent, through the outbox on
  their channel (the WeChat sender sends a subscription notice outside the 48-hour window, and
  only where WeChat consent exists);
- a station-imported mark: by e-mail when the row has an address and SMTP is configured,
  otherwise a "call this enterprise" task on the staff page (no message).

Exactly once: the `tm_mark_reminder` row (unique mark, term, milestone) is inserted in a
savepoint before the outbox row (unique dedupe key); a second pass racing on the same reminder
hits the constraint and skips it. Messages wait for the station's working hours (`not_before`).
"""

from __future__ import annotations

import datetime as dt
import logging
import weakref
from dataclasses import asdict, dataclass
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.core.hours import StationHours
from bot.core.settings import Settings
from bot.marks.message import reminder_payload
from bot.marks.schedule import Tables, current_milestone, next_milestone, phase
from storage.db import session_scope
from storage.marks import STATION, Mark, MarkReminder, claim_reminders
from storage.models import utcnow
from storage.outbox import enqueue_many

__all__ = (
    "Due",
    "Sent",
    "due_marks",
    "housekeeping_pass",
    "run_reminders",
    "tables_for",
)

logger = logging.getLogger(__name__)
# The window opens 12 months (and a day) before expiry; the grace period ends about 6 months
# after it (later when moved off a holiday): marks outside these bounds have nothing due.
_AHEAD = dt.timedelta(days=367)
_BEHIND = dt.timedelta(days=200)
_BATCH = 1000


@dataclass(frozen=True)
class Sent:
    """One reminder a pass queued (or would queue, with --dry-run)."""

    mark: str
    name: str
    owner: str
    milestone: str
    channel: str  # telegram | wechat | web | email | call
    due_date: str


@dataclass(frozen=True)
class Due:
    """A row of `tmbot marks due`."""

    registration_number: str
    mark: str
    owner: str
    classes: str
    expiry: str
    phase: str
    next_deadline: str
    next_reminder: str | None


def tables_for(settings: Settings) -> Tables:
    """The holiday and fee tables of these settings."""
    return Tables.load(settings.holidays_file, settings.fees_file)


def _owner(mark: Mark) -> str:
    # Never a phone number or address: these lines go to logs and JSON output.
    if mark.owner_channel == STATION:
        return mark.enterprise or STATION
    return f"{mark.owner_channel}:{mark.owner_ref[:6]}…"


def _route(mark: Mark, settings: Settings) -> tuple[str, str] | None:
    """(sender, recipient) for the reminder, ("call", "") for a staff task, None = not allowed."""
    if mark.owner_channel == STATION:
        if mark.email and settings.smtp_host:
            return "email", mark.email
        return "call", ""
    if not mark.consent:
        return None
    return mark.owner_channel, mark.chat_ref or mark.owner_ref


def _candidates(session: Session, today: dt.date) -> list[Mark]:
    query = (
        select(Mark)
        .where(
            Mark.status == "active",
            col(Mark.expiry_date) >= today - _BEHIND,
            col(Mark.expiry_date) <= today + _AHEAD,
        )
        .order_by(col(Mark.id))
    )
    return list(session.exec(query))


def _sent_keys(session: Session, today: dt.date) -> set[tuple[int, dt.date, str]]:
    query = select(
        col(MarkReminder.mark_id), col(MarkReminder.expiry_date), col(MarkReminder.milestone)
    ).where(col(MarkReminder.expiry_date) >= today - _BEHIND)
    return {(m, e, k) for m, e, k in session.exec(query)}


def _queue(
    session: Session,
    batch: list[tuple[Mark, str, dt.date, tuple[str, str]]],
    today: dt.date,
    tables: Tables,
    field: str,
    not_before: dt.datetime,
) -> set[int | None]:
    """Claim the batch's reminder rows, then queue a message for each one this pass won."""
    now = utcnow()
    won: set[int | None] = set(
        claim_reminders(
            session=session,
            rows=[
                {
                    "mark_id": mark.id,
                    "expiry_date": mark.expiry_date,
                    "milestone": key,
                    "due_date": day,
                    "channel": route[0],
                    "created_at": now,
                }
                for mark, key, day, route in batch
            ],
        )
    )
    messages = [
        {
            "sender": sender,
            "recipient": recipient,
            "payload": reminder_payload(mark, key, today, tables, notice_field=field),
            "ref_kind": "mark",
            "ref_id": str(mark.id),
            "dedupe_key": f"mark:{mark.id}:{mark.expiry_date}:{key}",
            "not_before": not_before,
            "link": {"m": mark.id, "e": mark.expiry_date, "k": key},
        }
        for mark, key, _day, (sender, recipient) in batch
        if mark.id in won and sender != "call"
    ]
    ids = enqueue_many(session=session, rows=messages)
    links = [{**cast(dict[str, Any], m["link"]), "o": ids[str(m["dedupe_key"])]} for m in messages]
    if links:
        table = MarkReminder.__table__  # type: ignore[attr-defined]  # one Core executemany
        session.execute(
            update(table)  # type: ignore[arg-type]
            .where(
                table.c.mark_id == bindparam("m"),  # type: ignore[attr-defined]
                table.c.expiry_date == bindparam("e"),  # type: ignore[attr-defined]
                table.c.milestone == bindparam("k"),  # type: ignore[attr-defined]
            )
            .values(outbox_id=bindparam("o")),
            links,
        )
    return won


def run_reminders(
    engine: Engine,
    settings: Settings,
    now: dt.datetime,
    *,
    today: dt.date | None = None,
    dry_run: bool = False,
    tables: Tables | None = None,
) -> list[Sent]:
    """Queue every due reminder once; returns what was queued (or would be, with dry_run)."""
    tables = tables or tables_for(settings)
    today = today or now.astimezone(ZoneInfo(settings.timezone)).date()
    not_before = StationHours.from_settings(settings).next_opening(now)
    field = settings.wechat_subscribe_field or "thing1"
    with Session(engine) as session:
        marks = _candidates(session, today)
        done = _sent_keys(session, today)
    due: list[tuple[Mark, str, dt.date, tuple[str, str]]] = []
    for mark in marks:
        ms = current_milestone(mark.expiry_date, today, tables)
        if ms is None or (mark.id or 0, mark.expiry_date, ms.key) in done:
            continue
        route = _route(mark, settings)
        if route is not None:
            due.append((mark, ms.key, ms.due, route))
    sent: list[Sent] = []
    for start in range(0, len(due), _BATCH):
        batch = due[start : start + _BATCH]
        won = {m.id for m, *_ in batch}
        if not dry_run:
            with session_scope(engine) as session:
                won = _queue(session, batch, today, tables, field, not_before)
        sent += [
            Sent(mark.registration_number, mark.name, _owner(mark), key, route[0], str(day))
            for mark, key, day, route in batch
            if mark.id in won
        ]
    if sent and not dry_run:
        logger.info("marks: %d renewal reminder(s) queued", len(sent))
    return sent


def due_marks(engine: Engine, settings: Settings, today: dt.date, within_days: int) -> list[Due]:
    """Active marks whose next deadline falls within `within_days` (or has passed recently)."""
    tables = tables_for(settings)
    rows: list[Due] = []
    with Session(engine) as session:
        query = select(Mark).where(
            Mark.status == "active",
            col(Mark.expiry_date) >= today - _BEHIND,
            col(Mark.expiry_date) <= today + dt.timedelta(days=within_days + 1),
        )
        marks = list(session.exec(query.order_by(col(Mark.expiry_date), col(Mark.id))))
    for mark in marks:
        name, deadline, days = phase(mark.expiry_date, today, tables)
        if days > within_days or name == "lapsed":
            continue
        nxt = next_milestone(mark.expiry_date, today, tables)
        rows.append(
            Due(
                registration_number=mark.registration_number,
                mark=mark.name,
                owner=_owner(mark),
                classes=mark.classes,
                expiry=str(mark.expiry_date),
                phase=name,
                next_deadline=str(deadline),
                next_reminder=str(nxt.due) if nxt else None,
            )
        )
    return rows


# Milestones are days: an hourly pass is plenty, and spares a server the scan of every mark
# each minute the outbox worker housekeeps. Per engine, so each test database starts afresh.
HOUSEKEEPING_EVERY = dt.timedelta(hours=1)
_last_pass: weakref.WeakKeyDictionary[Engine, dt.datetime] = weakref.WeakKeyDictionary()


def housekeeping_pass(engine: Engine, settings: Settings, now: dt.datetime) -> list[Sent]:
    """The outbox worker's hook: a reminder pass, at most once an hour per process."""
    last = _last_pass.get(engine)
    if last is not None and last <= now < last + HOUSEKEEPING_EVERY:
        return []
    _last_pass[engine] = now
    return run_reminders(engine, settings, now)


def as_json(rows: list[Sent] | list[Due]) -> list[dict[str, object]]:
    """Rows as plain dicts for --json."""
    return [asdict(r) for r in rows]
