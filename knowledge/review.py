"""Corpus review helpers for the admin: stale facts, near-duplicate questions, question clusters.

Similarity compares the *words* of normalised texts (jieba for Chinese, stemmed English) with
rapidfuzz's token_sort_ratio: Chinese has no spaces, so a plain ratio on raw strings would
miss reordered phrasings, and token_set_ratio scores any subset as 100 ("机构" against a long
question about agencies), which floods the list with false duplicates.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from rapidfuzz import fuzz, process

from knowledge.normalize import normalize, tokenize
from knowledge.schema import FaqEntry

__all__ = (
    "CLUSTER_THRESHOLD",
    "DUPLICATE_THRESHOLD",
    "DuplicatePair",
    "cluster",
    "comparable",
    "near_duplicates",
    "question_key",
    "stale_entries",
)

DUPLICATE_THRESHOLD = 88.0  # measured on knowledge/corpus: above it, pairs are real overlaps
CLUSTER_THRESHOLD = 78.0  # WRatio; separates 商标注册要多少钱 from 商标续展要多少钱 (74)
T = TypeVar("T")


def comparable(text: str) -> str:
    """The words of a text, space-separated, for fuzzy comparison (no bigrams, no stop words)."""
    return " ".join(t for t in tokenize(normalize(text)) if not t.startswith("~"))


def question_key(text: str) -> str:
    """The key under which alike questions meet: their words, or the normalised text."""
    return comparable(text) or normalize(text)


@dataclass(frozen=True)
class DuplicatePair:
    """Two phrasings of different entries that ask nearly the same thing."""

    a: str  # entry id
    b: str
    lang: str
    a_text: str
    b_text: str
    score: float


def stale_entries(
    entries: Sequence[FaqEntry], today: dt.date, max_age_days: int
) -> list[tuple[FaqEntry, int]]:
    """Live entries whose as_of date is more than `max_age_days` old, oldest first."""
    out = []
    for entry in entries:
        if entry.status != "retired" and entry.as_of is not None:
            age = (today - entry.as_of).days
            if age > max_age_days:
                out.append((entry, age))
    return sorted(out, key=lambda pair: -pair[1])


def _overlap(a: FaqEntry, b: FaqEntry) -> bool:
    # Dated variants (valid until 2026-12-31 / from 2027-01-01) never answer on the same day.
    start_a, start_b = a.valid_from or dt.date.min, b.valid_from or dt.date.min
    end_a, end_b = a.valid_until or dt.date.max, b.valid_until or dt.date.max
    return start_a <= end_b and start_b <= end_a


def near_duplicates(
    entries: Sequence[FaqEntry], threshold: float = DUPLICATE_THRESHOLD
) -> list[DuplicatePair]:
    """Pairs of live entries with a phrasing each that score at least `threshold`, best first.

    Entries of one topic and entries never valid on the same day are skipped: they are
    deliberate variants, not duplicates. One pair per two entries (their closest phrasings).
    """
    live = [e for e in entries if e.status != "retired"]
    best: dict[tuple[str, str], DuplicatePair] = {}
    for lang in ("zh", "en"):
        raw = [(i, phr) for i, entry in enumerate(live) for phr in entry.phrasings(lang)]
        texts = [comparable(phr) for _, phr in raw]
        for block in _blocks([t.split() for t in texts]):
            scores = process.cdist(
                [texts[p] for p in block],
                [texts[p] for p in block],
                scorer=fuzz.token_sort_ratio,
                score_cutoff=threshold,
                dtype=np.float32,
                workers=-1,
            )
            for x, y in zip(*np.nonzero(np.triu(scores, 1)), strict=True):
                (ia, text_a), (ib, text_b) = raw[block[x]], raw[block[y]]
                if ia == ib:
                    continue
                if ia > ib:
                    ia, ib, text_a, text_b = ib, ia, text_b, text_a
                a, b = live[ia], live[ib]
                if (a.topic and a.topic == b.topic) or not _overlap(a, b):
                    continue
                score = round(float(scores[x, y]), 1)
                key = (a.id, b.id)
                if key not in best or score > best[key].score:
                    best[key] = DuplicatePair(a.id, b.id, lang, text_a, text_b, score)
    return sorted(best.values(), key=lambda d: (-d.score, d.a, d.b))


def _blocks(words: Sequence[list[str]], rare: int = 3, cap: int = 1500) -> list[list[int]]:
    # Comparing every phrasing with every other is quadratic (70,000 phrasings at 5,000
    # entries). Near-duplicates share most words, so each phrasing goes into the blocks of its
    # `rare` rarest words and is compared (rapidfuzz cdist, in C++) only inside those blocks.
    df: dict[str, int] = defaultdict(int)
    for ws in words:
        for w in set(ws):
            df[w] += 1
    blocks: dict[str, list[int]] = defaultdict(list)
    for p, ws in enumerate(words):
        for w in sorted(set(ws), key=lambda w: (df[w], w))[:rare]:
            blocks[w].append(p)
    return [b[:cap] for b in blocks.values() if len(b) > 1]


def cluster(
    items: Sequence[T], text: Callable[[T], str], threshold: float = CLUSTER_THRESHOLD
) -> list[list[T]]:
    """Group items whose texts are alike; biggest groups first, items keep their order.

    Greedy single pass: identical comparable texts always share a group; otherwise an item
    joins the group whose representative scores best, if at least `threshold`. Only groups
    sharing one of the item's three rarest words are scored (WRatio costs microseconds a pair,
    and 5,000 questions against every group would take half a minute).
    """
    groups: list[list[T]] = []
    reps: list[str] = []
    exact: dict[str, int] = {}
    postings: dict[str, list[int]] = defaultdict(list)  # word -> groups whose rep holds it
    for item in items:
        key = question_key(text(item))
        g = exact.get(key)
        if g is None and reps:
            words = sorted(set(key.split()), key=lambda w: (len(postings[w]), w))[:3]
            candidates = sorted({c for w in words for c in postings[w]})
            # WRatio weighs partial and unordered overlaps, which suits short user questions
            # ("周末上班吗" / "周末上不上班", 86) better than token_sort_ratio (71).
            found = process.extractOne(
                key, [reps[c] for c in candidates], scorer=fuzz.WRatio, score_cutoff=threshold
            )
            g = candidates[found[2]] if found else None
        if g is None:
            g = len(groups)
            groups.append([])
            reps.append(key)
            for w in set(key.split()):
                postings[w].append(g)
        exact[key] = g
        groups[g].append(item)
    return sorted(groups, key=len, reverse=True)
