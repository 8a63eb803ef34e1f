"""`tmbot marks import|remind|due`: station lists (CSV, XLSX, Chinese headers), reminders, queries."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import Session, select
from typer.testing import CliRunner

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime
from bot.core.settings import Settings
from handlers.cli import marks as cli_marks
from handlers.cli.app import app
from storage.marks import STATION, Mark, MarkReminder

runner = CliRunner()
HEADER = (
    "enterprise,contact,phone,email,registration_number,mark,classes,registration_date,expiry_date"
)
GOOD = [
    "华星科技有限公司,王经理,13800000001,ip@huaxing.cn,12345678,华星,9;35;42,2016-08-10,",
    "星辰食品厂,李女士,0571-88888888,,23456789,星辰,29;30,,2027年1月20日",
    "Acme Ltd,Ann,,ann@acme.cn,34567890,ACME,42,,2027-05-20",
]


@pytest.fixture
def env(runtime: Runtime, cli_env: Settings, monkeypatch: pytest.MonkeyPatch) -> Runtime:
    monkeypatch.setattr(cli_marks, "clock", FixedClock(dt.datetime(2026, 12, 4, 2, tzinfo=dt.UTC)))
    return runtime


def _write(tmp_path: Path, lines: list[str], name: str = "list.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _marks(runtime: Runtime) -> dict[str, Mark]:
    with Session(runtime.engine) as session:
        rows = session.exec(select(Mark).where(Mark.owner_channel == STATION))
        return {m.registration_number: m for m in rows}


def test_import_creates_then_updates_by_registration_number(env: Runtime, tmp_path: Path) -> None:
    path = _write(tmp_path, [HEADER, *GOOD])
    result = runner.invoke(app, ["marks", "import", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would create 3" in result.output
    assert _marks(env) == {}

    result = runner.invoke(app, ["marks", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "3 row(s): created 3, updated 0, unchanged 0" in result.output
    marks = _marks(env)
    assert marks["12345678"].expiry_date == dt.date(2026, 8, 9)  # from the registration date
    assert marks["23456789"].expiry_date == dt.date(2027, 1, 20)
    assert (marks["34567890"].enterprise, marks["34567890"].email) == ("Acme Ltd", "ann@acme.cn")

    renewed = GOOD[0].replace("2016-08-10,", ",2036-08-09")
    path = _write(tmp_path, [HEADER, renewed, *GOOD[1:]])
    result = runner.invoke(app, ["marks", "import", str(path)])
    assert "created 0, updated 1, unchanged 2" in result.output
    assert len(_marks(env)) == 3
    assert _marks(env)["12345678"].expiry_date == dt.date(2036, 8, 9)


def test_bad_rows_are_named_and_nothing_is_written(env: Runtime, tmp_path: Path) -> None:
    bad = [
        HEADER,
        GOOD[0],
        "坏企业,张三,13800000002,,1234,坏,9,2016-01-01,",  # number too short
        "坏企业,张三,13800000002,,45678901,,99,03/07/2016,",  # no name, class 99, ambiguous
        "坏企业,张三,,,56789012,无联系,9,,",  # no contact, no date
        GOOD[2].replace("34567890", "12345678"),  # repeats row 2
    ]
    result = runner.invoke(app, ["marks", "import", str(_write(tmp_path, bad))])
    assert result.exit_code == 1
    out = result.output
    assert "row 3: registration_number '1234' is not 5-10 digits" in out
    assert "row 4: mark is empty; classes '99': numbers 1-45" in out
    assert "registration_date: “03/07/2016” can be read as" in out
    assert "row 5: neither phone nor email; registration_date or expiry_date is needed" in out
    assert "row 6: registration number 12345678 repeats row 2" in out
    assert "4 bad row(s): nothing was imported." in out
    assert _marks(env) == {}


def test_chinese_headers_and_xlsx(env: Runtime, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(
        [
            "企业名称",
            "联系人",
            "联系电话",
            "邮箱",
            "注册号",
            "商标名称",
            "类别",
            "核准注册日",
            "有效期至",
        ]
    )
    sheet.append(
        [
            "华星科技",
            "王经理",
            "13800000001",
            None,
            12345678,
            "华星",
            "9;35",
            None,
            dt.datetime(2027, 3, 1),  # noqa: DTZ001 (Excel dates are naive)
        ]
    )
    sheet.append(["星辰", "李", None, "x@y.cn", "23456789", "星辰", 30, "2017年6月1日", None])
    buf = io.BytesIO()
    book.save(buf)
    path = tmp_path / "重点企业.xlsx"
    path.write_bytes(buf.getvalue())
    result = runner.invoke(app, ["marks", "import", str(path)])
    assert result.exit_code == 0, result.output
    marks = _marks(env)
    assert marks["12345678"].expiry_date == dt.date(2027, 3, 1)
    assert marks["12345678"].classes == "9;35"
    assert marks["23456789"].expiry_date == dt.date(2027, 5, 31)
    assert marks["23456789"].classes == "30"


def test_a_file_without_the_needed_columns_is_refused(env: Runtime, tmp_path: Path) -> None:
    result = runner.invoke(app, ["marks", "import", str(_write(tmp_path, ["a,b", "1,2"]))])
    assert result.exit_code == 1
    assert "header row lacks registration_number, mark" in result.output


def test_remind_and_due_json(env: Runtime, tmp_path: Path) -> None:
    runner.invoke(app, ["marks", "import", str(_write(tmp_path, [HEADER, *GOOD]))])
    result = runner.invoke(app, ["marks", "remind", "--today", "2026-12-04", "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    planned = json.loads(result.output)
    # No SMTP configured: every station mark becomes a call task.
    assert sorted((r["mark"], r["milestone"], r["channel"]) for r in planned) == [
        ("12345678", "expiry", "call"),
        ("23456789", "2m", "call"),
        ("34567890", "6m", "call"),
    ]
    with Session(env.engine) as session:
        assert session.exec(select(MarkReminder)).all() == []
    result = runner.invoke(app, ["marks", "remind", "--today", "2026-12-04", "--json"])
    assert len(json.loads(result.output)) == 3
    again = runner.invoke(app, ["marks", "remind", "--today", "2026-12-04", "--json"])
    assert json.loads(again.output) == []

    result = runner.invoke(
        app, ["marks", "due", "--today", "2026-12-04", "--within-days", "60", "--json"]
    )
    rows = json.loads(result.output)
    assert [r["registration_number"] for r in rows] == ["23456789"]
    assert rows[0] == {
        "registration_number": "23456789",
        "mark": "星辰",
        "owner": "星辰食品厂",
        "classes": "29;30",
        "expiry": "2027-01-20",
        "phase": "window",
        "next_deadline": "2027-01-20",
        "next_reminder": "2027-01-06",
    }
    result = runner.invoke(app, ["marks", "due", "--today", "2026-12-04", "--within-days", "90"])
    assert "grace\t12345678\t华星" in result.output
