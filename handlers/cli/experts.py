"""`tmbot experts import FILE | list`: load experts from YAML or CSV, see who can be booked."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlmodel import Session

from bot.booking.experts_io import CSV_COLUMNS, ExpertFileError, import_experts
from bot.core.settings import get_settings
from storage.db import make_engine, session_scope, upgrade_db
from storage.experts import format_rule, list_experts, rules_of

__all__ = ("app",)

app = typer.Typer(help="Experts for consultation booking: import, list.", no_args_is_help=True)


@contextmanager
def _session() -> Iterator[Session]:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    # Only the schema: the demo experts are for a database nobody has filled yet.
    upgrade_db(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with session_scope(engine) as session:
            yield session
    finally:
        engine.dispose()


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="A .yaml/.yml file (key 'experts') or a .csv file.")],
    only: Annotated[
        bool,
        typer.Option("--only", help="Deactivate experts not in the file (e.g. the demo set)."),
    ] = False,
) -> None:
    """Create or update experts (matched by name + organisation) with their availability."""
    try:
        with _session() as session:
            saved = import_experts(session=session, path=file)
            retired = 0
            if only:
                keep = {e.id for e in saved}
                for expert in list_experts(session=session):
                    if expert.id not in keep:
                        expert.active = False
                        session.add(expert)
                        retired += 1
    except ExpertFileError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"imported {len(saved)} experts from {file}; deactivated {retired}")


@app.command("list")
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="A JSON array.")] = False,
) -> None:
    """Every expert with specialties, mode and weekly availability (station time)."""
    with _session() as session:
        rows: list[dict[str, Any]] = [
            {
                "id": e.id,
                "name": e.name,
                "organisation": e.organisation,
                "specialties": e.specialties,
                "mode": e.mode,
                "active": e.active,
                "availability": [
                    format_rule(r) for r in rules_of(session=session, expert_id=e.id or 0)
                ],
            }
            for e in list_experts(session=session, active_only=False)
        ]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for row in rows:
        flag = "" if row["active"] else " (inactive)"
        typer.echo(f"{row['id']:>3} {row['name']} · {row['organisation']}{flag}")
        typer.echo(f"    {', '.join(row['specialties'])} · {row['mode']}")
        for rule in row["availability"]:
            typer.echo(f"    {rule}")


@app.command("columns")
def columns_command() -> None:
    """The CSV columns `experts import` understands (lists separated by ';')."""
    typer.echo(",".join(CSV_COLUMNS))
