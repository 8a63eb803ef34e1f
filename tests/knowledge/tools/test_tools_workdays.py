"""Working-day table: holidays, make-up days, weekends, uncovered years, admin files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from knowledge.tools._data import ToolDataError
from knowledge.tools.workdays import (
    DayKind,
    is_working_day,
    load_calendar,
    next_working_day,
    working_day_on_or_after,
)

D = dt.date


def test_table_covers_2019_to_2026_and_cites_each_notice() -> None:
    cal = load_calendar()
    assert set(range(2019, 2027)) <= cal.years
    assert 2027 not in cal.years  # not announced as of 2026-11-25
    for year in range(2019, 2027):
        assert cal.sources[year].startswith("http")
        assert "gov.cn" in cal.sources[year]


@pytest.mark.parametrize(
    ("day", "kind", "name"),
    [
        (D(2026, 10, 1), DayKind.HOLIDAY, "国庆节"),
        (D(2026, 2, 17), DayKind.HOLIDAY, "春节"),
        (D(2026, 2, 23), DayKind.HOLIDAY, "春节"),  # a Monday inside the 9-day break
        (D(2026, 2, 28), DayKind.MAKEUP_WORKDAY, "春节"),  # Saturday, worked
        (D(2026, 1, 4), DayKind.MAKEUP_WORKDAY, "元旦"),  # Sunday, worked
        (D(2026, 9, 13), DayKind.WEEKEND, ""),
        (D(2026, 9, 14), DayKind.WORKDAY, ""),
        (D(2020, 1, 31), DayKind.HOLIDAY, "春节"),  # the 2020 extension
        (D(2020, 2, 1), DayKind.HOLIDAY, "春节"),  # make-up day cancelled by the extension
        (D(2023, 9, 29), DayKind.HOLIDAY, "中秋节、国庆节"),
        (D(2022, 12, 31), DayKind.HOLIDAY, "元旦"),  # listed under the 2023 notice
    ],
)
def test_day_kinds(day: dt.date, kind: DayKind, name: str) -> None:
    info = load_calendar().day_info(day)
    assert info.kind == kind
    assert info.name_zh == name


@pytest.mark.parametrize(
    ("day", "on_or_after", "strictly_after"),
    [
        (D(2026, 9, 13), D(2026, 9, 14), D(2026, 9, 14)),  # Sunday → Monday
        (D(2026, 9, 14), D(2026, 9, 14), D(2026, 9, 15)),  # a working Monday stays
        (D(2026, 10, 1), D(2026, 10, 8), D(2026, 10, 8)),  # National Day week
        (
            D(2026, 2, 14),
            D(2026, 2, 14),
            D(2026, 2, 24),
        ),  # make-up Saturday is working; then Spring Festival
        (D(2026, 2, 27), D(2026, 2, 27), D(2026, 2, 28)),  # Friday → make-up Saturday
        (
            D(2026, 12, 31),
            D(2026, 12, 31),
            D(2027, 1, 4),
        ),  # 2027 not in table: 1 January is still a statutory holiday, then a weekend
        (D(2027, 1, 2), D(2027, 1, 4), D(2027, 1, 4)),  # 2027 Saturday → Monday (weekends only)
    ],
)
def test_next_working_day(day: dt.date, on_or_after: dt.date, strictly_after: dt.date) -> None:
    assert working_day_on_or_after(day) == on_or_after
    assert next_working_day(day) == strictly_after


def test_is_working_day_and_coverage_flag() -> None:
    cal = load_calendar()
    assert is_working_day(D(2026, 2, 28)) is True
    assert is_working_day(D(2026, 10, 7)) is False
    assert cal.day_info(D(2027, 5, 3)).covered is False


def test_describe_bilingual() -> None:
    info = load_calendar().day_info(D(2026, 10, 1))
    assert info.describe("zh") == "2026-10-01（星期四，国庆节假期）"
    assert info.describe("en") == "2026-10-01 (Thursday, National Day public holiday)"


def test_admin_file_extends_table(tmp_path: Path) -> None:
    extra = tmp_path / "holidays.yaml"
    extra.write_text(
        "years:\n"
        "  2027:\n"
        "    url: https://example.gov.cn/2027\n"
        "    holidays:\n"
        '      - {name: 元旦, name_en: "New Year\'s Day", from: 2027-01-01, to: 2027-01-03}\n'
        "    workdays:\n"
        '      - {date: 2027-01-09, name: 元旦, name_en: "New Year\'s Day"}\n',
        encoding="utf-8",
    )
    cal = load_calendar(extra)
    assert cal.covers(D(2027, 1, 1))
    assert cal.working_day_on_or_after(D(2027, 1, 1)) == D(2027, 1, 4)
    assert cal.is_working_day(D(2027, 1, 9))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("years:\n  2027:\n    holidays: []\n", "url"),
        (
            "years:\n  2027:\n    url: u\n    workdays:\n      - {date: 2027-01-06, name: a, name_en: b}\n",
            "not a weekend",
        ),
        (
            "years:\n  2027:\n    url: u\n    holidays:\n      - {name: a, from: 2027-01-01, to: 2027-01-02}\n",
            "name_en",
        ),
        ("nothing: here\n", "years"),
    ],
)
def test_bad_admin_file_is_refused_with_file_name(tmp_path: Path, body: str, message: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(body, encoding="utf-8")
    with pytest.raises(ToolDataError, match=message) as err:
        load_calendar(bad)
    assert "bad.yaml" in str(err.value)
