"""Memos of pure computations (knowledge/memo.py): bounded, least recently used out first,
thread-safe; and the FAQ index's memo of its rankings, which must equal ranking afresh."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from bot.core.settings import BUNDLED_CORPUS
from knowledge import index as index_module
from knowledge.glossary import load_glossary
from knowledge.index import SEARCHES_KEPT, FaqIndex, Match
from knowledge.loader import load_corpus
from knowledge.memo import Memo

BEFORE, AFTER = dt.date(2026, 11, 25), dt.date(2027, 3, 1)  # the revised law: dated entries


@pytest.fixture(scope="module")
def index() -> FaqIndex:
    return FaqIndex(load_corpus(BUNDLED_CORPUS), load_glossary())


def _typos(text: str) -> list[str]:
    """The text with one character dropped and with two neighbours swapped (mid-text)."""
    if len(text) < 4:
        return []
    i = len(text) // 2
    return [text[:i] + text[i + 1 :], text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]]


def _questions(index: FaqIndex) -> list[str]:
    """Every entry's first phrasings in both languages, with typos, and a few off the corpus."""
    out = ["续展要交多少钱", "how much is renewal", "今天天气怎么样", "商标", "🙂", ""]
    for entry in index.entries:
        for lang in ("zh", "en"):
            for phrasing in entry.phrasings(lang)[:2]:
                out += [phrasing, *_typos(phrasing)]
    return out


def _plain(matches: list[Match]) -> list[tuple[str, float, str]]:
    return [(m.entry.id, m.score, m.phrasing) for m in matches]


def test_a_memo_keeps_the_most_recently_used_within_its_bound() -> None:
    memo: Memo[int] = Memo(3)
    for key in "abc":
        memo.put(key, ord(key))
    assert memo.get("a") == ord("a")  # now the most recently used: "b" goes first
    memo.put("d", 4)
    assert len(memo) == 3
    assert memo.get("b") is None
    assert [memo.get(k) for k in "acd"] == [ord("a"), ord("c"), 4]
    memo.put("a", 5)  # a new value for a key replaces it, no growth
    assert len(memo) == 3 and memo.get("a") == 5
    memo.clear()
    assert len(memo) == 0 and memo.get("a") is None
    with pytest.raises(ValueError):
        Memo(0)


def test_threads_sharing_a_memo_never_exceed_its_bound() -> None:
    memo: Memo[int] = Memo(50)
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        barrier.wait()
        try:
            for i in range(3000):
                key = (offset * 7 + i) % 400
                found = memo.get(key)
                assert found is None or found == key * 2
                memo.put(key, key * 2)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(memo) == 50


def test_search_equals_ranking_afresh_whatever_the_day_language_and_limit(
    index: FaqIndex,
) -> None:
    """Each question asked in turn on two days, in each language and with two limits: a memo
    keyed without any of them would hand one call's ranking to another."""
    questions = _questions(index)
    assert len(questions) > 500
    calls = [
        {"today": day, "lang": lang, "limit": limit}
        for day in (BEFORE, AFTER)
        for lang in (None, "zh", "en")
        for limit in (1, 10)
    ]
    differ = {"today": 0, "lang": 0, "limit": 0}
    for text in questions:
        results = []
        for kwargs in calls:
            fresh = _plain(index.rank(text, **kwargs))  # type: ignore[arg-type]
            assert _plain(index.search(text, **kwargs)) == fresh, (text, kwargs)  # type: ignore[arg-type]
            assert _plain(index.search(text, **kwargs)) == fresh, (text, kwargs)  # type: ignore[arg-type]
            results.append((kwargs, fresh))
        for name in differ:
            # Some question whose ranking moves with this argument alone: the test would see
            # a key without it.
            differ[name] += any(
                a[name] != b[name] and all(a[k] == b[k] for k in a if k != name) and ra != rb
                for a, ra in results
                for b, rb in results
            )
    assert all(differ.values()), differ


def test_a_caller_changing_its_list_does_not_change_the_next_answer(index: FaqIndex) -> None:
    first = index.search("续展要交多少钱", today=BEFORE)
    expected = _plain(first)
    first.clear()
    again = index.search("续展要交多少钱", today=BEFORE)
    assert again is not first and _plain(again) == expected


def test_the_segmenter_learning_words_ranks_afresh(
    index: FaqIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another index's glossary may teach the shared segmenter words, which cut a text
    differently: the ranking memoised before is not reused."""
    ranked: list[str] = []
    real = FaqIndex.rank

    def counting(self: FaqIndex, text: str, **kwargs: object) -> list[Match]:
        ranked.append(text)
        return real(self, text, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(FaqIndex, "rank", counting)
    text = "商标续展的宽展期有多长 (segmenter)"
    index.search(text, today=BEFORE)
    index.search(text, today=BEFORE)
    assert ranked == [text]  # memoised
    taught = index_module.words_taught()
    monkeypatch.setattr(index_module, "words_taught", lambda: taught + 1)
    index.search(text, today=BEFORE)
    assert ranked == [text, text]


def test_the_memo_of_rankings_is_bounded() -> None:
    index = FaqIndex(load_corpus(BUNDLED_CORPUS), load_glossary())
    for i in range(SEARCHES_KEPT + 40):
        index.search(f"续展要交多少钱 {i}", today=BEFORE, limit=1)
    assert len(index._searches) == SEARCHES_KEPT


def test_an_index_swapped_in_never_serves_the_rankings_of_the_one_before() -> None:
    """An admin retires an entry: the index built without it never ranks it, however often
    the question was asked of the index before."""
    entries, glossary = load_corpus(BUNDLED_CORPUS), load_glossary()
    text = "续展要交多少钱"
    before = FaqIndex(entries, glossary)
    for _ in range(2):
        assert before.search(text, today=BEFORE)[0].entry.id == "renewal-fee"
    after = FaqIndex([e for e in entries if e.id != "renewal-fee"], glossary)
    found = after.search(text, today=BEFORE)
    assert "renewal-fee" not in [m.entry.id for m in found]
    assert _plain(found) == _plain(after.rank(text, today=BEFORE))
