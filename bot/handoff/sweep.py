"""Handoff housekeeping: alert staff of late first responses, close resolved tickets never rated.

The outbox worker runs it at most once a minute (bot/delivery/worker.py), `tmbot tickets sweep` once.
Each ticket is handled in its own transaction and by compare-and-set, so two workers sweeping
at the same time alert or close a ticket once, and one broken ticket does not stop the others.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.core.ports import Clock
from bot.core.settings import Settings
from bot.handoff import helpdesk
from bot.privacy.service import retention_for
from bot.stats.housekeeping import roll_up
from storage.db import session_scope
from storage.tickets import Ticket, TicketStatus, tickets_to_alert, tickets_to_close

__all__ = ("SweepReport", "housekeeping_for", "sweep")

logger = logging.getLogger(__name__)
_Step = Callable[[Session, Ticket], bool]


@dataclass
class SweepReport:
    """Ticket numbers by what one sweep did to them."""

    alerted: list[str] = field(default_factory=list)  # staff told of a late first response
    closed: list[str] = field(default_factory=list)  # resolved, unrated, closed automatically
    failed: list[str] = field(default_factory=list)  # a step raised (logged); retried next sweep

    def as_dict(self) -> dict[str, list[str]]:
        """The JSON of `tmbot tickets sweep --json`."""
        return {"alerted": self.alerted, "closed": self.closed, "failed": self.failed}


def _each(engine: Engine, ids: list[int], step: _Step, done: list[str], failed: list[str]) -> None:
    for ticket_id in ids:
        number = f"#{ticket_id}"
        try:
            with session_scope(engine) as session:
                ticket = session.get(Ticket, ticket_id)
                if ticket is None:
                    continue
                number = ticket.number
                changed = step(session, ticket)
        except Exception:
            logger.exception("ticket housekeeping failed for %s", number)
            failed.append(number)
            continue
        if changed:  # only once the transaction is committed
            done.append(number)


def sweep(engine: Engine, settings: Settings, now: dt.datetime, *, limit: int = 100) -> SweepReport:
    """Alert staff of tickets past their first-response due time (once each) and close resolved
    tickets left unrated for TMBOT_HANDOFF_AUTOCLOSE_DAYS; at most `limit` of each per run."""
    report = SweepReport()
    days = settings.handoff_autoclose_days
    with Session(engine) as session:
        late = [t.id for t in tickets_to_alert(session=session, now=now, limit=limit)]
        stale: list[int | None] = []
        if days > 0:
            cutoff = now - dt.timedelta(days=days)
            found = tickets_to_close(session=session, resolved_before=cutoff, limit=limit)
            stale = [t.id for t in found]

    def alert(session: Session, ticket: Ticket) -> bool:
        return helpdesk.alert_sla_breach(session=session, settings=settings, ticket=ticket, now=now)

    def expire(session: Session, ticket: Ticket) -> bool:
        # Re-opened or rated since it was listed: not ours to close any more.
        if ticket.status != TicketStatus.RESOLVED or ticket.rating is not None:
            return False
        return helpdesk.expire_unrated(session=session, ticket=ticket, now=now)

    _each(engine, [i for i in late if i is not None], alert, report.alerted, report.failed)
    _each(engine, [i for i in stale if i is not None], expire, report.closed, report.failed)
    return report


def housekeeping_for(
    settings: Settings, clock: Clock | None = None
) -> Callable[[Engine, dt.datetime], SweepReport]:
    """The worker hook sweeping with `settings`; lateness is judged on `clock` when given (the
    conversation's clock, which stamped the tickets), else on the worker's time."""

    retention = retention_for(settings)  # personal-data retention periods, hourly

    def run(engine: Engine, now: dt.datetime) -> SweepReport:
        at = clock.now() if clock is not None else now
        report = sweep(engine, settings, at)
        roll_up(engine, settings.timezone, at)  # the dashboard's daily figures (bot/stats)
        retention(engine, at)
        try:  # renewal reminders of enterprises' marks (bot/marks/remind.py), beside the sweep
            from bot.marks.remind import housekeeping_pass

            housekeeping_pass(engine, settings, at)
        except Exception:
            logger.exception("renewal reminder pass failed")
        return report

    return run
