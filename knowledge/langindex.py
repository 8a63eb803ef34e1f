"""The per-language half of the FAQ index: phrasings, idf weights, postings and raw scores.

Every entry's phrasings are stored contiguously (`offsets[i]:offsets[i + 1]`), so the best
phrasing per entry is one `np.maximum.reduceat` and no scan over owners is ever needed.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from knowledge.glossary import Glossary
from knowledge.normalize import CJK_RE, normalize, tokenize
from knowledge.schema import FaqEntry

__all__ = ("BIGRAM_WEIGHT", "BLEND", "LangIndex", "QueryTerms")

BIGRAM_WEIGHT = 0.5  # a character bigram counts half a word: it mostly repeats one
BLEND = (0.3, 0.7)  # best-phrasing Dice, share of the question covered by the entry's words
SHORT_UNKNOWN = 0.3  # weight of an unknown one-character word, relative to a typical word
PARTLY_KNOWN = 0.5  # weight of an unknown word whose characters or bigrams are known
ANSWER_WEIGHT = 0.2  # a word only in the entry's answer, relative to one in its phrasings
TYPO_CUTOFF = 80  # rapidfuzz ratio for an unknown English word to borrow a known one


@dataclass
class QueryTerms:
    """A question's weighted tokens, and the content words the corpus has never seen."""

    weights: dict[str, float] = field(default_factory=dict)
    strangers: list[str] = field(default_factory=list)

    @property
    def norm(self) -> float:
        return sum(self.weights.values())


class LangIndex:
    """Phrasings of one language, stored contiguously per entry."""

    def __init__(self, entries: Sequence[FaqEntry], lang: str, glossary: Glossary) -> None:
        self.lang = lang
        self.texts: list[str] = []
        token_sets: list[set[str]] = []
        offsets = [0]
        for entry in entries:
            for phrasing in entry.phrasings(lang):
                prepared = glossary.canonicalize(normalize(phrasing))
                self.texts.append(prepared)
                token_sets.append(set(tokenize(prepared)))
            offsets.append(len(self.texts))
        self.offsets = np.asarray(offsets, dtype=np.int64)
        self.n_entries = len(entries)
        owners = np.repeat(np.arange(self.n_entries, dtype=np.int32), np.diff(self.offsets))
        # Per entry, the union of its phrasings' tokens.
        bags: dict[str, set[int]] = defaultdict(set)
        postings: dict[str, list[int]] = defaultdict(list)
        for p, tokens in enumerate(token_sets):
            for tok in tokens:
                postings[tok].append(p)
                bags[tok].add(int(owners[p]))
        # Words that only an entry's answer has are weak evidence for that entry.
        answer_bags: dict[str, set[int]] = defaultdict(set)
        for i, entry in enumerate(entries):
            for tok in set(tokenize(glossary.canonicalize(normalize(entry.answer.get(lang))))):
                if i not in bags.get(tok, ()):
                    answer_bags[tok].add(i)
        # idf over entries, not phrasings: a word repeated in every alternate of one entry is
        # that entry's word, not a common one. Answers only fill in words no phrasing has.
        n = max(self.n_entries, 1)
        df = {t: len(es) for t, es in bags.items()}
        for t, es in answer_bags.items():
            df.setdefault(t, len(es))
        self.idf = {
            tok: math.log(1.0 + n / c) * (BIGRAM_WEIGHT if tok.startswith("~") else 1.0)
            for tok, c in df.items()
        }
        self.answer_bags = {t: _ids(es) for t, es in answer_bags.items()}
        words = [w for t, w in self.idf.items() if not t.startswith("~")]
        # A word never seen counts against a match (it may be what the question is really
        # about: "domain", "passport"), weighted like a typical corpus word.
        self.unknown_idf = float(np.median(words)) if words else 1.0
        self.postings = {t: np.asarray(ps, dtype=np.int32) for t, ps in postings.items()}
        self.bags = {t: _ids(es) for t, es in bags.items()}
        self.norms = np.asarray(
            [sum(self.idf[t] for t in tokens) for tokens in token_sets], dtype=np.float64
        )
        self.latin_vocab = [t for t in self.idf if t.isascii() and len(t) > 3 and t[0] != "~"]
        # reduceat needs non-empty runs; every entry has its main question in each language.
        self._starts = self.offsets[:-1]

    def phrasings_of(self, entry: int) -> range:
        """Indices into `texts` of one entry's phrasings."""
        return range(int(self.offsets[entry]), int(self.offsets[entry + 1]))

    def terms(self, tokens: Sequence[str]) -> QueryTerms:
        """Weights of a question's tokens against this language's vocabulary."""
        out = QueryTerms()
        weights = out.weights
        unknown_cjk: list[str] = []
        for tok in tokens:
            if tok in weights:
                continue
            known = self.idf.get(tok)
            if known is not None:
                weights[tok] = known
            elif tok.startswith("~"):
                continue  # an unseen bigram is segmentation noise, not evidence
            elif CJK_RE.match(tok):
                unknown_cjk.append(tok)
            else:
                self._unknown_latin(tok, out)
        for tok in unknown_cjk:
            # 同类产品 also gives 同类 and 类产品: one unknown word counts once.
            if not any(tok != other and tok in other for other in unknown_cjk):
                self._unknown_cjk(tok, out)
        return out

    def _unknown_cjk(self, tok: str, out: QueryTerms) -> None:
        if len(tok) == 1:
            out.weights[tok] = SHORT_UNKNOWN * self.unknown_idf
            return
        # A word none of whose characters or bigrams the corpus knows is a stranger (域名,
        # 护照); otherwise it is a segmentation or typo variant of known words (一类).
        parts = [*tok, *(f"~{tok[i]}{tok[i + 1]}" for i in range(len(tok) - 1))]
        if any(p in self.idf for p in parts):
            out.weights[tok] = PARTLY_KNOWN * self.unknown_idf
        else:
            out.weights[tok] = self.unknown_idf
            out.strangers.append(tok)

    def _unknown_latin(self, tok: str, out: QueryTerms) -> None:
        if len(tok) > 3 and self.latin_vocab:
            # English typo ("renwal"): borrow the closest known word.
            hit = process.extractOne(
                tok, self.latin_vocab, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF
            )
            if hit is not None:
                out.weights[hit[0]] = self.idf[hit[0]] * hit[1] / 100.0
                return
        if tok.isdigit() or len(tok) < 3:
            out.weights[tok] = SHORT_UNKNOWN * self.unknown_idf
            return
        out.weights[tok] = self.unknown_idf
        out.strangers.append(tok)

    def scores(self, terms: QueryTerms) -> np.ndarray:
        """Raw score (0-100) of every entry for a question's terms."""
        if not self.texts or terms.norm <= 0:
            return np.zeros(self.n_entries, dtype=np.float64)
        inter = np.zeros(len(self.texts), dtype=np.float64)
        covered = np.zeros(self.n_entries, dtype=np.float64)
        for tok, w in terms.weights.items():
            posting = self.postings.get(tok)
            if posting is not None:
                inter[posting] += w
                covered[self.bags[tok]] += w
            extra = self.answer_bags.get(tok)
            if extra is not None:
                covered[extra] += ANSWER_WEIGHT * w
        dice = inter
        dice *= 200.0
        dice /= terms.norm + self.norms
        best = np.maximum.reduceat(dice, self._starts)
        best *= BLEND[0]
        covered *= BLEND[1] * 100.0 / terms.norm
        best += covered
        return best

    def matched(self, terms: QueryTerms, entry: int) -> list[str]:
        """The question's tokens that one entry's phrasings contain."""
        return [t for t in terms.weights if t in self.bags and _contains(self.bags[t], entry)]


def _ids(entries: set[int]) -> np.ndarray:
    return np.fromiter(sorted(entries), dtype=np.int32, count=len(entries))


def _contains(sorted_ids: np.ndarray, value: int) -> bool:
    pos = int(np.searchsorted(sorted_ids, value))
    return pos < len(sorted_ids) and int(sorted_ids[pos]) == value
