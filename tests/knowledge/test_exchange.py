"""Corpus files in and out: knowledge/ YAML zip, CSV and XLSX round-trip without loss."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.core.settings import BUNDLED_CORPUS
from knowledge.exchange import (
    COLUMNS,
    export_entries,
    from_csv,
    from_xlsx,
    from_yaml_zip,
    parse_upload,
    to_csv,
    to_xlsx,
    to_yaml_zip,
)
from knowledge.loader import load_corpus
from knowledge.schema import FaqEntry
from storage.errors import CorpusError

CORPUS = load_corpus(BUNDLED_CORPUS)


def _tricky() -> FaqEntry:
    base = CORPUS[0]
    return base.model_copy(
        update={
            "id": "tricky",
            "changes": '=HYPERLINK("http://evil")',
            "tags": ["-minus", "@at", "+plus"],
            "answer": base.answer.model_copy(update={"zh": '第一行\n第二行，含逗号,"引号"\n'}),
        }
    )


@pytest.mark.parametrize(
    ("write", "read"), [(to_csv, from_csv), (to_xlsx, from_xlsx), (to_yaml_zip, from_yaml_zip)]
)
def test_round_trip_without_loss(write, read) -> None:
    entries = [*CORPUS, _tricky()]
    back = read(write(entries))
    assert sorted(back, key=lambda e: e.id) == sorted(entries, key=lambda e: e.id)


def test_spreadsheet_cells_never_become_formulas() -> None:
    text = to_csv([_tricky()]).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'-minus" in text
    sheet = load_workbook(io.BytesIO(to_xlsx([_tricky()]))).active
    changes = sheet.cell(row=2, column=COLUMNS.index("changes") + 1)
    assert changes.data_type == "s" and changes.value.startswith("=HYPERLINK")


def test_csv_has_a_bom_for_spreadsheets_and_one_header() -> None:
    data = to_csv(CORPUS[:1])
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines()[0] == ",".join(COLUMNS)


def test_yaml_zip_is_the_knowledge_layout() -> None:
    with zipfile.ZipFile(io.BytesIO(to_yaml_zip(CORPUS))) as zf:
        names = sorted(zf.namelist())
    assert names == sorted({f"corpus/{e.theme}.yaml" for e in CORPUS})


def test_xlsx_edited_in_a_spreadsheet_accepts_real_dates_and_blank_rows() -> None:
    book = load_workbook(io.BytesIO(to_xlsx(CORPUS[:1])))
    sheet = book.active
    import datetime as dt

    sheet.cell(row=2, column=COLUMNS.index("as_of") + 1).value = dt.datetime(2026, 1, 2)  # noqa: DTZ001 - Excel dates are naive
    sheet.append([None] * len(COLUMNS))
    buf = io.BytesIO()
    book.save(buf)
    (entry,) = from_xlsx(buf.getvalue())
    assert entry.as_of == dt.date(2026, 1, 2)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.pdf", b"", "upload a .yaml"),
        ("a.csv", b"id,question_zh,question_en,answer_zh,answer_en,colour\n", "unknown colour"),
        ("a.csv", to_csv([CORPUS[0], CORPUS[0]]), "appears twice"),
        ("a.zip", b"PK\x05\x06" + b"\x00" * 18, "no .yaml files"),
    ],
)
def test_bad_uploads_raise_corpus_errors(name: str, data: bytes, message: str) -> None:
    with pytest.raises(CorpusError, match=message):
        parse_upload(name, data)


def test_single_yaml_file_upload_takes_its_theme_from_the_name() -> None:
    text = (Path(BUNDLED_CORPUS) / "renewal.yaml").read_bytes()
    entries = parse_upload("C:\\Users\\me\\renewal.yaml", text)
    assert entries and all(e.theme == "renewal" for e in entries)


def test_export_names_its_media_type() -> None:
    assert export_entries(CORPUS[:1], "csv")[1].startswith("text/csv")
    with pytest.raises(CorpusError):
        export_entries(CORPUS[:1], "pdf")
