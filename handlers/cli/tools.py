"""CLI shortcuts to the trademark tools: `tmbot renewal`, `tmbot fees ...`, `tmbot classes`.

They compute without the database: the same code as the chat (bot/tools/run.py), on the
bundled tables or the copies named by TMBOT_FEES_FILE / TMBOT_HOLIDAYS_FILE.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from bot.core.settings import get_settings
from bot.tools.run import (
    Answer,
    ToolConfig,
    madrid,
    national,
    nice_classes,
    renewal,
    renewal_fee_only,
)
from knowledge.tools import ParsedDate, ToolDataError, parse_date

__all__ = ("fees_app", "register")

fees_app = typer.Typer(help="Official fee estimates (CNIPA and WIPO Madrid).", no_args_is_help=True)

Lang = Annotated[str, typer.Option("--lang", help="zh or en.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print the result object as JSON.")]


def _config() -> ToolConfig:
    try:
        return ToolConfig.from_settings(get_settings())
    except ToolDataError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc


def _today(raw: str | None) -> dt.date:
    if raw is None:
        return dt.datetime.now(ZoneInfo(get_settings().timezone)).date()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        typer.echo(f"error: --today wants YYYY-MM-DD, got {raw!r}", err=True)
        raise typer.Exit(2) from exc


def _emit(answer: Answer, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(answer.result, ensure_ascii=False, indent=2))
    else:
        typer.echo(answer.text)


def _check_lang(lang: str) -> str:
    if lang not in ("zh", "en"):
        typer.echo("error: --lang is zh or en", err=True)
        raise typer.Exit(2)
    return lang


def renewal_command(
    date: Annotated[str, typer.Argument(help="Registration date (or expiry with --expiry).")],
    expiry: Annotated[bool, typer.Option("--expiry", help="DATE is the expiry date.")] = False,
    classes: Annotated[int | None, typer.Option(min=1, max=45, help="Classes.")] = None,
    today: Annotated[str | None, typer.Option(help="Compute as of YYYY-MM-DD.")] = None,
    lang: Lang = "zh",
    as_json: AsJson = False,
) -> None:
    """Renewal window, grace period, today's phase and the fee due, from one date."""
    lang = _check_lang(lang)
    day = _today(today)
    parsed = parse_date(date, day)
    if not isinstance(parsed, ParsedDate):
        typer.echo(parsed.question(lang), err=True)  # never a guess
        raise typer.Exit(2)
    cfg = _config()
    answer = renewal(parsed.value, expiry=expiry, classes=classes, today=day, cfg=cfg, lang=lang)
    _emit(answer, as_json)


def classes_command(
    description: Annotated[str, typer.Argument(help="What the enterprise sells, e.g. 奶茶店.")],
    lang: Lang = "zh",
    as_json: AsJson = False,
) -> None:
    """Suggest Nice classes for a description of the goods or services."""
    _emit(nice_classes(description, _check_lang(lang)), as_json)


@fees_app.command("national")
def fees_national(
    items: Annotated[
        list[int] | None,
        typer.Option("--items", min=1, help="Items in one class; repeat per class."),
    ] = None,
    classes: Annotated[
        int | None, typer.Option(min=1, max=45, help="Classes of up to 10 items (without --items).")
    ] = None,
    paper: Annotated[bool, typer.Option("--paper", help="Paper filing (default online).")] = False,
    lang: Lang = "zh",
    as_json: AsJson = False,
) -> None:
    """Official CNIPA fees of one application: `--items 12 --items 5` = two classes."""
    given = bool(items)
    per_class = list(items) if items else [10] * (classes or 1)
    answer = national(
        per_class, paper=paper, items_given=given, cfg=_config(), lang=_check_lang(lang)
    )
    _emit(answer, as_json)


@fees_app.command("renewal")
def fees_renewal(
    classes: Annotated[int, typer.Option(min=1, max=45, help="Classes to renew.")] = 1,
    late: Annotated[bool, typer.Option("--late", help="In the grace period (surcharge).")] = False,
    paper: Annotated[bool, typer.Option("--paper", help="Paper filing (default online).")] = False,
    lang: Lang = "zh",
    as_json: AsJson = False,
) -> None:
    """The renewal fee for N classes, with the late surcharge when --late."""
    lang = _check_lang(lang)
    answer = renewal_fee_only(classes, late=late, paper=paper, cfg=_config(), lang=lang)
    total = answer.result["total"]
    channel = answer.result["channel"]
    head: dict[str, str] = {
        "zh": f"合计（{'纸质' if channel == 'paper' else '网上'}）：{total} 元",
        "en": f"Total ({channel}): {total} CNY",
    }
    answer.text = head[lang] + "\n" + answer.text
    _emit(answer, as_json)


@fees_app.command("madrid")
def fees_madrid(
    parties: Annotated[list[str], typer.Argument(help="Designated parties: codes or names.")],
    classes: Annotated[int | None, typer.Option(min=1, max=45, help="Classes (default 1).")] = None,
    colour: Annotated[bool, typer.Option("--colour", "--color", help="Mark in colour.")] = False,
    rate: Annotated[float | None, typer.Option(min=0.0001, help="CNY per CHF.")] = None,
    lang: Lang = "zh",
    as_json: AsJson = False,
) -> None:
    """WIPO fees for designating PARTIES, in CHF and in CNY (TMBOT_CHF_CNY_RATE or --rate)."""
    kwargs: dict[str, Any] = {"classes": classes, "colour": colour, "rate": rate}
    _emit(madrid(parties, cfg=_config(), lang=_check_lang(lang), **kwargs), as_json)


def register(app: typer.Typer) -> None:
    """Add `renewal`, `classes` and the `fees` group to the tmbot CLI."""
    app.command("renewal")(renewal_command)
    app.command("classes")(classes_command)
    app.add_typer(fees_app, name="fees")
