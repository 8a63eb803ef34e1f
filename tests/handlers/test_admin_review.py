"""FAQ admin review pages: try a question, warnings, unanswered questions and their actions."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from bot.core.runtime import Runtime
from knowledge.schema import FaqEntry
from storage.accounts import list_audit
from storage.conversations import log_question
from storage.db import session_scope
from storage.faq import get_record, load_entries, save_entry
from storage.faq_review import HandledQuestion
from storage.models import ChatMessage, QuestionLog
from tests.support.accounts import signed_in
from tests.support.web import as_visitor


@pytest.fixture
def admin(client: TestClient, runtime: Runtime) -> Iterator[tuple[TestClient, str]]:
    yield client, signed_in(client, runtime)


def _ask(client: TestClient, text: str, user: str) -> str:
    as_visitor(client, client.app.state.runtime.settings, user)
    resp = client.post("/api/chat", json={"text": text})
    assert resp.status_code == 200, resp.text
    return resp.json()["replies"][0]["text"]


def _log(runtime: Runtime, question: str, outcome: str = "unknown", **extra: object) -> None:
    fields = {"channel": "web", "user_ref": "logged-user", "lang": "zh", "intent": "unknown"}
    fields |= {"outcome": outcome, "score": 20.0, **extra}
    with session_scope(runtime.engine) as s:
        log_question(session=s, question=question, **fields)


def _groups(html: str) -> dict[str, int]:
    """Group text → count, as the unanswered page shows them."""
    found = re.findall(r'<div class="count">(\d+)<div.*?<strong>([^<]+)</strong>', html, re.S)
    return {text: int(count) for count, text in found}


def test_try_shows_ranked_scores_and_the_reply_and_leaves_no_trace(
    admin: tuple[TestClient, str], runtime: Runtime
) -> None:
    client, _ = admin
    html = client.get("/admin/try", params={"q": "续展要交多少钱"}).text
    assert "450元" in html  # the reply the user would get
    ranked = re.findall(r'<span class="score">([\d.]+)</span>', html)
    assert ranked and float(ranked[0]) >= runtime.settings.answer_threshold
    assert [float(x) for x in ranked] == sorted((float(x) for x in ranked), reverse=True)
    assert 'href="/admin/faq/renewal-fee"' in html and "answer</span>" in html
    en = client.get("/admin/try", params={"q": "weather in paris", "lang": "en"}).text
    scores = [float(x) for x in re.findall(r'<span class="score">([\d.]+)</span>', en)]
    assert all(x < runtime.settings.suggest_threshold for x in scores)
    assert "answer</span>" not in en and "suggest</span>" not in en
    with Session(runtime.engine) as s:
        assert s.exec(select(func.count()).select_from(QuestionLog)).one() == 0
        assert s.exec(select(func.count()).select_from(ChatMessage)).one() == 0


def test_warnings_flag_stale_facts_and_near_duplicates(
    admin: tuple[TestClient, str], runtime: Runtime
) -> None:
    client, _ = admin
    html = client.get("/admin/warnings").text
    assert "Every dated fact was checked recently" in html
    # The two opposition-period entries share a topic: variants, not duplicates.
    assert "No two entries ask nearly the same thing" in html
    with session_scope(runtime.engine) as s:
        entries = {e.id: e for e in load_entries(session=s)}
        old = entries["renewal-window"].model_copy(update={"as_of": dt.date(2024, 1, 1)})
        save_entry(session=s, entry=old, author="t")
        twin = entries["renewal-fee"].model_copy(update={"id": "renewal-cost", "topic": None})
        save_entry(session=s, entry=twin, author="t")
    html = client.get("/admin/warnings").text
    age = (dt.date(2026, 11, 25) - dt.date(2024, 1, 1)).days
    assert 'href="/admin/faq/renewal-window"' in html and f"{age} d" in html
    assert re.search(r'score">100.0</td>\s*<td><a href="/admin/faq/renewal-cost"', html)
    runtime.settings.corpus_max_age_days = age
    assert "Every dated fact was checked recently" in client.get("/admin/warnings").text


def test_unanswered_groups_low_confidence_not_useful_and_handoff(
    admin: tuple[TestClient, str], runtime: Runtime
) -> None:
    client, _ = admin
    _ask(client, "你们能代办营业执照吗", "webuser-u1")
    _ask(client, "你们能不能代办营业执照", "webuser-u2")
    _ask(client, "营业执照你们能代办吗？", "webuser-u3")
    _ask(client, "续展要交多少钱", "webuser-u4")
    _ask(client, "没用", "webuser-u4")
    _log(runtime, "商标被人抢注了怎么办", outcome="suggested", intent="suggest")
    _log(runtime, "人工", outcome="opened", intent="handoff", user_ref="someone-else")
    html = client.get("/admin/unanswered").text
    groups = _groups(html)
    weekend = next(text for text in groups if "营业执照" in text)
    assert groups[weekend] == 3
    assert groups["续展要交多少钱"] == 1 and "not_useful × 1" in html
    assert groups["商标被人抢注了怎么办"] == 1 and "人工" in groups
    assert "续展要交多少钱" not in [t for t in groups if "营业执照" in t]


def test_handoff_counts_the_question_asked_just_before(
    admin: tuple[TestClient, str], runtime: Runtime
) -> None:
    client, _ = admin
    _log(runtime, "驳回复审要多久", outcome="answered", intent="faq", user_ref="u-h")
    _log(runtime, "人工", outcome="opened", intent="handoff", user_ref="u-h")
    groups = _groups(client.get("/admin/unanswered").text)
    assert groups == {"驳回复审要多久": 1}


def test_dismissed_groups_hide_until_asked_again(
    admin: tuple[TestClient, str], runtime: Runtime
) -> None:
    client, token = admin
    _log(runtime, "你们周末上班吗")
    _log(runtime, "你们周末上不上班")
    html = client.get("/admin/unanswered").text
    rep = re.search(r'name="rep" value="([^"]+)"', html).group(1)
    upto = re.search(r'name="upto" value="(\d+)"', html).group(1)
    resp = client.post(
        "/admin/unanswered/dismiss", data={"rep": rep, "upto": upto, "csrf_token": token}
    )
    assert resp.status_code == 200 and "No unanswered questions" in resp.text
    with Session(runtime.engine) as s:
        assert len(s.exec(select(HandledQuestion)).all()) == 2  # both phrasings of the group
        assert list_audit(session=s)[0].action == "faq.unanswered.dismiss"
    _log(runtime, "你们周末上班吗")
    assert _groups(client.get("/admin/unanswered").text) == {"你们周末上班吗": 1}


def test_add_as_alternate_makes_the_bot_answer_it(
    admin: tuple[TestClient, str], runtime: Runtime
) -> None:
    client, token = admin
    question = "年费怎么交"
    assert "450元" not in _ask(client, question, "webuser-alt1")
    html = client.get("/admin/unanswered").text
    rep = re.search(r'name="rep" value="([^"]+)"', html).group(1)
    upto = re.search(r'name="upto" value="(\d+)"', html).group(1)
    data = {"rep": rep, "upto": upto, "entry_id": "renewal-fee", "text": question}
    resp = client.post("/admin/unanswered/alternate", data={**data, "csrf_token": token})
    assert resp.status_code == 200 and "Added to renewal-fee" in resp.text
    assert question not in _groups(resp.text)
    assert "450元" in _ask(client, question, "webuser-alt2")
    with Session(runtime.engine) as s:
        record = get_record(session=s, entry_id="renewal-fee")
        assert record is not None and record.revision == 2
        assert question in FaqEntry.model_validate(record.data).alternates.zh
    again = client.post("/admin/unanswered/alternate", data={**data, "csrf_token": token})
    assert "already has this phrasing" in again.text
    missing = {**data, "entry_id": "no-such", "csrf_token": token}
    assert client.post("/admin/unanswered/alternate", data=missing).status_code == 404


def test_new_entry_from_a_group_is_prefilled_and_handles_it(
    admin: tuple[TestClient, str], runtime: Runtime
) -> None:
    client, token = admin
    _log(runtime, "How do I register a sound mark?", lang="en")
    html = client.get("/admin/unanswered").text
    link = re.search(r'href="(/admin/faq/new\?[^"]+)"', html).group(1).replace("&amp;", "&")
    form = client.get(link).text
    assert 'name="question_en" value="How do I register a sound mark?"' in form
    rep = re.search(r'name="rep" value="([^"]+)"', form).group(1)
    upto = re.search(r'name="upto" value="(\d+)"', form).group(1)
    data = {
        "id": "sound-mark",
        "theme": "registration",
        "status": "published",
        "question_zh": "声音商标怎么注册？",
        "question_en": "How do I register a sound mark?",
        "answer_zh": "提交声音样本。",
        "answer_en": "File a sound sample.",
        "rep": rep,
        "upto": upto,
        "csrf_token": token,
    }
    assert client.post("/admin/faq/new", data=data, follow_redirects=False).status_code == 303
    assert _groups(client.get("/admin/unanswered").text) == {}
    with Session(runtime.engine) as s:
        handled = s.exec(select(HandledQuestion)).one()
        assert (handled.action, handled.entry_id, handled.by) == (
            "new_entry",
            "sound-mark",
            "admin",
        )


def test_try_runs_a_real_turn_and_can_include_draft_entries(
    admin: tuple[TestClient, str], runtime: Runtime
) -> None:
    client, _ = admin
    with session_scope(runtime.engine) as s:
        data = dict(get_record(session=s, entry_id="renewal-fee").data)
        data.update(
            id="logo-colour-draft",
            topic="logo-colour-draft",
            status="draft",
            question={"zh": "商标图样可以用荧光色吗", "en": "Can a logo be fluorescent?"},
            alternates={"zh": ["荧光色商标可以注册吗"], "en": ["fluorescent logo"]},
            answer={"zh": "可以，草稿答案荧光。", "en": "Yes, draft fluorescent answer."},
            related=[],
        )
        draft = FaqEntry.model_validate(data)
        save_entry(session=s, entry=draft, author="t")
    without = client.get("/admin/try", params={"q": "商标图样可以用荧光色吗"}).text
    assert "草稿答案荧光" not in without
    html = client.get("/admin/try", params={"q": "商标图样可以用荧光色吗", "drafts": "1"}).text
    assert "草稿答案荧光" in html and 'href="/admin/faq/logo-colour-draft"' in html
    # Small talk goes through the same pipeline as on the channels, and leaves no trace.
    assert "不客气" in client.get("/admin/try", params={"q": "谢谢"}).text
    with Session(runtime.engine) as s:
        assert s.exec(select(func.count()).select_from(QuestionLog)).one() == 0
        assert s.exec(select(func.count()).select_from(ChatMessage)).one() == 0


def test_unanswered_queue_masks_contacts_and_refuses_them_as_alternates(
    admin: tuple[TestClient, str], runtime: Runtime
) -> None:
    client, token = admin
    _log(runtime, "商标转让找谁办 我电话13812345678 邮箱li.na@example.com")
    html = client.get("/admin/unanswered").text
    assert "13812345678" not in html and "li.na@example.com" not in html
    assert "138****5678" in html and "l***@example.com" in html
    rep = re.search(r'name="rep" value="([^"]+)"', html).group(1)
    upto = re.search(r'name="upto" value="(\d+)"', html).group(1)
    for text in ("商标转让找谁办 我电话138****5678", "转让找谁 13812345678", "mail a@b.cn"):
        data = {"rep": rep, "upto": upto, "entry_id": "renewal-fee", "text": text}
        resp = client.post("/admin/unanswered/alternate", data={**data, "csrf_token": token})
        assert "holds a phone, e-mail or ID number" in resp.text
    with Session(runtime.engine) as s:
        record = get_record(session=s, entry_id="renewal-fee")
        assert record is not None and record.revision == 1


def test_warnings_show_the_missing_holiday_arrangement_and_the_old_law(
    admin: tuple[TestClient, str], runtime: Runtime
) -> None:
    client, _ = admin
    html = client.get("/admin/warnings").text  # 2026-11-25: not December yet, law in force
    assert "Holiday table" not in html and "superseded law" not in html
    with session_scope(runtime.engine) as s:
        entry = {e.id: e for e in load_entries(session=s)}["renewal-fee"]
        save_entry(
            session=s, entry=entry.model_copy(update={"laws": ["trademark-law-2019"]}), author="t"
        )
    runtime.conversation.clock.at = dt.datetime(2027, 1, 5, 2, 0, tzinfo=dt.UTC)  # type: ignore[attr-defined]
    html = client.get("/admin/warnings").text
    assert "Holiday table" in html and "no arrangement for 2027" in html
    assert "Resting on a superseded law" in html and 'href="/admin/faq/renewal-fee"' in html
