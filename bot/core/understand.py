"""Understand one message in its context: a typed interpretation the router decides on.

Pure reading, no database writes: the intent (booking, handoff, smalltalk, cancel, a tool
follow-up ...), the subject and facet of a question, and, when the message only names a facet
("那收费呢", "and the fee for that?"), the query rewritten with the subject of the last answer.
Lexicon and intent examples: bot/core/understanding.yaml.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz, process

from bot.core.asking import asks
from bot.core.dialogue import Dialogue
from bot.core.needles import Prefiltered, Screen, Shelf, hay_of
from knowledge.tools.madrid import files_abroad

__all__ = (
    "CANCEL_WORDS",
    "Interpretation",
    "Lexicon",
    "asked_subjects",
    "asking_clause",
    "asks_what_now",
    "entry_subject",
    "facet_of",
    "facets_of",
    "lexicon",
    "subjects_named",
    "subjects_of",
    "understand_text",
)

_FILE = Path(__file__).with_name("understanding.yaml")
_PUNCT = re.compile(r"[\s!！。.,，~～?？、:：;；…]+")
# Words that leave a flow or drop what is pending, typed in any step, by what the user means:
# stopping, giving up, putting it off, changing one's mind. With nothing under way the router
# answers them as small talk ("好的，没关系").
_STOP = ["取消", "退出", "cancel", "quit", "stop", "exit", "/cancel"]
_GIVE_UP = [
    "算了", "不约了", "不要了", "不弄了", "不办了", "不预约了", "不想约了", "不用约了", "不约", "不订了",
    "never mind", "nevermind", "nvm", "forget it", "forget about it", "don't bother",
    "don't book", "do not book", "scratch that", "scrap that", "forget that", "call it off",
]  # fmt: skip
_PUT_OFF = [
    "先不约了", "先不用了", "暂时不用了", "暂时不约了", "先不弄了", "改天再约", "下次再约", "以后再约",
    "回头再约", "有空再约", "maybe later", "another time", "some other time", "not right now",
]  # fmt: skip
# ("我再考虑一下", "下次再说", "i'll think about it" are goodbyes: small talk that leaves the flow.)
# A request withdrawn because it is no longer needed ("不用转了", "我自己搞定了", "i'm fine now").
_NOT_NEEDED = [
    "不用转了", "不转了", "不用人工了", "不需要人工了", "不要人工了", "不用找人了", "我自己再看看",
    "我自己看看", "我自己搞定了", "自己搞定了", "搞定了", "已经解决了", "问题解决了", "我自己解决了",
    "no need anymore", "not needed anymore", "i'm fine now", "im fine now", "i figured it out",
    "figured it out", "sorted it out", "i sorted it out", "all sorted",
]  # fmt: skip
_CHANGED_MIND = [
    "改主意了", "不想要了", "changed my mind", "change of plan", "i've changed my mind",
]  # fmt: skip
CANCEL_WORDS = frozenset(_STOP + _GIVE_UP + _PUT_OFF + _NOT_NEEDED + _CHANGED_MIND)
# ("不用" / "no" answer a flow's yes-or-no question, so they are the flow's to read.)
# A cancel word with only fillers around it cancels too: "算了不约了", "actually never mind".
_CANCEL_IN = re.compile(
    "|".join(re.escape(w) for w in sorted(CANCEL_WORDS, key=lambda w: (-len(w), w)) if w[0] != "/")
)
_CANCEL_FILLER = re.compile(
    # Someone of the user's side to check with first, whoever it is ("check with our legal team",
    # "run it past our IP counsel", "跟我们法务部门确认一下", "问问我们财务总监")
    r"\b(?:(?:our|my|the|a|some|their|other|both|all)\s+)*(?:[a-z'-]+\s+){0,2}?"
    r"(?:teams?|departments?|dept|counsel|lawyers?|attorneys?|bosses|boss|managers?|management"
    r"|board|directors?|partners?|shareholders?|investors?|(?:co-?)?founders?|ceo|cfo|cto|coo"
    r"|legal|finance|accounting|accountants?|hr|people|folks|colleagues?|family|wife|husband"
    r"|parents?|head office|hq|headquarters|higher[- ]ups|superiors?|owners?|clients?|agents?"
    r"|advis[eo]rs?|consultants?|procurement|compliance|committee|guys|side|cofounders?)\b"
    r"|\b(?:past|consult|clear (?:it|this)|sync|touch base|get (?:approval|sign[- ]off|the ok"
    r"|the go[- ]ahead)|over)\b|[-–—]"
    r"|(?:跟|和|同|与|找|问问?|请示|咨询|征求)(?:一?下)?(?:我们|我|咱们|公司|家里)?的?"
    r"[\u4e00-\u9fff]{0,5}?(?:部门|部|团队|总监|经理|老板|领导|老总|律师|顾问|同事|合伙人|股东|财务"
    r"|法务|会计|家人|老婆|老公|爱人|父母|家里人|朋友|他们|层|董事会|上级|主管|负责人|总)+们?"
    r"(?:的意见|意见)?(?:商量|确认|沟通|核实|请示|汇报|讨论|对一下|对下|说一声|说一下|说下|聊聊|聊一下"
    r"|问问|研究|合计)?(?:商量|一下|下)?"
    r"|\b(actually|ok|okay|well|no|nah|nope|please|just|then|let'?s|i'?ll|i|maybe|later"
    r"|another time|next time|sorry|oh|hmm|um|for now|all|the|my|our|booking|appointment|it|that"
    r"|this|request|actually)\b"
    r"|(下次|以后|改天|回头|有空|有需要)再(说|约|联系|弄|办)?|那|就|吧|啊|呀|哎|唉|还是|预约|我们|咱们|我|先|哈|嗯|没事"
    r"|不用|了|谢谢|谢了|\bthanks\b|\bthank you\b|\s"
    # what is given up, said beside the cancel word: "算了 先不登记了", "算了不弄了"
    r"|不(再)?[\u4e00-\u9fff]{1,2}了"
    # doing it oneself instead: "算了 我还是先自己看看资料", "never mind, i'll figure it out"
    r"|自己(先)?(看看|看下|研究研究|研究|琢磨|查查|查|弄|办|处理)(资料|材料|一下|下)?"
    r"|\b(myself|ourselves|figure it out|look into it|read up|on my own|on our own)\b"
    # talking it over among themselves first ("我们内部再商量下", "we'll handle it internally")
    r"|(我们|咱们)?(内部|自己)?(再)?(商量|讨论|研究|沟通|合计)(商量|讨论|一下|下)?|这次|这回|再说"
    r"|\b(internally|in[- ]house|among ourselves|between ourselves|sort (it |this |that )?out"
    r"|talk (it |this )?over|discuss (it|this)|first)\b"
    r"|\b(we'?ll|we|do|handle|ourself|do it ourselves|do it myself)\b"
    # someone else decided ("算了 老板说先不约了", "sorry boss says no. cancel pls")
    r"|(老板|领导|上司|老总|经理|公司|家里)(说|觉得|决定|不同意)?|(觉得)?没(有)?必要"
    r"|\b(boss|manager|management|supervisor|says?|said|decided|no|against it)\b"
    # ... a wait or a reason given beside it ("哎等下 老板说这周都没空 先不约了", "hold on, we're
    # busy this week, never mind")
    r"|等(一)?下|等等|稍等|(这|本|下)(个)?(周|星期|礼拜)|这(几|两)天|最近|(都|也)?没(有)?(空|时间)"
    r"|有事|(太|很|比较)?忙"
    r"|\b(wait|hold on|hang on|busy|no time|this week|next week|these days|swamped)\b"
    # coming back to it later ("cancel it. I'll come back later"), and "pls"
    r"|\b(come back|get back to you|pls|plz)\b"
    # someone else asked instead ("i'll ask our lawyer", "我问问我们律师")
    r"|问问?(我们|我)?的?(律师|老板|领导|同事|代理|法务)"
    r"|\bask(ing)? (our|my|the) (legal |law |ip )?(lawyers?|attorneys?|boss|manager|agent"
    r"|colleagues?|team|department|legal|counsel)\b"
    # ... after going back to them ("算了 先不约了 我回去跟老板商量下", "need to check with my
    # boss first")
    r"|回去|回头|(跟|和|同|与|问)(老板|领导|上司|老总|经理|公司|家里人?|同事|合伙人|团队|他们|大家|律师|财务"
    r"|法务|股东)?|(我)?(得|要|需要)(先)?|一?下|确认|核实|请示|汇报|预算"
    r"|\b(need|have|got|going) to\b|\bgotta\b|\bmust\b|\bwill\b|\b((my|our) )?(business )?(partners?"
    r"|team|family|wife|husband|accountant|finance|co-?founders?|colleagues?|lawyer|director)\b"
    r"|\bbudget\b"
    r"|\b(check|confirm|talk|speak|run (it|this|things)( by| past)?|go back)( it| this)?( with| to| by)?\b"
    # ... or getting in touch another way ("ill just call you instead", "我直接打电话问吧")
    r"|(直接|到时)?(打|拨)(个)?电话(过去|给你们|问问?|联系)?|(电话|当面|到时候?)(联系|问问?|说)"
    r"|\b(call|ring|phone|email|e-mail|visit|drop by)( you| you guys| the station| the office)?"
    r"( instead| later| directly| tomorrow)?\b|\binstead\b"
)
# An elliptical message leans on what came before: it starts so, or it is short.
_LEAN = re.compile(
    r"^(那|那么|那要是|那如果|还有|另外|然后|要是|如果|and|what about|how about|so|then)\b|"
    r"^(那|那么|还有|另外|然后|要是)|(呢|的呢)[?？]?$|\b(that|it|this|them)\b|这个|那个|它"
    # "one" standing for what was just asked about ("what do we need to actually file one")
    r"|\b(file|submit|lodge|start|bring|launch|request) (a |an )?one\b(?! (class|item|good|mark))",
    re.IGNORECASE,
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
# A new question announced as such ("unrelated but ...", "换个问题"): not a follow-up.
_SWITCH = re.compile(
    r"^\W*(ok\W+|okay\W+|also\W+)?(unrelated|different (q|question|topic|thing|matter)|another (q|question|topic|thing)"
    r"|(a |one )?(new|separate|other|unrelated) (q|question|topic)|off[- ]topic|changing (the )?(subject|topic)"
    r"|on another (note|subject|topic)|switching (topics?|subjects?))\b"
    r"|^\W*(换个问题|换个话题|另外问(一?下|个)|再问(一?个|一?下)|问个别的|另一个问题|题外话|顺便问(一?下|个))",
    re.IGNORECASE,
)
# Another IP right named ("外观设计专利还是商标", "trademark or design patent?"): what the station
# says of the neighbouring rights, not a facet of the subject the conversation is on.
_OTHER_RIGHT = re.compile(
    r"专利|版权|著作权|外观设计|\bpatent(s|ed)?\b|\bcopyrights?\b|\bdesign (rights?|registrations?)\b",
    re.IGNORECASE,
)
# A head noun left out, standing for what was just asked about ("and the individual ones?").
_ONES = re.compile(r"\b(the|those|these) (\w+ )?ones?\b", re.IGNORECASE)


@dataclass(frozen=True)
class Subject:
    """One subject of the lexicon."""

    name: str
    words: re.Pattern[str]
    zh: str
    en: str
    # Everyday words for the subject that the corpus never uses ("弄掉" for an invalidation):
    # they name it, and the subject's phrase is added to what retrieval searches.
    colloquial: re.Pattern[str] | None = None
    # Its phrase joins what retrieval searches whenever it is the question's subject (the
    # lexicon's `joins`): a sign asked about as a mark ("名字想直接用我们县名加个茶字 能注册下来吗")
    # is one entry's, and the sentence around the sign's word drowns it for retrieval.
    joins: bool = False
    # The wider subject it is a part of (the lexicon's `part_of`): whether a sign can be a mark
    # is a part of filing, and "how many classes can one application cover" after it is filing's.
    part_of: str | None = None

    def names(self, text: str) -> bool:
        """Whether `text` names this subject, in the corpus's words or colloquially."""
        return bool(self.words.search(text) or (self.colloquial and self.colloquial.search(text)))


@dataclass(frozen=True)
class Lexicon:
    """Subjects, facets and intent examples, loaded once."""

    subjects: tuple[Subject, ...]
    facets: tuple[tuple[str, re.Pattern[str]], ...]
    facet_phrases: dict[str, tuple[str, str]]
    intents: dict[str, tuple[int, tuple[str, ...]]]
    offtopic: re.Pattern[str] | None = None

    @cached_property
    def subject(self) -> dict[str | None, Subject]:
        """The subjects by name (a turn looks up the conversation's subject, or None, several
        times: a dictionary, not a walk through every subject)."""
        return {s.name: s for s in self.subjects}


@cache
def lexicon() -> Lexicon:
    """The lexicon of bot/core/understanding.yaml."""
    raw = yaml.safe_load(_FILE.read_text(encoding="utf-8"))
    subjects = tuple(
        Subject(
            name,
            re.compile(v["words"], re.IGNORECASE),
            v["zh"],
            v["en"],
            _colloquial(v.get("colloquial")),
            bool(v.get("joins")),
            v.get("part_of"),
        )
        for name, v in raw["subjects"].items()
    )
    facets = tuple(
        (name, re.compile(v["words"], re.IGNORECASE)) for name, v in raw["facets"].items()
    )
    phrases = {name: (str(v["zh"]), str(v["en"])) for name, v in raw["facets"].items() if "zh" in v}
    intents = {
        name: (int(v["threshold"]), tuple(_norm(x) for x in v.get("examples") or ()))
        for name, v in raw["intents"].items()
    }
    words = raw.get("offtopic") or []
    offtopic = re.compile("|".join(words), re.IGNORECASE) if words else None
    return Lexicon(subjects, facets, phrases, intents, offtopic)


@dataclass(frozen=True)
class _Prefilters:
    """The lexicon's expressions with their literal pre-checks (bot/core/needles.py), in
    lexicon order: (name, words, colloquial words) per subject, (name, words) per facet; and
    screens of them, which pre-check a whole list at once."""

    subjects: tuple[tuple[str, Prefiltered, Prefiltered | None], ...]
    facets: tuple[tuple[str, Prefiltered], ...]
    subject_words: Screen
    said_names: tuple[str, ...]  # the subjects with colloquial words, in lexicon order
    subject_said: Screen  # their colloquial words
    facet_words: Screen
    offtopic: Prefiltered | None  # the everyday words (`Lexicon.offtopic`)


@cache
def _prefilters() -> _Prefilters:
    lex = lexicon()
    subjects = tuple(
        (s.name, Prefiltered.of(s.words), s.colloquial and Prefiltered.of(s.colloquial))
        for s in lex.subjects
    )
    said = [(name, rx) for name, _, rx in subjects if rx is not None]
    facets = tuple((name, Prefiltered.of(rx)) for name, rx in lex.facets)
    return _Prefilters(
        subjects,
        facets,
        Screen([words for _, words, _ in subjects]),
        tuple(name for name, _ in said),
        Screen([rx for _, rx in said]),
        Screen([rx for _, rx in facets]),
        None if lex.offtopic is None else Prefiltered.of(lex.offtopic),
    )


def _colloquial(value: str | list[str] | None) -> re.Pattern[str] | None:
    """A subject's everyday words: one expression, or a list of them (a block per class of
    phrasing, each a line of its own)."""
    if not value:
        return None
    words = value if isinstance(value, str) else "|".join(f"(?:{w})" for w in value)
    return re.compile(words, re.IGNORECASE)


def _norm(text: str) -> str:
    return _PUNCT.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


# Having a mark removed ("get it removed", "能弄掉吗", "撤掉它").
_REMOVAL = re.compile(
    r"\b(cancel\w*|remov\w*|revok\w*|struck|strike (it|them) (off|out)|get rid of|take (it|them) down)\b"
    r"|撤销|撤掉|弄掉|搞掉|拿掉|去掉|撤三|撤了它",
    re.IGNORECASE,
)


# The certificate itself gone ("the registration certificate has vanished", "搬家后注册证找不到了"):
# a move or a rename told on the way is the story, the replacement is what is asked (b14).
_CERT_GONE = re.compile(
    r"(证书|注册证|商标证|注册正)\S{0,8}(丢|遗失|没了|找不到|找不着|找不见|不见|弄丢|搞丢|没找到)"
    r"|补(发|办)\S{0,3}(证书|注册证|商标证)"
    r"|\bcert(ificate)?s?\b.{0,30}\b(lost|missing|misplaced|vanished|disappeared|gone|nowhere)\b"
    r"|\b(lost|misplaced|can'?t find|cannot find|couldn'?t find|unable to find)\b.{0,30}\bcert",
    re.IGNORECASE,
)


# The opponent winning ("if they win", "异议成立了"): the refusal is the opposition's outcome.
_OPPONENT_WINS = re.compile(
    r"\b(they|the opponent|the other side|the opposing (party|side|company))\b.{0,10}"
    r"\b(wins?|won|succeeds?|succeeded|prevails?|prevailed)\b"
    r"|异议(成立|成功)|(对方|他们|人家)(赢了|胜了|异议成立|异议成功)",
    re.IGNORECASE,
)


# The office declining to cancel a registration ("局里不给撤", "撤不掉", "if cnipa refuses to cancel").
_KEPT_ON = re.compile(
    r"(不给|不予|没给|没有|没|不)撤(销)?(?![回离诉单])|撤不(掉|了|成|下来)"
    r"|\b(refuses?|refused|declines?|declined|rejects?|rejected|won'?t) (to cancel|our cancellation"
    r"|the cancellation|our non-?use)",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)
def subjects_of(text: str) -> tuple[str, ...]:
    """The subjects a text names, most specific first (lexicon order). Colloquial words name
    a subject only when no specific one is named in the corpus's words ("三年没用 能弄掉吗" is
    a non-use cancellation), though before the generic "registration" ("那个注册商标能弄掉吗").

    Cached: entries' questions are read again on every turn (bot/faq/guard.py)."""
    named = list(_in_words(text))
    # `Subject.names(text)` of a subject not named in its words: its colloquial words alone.
    spoken = (
        []
        if any(s != "registration" for s in named)
        else [name for name in _in_said_words(text) if name not in named]
    )
    return ordered_subjects(named, spoken, text)


@lru_cache(maxsize=4096)
def subjects_named(text: str) -> frozenset[str]:
    """Every subject whose words or colloquial words `text` holds (`Subject.names`), without the
    precedence of `subjects_of`: the literal pre-checks run first (bot/core/needles.py), and the
    answer is cached by text as `subjects_of`'s is."""
    return frozenset(_in_words(text)) | frozenset(_in_said_words(text))


# The two reads below are shared by `subjects_of` and `subjects_named`, which a FAQ turn asks
# of the same message (understanding, then the FAQ skill): each screen runs once per text.
@lru_cache(maxsize=4096)
def _in_words(text: str) -> tuple[str, ...]:
    """The subjects named in their words, in lexicon order."""
    pre = _prefilters()
    return tuple(pre.subjects[n][0] for n in pre.subject_words.matching(hay_of(text)))


@lru_cache(maxsize=4096)
def _in_said_words(text: str) -> tuple[str, ...]:
    """The subjects named in their colloquial words, in lexicon order."""
    pre = _prefilters()
    return tuple(pre.said_names[n] for n in pre.subject_said.matching(hay_of(text)))


def ordered_subjects(named: list[str], spoken: list[str], text: str) -> tuple[str, ...]:
    """The subjects named in their words (`named`) and in colloquial words only (`spoken`), in
    the order `subjects_of` gives them: specific first, the rules below, registration last."""
    specific = [s for s in named if s != "registration"]
    if "nonuse" in spoken and "invalidation" in spoken:
        # A removal asked of a mark its owner never uses ("the owner doesnt use it, any way to
        # get it cancelled"): the non-use cancellation, as when non-use is named in its words.
        spoken = ["nonuse", *(s for s in spoken if s != "nonuse")]
    if "squatting" in spoken and "opposition" in spoken:
        # A name used for years filed by another, now in the gazette ("卖了七八年了 ... 有个人申请
        # 了一模一样的 已经初审公告了"): the squatting, whose answer starts from the stage (b13).
        spoken = ["squatting", *(s for s in spoken if s != "squatting")]
    if "rejection" in specific and "nonuse" in specific and _REMOVAL.search(text):
        # Refused because of an older mark nobody uses, asked to remove it ("cnipa refused our
        # mark because of an older registration ... nobody uses it. can we get it removed"):
        # the non-use cancellation of the cited mark, not the review (b13).
        specific = ["nonuse", *(s for s in specific if s != "nonuse")]
    if "rejection" in specific and "nonuse" not in specific and _KEPT_ON.search(text):
        # The office declining to cancel a mark nobody uses ("万一局里不给撤 我们还能复审吗"): the
        # review is of the non-use decision, not of a refused application (issue 21).
        specific = ["nonuse", *specific]
    if "rejection" in specific and "opposition" not in specific and _OPPONENT_WINS.search(text):
        # "if they win and our mark gets refused can we appeal that": the refusal an opposition
        # ends in, the opposition's outcome (b13).
        specific = ["opposition", *specific]
    if "change" in specific + spoken and _CERT_GONE.search(text):
        # "we moved offices and the certificate has vanished, how do we get a new one": the
        # replacement certificate, though the move names a change of address (b14).
        specific = ["certificate", *(s for s in specific if s != "certificate")]
        spoken = [s for s in spoken if s != "certificate"]
    found = (*specific, *spoken, *[s for s in named if s == "registration"])
    # An earlier filing abroad whose date is kept for China is the priority claim, not Madrid.
    if "madrid" not in found and "priority" not in found and files_abroad(text):
        # "想在美国日本注册商标": protection in other countries is the Madrid route (or filing
        # there directly), though the message never says Madrid.
        found = ("madrid", *found)
    return found


def _named(subject: str, text: str) -> bool:
    found = lexicon().subject.get(subject)
    return found is not None and bool(found.words.search(text))


def facet_of(text: str) -> str | None:
    """The first facet a text asks about (not one another facet it holds subsumes)."""
    found = facets_of(text)
    return found[0] if found else None


@lru_cache(maxsize=4096)
def _facets_named(text: str) -> tuple[str, ...]:
    """Every facet whose words a text holds, in lexicon order. Cached: the facets' expressions
    cost about 15 µs each on a short text, and a turn reads the message's and the answered
    entry's question's facets more than once (`facet_of`, `facets_of`)."""
    pre = _prefilters()
    return tuple(pre.facets[n][0] for n in pre.facet_words.matching(hay_of(text)))


# A facet whose words hold another's: "有效期多久", "how long is it valid" ask the term, and
# their "多久" / "how long" is the term's, not how long a procedure takes.
_SUBSUMES = {
    "validity": frozenset(["time", "result_time"]),
    # "they kept selling after our warning letter": the user's letter, not one received (b13)
    "warned": frozenset(["accused"]),
    # accused, but the goods came from a lawful source unknowingly ("被人投诉侵权了 货都是从厂家
    # 正规进的 这种要赔钱吗"): the innocent seller's exemption is the answer (b13)
    "unaware": frozenset(["accused"]),
    # "能不能管": whether others can be stopped, not whether one may do something (issue 21)
    "stop_others": frozenset(["eligibility"]),
    # a fine asked under a condition ("要是没标会被怎么处理", "what if they don't, is there a
    # fine"): the "what if" is the penalty's condition, not the effect asked (wrong14)
    "penalty": frozenset(["effect"]),
}


@lru_cache(maxsize=4096)
def facets_of(text: str) -> tuple[str, ...]:
    """Every facet a text asks about, in lexicon order (cached, like `subjects_of`)."""
    found = _facets_named(text)
    dropped = frozenset().union(*(_SUBSUMES.get(f, frozenset()) for f in found))
    return tuple(f for f in found if f not in dropped) if dropped else found


# What can be done about a situation ("那怎么办", "还有别的办法没", "so what can we do now",
# "what are our options"): a question of its own, not an input of the last computation.
_WHAT_NOW = re.compile(
    r"怎么办|咋办|怎么整|(有|还有)(没有)?(什么|啥|别的|其他|其它)?(办法|补救|出路|路子)|有没有办法|补救"
    r"|救(回来|得回来)|\bwhat (can|could|should|do) (we|i) do\b|\bwhat now\b|\bwhat next\b"
    r"|\b(our|my|the|any|other) options\b|\banything (we|i) can do\b|\bany (other )?way (to|out)\b",
    re.IGNORECASE,
)


def asks_what_now(text: str) -> bool:
    """Whether a message asks what can be done about a situation."""
    return bool(_WHAT_NOW.search(text))


@cache
def entry_subject(question: str) -> str | None:
    """The subject of an entry, read from its question."""
    found = subjects_of(question)
    return found[0] if found else None


def intent_score(intent: str, text: str) -> float:
    """How close the message is to the intent's examples (0-100)."""
    _, examples = lexicon().intents.get(intent, (100, ()))
    if not examples:
        return 0.0
    norm = _norm(text)
    best = process.extractOne(norm, examples, scorer=fuzz.ratio)
    score = float(best[1]) if best else 0.0
    # A long message that contains an example as a whole ("帮我约个专家聊聊马德里") also counts.
    partial = process.extractOne(norm, examples, scorer=fuzz.partial_ratio)
    if partial and len(partial[0]) >= 4 and len(norm) <= 3 * len(partial[0]):
        score = max(score, float(partial[1]) - 8)
    return score


@dataclass
class Interpretation:
    """What one message is, in its context."""

    text: str
    intent: str | None = None  # booking | handoff | cancel | tool_followup | faq | None
    subject: str | None = None
    facet: str | None = None
    query: str = ""  # what the FAQ searches (rewritten for an elliptical follow-up)
    followup: bool = False  # leans on the last answer's subject
    topic: str | None = None  # a booking topic named in the message (madrid, renewal ...)
    context_subject: str | None = None  # what the conversation was about before this message
    scores: dict[str, float] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


_BOOK_NEEDS = re.compile(
    r"专家|律师|顾问|咨询|预约|约|expert|lawyer|consult|appointment|book", re.I
)
_HUMAN_NEEDS = re.compile(
    r"人工|真人|工作人员|客服|人聊|人说|投诉|同事|领导|负责人|主管|经理|转接|个人来|找个人|机器人"
    r"|staff|human|person|someone|somebody|anyone|anybody|agent|operator|manager|supervisor|colleague|support"
    r"|representative|customer service",
    re.I,
)
# A person asked for by word classes the examples cannot list: 人工 with any verb ("能不能换个
# 人工", "请人工处理一下"), a transfer ("麻烦转接一下"), someone fetched ("叫个人来", "找个人帮我
# 看看"), the bot refused ("不想跟机器人聊了", "机器人说不清楚 找个人"), support or a
# representative asked for ("connect me with support", "speak to a representative").
_HUMAN_CLASS = re.compile(
    r"人工(?!智能|费)|转接|(叫|找|换|派|来)(一?个|位)(人|真人)(?!申请|名义|注册|商标|能|可以)"
    r"|(不想|不要|不愿意?|别)(再)?(跟|和|同)?(你|机器人|机器|ai|bot)\S{0,2}(聊|说|对话|沟通)"
    r"|机器人\S{0,8}(找|叫|换|转)\S{0,2}人"
    r"|\b(connect|transfer|put) me (with|to|through)\b"
    r"|\b(a |your |one of your )?staff( member)?\b.{0,20}\bhelp\b"
    r"|\bhelp\b.{0,12}\b(a |your )?staff\b"
    # a call back asked for: staff ring the user ("你们能打给我吗", "can someone call me back")
    r"|(打|回)(个|一个)?电话给(我|我们)|给(我|我们)(打|回)(个|一个)?电话|(能|可以|麻烦)?打给(我|我们)"
    r"|回(个|一个)?电话|电话(里|上)(说|聊|讲|沟通)|\b(call|ring|phone) (me|us)( back)?\b"
    r"|\bgive (me|us) a (call|ring)\b"
    # whether anyone can help do it ("有没有人能帮我弄一下", "有人能帮帮我吗")
    r"|有没有人(能|可以|会)?帮|有人(能|可以)帮|(想|要|得)找(个)?人(来)?帮(我|我们|忙)",
    re.I,
)
# A booking asked for in words: a verb of arranging and someone to consult.
_BOOK_VERB = re.compile(
    r"预约|约(个|一?下|位|专家|律师|顾问|时间|吗|不)|安排|请教|面谈|当面|见面|聊聊|细聊"
    r"|找|请|帮(我|我们|忙)?(看|把关|分析|规划|指导)|帮忙|把关|指导|规划|咨询(一?下)?|聊|谈|问问"
    r"|联系|评估"
    r"|\bbook|schedul|appointment|\bmeet\b|arrange|set up|session"
    r"|\b(chat|talk|speak|discuss|consult|see|sit down)\b"
    # someone to look at the user's papers ("can an expert look over our application")
    r"|\b(look (over|at|through)|review|check|go (over|through)|assess|advise)\b",
    re.I,
)
# Meeting someone at the station is a booking even when nobody is named ("下周想过去当面咨询下
# 马德里的事 能约吗", "can we come in and talk it through").
_BOOK_VISIT = re.compile(
    r"(当面|面对面|上门|过去|到(站里|你们|现场|那边|指导站))\S{0,2}(咨询|聊|谈|请教|问问|沟通|说|讲)"
    # a visit said with the place between ("当面去你们那咨询", "上门到站里问问")
    r"|(当面|面对面|上门)(去|到|过去|来)\S{0,5}(咨询|聊|谈|请教|问问|沟通)"
    r"|面谈|面聊"
    # a visit to the station, not "a business visa to visit china for a trade fair"
    r"|\bin person\b|face[- ]to[- ]face|\bcome (in|by|over) (to|and)\b"
    r"|\bvisit (you|your \w+|the (station|office|cent(re|er)))\b|\bvisit\W*$",
    re.I,
)
# A time asked for a talk, with or without someone named ("能约明天下午吗", "schedule a call").
_BOOK_TIME = re.compile(
    r"约(个|一?下)?(时间|明天|后天|今天|下午|上午|周.|星期.|下周)"
    r"|\b(schedule|book|arrange|set up) (a |an |that |the |this |our )?(call|meeting|consultation"
    r"|session|appointment)"
    r"|\bmake (an? )?(appointment|booking|reservation)\b"
    # advice of a professional asked for ("i need professional advice on a dispute")
    r"|\b(need|want|get|seek|looking for)\b.{0,20}\b(professional|expert|legal|specialist)"
    r" (advice|opinion|help)\b",
    re.I,
)
_BOOK_WHO = re.compile(
    r"专家|律师|顾问|老师|行家|懂行的|专业人士|专业的人|专业人员|expert|lawyer|attorney|consultant"
    r"|懂\S{0,6}的(人|老师)|内行"
    r"|specialist|advis[eo]r|professional"
    r"|counsel",
    re.I,
)
# Booking by word classes: a verb that reserves a time and what is reserved, a consultation or
# someone to consult ("怎么预约咨询", "预约线下咨询", "我想挂个专家号", "一对一咨询 怎么约",
# "appointment please", "专家什么时候有空 想约"). The reserving verbs are narrower than
# `_BOOK_VERB` ("找", "请", "聊" are not among them), so the consultation alone is enough.
_RESERVE = re.compile(
    r"预约|预定|挂(个|一个)?(专家)?号|(想|要|能|可以|怎么|如何|帮我|给我)约"
    r"|(?<![大合签条公节])约(个|一?下|一个|上)|(?<![大合签条公节])约$"
    r"|\b(book|booking|reserve|schedul\w*|appointments?|arrange)\b",
    re.I,
)
_RESERVED = re.compile(
    r"咨询|面谈|面聊|一对一|专家|律师|顾问|老师|挂\S{0,3}号|坐诊|时间|有空"
    r"|consult\w*|session|meeting|appointments?|slot|adviser|advisor|expert|specialist|lawyer"
    r"|\b(someone|somebody)\b",
    re.I,
)
# The reserving word alone ("appointment please").
_RESERVE_ONLY = re.compile(r"^(an )?(appointment|booking)( please| pls)?$", re.I)
# A booking already made, looked at or changed: the booking skill's commands, not a new one.
_MADE_BOOKING = re.compile(
    r"我的预约|查看预约|查询预约|取消|改约|改期|\bmy (booking|appointment)|cancel|reschedul"
    r"|约过|(上次|之前|以前)(约|预约)的|\b(did|have) (i|we) (already )?(book|booked|made)\b",
    re.I,
)
# A booking made before, asked about ("我是不是已经约过专家了", "did we already book a
# consultation"): the booking skill lists it; no new booking starts.
_BOOKED_BEFORE = re.compile(
    r"约过|(上次|之前|以前)(约|预约)的|\b(did|have) (i|we) (already )?(book|booked|made)\b", re.I
)
# A person asked for in words: wanting, finding or talking to staff or a human.
_HUMAN_VERB = re.compile(
    r"找|要|想|跟|和|转|叫|让|联系|通话|通个话|打电话|有(没有)?(人工|真人|工作人员)|在不在|在吗|在么"
    r"|对接|接手|跟进"
    r"|talk|speak|contact|reach|connect|get|\bcall(ing)?\b|need|chat|in touch|is there|are there"
    r"|transfer|put me|want|like|please|pls|help|assist|walk (me|us) through|guide (me|us)"
    r"|show (me|us) how",
    re.I,
)
# Asking what tmbot is ("are you a real person", "你是真人吗") is small talk, not a request.
_IDENTITY = re.compile(
    r"^((are|r) (you|u)|is this|am i (talking|chatting) (to|with))\b|^你是|^您是|^是(不是)?(机器人|真人)",
    re.I,
)
_HUMAN_WHO = re.compile(
    r"真人|人工|工作人员|客服|同事|领导|负责人|主管|经理|real person|a human|\bhuman\b|staff member"
    # a person of the station ("让你们站里的人直接跟我们对接一下")
    r"|(站里|站上|贵站|指导站|你们那边|你们这边)的?人(?![员工])"
    r"|\bstaff\b|your (manager|supervisor|colleague|boss)"
    # "someone else filed the same mark", "someone is selling fakes": a third party, not a
    # person to talk to
    r"|someone (at|from) the station|a person|\b(someone|somebody)\b(?! else| is| has| was| keeps"
    r"| \w+ed\b)"  # "someone filed a non-use cancellation": a third party
    r"|your people|agent|\b(actual|real|live) (person|human|people)\b"
    # "is there anyone I can actually speak to" (not "is anybody there": small talk)
    r"|\b(anyone|anybody)\b(?= (i|we) (can|could|might|may) (\w+ )?(speak|talk|chat))"
    # support or a representative asked for ("connect me with support"); "our customer service
    # team uses the name" has no verb of asking and stays a question
    r"|customer (service|support)|\bsupport\b|(?<!office )\brepresentative\b(?! office)"
    r"|live (chat|agent|person)|\brep\b"
    # whoever is working ("talk to whoever's on duty", "找值班的")
    r"|值班|\bwhoever\b|\bon duty\b",
    re.I,
)
# "agent" is also a trademark agent (代理机构): "do we need an agent to file", "agent fees".
_TM_AGENT = re.compile(
    r"\bagen(t|ts|cy|cies)\b.*\b(file|filing|regist|apply|applica|trademark|mark|cnipa|fee|cost|"
    r"foreign|required|mandatory)|\b(trademark|filing|ip|hire|use|through) agen(t|cy)"
    # one word between: "must use chinese agent", "hire a local agency", "through an ip agent"
    r"|\b(hire|use|using|through|via|appoint|engage|need|needs)( an?| the)? \w+ agen(t|cy)\b"
    r"|\b(trademark|filing|ip|hire|use|using|through|appoint|via) (an? |the )?(\w+ )?agen(t|cy)"
    # the user's own agent, spoken of ("our agent mentioned something called central attack")
    r"|\b(our|my) (\w+ )?agen(t|ts|cy)\b"
    # "does a foreign company need an agent": an applicant needing one, not a person to talk to
    r"|\b(company|companies|firm|business|applicant|foreigner|individual)s? (still )?"
    r"(need|needs|require|requires|must use|ha(ve|s) to use) an? agen(t|cy)"
    # an agent set against doing it oneself ("need agent or we can do ourself")
    # ("need agent or we can do ourself", "must use agent or can do self", "on our own")
    r"|\bagen(t|ts|cy|cies)\b.*\b((our|my)?sel(f|ves)|diy|on (our|my) own|do (it )?(by )?self)\b"
    r"|\b((our|my)?sel(f|ves)|diy|on (our|my) own)\b.*\bagen(t|cy)",
    re.I,
)
_TALK_TO_AGENT = re.compile(
    r"\b(talk|speak|chat|connect|transfer|put)\w*( me)?( through)? (to|with) (an?|the|your|a live"
    r"|a human|some) ?agent",
    re.I,
)


# Someone asked to look at the user's case ("can a person at the station look at it with us",
# "could somebody go over our papers with me", "can one of your team check it for us"): the
# person looks, in the same clause, at what is the user's (with/for us, our papers) or is of
# the station; "how can a person check if a mark is registered" asks how, not for a person.
_LOOKS_AT = re.compile(
    r"\b(someone|somebody|a person|anyone|anybody|your (staff|team|people)"
    r"|one of you(r (team|staff|people|colleagues|guys))?)\b"
    r"(?! else| is| has| was| keeps| \w+ed\b)[^.?!;,]{0,30}?\b(look (at|over|into|through)"
    r"|take a look|have a look|go (over|through)|check|review|handle|deal with)\b",
    re.I,
)
_OURS = re.compile(
    r"\b(with|for) (us|me)\b|\b(our|my)\b|\b(at|from) (the station|your (team|office|side|end))\b",
    re.I,
)


def _asks_to_look(text: str) -> bool:
    """Someone asked to look at the user's case with them."""
    m = _LOOKS_AT.search(text) if _LOOKS_AT in _WORDS.hits(text) else None
    return bool(m and _OURS.search(text, m.start()) and not re.match(r"\W*how\b", text, re.I))


def _asks_person(text: str) -> bool:
    """A person asked for in words, unless the only person is a trademark agent."""
    hits = _WORDS.hits(text)
    if _asks_to_look(text) and _TM_AGENT not in hits:
        return True
    if not (_HUMAN_VERB in hits and _HUMAN_WHO in hits):
        return False
    if _TM_AGENT in hits and _TALK_TO_AGENT not in hits:
        return bool(_HUMAN_WHO.search(re.sub(r"\bagen(t|ts|cy|cies)\b", "", text, flags=re.I)))
    return True


# Questions about the service, not a request for it ("人工服务时间", "专家咨询收费吗").
_ABOUT = re.compile(
    r"(服务|工作|办公|营业|上班|开放|咨询)时间|几点|收费|多少钱|免费吗|要钱|花钱|收钱|多长时间"
    r"|what time|hours|opening|cost|fee|charge|free\b",
    re.I,
)
# Whether one needs someone is a question, not a request ("should i consult a lawyer before
# filing", "是否需要律师").
_NEED_Q = re.compile(
    r"\b(should|must) (i|we)\b|\bdo (i|we) (really )?(need|have to)\b|\bis it (necessary|required|mandatory)"
    r"|是否需要|是否必须|必须(要)?(找|请)",
    re.I,
)
# Each consultation topic with the words clerks use for it (abbreviations, what happened to
# them, the English forms).
_TOPIC_WORDS = {
    "madrid": r"马德里|国际注册|海外注册|国外注册|境外注册|madrid|international|abroad|overseas",
    "renewal": r"续展|续期|续注册|到期|过期|renew|expir|laps",
    "geographic_indications": r"地理标志|地标|地理标识|geographical indication|\bGI\b",
    "collective_certification": r"集体商标|证明商标|collective|certification mark",
    "opposition_invalidation": r"异议|无效|驳回|复审|撤三|撤销|抢注|oppos|invalid|refus|squat|non-?use",
    "infringement_litigation": r"侵权|假冒|仿冒|山寨|诉讼|起诉|官司|维权|打假|infring|counterfeit"
    r"|litigat|lawsuit|court|\bsue\b|\bsued\b|fake",
    "brand_strategy": r"品牌|brand",
    "registration": r"注册|申请|regist|filing|\bfile\b",
}


_ALL_TOPICS = tuple(_TOPIC_WORDS)


def booking_topic(text: str, specialties: tuple[str, ...]) -> str | None:
    """The consultation topic a booking request names ("约专家聊马德里" = madrid)."""
    for topic, words in _TOPIC_WORDS.items():
        if topic in specialties and re.search(words, text, re.IGNORECASE):
            return topic
    return None


_SUBJECT_TOPIC = {
    "madrid": "madrid",
    "renewal": "renewal",
    "grace": "renewal",
    "opposition": "opposition_invalidation",
    "rejection": "opposition_invalidation",
    "invalidation": "opposition_invalidation",
    "nonuse": "opposition_invalidation",
    "infringement": "infringement_litigation",
    "customs": "infringement_litigation",
    "registration": "registration",
}


def topic_of_subject(subject: str | None) -> str | None:
    """The booking topic for what the conversation was about."""
    return _SUBJECT_TOPIC.get(subject or "")


_SUBJECT_FILLER = re.compile(
    r"[那么呢吗吧啊呀的了还有另外然后就请问一下这个那个它\s\W]"
    r"|\b(and|what|whats|about|how|the|then|so|for|of|a|an|is|it)\b",
    re.IGNORECASE,
)


def _bare_subject(text: str) -> bool:
    """Whether a message names a subject and nothing more ("变更呢", "and for assignment?"):
    it asks what was just asked, of that subject. "only some goods were refused, can we split
    it" names a subject and asks something of its own."""
    pre = _prefilters()
    rest = pre.subject_words.sub_each(hay_of(text), [""] * len(pre.subjects))
    return len(_SUBJECT_FILLER.sub("", rest)) <= 2


# A national mark set against a Madrid one ("那国内的呢", "and for a chinese registration?").
_NATIONAL = re.compile(
    r"国内|境内|本国|national|domestic|chinese (mark|one|trademark|registration|filing)|in china",
    re.I,
)
# What a national counterpart is asked for ("国内的要多少钱"); "and if the chinese mark fails"
# asks about Madrid's dependency on it.
_SCOPE_FACETS = (None, "fee", "validity", "time", "result_time", "documents", "procedure")
# ... unless the message is about both ("国内续展了马德里还要续吗").
_MADRID_TOO = re.compile(r"马德里|国际|madrid|international|\bIR\b|wipo", re.I)
# ... or a national mark asked for as a step before ("要先在国内注册吗", "must we register in
# china before"): the Madrid basic mark, not the national counterpart of the last question.
_BEFORE = re.compile(r"先|之前|以前|还没|before|\bfirst\b|beforehand|prior|\byet\b", re.I)


# Registration as a state not reached yet ("before it's registered", "还没注册下来").
_NOT_YET = re.compile(
    r"\bbefore (it'?s|it is|its|the \w+ is|being|we'?re|we are|getting( it)?) (registered|approved)"
    r"|(not|n't) (yet )?(been )?registered|\bunregistered|还?没(有)?(注册|核准)|未注册|注册(下来)?(之|以)?前"
    # when it will be registered, asked ("so when is it actually registered", b13)
    r"|\bwhen (is|will|does|do|would) (it|the \w+|our \w+|we) (\w+ )?(be |get |actually |finally )*"
    r"(registered|approved)\b|(什么时候|啥时候|多久)(能|才能|可以)?(注册下来|正式注册|核准注册)",
    re.I,
)


_TM_ANCHOR = re.compile(r"商标|品牌|牌子|trademark|\bmarks?\b|\bbrand|\btm\b", re.I)


# Facets only a legal question asks: "发票都留着 这样也要赔吗" during an infringement matter is
# no question about invoices.
_LEGAL_FACETS = frozenset({"damages", "penalty", "appeal", "accused", "unaware", "wilful"})

_FILING_IT = re.compile(
    r"\b(?:fil(?:e|es|ing)|submit(?:ting)?|lodg(?:e|ing)|apply(?:ing)? for)\s+(?:it|that|this|one)\b"
    r"(?!\s+(?:again|anew|over))|(?:提交|申请|提)(?:它|这个|那个)(?!.{0,3}(?:重新|再))",
    re.IGNORECASE,
)


# Invoices and contracts offered as evidence of use ("他们开的发票算不算我们用了", "要准备啥材料 我们
# 手上有以前的发票合同", "do invoices count as proof"): the user's evidence, not their taxes (b13).
_AS_EVIDENCE = re.compile(
    r"证据|材料|证明|算不算|算是|(使|在|用)用|用了|用过"
    r"|\bevidence\b|\bproofs?\b|\bprove\b|\bcounts? as\b|\buse[ds]?\b|\busing\b",
    re.IGNORECASE,
)
_PAPERS = re.compile(r"发票|合同|invoice|contract", re.IGNORECASE)


def _offtopic(text: str) -> bool:
    """Whether a message is about an everyday matter (lexicon `offtopic`) and not a mark."""
    words, screened = lexicon().offtopic, _prefilters().offtopic
    if words is None or screened is None:
        return False
    found = screened.search(hay_of(text))  # a big alternation, searched only if it may match
    if found is None or _TM_ANCHOR.search(text):
        return False
    # Papers offered as evidence: only the invoice or contract found, and evidence asked.
    papers = _PAPERS.fullmatch(found.group()) and not words.search(_PAPERS.sub(" ", text))
    return not (papers and _AS_EVIDENCE.search(text))


def _only_cancel(key: str) -> bool:
    rest, found = _CANCEL_IN.subn("", key)
    return found > 0 and not _CANCEL_FILLER.sub("", rest)


# "不用了谢谢", "no thanks": declining what was asked; it ends a flow, except where the step
# itself is a yes-or-no question (the booking's reminder consent) or the flow is not the
# booking's (a marks reminder question), which the flow reads.
_SOFT_CANCEL = re.compile(
    # a filler and a "no" first: "actually no, not now", "hmm nah"
    r"^((actually|well|hmm|oh|ok|okay|sorry|嗯|哦|呃)\s*)?((no|nope)\s+)?"
    r"(暂时|先|现在|目前)?(不用了|不需要了|不要了|no thanks?|no thank you|no need|not now|nah)\s*"
    r"(谢谢|谢了|谢谢你|thanks?|thank you|哈|啊|吧)?$",
    re.I,
)
# Nothing but a person asked for, typed twice or more ("人工人工", "human human").
_ONLY_HUMAN = re.compile(r"^((转|找)?(人工|真人|客服)|human|agent|staff|operator|\s)+$", re.I)


# A subject named only in lay words that, said during a conversation on a neighbouring subject,
# is that subject's: removing a mark ("撤掉", "get rid of it") after its non-use is the non-use
# cancellation.
# A refusal said in lay words ("最后要是不给注册") during an opposition is the opposition's decision.
_YIELDS = {"invalidation": frozenset({"nonuse"}), "rejection": frozenset({"opposition"})}
# A refusal by the home office, named during a Madrid conversation ("国内那个申请被驳回了").
_HOME = re.compile(
    r"国内|商标局|国家知识产权局|复审|\b(cnipa|domestic|national|home|chinese application)\b", re.I
)

# Another subject named only to compare ("跟许可备案一样得双方一起去吗" during a pledge, "same as
# for the licence?"): no subject of the question.
_COMPARED = re.compile(
    r"(跟|和|像|同(?![一日天时])|与)(?!我|咱|你|他|她|它|人|别|对)[^，,。？?！!\s]{1,10}?(?<![不没])(一样|那样|似的|类似)"
    r"|\b(same as|just like|as with) (for |with )?(the |a |an )?\w+( \w+)?",
    re.IGNORECASE,
)


# The clauses of a message: Chinese ones between spaces or punctuation, English ones between
# punctuation.
_CLAUSES_ZH = re.compile(r"[\s，,。！!；;？?]+")
_CLAUSES_EN = re.compile(r"[,.;!?]+\s*")


def asking_clause(text: str) -> str | None:
    """The last clause of a message of several that names a subject, when it asks ("can we
    register our tm with chinese customs somehow?" after "we found fake versions ...")."""
    split = _CLAUSES_ZH if _CJK.search(text) else _CLAUSES_EN
    clauses = [c for c in split.split(text) if c]
    last = next((c for c in reversed(clauses) if subjects_of(c)), None)
    return last if len(clauses) > 1 and last is not None and asks(last) else None


@lru_cache(maxsize=4096)
def asked_subjects(text: str) -> tuple[str, ...]:
    """The subjects a message asks about: those it names, but for one named only to compare,
    and the subject of the clause that asks first: "我们报的商标被驳了 引证的那个商标市面上根本没见过
    能申请把它撤掉吗" tells of a refusal and asks to remove a mark nobody uses (non-use).

    Cached: understanding and the FAQ skill both read the message's in one turn."""
    rest = _COMPARED.sub(lambda m: " " if subjects_of(m.group(0)) else m.group(0), text)
    found = subjects_of(rest) if rest != text and rest.strip() else subjects_of(text)
    if len([s for s in found if s != "registration"]) < 2:
        return found
    last = asking_clause(rest)
    if last is None:
        return found
    asked = [s for s in subjects_of(last) if s != "registration"]
    if not asked or asked[0] == found[0]:
        return found
    first = asked[0]
    # A removal asked in lay words of a mark the message says is unused: the non-use one.
    if not _named(first, last):
        first = next((s for s in _YIELDS.get(first, ()) if s in found), first)
    return (first, *[s for s in found if s != first])


# Someone who knows a subject, asked for ("懂马德里的老师", "someone who knows madrid filings",
# "whoever handles madrid", "a consult with someone on brand strategy"): an expert, not staff.
_KNOWS_ZH = re.compile(
    r"(懂|熟悉|擅长|精通|专门(做|搞|负责|处理)|负责|专做|专攻)\S{0,10}的(人|老师|专家|律师|顾问|同事|同志)"
)
_KNOWS_EN = re.compile(
    r"\b(someone|somebody|anyone|anybody|whoever|a person|people|one of your (people|folks|team))"
    r"( (who|that)('s| is| are)?)?"
    # a word of degree between ("someone who really knows madrid", "who actually handles it")
    r"( (really|actually|truly|properly|genuinely|deeply|very|quite|also|well))?"
    r" (knows?|does|do|handles?|deals? with|works? on|specialis\w+"
    r"|specializ\w+|understands?|(is )?(good|experienced|familiar|an expert|expert) (at|with|in|on)"
    # what they bring ("someone with madrid experience", "somebody with expertise in renewals")
    r"|(with|having) (\w+ ){0,2}(experience|expertise|background|knowledge)"
    r"|on)\b",
    re.I,
)
# An expert the user asks for: a verb of finding or talking before the expert ("找个律师",
# "跟顾问聊聊", "see a lawyer"), not a lawyer's letter nor the other side's lawyer.
_EXPERT_ASKED = re.compile(
    r"(找|约|请|跟|和|同|给|安排|有没有|有无|推荐|介绍|要)(个|一个|一位|位|下|一下|你们)?的?\S{0,6}?"
    r"(专家|律师(?!函|事务所|费|发|说)|顾问|老师|行家|内行|专业人士)"
    r"|\b(with|to|see|consult|book|get|need|want|find|have|is there|any)\b[\w' ]{0,25}?"
    r"\b(expert|lawyer|attorney|consultant|specialist|advis[eo]r|counsel)s?\b",
    re.I,
)
# What one does with an expert: consult, talk it through, have it looked at.
_CONSULT = re.compile(
    r"聊|谈|咨询|请教|问问|看看|看一?下|分析|把关|指导|视频|讨论|商量"
    r"|\b(chat|talk|speak|discuss|consult\w*|go (through|over)|look (at|over|through)|review"
    r"|advise|advice|meet|see|video|set (me|us) up|book|sit down|walk (me|us) through)\b",
    re.I,
)
# Staff of the station, asked for as such: a handoff even with an expert named beside.
_STAFF = re.compile(
    r"工作人员|客服|人工|真人|(站里|站上|贵站|指导站|你们那边|你们这边)的?人(?![员工])|值班"
    r"|\b(staff|human|operator|customer service|representative|(actual|real|live) (person|human|agent))\b",
    re.I,
)


def _knows_subject(text: str) -> bool:
    """Someone who knows a subject named right after ("someone who knows madrid filings")."""
    if _KNOWS_EN not in _WORDS.hits(text):
        return False
    for m in _KNOWS_EN.finditer(text):
        # "someone on brand strategy": the subject right after; "go over our renewals with
        # somebody who handles them": anywhere, after a verb of knowing or handling.
        where = text[m.end() : m.end() + 40] if m.group(0).lower().endswith(" on") else text
        if booking_topic(where, _ALL_TOPICS) or subjects_of(where):
            return True
    return False


def _consults_expert(text: str) -> bool:
    """An expert asked for to consult ("找个律师电话里聊聊", "someone who knows oppositions
    to go through it with us"), with no staff asked for and no question about the service."""
    hits = _WORDS.hits(text)
    if _ABOUT in hits or _IDENTITY in hits or _NEED_Q in hits or _STAFF in hits:
        return False
    who = _KNOWS_ZH in hits or _EXPERT_ASKED in hits or _knows_subject(text)
    return who and _CONSULT in hits


# A condition or a question said before a request ("不收钱的话 帮我安排个老师聊聊", "if it's
# free, could you book me an expert"): the request is read without it.
_ASIDE = re.compile(
    r"的话$|^(如果|要是|假如|假设|只要)|^(if|as long as|assuming|provided)\b|[?？吗么呢]$",
    re.I,
)


def _after_aside(text: str) -> str | None:
    """What follows the condition or question a message starts with, or None."""
    if _CJK.search(text):
        parts = [p for p in re.split(r"[\s，,。；;！!？?]+|(?<=的话)", text) if p]
    else:
        parts = [p.strip() for p in re.split(r"(?<=[,.;!?])\s+", text) if p.strip()]
    dropped = 0
    while dropped < len(parts) - 1 and (
        _ASIDE.search(parts[dropped].rstrip(",.;!")) or _ABOUT.search(parts[dropped])
    ):
        dropped += 1
    return " ".join(parts[dropped:]) if dropped else None


# Why a figure is what it is ("why does the total jump by 200", "为啥多了200", "how come the EU
# part costs so much"): the figure is the last answer's.
_WHY_FIGURE = re.compile(
    r"(为什么|为啥|凭什么|怎么会)\S{0,12}(贵|多|高|涨|加|收|费|钱|总价|合计|一共)"
    r"|\b(why|how come)\b.{0,40}\b(total|fee|fees|cost|costs|price|expensive|pricey|more|jump"
    r"|extra|higher|charge|charged|pay)\b",
    re.I,
)
# The line of an estimate a why-question points at, and the corpus's words for it.
_FIGURE_PARTS = (
    (
        re.compile(
            r"(多|加|超|额外)\S{0,3}(的)?\S{0,2}类|\b(extra|more|additional|beyond)\b.{0,12}\bclass",
            re.I,
        ),
        "附加费 超过三个类",
        "supplementary fee per extra class",
    ),
    (
        re.compile(
            r"单独规费|欧盟|美国|日本|\b(individual fee|eu|us|japan|country|countries)\b", re.I
        ),
        "单独规费",
        "individual fee",
    ),
    (re.compile(r"彩色|颜色|\bcolou?r", re.I), "基础费 彩色", "basic fee colour"),
)
# Someone of the user's own side who sent them to ask ("领导让我问下 ...", "老板叫我来咨询下",
# "my boss asked me to find out ..."): an errand told before the question, not a person asked
# for; the question is what follows.
_ERRAND = re.compile(
    r"^\W*(我们?的?|公司|单位)?(领导|老板|老总|上级|上司|主管|经理|负责人|同事|客户|老公|老婆|家里人?|朋友"
    r"|公司|单位|法务|财务|总监|部门)(让|叫|要|派|托|请|安排)(我|我们|俺)(来|过来|先)?"
    r"(问|咨询|打听|了解|查|确认|核实)(问|一下|下|一问|清楚)?[\s,，。.:：;；!！~～]*"
    r"|^\W*(so |hi,? |hello,? )?(my|our) (boss|manager|supervisor|director|ceo|owner|colleague|client"
    r"|legal team|team lead|lead|partner)\b,? (asked|wants|wanted|told|has asked|needs|sent) (me|us)"
    r" to (ask|check|find out|look into|enquire|inquire|figure out|confirm)( about)?\b[\s,:;.-]*",
    re.I,
)


def _request(text: str, key: str, scores: dict[str, float]) -> str | None:
    """A booking or a person asked for in words ("booking", "handoff"), or None; the score of
    each intent's examples goes to `scores`."""
    hits = _WORDS.hits(text)
    # "领导让我问问": the user's own boss, not staff asked for
    framed = _ERRAND.sub(" ", text) if _ERRAND in hits else text
    if framed != text:
        if not framed.strip():
            return None
        text, key = framed, _norm(framed)
    intent = _asked(text, key, scores)
    if intent in (None, "handoff") and _consults_expert(text):
        # "找个律师电话里聊聊侵权的情况", "someone who knows madrid i could video chat with":
        # an expert to consult is a booking; staff to call back or take over stay a handoff.
        return "booking"
    hits = _WORDS.hits(text)
    if intent == "handoff" and _BOOK_VISIT in hits and _ABOUT not in hits:
        return "booking"  # someone to see in person ("找个人当面说说"): an expert's slot
    if intent == "booking" and _BOOKED_BEFORE in hits:
        return None
    return intent


def _asked(text: str, key: str, scores: dict[str, float]) -> str | None:
    """The intent's examples first, then the word classes: a meeting, a person, a booking."""
    hits = _WORDS.hits(text)
    for intent, needs in (("handoff", _HUMAN_NEEDS), ("booking", _BOOK_NEEDS)):
        if needs not in hits or _IDENTITY in hits:
            continue
        if intent == "booking" and _NEED_Q in hits and _BOOK_VISIT in hits:
            continue  # "do we have to go to cnipa in person": a duty asked, not a visit booked
        score = intent_score(intent, text)
        scores[intent] = score
        if score >= lexicon().intents[intent][0] and (score == 100 or _ABOUT not in hits):
            return intent
    if _ABOUT in hits or _IDENTITY in hits or _NEED_Q in hits:
        return None
    if (_BOOK_VISIT in hits or _MEET in hits) and (_BOOK_WHO in hits or _SOMEONE in hits):
        return "booking"  # meeting someone is a booking, not a chat with staff
    if _asks_person(text) or _HUMAN_CLASS in hits:
        return "handoff"
    if (
        (_BOOK_VERB in hits and _BOOK_WHO in hits)
        or _BOOK_TIME in hits
        or _BOOK_VISIT in hits
        or (
            ((_RESERVE in hits and _RESERVED in hits) or _RESERVE_ONLY.match(key))
            and _MADE_BOOKING not in hits
        )
    ):
        return "booking"
    return None


# A registration named as such, which starts afresh ("那国内注册一个类多少钱").
_ANEW = re.compile(
    r"重新|新申请|再申请|国内|商标注册|注册商标|注册一个|注册个|申请商标|reapply|new application"
    r"|\bregistration\b|register (a|an|the|our|my) |file a (new )?(trademark|mark)"
    r"|apply(ing)? for a (new )?(trademark|mark|tm)\b"
    # "filing online" names the channel of what is asked about, not a new application
    r"|filing(?! (one|it|that|this|them|online|on paper|by (post|mail)|electronically|offline)\b)",
    re.I,
)
# The registration's own certificate asked for ("那之后多久能拿到证"): registration's, anew.
_CERTIFICATE = re.compile(
    r"拿(到)?(注册)?证|领(到)?(注册)?证|\bget (the|our|my|a) (registration |trademark "
    r"|tm )?certificate\b",
    re.I,
)
# A meeting, and someone unnamed to meet ("can we meet someone"): a booking (`_asked`).
_MEET = re.compile(r"\b(meet|meeting|sit down)\b", re.I)
_SOMEONE = re.compile(r"\b(someone|somebody)\b", re.I)
# The word classes above asked of a whole message, screened at once (bot/core/needles.py).
_WORDS = Shelf(
    [
        _HUMAN_NEEDS, _BOOK_NEEDS, _IDENTITY, _ABOUT, _NEED_Q, _BOOK_VISIT, _MEET, _BOOK_WHO,
        _SOMEONE, _HUMAN_CLASS, _BOOK_VERB, _BOOK_TIME, _RESERVE, _RESERVED, _MADE_BOOKING,
        _BOOKED_BEFORE, _LOOKS_AT, _TM_AGENT, _HUMAN_VERB, _HUMAN_WHO, _TALK_TO_AGENT, _STAFF,
        _KNOWS_ZH, _KNOWS_EN, _EXPERT_ASKED, _CONSULT, _ERRAND, _CJK, _ANEW, _CERTIFICATE,
        _SWITCH, _FILING_IT, _TM_ANCHOR, _LEAN, _NOT_YET, _NATIONAL, _MADRID_TOO, _BEFORE,
        _OTHER_RIGHT, _WHY_FIGURE, _ONES,
    ]
)  # fmt: skip


def understand_text(text: str, dialogue: Dialogue, lang: str) -> Interpretation:
    """The interpretation of `text` given the dialogue context."""
    interp = Interpretation(text=text, query=text, context_subject=dialogue.subject)
    key = _norm(text)
    hits = _WORDS.hits(text)
    cjk = _CJK in hits
    if key in CANCEL_WORDS or _only_cancel(key):
        interp.intent = "cancel"
        return interp
    if _SOFT_CANCEL.match(key):
        interp.intent, interp.extra["soft"] = "cancel", True
        return interp
    if _ONLY_HUMAN.match(key):
        interp.intent = "handoff"
        return interp
    interp.intent = _request(text, key, interp.scores)
    if interp.intent is None and (rest := _after_aside(text)):
        # "不收钱的话 帮我安排个懂注册的老师聊聊", "how much is it? anyway, book me an expert":
        # a condition or a question said first, then the request.
        interp.intent = _request(rest, _norm(rest), {})
    own = list(asked_subjects(text))
    legal = dialogue.subject is not None and bool(set(facets_of(text)) & _LEGAL_FACETS)
    if interp.intent is None and not set(own) - {"registration"} and _offtopic(text) and not legal:
        # "今天天气怎么样": everyday matters, no trademark word: read alone, never a follow-up,
        # and the FAQ neither answers nor suggests from words it shares by chance.
        interp.extra["offtopic"] = True
        return interp
    brief = len(key) <= 14 if cjk else len(key.split()) <= 9
    # A bare "注册" in a short follow-up is the last subject's ("注册下来管几年" after Madrid);
    # a registration named as such starts afresh ("那国内注册一个类多少钱").
    # The registration's own certificate ("那之后多久能拿到证" after an opposition deadline, b15a),
    # unless announced as another question (read alone below).
    anew = _ANEW in hits or (_CERTIFICATE in hits and _SWITCH not in hits)
    # "whats the official fee for filing it" after an opposition deadline: filing THAT, the
    # conversation's procedure, not a new application ("file it again" is one).
    filing_it = _FILING_IT in hits and _TM_ANCHOR not in hits
    # ... also a longer one asking who may apply ("谁能申请啊 我们是个种植合作社 行不行" after the
    # geographical indication), within a clause or two.
    asks = len(key) <= 24 if cjk else len(key.split()) <= 16
    # Longer, it is the last subject's when it points back and asks a facet ("他那个是2022年注册
    # 下来的 现在提还来得及不" after squatting, "and after we file, does the owner get a chance to
    # respond" after non-use, "and the official fee for filing one?" after collective marks).
    # Not when registering is the state asked about ("what if we put the r on before it's
    # registered").
    points_back = _LEAN in hits and facet_of(text) is not None and _NOT_YET not in hits
    within = subject.part_of if (subject := lexicon().subject.get(dialogue.subject)) else None
    if (
        own == ["registration"]
        and dialogue.subject not in (None, "registration")
        and within != "registration"
        and (
            ((brief or points_back or (asks and "eligibility" in facets_of(text))) and not anew)
            or filing_it
        )
    ):
        own = []  # "谁可以申请" after a GI answer: a bare "申请" / "apply" names no subject
    if anew and own == ["registration"]:
        interp.extra["anew"] = True  # bot/faq/facets.choose_subject: a filing of its own
    interp.subject = own[0] if own else None
    yields = _YIELDS.get(interp.subject or "", frozenset())
    if dialogue.subject in yields and not _named(interp.subject or "", text):
        # "申请撤掉它要花多少钱" after a mark nobody uses: the removal is the non-use
        # cancellation the conversation is about, not an invalidation.
        own = [dialogue.subject, *own[1:]]
        interp.subject = dialogue.subject
    if interp.subject == "rejection" and dialogue.subject == "madrid" and not _HOME.search(text):
        # "美国那边会不会驳回", "要是驳回了怎么办" during a Madrid filing: a designated
        # country's refusal, not a refusal by CNIPA and its 15-day review.
        own = ["madrid", *[s for s in own if s != "madrid"]]
        interp.subject = "madrid"
        refusal = "designated country refusal" if lang == "en" else "马德里指定国驳回"
        interp.query = f"{text} {refusal}"
        interp.extra["implied"] = interp.extra["spoken"] = True  # the query's words decide
    interp.facet = facet_of(text)
    if interp.subject and not _named(interp.subject, text):
        # A subject the message implies without its words ("在美国日本注册" is Madrid's): the
        # words retrieval would match are not there, the facet map answers (bot/faq).
        interp.extra["implied"] = True
    spoken = lexicon().subject.get(interp.subject)
    if spoken and not spoken.words.search(text) and spoken.names(text):
        # "能弄掉吗": named in words the corpus never uses, retrieval gets the corpus's too.
        interp.query = f"{text} {spoken.en if lang == 'en' else spoken.zh}"
        interp.extra["spoken"] = True
    elif spoken and interp.subject == "nonuse" and "rejection" in own:
        # The cited mark's non-use told within a refusal ("refused because of an older
        # registration ... nobody uses it. can we get it removed"): retrieval's words are the
        # refusal's, the subject is the removal (`subjects_of`), so it is searched too (b13).
        interp.query = f"{text} {spoken.en if lang == 'en' else spoken.zh}"
        interp.extra["implied"] = interp.extra["spoken"] = True
    elif spoken and spoken.joins:
        interp.query = f"{text} {spoken.en if lang == 'en' else spoken.zh}"
    short = len(key) <= 14 if cjk else len(key.split()) <= 9
    # "另外问下 ..." starts another question: it leans on nothing, whatever it names.
    lean = _LEAN in hits and _SWITCH not in hits
    interp.extra["lean"] = lean
    if (
        interp.intent is None
        and own
        and not interp.facet
        and dialogue.facet
        and short
        and lean
        and _bare_subject(text)  # last: it screens the text again for each subject it removes
    ):
        # "变更呢" after a fee answer, "马德里的呢" after the term: the new subject with the
        # facet asked last (the facet map names the entry; the phrase helps retrieval).
        phrases = lexicon().facet_phrases.get(dialogue.facet)
        interp.facet = dialogue.facet
        if phrases:
            interp.query = f"{text} {phrases[1] if lang == 'en' else phrases[0]}"
        interp.followup = True
        interp.extra["inherited_facet"] = True
        return interp
    if (
        interp.intent is None
        and dialogue.subject == "madrid"
        and _NATIONAL in hits
        and not set(own) - {"registration", "madrid"}
        and _MADRID_TOO not in hits
        and _BEFORE not in hits
        and short
        and interp.facet in _SCOPE_FACETS
        and (interp.facet or dialogue.facet)
    ):
        # "那国内的呢" after a Madrid answer: the same question of a national mark.
        interp.subject = "registration"
        interp.facet = interp.facet or dialogue.facet
        interp.followup = True
        interp.extra["inherited_facet"] = True
        return interp
    if interp.intent is None and not own and dialogue.subject and _OTHER_RIGHT in hits:
        # "trademark or design patent? can u help with patents too" after a jingle: a question
        # on the neighbouring rights, read alone, not a facet of the last subject (issue 21).
        interp.extra["switch"] = True
        return interp
    if interp.intent is None and not own and dialogue.subject and _SWITCH in hits:
        # "unrelated but someone mentioned a new trademark law, when does it kick in?": the
        # user says it is another question; it is read alone, not as a follow-up.
        interp.extra["switch"] = True
        return interp
    if interp.intent is None and not own and dialogue.subject and _WHY_FIGURE in hits:
        # "why does the total jump by 200 just for the extra classes" after a Madrid estimate:
        # a question about a figure just given is the conversation's subject's, however long.
        subject = lexicon().subject[dialogue.subject]
        interp.query = f"{subject.en if lang == 'en' else subject.zh} {text}"
        for said, zh, en in _FIGURE_PARTS:
            if said.search(text):  # the line of the estimate asked about, in the corpus's words
                interp.query += " " + (en if lang == "en" else zh)
                break
        interp.subject, interp.followup = dialogue.subject, True
        return interp
    if interp.intent is None and not own and dialogue.subject:
        tiny = len(key) <= 8 if cjk else len(key.split()) <= 5
        if (short or lean) and (interp.facet or lean or tiny):
            subject = lexicon().subject[dialogue.subject]
            phrase = subject.en if lang == "en" else subject.zh
            rest = re.sub(r"^(那么|那|and|so|then)\s*", "", text.strip(), flags=re.IGNORECASE)
            interp.query = f"{phrase} {rest}"
            if not interp.facet and dialogue.facet and _ONES in hits:
                # "and the individual ones?" after the supplementary fee: the ones are fees.
                interp.facet = dialogue.facet
                phrases = lexicon().facet_phrases.get(dialogue.facet)
                if phrases:
                    interp.query += " " + (phrases[1] if lang == "en" else phrases[0])
            interp.subject = dialogue.subject
            interp.followup = True
            # Only short, with no facet word and nothing pointing back: the FAQ also tries
            # the message alone and keeps whichever reading wins.
            interp.extra["weak"] = not (interp.facet or lean)
    return interp
