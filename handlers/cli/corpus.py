"""`tmbot corpus check [DIR]`: lint a corpus folder before importing it (knowledge/lint.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from bot.core.settings import get_settings
from knowledge.figures import affected_entries
from knowledge.lint import BUNDLED_TOPICS, SHARED_TOPICS, LintConfig, lint_corpus, summary
from knowledge.loader import load_corpus
from knowledge.tools.holiday_import import missing_arrangement_warning
from knowledge.tools.workdays import load_calendar

__all__ = ("corpus_check",)


def corpus_check(
    directory: Annotated[
        Path | None, typer.Argument(help="Corpus folder (default: TMBOT_CORPUS_DIR).")
    ] = None,
    topics: Annotated[
        list[Path] | None,
        typer.Option(
            "--topics",
            help="Topic list(s) to cover (default: knowledge/topics.yaml and "
            "../shared/faq-topics.yaml beside the repository, skipped when absent).",
        ),
    ] = None,
    max_age_days: Annotated[
        int | None,
        typer.Option(help="Warn when as_of is older (default TMBOT_CORPUS_MAX_AGE_DAYS)."),
    ] = None,
    max_answer_zh: Annotated[int, typer.Option(help="Longest Chinese answer, characters.")] = 1000,
    max_answer_en: Annotated[int, typer.Option(help="Longest English answer, characters.")] = 1600,
    today: Annotated[
        str | None, typer.Option(help="Check as of this day, YYYY-MM-DD (default: today).")
    ] = None,
    affected: Annotated[
        list[str] | None,
        typer.Option(
            "--affected",
            help="List the answers that render a table row (fee item, Madrid fee or period), "
            "e.g. --affected renewal: what a change of that row changes.",
        ),
    ] = None,
) -> None:
    """Check a corpus folder: languages, alternates, duplicates, sources, dates, topics.

    Prints one line per finding (file: entry: level: message); exits 1 when there are errors.
    """
    settings = get_settings()
    day = (
        dt.date.fromisoformat(today)
        if today
        else dt.datetime.now(ZoneInfo(settings.timezone)).date()
    )
    config = LintConfig(
        today=day,
        max_age_days=max_age_days if max_age_days is not None else settings.corpus_max_age_days,
        max_answer_zh=max_answer_zh,
        max_answer_en=max_answer_en,
        topic_files=list(topics) if topics else [BUNDLED_TOPICS, SHARED_TOPICS],
    )
    folder = directory or settings.corpus_dir
    findings = lint_corpus(folder, config)
    for finding in findings:
        typer.echo(str(finding), err=finding.level == "error")
    errors, warnings = summary(findings)
    if affected:
        entries = load_corpus(folder) if not errors else []
        for key in affected:
            ids = affected_entries(entries, key)
            typer.echo(f"{key}: {len(ids)} answer(s) render it: {', '.join(ids) or '-'}")
    calendar = missing_arrangement_warning(day, load_calendar(settings.holidays_file))
    if calendar:  # not a corpus finding, but the same staff need to see it in December
        typer.echo(f"holidays: warning: {calendar['en']}", err=True)
    typer.echo(f"{folder}: {errors} error(s), {warnings} warning(s)")
    if errors:
        raise typer.Exit(1)
