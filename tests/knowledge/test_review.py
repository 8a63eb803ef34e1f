"""Review helpers: stale facts, near-duplicate questions across entries, question clusters."""

from __future__ import annotations

import datetime as dt

from bot.core.settings import BUNDLED_CORPUS
from knowledge.loader import load_corpus
from knowledge.review import cluster, near_duplicates, question_key, stale_entries
from knowledge.schema import FaqEntry

CORPUS = load_corpus(BUNDLED_CORPUS)
TODAY = dt.date(2026, 11, 25)


def _entry(entry_id: str, zh: str, en: str, **extra: object) -> FaqEntry:
    return FaqEntry.model_validate(
        {
            "id": entry_id,
            "question": {"zh": zh, "en": en},
            "answer": {"zh": "答", "en": "answer"},
            **extra,
        }
    )


def test_stale_entries_oldest_first_and_not_retired() -> None:
    entries = [
        _entry("aa", "问一", "q one", as_of="2025-01-01"),
        _entry("bb", "问二", "q two", as_of="2024-01-01"),
        _entry("cc", "问三", "q three", as_of="2026-11-01"),
        _entry("dd", "问四", "q four", as_of="2020-01-01", status="retired"),
        _entry("ee", "问五", "q five"),
    ]
    assert [(e.id, age) for e, age in stale_entries(entries, TODAY, 365)] == [
        ("bb", 1059),
        ("aa", 693),
    ]


def test_near_duplicates_across_entries_but_not_variants() -> None:
    entries = [
        _entry("fee", "商标续展要交多少钱", "how much is renewal"),
        _entry("cost", "续展要交多少钱商标", "renewal price", topic="x"),
        _entry("old", "商标续展要交多少钱", "renewal fee", topic="t", valid_until="2026-12-31"),
        _entry("new", "商标续展要交多少钱", "renewal fee", topic="t", valid_from="2027-01-01"),
        _entry("dated", "商标续展要交多少钱", "renewal fee 2", valid_from="2027-01-01"),
        _entry("gone", "商标续展要交多少钱", "renewal fee", status="retired"),
        _entry("madrid", "马德里申请要多少钱", "madrid fee"),
    ]
    pairs = {(d.a, d.b, d.lang) for d in near_duplicates(entries)}
    assert ("fee", "cost", "zh") in pairs  # same words, other order
    assert ("old", "new", "zh") not in pairs  # one topic
    assert ("old", "dated", "zh") not in pairs  # never valid on the same day
    assert not any("gone" in p or "madrid" in p for p in pairs)


def test_bundled_corpus_has_few_near_duplicates() -> None:
    # Measured 2026-11-25: three real overlaps at the default threshold. Its speed is no test's
    # business (it failed on a loaded machine): speed targets live in benchmarks.
    found = near_duplicates(CORPUS)
    assert len(found) <= 10


def test_cluster_groups_alike_questions_and_keeps_different_ones_apart() -> None:
    questions = [
        "你们周末上班吗",
        "续展要多少钱",
        "你们周末上不上班",
        "商标续展费用多少",
        "商标注册要多少钱",
        "how much is renewal",
        "how much does renewal cost",
        "周末你们上班吗？",
    ]
    groups = cluster(questions, text=lambda q: q)
    assert groups[0] == ["你们周末上班吗", "你们周末上不上班", "周末你们上班吗？"]
    as_sets = [set(g) for g in groups]
    assert {"how much is renewal", "how much does renewal cost"} in as_sets
    assert {"商标注册要多少钱"} in as_sets


def test_question_key_ignores_punctuation_and_width() -> None:
    assert question_key("续展要多少钱？") == question_key("续展要多少钱 ?")
    assert question_key("ＨＯＷ much") == question_key("how much")
