"""Load an announced holiday arrangement as data (``tmbot holidays import FILE``), and warn when one is missing.

The State Council announces next year's arrangement (holidays and make-up working days) in
the autumn or winter. A station imports it from a YAML file in the shape of
``knowledge/data/cn_holidays.yaml`` (``years: {2027: {notice, url, holidays, workdays}}``); the
import is validated in full before anything is written, and written atomically.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from knowledge.tools._data import ToolDataError
from knowledge.tools.statutory_holidays import statutory_holidays
from knowledge.tools.workdays import HolidayCalendar, _load, parse_calendar

__all__ = ("ImportResult", "import_arrangement", "missing_arrangement_warning")


@dataclass(frozen=True)
class ImportResult:
    """What an import added to the table."""

    target: Path
    years: tuple[int, ...]
    holidays: int
    workdays: int


def _read(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ToolDataError(f"{path}: cannot read: {exc}") from exc


def _check_year(year: int, block: Any, where: str) -> None:
    """An announced arrangement lies in its year and keeps every statutory holiday."""
    cal = parse_calendar({"years": {year: block}}, where)
    first_allowed = dt.date(year - 1, 12, 20)  # a New Year break may start in late December
    last_allowed = dt.date(year, 12, 31)
    for day in [*cal.holidays, *cal.makeup_workdays]:
        if not first_allowed <= day <= last_allowed:
            raise ToolDataError(f"{where}: year {year}: {day} is outside that year")
    if not any(d.year == year for d in cal.holidays):
        raise ToolDataError(f"{where}: year {year}: no holidays listed")
    missing = sorted(d for d in statutory_holidays(year) if d not in cal.holidays)
    if missing:
        listed = ", ".join(d.isoformat() for d in missing)
        raise ToolDataError(
            f"{where}: year {year}: the statutory holidays {listed} are missing; every "
            "announced arrangement includes them (check the dates against the notice)"
        )


def import_arrangement(source: Path, target: Path, *, replace: bool = False) -> ImportResult:
    """Merge the years of `source` into the holiday table `target`; nothing written on error."""
    incoming = _read(source)
    new_cal = parse_calendar(incoming, str(source))
    new_years = sorted(new_cal.years)
    if not new_years:
        raise ToolDataError(f"{source}: no years to import")
    current = _read(target) if target.exists() else {"years": {}}
    if not isinstance(current, dict) or not isinstance(current.get("years"), dict):
        raise ToolDataError(f"{target}: expected a mapping with a 'years' key")
    clash = sorted(set(new_years) & set(current["years"]))
    if clash and not replace:
        raise ToolDataError(
            f"{target}: already has {', '.join(map(str, clash))}; pass --replace to overwrite"
        )
    for year in new_years:
        _check_year(year, incoming["years"][year], str(source))
    merged = {**current, "years": {**current["years"], **incoming["years"]}}
    parse_calendar(merged, f"{target} + {source}")  # the merged table must load too
    text = target.read_text(encoding="utf-8") if target.exists() else ""
    # `years:` last in the file: append the new blocks, so its comments and layout stay.
    if not clash and text and list(current)[-1] == "years":
        block = yaml.safe_dump(
            {year: incoming["years"][year] for year in new_years},
            allow_unicode=True,
            sort_keys=False,
            default_flow_style=None,
            width=120,
        )
        body = "".join(f"  {line}\n" if line else "\n" for line in block.splitlines())
        text = text.rstrip("\n") + "\n\n" + body
    else:
        text = yaml.safe_dump(merged, allow_unicode=True, sort_keys=False, width=120)
    _write_atomically(target, text)
    _load.cache_clear()
    return ImportResult(
        target=target,
        years=tuple(new_years),
        holidays=sum(1 for d in new_cal.holidays if d.year in new_years),
        workdays=len(new_cal.makeup_workdays),
    )


def _write_atomically(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        parse_calendar(yaml.safe_load(Path(tmp).read_text(encoding="utf-8")), tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def missing_arrangement_warning(today: dt.date, calendar: HolidayCalendar) -> dict[str, str] | None:
    """A zh/en warning when this year's arrangement, or in December next year's, is missing."""
    year = today.year if today.year not in calendar.years else today.year + 1
    if year == today.year + 1 and today.month != 12:
        return None
    if year in calendar.years:
        return None
    return {
        "zh": (
            f"节假日表还没有{year}年的放假安排：{year}年的期限只按法定节假日和周末计算。"
            f"国务院办公厅公布通知后，请用 tmbot holidays import FILE 导入（表：{calendar.source_file}）。"
        ),
        "en": (
            f"The holiday table has no arrangement for {year}: deadlines in {year} count only "
            "the statutory holidays and weekends. Once the State Council notice is out, load it "
            f"with tmbot holidays import FILE (table: {calendar.source_file})."
        ),
    }
