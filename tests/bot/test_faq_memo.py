"""The FAQ path's memos (bot/faq/answer.py, bot/faq/guard.py, knowledge/index.py) give what
computing afresh gives, and never outlive what they were computed from: the index, the day,
the station's settings, the fee table."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest

from bot.core.conversation import Conversation
from bot.core.ports import FixedClock
from bot.core.runtime import Runtime
from bot.core.settings import BUNDLED_CORPUS, Settings
from bot.core.understand import Interpretation
from bot.faq import answer as answer_module
from bot.faq.answer import ANSWERS_KEPT, ServedAnswer, _serve, answer_text, served_answer
from bot.faq.guard import RERANKS_KEPT, EntryReads, entry_reads, rerank
from knowledge.glossary import load_glossary
from knowledge.index import FaqIndex, Match
from knowledge.laws import load_laws
from knowledge.loader import load_corpus
from knowledge.schema import FaqEntry
from knowledge.tools.fees import DEFAULT_FEES_FILE, FeeTable, load_fee_table
from knowledge.tools.periods import load_periods
from storage.db import session_scope
from storage.faq import get_record, save_entry
from tests.support.dialog import say

BEFORE, AFTER = dt.date(2026, 11, 25), dt.date(2027, 3, 1)  # the revised law in between


@pytest.fixture(scope="module")
def index() -> FaqIndex:
    return FaqIndex(load_corpus(BUNDLED_CORPUS), load_glossary())


def _renewal_at(tmp_path: Path, online: int) -> FeeTable:
    """The fee table with the online renewal fee (450) changed, as an admin's edit would."""
    edited = tmp_path / f"fees-{online}.yaml"
    text = DEFAULT_FEES_FILE.read_text(encoding="utf-8")
    old = "      paper: 500\n      online: 450\n      unit: per_class\n      unit_verified: false\n      status: V2\n    renewal_late:"
    assert old in text
    edited.write_text(text.replace(old, old.replace("450", str(online))), encoding="utf-8")
    return load_fee_table(edited)


# --- the answer text ---------------------------------------------------------------------------


def test_served_answers_equal_the_texts_rendered_afresh(index: FaqIndex) -> None:
    """Every entry in both languages on two days for two stations, in turn: a memo keyed
    without the day, the language or the station's texts would serve another's text."""
    plain = Settings()
    stations = [
        plain,
        plain.model_copy(update={"station_fees_zh": "本站代办费：面议"}),
        plain.model_copy(update={"station_fees_en": "Ask us about our fees"}),
    ]
    tables = (load_fee_table(), load_periods(), load_laws())
    differ = {"day": False, "lang": False, "station_zh": False, "station_en": False}
    for entry in index.entries:
        texts = {}
        for day, lang, n in itertools.product((BEFORE, AFTER), ("zh", "en"), range(3)):
            fresh = _serve(index, entry, lang, day, stations[n], tables)
            assert fresh.text == answer_text(entry, lang, day, stations[n])
            assert _plain_answer(served_answer(index, entry, lang, day, stations[n])) == (
                _plain_answer(fresh)
            ), entry.id
            texts[(day, lang, n)] = fresh.text
        differ["day"] |= texts[(BEFORE, "zh", 0)] != texts[(AFTER, "zh", 0)]
        differ["lang"] |= texts[(BEFORE, "zh", 0)] != texts[(BEFORE, "en", 0)]
        differ["station_zh"] |= texts[(BEFORE, "zh", 0)] != texts[(BEFORE, "zh", 1)]
        differ["station_en"] |= texts[(BEFORE, "en", 0)] != texts[(BEFORE, "en", 2)]
    assert all(differ.values()), differ  # each is tested by some entry


def _plain_answer(served: ServedAnswer) -> tuple[object, ...]:
    return (served.text, served.reply, [r.id for r in served.related], served.choices)


def test_a_changed_fee_table_shows_at_once(
    index: FaqIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = index.by_id["renewal-fee"]
    settings = Settings()
    assert "每类450元" in served_answer(index, entry, "zh", BEFORE, settings).text
    assert "每类450元" in served_answer(index, entry, "zh", BEFORE, settings).text  # memoised
    monkeypatch.setattr(answer_module, "load_fee_table", lambda: _renewal_at(tmp_path, 460))
    assert "每类460元" in served_answer(index, entry, "zh", BEFORE, settings).text
    monkeypatch.undo()
    assert "每类450元" in served_answer(index, entry, "zh", BEFORE, settings).text


def test_an_entry_replaced_under_the_same_id_is_rendered_afresh(index: FaqIndex) -> None:
    entry = index.by_id["renewal-fee"]
    settings = Settings()
    served_answer(index, entry, "zh", BEFORE, settings)
    edited = entry.model_copy(
        update={"answer": entry.answer.model_copy(update={"zh": "【改】" + entry.answer.zh})}
    )
    assert served_answer(index, edited, "zh", BEFORE, settings).text.startswith("【改】")


def test_the_memo_of_answers_is_bounded() -> None:
    index = FaqIndex(load_corpus(BUNDLED_CORPUS), load_glossary())
    entry, settings = index.entries[0], Settings()
    for i in range(ANSWERS_KEPT + 20):
        served_answer(index, entry, "zh", BEFORE + dt.timedelta(days=i), settings)
    assert len(answer_module._served(index)) == ANSWERS_KEPT


# --- the guard's rerank ------------------------------------------------------------------------


def _interpretations(text: str) -> list[Interpretation | None]:
    subjects = (None, "registration", "renewal", "grace", "madrid", "opposition", "assignment")
    contexts = (None, "renewal", "madrid")
    facets = (None, "fee", "time", "documents", "validity")
    grid = itertools.product(subjects, contexts, (False, True), facets)
    return [None] + [
        Interpretation(text, subject=s, context_subject=c, followup=f, facet=a)
        for s, c, f, a in grid
    ]


def _plain(matches: list[Match]) -> list[tuple[str, float, str]]:
    return [(m.entry.id, m.score, m.phrasing) for m in matches]


def test_reranking_equals_reranking_afresh_for_every_reading(index: FaqIndex) -> None:
    """Each question's candidates under every interpretation in turn: the memo is keyed by
    every field the guard reads, and each of them changes some question's ranking."""
    reads = entry_reads(index)
    fields = ("subject", "context_subject", "followup", "facet")
    differ = dict.fromkeys(fields, False)
    texts = [e.phrasings(lang)[0] for e in index.entries[::3] for lang in ("zh", "en")]
    texts += ["商标注册一个类多少钱", "过了续展期还有宽展期吗", "商标注册下来要多久", "那续展费呢"]
    for text in texts:
        matches = index.search(text, today=BEFORE, limit=10)
        if not matches:
            continue
        ranked: dict[tuple[object, ...], list[tuple[str, float, str]]] = {}
        for interp in _interpretations(text):
            fresh = _plain(rerank(matches, text, interp, EntryReads(reads.reads, reads.pairs)))
            assert _plain(rerank(matches, text, interp, reads)) == fresh, (text, interp)
            if interp is not None:
                ranked[tuple(getattr(interp, f) for f in fields)] = fresh
        for i, name in enumerate(fields):
            if not differ[name]:
                differ[name] = any(
                    a[i] != b[i] and a[:i] + a[i + 1 :] == b[:i] + b[i + 1 :] and ra != rb
                    for (a, ra), (b, rb) in itertools.combinations(ranked.items(), 2)
                )
    assert all(differ.values()), differ


def test_reranking_follows_the_text_and_the_candidates_scores(index: FaqIndex) -> None:
    """The same candidates under other texts, and at other scores: reranked afresh each."""
    reads = entry_reads(index)
    matches = index.search("续展要交多少钱", today=BEFORE, limit=10)
    lowered = [matches[0].rescored(matches[0].score - 30), *matches[1:]]
    texts = ["续展要交多少钱", "宽展期要交多少钱", "马德里续展要交多少钱", "商标注册要交多少钱"]
    results = set()
    for text, candidates in itertools.product(texts, (matches, lowered)):
        for interp in (None, Interpretation(text, subject="renewal", facet="fee")):
            fresh = _plain(rerank(candidates, text, interp, EntryReads(reads.reads, reads.pairs)))
            assert _plain(rerank(candidates, text, interp, reads)) == fresh, (text, interp)
            results.add((candidates is lowered, interp is None, tuple(fresh)))
    assert len(results) > 4  # the texts and the scores changed some rankings


def test_a_reranked_list_changed_by_its_caller_does_not_change_the_next(index: FaqIndex) -> None:
    reads = entry_reads(index)
    text = "续展要交多少钱"
    interp = Interpretation(text, subject="renewal", facet="fee")
    matches = index.search(text, today=BEFORE, limit=10)
    first = rerank(matches, text, interp, reads)
    expected = _plain(first)
    first.reverse()
    assert _plain(rerank(matches, text, interp, reads)) == expected


def test_the_memo_of_reranks_is_bounded(index: FaqIndex) -> None:
    reads = EntryReads(entry_reads(index).reads, entry_reads(index).pairs)
    matches = index.search("续展要交多少钱", today=BEFORE, limit=10)
    for i in range(RERANKS_KEPT + 20):
        rerank(matches, f"续展要交多少钱 {i}", None, reads)
    assert len(reads._reranked) == RERANKS_KEPT


# --- the whole turn --------------------------------------------------------------------------


def _ask(conv: Conversation, text: str, user: str) -> str:
    return "\n".join(r.text for r in say(conv, text, user=user))


def test_a_repeated_question_follows_an_edit_a_fee_change_and_the_day(
    runtime: Runtime, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conv = runtime.conversation
    first = _ask(conv, "续展要交多少钱", "u1")
    assert "450" in first and _ask(conv, "续展要交多少钱", "u2") == first
    # An edit swaps the index: the next answer is the edited one (its fee from the table).
    with session_scope(runtime.engine) as s:
        record = get_record(session=s, entry_id="renewal-fee")
        assert record is not None
        entry = FaqEntry.model_validate(record.data)
        edited = "【新】续展官费网上每类{{fee:renewal.online}}元。"
        answer = entry.answer.model_copy(update={"zh": edited})
        save_entry(session=s, entry=entry.model_copy(update={"answer": answer}), author="t")
    assert "【新】续展官费网上每类450元" in _ask(conv, "续展要交多少钱", "u3")
    assert "【新】续展官费网上每类450元" in _ask(conv, "续展要交多少钱", "u4")
    # The fee table changes: the next answer has the new figure.
    monkeypatch.setattr(answer_module, "load_fee_table", lambda: _renewal_at(tmp_path, 470))
    assert "【新】续展官费网上每类470元" in _ask(conv, "续展要交多少钱", "u5")
    # The day moves past the revised law: the entry valid then answers.
    before = _ask(conv, "异议期多长", "u6")
    assert "3个月" in before and _ask(conv, "异议期多长", "u7") == before
    clock.at = dt.datetime(2027, 3, 1, 2, 0, tzinfo=dt.UTC)
    after = _ask(conv, "异议期多长", "u8")
    assert "3个月" not in after and "修订后的商标法" in after
