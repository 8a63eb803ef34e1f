"""Import the station's list of local enterprises' marks from CSV or XLSX.

Header row (English or Chinese names, any order): enterprise 企业, contact 联系人, phone 电话,
email 邮箱, registration_number 注册号, mark 商标, classes 类别 (``9;35;42``),
registration_date 注册日期, expiry_date 到期日期 (one of the two dates is enough; the expiry
wins when both are given). Every row is checked first: any error (named by its row) means
nothing is written. A re-import updates station marks by registration number.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, select

from bot.marks.parse import parse_classes
from bot.marks.schedule import Tables, expiry_from_registration
from knowledge.tools import ParsedDate, parse_date
from storage.marks import STATION, Mark

__all__ = (
    "COLUMNS",
    "ImportReport",
    "MarkFileError",
    "MarkRow",
    "apply_rows",
    "import_marks",
    "read_rows",
)

COLUMNS = (
    "enterprise",
    "contact",
    "phone",
    "email",
    "registration_number",
    "mark",
    "classes",
    "registration_date",
    "expiry_date",
)
_ALIASES = {
    "enterprise": ("企业", "企业名称", "单位", "公司", "company"),
    "contact": ("联系人", "联系人姓名", "contact name"),
    "phone": ("电话", "手机", "联系电话", "手机号", "telephone", "mobile"),
    "email": ("邮箱", "电子邮箱", "电子邮件", "e-mail", "mail"),
    "registration_number": ("注册号", "商标注册号", "注册证号", "registration number", "reg_no"),
    "mark": ("商标", "商标名称", "mark name", "name"),
    "classes": ("类别", "类别号", "国际分类", "class"),
    "registration_date": ("注册日期", "核准注册日", "核准注册日期", "注册日", "registration date"),
    "expiry_date": (
        "到期日期",
        "到期日",
        "有效期至",
        "届满日期",
        "专用期限至",
        "expiry",
        "expiry date",
    ),
}
_HEADER = {name: name for name in COLUMNS} | {
    alias.lower(): name for name, aliases in _ALIASES.items() for alias in aliases
}
_NUMBER = re.compile(r"^\d{5,10}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^[\d+\-\s()（）]{5,20}$")


class MarkFileError(ValueError):
    """The file cannot be read at all (not CSV/XLSX, no header)."""


@dataclass(frozen=True)
class MarkRow:
    """One valid row."""

    row: int
    enterprise: str
    contact: str
    phone: str
    email: str
    registration_number: str
    mark: str
    classes: str
    registration_date: dt.date | None
    expiry_date: dt.date
    assumed_renewed: bool = False


@dataclass
class ImportReport:
    """What an import found and did (with dry_run: would do)."""

    rows: list[MarkRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, Any]:
        """The JSON of `tmbot marks import`."""
        return {
            "rows": len(self.rows),
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
        }


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


def _table(data: bytes, filename: str) -> list[list[Any]]:
    if filename.lower().endswith((".xlsx", ".xlsm")):
        try:
            from openpyxl import load_workbook  # here: 30 MiB only an import needs

            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise MarkFileError(f"{filename}: not an XLSX workbook") from exc
        rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        book.close()
        return rows
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030")  # spreadsheets saved as CSV on Chinese Windows
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""))]


def _date(value: Any, today: dt.date) -> dt.date | str | None:
    """A cell as a date, None when empty, or the problem in words."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _cell(value)
    if not text:
        return None
    result = parse_date(text, today)
    if isinstance(result, ParsedDate):
        return result.value
    return result.question("en")


def read_rows(data: bytes, filename: str, today: dt.date, tables: Tables) -> ImportReport:
    """Check every row; the report holds the valid rows and one error line per bad row."""
    report = ImportReport()
    table = _table(data, filename)
    if not table:
        raise MarkFileError(f"{filename}: the file is empty")
    header = [_HEADER.get(_cell(h).lower()) for h in table[0]]
    missing = [c for c in ("registration_number", "mark") if c not in header]
    if missing or not {"registration_date", "expiry_date"} & set(header):
        need = missing or ["registration_date or expiry_date"]
        raise MarkFileError(f"{filename}: header row lacks {', '.join(need)}")
    seen: dict[str, int] = {}
    for n, values in enumerate(table[1:], start=2):
        if all(_cell(v) == "" for v in values):
            continue
        cells = {name: values[i] for i, name in enumerate(header) if name and i < len(values)}
        row, problems = _check(cells, n, today, tables)
        if row is not None and row.registration_number in seen:
            problems.append(
                f"registration number {row.registration_number} repeats row "
                f"{seen[row.registration_number]}"
            )
        if problems:
            report.errors.append(f"row {n}: " + "; ".join(problems))
        elif row is not None:
            seen[row.registration_number] = n
            report.rows.append(row)
    return report


def _check(
    cells: dict[str, Any], n: int, today: dt.date, tables: Tables
) -> tuple[MarkRow | None, list[str]]:
    get = {k: _cell(cells.get(k)) for k in COLUMNS}
    problems: list[str] = []
    number = get["registration_number"].replace(" ", "")
    if not _NUMBER.match(number):
        problems.append(f"registration_number {number!r} is not 5-10 digits")
    if not get["mark"]:
        problems.append("mark is empty")
    classes = parse_classes(get["classes"]) if get["classes"] else []
    if classes is None:
        problems.append(f"classes {get['classes']!r}: numbers 1-45 like 9;35;42")
    if get["email"] and not _EMAIL.match(get["email"]):
        problems.append(f"email {get['email']!r} is not an address")
    if get["phone"] and not _PHONE.match(get["phone"]):
        problems.append(f"phone {get['phone']!r} is not a phone number")
    if not get["phone"] and not get["email"]:
        problems.append("neither phone nor email")
    reg = _date(cells.get("registration_date"), today)
    exp = _date(cells.get("expiry_date"), today)
    for label, value in (("registration_date", reg), ("expiry_date", exp)):
        if isinstance(value, str):
            problems.append(f"{label}: {value}")
    if reg is None and exp is None:
        problems.append("registration_date or expiry_date is needed")
    if problems:
        return None, problems
    assumed = False
    if isinstance(exp, dt.date):
        expiry = exp
    else:
        assert isinstance(reg, dt.date)
        expiry, assumed = expiry_from_registration(reg, today, tables)
    row = MarkRow(
        row=n,
        enterprise=get["enterprise"][:200],
        contact=get["contact"][:100],
        phone=get["phone"][:40],
        email=get["email"][:200],
        registration_number=number,
        mark=get["mark"][:200],
        classes=";".join(str(c) for c in classes or []),
        registration_date=reg if isinstance(reg, dt.date) else None,
        expiry_date=expiry,
        assumed_renewed=assumed,
    )
    return row, []


_FIELDS = ("enterprise", "contact", "phone", "email", "classes", "registration_date")


def _new_mark(row: MarkRow, now: dt.datetime) -> dict[str, Any]:
    values = {f: getattr(row, f) for f in _FIELDS}
    return values | {
        "owner_channel": STATION,
        "owner_ref": STATION,
        "registration_number": row.registration_number,
        "name": row.mark,
        "expiry_date": row.expiry_date,
        "lang": "zh",
        "consent": False,
        "status": "active",
        "created_at": now,
        "updated_at": now,
    }


def apply_rows(
    *, session: Session, report: ImportReport, now: dt.datetime, dry_run: bool = False
) -> ImportReport:
    """Create or update the station's marks (by registration number); nothing on errors."""
    if report.errors:
        return report
    # One scan of the station's list: cheaper than thousands of IN lookups, and a station
    # list is what this file is being compared with anyway.
    query = select(Mark).where(Mark.owner_channel == STATION, Mark.owner_ref == STATION)
    existing = {m.registration_number: m for m in session.exec(query)}
    new: list[dict[str, Any]] = []
    for row in report.rows:
        mark = existing.get(row.registration_number)
        if mark is None:
            report.created += 1
            new.append(_new_mark(row, now))
            continue
        same = mark.name == row.mark and mark.expiry_date == row.expiry_date
        if same and all(getattr(mark, f) == getattr(row, f) for f in _FIELDS):
            report.unchanged += 1
            continue
        report.updated += 1
        if mark.expiry_date != row.expiry_date:
            mark.status = "active"  # a new term (renewed): reminders start again
        for f in _FIELDS:
            setattr(mark, f, getattr(row, f))
        mark.name, mark.expiry_date, mark.updated_at = row.mark, row.expiry_date, now
        if not dry_run:
            session.add(mark)
    if new and not dry_run:
        session.execute(insert(Mark), new)  # bulk: a station list may have many thousands
    if dry_run:
        session.rollback()
    return report


def import_marks(
    *,
    session: Session,
    data: bytes,
    filename: str,
    today: dt.date,
    now: dt.datetime,
    tables: Tables,
    dry_run: bool = False,
) -> ImportReport:
    """Read, check and (unless dry_run or any error) write a station list."""
    report = read_rows(data, filename, today, tables)
    return apply_rows(session=session, report=report, now=now, dry_run=dry_run)
