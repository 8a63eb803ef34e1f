"""2027 without an announced arrangement: statutory holidays count, 调休 is never guessed; import."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from bot.core.settings import Settings, get_settings
from handlers.cli.app import app
from knowledge.tools._data import ToolDataError
from knowledge.tools.counting import deadline
from knowledge.tools.holiday_import import import_arrangement, missing_arrangement_warning
from knowledge.tools.procedural import opposition_deadline
from knowledge.tools.statutory_holidays import statutory_holidays
from knowledge.tools.workdays import DEFAULT_HOLIDAYS_FILE, DayKind, load_calendar

D = dt.date
runner = CliRunner()


def test_statutory_holidays_2027() -> None:
    days = statutory_holidays(2027)
    assert sorted(days) == [
        D(2027, 1, 1),  # 元旦
        D(2027, 2, 5),  # 除夕 (lunar 12-29/30: the day before the first day of the first month)
        D(2027, 2, 6),  # 正月初一
        D(2027, 2, 7),
        D(2027, 2, 8),  # 初三
        D(2027, 4, 5),  # 清明: the solar term falls on 5 April in 2027
        D(2027, 5, 1),
        D(2027, 5, 2),
        D(2027, 6, 9),  # 端午: 5th of the 5th lunar month
        D(2027, 9, 15),  # 中秋: 15th of the 8th lunar month
        D(2027, 10, 1),
        D(2027, 10, 2),
        D(2027, 10, 3),
    ]
    assert days[D(2027, 2, 5)] == ("春节", "Spring Festival")


@pytest.mark.parametrize(
    ("year", "qingming"),
    [(2025, D(2025, 4, 4)), (2026, D(2026, 4, 5)), (2028, D(2028, 4, 4)), (2030, D(2030, 4, 5))],
)
def test_qingming_is_the_solar_term(year: int, qingming: dt.date) -> None:
    assert statutory_holidays(year)[qingming] == ("清明节", "Qingming Festival")


@pytest.mark.parametrize("year", [2025, 2026])
def test_computed_days_are_in_the_announced_arrangements(year: int) -> None:
    # The rules are what the State Council notices implement: every computed day is a holiday
    # in the table's announced arrangement for 2025 and 2026.
    cal = load_calendar()
    assert [d for d in statutory_holidays(year) if d not in cal.holidays] == []


def test_rules_before_2025_are_not_applied() -> None:
    assert statutory_holidays(2024) == {}


def test_issue_example_opposition_against_a_mark_published_2026_11_06() -> None:
    r = opposition_deadline(D(2026, 11, 6), today=D(2026, 12, 4))
    assert r.end.nominal == D(2027, 2, 6)  # a Saturday, 正月初一
    # 5-8 February are statutory Spring Festival days: the earliest certain deadline is the 9th.
    assert r.end.due == D(2027, 2, 9)
    assert [d.date for d in r.end.skipped] == [D(2027, 2, 6), D(2027, 2, 7), D(2027, 2, 8)]
    assert all(d.kind == DayKind.HOLIDAY and d.statutory for d in r.end.skipped)
    zh, en = r.explain("zh"), r.explain("en")
    assert "2027年的放假安排国务院办公厅尚未公布" in zh and "没有猜测调休" in zh
    assert "not yet published" in en and "no make-up working day is guessed" in en
    assert "春节法定节假日" in zh


def test_a_plain_2027_weekend_is_flagged_as_a_possible_make_up_day() -> None:
    # 2027-02-20 is a Saturday after the Spring Festival: it may be declared a make-up working
    # day. The deadline is not moved later on a guess, and the answer says to file by the 20th.
    d = deadline(D(2027, 2, 20))
    assert d.due == D(2027, 2, 22)
    assert "如果2027-02-20、2027-02-21中某天被定为调休上班日，期限就是那一天" in d.move_note("zh")
    assert "file by 2027-02-20" in d.move_note("en") and "不晚于 2027-02-20" in d.move_note("zh")
    # A statutory weekday holiday gives no such caveat.
    assert "调休上班日" not in deadline(D(2027, 10, 1)).move_note("zh")


def test_the_fallback_logs_loudly(caplog: pytest.LogCaptureFixture) -> None:
    from knowledge.tools import counting

    counting._LOGGED.clear()
    with caplog.at_level(logging.WARNING, logger="knowledge.tools.counting"):
        deadline(D(2027, 3, 1))
    assert any("no arrangement for 2027" in r.getMessage() for r in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="knowledge.tools.counting"):
        deadline(D(2026, 3, 2))
    assert caplog.records == []


def test_warning_in_december_when_next_year_is_missing() -> None:
    cal = load_calendar()
    assert missing_arrangement_warning(D(2026, 11, 30), cal) is None
    warning = missing_arrangement_warning(D(2026, 12, 1), cal)
    assert (
        warning is not None and "2027" in warning["zh"] and "tmbot holidays import" in warning["en"]
    )
    # In 2027 itself the warning stays until the arrangement is imported.
    assert missing_arrangement_warning(D(2027, 3, 1), cal) is not None


ARRANGEMENT_2027 = {
    # Test data in the notice's shape; NOT the real 2027 arrangement (not published yet).
    "years": {
        2027: {
            "notice": "test arrangement",
            "url": "https://www.gov.cn/zhengce/test",
            "holidays": [
                {
                    "name": "元旦",
                    "name_en": "New Year's Day",
                    "from": "2027-01-01",
                    "to": "2027-01-03",
                },
                {
                    "name": "春节",
                    "name_en": "Spring Festival",
                    "from": "2027-02-05",
                    "to": "2027-02-13",
                },
                {
                    "name": "清明节",
                    "name_en": "Qingming Festival",
                    "from": "2027-04-03",
                    "to": "2027-04-05",
                },
                {
                    "name": "劳动节",
                    "name_en": "Labour Day",
                    "from": "2027-05-01",
                    "to": "2027-05-05",
                },
                {
                    "name": "端午节",
                    "name_en": "Dragon Boat Festival",
                    "from": "2027-06-09",
                    "to": "2027-06-11",
                },
                {
                    "name": "中秋节",
                    "name_en": "Mid-Autumn Festival",
                    "from": "2027-09-15",
                    "to": "2027-09-17",
                },
                {
                    "name": "国庆节",
                    "name_en": "National Day",
                    "from": "2027-10-01",
                    "to": "2027-10-07",
                },
            ],
            "workdays": [{"date": "2027-02-20", "name": "春节", "name_en": "Spring Festival"}],
        }
    }
}


@pytest.fixture
def table(tmp_path: Path) -> Path:
    copy = tmp_path / "holidays.yaml"
    shutil.copy(DEFAULT_HOLIDAYS_FILE, copy)
    return copy


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "arrangement.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_import_an_announced_arrangement(tmp_path: Path, table: Path) -> None:
    before = table.read_text(encoding="utf-8")
    result = import_arrangement(_write(tmp_path, ARRANGEMENT_2027), table)
    assert result.years == (2027,)
    text = table.read_text(encoding="utf-8")
    assert text.startswith(before.rstrip("\n"))  # appended: comments and layout kept
    cal = load_calendar(table)
    assert cal.covers(D(2027, 6, 1))
    d = deadline(D(2027, 2, 20), cal)  # now an official make-up working day: no move
    assert d.due == D(2027, 2, 20) and d.kept_on_makeup_day and d.uncovered_years == ()
    assert deadline(D(2027, 2, 6), cal).due == D(2027, 2, 15)
    assert missing_arrangement_warning(D(2026, 12, 4), cal) is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda y: y["holidays"].pop(1), "statutory holidays 2027-02-05"),  # Spring Festival gone
        (
            lambda y: y["workdays"].append({"date": "2027-02-22", "name": "x", "name_en": "x"}),
            "not a weekend",
        ),
        (lambda y: y.pop("url"), "url"),
        (
            lambda y: y["holidays"].append(
                {"name": "x", "name_en": "x", "from": "2028-03-01", "to": "2028-03-01"}
            ),
            "outside",
        ),
    ],
)
def test_a_bad_import_writes_nothing(
    tmp_path: Path, table: Path, change: object, message: str
) -> None:
    data = yaml.safe_load(yaml.safe_dump(ARRANGEMENT_2027))
    change(data["years"][2027])  # type: ignore[operator]
    before = table.read_bytes()
    with pytest.raises(ToolDataError, match=message):
        import_arrangement(_write(tmp_path, data), table)
    assert table.read_bytes() == before


def test_an_existing_year_needs_replace(tmp_path: Path, table: Path) -> None:
    data = {"years": {2026: yaml.safe_load(table.read_text(encoding="utf-8"))["years"][2026]}}
    before = table.read_bytes()
    with pytest.raises(ToolDataError, match="--replace"):
        import_arrangement(_write(tmp_path, data), table)
    assert table.read_bytes() == before
    import_arrangement(_write(tmp_path, data), table, replace=True)
    assert load_calendar(table).covers(D(2026, 1, 1))


def test_cli_import(
    cli_env: Settings, tmp_path: Path, table: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMBOT_HOLIDAYS_FILE", str(table))
    get_settings.cache_clear()
    bad = runner.invoke(app, ["holidays", "import", str(_write(tmp_path, {"years": {2027: {}}}))])
    assert bad.exit_code == 1 and "not imported" in bad.output
    assert runner.invoke(app, ["holidays", "check", "--today", "2026-12-04"]).exit_code == 1
    ok = runner.invoke(app, ["holidays", "import", str(_write(tmp_path, ARRANGEMENT_2027))])
    assert ok.exit_code == 0, ok.output
    assert "imported 2027" in ok.output
    assert runner.invoke(app, ["holidays", "check", "--today", "2026-12-04"]).exit_code == 0
