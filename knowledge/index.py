"""FAQ retrieval: idf-weighted token overlap over every phrasing, refined by rapidfuzz.

Why this shape: short Chinese questions share few whole words, so tokens are jieba words plus
character bigrams, weighted by idf, and compared two ways, vectorised with numpy (fast at 5,000
entries): a Dice overlap with the entry's best phrasing, and the share of the question that the
entry's words cover (a short question often mixes words of different alternates). rapidfuzz then
rescores the best few entries on the raw strings, which catches typos and word-order changes.

The score is then calibrated into a confidence, comparable across questions so that one threshold
decides answer / suggest / decline: it is lowered when the question is not about trademarks at
all (`knowledge/scope.py`), when it is too thin to pick one entry (a bare 商标), and when the best
entry barely beats an entry of another topic (ambiguous: better to suggest). Figures and the
benchmark against two baselines: docs/benchmarks.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from knowledge.glossary import Glossary
from knowledge.langindex import LangIndex, QueryTerms
from knowledge.memo import Memo
from knowledge.normalize import add_words, detect_lang, normalize, tokenize, words_taught
from knowledge.schema import FaqEntry
from knowledge.scope import Scope

__all__ = ("LANGS", "FaqIndex", "Match")

LANGS = ("zh", "en")
RERANK = 8  # entries rescored with rapidfuzz
OFF_TOPIC = 0.5  # confidence factor for a question that is not about trademarks
MARGIN = 8.0  # below this lead over the best other topic, the top entry loses confidence
MARGIN_COST = 0.5  # points of confidence lost per point of missing lead
INFO_WORDS = 2.5  # a question weighing less than this many typical words is too thin to answer
INFO_FLOOR = 0.5  # confidence factor of a question that weighs nothing
# Rankings memoised per index: the head of a station's questions repeats all day; new texts
# beyond this many push out the least recently asked (a ranking: ~0.6 KiB).
SEARCHES_KEPT = 1024


@dataclass(frozen=True, slots=True)
class Match:
    """One ranked entry for a question (slotted: the memos of rankings hold thousands)."""

    entry: FaqEntry
    score: float  # 0-100
    phrasing: str  # the phrasing that matched best

    def rescored(self, score: float) -> Match:
        """The same match at another score (`dataclasses.replace` costs several times more: the
        FAQ guard rescores a few candidates on every question)."""
        return Match(self.entry, score, self.phrasing)


class FaqIndex:
    """Ranks published entries for a question, in the question's language."""

    def __init__(self, entries: Iterable[FaqEntry], glossary: Glossary | None = None) -> None:
        self.glossary = glossary or Glossary()
        self.entries = [e for e in entries if e.status == "published"]
        self.by_id = {e.id: e for e in self.entries}
        add_words(self.glossary.terms)
        self._langs = {lang: LangIndex(self.entries, lang, self.glossary) for lang in LANGS}
        self._scope = Scope(self.glossary)
        topics = [e.topic or f"#{e.id}" for e in self.entries]
        keys = {t: i for i, t in enumerate(dict.fromkeys(topics))}
        self._topic = np.asarray([keys[t] for t in topics], dtype=np.int32)
        self._valid_cache: tuple[dt.date, np.ndarray] | None = None
        # Dies with the index: an edit swaps in a new index, with an empty memo (bot/faq/corpus.py).
        self._searches: Memo[tuple[Match, ...]] = Memo(SEARCHES_KEPT)

    def resolve(self, entry_id: str, today: dt.date) -> FaqEntry | None:
        """The entry, or its dated sibling of the same topic that is valid on `today`."""
        entry = self.by_id.get(entry_id)
        if entry is None or entry.valid_on(today):
            return entry
        siblings = [e for e in self.entries if entry.topic and e.topic == entry.topic]
        return next((e for e in siblings if e.valid_on(today)), None)

    def __len__(self) -> int:
        return len(self.entries)

    def _valid_mask(self, today: dt.date) -> np.ndarray:
        if self._valid_cache is None or self._valid_cache[0] != today:
            mask = np.asarray([e.valid_on(today) for e in self.entries], dtype=bool)
            self._valid_cache = (today, mask)
        return self._valid_cache[1]

    def search(
        self, text: str, *, today: dt.date, lang: str | None = None, limit: int = 5
    ) -> list[Match]:
        """The best `limit` entries valid on `today`, best first, scored 0-100.

        `rank` memoised: a pure function of its arguments and of this index, but for the
        segmenter, which may learn words from another index's glossary (`words_taught`). A new
        list each time (callers filter theirs); the matches themselves are frozen."""
        key = (text, today, lang, limit, words_taught())
        found = self._searches.get(key)
        if found is None:
            found = tuple(self.rank(text, today=today, lang=lang, limit=limit))
            self._searches.put(key, found)
        return list(found)

    def rank(
        self, text: str, *, today: dt.date, lang: str | None = None, limit: int = 5
    ) -> list[Match]:
        """`search` computed afresh, never memoised (what latency benchmarks time)."""
        if not self.entries:
            return []
        normalized = normalize(text)
        prepared = self.glossary.canonicalize(normalized)
        tokens = tokenize(prepared)
        if not tokens:
            return []
        lang = lang or detect_lang(prepared) or "zh"
        index = self._langs[lang]
        terms = index.terms(tokens)
        scores, ranked = index.scores(terms, self._valid_mask(today))
        ranked = ranked[scores[ranked] > 0]
        ranked = ranked[(-scores[ranked]).argsort(kind="stable")]
        lead = ranked[:RERANK]
        leaders = lead.tolist()
        fuzzy = dict(zip(leaders, index.best_phrasings(leaders, prepared), strict=True))
        if leaders:
            # Rescore the leaders on raw strings: typos, order, and very short questions.
            ratios = np.asarray([ratio for ratio, _ in fuzzy.values()])
            words = scores[lead]
            scores[lead] = np.maximum(words, (words + ratios) / 2.0)
        ranked = ranked[(-scores[ranked]).argsort(kind="stable")]
        if not len(ranked):
            return []
        best = int(ranked[0])
        factor = self._confidence_factor(normalized, terms, index, best)
        lead = self._lead(scores, ranked)
        out: list[Match] = []
        for i in ranked[:limit].tolist():
            score = float(scores[i]) * factor
            if not out:
                score -= MARGIN_COST * max(0.0, MARGIN - lead * factor)
            else:
                score = min(score, out[0].score)  # suggestions never outrank the best
            p = fuzzy[i][1] if i in fuzzy else index.phrasings_of(i)[0]
            out.append(Match(self.entries[i], round(max(score, 0.0), 1), index.texts[p]))
        return out

    def neighbour_only(self, text: str) -> bool:
        """Whether a question names a neighbouring subject (patent, domain, passport ...) and no
        trademark word: retrieval's off-topic rule 1 (knowledge/scope.py), for callers that
        answer from more than the words' scores."""
        return self._scope.neighbour_without_anchor(normalize(text))

    def right_asked_of_us(self, text: str) -> bool:
        """Whether a question asks the station about another IP right (knowledge/scope.py)."""
        return self._scope.right_asked_of_us(normalize(text))

    def _lead(self, scores: np.ndarray, ranked: np.ndarray) -> float:
        """How far the best entry is ahead of the best entry of any other topic."""
        other = ranked[self._topic[ranked] != self._topic[ranked[0]]]
        return float(scores[ranked[0]] - (scores[other[0]] if len(other) else 0.0))

    def _confidence_factor(
        self, normalized: str, terms: QueryTerms, index: LangIndex, best: int
    ) -> float:
        if self._scope.neighbour_without_anchor(normalized):
            return OFF_TOPIC
        if terms.strangers and self._scope.generic_only(index.matched(terms, best)):
            return OFF_TOPIC
        # A bare "商标" or "renewal" is covered by dozens of entries: suggest, do not answer.
        info = min(1.0, terms.norm / (INFO_WORDS * index.unknown_idf))
        return INFO_FLOOR + (1.0 - INFO_FLOOR) * info
