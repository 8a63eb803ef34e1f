"""The subject x facet map of the bundled corpus (bot/faq/facets.py)."""

from __future__ import annotations

from bot.core.settings import BUNDLED_CORPUS
from bot.faq.facets import bare_facet, build, facet_notes
from knowledge.loader import load_corpus


def test_every_annotation_names_a_corpus_entry_and_known_facets() -> None:
    from bot.core.understand import lexicon

    entries = load_corpus(BUNDLED_CORPUS)
    known = {e.id for e in entries} | {e.topic for e in entries if e.topic}
    facets = {name for name, _ in lexicon().facets}
    for key, note in facet_notes().items():
        assert key in known, key
        for kind in ("primary", "also", "lead"):
            assert set(note.get(kind) or ()) <= facets, (key, kind)


def test_a_facet_of_a_subject_names_one_entry() -> None:
    fmap = build([e for e in load_corpus(BUNDLED_CORPUS) if e.status == "published"])
    assert fmap.best("rejection", "fee") == "rejection-review-deadline"
    assert fmap.best("assignment", "fee") == "assignment-fee"
    assert fmap.best("grace", "documents") == "renewal-documents"  # grace is part of renewal
    assert fmap.best("nonuse", "time") is None  # two entries: a tie names none ...
    assert fmap.best("nonuse", "time", prefer="nonuse-defence-evidence") == (
        "nonuse-defence-evidence"  # ... unless one was just answered
    )
    assert fmap.subject_of("station-count") == "station"


def test_a_bare_facet_is_only_a_facet() -> None:
    assert bare_facet("那收费呢") and bare_facet("and the fee for that?")
    assert not bare_facet("那单独规费呢") and not bare_facet("how much extra")


def test_a_subject_filled_for_only_the_facets_named() -> None:
    # facets.yaml `fills: {opposition: [expired]}`: the opposition period missed leaves the
    # invalidation; the invalidation's fee or time is no answer on the opposition's.
    fmap = build([e for e in load_corpus(BUNDLED_CORPUS) if e.status == "published"])
    assert fmap.best("opposition", "expired") == "invalidation-time-limit"
    assert fmap.best("opposition", "fee") != "invalidation-time-limit"
    assert "invalidation-time-limit" not in fmap.winners("opposition", "result_time")
