"""FAQ admin entries: list and search, create, edit with revisions, status, history, rollback,
and edits reaching the web chat at once (in every worker) without a restart."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from bot.core.conversation import Conversation
from bot.core.messages import Inbound
from bot.core.runtime import Runtime
from knowledge.schema import FaqEntry
from storage.accounts import list_audit
from storage.faq import get_record, list_revisions
from tests.support.accounts import signed_in
from tests.support.web import as_visitor

NEW_ENTRY = {
    "id": "logo-colour",
    "theme": "registration",
    "topic": "",
    "status": "draft",
    "question_zh": "彩色商标怎么注册？",
    "question_en": "How do I register a colour logo?",
    "alternates_zh": "彩色商标\n商标颜色",
    "alternates_en": "colour trademark",
    "answer_zh": "提交彩色图样并声明颜色。",
    "answer_en": "File a colour specimen and state the colours.",
    "tags": "logo, colour",
    "sources": "https://sbj.cnipa.gov.cn/",
    "as_of": "2026-11-25",
    "related": "renewal-fee",
}


@pytest.fixture
def admin(client: TestClient, runtime: Runtime) -> Iterator[tuple[TestClient, str]]:
    yield client, signed_in(client, runtime)


def _ask(client: TestClient, text: str, user: str) -> str:
    as_visitor(client, client.app.state.runtime.settings, user)
    resp = client.post("/api/chat", json={"text": text})
    assert resp.status_code == 200, resp.text
    return resp.json()["replies"][0]["text"]


def _form(client: TestClient, entry_id: str) -> dict[str, str]:
    """The entry's current form values, as the edit page would post them."""
    html = client.get(f"/admin/faq/{entry_id}").text
    values = dict(re.findall(r'<input type="text" id="[^"]+" name="([^"]+)" value="([^"]*)"', html))
    values |= dict(re.findall(r'<textarea[^>]* name="([^"]+)"[^>]*>([^<]*)</textarea>', html))
    values["base_revision"] = re.search(r'name="base_revision" value="(\d+)"', html).group(1)
    values["status"] = re.search(r'<option value="(\w+)" selected>', html).group(1)
    for key in ("as_of", "valid_from", "valid_until"):
        m = re.search(rf'name="{key}" value="([^"]*)"', html)
        values[key] = m.group(1) if m else ""
    import html as html_mod

    return {k: html_mod.unescape(v) for k, v in values.items()}


def _save(client: TestClient, token: str, entry_id: str, **changes: str):
    data = {**_form(client, entry_id), **changes, "csrf_token": token}
    return client.post(f"/admin/faq/{entry_id}", data=data, follow_redirects=False)


def test_list_and_search_in_both_languages(admin: tuple[TestClient, str]) -> None:
    client, _ = admin

    def listed(**params: str) -> set[str]:
        html = client.get("/admin/faq", params=params).text
        return set(re.findall(r'<td><a href="/admin/faq/([a-z0-9-]+)">', html))

    everything = listed()
    assert {
        "renewal-fee",
        "renewal-window",
        "opposition-period",
        "infringement-dispute",
    } <= everything
    assert listed(q="宽展期") == {"renewal-fee"}  # in its Chinese answer
    assert listed(q="OPPOSITION") == {"opposition-period", "opposition-period-2027"}
    assert listed(q="续展期限") == {"renewal-window"}  # an alternate phrasing
    assert listed(topic="renewal-window") == {"renewal-window"}
    assert listed(theme="disputes") == {
        "opposition-period",
        "opposition-period-2027",
        "infringement-dispute",
    }
    assert listed(editor="system") == everything
    assert listed(editor="nobody") == set()
    assert listed(status="draft") == set()


def test_create_entry_as_draft_then_publish(
    admin: tuple[TestClient, str], runtime: Runtime
) -> None:
    client, token = admin
    resp = client.post(
        "/admin/faq/new", data={**NEW_ENTRY, "csrf_token": token}, follow_redirects=False
    )
    assert resp.status_code == 303 and resp.headers["location"] == "/admin/faq/logo-colour"
    assert "彩色商标" not in _ask(client, "彩色商标怎么注册", "webuser-draft-1")  # a draft
    resp = client.post(
        "/admin/faq/logo-colour/status", data={"status": "published", "csrf_token": token}
    )
    assert resp.status_code == 200 and "Saved" not in resp.text and "published" in resp.text
    assert "彩色图样" in _ask(client, "彩色商标怎么注册", "webuser-draft-2")
    with Session(runtime.engine) as s:
        record = get_record(session=s, entry_id="logo-colour")
        assert record is not None and record.revision == 2 and record.updated_by == "admin"
        entry = FaqEntry.model_validate(record.data)
        assert entry.alternates.zh == ["彩色商标", "商标颜色"] and entry.tags == ["logo", "colour"]
        actions = [a.action for a in list_audit(session=s, target="faq:logo-colour")]
        assert actions == ["faq.published", "faq.create"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": "renewal-fee"}, "already used"),
        ({"answer_en": ""}, "答案 answer · 英文 English: 不能为空 / must not be empty"),
        (
            {"answer_zh": "  \n "},
            "答案 answer · 中文 Chinese: 不能只有空白 / must not be only spaces",
        ),
        ({"answer_zh": "长" * 2001}, "最多 2000 字 / the zh answer has 2001 characters"),
        ({"id": "Bad Id"}, "kebab-case"),
        ({"related": "no-such-entry"}, "unknown entry id"),
        ({"sources": "not a url"}, "not a URL"),
        ({"valid_from": "2027-01-01", "valid_until": "2026-01-01"}, "valid_until is before"),
    ],
)
def test_invalid_entries_are_refused_with_the_reason(
    admin: tuple[TestClient, str], change: dict[str, str], message: str
) -> None:
    client, token = admin
    resp = client.post("/admin/faq/new", data={**NEW_ENTRY, **change, "csrf_token": token})
    assert resp.status_code == 400
    assert message in resp.text
    assert 'value="彩色商标怎么注册？"' in resp.text  # what was typed is kept


def test_edit_answers_users_at_once_in_every_worker(
    admin: tuple[TestClient, str], runtime: Runtime
) -> None:
    client, token = admin
    # A second worker process: its own core and index over the same database.
    other = Conversation(engine=runtime.engine, settings=runtime.settings)
    ask_other = lambda: other.handle(Inbound("web", "otherworker1", "续展要交多少钱"))[0].text  # noqa: E731
    assert "450元" in _ask(client, "续展要交多少钱", "webuser-before") and "450元" in ask_other()
    new_answer = "续展官费每类网上300元（测试修改）。"
    resp = _save(client, token, "renewal-fee", answer_zh=new_answer, note="fee update")
    assert resp.status_code == 303
    assert "300元" in _ask(client, "续展要交多少钱", "webuser-after")
    assert "300元" in ask_other()
    with Session(runtime.engine) as s:
        revisions = list_revisions(session=s, entry_id="renewal-fee")
        latest = revisions[0]
        assert (latest.revision, latest.author, latest.note) == (2, "admin", "fee update")


def test_saving_unchanged_form_makes_no_revision(
    admin: tuple[TestClient, str], runtime: Runtime
) -> None:
    client, token = admin
    resp = _save(client, token, "renewal-window")
    assert resp.status_code == 303
    assert "Nothing changed" in client.get("/admin/faq/renewal-window").text
    with Session(runtime.engine) as s:
        assert len(list_revisions(session=s, entry_id="renewal-window")) == 1


def test_a_revision_saved_meanwhile_is_not_overwritten_silently(
    admin: tuple[TestClient, str],
) -> None:
    client, token = admin
    stale = _form(client, "renewal-fee")
    assert _save(client, token, "renewal-fee", answer_en="First edit.").status_code == 303
    resp = client.post(
        "/admin/faq/renewal-fee", data={**stale, "answer_en": "Second edit.", "csrf_token": token}
    )
    assert resp.status_code == 409 and "saved revision 2 meanwhile" in resp.text
    assert "Second edit." in resp.text  # the text typed is kept for a deliberate re-save


def test_history_diff_and_rollback(admin: tuple[TestClient, str], runtime: Runtime) -> None:
    client, token = admin
    _save(client, token, "renewal-fee", answer_zh="续展官费每类网上999元。")
    history = client.get("/admin/faq/renewal-fee/history").text
    assert "r1" in history and "r2" in history and 'id="rollback-1"' in history
    diff = client.get("/admin/faq/renewal-fee/diff", params={"a": 1, "b": 2}).text
    assert "999" in diff and "450" in diff and "diff_chg" in diff
    assert client.get("/admin/faq/renewal-fee/diff", params={"a": 1, "b": 9}).status_code == 404
    assert "999元" in _ask(client, "续展要交多少钱", "webuser-rb-1")
    resp = client.post(
        "/admin/faq/renewal-fee/rollback",
        data={"revision": "1", "csrf_token": token},
        follow_redirects=False,
    )
    assert resp.status_code == 303
    assert "450元" in _ask(client, "续展要交多少钱", "webuser-rb-2")
    with Session(runtime.engine) as s:
        revisions = list_revisions(session=s, entry_id="renewal-fee")
        assert [r.revision for r in revisions] == [3, 2, 1]
        assert revisions[0].data == revisions[2].data and revisions[0].note == "rollback to r1"
        audit = list_audit(session=s, target="faq:renewal-fee")
        assert audit[0].action == "faq.rollback" and audit[0].detail == {"to": 1, "revision": 3}


def test_retired_entries_stop_answering(admin: tuple[TestClient, str]) -> None:
    client, token = admin
    client.post("/admin/faq/renewal-window/status", data={"status": "retired", "csrf_token": token})
    assert "12个月" not in _ask(client, "什么时候可以续展", "webuser-retired")
    bad = client.post(
        "/admin/faq/renewal-window/status", data={"status": "gone", "csrf_token": token}
    )
    assert bad.status_code == 422


def test_edit_without_csrf_token_changes_nothing(
    admin: tuple[TestClient, str], runtime: Runtime
) -> None:
    client, _ = admin
    data = {**_form(client, "renewal-fee"), "answer_zh": "被篡改"}
    assert client.post("/admin/faq/renewal-fee", data=data).status_code == 403
    with Session(runtime.engine) as s:
        record = get_record(session=s, entry_id="renewal-fee")
        assert record is not None and record.revision == 1


def test_unknown_entry_is_a_404_page(admin: tuple[TestClient, str]) -> None:
    client, _ = admin
    resp = client.get("/admin/faq/no-such-entry")
    assert resp.status_code == 404 and "no FAQ entry" in resp.text and "<html" in resp.text
