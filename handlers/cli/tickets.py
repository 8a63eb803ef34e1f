"""`tmbot tickets list|show|sweep`: handoff tickets for scripts, checks and cron (stable JSON)."""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any

import typer
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.core.ports import Clock, SystemClock
from bot.core.settings import get_settings
from storage.db import make_engine, session_scope
from storage.tickets import Ticket, get_ticket, list_tickets, ticket_transcript

__all__ = ("app", "ticket_detail", "ticket_json")

app = typer.Typer(help="Handoff tickets: list, show and sweep.", no_args_is_help=True)
clock: Clock = SystemClock()  # tests put a FixedClock here


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def ticket_json(ticket: Ticket) -> dict[str, Any]:
    """The fields of `tickets list --json` (one object per ticket)."""
    return {
        "number": ticket.number,
        "status": ticket.status,
        "channel": ticket.channel,
        "user": ticket.user_ref,
        "created": _iso(ticket.created_at),
        "question": ticket.question,
    }


def _engine() -> Engine:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from bot.core.runtime import prepare_database

    settings = get_settings()
    engine = make_engine(settings.database_url)
    prepare_database(settings, engine)
    return engine


@app.command("list")
def list_command(
    status: Annotated[
        str | None,
        typer.Option(help="open, claimed, waiting_user, resolved, closed, or active."),
    ] = None,
    channel: Annotated[str | None, typer.Option(help="web, telegram, wechat ...")] = None,
    limit: Annotated[int, typer.Option(help="At most this many, newest first.")] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="A JSON array.")] = False,
) -> None:
    """List tickets, newest first."""
    engine = _engine()
    try:
        with session_scope(engine) as session:
            found = list_tickets(session=session, status=status, channel=channel, limit=limit)
            rows = [ticket_json(t) for t in found]
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for row in rows:
        typer.echo(
            f"{row['number']}  {row['status']:<12} {row['channel']:<8} {row['created'][:16]}  "
            f"{row['question'][:60]}"
        )


def ticket_detail(session: Session, ticket: Ticket) -> dict[str, Any]:
    """The object of `tickets show --json`: the list fields, the facts and the transcript."""
    return ticket_json(ticket) | {
        "chat_ref": ticket.chat_ref,
        "lang": ticket.lang,
        "reason": ticket.reason,
        "category": ticket.category,
        "priority": ticket.priority,
        "company": ticket.company,
        "contact": ticket.contact,
        "claimed_by": ticket.claimed_by,
        "first_response_due": _iso(ticket.first_response_due),
        "first_response_at": _iso(ticket.first_response_at),
        "resolved_at": _iso(ticket.resolved_at),
        "closed_at": _iso(ticket.closed_at),
        "resolution_note": ticket.resolution_note,
        "rating": ticket.rating,
        "sla_alerted_at": _iso(ticket.sla_alerted_at),
        "close_reason": ticket.close_reason,
        "transcript": [
            {"at": _iso(m.created_at), "direction": m.direction, "sender": m.sender, "text": m.text}
            for m in ticket_transcript(session=session, ticket=ticket)
        ],
    }


@app.command("show")
def show_command(
    number: Annotated[str, typer.Argument(help="The ticket number, e.g. T-2026-000123.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """One ticket with its whole transcript."""
    engine = _engine()
    try:
        with session_scope(engine) as session:
            ticket = get_ticket(session=session, number=number)
            data = ticket_detail(session, ticket) if ticket is not None else None
    finally:
        engine.dispose()  # after the session gave its connection back
    if data is None:
        typer.echo(f"error: no ticket {number}", err=True)
        raise typer.Exit(1)
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    typer.echo(f"{data['number']} [{data['status']}] {data['channel']} {data['user']}")
    typer.echo(f"question: {data['question']}")
    typer.echo(f"first response due: {data['first_response_due']}")
    if data["sla_alerted_at"]:
        typer.echo(f"SLA breached, staff alerted at {data['sla_alerted_at']}")
    if data["closed_at"]:
        typer.echo(f"closed at {data['closed_at']} ({data['close_reason'] or 'reason unknown'})")
    for line in data["transcript"]:
        typer.echo(f"  {line['at'][:16]} {line['sender']:>14}: {line['text']}")


@app.command("sweep")
def sweep_command(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """Housekeeping once (the worker does it every minute): alert staff of tickets past their
    first-response due time, close resolved tickets unrated for TMBOT_HANDOFF_AUTOCLOSE_DAYS."""
    from bot.handoff.sweep import sweep

    engine = _engine()
    try:
        report = sweep(engine, get_settings(), clock.now(), limit=1000)
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        typer.echo(f"SLA alerts sent: {len(report.alerted)} {' '.join(report.alerted)}".rstrip())
        typer.echo(f"closed unrated: {len(report.closed)} {' '.join(report.closed)}".rstrip())
        if report.failed:
            typer.echo(f"failed (see log): {' '.join(report.failed)}", err=True)
    if report.failed:
        raise typer.Exit(1)
