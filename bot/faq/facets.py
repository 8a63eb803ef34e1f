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
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from bot.core.understand import asking_clause, entry_subject, facets_of, lexicon, subjects_of
from knowledge.index import FaqIndex, Match
from knowledge.per_index import per_index
from knowledge.schema import FaqEntry

__all__ = (
    "FacetMap",
    "bare_facet",
    "choose_subject",
    "facet_map",
    "facet_notes",
    "family",
    "resolve",
)

_FILE = Path(__file__).with_name("facets.yaml")
LEAD = 4  # facets.yaml: the entry for a bare facet question among several that answer it
NARROW = 5  # facets.yaml `narrow`: THE answer for a part of a subject ("宽展期多长")
PRIMARY = 3  # the question asks it, or the answer is THE answer to it (facets.yaml)
ALSO = 1  # an alternate asks it, or facets.yaml says the answer also covers it
# the grace period is part of renewal; the language of a filing part of filing (b13)
_FAMILY = {"grace": "renewal", "language": "registration", "classes": "registration"}
# A facet a subject has no entry that is THE answer for is asked of its wider subject
# ("网上咋弄" after "必须找代理吗": filing online; bot/faq/skill.py `_facet_fit`).
WIDER = {
    "agent": "registration",
    "search": "registration",  # "查了没有 网上咋申请": filing
    # a part of a wider subject (the lexicon's `part_of`: whether a sign can be a mark is
    # filing's, issue 21)
    **{s.name: s.part_of for s in lexicon().subjects if s.part_of},
}
# The subject each lexicon subject is a part of (`part_of`).
_PART_OF = {s.name: s.part_of for s in lexicon().subjects if s.part_of}
# A subject that is a part of another, named with it ("and hong kong, can we just add it in the
# IR" after a Madrid answer): the narrower one is asked, though the conversation's is named too.
# (b14) A refusal asked about while registering ("and if they reject it?" after the documents):
# a step of the application, its review.
NARROWER = {"hkmacao": "madrid", "rejection": "registration"}
# Facets that qualify the measure asked rather than name another: "他不知道是假的 那他还要赔吗"
# asks the damages of an innocent seller, "if they did it on purpose, how much" the punitive
# ones. Read before the facets at the end of the message.
# The same for a party added to an IR ("add canada to the IR, whats the fee": the subsequent
# designation's fee) and goods seized at the border ("how fast do we need to react").
# (b13: "warned", going on after a warning; "foreign", no office in China)
# (wrong14: "partial", only some goods refused: "那分割的话得几天内办" asks the division's time)
QUALIFIERS = frozenset(["wilful", "unaware", "add", "seized", "foreign", "warned", "partial"])


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


def _fills(note: dict[str, object], score: Counter[str]) -> list[tuple[str, dict[str, int]]]:
    """The subjects an entry fills in for, each with the facets it answers of them: its own
    facets for a subject listed (`fills: [gi]`), or only those named (`fills: {opposition:
    [expired]}`: a missed opposition period leaves the invalidation, nothing else of it does)."""
    value = note.get("fills")
    if isinstance(value, dict):
        return [
            (str(s), dict.fromkeys(map(str, facets or ()), PRIMARY)) for s, facets in value.items()
        ]
    return [(other, dict(score)) for other in _listed(note, "fills")]


@dataclass(frozen=True)
class FacetMap:
    """Entry subjects and the weight of each (subject family, facet) -> entry id."""

    subjects: dict[str, str | None]  # entry id -> subject
    weights: dict[tuple[str, str], dict[str, int]]  # (family, facet) -> {entry id: weight}
    related: dict[str, tuple[str, ...]]  # entry id -> the entries its answer links to
    tagged: dict[str, frozenset[str | None]]  # entry id -> the subject families its tags name
    topics: dict[str, str]  # entry id -> topic (dated variants share one)
    # entry id -> the measures its tags say its answer gives ("fee" on the subsequent
    # designation: "收费吗" after it is its own fee, not the fee overview)
    own: dict[str, frozenset[str]] = field(default_factory=dict)
    # entry id -> the subject families its question names ("异议后决定不予注册，可以复审吗？":
    # the opposition and the review of a refusal)
    spoken: dict[str, frozenset[str | None]] = field(default_factory=dict)
    # {subject, other subject} -> (entry id, the facets it answers of the two together), one
    # per entry: facets.yaml `with` ("公司改名了还没变更 影响续展不": the renewal documents)
    joint: dict[frozenset[str], list[tuple[str, frozenset[str]]]] = field(default_factory=dict)
    # (part of a subject, facet) -> THE entry for it (facets.yaml `narrow`)
    narrow: dict[tuple[str, str], str] = field(default_factory=dict)
    # entry id -> what its answer states for its own case (facets.yaml `gives`: where the
    # subsequent designation's form goes)
    gives: dict[str, frozenset[str]] = field(default_factory=dict)

    def together(self, named: set[str], context: str | None, facets: tuple[str, ...]) -> str | None:
        """The entry on two subjects together, named in the message (or one named and the
        other the conversation's), for one of the facets it answers or none asked."""
        keys = [(frozenset(named), True)]
        if context is not None and family(context) not in named:
            keys.append((frozenset(named | {str(family(context))}), False))
        for key, both_named in keys:
            found = self._joint(key, facets) if len(key) == 2 else None
            # ... and, the other subject only the conversation's, no telling facet it does not
            # answer ("how do i check the status of an IR" after the opposition fee is the
            # status tool, not the IR's opposition).
            if (
                found
                and ((both_named and not facets) or set(facets) & found[1])
                and (both_named or not (set(facets) & TELLING) - found[1])
            ):
                return found[0]
        return None

    def _joint(
        self, key: frozenset[str], facets: tuple[str, ...]
    ) -> tuple[str, frozenset[str]] | None:
        """The entry on two subjects together that answers a facet asked, else the one
        facets.yaml lists last for them (several: "IR renewed through cnipa or wipo" is the
        IR's renewal, "续了国内的 国际注册够了吗" the two renewals apart)."""
        found = self.joint.get(key, [])
        answering = [j for j in found if set(facets) & j[1]]
        return answering[0] if answering else (found[-1] if found else None)

    def subject_of(self, entry_id: str) -> str | None:
        """The subject of an entry (question, else alternates, else annotation)."""
        return self.subjects.get(entry_id)

    def best(self, subject: str | None, facet: str | None, prefer: str | None = None) -> str | None:
        """The one entry that best answers `facet` of `subject`, or None (none or a tie).

        A tie is settled for `prefer` (the entry just answered) when it is among the best.
        """
        if not subject or not facet:
            return None
        weights = self._table(subject, facet)
        if not weights:
            return None
        if prefer in weights and facet in self.own.get(prefer, ()):
            return prefer  # the answer just given gives it too
        top = max(weights.values())
        winners = [e for e, w in weights.items() if w == top]
        if len(winners) > 1 and prefer in winners:
            return prefer
        if prefer is not None and prefer not in winners:
            # After an answer, the entry it links to among those that answer the facet
            # ("要多交钱吗" after the grace period is the late fee, not the renewal fee).
            linked = [
                e for e, w in weights.items() if w >= PRIMARY and e in self.related.get(prefer, ())
            ]
            if len(linked) == 1:
                return linked[0]
        return winners[0] if len(winners) == 1 else None

    def through_related(self, entry_id: str | None, facet: str | None) -> str | None:
        """The entry answering `facet` of a procedure an answer sends the user to, or None.

        An answer on a dispute ("别人抢注了怎么办": oppose, or request invalidation) has no fee
        or time of its own; those of the remedies it names are asked ("要花多少钱"). Its
        related entries, in the editor's order, whose subject its tags also name, are the
        remedies; the first whose subject has THE entry for the facet answers.
        """
        if entry_id is None or facet is None:
            return None
        own = family(self.subject_of(entry_id))
        # "registration" is a third of the corpus: a tag naming it is no step of a procedure.
        named = self.tagged.get(entry_id, frozenset()) - {own, None, "registration"}
        for linked in self.related.get(entry_id, ()):
            subject = family(self.subject_of(linked))
            if subject not in named:
                continue  # a see-also on another subject, not a step of this answer
            found = self.best(subject, facet, prefer=linked)
            if found is not None and self.weight(subject, facet, found) >= PRIMARY:
                return found
        return None

    def winners(self, subject: str | None, facet: str | None) -> list[str]:
        """The entries that best answer `facet` of `subject` (several on a tie)."""
        weights = self._table(subject, facet)
        top = max(weights.values(), default=0)
        return [e for e, w in weights.items() if w == top and top]

    def weight(self, subject: str | None, facet: str | None, entry_id: str) -> int:
        """How well an entry answers `facet` of `subject` (0 = not at all)."""
        return self._table(subject, facet).get(entry_id, 0)

    def covers(self, subject: str | None, facet: str | None) -> bool:
        """Whether any entry of the subject answers the facet."""
        return bool(self._table(subject, facet))

    def _table(self, subject: str | None, facet: str | None) -> dict[str, int]:
        """{entry id: weight} for `facet` of `subject`: a part of a subject named for itself
        (the grace period, within renewal) has its own entry for some facets (facets.yaml
        `narrow`: "宽展期是多长时间" is the grace period's length, not the renewal window)."""
        fam = family(subject) or ""
        weights = self.weights.get((fam, facet or ""), {})
        if subject and subject != fam and (subject, facet or "") in self.narrow:
            return {**weights, self.narrow[(subject, facet or "")]: NARROW}
        return weights


def _entry_subject(entry: FaqEntry, note: dict[str, object]) -> str | None:
    if note.get("subject"):
        return str(note["subject"])
    found = entry_subject(entry.question.get("zh") + " " + entry.question.get("en"))
    if found:
        return found
    # The editor's tags say what the entry is about ("non-use", "customs", "registration").
    names = {s.name for s in lexicon().subjects}
    for tag in entry.tags:
        if (name := tag.replace("-", "")) in names:
            return name
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
    topics_of = {e.id: e.topic or e.id for e in entries}
    fills: list[tuple[str, str, dict[str, int]]] = []
    joint: dict[frozenset[str], list[tuple[str, frozenset[str]]]] = defaultdict(list)
    narrow: dict[tuple[str, str], str] = {}
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
        for facet in _listed(note, "gives"):  # THE answer for its own case
            score[facet] = max(score[facet], PRIMARY)
        for facet in _tag_facets(entry):
            score[facet] = max(score[facet], ALSO)
        for facet, weight in score.items():
            weights[(str(family(subject)), facet)][entry.id] = weight
        for other, filled in _fills(note, score):
            fills.append((str(family(other)), entry.id, filled))
        parts = note.get("narrow")
        for part, facets in parts.items() if isinstance(parts, dict) else []:
            for facet in facets or ():
                narrow[(str(part), str(facet))] = entry.id
        pairs = note.get("with")
        for other, facets in pairs.items() if isinstance(pairs, dict) else []:
            pair = frozenset({str(family(subject)), str(family(other))})
            joint[pair].append((entry.id, frozenset(str(f) for f in facets or ())))
    order = {key: n for n, key in enumerate(notes)}  # facets.yaml's order settles `with`
    for found in joint.values():
        found.sort(key=lambda j: order.get(j[0], order.get(topics_of.get(j[0], ""), -1)))
    for fam, entry_id, filled in fills:  # after every entry: the facets no entry of fam is THE
        for facet, weight in filled.items():  # answer to (at most "also covered")
            have = weights.get((fam, facet), {})
            if weight >= PRIMARY and max(have.values(), default=0) < PRIMARY:
                weights[(fam, facet)] = {**have, entry_id: weight}
    related = {e.id: tuple(e.related) for e in entries}
    names = {s.name for s in lexicon().subjects}
    tagged = {
        e.id: frozenset(family(t.replace("-", "")) for t in e.tags if t.replace("-", "") in names)
        for e in entries
    }
    topics = {e.id: e.topic or e.id for e in entries}
    gives = {e.id: told for e in entries if (told := _gives(e, notes))}
    own = {e.id: tags for e in entries if (tags := _tag_facets(e) | gives.get(e.id, frozenset()))}
    spoken = {
        e.id: frozenset(
            family(s) for s in subjects_of(e.question.get("zh") + " " + e.question.get("en"))
        )
        for e in entries
    }
    return FacetMap(
        subjects, dict(weights), related, tagged, topics, own, spoken, dict(joint), narrow, gives
    )


# The editor's tags that name a measure the answer gives, whatever its question asks.
_TAG_FACETS = {"fee": "fee", "documents": "documents"}


def _tag_facets(entry: FaqEntry) -> frozenset[str]:
    return frozenset(_TAG_FACETS[t] for t in entry.tags if t in _TAG_FACETS)


def _gives(entry: FaqEntry, notes: dict[str, dict[str, object]]) -> frozenset[str]:
    """facets.yaml `gives`: what an answer states for its own case, whatever its question asks
    (the subsequent designation says where its form goes: "表格交给商标局还是wipo" after it)."""
    note = notes.get(entry.id) or notes.get(entry.topic or "") or {}
    return frozenset(_listed(dict(note), "gives"))


@per_index
def facet_map(index: FaqIndex) -> FacetMap:
    """The map of an index's entries (rebuilt with the index)."""
    return build(index.entries)


# -- answering from the subject and facet when the words alone are not enough ------------------

FLOOR = 30.0  # a retrieval score below this says nothing about the entry
# Facets whose words say what is asked whatever else the message shares with an entry: a
# measure, an appeal, damages, a fine, lapsing, the status, doing it online ("咋办" and "能不能"
# are every entry's and are not among them).
TELLING = frozenset(
    {
        *("result_time", "time", "validity", "fee", "documents"),  # measures
        *("appeal", "damages", "penalty", "expired", "status", "online", "add", "keep_selling"),
        *("infringes", "use", "counts"),  # whether it counts as infringement, as use (b11, b12)
    }
)
# Read before the facet asked last: the qualifiers, and being accused of infringing ("对方律师
# 发函了 让我们赔5万 这个咋回" is no claim of one's own damages), which says which side the asker
# is on whatever else the message asks.
# So are the new term of a renewal ("the new 10 yrs count from the day we pay?" asks when it
# runs from, not the fee) and the time limit the law sets ("legal deadline to examine it").
FIRST = QUALIFIERS | {"accused", "seized", "new_term", "legal_limit"}
AHEAD = 10.0  # how far an entry must be ahead of every entry of another subject
# A national mark named for itself, not as Madrid's basic mark.
_OWN_NATIONAL = re.compile(
    r"国内|境内|national|domestic|in china|(chinese|china) (mark|trademark|registration|one)\b"
    r"(?<!base mark)",
    re.IGNORECASE,
)
# The procedure asked by its own name ("大概啥流程", "what are the steps"), not by a "咋办" every
# entry shares: as telling as a measure (a pendency entry ranked first answers none of it).
_STEPS = re.compile(
    r"流程|步骤|手续|环节|几步|哪几步|全过程|\bsteps?\b|\bprocess\b|\bprocedure\b|\bworkflow\b",
    re.IGNORECASE,
)
TIE = 0.5  # retrieval scores this close rank two entries alike
BLOCK = 35.0  # an entry of another subject this good says the question is about that subject
# A mark, a registration said to be the mainland's ("国内注册管不管香港"), one's name registered
# or a name filed ("同一天报了一样的名字").
_ANCHOR = re.compile(
    r"商标|牌子|品牌|字号|名字|logo|trademark|\bmark\b|\bbrand|\btm\b|\bnames?\b"
    r"|(国内|内地|大陆|中国)的?注册|\b(chinese|china|mainland) (registration|reg)\b"
    # a place's name used as a sign ("包装上也打我们县名", issue 21)
    r"|(县|市|镇|乡|村|省)的?名(字|称)?|\b(county|town|city|village|region)('s)? name\b",
    re.IGNORECASE,
)


def _family_of(fmap: FacetMap, match: Match) -> str | None:
    return family(fmap.subject_of(match.entry.id))


def choose_subject(
    fmap: FacetMap,
    matches: list[Match],
    own: list[str],
    context: str | None,
    *,
    lean: bool = False,
    previous: str | None = None,
    text: str = "",
    facet: str | None = None,
    anew: bool = False,
) -> str | None:
    """The subject a message is about: of those it names and the one the conversation was on,
    the one whose entries retrieval ranks first ("外国那边多久内可以驳回" after a Madrid answer
    is Madrid's refusal period; "宣告无效以后许可合同还算数吗" is about invalidation).

    `registration` is named by any "申请"/"注册" and counts only when nothing else is named.
    When retrieval ranks none of them, a message leaning on the last answer ("要是国内的被驳回了
    呢" after the Madrid basic mark) is about the conversation's subject (`lean`).
    """
    named = [s for s in own if s != "registration"] or list(own)
    if context and named == [_PART_OF.get(context)]:
        # The wider subject the conversation's is a part of, named alone ("两个公司能一起申请一个
        # 商标吗" after whether a county's name can be a mark): filing's (issue 21).
        return named[0]
    narrower = [s for s in named if context and NARROWER.get(s) == family(context)]
    if narrower:
        return narrower[0]  # "and hong kong, can we just add it in the IR" after Madrid
    asked = facets_of(text) or ((facet,) if facet else ())
    if context and asked and not any(fmap.covers(context, f) for f in asked):
        # Asking what only one subject named answers, nothing the conversation's does ("先变更
        # 还是先续展" after the change of name: the order is the renewal's documents; not "备案
        # 能管几年 到期了...跟商标续展一样吗" after customs, whose term its entry gives).
        # (Not the generic "registration", which answers every facet.)
        answering = [
            s
            for s in named
            if s not in (context, "registration") and any(fmap.covers(s, f) for f in asked)
        ]
        if len(answering) == 1:
            return answering[0]
    if context in named:
        return context  # named again, and what the conversation is on ("and if they seize fakes")
    # The subjects the answer just given is on: its tags, and those its question names.
    both = fmap.tagged.get(previous or "", frozenset()) | fmap.spoken.get(
        previous or "", frozenset()
    )
    if (
        context
        and named
        # A registration announced as one's own ("我想注册一个商标" after a refusal's review)
        # is a new filing, not the refusal's, however much the answer just given is on filing.
        and not (anew and named == ["registration"])
        and family(context) in both
        and all(family(s) in both for s in named)
        and not _OWN_NATIONAL.search(text)
        and not any(
            family(fmap.subject_of(r)) in {family(s) for s in named}
            for r in fmap.related.get(previous or "", ())
        )
    ):
        # The answer just given is on the subject named too ("and if we renew a bit late, is
        # there an additional fee?" after the Madrid renewal): still the conversation's,
        # unless a national mark of its own is set against it ("那国内续展呢"), or the answer
        # sends the user to that subject's own entries (抢注 -> the opposition, invalidation).
        return context
    # The generic subject ("registration", a third of the corpus) is no subject to stay on
    # against a specific one the message names ("用县名当商标行不行" after "声音能注册吗").
    keep = not (family(context) == "registration" and "registration" not in named)
    pool = list(dict.fromkeys([*named, *([context] if context and keep else [])]))
    if len(pool) <= 1:
        return pool[0] if pool else None
    ranked = [_family_of(fmap, m) for m in matches if m.score >= FLOOR]

    if lean and context and not any(family(s) in ranked for s in pool):
        return context

    def rank(subject: str) -> int:
        fam = family(subject)
        return ranked.index(fam) if fam in ranked else len(ranked) + pool.index(subject)

    return min(pool, key=rank)


def resolve(
    fmap: FacetMap,
    matches: list[Match],
    text: str,
    subject: str | None,
    *,
    followup: bool,
    previous: str | None,
    context: str | None = None,
) -> str | None:
    """The entry for a question the words alone do not answer confidently, or None.

    A follow-up (a facet, no subject of its own) takes (conversation's subject, facet) -> entry.
    A question of its own keeps retrieval as its evidence: the subject it names (or, naming
    none, the subject of retrieval's best entry, well ahead of any other subject's) must be the
    one retrieval points to, and the map then confirms retrieval's best entry or, when
    retrieval knows nothing, names the entry for the facet asked ("听说商标可以拿去融资 具体咋
    操作"). Facets are read from the end of the message, where the question is.
    """
    top = matches[0] if matches else None
    named = bool(subject) and not followup
    if subject is None and context and facets_of(text):
        # A facet and no subject of its own, however long: the conversation's subject
        # ("what happens to it if the chinese mark gets cancelled").
        subject, followup = context, True
    if subject is None and context is None and _ANCHOR.search(text):
        # A mark in general, asked a measure ("i run a dumpling place. does a trademark last
        # forever", "开了个小店 商标能永久用吗"): a registration's, whose THE entry for it
        # retrieval ranks among its first, though the story's words blur the lead.
        for facet in facets_of(text):
            found = fmap.best("registration", facet)
            if (
                facet in TELLING
                and found is not None
                and fmap.weight("registration", facet, found) >= PRIMARY
                and any(m.entry.id == found and m.score >= FLOOR for m in matches[:3])
            ):
                return found
    if subject is None:
        # No subject named: a mark named, or the conversation's subject, is what makes
        # retrieval's lead evidence ("注销以后别人能马上拿去注册吗" after the grace period).
        on_context = top is not None and family(context) == _family_of(fmap, top)
        if top is None or top.score < FLOOR or not (_ANCHOR.search(text) or on_context):
            return None
        subject = fmap.subject_of(top.entry.id)
        if subject is None or family(subject) == "registration":
            return None  # a third of the corpus is "registration": a lead over the rest says little
    fam = family(subject)
    same = [m for m in matches if _family_of(fmap, m) == fam]
    own_best = same[0].score if same else 0.0
    other = max((m.score for m in matches if _family_of(fmap, m) != fam), default=0.0)
    leads = own_best >= FLOOR and own_best - other >= AHEAD
    specific = fam != "registration"
    if not (followup or leads or named):
        return None
    if not specific and not (followup or context is not None or _ANCHOR.search(text)):
        # "how do i register a company": registering, but not a mark; in a conversation about
        # marks ("查了没看到 那我们自己网上咋申请" after the search) it is one.
        return None
    asked = sorted(facets_of(text), key=lambda f: (f not in FIRST, -_last_at(f, text)))
    near = [m.entry.id for m in same[:3]]
    picks = [
        (f, e)
        for f in asked
        if (e := _pick(fmap, subject, f, previous, same)) and (specific or e in near)
    ]
    primary = [e for f, e in picks if fmap.weight(subject, f, e) >= PRIMARY]
    # A part of the conversation's subject ("what about macau" after Madrid) leans on it too.
    within = context is not None and NARROWER.get(fam or "") == family(context)
    if followup or (named and (family(context) == fam or within)):
        # A facet the entry is THE answer to first, then retrieval's lead within the subject,
        # then an entry that only also covers the facet ("几个商品" is no question of count).
        if primary:
            first = next((m.score for m in same if m.entry.id == primary[0]), 0.0)
            if (
                not followup
                and same
                and same[0].entry.id in primary
                and same[0].score - first >= AHEAD / 2
            ):
                # A question of its own asking several facets ("续展要准备啥材料 钱怎么交"), each
                # with its entry: the one retrieval ranks clearly first among them.
                return same[0].entry.id
            return primary[0]
        if leads:
            return same[0].entry.id
        if picks:
            return picks[0][1]
        if not followup and not asked and same and matches[0] is same[0] and own_best >= FLOOR:
            # A question of its own on the same subject, asking no facet ("can we file the
            # application in english?" after the number of classes): retrieval's best, not how
            # the subject is done in general.
            return same[0].entry.id
        return fmap.best(subject, "procedure", prefer=previous) if not asked else None
    # A question of its own: retrieval pointing at another subject wins ("if nobody opposes,
    # how long does the whole process take" is about registering), unless that subject is a
    # specific one the message never names ("we let a distributor use our brand, do we have
    # to register that": the squatting entry shares "register" and "brand", nothing more).
    mentioned = {family(s) for s in subjects_of(text)} | {"registration", None}
    # ... nor a subject with no entry on what is asked, when this one has THE entry for it
    # ("which one first - the renewal or the name change": no change entry says).
    silent = {
        f
        for f in mentioned
        if primary and f not in ("registration", None) and not any(fmap.covers(f, a) for a in asked)
    }
    veto = max(
        (
            m.score
            for m in matches
            if _family_of(fmap, m) not in (fam,) and _family_of(fmap, m) in mentioned - silent
        ),
        default=0.0,
    )
    if veto >= BLOCK and veto >= own_best + 3:
        return None
    reported = _reported(fmap, subject, text, asked, same, own_best)
    if reported is not None:
        return reported
    if own_best >= FLOOR:
        best = same[0].entry.id
        if primary:
            # The map confirms, never overrules; a sibling as close that also answers the
            # facet leaves it open ("延期续展加收多少": the renewal fee or the late fee).
            if best not in primary:
                # Retrieval tied ("看到初审公告有个很像的 怎么提异议": the period and the how
                # score alike): the facet asked settles it, THE entry for it among the tied.
                tied = [
                    e
                    for e in primary
                    if any(m.entry.id == e and own_best - m.score <= TIE for m in same)
                ]
                if tied:
                    return tied[0]
                # ... unless retrieval's best answers nothing asked and the facet is a telling
                # one ("异议结果出来了 不服咋整": the decision time is no appeal), with THE
                # entry for it among the subject's candidates.
                ranked = {m.entry.id for m in same}
                telling = [
                    e
                    for f, e in picks
                    if (f in TELLING or (f == "procedure" and _STEPS.search(text)))
                    and e in ranked
                    and e in primary
                ]
                if telling and not any(fmap.weight(subject, f, best) for f in asked):
                    return telling[0]
                return None
            facet = next(f for f, e in picks if e == best)
            rivals = [
                m
                for m in same[1:]
                if own_best - m.score < 5 and fmap.weight(subject, facet, m.entry.id) >= PRIMARY
            ]
            return None if rivals else best
        nearest = same[1].score if len(same) > 1 else 0.0
        # Named in words and first in retrieval, two signals: a smaller lead will do.
        ahead = leads or (named and same[0] is top and own_best - other >= 5)
        # Naming only its subject, a question asks how it is done ("商标要改地址吗"): the
        # subject's main entry, when it is retrieval's best, needs no lead over its siblings.
        main = not asked and best == fmap.best(subject, "procedure")
        return best if ahead and (main or own_best - nearest >= 5) else None
    if not specific or not _ANCHOR.search(text):
        return None  # retrieval knows nothing: a named subject and a mark, or nothing
    several = {family(s) for s in subjects_of(text)} - {"registration"}
    clause = asking_clause(text)
    asked_of = {family(s) for s in subjects_of(clause)} - {"registration"} if clause else set()
    if len(several) > 1 and asked_of == {fam}:
        several = asked_of  # the situation told first, the question on this subject
    if len(several) > 1:
        # Several subjects named: the one entry tagged with them all ("国际商标 ... 异议期"),
        # else nothing sure.
        both = {fmap.topics[e]: e for e, tagged in fmap.tagged.items() if several <= tagged}
        if len(both) == 1:
            return next(iter(both.values()))
        # ... or the one entry of the only subject named that answers what is asked ("先变更
        # 还是先续展": no change entry says which comes first, the renewal documents do).
        answering = {s for s in several if any(fmap.covers(s, f) for f in asked)}
        return primary[0] if primary and answering == {fam} else None
    if primary:
        return primary[0]
    # Asking only what none of the subject's entries answers ("能不能打无效": whether it can be
    # done) asks how it is done.
    own_facets = [f for f in asked if fmap.covers(subject, f)]
    return fmap.best(subject, "procedure", prefer=previous) if not own_facets else None


# A question asked, as opposed to a situation told ("商标局把我们的logo给驳回了 说跟别人的太像",
# "people are selling fake versions of our product with our brand on it").
_ASKS = re.compile(
    r"[?？吗呢么吧]|怎|咋|如何|什么|啥|哪|多少|几|是否|能否|可否|([\u4e00-\u9fff])不\1|可不可以|对不对"
    r"|\b(how|what|whats|when|where|why|which|who|any)\b"
    r"|(^|[,.;:!-]\s*)(can|could|should|do|does|did|is|are|was|will|would|may|must|have|has)\b",
    re.IGNORECASE,
)
WEAK = 46.0  # retrieval's best on the subject below this: its words say little (suggest band)


def _reported(
    fmap: FacetMap, subject: str, text: str, asked: list[str], same: list[Match], own_best: float
) -> str | None:
    """The subject's main entry for a situation told in lay words, or None.

    A message naming a specific subject that asks nothing of its own (no facet, no question)
    tells what happened and asks what to do about it: the subject's entry on how it is done,
    when retrieval has it among the subject's first or finds nothing of the subject in the
    suggestion band. Asking only what to do ("what are our options") is the same, while
    retrieval's words on the subject stay weak.
    """
    # (A quicker way asked is a way of doing it: "等不及补证了 有没有快点的办法".)
    if family(subject) == "registration" or set(asked) - {"procedure", "faster"}:
        return None
    if asked and own_best >= WEAK:
        return None
    if not asked and _ASKS.search(text):
        return None
    main = fmap.best(subject, "procedure")
    if main is None:
        return None
    near = [m.entry.id for m in same[:3]]
    return main if main in near or own_best < WEAK else None


def _last_at(facet: str, text: str) -> int:
    rx = dict(lexicon().facets)[facet]
    return max((m.start() for m in rx.finditer(text)), default=-1)


def _pick(
    fmap: FacetMap, subject: str, facet: str, previous: str | None, same: list[Match]
) -> str | None:
    if not fmap.covers(subject, facet):
        return None
    found = fmap.best(subject, facet, prefer=previous)
    if found is None:  # a tie: retrieval's order settles it
        tied = fmap.winners(subject, facet)
        found = next((m.entry.id for m in same if m.entry.id in tied), None)
    return found
