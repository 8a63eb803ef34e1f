"""Statutory periods, each stated once (``knowledge/data/periods.yaml``), and the revised law's opposition rule.

Corpus answers render them with ``{{period:NAME}}`` (knowledge/figures.py); the deadline tools
compute with the same rows. ``opposition_rule`` says whether the station has confirmed the
opposition period of the revised Trademark Law (in force 2027-01-01) in the data file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from knowledge.tools._data import DATA_DIR, ToolDataError
from knowledge.yamltext import parse_yaml

__all__ = ("DEFAULT_PERIODS_FILE", "OppositionRule", "Period", "load_periods", "opposition_rule")

DEFAULT_PERIODS_FILE = DATA_DIR / "periods.yaml"
_UNITS = {
    "days": ("日", "day", "days"),
    "working_days": ("个工作日", "working day", "working days"),
    "months": ("个月", "month", "months"),
    "years": ("年", "year", "years"),
}


@dataclass(frozen=True)
class Period:
    """One statutory period: amount, unit and the text and article it comes from."""

    key: str
    amount: int
    unit: str
    law: str
    article: str
    zh: str
    en: str

    def text(self, lang: str) -> str:
        """'3个月' or '3 months'."""
        zh, one, many = _UNITS[self.unit]
        if lang == "en":
            return f"{self.amount} {one if self.amount == 1 else many}"
        return f"{self.amount}{zh}"


def load_periods(path: Path | str | None = None) -> Mapping[str, Period]:
    """The period table (default: the bundled periods.yaml), by key; cached per path."""
    return _load_periods(str(path or DEFAULT_PERIODS_FILE))


@lru_cache(maxsize=4)
def _raw(path: str) -> Any:
    try:
        return parse_yaml(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ToolDataError(f"{path}: cannot read the period table: {exc}") from exc


@lru_cache(maxsize=4)
def _load_periods(path: str) -> Mapping[str, Period]:
    raw = _raw(path)
    rows = raw.get("periods") if isinstance(raw, dict) else None
    if not isinstance(rows, dict):
        raise ToolDataError(f"{path}: expected a mapping with a 'periods' key")
    out: dict[str, Period] = {}
    for key, v in rows.items():
        try:
            period = Period(
                key=str(key),
                amount=int(v["amount"]),
                unit=str(v["unit"]),
                law=str(v.get("law") or ""),
                article=str(v.get("article") or ""),
                zh=str(v["zh"]),
                en=str(v["en"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ToolDataError(f"{path}: period {key}: malformed ({exc!r})") from exc
        if period.unit not in _UNITS or period.amount < 1:
            raise ToolDataError(f"{path}: period {key}: unit must be one of {sorted(_UNITS)}")
        out[str(key)] = period
    return out


@dataclass(frozen=True)
class OppositionRule:
    """The opposition period of the revised law as far as the station has confirmed it."""

    in_force_from: dt.date
    confirmed_months: int | None  # None: not confirmed; the tool shows the safe and the old date
    source: str = ""


def opposition_rule(path: Path | str | None = None) -> OppositionRule:
    """The `revised_law` block of the period table."""
    where = str(path or DEFAULT_PERIODS_FILE)
    block = _raw(where).get("revised_law") or {}
    start = block.get("in_force_from")
    if not isinstance(start, dt.date):
        raise ToolDataError(f"{where}: revised_law.in_force_from must be a date")
    months = block.get("opposition_confirmed_months")
    if months not in (None, 2, 3):
        raise ToolDataError(
            f"{where}: revised_law.opposition_confirmed_months must be 2, 3 or null"
        )
    source = str(block.get("opposition_confirmed_source") or "")
    if months is not None and not source:
        raise ToolDataError(f"{where}: a confirmed opposition period needs its source")
    return OppositionRule(start, months, source)
