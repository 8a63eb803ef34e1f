"""The subject x facet map of the corpus: which entry answers "facet F of subject S".

A facet follow-up ("那收费呢", "what documents?", "得多久") names only a facet; the subject is
the one of the last answer. Retrieval on the rewritten words finds an entry that shares words,
not necessarily the one about that facet, so the map is asked first: every entry is annotated
with its subject and facets, inferred from its question and alternates with the lexicon of
bot/core/understanding.yaml, plus what bot/faq/facets.yaml says its answer also covers.
"(subject, facet)" then names the entry when exactly one entry is the best fit.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import yaml

from bot.core.understand import entry_subject, facets_of, lexicon
from knowledge.index import FaqIndex
from knowledge.schema import FaqEntry

__all__ = ("FacetMap", "bare_facet", "facet_map", "facet_notes", "family")

_FILE = Path(__file__).with_name("facets.yaml")
LEAD = 4  # facets.yaml: the entry for a bare facet question among several that answer it
PRIMARY = 3  # the question asks it, or the answer is THE answer to it (facets.yaml)
ALSO = 1  # an alternate asks it, or facets.yaml says the answer also covers it
_FAMILY = {"grace": "renewal"}  # the grace period is part of renewal


_FILLER = re.compile(
    r"[那么呢吗吧啊呀的了得要是还有另外然后就请问一下这个那个它\s\W]"
    r"|\b(and|the|for|that|what|whats|is|it|then|about|how|do|does|i|we|a|an|so|to|of|s)\b",
    re.IGNORECASE,
)


def bare_facet(text: str) -> bool:
    """Whether a message names nothing but a facet ("那收费呢", "and the fee for that?").

    Such a message is all about the subject before it; one with more words ("那单独规费呢",
    "how much extra") names something retrieval can match more specifically.
    """
    rest = text
    for _, rx in lexicon().facets:
        rest = rx.sub("", rest)
    rest = _FILLER.sub("", rest)
    return len(rest) <= 1


def family(subject: str | None) -> str | None:
    """The subject a follow-up may move within (grace period = renewal)."""
    return _FAMILY.get(subject or "", subject)


@cache
def _annotations() -> dict[str, dict[str, object]]:
    raw = yaml.safe_load(_FILE.read_text(encoding="utf-8")) or {}
    return dict(raw.get("entries") or {})


def facet_notes() -> dict[str, dict[str, object]]:
    """The hand annotations of bot/faq/facets.yaml (entry id or topic -> notes)."""
    return _annotations()


def _listed(note: dict[str, object], kind: str) -> list[str]:
    value = note.get(kind)
    return [str(v) for v in value] if isinstance(value, list) else []


@dataclass(frozen=True)
class FacetMap:
    """Entry subjects and the weight of each (subject family, facet) -> entry id."""

    subjects: dict[str, str | None]  # entry id -> subject
    weights: dict[tuple[str, str], dict[str, int]]  # (family, facet) -> {entry id: weight}

    def subject_of(self, entry_id: str) -> str | None:
        """The subject of an entry (question, else alternates, else annotation)."""
        return self.subjects.get(entry_id)

    def best(self, subject: str | None, facet: str | None, prefer: str | None = None) -> str | None:
        """The one entry that best answers `facet` of `subject`, or None (none or a tie).

        A tie is settled for `prefer` (the entry just answered) when it is among the best.
        """
        if not subject or not facet:
            return None
        weights = self.weights.get((family(subject) or "", facet))
        if not weights:
            return None
        top = max(weights.values())
        winners = [e for e, w in weights.items() if w == top]
        if len(winners) > 1 and prefer in winners:
            return prefer
        return winners[0] if len(winners) == 1 else None

    def weight(self, subject: str | None, facet: str | None, entry_id: str) -> int:
        """How well an entry answers `facet` of `subject` (0 = not at all)."""
        return self.weights.get((family(subject) or "", facet or ""), {}).get(entry_id, 0)

    def covers(self, subject: str | None, facet: str | None) -> bool:
        """Whether any entry of the subject answers the facet."""
        return bool(self.weights.get((family(subject) or "", facet or "")))


def _entry_subject(entry: FaqEntry, note: dict[str, object]) -> str | None:
    if note.get("subject"):
        return str(note["subject"])
    found = entry_subject(entry.question.get("zh") + " " + entry.question.get("en"))
    if found:
        return found
    alternates = entry.alternates.zh + entry.alternates.en
    votes = Counter(s for alt in alternates if (s := entry_subject(alt)))
    if votes:
        subject, n = votes.most_common(1)[0]
        return subject if n >= 2 else None
    return None


def build(entries: list[FaqEntry]) -> FacetMap:
    """The map of these entries (one per topic: dated variants share their topic's notes)."""
    notes = facet_notes()
    subjects: dict[str, str | None] = {}
    weights: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    seen: set[str] = set()
    for entry in entries:
        note = dict(notes.get(entry.id) or notes.get(entry.topic or "") or {})
        subject = _entry_subject(entry, note)
        subjects[entry.id] = subject
        key = entry.topic or entry.id
        if key in seen or family(subject) is None:
            continue
        seen.add(key)
        score: Counter[str] = Counter()
        for lang in ("zh", "en"):  # the question's own facet (its first)
            for facet in facets_of(entry.question.get(lang))[:1]:
                score[facet] = PRIMARY
        for facet in _listed(note, "primary"):
            score[facet] = PRIMARY
        for facet in _listed(note, "lead"):
            score[facet] = LEAD
        for alt in entry.alternates.zh + entry.alternates.en:
            for facet in facets_of(alt)[:1]:
                score[facet] = max(score[facet], ALSO)
        for facet in _listed(note, "also"):
            score[facet] = max(score[facet], ALSO)
        for facet, weight in score.items():
            weights[(str(family(subject)), facet)][entry.id] = weight
    return FacetMap(subjects, dict(weights))


@lru_cache(maxsize=4)
def facet_map(index: FaqIndex) -> FacetMap:
    """The map of an index's entries (rebuilt with the index)."""
    return build(index.entries)
