"""`tmbot holidays import FILE` / `tmbot holidays check`: the announced holiday arrangement as data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from bot.core.settings import get_settings
from knowledge.tools._data import ToolDataError
from knowledge.tools.holiday_import import import_arrangement, missing_arrangement_warning
from knowledge.tools.workdays import DEFAULT_HOLIDAYS_FILE, load_calendar

__all__ = ("app",)

app = typer.Typer(help="The holiday table: import an announced arrangement.", no_args_is_help=True)


@app.command("import")
def holidays_import(
    file: Annotated[
        Path, typer.Argument(help="YAML with years: {YEAR: {notice, url, holidays, workdays}}.")
    ],
    replace: Annotated[bool, typer.Option(help="Overwrite years the table already has.")] = False,
) -> None:
    """Validate FILE and merge its years into the holiday table in use; nothing written on error.

    The table is TMBOT_HOLIDAYS_FILE, or the bundled knowledge/data/cn_holidays.yaml. Restart
    tmbot afterwards so every worker reads it.
    """
    target = get_settings().holidays_file or DEFAULT_HOLIDAYS_FILE
    try:
        result = import_arrangement(file, Path(target), replace=replace)
    except ToolDataError as exc:
        typer.echo(f"not imported / 未导入: {exc}", err=True)
        raise typer.Exit(1) from exc
    years = ", ".join(map(str, result.years))
    typer.echo(
        f"imported {years} into {result.target}: {result.holidays} holiday(s), "
        f"{result.workdays} make-up working day(s) in the table / 已导入{years}年放假安排"
    )


@app.command("check")
def holidays_check(
    today: Annotated[str | None, typer.Option(help="Check as of this day, YYYY-MM-DD.")] = None,
) -> None:
    """Warn when this year's arrangement, or in December next year's, is missing; exit 1 then."""
    settings = get_settings()
    day = (
        dt.date.fromisoformat(today)
        if today
        else dt.datetime.now(ZoneInfo(settings.timezone)).date()
    )
    warning = missing_arrangement_warning(day, load_calendar(settings.holidays_file))
    if warning:
        typer.echo(f"warning: {warning['zh']}\n{warning['en']}", err=True)
        raise typer.Exit(1)
    typer.echo(f"holiday table covers {day.year} (and the next year where due) / 节假日表完整")
