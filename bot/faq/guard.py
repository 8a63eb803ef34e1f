"""Keep a confident answer from being about another subject than the question.

A direct wrong answer costs more than a suggestion list. Retrieval scores words, not what a
question is about, so three confusions the station saw are checked here: a Madrid entry for a
national question (and back), the renewal window for a grace-period question, and the 10-year
validity for "how long does registration take". A mismatching entry loses points, which lets
the right entry (usually second) come first, or sends the question to the suggestion band.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from typing import NamedTuple

from bot.core.understand import Interpretation, entry_subject, facets_of, subjects_of
from knowledge.index import FaqIndex, Match
from knowledge.memo import Memo
from knowledge.per_index import per_index
from knowledge.schema import FaqEntry

__all__ = ("PENALTY", "SURE_MARGIN", "EntryReads", "entry_reads", "rerank", "sure_fit")

SURE_MARGIN = 10.0  # how far below the answer threshold a sure fit is still answered

PENALTY = 25.0
_MADRID = re.compile(
    r"马德里|国际注册|国际申请|madrid|international|wipo|designat|指定", re.IGNORECASE
)
_GRACE = re.compile(r"宽展|过了续展期|续展期过了|grace|after the (renewal )?window", re.I)
_GRACE_IDS = ("renewal-grace-period", "renewal-late-fee", "renewal-missed-grace")
_NOT_GRACE_IDS = ("renewal-window", "not-renewed", "validity-period")
# "过了续展期还有宽展期吗" asks whether there is a grace period, not what happens after it.
_GRACE_STILL = re.compile(
    r"(还有|有没有|有)宽展|宽展期?(是)?多[久长]|is there (a|any) grace|how long is the grace", re.I
)
_RENEW = re.compile(r"续展|续期|续费|延期|renew", re.I)
# (注销 / lapsed: the mark gone for want of renewal, "注销以后别人能马上拿去注册吗")
_LATE = re.compile(
    r"宽展|晚|逾期|过期|超期|到期后|迟|补|注销|late|grace|expired|overdue|after|\b(ran|run|runs) out\b|laps",
    re.I,
)
# "商标注册下来要多久", "how long does registration take": the wait, not the 10-year term.
_WAIT = re.compile(
    r"下来|下证|拿证|审查|审核|多久能|要多久|多长时间能|多久可以|办下来|批下来"
    r"|how long does it take|how long to (get|register)|take to register|processing",
    re.IGNORECASE,
)
_VALIDITY = re.compile(r"有效|管多少年|保护多久|管多久|valid|last|protect", re.IGNORECASE)
_FILING = re.compile(r"注册|申请|regist|apply|filing|\bfile\b", re.IGNORECASE)


@dataclass(frozen=True)
class _Said:
    """What the guard's tests read in the question itself: the same for every candidate."""

    madrid: bool  # a Madrid matter, or Hong Kong and Macao
    grace: bool
    grace_still: bool
    renew: bool
    late: bool
    filing: bool
    validity: bool
    wait: bool
    named: frozenset[str | None]  # the families of the subjects the text names


class _Asked(NamedTuple):
    """All the guard's penalties read of the interpretation: they are computed from this view
    alone, so that it can key their memo (`rerank`) with nothing of the conversation left out."""

    subject: str | None
    context_subject: str | None
    followup: bool
    facet: str | None


def _asked(interp: Interpretation | None) -> _Asked | None:
    if interp is None:
        return None
    return _Asked(interp.subject, interp.context_subject, interp.followup, interp.facet)


@lru_cache(maxsize=256)
def _said(text: str) -> _Said:
    return _Said(
        # Hong Kong and Macao: the one entry on them is filed with Madrid's ("国内注册管不管香港").
        madrid=bool(_MADRID.search(text)) or "hkmacao" in subjects_of(text),
        grace=bool(_GRACE.search(text)),
        grace_still=bool(_GRACE_STILL.search(text)),
        renew=bool(_RENEW.search(text)),
        late=bool(_LATE.search(text)),
        filing=bool(_FILING.search(text)),
        validity=bool(_VALIDITY.search(text)),
        wait=bool(_WAIT.search(text)),
        named=frozenset(_family(s) for s in subjects_of(text)),
    )


def _conflict(match: Match, said: _Said, interp: _Asked | None, reads: EntryReads) -> bool:
    entry_id = match.entry.id
    # After a Madrid answer, "how long do the countries have to refuse" is still Madrid.
    followup_madrid = interp is not None and "madrid" in (interp.subject, interp.context_subject)
    # A Madrid-led entry for a question that names no Madrid matter (national entries may
    # mention Madrid in passing, and answer many Madrid questions, e.g. the basic mark).
    if _madrid_led(match) and not (said.madrid or followup_madrid):
        return True
    if said.grace and entry_id.startswith(_NOT_GRACE_IDS):
        return True
    if entry_id.startswith("renewal-missed-grace") and said.grace_still:
        return True
    if entry_id.startswith(_GRACE_IDS) and said.renew and not said.late:
        return True  # "那续展费呢" is the ordinary renewal fee, not the late one
    family = reads.family(match.entry)
    if _renewal_for_filing(family, said, interp) or _procedure_for_filing(family, said, interp):
        return True
    if entry_id.startswith("validity-period") and not said.validity:
        # "how long" after a registration answer asks how long registering takes.
        waits = interp is not None and interp.followup and interp.subject == "registration"
        return bool(said.wait or (waits and interp is not None and _coarse(interp.facet) == "time"))
    return False


def _renewal_for_filing(family: str | None, said: _Said, interp: _Asked | None) -> bool:
    """A renewal entry (`family`: its subject's) for "商标注册一个类多少钱": a filing question
    that never says renew; or for "一个类多少钱" said with no subject at all, where nothing
    before was about renewal."""
    if family != "renewal":
        return False
    if said.renew or said.late:
        return False
    if said.filing:
        return not (interp is not None and interp.followup and _family(interp.subject) == "renewal")
    if interp is None or interp.subject:
        return False
    return _family(interp.context_subject) != "renewal"


# Procedures on a registered mark, each with its own documents, fee and time.
_PROCEDURES = frozenset({"change", "assignment", "licence", "pledge", "certificate"})


def _procedure_for_filing(family: str | None, said: _Said, interp: _Asked | None) -> bool:
    """Another procedure's entry (`family`: its subject's) for "商标注册要啥材料": the question
    names registration alone and asks a measure; the change entry's "商标变更需要什么材料"
    shares every other word."""
    if interp is None or said.named != {"registration"}:
        return False
    if _coarse(interp.facet) not in ("documents", "fee", "time"):
        return False
    return family in _PROCEDURES


# The guard weighs the seven broad facets it was tuned on; the finer facets of the lexicon
# (bot/faq/facets.py uses them to pick an entry) count here as their broad kind or not at all.
_COARSE = {
    "result_time": "time",
    "validity": "time",
    "expired": "effect",
    "in_person": "procedure",
}
_BROAD = frozenset(["fee", "time", "documents", "procedure", "effect", "appeal", "eligibility"])


def _coarse(facet: str | None) -> str | None:
    facet = _COARSE.get(facet or "", facet)
    return facet if facet in _BROAD else None


def facet_of(text: str) -> str | None:
    """The first broad facet a text asks about."""
    return next((f for f in map(_coarse, facets_of(text)) if f), None)


def _question(entry: FaqEntry) -> str:
    return entry.question.get("zh") + " " + entry.question.get("en")


def _family(subject: str | None) -> str | None:
    return _FAMILY.get(subject or "", subject)


_FAMILY = {"grace": "renewal"}  # the grace period is part of renewal
BOOST = 12.0
RERANKS_KEPT = 512  # reranked candidate lists memoised per index (~1.5 KiB each)


@dataclass(frozen=True)
class EntryReads:
    """What the guard reads of each entry's question, read once per index rather than several
    times per candidate per turn: its subject's family and its broad facet, by entry id."""

    reads: dict[str, tuple[str, str | None, str | None]]  # id -> question, family, facet
    # How many entries of the index are on each (subject family, facet).
    pairs: Counter[tuple[str | None, str | None]]
    # (entry id, facet) -> whether its question asks that facet too, read when first needed
    _asks: dict[tuple[str, str], bool] = field(default_factory=dict)
    # `rerank`'s results on this index's matches (it dies with the index, as this does)
    _reranked: Memo[tuple[Match, ...]] = field(default_factory=lambda: Memo(RERANKS_KEPT))

    def _read(self, entry: FaqEntry) -> tuple[str, str | None, str | None]:
        found = self.reads.get(entry.id)
        return found if found is not None else _read(entry)

    def question(self, entry: FaqEntry) -> str:
        return self._read(entry)[0]

    def family(self, entry: FaqEntry) -> str | None:
        return self._read(entry)[1]

    def facet(self, entry: FaqEntry) -> str | None:
        return self._read(entry)[2]

    def asks_too(self, entry: FaqEntry, facet: str) -> bool:
        """Whether the entry's question also asks `facet` ("多久，多少钱"): `facet_of_both`."""
        if entry.id not in self.reads:
            return facet_of_both(_question(entry), facet)
        key = (entry.id, facet)
        found = self._asks.get(key)
        if found is None:
            found = self._asks[key] = facet_of_both(self.question(entry), facet)
        return found


def _read(entry: FaqEntry) -> tuple[str, str | None, str | None]:
    question = _question(entry)
    return question, _family(entry_subject(question)), facet_of(question)


@per_index
def entry_reads(index: FaqIndex) -> EntryReads:
    """The guard's reading of every entry of the index (built with the index, bot/faq/corpus.py)."""
    reads = {entry.id: _read(entry) for entry in index.entries}
    seen: set[str] = set()
    pairs: Counter[tuple[str | None, str | None]] = Counter()
    for entry in index.entries:
        key = entry.topic or entry.id  # dated variants of one topic count once
        if key in seen:
            continue
        seen.add(key)
        _, family, facet = reads[entry.id]
        pairs[(family, facet)] += 1
    return EntryReads(reads, pairs)


def _fee_mismatch(asked: str, entry: str | None) -> bool:
    if entry is None:
        return False
    return (asked == "fee") != (entry == "fee")


def _madrid_led(m: Match) -> bool:
    return m.entry.id.startswith(("madrid", "emadrid"))


def sure_fit(matches: list[Match], interp: Interpretation | None, reads: EntryReads) -> bool:
    """Whether the best match is the one entry on the question's subject and facet.

    The FAQ skill then answers it from a slightly lower score: subject and facet agreeing is
    evidence the word scores do not see.
    """
    if not matches or interp is None or not interp.subject:
        return False
    subject = _family(interp.subject)
    best = matches[0]
    if best.phrasing == CORRECTED:
        return True
    if reads.family(best.entry) != subject:
        return False
    facet = _coarse(interp.facet)
    if facet and reads.facet(best.entry) == facet:
        same = [
            m for m in matches if reads.family(m.entry) == subject and reads.facet(m.entry) == facet
        ]
        if len(same) == 1:
            return True
    mismatch = bool(facet and reads.facet(best.entry) not in (facet, None))
    rivals = sum(reads.family(m.entry) == subject for m in matches[1:])
    # A follow-up on another facet than the best entry's is sure only when that entry is the
    # one of its subject ("收费不" after customs); with rivals it may be the wrong one.
    if interp.followup and not (mismatch and rivals):
        second = matches[1].score if len(matches) > 1 else 0.0
        return best.score - second >= 3.0
    return False


def rerank(
    matches: list[Match], text: str, interp: Interpretation | None, reads: EntryReads
) -> list[Match]:
    """The matches with subject conflicts penalised, best first.

    Memoised on the index's reads: a pure function of the candidates (ids, scores, phrasings:
    the entries are the index's), the text and what `_Asked` keeps of the interpretation."""
    if not matches:
        return matches
    asked = _asked(interp)
    key = (text, asked, *[x for m in matches for x in (m.entry.id, m.score, m.phrasing)])
    found = reads._reranked.get(key)
    if found is None:
        found = tuple(_reranked(matches, text, asked, reads))
        reads._reranked.put(key, found)
    return list(found)


def _reranked(
    matches: list[Match], text: str, interp: _Asked | None, reads: EntryReads
) -> list[Match]:
    said = _said(text)
    conflicts = [_conflict(m, said, interp, reads) for m in matches]
    ranked = _rerank(matches, conflicts, said, interp, reads)
    if (
        ranked[0].entry.id != matches[0].entry.id
        and conflicts[0]
        and interp is not None
        and reads.family(ranked[0].entry) == _family(interp.subject)
    ):
        # The confusion the guard exists for, corrected: the entry now first is the one meant.
        return [replace(ranked[0], phrasing=CORRECTED), *ranked[1:]]
    return ranked


CORRECTED = "\x00corrected"  # marks a match put first by the guard


def _rerank(
    matches: list[Match],
    conflicts: list[bool],
    said: _Said,
    interp: _Asked | None,
    reads: EntryReads,
) -> list[Match]:
    out = [
        m.rescored(m.score - PENALTY * (1.7 if _madrid_led(m) else 1)) if conflict else m
        for m, conflict in zip(matches, conflicts, strict=True)
    ]
    # Each candidate's family, in the order of `out` (the steps below keep it; scores change).
    families = [reads.family(m.entry) for m in out]
    subject = _family(interp.subject) if interp is not None else None
    facet = _coarse(interp.facet) if interp is not None else None
    if (
        subject
        and subject != "registration"
        and interp is not None
        and not interp.followup
        and subject in families
    ):
        # A question naming a specific subject: entries on another subject step back when one
        # on its own subject is among the candidates ("what is the opposition period"); an
        # entry on a specific subject the message never names ("复审要多久出结果" and the
        # opposition's decision time) steps back twice as far.
        out = [
            m.rescored(m.score - PENALTY * (1 if _stranger(families[i], said.named) else 0.5))
            if families[i] not in (subject, None)
            else m
            for i, m in enumerate(out)
        ]
    if interp is not None and interp.followup and subject:
        # A follow-up stays on its subject: entries of another subject step back.
        out = [
            m if families[i] in (subject, None) else m.rescored(m.score - PENALTY / 2)
            for i, m in enumerate(out)
        ]
    # A message naming a subject and no facet at all ("想在美国日本注册商标") asks how it is
    # done, not what it costs: it weighs like a question on the procedure.
    asked = facet or ("procedure" if subject and interp is not None and not interp.facet else None)
    if subject and asked:
        # A fee is a different question from anything else about one subject: an entry on the
        # fee steps back from "how long is the grace period" / "and if I'm late?", and the
        # other way round; only when another entry of its subject is there to take its place.
        out = [
            m.rescored(m.score - PENALTY / 2)
            if _fee_mismatch(asked, reads.facet(m.entry))
            and not reads.asks_too(m.entry, asked)
            and families.count(families[i]) > 1
            else m
            for i, m in enumerate(out)
        ]
    if subject and interp is not None and not interp.followup:
        out = _sole_first(out, said, subject, reads)
    if subject and facet:
        # Exactly one candidate on the question's subject and facet: it comes first.
        fits = [
            m for m in out if reads.family(m.entry) == subject and reads.facet(m.entry) == facet
        ]
        # ... and it is the corpus's only entry on them (else the right one may be unranked).
        if len(fits) == 1 and reads.pairs[(subject, facet)] == 1:
            out = [m.rescored(min(100.0, m.score + BOOST)) if m is fits[0] else m for m in out]
    return sorted(out, key=lambda m: -m.score)


def _sole_first(out: list[Match], said: _Said, subject: str, reads: EntryReads) -> list[Match]:
    """A question naming a subject the corpus has one entry on ("用县名当商标行不行": place
    names) is that entry's, however many words it shares with broader ones (the
    distinctiveness rule): it comes first, at the score of the best.

    Only for a specific subject the message names itself, and only one.
    """
    named = said.named - {"registration", None}
    if named != {subject} or sum(n for (f, _), n in reads.pairs.items() if f == subject) != 1:
        return out
    ranked = sorted(out, key=lambda m: -m.score)
    sole = [m for m in ranked if reads.family(m.entry) == subject]
    if len(sole) != 1 or sole[0] is ranked[0]:
        return out
    lifted = replace(sole[0], score=ranked[0].score, phrasing=CORRECTED)
    return [lifted, *(m for m in ranked if m is not sole[0])]


def _stranger(family: str | None, named: frozenset[str | None]) -> bool:
    """An entry's subject that is specific and not among those the message names."""
    return family not in named and family not in (None, "registration")


def facet_of_both(question: str, facet: str) -> bool:
    """Whether the entry's question also asks the given facet ("多久，多少钱")."""
    rx = _facet_words().get(facet)
    return bool(rx and rx.search(question))


@cache
def _facet_words() -> dict[str, re.Pattern[str]]:
    """The lexicon's expression of each facet by name (the last of a name, as `dict` keeps)."""
    from bot.core.understand import lexicon

    return dict(lexicon().facets)
