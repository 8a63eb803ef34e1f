"""`tmbot privacy sweep|export|erase`: retention on demand (cron, checks), and answering a formal
request for one user's data (access, erasure)."""

from __future__ import annotations

import json
import logging
from typing import Annotated

import typer
from sqlalchemy.engine import Engine

from bot.core.ports import Clock, SystemClock
from bot.core.settings import get_settings
from bot.privacy import service
from storage.accounts import AuditLog
from storage.db import make_engine, session_scope
from storage.erasers import export_user

__all__ = ("app",)

app = typer.Typer(help="Personal data: retention sweep, export, erasure.", no_args_is_help=True)
clock: Clock = SystemClock()  # tests put a FixedClock here
UserOption = Annotated[str, typer.Option("--user", help="CHANNEL:ID, e.g. wechat:oAbc..., web:ID")]


def _engine() -> Engine:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from bot.core.runtime import prepare_database

    settings = get_settings()
    engine = make_engine(settings.database_url)
    prepare_database(settings, engine)
    return engine


def _user(value: str) -> tuple[str, str]:
    channel, sep, user_ref = value.partition(":")
    if not (sep and channel and user_ref):
        typer.echo("error: --user takes CHANNEL:ID (e.g. telegram:12345)", err=True)
        raise typer.Exit(2)
    return channel, user_ref


@app.command("sweep")
def sweep_command(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count only, change nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """Apply the TMBOT_RETENTION_* periods once (the worker does it hourly): rows removed or
    anonymised per kind (transcripts, question_logs, deliveries, closed_tickets,
    cancelled_bookings)."""
    engine = _engine()
    try:
        done = service.sweep(engine, get_settings(), clock.now(), dry_run=dry_run)
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(done))
        return
    verb = "would remove or anonymise" if dry_run else "removed or anonymised"
    for kind, n in done.items():
        typer.echo(f"{kind:<20} {n:>7} {verb}")


# The name for the same command.
app.command("purge", help="Same as `sweep`.")(sweep_command)


@app.command("export")
def export_command(
    user: UserOption,
    as_json: Annotated[bool, typer.Option("--json", help="Every row, as JSON.")] = False,
) -> None:
    """Everything held about one user, table by table (a formal access request); without
    --json, how many rows per table."""
    channel, user_ref = _user(user)
    engine = _engine()
    try:
        with session_scope(engine) as session:
            data = export_user(session=session, channel=channel, user_ref=user_ref)
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=1, default=str))
        return
    for table, rows in data["tables"].items():
        typer.echo(f"{table:<24} {len(rows):>6}")


@app.command("erase")
def erase_command(
    user: UserOption,
    yes: Annotated[bool, typer.Option("--yes", help="Really erase (no question asked).")] = False,
) -> None:
    """Erase one user's data as "删除我的数据" does; prints rows touched per table as JSON."""
    channel, user_ref = _user(user)
    if not yes:
        typer.confirm(f"Erase every personal record of {channel}:{user_ref}?", abort=True)
    engine = _engine()
    try:
        done = service.erase_user(
            engine=engine, channel=channel, user_ref=user_ref, now=clock.now()
        )
        with session_scope(engine) as session:  # audited like the console, without the id
            target = f"user:{channel}:{service.user_digest(channel, user_ref)}"
            session.add(
                AuditLog(actor="cli", action="privacy.erase", target=target, detail={"rows": done})
            )
    finally:
        engine.dispose()
    typer.echo(json.dumps(done))
