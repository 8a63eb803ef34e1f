"""FAQ admin export and import (YAML zip, CSV, XLSX) with a preview before writing; audit page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from bot.core.runtime import Runtime
from knowledge.exchange import from_csv, from_xlsx, from_yaml_zip, to_csv, to_xlsx, to_yaml_zip
from storage.accounts import list_audit
from storage.db import session_scope
from storage.faq import corpus_version, get_record, load_entries, save_entry
from tests.support.accounts import signed_in
from tests.support.web import as_visitor

PARSERS = {"yaml": from_yaml_zip, "csv": from_csv, "xlsx": from_xlsx}
WRITERS = {"zip": to_yaml_zip, "csv": to_csv, "xlsx": to_xlsx}


@pytest.fixture
def admin(client: TestClient, runtime: Runtime) -> Iterator[tuple[TestClient, str]]:
    yield client, signed_in(client, runtime)


def _entries(runtime: Runtime):
    with Session(runtime.engine) as s:
        return load_entries(session=s)


def _upload(client: TestClient, token: str, name: str, content: bytes):
    return client.post("/admin/import", data={"csrf_token": token}, files={"file": (name, content)})


def test_export_round_trips_in_every_format(
    admin: tuple[TestClient, str], runtime: Runtime
) -> None:
    client, _ = admin
    stored = _entries(runtime)
    for fmt, parse in PARSERS.items():
        resp = client.get("/admin/export", params={"format": fmt})
        assert resp.status_code == 200
        assert 'attachment; filename="tmbot-corpus-20261125.' in resp.headers["content-disposition"]
        back = sorted(parse(resp.content), key=lambda e: e.id)
        assert back == sorted(stored, key=lambda e: e.id), fmt
    assert client.get("/admin/export", params={"format": "pdf"}).status_code == 422
    with Session(runtime.engine) as s:
        exports = list_audit(session=s, action_prefix="faq.export")
        assert [a.detail["format"] for a in exports] == ["xlsx", "csv", "yaml"]


@pytest.mark.parametrize("ext", ["csv", "xlsx", "zip"])
def test_import_previews_then_writes_on_confirmation(
    admin: tuple[TestClient, str], runtime: Runtime, ext: str
) -> None:
    client, token = admin
    entries = _entries(runtime)
    changed = [
        e.model_copy(
            update={"answer": e.answer.model_copy(update={"zh": "续展官费每类网上700元。"})}
        )
        if e.id == "renewal-fee"
        else e
        for e in entries
        if e.id != "renewal-window"  # absent from the file: stays as it is
    ]
    fresh = entries[0].model_copy(update={"id": "brand-new-entry", "topic": None})
    resp = _upload(client, token, f"corpus.{ext}", WRITERS[ext]([*changed, fresh]))
    assert resp.status_code == 200, resp.text
    text = resp.text
    assert re.search(r"<strong>1</strong> 新建 new · <strong>1</strong> 修改 changed", text)
    assert "brand-new-entry" in text and ">renewal-fee</a></td><td>answer</td>" in text
    with Session(runtime.engine) as s:  # nothing written yet
        assert get_record(session=s, entry_id="brand-new-entry") is None
        version = corpus_version(session=s)
    apply = re.search(r'action="(/admin/import/\d+/apply)"', text).group(1)
    resp = client.post(apply, data={"csrf_token": token})
    assert resp.status_code == 200 and "2 条新建或修改 new or changed" in resp.text
    as_visitor(client, runtime.settings, "webuser-imp1")
    reply = client.post("/api/chat", json={"text": "续展要交多少钱"})
    assert "700元" in reply.json()["replies"][0]["text"]
    with Session(runtime.engine) as s:
        assert corpus_version(session=s) == version + 1
        assert get_record(session=s, entry_id="renewal-window") is not None
        record = get_record(session=s, entry_id="renewal-fee")
        assert record is not None and record.revision == 2 and record.updated_by == "admin"
        assert list_audit(session=s)[0].action == "faq.import"
    again = client.post(apply, data={"csrf_token": token})
    assert "already applied" in again.text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"hello", "upload a .yaml, .zip"),
        ("c.csv", b"id,question_zh\nx,y\n", "missing question_en"),
        ("c.csv", b"\xff\xfe\x00bad", "not UTF-8"),
        ("c.xlsx", b"not a workbook", "not an XLSX workbook"),
        ("c.zip", b"not a zip", "not a zip file"),
        ("renewal.yaml", b"entries: [{id: Bad Id}]", "renewal.yaml: entry Bad Id"),
    ],
)
def test_invalid_uploads_say_what_to_fix_and_write_nothing(
    admin: tuple[TestClient, str], runtime: Runtime, name: str, content: bytes, message: str
) -> None:
    client, token = admin
    with Session(runtime.engine) as s:
        version = corpus_version(session=s)
    resp = _upload(client, token, name, content)
    assert resp.status_code == 400
    assert message in resp.text and "nothing was written" in resp.text
    with Session(runtime.engine) as s:
        assert corpus_version(session=s) == version
        assert list_audit(session=s)[0].action == "faq.import.invalid"


def test_csv_rows_with_errors_are_named(admin: tuple[TestClient, str], runtime: Runtime) -> None:
    client, token = admin
    entries = _entries(runtime)
    bad = entries[1].model_copy(update={"sources": ["https://ok.example"]})
    data = to_csv([entries[0], bad]).decode("utf-8-sig").replace("https://ok.example", "ftp:/x")
    resp = _upload(client, token, "c.csv", data.encode())
    assert resp.status_code == 400
    assert f"c.csv line 3 ({bad.id}): sources" in resp.text


def test_a_preview_goes_stale_when_the_corpus_changes(
    admin: tuple[TestClient, str], runtime: Runtime
) -> None:
    client, token = admin
    entries = _entries(runtime)
    edited = [e.model_copy(update={"tags": ["x"]}) for e in entries]
    text = _upload(client, token, "c.csv", to_csv(edited)).text
    apply = re.search(r'action="(/admin/import/\d+/apply)"', text).group(1)
    with session_scope(runtime.engine) as s:
        save_entry(session=s, entry=entries[0].model_copy(update={"tags": ["y"]}), author="bob")
    resp = client.post(apply, data={"csrf_token": token})
    assert "corpus changed after the preview" in resp.text
    with Session(runtime.engine) as s:
        assert get_record(session=s, entry_id=entries[1].id).revision == 1


def test_unchanged_file_offers_nothing_to_apply(
    admin: tuple[TestClient, str], runtime: Runtime
) -> None:
    client, token = admin
    text = _upload(client, token, "c.xlsx", to_xlsx(_entries(runtime))).text
    assert "Nothing to change" in text and 'id="apply"' not in text


def test_audit_page_lists_and_filters(admin: tuple[TestClient, str]) -> None:
    client, _ = admin
    client.get("/admin/export", params={"format": "csv"})
    html = client.get("/admin/audit").text
    assert "faq.export" in html and "login.ok" in html and "testclient" in html
    only = client.get("/admin/audit", params={"action": "faq."}).text
    assert "faq.export" in only and "login.ok" not in only
