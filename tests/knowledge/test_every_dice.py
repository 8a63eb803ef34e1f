"""Retrieval's small-corpus shortcut (knowledge/langindex.py): scoring every phrasing in one pass
gives the very scores, to the last bit, that scoring only the candidates' phrasings gives."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
import yaml

from bot.core.settings import BUNDLED_CORPUS
from knowledge import langindex
from knowledge.glossary import load_glossary
from knowledge.index import FaqIndex
from knowledge.loader import load_corpus
from knowledge.normalize import detect_lang, normalize, tokenize

TODAY = dt.date(2026, 11, 25)
DEVSET = Path(__file__).resolve().parent.parent / "data" / "devset.yaml"


@pytest.fixture(scope="module")
def index() -> FaqIndex:
    return FaqIndex(load_corpus(BUNDLED_CORPUS), load_glossary())


def _questions() -> list[str]:
    return [str(q["q"]) for q in yaml.safe_load(DEVSET.read_text(encoding="utf-8"))["questions"]]


def _raw(index: FaqIndex, text: str) -> tuple[bytes, bytes] | None:
    """The entries scored exactly for `text`, and their raw scores, as bytes."""
    prepared = index.glossary.canonicalize(normalize(text))
    tokens = tokenize(prepared)
    if not tokens:
        return None
    lang = index._langs[detect_lang(prepared) or "zh"]
    scores, exact = lang.scores(lang.terms(tokens), index._valid_mask(TODAY))
    order = np.sort(exact)
    return order.tobytes(), scores[order].tobytes()


def test_every_phrasing_at_once_scores_as_the_candidates_alone(
    index: FaqIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    questions = _questions()
    assert len(questions) > 100
    taken = []
    every = langindex.LangIndex._every_dice

    def counted(self: langindex.LangIndex, query: np.ndarray, norm: float) -> np.ndarray:
        taken.append(norm)
        return every(self, query, norm)

    monkeypatch.setattr(langindex.LangIndex, "_every_dice", counted)
    shortcut = [_raw(index, q) for q in questions]
    # Most questions take the shortcut on the bundled corpus, else this compares nothing.
    assert len(taken) > len(questions) / 2
    monkeypatch.setattr(langindex, "EVERY", 2.0)  # never: the candidates' phrasings only
    taken.clear()
    assert [_raw(index, q) for q in questions] == shortcut
    assert not taken
