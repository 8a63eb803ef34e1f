"""English typos put right before understanding: "how do i asign a trademark", "grace peroid".

Clerks type fast. Retrieval and the lexicon match words, so one wrong letter in the word that
carries the question ("asign", "registerd", "renewl") loses it. A word the corpus does not know
is replaced by the corpus word within one edit (a letter left out, swapped or mistyped; two
edits for long words), the most frequent one. Short words, numbers and words the corpus knows are
never touched, and a word with no single close neighbour stays as typed: retrieval's own
agreement thresholds still decide what is answered, so a correction cannot force an answer.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.core.needles import Hay, Prefiltered, Screen
from knowledge.index import FaqIndex
from knowledge.per_index import per_index
from knowledge.schema import FaqEntry
from knowledge.tools._data import DATA_DIR
from knowledge.tools.fees import DEFAULT_FEES_FILE
from knowledge.tools.nice_data import KEYWORDS_FILE

__all__ = (
    "Vocabulary",
    "WordList",
    "common_words",
    "correct",
    "correct_zh",
    "needs_spelling",
    "vocabulary",
)

# Words the bot reads beyond the corpus: its lexicon and intent examples, the Madrid parties
# and business types the tools know, and the calendar words of dates.
_EXTRA_FILES = (
    Path(__file__).with_name("understanding.yaml"),
    DEFAULT_FEES_FILE,
    KEYWORDS_FILE,
)
_CALENDAR = (
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday today tomorrow colour color "
    "classes class designate"
)

_WORD = re.compile(r"[A-Za-z]+")
# A word on its own, not part of an address, a link, a code or a file name.
_LOOSE_WORD = re.compile(r"(?<![\w@./:-])[A-Za-z]+(?![\w@/:-]|[.-]\w)")
MIN_LEN = 5  # "lose", "bot", "vat": too short to tell a typo from another word
LONG = 9  # from this length two edits are still one word ("registraton")
PREFIX = 3  # the common words are grouped by their first letters (`WordList`)


@dataclass(frozen=True)
class Vocabulary:
    """The English words the bot knows, with how often each occurs."""

    counts: dict[str, int]
    words: tuple[str, ...]
    stems: frozenset[str]

    def fix(self, word: str) -> str | None:
        """The known word this one is a typo of, or None."""
        low = word.lower()
        if len(low) < MIN_LEN or low in self.counts or _stem(low) in self.stems:
            return None  # known, or another form of a known word ("copied" beside "copies")
        if low in common_words():
            return None  # a real word the corpus lacks ("hours" is not "tours")
        limit = 2 if len(low) >= LONG else 1
        found = process.extract(low, self.words, scorer=OSA.distance, score_cutoff=limit, limit=8)
        if not found:
            return None
        best = min(d for _, d, _ in found)
        # A letter left out, swapped or mistyped ("asign", "peroid", "registerd"), never one
        # too many: a word the corpus lacks is more often a real word than a typo of a shorter
        # one ("thank" is not "than").
        near = [w for w, d, _ in found if d == best and 0 <= len(w) - len(low) <= limit]
        ranked = sorted(near, key=lambda w: -self.counts[w])
        if not ranked or (len(ranked) > 1 and self.counts[ranked[0]] == self.counts[ranked[1]]):
            return None  # nothing near, or two words as likely: leave it as typed
        return ranked[0]


_SUFFIXES = (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""), ("ly", ""))


def _stem(word: str) -> str:
    """The word without a common English ending ("copied", "copies" -> "copy")."""
    for suffix, instead in _SUFFIXES:
        if suffix == "s" and word.endswith("ss"):
            return word  # "class" is no plural: its stem "clas" made "clases" a known form
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + instead
    return word


def _tokens(texts: Iterable[str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(w.lower() for w in _WORD.findall(text))
    return counts


def _entry_texts(entries: Iterable[FaqEntry]) -> Iterable[str]:
    for e in entries:
        yield e.question.get("en")
        yield from e.alternates.en
        yield e.answer.get("en")


COMMON_WORDS_FILE = DATA_DIR / "english_words.txt"


class WordList:
    """A set of words kept as one string per three-letter prefix: `word in words`.

    26,000 words as a frozenset of str objects take about 3.5 MiB in every worker; as a few
    thousand newline-delimited strings, well under 1 MiB. A lookup scans the words of one
    prefix (a few dozen): under a microsecond."""

    def __init__(self, words: Iterable[str]) -> None:
        # Runs of words with one prefix (the whole list when it is sorted) are joined as they
        # come: the 26,000 str objects never exist at once, even for a moment.
        self._groups: dict[str, str] = {}
        key, run = "", list[str]()
        for word in words:
            if word[:PREFIX] != key:
                self._add(key, run)
                key, run = word[:PREFIX], []
            run.append(word)
        self._add(key, run)

    def _add(self, key: str, run: list[str]) -> None:
        if run:
            self._groups[key] = self._groups.get(key, "\n") + "\n".join(run) + "\n"

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str) or not word or "\n" in word:
            return False
        group = self._groups.get(word[:PREFIX])
        return group is not None and f"\n{word}\n" in group


@lru_cache(maxsize=1)
def common_words() -> WordList:
    """Everyday English words of five letters or more (knowledge/data/english_words.txt)."""
    with COMMON_WORDS_FILE.open(encoding="utf-8") as lines:
        return WordList(w for w in map(str.strip, lines) if w and not w.startswith("#"))


@per_index
def vocabulary(index: FaqIndex) -> Vocabulary:
    """The words of an index's entries and of the bot's own word lists (rebuilt with the index)."""
    extra = [f.read_text(encoding="utf-8") for f in _EXTRA_FILES if f.exists()]
    counts = _tokens([*_entry_texts(index.entries), *extra, _CALENDAR])
    words = tuple(w for w in counts if len(w) >= MIN_LEN - 1)
    return Vocabulary(dict(counts), words, frozenset(_stem(w) for w in counts))


def needs_spelling(text: str) -> bool:
    """Whether a text has an English word long enough to be corrected (most Chinese messages
    have none: no vocabulary, no index needed)."""
    return any(len(m.group(0)) >= MIN_LEN for m in _LOOSE_WORD.finditer(text))


def correct(text: str, vocab: Vocabulary) -> str:
    """The text with each English typo replaced by the known word (unchanged when none)."""
    if not _WORD.search(text):
        return text

    def one(m: re.Match[str]) -> str:
        fixed = vocab.fix(m.group(0))
        return fixed if fixed is not None else m.group(0)

    return _LOOSE_WORD.sub(one, text)


@lru_cache(maxsize=1)
def _zh_typos() -> tuple[Screen, tuple[str, ...]]:
    """The typos' expressions, screened by their literal pre-checks, and their corrections."""
    raw = yaml.safe_load(_EXTRA_FILES[0].read_text(encoding="utf-8")) or {}
    typos = (raw.get("zh_typos") or {}).items()
    screen = Screen([Prefiltered.of(re.compile(k)) for k, _ in typos])
    return screen, tuple(str(v) for _, v in typos)


_CJK = re.compile(r"[\u4e00-\u9fff]")


def correct_zh(text: str) -> str:
    """The text with the Chinese homophone typos of understanding.yaml `zh_typos` put right
    ("我个人能注册商表吗" -> 商标); unchanged when none."""
    if not _CJK.search(text):
        return text
    screen, words = _zh_typos()
    return screen.sub_each(Hay(text), words)
