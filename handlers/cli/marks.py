"""`tmbot marks import|remind|due`: the station's mark list, renewal reminders, deadlines (JSON)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from sqlalchemy.engine import Engine

from bot.core.ports import Clock, SystemClock
from bot.core.settings import get_settings
from bot.marks.importer import MarkFileError, import_marks
from bot.marks.remind import as_json, due_marks, run_reminders, tables_for
from storage.db import make_engine, session_scope

__all__ = ("app",)

app = typer.Typer(
    help="Enterprises' marks: import the station's list, send renewal reminders, list deadlines.",
    no_args_is_help=True,
)
clock: Clock = SystemClock()  # tests put a FixedClock here
TodayOption = Annotated[
    dt.datetime | None,
    typer.Option(
        "--today", formats=["%Y-%m-%d"], help="Count as if it were this day (YYYY-MM-DD)."
    ),
]


def _engine() -> Engine:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from bot.core.runtime import prepare_database

    settings = get_settings()
    engine = make_engine(settings.database_url)
    prepare_database(settings, engine)
    return engine


def _today(today: dt.datetime | None) -> dt.date:
    if today is not None:
        return today.date()
    return clock.now().astimezone(ZoneInfo(get_settings().timezone)).date()


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or XLSX.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and count only.")] = False,
) -> None:
    """Create or update the station's marks from a CSV/XLSX list; any bad row: nothing written."""
    settings, engine = get_settings(), _engine()
    try:
        with session_scope(engine) as session:
            report = import_marks(
                session=session,
                data=file.read_bytes(),
                filename=file.name,
                today=_today(None),
                now=clock.now(),
                tables=tables_for(settings),
                dry_run=dry_run,
            )
    except MarkFileError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()
    for line in report.errors:
        typer.echo(line, err=True)
    if report.errors:
        typer.echo(f"{len(report.errors)} bad row(s): nothing was imported.", err=True)
        raise typer.Exit(1)
    verb = "would create" if dry_run else "created"
    typer.echo(
        f"{len(report.rows)} row(s): {verb} {report.created}, updated {report.updated}, "
        f"unchanged {report.unchanged}."
    )


@app.command("remind")
def remind_command(
    today: TodayOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print, queue nothing.")] = False,
    as_json_: Annotated[bool, typer.Option("--json", help="A JSON array.")] = False,
) -> None:
    """Queue the renewal reminders due today (each once); print mark, milestone, channel."""
    settings, engine = get_settings(), _engine()
    try:
        sent = run_reminders(engine, settings, clock.now(), today=_today(today), dry_run=dry_run)
    finally:
        engine.dispose()
    if as_json_:
        typer.echo(json.dumps(as_json(sent), ensure_ascii=False))
        return
    for s in sent:
        typer.echo(f"{s.mark}\t{s.milestone}\t{s.channel}\t{s.owner}")
    typer.echo(f"{len(sent)} reminder(s){' (dry run)' if dry_run else ''}.")


@app.command("due")
def due_command(
    today: TodayOption = None,
    within_days: Annotated[int, typer.Option(help="Next deadline within N days.")] = 60,
    as_json_: Annotated[bool, typer.Option("--json", help="A JSON array.")] = False,
) -> None:
    """Marks whose next deadline (end of the renewal window or of the grace period) is near."""
    settings, engine = get_settings(), _engine()
    try:
        rows = due_marks(engine, settings, _today(today), within_days)
    finally:
        engine.dispose()
    if as_json_:
        typer.echo(json.dumps(as_json(rows), ensure_ascii=False))
        return
    for r in rows:
        typer.echo(f"{r.next_deadline}\t{r.phase}\t{r.registration_number}\t{r.mark}\t{r.owner}")
