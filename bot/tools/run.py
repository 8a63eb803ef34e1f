"""Run one trademark tool and say the result: text for the user plus a JSON-able `result`.

Used by the tools skill (chat) and by the CLI shortcuts (handlers/cli/tools.py). The data
tables come from `ToolConfig` (the bundled files, or the copies named in the settings).
"""

from __future__ import annotations

import calendar as calendar_mod
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.settings import Settings
from bot.tools.result import (
    classes_result,
    madrid_result,
    national_result,
    period_result,
    renewal_fee_result,
    renewal_result,
)
from bot.tools.texts import tt
from knowledge.tools import (
    Ambiguous,
    FeeTable,
    HolidayCalendar,
    Invalid,
    estimate_madrid,
    estimate_national,
    explain_suggestions,
    load_calendar,
    load_fee_table,
    madrid_dependency_end,
    nonuse_exposure,
    opposition_deadline,
    rejection_review_deadline,
    renewal_fee,
    renewal_status,
    suggest_classes,
    year_month,
)

__all__ = (
    "Answer",
    "ToolConfig",
    "ask",
    "date_question",
    "madrid",
    "national",
    "nice_classes",
    "period",
    "renewal",
    "renewal_fee_only",
)


@dataclass(frozen=True)
class ToolConfig:
    """The tables and the exchange rate the tools compute with."""

    calendar: HolidayCalendar
    fees: FeeTable
    cny_rate: float
    rate_as_of: dt.date | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> ToolConfig:
        """The bundled tables, or the copies the settings name."""
        return cls(
            calendar=load_calendar(settings.holidays_file),
            fees=load_fee_table(settings.fees_file),
            cny_rate=settings.chf_cny_rate,
            rate_as_of=settings.chf_cny_rate_as_of,
        )


@dataclass
class Answer:
    """What a tool said: the text, the figures, and what to remember when it asked back."""

    text: str
    result: dict[str, Any]
    pending: dict[str, Any] | None = None  # flow data while waiting for a missing fact
    computed: bool = True


def renewal(
    date: dt.date,
    *,
    expiry: bool,
    classes: int | None,
    today: dt.date,
    cfg: ToolConfig,
    lang: str,
) -> Answer:
    """Renewal deadlines and fee from a registration (or expiry) date."""
    r = renewal_status(
        today=today,
        registration_date=None if expiry else date,
        expiry_date=date if expiry else None,
        classes=classes or 1,
        calendar=cfg.calendar,
        fees=cfg.fees,
    )
    text = r.explain(lang)
    if classes is None and r.fee is not None:
        text += "\n" + tt("renewal.assumed_classes", lang)
    return Answer(text, renewal_result(r))


def period(
    tool: str,
    date: dt.date,
    *,
    sent: bool = False,
    mailed: bool = False,
    today: dt.date,
    cfg: ToolConfig,
    lang: str,
) -> Answer:
    """Opposition, refusal review, Madrid dependency or non-use exposure from one date."""
    if tool == "opposition":
        p = opposition_deadline(date, today=today, calendar=cfg.calendar)
    elif tool == "rejection_review":
        p = rejection_review_deadline(
            today=today,
            received=None if sent else date,
            sent=date if sent else None,
            electronic=not mailed,
            calendar=cfg.calendar,
            fees=cfg.fees,
        )
    elif tool == "madrid_dependency":
        p = madrid_dependency_end(date, today=today)
    elif tool == "nonuse":
        p = nonuse_exposure(date, today=today)
    else:
        raise ValueError(f"unknown date tool {tool!r}")
    return Answer(p.explain(lang), period_result(p))


def national(
    items: Sequence[int],
    *,
    paper: bool,
    items_given: bool,
    cfg: ToolConfig,
    lang: str,
    numbers: Sequence[int] = (),
) -> Answer:
    """Official fees of one national application; `items` lists the items of each class,
    `numbers` the class numbers of the first ones when the user named them."""
    numbers = list(numbers)[: len(items)]
    est = estimate_national(list(items), online=not paper, table=cfg.fees, numbers=numbers)
    other = estimate_national(list(items), online=paper, table=cfg.fees, numbers=numbers)
    lines = [est.explain(lang)]
    if not items_given:
        lines.append(tt("national.assumed_items", lang))
    channel = tt("channel.online" if paper else "channel.paper", lang)
    lines.append(tt("national.other_channel", lang, channel=channel, total=other.total))
    return Answer("\n".join(lines), national_result(est, other.total, lang))


def renewal_fee_only(
    classes: int, *, late: bool, paper: bool, cfg: ToolConfig, lang: str
) -> Answer:
    """The renewal fee for `classes` classes, with the grace-period surcharge when `late`."""
    fee = renewal_fee(classes, late=late, table=cfg.fees)
    result = {"tool": "fee_renewal", **renewal_fee_result(fee)}
    result["channel"] = "paper" if paper else "online"
    result["total"] = fee.paper_total if paper else fee.online_total
    return Answer(fee.explain(lang) + "\n" + tt("fee.only_official", lang), result)


def madrid(
    parties: Sequence[str],
    *,
    classes: int | None,
    colour: bool | None,
    cfg: ToolConfig,
    lang: str,
    rate: float | None = None,
) -> Answer:
    """WIPO fees for the designated parties, in CHF and CNY at the configured rate."""
    est = estimate_madrid(
        list(parties),
        classes=classes or 1,
        colour=bool(colour),
        cny_rate=rate or cfg.cny_rate,
        table=cfg.fees,
    )
    lines = [est.explain(lang)]
    if classes is None:
        lines.append(tt("madrid.assumed_classes", lang))
    if colour is None:
        lines.append(tt("madrid.assumed_bw", lang))
    rate_as_of = None if rate else cfg.rate_as_of
    as_of = (
        tt("madrid.rate_as_of", lang, date=rate_as_of.isoformat())
        if rate_as_of
        else tt("madrid.rate_default", lang)
    )
    if est.complete:
        lines.append(tt("madrid.rate", lang, rate=f"{est.cny_rate:g}", as_of=as_of))
    return Answer("\n".join(lines), madrid_result(est, rate_as_of, lang))


def nice_classes(description: str, lang: str) -> Answer:
    """Likely Nice classes for what the enterprise sells."""
    found = suggest_classes(description, lang)
    result = classes_result(description, found)
    return Answer(explain_suggestions(found, lang), result, computed=bool(found))


def ask(tool: str, lang: str, *, text_key: str | None = None, **keep: Any) -> Answer:
    """Ask for a missing fact and remember the question."""
    missing = {"fee_madrid": "parties", "classes": "description"}.get(tool, "date")
    return Answer(
        tt(text_key or f"ask.{tool}", lang),
        {"tool": tool, "status": "need_input", "missing": missing},
        pending={"tool": tool, **keep},
        computed=False,
    )


def date_question(
    tool: str,
    problem: Ambiguous | Invalid,
    *,
    expiry: bool,
    today: dt.date,
    cfg: ToolConfig,
    lang: str,
    **keep: Any,
) -> Answer:
    """Send the parser's question back (never a guess); for a month without a day, say what is sure."""
    text = problem.question(lang)
    if tool == "renewal" and isinstance(problem, Ambiguous) and problem.reason == "missing_day":
        hint = _month_hint(problem.text, expiry=expiry, today=today, cfg=cfg, lang=lang)
        if hint:
            text = hint
    result = {
        "tool": tool,
        "status": "need_input",
        "missing": "date",
        "date_problem": problem.reason,
        "date_text": problem.text,
        "candidates": [d.isoformat() for d in problem.candidates],
    }
    return Answer(text, result, pending={"tool": tool, "expiry": expiry, **keep}, computed=False)


def _month_hint(
    raw: str, *, expiry: bool, today: dt.date, cfg: ToolConfig, lang: str
) -> str | None:
    found = year_month(raw)
    if found is None:
        return None
    year, month = found
    if not 1950 <= year <= today.year + 50:
        return None
    last = calendar_mod.monthrange(year, month)[1]
    ends = [
        renewal_status(
            today=today,
            registration_date=None if expiry else dt.date(year, month, day),
            expiry_date=dt.date(year, month, day) if expiry else None,
            calendar=cfg.calendar,
            fees=cfg.fees,
        )
        for day in (1, last)
    ]
    if ends[0].phase != ends[1].phase:
        return None
    phase = ends[0].phase.value
    fee = ends[0].fee.explain(lang) if ends[0].fee is not None and phase != "too_early" else ""
    if fee:
        fee = (
            ("Fee due now, per class: " if lang == "en" else "现在应缴（按1个类别）：")
            + fee
            + (" " if lang == "en" else "")
        )
    if lang == "en":
        kind = "an expiry" if expiry else "a registration"
        label = f"{kind} in {calendar_mod.month_name[month]} {year}"
    else:
        label = f"{year}年{month}月" + ("到期" if expiry else "核准注册")
    example = f"{year}-{month:02d}-15" if lang == "en" else f"{year}年{month}月15日"
    return tt(
        "month.hint", lang, month=label, phase=tt(f"phase.{phase}", lang), fee=fee, example=example
    )
