"""`tmbot backup FILE` / `tmbot restore FILE`: the station's database, copied and put back."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.core.settings import get_settings
from storage import backup as backups

__all__ = ("backup", "restore")


def backup(file: Annotated[Path, typer.Argument(help="Where to write the backup.")]) -> None:
    """Copy the database while tmbot runs (SQLite online backup; PostgreSQL: pg_dump -Fc)."""
    url = get_settings().database_url
    try:
        backups.backup(url, file)
    except backups.BackupError as exc:
        typer.echo(f"backup failed: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"backup written to {file} ({file.stat().st_size} bytes)")


def restore(
    file: Annotated[Path, typer.Argument(help="A file written by `tmbot backup`.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Replace the database with a backup. Stop `tmbot serve` first."""
    url = get_settings().database_url
    if not yes:
        typer.confirm(f"Replace the database {url} with {file}?", abort=True)
    try:
        backups.restore(url, file)
    except backups.BackupError as exc:
        typer.echo(f"restore failed: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"restored {file}")
