"""The two baselines of the retrieval benchmark.

- `WRatioBaseline`: plain `rapidfuzz.process.extractOne` with `fuzz.WRatio` over each entry's
  main question in the question's language (`utils.default_process` applied once up front).
- `Bm25Baseline`: BM25 (`bm25s`, Lucene variant) over jieba tokens (rjieba search mode for
  Chinese, lower-cased words for English) of every phrasing of an entry, both languages.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import bm25s
import numpy as np
import rjieba
from rapidfuzz import fuzz, process, utils

from knowledge.normalize import detect_lang
from knowledge.schema import FaqEntry

__all__ = ("Bm25Baseline", "WRatioBaseline", "jieba_tokens")

Hit = tuple[FaqEntry | None, float]
_SPLIT = re.compile(r"[a-z0-9]+|[\u3400-\u4dbf\u4e00-\u9fff]+")


class WRatioBaseline:
    """Best main question by WRatio."""

    name = "rapidfuzz WRatio"

    def __init__(self, entries: Sequence[FaqEntry]) -> None:
        self.entries = list(entries)
        self.choices = {
            lang: [utils.default_process(e.question.get(lang)) for e in self.entries]
            for lang in ("zh", "en")
        }

    def top(self, question: str) -> Hit:
        lang = detect_lang(question) or "zh"
        hit = process.extractOne(
            utils.default_process(question), self.choices[lang], scorer=fuzz.WRatio, processor=None
        )
        return (self.entries[hit[2]], float(hit[1])) if hit else (None, 0.0)


def jieba_tokens(text: str) -> list[str]:
    """Lower-cased NFKC words: jieba search-mode words for Chinese, words for English."""
    text = unicodedata.normalize("NFKC", text).lower()
    out: list[str] = []
    for chunk in _SPLIT.findall(text):
        out.extend(rjieba.cut_for_search(chunk) if not chunk.isascii() else [chunk])
    return out


class Bm25Baseline:
    """Best entry by BM25 over all its phrasings."""

    name = "BM25 (bm25s, jieba)"

    def __init__(self, entries: Sequence[FaqEntry]) -> None:
        self.entries = list(entries)
        docs = [
            [t for lang in ("zh", "en") for p in e.phrasings(lang) for t in jieba_tokens(p)]
            for e in self.entries
        ]
        self.bm25 = bm25s.BM25()
        self.bm25.index(docs, show_progress=False)
        self.vocab = self.bm25.vocab_dict

    def top(self, question: str) -> Hit:
        tokens = [t for t in jieba_tokens(question) if t in self.vocab]
        if not tokens:
            return (None, 0.0)
        scores = self.bm25.get_scores(tokens)
        best = int(np.argmax(scores))
        return (self.entries[best], float(scores[best]))
