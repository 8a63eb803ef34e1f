"""The per-language half of the FAQ index: phrasings, idf weights, postings and raw scores.

Every entry's phrasings are stored contiguously (`offsets[i]:offsets[i + 1]`), so the best
phrasing per entry is one `np.maximum.reduceat` and no scan over owners is ever needed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from knowledge.figures import indexable_answer
from knowledge.glossary import Glossary
from knowledge.normalize import CJK_RE, normalize, tokenize
from knowledge.schema import FaqEntry

__all__ = ("BIGRAM_WEIGHT", "BLEND", "LangIndex", "QueryTerms")

BIGRAM_WEIGHT = 0.5  # a character bigram counts half a word: it mostly repeats one
BLEND = (0.3, 0.7)  # best-phrasing Dice, share of the question covered by the entry's words
SHORT_UNKNOWN = 0.3  # weight of an unknown one-character word, relative to a typical word
PARTLY_KNOWN = 0.5  # weight of an unknown word whose characters or bigrams are known
ANSWER_WEIGHT = 0.2  # a word only in the entry's answer, relative to one in its phrasings
CANDIDATES = 64  # entries whose phrasings are scored first (more when needed to be exact)
EXACT = 16  # this many best scores are always exact
EVERY = 0.2  # share of the entries to score from which all are scored (cheaper, measured at 111)
TYPO_CUTOFF = 80
_EMPTY = "\x00"  # the placeholder token of a phrasing without tokens  # rapidfuzz ratio for an unknown English word to borrow a known one


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
        self.n_entries = len(entries)
        self.texts = [
            glossary.canonicalize(normalize(p)) for entry in entries for p in entry.phrasings(lang)
        ]
        counts = [len(entry.phrasings(lang)) for entry in entries]
        self.offsets = np.concatenate(([0], np.cumsum(counts, dtype=np.int64)))
        owners = np.repeat(np.arange(self.n_entries, dtype=np.int32), counts)
        # Token ids; (token, phrasing) pairs, each once, in phrasing order. A phrasing of
        # stopwords only gets a placeholder token, so that none is empty (reduceat).
        self.vocab: dict[str, int] = {}
        pair_tok, sizes = self._token_ids(self.texts, _EMPTY)
        pair_phr = np.repeat(np.arange(len(sizes), dtype=np.int32), sizes)
        answers = (glossary.canonicalize(normalize(indexable_answer(e, lang))) for e in entries)
        ans_tok, ans_sizes = self._token_ids(answers, None)
        ans_ent = np.repeat(np.arange(self.n_entries, dtype=np.int32), ans_sizes)
        n_vocab = len(self.vocab)
        # Each phrasing's token ids (pairs are in phrasing order), and per token the entries
        # whose phrasings have it (a short question often mixes words of different alternates).
        self._phr_tok = pair_tok
        # `take` casts any other index type on every call: an intp copy for `_every_dice`, only
        # in an index small enough to take that path (a fifth of it within CANDIDATES).
        small = EVERY * self.n_entries <= CANDIDATES
        self._phr_tok_intp = pair_tok.astype(np.intp) if small else pair_tok
        self._phr_size = sizes
        self._phr_ptr = np.concatenate(([0], np.cumsum(self._phr_size)))
        self._ent_tok = self._phr_ptr[self.offsets]  # an entry's tokens are contiguous too
        self._phr_start = self._phr_ptr[:-1]
        self._ent_start = self.offsets[:-1]
        # Where each entry's phrasings start in `texts`, as Python ints for the fuzzy rescoring
        # (0.2 MiB at 5,000 entries; numpy scalars or a gather cost more per question).
        self._starts = self.offsets.tolist()
        bag_key = _unique(pair_tok.astype(np.int64) * self.n_entries + owners[pair_phr])
        self._bags = _Csr(bag_key // self.n_entries, bag_key % self.n_entries, n_vocab)
        # Words that only an entry's answer has are weak evidence for that entry.
        ans_key = _unique(ans_tok.astype(np.int64) * self.n_entries + ans_ent)
        ans_key = ans_key[np.isin(ans_key, bag_key, assume_unique=True, invert=True)]
        self._answers = _Csr(ans_key // self.n_entries, ans_key % self.n_entries, n_vocab)
        # idf over entries, not phrasings: a word repeated in every alternate of one entry is
        # that entry's word, not a common one. Answers only fill in words no phrasing has.
        df = self._bags.counts()
        answer_only = df == 0
        df[answer_only] = self._answers.counts()[answer_only]
        idf = np.log1p(max(self.n_entries, 1) / np.maximum(df, 1))
        tokens = list(self.vocab)
        bigram = np.fromiter((t[0] == "~" for t in tokens), dtype=bool, count=n_vocab)
        idf[bigram] *= BIGRAM_WEIGHT
        if _EMPTY in self.vocab:
            idf[self.vocab[_EMPTY]] = 0.0
        # By token id: a dict keyed by the tokens again would repeat `vocab` (about 0.4 MiB).
        self._idf: list[float] = idf.tolist()
        words = idf[~bigram]
        # A word never seen counts against a match (it may be what the question is really
        # about: "domain", "passport"), weighted like a typical corpus word.
        self.unknown_idf = _median(words) if len(words) else 1.0
        self.norms = np.bincount(pair_phr, weights=idf[pair_tok], minlength=len(self.texts))
        self._min_norm = (
            np.minimum.reduceat(self.norms, self.offsets[:-1]) if len(self.texts) else self.norms
        )
        # Known English words by first letter: typo candidates for an unknown word.
        self._latin: dict[str, list[str]] = {}
        for t in tokens:
            if t.isascii() and len(t) > 3 and t[0] != "~":
                self._latin.setdefault(t[0], []).append(t)

    def _token_ids(self, texts: Iterable[str], empty: str | None) -> tuple[np.ndarray, np.ndarray]:
        """Ids of each text's distinct tokens, concatenated, and how many each text has."""
        ids = self.vocab.setdefault
        flat: list[int] = []
        sizes: list[int] = []
        for text in texts:
            # Distinct tokens in the order the text has them, not a set's: token ids, and so
            # the order of every float sum over a phrasing, must not depend on the hash seed
            # (sums in another order differ in the last bits and flip ties between entries).
            tokens = list(dict.fromkeys(tokenize(text))) or ([empty] if empty else [])
            flat.extend(ids(t, len(self.vocab)) for t in tokens)
            sizes.append(len(tokens))
        return np.asarray(flat, dtype=np.int32), np.asarray(sizes, dtype=np.int64)

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
            t = self.vocab.get(tok)
            if t is not None:
                weights[tok] = self._idf[t]
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
        if any(p in self.vocab for p in parts):
            out.weights[tok] = PARTLY_KNOWN * self.unknown_idf
        else:
            out.weights[tok] = self.unknown_idf
            out.strangers.append(tok)

    def _unknown_latin(self, tok: str, out: QueryTerms) -> None:
        if len(tok) > 3 and tok[0] in self._latin:
            # English typo ("renwal"): borrow the closest known word with the same first letter.
            hit = process.extractOne(
                tok, self._latin[tok[0]], scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF
            )
            if hit is not None:
                out.weights[hit[0]] = self._idf[self.vocab[hit[0]]] * hit[1] / 100.0
                return
        if tok.isdigit() or len(tok) < 3:
            out.weights[tok] = SHORT_UNKNOWN * self.unknown_idf
            return
        out.weights[tok] = self.unknown_idf
        out.strangers.append(tok)

    def scores(self, terms: QueryTerms, valid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Raw scores (0-100) of the entries for a question's terms (`valid` masks entries out),
        and the entries scored exactly: every other entry scores below the `EXACT` best of them.

        Coverage is computed for every entry; the phrasing Dice only for the entries whose upper
        bound could reach the best ones (see below), usually the `CANDIDATES` best covered.
        """
        norm = terms.norm
        if not self.texts or norm <= 0:
            return self._nothing()
        query = np.zeros(len(self.vocab), dtype=np.float64)
        rows: list[np.ndarray] = []
        weights: list[float] = []
        for tok, w in terms.weights.items():
            t = self.vocab.get(tok)
            if t is not None:
                query[t] = w
                rows += (self._bags.row(t), self._answers.row(t))
                weights += (w, ANSWER_WEIGHT * w)
        if not rows:
            return self._nothing()
        # One bincount over every matched token's entries: faster than a scatter-add each.
        lengths = [len(r) for r in rows]
        covered = np.bincount(
            np.concatenate(rows), np.asarray(weights).repeat(lengths), minlength=self.n_entries
        )
        covered[~valid] = 0.0
        scores = covered * (BLEND[1] * 100.0 / norm)
        # Dice <= 200c / (norm + max(c, n)) for an entry covering weight c whose shortest
        # phrasing has norm n: an upper bound of every entry's score, without its phrasings.
        bound = scores + BLEND[0] * 200.0 * covered / (norm + np.maximum(covered, self._min_norm))
        bound[covered <= 0] = 0.0
        cand = _top_unsorted(bound, CANDIDATES)
        # A fifth of the entries or more to score (a small corpus): every phrasing's Dice in one
        # pass costs less than gathering the candidates' phrasings, and gives the same figures.
        every = self._every_dice(query, norm) if len(cand) >= EVERY * self.n_entries else None
        dice = every[cand] if every is not None else self._best_dice(cand, query, norm)
        exact = scores[cand] + BLEND[0] * dice
        scores[cand] = exact
        if len(cand) < self.n_entries and len(exact) >= EXACT:
            # Whoever could still beat the EXACT-th best is scored exactly too.
            bound[cand] = 0.0
            kth = exact.copy()  # np.partition, without its wrapper
            kth.partition(len(kth) - EXACT)
            rest = (bound > kth[len(kth) - EXACT]).nonzero()[0]
            dice = every[rest] if every is not None else self._best_dice(rest, query, norm)
            scores[rest] += BLEND[0] * dice
            cand = np.concatenate((cand, rest))
        return scores, cand

    def _nothing(self) -> tuple[np.ndarray, np.ndarray]:
        return np.zeros(self.n_entries, dtype=np.float64), np.zeros(0, dtype=np.int64)

    def _every_dice(self, query: np.ndarray, norm: float) -> np.ndarray:
        """`_best_dice` of every entry: the same sums, over the same tokens in the same order."""
        inter = np.add.reduceat(query.take(self._phr_tok_intp), self._phr_start)
        inter *= 200.0
        inter /= self.norms + norm
        return np.maximum.reduceat(inter, self._ent_start)

    def _best_dice(self, entries: np.ndarray, query: np.ndarray, norm: float) -> np.ndarray:
        """Dice (0-200 scaled to 0-100) of each entry's best phrasing with the query."""
        if not len(entries):
            return np.zeros(0)
        counts = self.offsets[entries + 1] - self.offsets[entries]
        phr = _ranges(self.offsets[entries], counts)
        starts = self._ent_tok[entries]
        values = query[self._phr_tok[_ranges(starts, self._ent_tok[entries + 1] - starts)]]
        inter = np.add.reduceat(values, _starts(self._phr_size[phr]))
        inter *= 200.0
        inter /= self.norms[phr] + norm
        return np.maximum.reduceat(inter, _starts(counts))

    def best_phrasings(self, entries: Sequence[int], text: str) -> list[tuple[float, int]]:
        """Per entry, the best rapidfuzz ratio of `text` with its phrasings, and that phrasing."""
        if not entries:
            return []
        starts = self._starts
        spans = [(starts[e], starts[e + 1]) for e in entries]
        texts = self.texts
        choices = [t for first, end in spans for t in texts[first:end]]
        ratios = process.cdist([text], choices, scorer=fuzz.ratio)[0].tolist()
        out, start = [], 0
        for first, end in spans:
            stop = start + end - first
            j = max(range(start, stop), key=ratios.__getitem__)
            out.append((ratios[j], first + j - start))
            start = stop
        return out

    def matched(self, terms: QueryTerms, entry: int) -> list[str]:
        """The question's tokens that one entry's phrasings contain."""
        out = []
        for tok in terms.weights:
            t = self.vocab.get(tok)
            if t is not None:
                row = self._bags.row(t)
                pos = int(np.searchsorted(row, entry))
                if pos < len(row) and int(row[pos]) == entry:
                    out.append(tok)
        return out


# np.unique, np.setdiff1d and np.median import numpy.ma (about 1 MiB in every worker) the first
# time they run; the index needs them only on sorted integer keys and on plain floats.
def _unique(keys: np.ndarray) -> np.ndarray:
    """The distinct values of an integer array, sorted (as np.unique)."""
    ordered = np.sort(keys)
    if len(ordered) < 2:
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def _median(values: np.ndarray) -> float:
    """The median of a non-empty float array, computed as np.median does."""
    ordered = np.sort(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return float((ordered[middle - 1] + ordered[middle]) / 2.0)


# Below, array methods rather than the numpy functions that forward to them: a Python wrapper
# less per call, on every question.
def _top_unsorted(values: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest positive values, in no order."""
    if len(values) > k:
        values_k = (-values).argpartition(k)[:k]
        return values_k[values[values_k] > 0]
    return (values > 0).nonzero()[0]


def _starts(counts: np.ndarray) -> np.ndarray:
    """Where each run of a concatenation of runs of these lengths starts."""
    out = np.zeros(len(counts), dtype=np.int64)
    counts[:-1].cumsum(out=out[1:])
    return out


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The concatenation of range(s, s + c) for each start s and count c."""
    shift = (starts - _starts(counts)).repeat(counts)
    return np.arange(len(shift)) + shift


class _Csr:
    """Rows of sorted ids per token id: `row(t)` is a view, no copy."""

    def __init__(self, rows: np.ndarray, cols: np.ndarray, n_rows: int) -> None:
        order = np.lexsort((cols, rows))
        self.cols = np.ascontiguousarray(cols[order], dtype=np.int32)
        self.ptr = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=n_rows))))

    def row(self, r: int) -> np.ndarray:
        return self.cols[self.ptr[r] : self.ptr[r + 1]]

    def counts(self) -> np.ndarray:
        return np.diff(self.ptr)
