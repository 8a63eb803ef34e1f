"""Corpus import and export as files: knowledge/ YAML (one file or a zip of theme files), CSV, XLSX.

Every format round-trips without loss. In CSV and XLSX one row is one entry; list fields
(alternates, tags, sources, related) hold one item per line inside their cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import ValidationError

from knowledge.loader import dump_corpus, load_corpus
from knowledge.schema import FaqEntry
from knowledge.validation_text import describe
from storage.errors import CorpusError

__all__ = (
    "COLUMNS",
    "FORMATS",
    "entry_to_row",
    "export_entries",
    "parse_upload",
    "row_to_entry",
)

COLUMNS = (
    "id",
    "theme",
    "topic",
    "status",
    "question_zh",
    "question_en",
    "alternates_zh",
    "alternates_en",
    "answer_zh",
    "answer_en",
    "tags",
    "sources",
    "laws",
    "as_of",
    "changes",
    "valid_from",
    "valid_until",
    "related",
    "needs_staff",
)
_LISTS = ("alternates_zh", "alternates_en", "tags", "sources", "laws", "related")
FORMATS = {
    "yaml": ("application/zip", "zip"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}
_MAX_UNZIPPED = 20 * 1024 * 1024
# A spreadsheet runs a cell that starts like a formula; CSV cells get a quote before it.
_FORMULA_START = ("=", "+", "-", "@")


def entry_to_row(entry: FaqEntry) -> dict[str, str]:
    """The entry as flat text cells (list fields one item per line)."""
    data = entry.model_dump(mode="json")
    row = {
        "id": entry.id,
        "theme": entry.theme,
        "topic": entry.topic or "",
        "status": entry.status,
        "question_zh": entry.question.zh,
        "question_en": entry.question.en,
        "alternates_zh": "\n".join(entry.alternates.zh),
        "alternates_en": "\n".join(entry.alternates.en),
        "answer_zh": entry.answer.zh,
        "answer_en": entry.answer.en,
        "tags": "\n".join(entry.tags),
        "sources": "\n".join(entry.sources),
        "laws": "\n".join(entry.laws),
        "changes": entry.changes or "",
        "related": "\n".join(entry.related),
        "needs_staff": "true" if entry.needs_staff else "false",
    }
    for key in ("as_of", "valid_from", "valid_until"):
        row[key] = data[key] or ""
    return row


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def row_to_entry(row: dict[str, Any], where: str) -> FaqEntry:
    """Validate flat cells into an entry; CorpusError names `where` and every problem."""
    cells = {k: _cell(row.get(k)) for k in COLUMNS}
    lists = {k: [line.strip() for line in cells[k].splitlines() if line.strip()] for k in _LISTS}
    raw: dict[str, Any] = {
        "id": cells["id"].strip(),
        "theme": cells["theme"].strip() or "general",
        "topic": cells["topic"].strip() or None,
        "status": cells["status"].strip() or "published",
        "question": {"zh": cells["question_zh"], "en": cells["question_en"]},
        "alternates": {"zh": lists["alternates_zh"], "en": lists["alternates_en"]},
        "answer": {"zh": cells["answer_zh"], "en": cells["answer_en"]},
        "tags": lists["tags"],
        "sources": lists["sources"],
        "laws": lists["laws"],
        "changes": cells["changes"] or None,
        "related": lists["related"],
        "needs_staff": cells["needs_staff"].strip().lower() in ("true", "1", "yes", "是"),
    }
    for key in ("as_of", "valid_from", "valid_until"):
        raw[key] = cells[key].strip() or None
    try:
        return FaqEntry.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(describe(exc.errors()))
        raise CorpusError(f"{where} ({raw['id'] or 'no id'}): {problems}") from exc


_MAX_REPORTED = 50  # problems listed from one import; the count says how many more


def _unique(
    entries: list[FaqEntry], source: str, problems: list[str] | None = None
) -> list[FaqEntry]:
    """The entries, or CorpusError listing every row problem and every id used twice."""
    problems = list(problems or [])
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            problems.append(f"{source}: 编号重复 id {entry.id} appears twice")
        seen.add(entry.id)
    if problems:
        more = len(problems) - _MAX_REPORTED
        listed = problems[:_MAX_REPORTED] + ([f"…另有 {more} 处 / {more} more"] if more > 0 else [])
        raise CorpusError(f"{len(problems)} 处问题 / problem(s):\n" + "\n".join(listed))
    return entries


def _row(row: dict[str, Any], where: str, entries: list[FaqEntry], problems: list[str]) -> None:
    try:
        entries.append(row_to_entry(row, where))
    except CorpusError as exc:
        problems.append(str(exc))


def _check_header(header: Sequence[str], source: str) -> None:
    missing = [
        c for c in ("id", "question_zh", "question_en", "answer_zh", "answer_en") if c not in header
    ]
    unknown = [c for c in header if c and c not in COLUMNS]
    if missing or unknown:
        raise CorpusError(
            f"{source}: header row must name the columns {', '.join(COLUMNS)}"
            + (f"; missing {', '.join(missing)}" if missing else "")
            + (f"; unknown {', '.join(unknown)}" if unknown else "")
        )


def to_csv(entries: Iterable[FaqEntry]) -> bytes:
    """UTF-8 CSV with a byte-order mark, so spreadsheet programs read the Chinese right."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for entry in entries:
        row = entry_to_row(entry)
        writer.writerow({k: f"'{v}" if v.startswith(_FORMULA_START) else v for k, v in row.items()})
    return buf.getvalue().encode("utf-8-sig")


def from_csv(data: bytes, source: str = "upload.csv") -> list[FaqEntry]:
    """Entries of a CSV written by `to_csv` (or edited in a spreadsheet)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{source}: not UTF-8 text (save the CSV as UTF-8)") from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    _check_header(reader.fieldnames or [], source)
    entries: list[FaqEntry] = []
    problems: list[str] = []
    for n, row in enumerate(reader, start=2):
        clean = {
            k: (v[1:] if v.startswith("'") and v[1:].startswith(_FORMULA_START) else v)
            for k, v in row.items()
            if k
        }
        _row(clean, f"{source} line {n}", entries, problems)
    return _unique(entries, source, problems)


def to_xlsx(entries: Iterable[FaqEntry]) -> bytes:
    """One sheet, one entry per row; every cell is stored as text (no formulas, no dates)."""
    from openpyxl import Workbook  # here: 30 MiB that only imports and exports need

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "faq"
    sheet.append(list(COLUMNS))
    for r, entry in enumerate(entries, start=2):
        row = entry_to_row(entry)
        for c, key in enumerate(COLUMNS, start=1):
            cell = sheet.cell(row=r, column=c)
            cell.value = row[key]
            cell.data_type = "s"
    sheet.freeze_panes = "B2"
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def from_xlsx(data: bytes, source: str = "upload.xlsx") -> list[FaqEntry]:
    """Entries of the first sheet of an XLSX written by `to_xlsx` (or edited in a spreadsheet)."""
    try:
        from openpyxl import load_workbook  # here: 30 MiB that only imports and exports need

        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise CorpusError(f"{source}: not an XLSX workbook") from exc
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [_cell(v).strip() for v in next(rows, ())]
    _check_header(header, source)
    entries: list[FaqEntry] = []
    problems: list[str] = []
    for n, values in enumerate(rows, start=2):
        if all(v in (None, "") for v in values):
            continue
        _row(dict(zip(header, values, strict=False)), f"{source} row {n}", entries, problems)
    book.close()
    return _unique(entries, source, problems)


def to_yaml_zip(entries: Iterable[FaqEntry]) -> bytes:
    """A zip of `THEME.yaml` files, exactly the layout of knowledge/corpus/."""
    buf = io.BytesIO()
    with (
        tempfile.TemporaryDirectory() as tmp,
        zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf,
    ):
        for path in dump_corpus(entries, Path(tmp)):
            zf.write(path, f"corpus/{path.name}")
    return buf.getvalue()


def _load_yaml_files(files: dict[str, bytes]) -> list[FaqEntry]:
    with tempfile.TemporaryDirectory() as tmp:
        for name, content in files.items():
            (Path(tmp) / name).write_bytes(content)
        try:
            return load_corpus(Path(tmp))
        except CorpusError as exc:
            raise CorpusError(str(exc).replace(f"{tmp}/", "")) from exc


def from_yaml_zip(data: bytes, source: str = "upload.zip") -> list[FaqEntry]:
    """Entries of every `*.yaml` file in a zip (folders inside it are ignored)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = [
                i
                for i in zf.infolist()
                if i.filename.endswith((".yaml", ".yml")) and not i.is_dir()
            ]
            if sum(i.file_size for i in members) > _MAX_UNZIPPED:
                raise CorpusError(f"{source}: more than {_MAX_UNZIPPED // 2**20} MB of YAML")
            files: dict[str, bytes] = {}
            for info in members:
                name = PurePosixPath(info.filename).stem + ".yaml"
                if name in files:
                    raise CorpusError(f"{source}: two files named {name}")
                files[name] = zf.read(info)
    except zipfile.BadZipFile as exc:
        raise CorpusError(f"{source}: not a zip file") from exc
    if not files:
        raise CorpusError(f"{source}: no .yaml files inside")
    return _load_yaml_files(files)


def parse_upload(filename: str, data: bytes) -> list[FaqEntry]:
    """Validate an uploaded corpus file by its extension; CorpusError says what to fix."""
    name = PurePosixPath(filename.replace("\\", "/")).name or "upload"
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in (".yaml", ".yml"):
        return _load_yaml_files({PurePosixPath(name).stem + ".yaml": data})
    if suffix == ".zip":
        return from_yaml_zip(data, name)
    if suffix == ".csv":
        return from_csv(data, name)
    if suffix == ".xlsx":
        return from_xlsx(data, name)
    raise CorpusError(f"{name}: upload a .yaml, .zip (of .yaml files), .csv or .xlsx file")


def export_entries(entries: Sequence[FaqEntry], fmt: str) -> tuple[bytes, str, str]:
    """(content, media type, file extension) of the corpus in `fmt` (yaml | csv | xlsx)."""
    if fmt not in FORMATS:
        raise CorpusError(f"export format must be one of {', '.join(FORMATS)}")
    media, ext = FORMATS[fmt]
    content = {"yaml": to_yaml_zip, "csv": to_csv, "xlsx": to_xlsx}[fmt](entries)
    return content, media, ext
