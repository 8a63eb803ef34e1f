"""Read a chat message for the facts the trademark tools need, and decide which tool it asks for.

Pure functions, no database. The rule that keeps general questions with the FAQ: a message is a
tool request only when it carries the user's own facts (a date tied to a registration, expiry,
publication or refusal; a number of classes with a cost question; named countries with a Madrid
cost question; a business description with a class question), or when it explicitly asks about
the user's own mark ("我的商标什么时候续展"), in which case the skill asks for what is missing.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache

from bot.core.needles import Shelf
from knowledge.tools import (
    DateResult,
    FeeTable,
    PartyMatch,
    files_abroad,
    find_dates,
    find_parties,
)

__all__ = (
    "DATE_TOOLS",
    "Facts",
    "choose",
    "class_items",
    "date_role",
    "date_tool",
    "mailed",
    "new_filing",
    "numbered_class_items",
    "numbered_items",
    "over_items",
    "read_facts",
    "tied",
    "unknown_parties",
    "wants_missing_date",
)

DATE_TOOLS = ("renewal", "opposition", "rejection_review", "madrid_dependency", "nonuse")


def _re(alternatives: str) -> re.Pattern[str]:
    return re.compile(alternatives, re.IGNORECASE)


# Topic words per tool (searched in the whole message).
TOPIC = {
    "opposition": _re(r"异议|初审公告|初步审定|oppos"),
    "rejection_review": _re(r"驳回|复审|被驳|refus|reject"),
    "madrid_dependency": _re(r"马德里|国际注册|madrid|international registration|\bIR\b"),
    "nonuse": _re(r"撤三|不使用|没有?使用|未使用|non-?use|not (been )?used|unused"),
    "renewal": _re(
        r"续展|续期|续费|续|到期|过期|期满|届满|有效期|注册"
        r"|renew|expir|registered|registration|lapse|valid|\breg\b|\bregd\b|runs? out"
    ),
}
# Words tying a date to the tool's event; they must sit right next to the date, within the
# same clause ("2016年3月7日核准注册", "registered on 7 Mar 2016"), so "2020年3月成立，想注册"
# is no registration date.
TIED = {
    "opposition": r"公告|初审|初步审定|publish\w*|publication|gazette",
    "rejection_review": r"驳回|收到|发文|发出|通知|refus\w*|reject\w*|receiv\w*|got|sent|issued|dated"
    r"|reached|arrived|came|delivered",
    "madrid_dependency": r"国际注册|马德里|注册|madrid|IR|registered|registration",
    "nonuse": r"注册|registered|registration",
    "renewal": r"注册|核准|到期|期满|届满|过期|有效期|registered|registration|expir\w*"
    r"|(?:valid|good) (?:until|till|to|through|thru)"
    r"|lapse\w*|\breg\b|\bregd\b|runs? out|ran out",
}
_CLAUSE = r"[^，。,.;；？?!！\n]"
_NOTICE_TOOLS = ("rejection_review", "opposition")
_EXPIRY_AFTER = _re(r"^\s*(?:就|要|将|会|已经?|正好)?\s*(?:到期|期满|届满|过期|失效|expir)")
_EXPIRY_BEFORE = _re(
    r"(?:到期日?|期满日?|届满日?|有效期(?:上|里)?(?:写的?|写着|显示的?|标的?|印的?|注明)?(?:是|为)?(?:至|到|截至|截止到?|只到)|截止日期|expir\w*|lapses?"
    r"|(?:valid|good) (?:until|till|to|through|thru)|runs? out|ran out|running out|\bends?|\bending)"
    r"\s*(?:是|为|在|于|:|：|on|date|is|at|in)?\s*(?:on\s*)?$"
)
_SENT_BEFORE = _re(
    r"(?:发文|发出|寄出|发送|签发|sent|issued|dated|mailed)\W*(?:日期?|on|date)?\W*$"
)
_SENT_AFTER = _re(r"^\s*(?:发文|发出|寄出|发送|签发)")
_MAILED = _re(r"邮寄|纸质|by post|mailed|by mail")
_EXPIRY = _re(r"到期|过期|期满|expire")
_PERSONAL = _re(
    r"我的|我们|我司|我公司|本公司|咱们|咱家|我家|我(?=这个|那个|的?(?:商标|牌子|品牌))"
    r"|\bmy\b|\bour\b|\bmine\b"
)
_WHEN = _re(
    r"什么时候|何时|哪天|哪一天|几号|截止|最晚|最后期限|\bwhen\b|what date|deadline|last day"
)
# An event supposed, not told ("when cnipa refuses our application", "要是被驳回了"): what
# the deadline is, the rule (the FAQ's, which offers the computation), not a date to ask for.
_SUPPOSED = _re(
    r"\b(when|if|once|in case) (cnipa|the office|they|it|the (application|mark)|our (application|mark)"
    r"|an? (application|mark)|we (get|got|receive))\b.{0,24}\b(refus|reject|turn\w* down|oppos)"
    r"|(如果|要是|万一|假如|假设)\S{0,10}(驳回|被拒|异议)|(被驳回|被异议)(了)?的话"
)
_HOW_LONG = _re(r"多久|几天|还有多少天|how long|how many days")  # a length: often a rule question
_COMPUTE = _re(
    r"帮我算|帮忙算|算一下|算下|算算|计算|估算|测算|帮我查|帮忙查|查一下|查下|帮我看下"
    r"|\bcalculate\b|\bcompute\b|\bestimate\b|\bwork out\b|\bfigure out\b|\bcheck when\b"
)
# Asking tmbot to work something out is about the user's own mark.
_ASK_COMPUTE = _re(
    r"(?:帮我|帮忙|给我|替我)(?:算|查|计算|看)|\b(?:calculate|work out|figure out|check) (?:my|our|when)\b"
)
# When renewal is possible at all is the rule (the FAQ's window answer, which offers the
# computation): "when can i renew my trademark", "我的商标什么时候可以续展".
_WINDOW_Q = _re(
    r"(?:什么时候|何时|啥时候|哪天)(?:才|就)?(?:可以|能|开始|允许)(?:办理?)?续"
    r"|\bwhen (?:can|could|may) (?:i|we)\b|\bwhen (?:am i|are we) allowed|how (?:early|soon) can"
    # how far ahead it may be done ("续展最早能提前多久办", "how far in advance can we renew")
    r"|最早\S{0,4}提前|提前多久(?:能|可以|就能)?(?:办|续|申请|交)|最早(?:能|可以)?(?:什么时候|啥时候|哪天)"
    r"|how far (?:in advance|ahead)|how (?:many months|long) (?:before|ahead|in advance)"
)
_COST = _re(
    r"多少钱|多少费用|费用多少|要多少|交多少|花多少|需要多少|一共|总共|合计|多少|几块|费用|官费|规费"
    r"|how much|\bcosts?\b|\bfees?\b|\bprice\b|\btotal\b|\bbudget\b|\bestimate\b|\bballpark\b|\bquote\b"
)
# "宽展期" belongs to renewal alone; a colloquial 续 before a count or a particle ("续3个类",
# "续一下") is renewal, never the 续 of 手续 / 继续.
_RENEWAL_CTX = _re(
    r"宽展|renew|grace period|(?<![手继陆连持延])"
    r"续(?:展|期|费|(?=\s*(?:\d|[一二两三四五六七八九十]|个|一下|下来|吗|呢)))"
)
_LATE = _re(
    r"宽展|迟延|滞纳|过期|逾期|晚了|晚交|到期(?:以?后|之后)|\blate\b|grace|expired|overdue"
    r"|after (?:it |the mark |the registration |that )?(?:expires|lapses)|after (?:the )?expiry"
    # the window missed ("要是来不及", "赶不上的话", "if we don't make it in time")
    r"|来不及|赶不上|没赶上|没来得及|(?:don'?t|do not|can'?t|cannot|won'?t) make it in time"
    r"|\bmiss(?:es|ed)? the (?:renewal )?(?:deadline|window)"
)
_MADRID_CTX = _re(
    r"马德里|国际注册|国际申请|madrid|international (?:registration|application|filing)"
    r"|\bwipo\b|designat"
)
# A party added to an international registration the user already holds (a subsequent
# designation, its own basic fee): the FAQ's rule, not the estimate of a new application
# ("想在原来的国际注册上再加越南 多少钱", "add vietnam to our existing IR, whats the fee").
_SUBSEQUENT = _re(
    r"后期指定|后续指定|(原来|原有|现有|已有|已经有|之前)的?\S{0,4}(国际注册|马德里|国际商标)"
    r"|(国际注册|马德里)\S{0,6}(上|里)(再|也)?(加|指定)"
    r"|subsequent(ly)? designat|\b(existing|current) (ir|international registration|madrid)\b"
    r"|\badd \w+( and \w+)? to (the|our|my) (ir|international registration)\b"
)
_OTHER_PROCEDURE = _re(
    r"转让|变更|异议|撤三|撤销|无效|复审|补发|许可|备案|质押|专利|版权|著作权|域名"
    r"|assign|transfer|oppos|cancel|invalid|review|licen|pledge|certificate|change|patent"
    r"|copyright|domain"
)
_PAPER = _re(r"纸质|纸件|\bpaper\b|\bby (?:post|mail)\b")
_COLOUR = _re(r"彩色|颜色|colou?r")
_BW = _re(r"黑白|black[\s-]*(?:and|&|/|\+|n)?[\s-]*white|\bb\s*[/&]\s*w\b")
_CLASS_Q = _re(
    r"哪一类|哪类|哪个类|哪些类|什么类|哪几类|哪一个类|选.{0,3}类别"
    r"|第几类|属于哪|几类|哪几个类|哪些个类|哪个类别|什么类别|啥类|哪个大类|类别是啥|类别是什么"
    r"|\b(?:which|what) (?:nice )?(?:class(?:es)?|category)\b|\bclass(?:es)? (?:for|should|do)\b"
)
_CLASS_META = _re(r"区分表|分类表|尼斯分类|多少类|(?<!哪)几个类|nice classification|how many")
# Whether or how items past the ten a class covers are charged is the rule (the FAQ's), not a
# total: "每个类超过10个商品是不是还要另加钱", "报15个小项 超了的咋收"; "不超项的话" is no such question.
_OVER_ITEMS = _re(
    r"(?<!不)(?:超过|超出|超了|超项|多出)(?!.{0,12}(?:一共|总共|合计))"
    r"|\b(?:more than|over|beyond|exceed\w*) (?:10|ten)\b(?!.{0,30}\btotal\b)"
)

_CN_NUM = {**dict(zip("一二三四五六七八九", range(1, 10), strict=True)), "两": 2, "俩": 2}
_EN_NUM = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_NUM = r"(\d{1,3}|[一二两三四五六七八九十]{1,3}|俩)"
_NOT_AFTER = r"(?<![第哪每同这那单\d一二两三四五六七八九十])"  # "第42类" is class 42, not 2 classes
_ZH_CLASSES = re.compile(
    _NOT_AFTER + _NUM + r"\s*个?\s*(?:大)?类(?!似)"
    # "这俩类", "那两个类", "这3个类": a count after 这/那, which "这一类" (a kind) is not.
    r"|(?<=[这那])(\d|[二两三四五六七八九十]{1,2}|俩)\s*个?\s*(?:大)?类(?!似)"
    # The class count changed in words: "类别改成2个", "类别数改为3", "大类换成两个".
    r"|(?<![\d第个])(?:类别|大类|类)(?:(?:的)?(?:数量|个数|数目|数))?\s*(?:改成|改为|换成|换为|变成|"
    r"调成|调整为|调整成|调到|改到|增加到|增加为|加到|减到|减少到|减为|定为|定成)\s*"
    + _NUM
    + r"\s*个(?!\s*(?:商品|项目|小项|服务|项|国家?|月|年|天|工作日))"
    r"|(?<![\d第个])(?:类别|大类|类)(?:的)?(?:数量|个数|数目|数)\s*(?:是|为|有|改成|改为|换成|变成|调成|调到|改到|增加到|加到|减到|减少到)?\s*"
    + _NUM
    + r"(?!\s*(?:个\s*)?(?:商品|项目|小项|服务|项|国家?|月|年|天|工作日))"
)
# Class numbers: "第9类和第42类", "第9、35、42类", "class 9, 35 and 42".
_CLASS_NO = re.compile(
    r"第\s*\d{1,2}(?:\s*类?\s*(?:、|,|和|及|与|/)\s*第?\s*\d{1,2})*\s*类"
    # Without 第, numbers joined in a list are class numbers, not counts: "30类跟43类",
    # "9、35类" (nobody counts "3类和4类"); so is a lone class number past 10 with no 个
    # ("注册30类"): counts that large are said "30个类".
    r"|(?<![\d个])\d{1,2}\s*类?\s*(?:、|,|和|跟|及|与|/|还有|加)\s*\d{1,2}\s*类(?!似|别?[吗呢])"
    # ... and numbers joined, then counted in words: "43和35两个类", "9、35、42这三个类".
    r"|(?<![\d个])\d{1,2}(?:\s*(?:、|,|和|跟|及|与|/|还有|加)\s*\d{1,2})+\s*(?:这|那)?"
    r"[两二三四五六七八九十]\s*个\s*(?:大)?类(?!似)"
    # ... or pointed at with 这/那 and no 类: "43和30这两个", "9、35、42那三个".
    r"|(?<![\d个])\d{1,2}(?:\s*(?:、|,|和|跟|及|与|/|还有)\s*\d{1,2})+\s*(?:这|那)"
    r"(?:[两二三四五六七八九十]\s*个|俩)(?![月年天日号周])"
    # A lone class number past 10 ("注册30类"), also after "加个"/"报个" ("再加个35类"): not
    # "两个30类的商标".
    r"|(?<![\d第])(?<![^加报来]个)(?:[1-3]\d|4[0-5])\s*类(?![似别])"
    r"|\bclass(?:es)?\s+\d{1,2}\b(?:\s*(?:,|and|&|/)\s*(?:class\s+)?\d{1,2}\b)*",
    re.IGNORECASE,
)
# "both classes" counts two, as "two classes" does.
_EN_CLASSES = re.compile(
    r"\b(\d{1,3}|both|" + "|".join(_EN_NUM) + r")\s+(?:nice\s+)?class(?:es)?\b"
    # ... and the count changed in words: "classes to 2", "number of classes: 3" (not "change
    # the class to 35", a class number).
    r"|\b(?:number\s+of\s+classes|class\s+count|classes)\s*(?:(?:up|down|back)\s+)?(?:\bto\b|=|:)\s*"
    r"(\d{1,2}|" + "|".join(_EN_NUM) + r")\b",
    re.I,
)
_ZH_ITEMS = re.compile(
    _NOT_AFTER
    + _NUM
    + r"\s*个\s*(?:商品|项目|小项|服务|项)|(?:每类|每个类别?)\s*"
    + _NUM
    + r"\s*个?"
)
_EN_ITEMS = re.compile(r"\b(\d{1,3})\s+(?:items?|goods|products|terms|services)\b", re.I)
_ITEM_NOUN = r"(?:商品|项目|小项|服务|项)"
_EN_ITEM_NOUN = r"(?:items?|goods|products|terms|services)\b"
# Items of some of the classes only: "其中有一个类要报15个小项", "one of them has 14 items" ...
_SOME_CLASS_ITEMS = re.compile(
    r"(?:(?:其中|里面|里头|当中)\s*有?|有)\s*"
    + _NUM
    + r"\s*个\s*(?:大)?类别?[^，。,;；\d一二两三四五六七八九十]{0,6}?"
    + _NUM
    + r"\s*个\s*"
    + _ITEM_NOUN
    + r"|\b(one|two|three|\d)\s+of\s+(?:them|those|these|the\s+classes)\s+(?:has|have|with|having"
    r"|needs?|covers?|lists?|is|are)\s+(?:about\s+|around\s+)?(\d{1,3})\s+" + _EN_ITEM_NOUN,
    re.I,
)
# ... and of the others: "另外两个都不到10个", "另外两个类也都报到12个小项", "the other one has 12
# items" (a number of items is at most what it says: "不到10个" is the base ten).
_OTHER_CLASS_ITEMS = re.compile(
    r"(?:另外|另|其他|其它|其余|剩下|剩余)(?:的)?\s*(?:"
    + _NUM
    + r"\s*个\s*(?:大)?(?:类别?)?|(?:大)?类别?)[^，。,;；\d]{0,8}?"
    + _NUM
    + r"\s*个\s*"
    + _ITEM_NOUN
    + r"?|\b(?:the\s+)?(?:other|remaining)\s+(?:(one|two|three|\d)\b(?:\s+(?:class(?:es)?|ones?))?"
    r"|class(?:es)?\b|ones?\b)[^,.;\d]{0,20}?(\d{1,3})\s+" + _EN_ITEM_NOUN,
    re.I,
)

# ... in English, one class named by its goods ("the soap class will have like 13 items") and
# the rest ("rest under 10", "the others have 12 items").
_ONE_CLASS_ITEMS = re.compile(
    r"\b(?:the|our|that|one)\s+(?:[a-z]+\s+){1,2}?class\b(?:\s+(?:will|would|'ll|is going to))?"
    r"\s+(?:has|have|with|needs?|covers?|gets?|lists?)\s+(?:like\s+|about\s+|around\s+|roughly\s+)?"
    r"(\d{1,3})\s+" + _EN_ITEM_NOUN,
    re.I,
)
_REST_ITEMS = re.compile(
    r"\b(?:the\s+)?(?:rest|others)\b[^,.;\d]{0,20}?(\d{1,3})(?!\s*class)",
    re.I,
)


# Items said of a class by its number: "13 items in 25 and 8 in 35", "class 35 has 15 items",
# "其中35类要报15个小项", "25类13项 35类8项". The number must be a class number the message
# names (`Facts.numbers`), so "3类 每类10项" stays a count with items per class.
_EN_NUMBERED_ITEMS = re.compile(
    r"\b(\d{1,3})\s+(?:(?:items?|goods|products|terms|services)\s+)?(?:in|for|under)\s+(class\s+)?(\d{1,2})\b"
    r"|\bclass\s+(\d{1,2})\s*(?:will\s+)?(?:has|have|with|needs?|gets?|covers?|lists?|:|-)?\s*"
    r"(?:about\s+|around\s+|like\s+)?(\d{1,3})\s+" + _EN_ITEM_NOUN,
    re.I,
)
_ZH_NUMBERED_ITEMS = re.compile(
    r"(第)?\s*(\d{1,2})\s*类\s*(?:里|里面|中)?\s*(?:要|需要|得|打算|准备|想|的话)?\s*"
    r"(?:报|申报|填|选|写|放|有|是|共)?\s*(?:了)?\s*" + _NUM + r"\s*个?\s*" + _ITEM_NOUN
)


def numbered_items(
    norm: str, numbers: set[int], hits: frozenset[re.Pattern[str]] | None = None
) -> dict[int, int]:
    """Items per class number, for the class numbers named in the message (`hits`: the
    message's `_WORDS.hits`, read when not given)."""
    hits = _WORDS.hits(norm) if hits is None else hits
    found: dict[int, int] = {}
    for m in _all(_EN_NUMBERED_ITEMS, norm, hits):
        if m.group(3):
            n, cls, said_class = int(m.group(1)), int(m.group(3)), bool(m.group(2))
        else:
            cls, n, said_class = int(m.group(4)), int(m.group(5)), True
        if (said_class or cls in numbers) and 1 <= cls <= 45 and 1 <= n <= 500:
            found[cls] = n
    for m in _all(_ZH_NUMBERED_ITEMS, norm, hits):
        cls, count = int(m.group(2)), number(m.group(3))
        if (m.group(1) or cls in numbers) and 1 <= cls <= 45 and count and 1 <= count <= 500:
            found[cls] = count
    return found


def number(raw: str) -> int | None:
    """A count typed as digits, in English or in Chinese numerals ("12", "five", "十二")."""
    raw = raw.lower()
    if raw.isdigit():
        return int(raw)
    if raw in _EN_NUM:
        return _EN_NUM[raw]
    if raw == "both":
        return 2
    if "十" in raw:
        tens, _, ones = raw.partition("十")
        return (_CN_NUM.get(tens, 1) if tens else 1) * 10 + (_CN_NUM.get(ones, 0) if ones else 0)
    if len(raw) == 1 and raw in _CN_NUM:
        return _CN_NUM[raw]
    return None


@dataclass
class Facts:
    """What one message says: dates, counts, countries, options and what kind of question it is."""

    text: str
    dates: list[DateResult]
    classes: int | None = None
    numbers: list[int] = field(default_factory=list)  # class numbers named ("第9类和第42类")
    items: list[int] = field(default_factory=list)
    numbered: dict[int, int] = field(default_factory=dict)  # items by class number
    counted: bool = False  # the classes counted ("3个类"), not only numbered ("第35类")
    # Items said of some classes (how many, items) and of the others ((how many or None, items)).
    some_items: tuple[int, int] | None = None
    other_items: tuple[int | None, int] | None = None
    parties: list[PartyMatch] = field(default_factory=list)
    colour: bool | None = None
    paper: bool = False
    late: bool = False
    personal: bool = False
    asks_when: bool = False
    asks_how_long: bool = False
    asks_cost: bool = False
    compute: bool = False


_JOIN = r"\s*(?:,|，|、|&|\band\b|和|及|与|以及|还有)\s*"
_NOT_A_PARTY = re.compile(
    r"^(?:classes?|class|one|two|three|four|five|colou?r|black|white|the|a|an|madrid|fee|fees"
    r"|cost|costs|how|much|what|is|it|total|please|for|with|to|in|of|also|then|plus|add|also"
    r"|my|our|we|i|us|so|on|at|by|if|or|but|only|each|per|mark|marks|trademark|filing|application"
    r"|pls|plz|please|thanks|thx|ok|okay|estimate|quote|quick|rough|roughly|approx|about|logo"
    r"|\d+|类|个|彩色|黑白|多少钱?|费用|一共|总共|国家|地区|其他|别的|这些|那些|分别)$",
    re.IGNORECASE,
)
_TAIL = re.compile(r"(?:的)?(?:多少钱|要多少|多少|费用|一共|总共|大概|怎么算|呢|吗|\d+个?类).*$")


def unknown_parties(text: str, parties: list[PartyMatch]) -> list[str]:
    """Names listed next to recognised parties that are no party at all ("japan and atlantis")."""
    unknown: list[str] = []
    known = {p.text.lower() for p in parties}
    for p in parties:
        end = p.start + len(p.text)
        after = re.match(_JOIN + r"([A-Za-z][A-Za-z'-]+|[\u4e00-\u9fff]{2,12})", text[end:])
        before = re.search(r"([A-Za-z][A-Za-z'-]+)" + _JOIN + r"$", text[: p.start])
        for hit in (after, before):
            if hit is None:
                continue
            name = _TAIL.sub("", hit.group(1)).strip()
            if len(name) < 2 or name.lower() in known or _NOT_A_PARTY.match(name):
                continue
            if any(q.start <= text.find(name) < q.start + len(q.text) for q in parties):
                continue
            if name not in unknown:
                unknown.append(name)
    return unknown


# Party codes typed in lower case ("madrid fee us and eu"): read as codes only in a Madrid
# message or follow-up, and "us" not as the object of a verb ("help us", "tell us").
_LOWER_CODES = re.compile(
    r"(?<![A-Za-z])(?<!help )(?<!tell )(?<!give )(?<!let )(?<!show )(?<!send )"
    r"(us|uk|eu|jp|kr|sg|au|vn|ru|mx|tr)(?![A-Za-z])"
)


def _codes_upper(text: str) -> str:
    return _LOWER_CODES.sub(lambda m: m.group(1).upper(), text)


# A question closed between two counts: the first was checked, the later one is asked about.
_CHECKED = re.compile(r"[吗嘛][?？]?|[?？]")


def _asked_count(norm: str, said: list[tuple[int, int, int]]) -> int:
    """The class count a message asks about, of the counts it says (start, end, count) in order:
    the first ("3个类 每类10项"), unless a question checking it ends before another is said
    ("一个类别吗？如果申请三个类别呢", "is that for one class? what about three classes")."""
    _, end, asked = said[0]
    for start, later_end, count in said[1:]:
        if count != asked and _CHECKED.search(norm, end, start):
            asked = count
        end = later_end
    return asked


def read_facts(
    text: str, today: dt.date, table: FeeTable | None = None, *, madrid: bool = False
) -> Facts:
    """Extract every fact the tools can use from `text` (`madrid`: a Madrid follow-up)."""
    norm = unicodedata.normalize("NFKC", text)
    said = _text_facts(norm)
    named = _codes_upper(norm) if madrid or _MADRID_CTX in _WORDS.hits(norm) else norm
    # A copy of the text's own facts (never the cached one: the skills change theirs), with
    # the dates, which depend on `today`, and the parties, which depend on the table.
    return replace(
        said,
        dates=find_dates(norm, today),
        numbers=list(said.numbers),
        items=list(said.items),
        numbered=dict(said.numbered),
        parties=find_parties(named, table),  # a currency ("瑞士法郎") is not a party
    )


@lru_cache(maxsize=256)
def _text_facts(norm: str) -> Facts:
    """The facts that depend on the (normalised) text alone: all but the dates and parties.
    Cached by the text: a turn reads a message's facts in the tools skill and again when it
    checks for a follow-up, and the same questions come again. Read only: `read_facts` copies."""
    hits = _WORDS.hits(norm)
    facts = Facts(text=norm, dates=[])
    class_nos = _all(_CLASS_NO, norm, hits)
    listed = [m.span() for m in class_nos]
    # "其中有一个类", "另外两个类": some of the classes counted, not how many there are.
    some = _SOME_CLASS_ITEMS.search(norm) if _SOME_CLASS_ITEMS in hits else None
    other = _OTHER_CLASS_ITEMS.search(norm) if _OTHER_CLASS_ITEMS in hits else None
    if some is not None:
        k_raw, n_raw = _pair(some)
        k, n = (number(k_raw) if k_raw else None), (number(n_raw) if n_raw else None)
        facts.some_items = (k, n) if k and n and 1 <= n <= 500 else None
    if other is not None:
        k_raw, n_raw = _pair(other)
        n_items = number(n_raw) if n_raw else None
        if n_items and 1 <= n_items <= 500:
            facts.other_items = (number(k_raw) if k_raw else None, n_items)
    if (
        some is None
        and _ONE_CLASS_ITEMS in hits
        and (one := _ONE_CLASS_ITEMS.search(norm)) is not None
    ):
        # "the soap class will have like 13 items": one class singled out by what it covers
        n = int(one.group(1))
        facts.some_items = (1, n) if 1 <= n <= 500 else None
        some = one
    if other is None and _REST_ITEMS in hits and (rest := _REST_ITEMS.search(norm)) is not None:
        n = int(rest.group(1))  # "rest under 10": at most ten, the base
        facts.other_items = (None, n) if 1 <= n <= 500 else None
        other = rest
    listed += [m.span() for m in (some, other) if m is not None]
    numbers = {int(n) for m in class_nos for n in re.findall(r"\d+", m.group(0))}
    numbers = {n for n in numbers if 1 <= n <= 45}
    found = sorted(
        (m.start(), m.end(), number(next(g for g in m.groups() if g)))
        for m in (*_all(_ZH_CLASSES, norm, hits), *_all(_EN_CLASSES, norm, hits))
        if not any(s < m.end() and m.start() < e for s, e in listed)  # "第9、35、42类"
    )
    said = [(s, e, c) for s, e, c in found if c is not None and 1 <= c <= 45]
    counts = [c for _, _, c in said]
    facts.classes = _asked_count(norm, said) if said else (len(numbers) or None)  # 第9类和第42类: 2
    if facts.classes is None and facts.some_items and facts.other_items and facts.other_items[0]:
        facts.classes = facts.some_items[0] + facts.other_items[0]  # "一个类15项 另外两个类12项"
    facts.numbered = numbered_items(norm, numbers, hits)
    if facts.numbered:
        # "12 items for class 9 and 10 for class 42": the 10 is items, not class 10.
        counts_said = {v for k, v in facts.numbered.items()} - set(facts.numbered)
        numbers -= {n for n in counts_said if not re.search(rf"第\s*{n}\s*类|class\s+{n}\b", norm)}
        if not counts:
            facts.classes = len(numbers) or None
    facts.counted = bool(counts)
    facts.numbers = sorted(numbers)
    items = []
    for m in (*_all(_ZH_ITEMS, norm, hits), *_all(_EN_ITEMS, norm, hits)):
        n = number(next(g for g in m.groups() if g))
        if n and 1 <= n <= 500:
            items.append(n)
    facts.items = items
    facts.colour = True if _COLOUR in hits and _BW not in hits else (False if _BW in hits else None)
    facts.paper = _PAPER in hits
    facts.late = _LATE in hits
    facts.personal = _PERSONAL in hits
    facts.asks_when = _WHEN in hits
    facts.asks_how_long = _HOW_LONG in hits
    facts.asks_cost = _COST in hits
    facts.compute = _COMPUTE in hits
    return facts


def _pair(m: re.Match[str]) -> tuple[str | None, str | None]:
    """The (classes, items) groups of whichever alternative of a scoped-items pattern matched."""
    groups = m.groups()
    for i in range(0, len(groups), 2):
        if groups[i + 1] is not None:
            return groups[i], groups[i + 1]
    return None, None


def numbered_class_items(
    facts: Facts, classes: int, numbers: list[int], last: list[int] | None = None
) -> tuple[list[int], list[int], int] | None:
    """Items per class when the message gives them by class number ("13 items in 25 and 8 in
    35", "其中35类要报15个小项" after three classes): the list with the named classes first, their
    numbers, and how many classes; None when no class number has items."""
    if not facts.numbered:
        return None
    order = [*numbers, *(n for n in sorted(facts.numbered) if n not in numbers)]
    classes = max(classes, len(order))
    base = list(last) if last and len(last) == classes else [10] * classes
    items = [facts.numbered.get(n, base[i]) for i, n in enumerate(order)] + base[len(order) :]
    return items, order, classes


def class_items(
    facts: Facts, classes: int, last: list[int] | None = None, fixed: int = 0
) -> tuple[list[int], int] | None:
    """Items per class when the message says them of some classes and of the others ("其中一个
    类15个小项 另外两个不到10个"), with `last` the previous list and `fixed` how many of its first
    classes were said apart; the list and the new `fixed`; None when no class is singled out."""
    if facts.some_items is None and facts.other_items is None:
        return None
    items = list(last) if last and len(last) == classes else [10] * classes
    if facts.some_items is not None:
        k = min(facts.some_items[0], classes)
        items[:k] = [facts.some_items[1]] * k
        fixed = k
    if facts.other_items is not None:
        count, n = facts.other_items
        if not fixed:
            fixed = max(1, classes - count) if count else 1
        items[fixed:] = [n] * (classes - fixed)
    return items, fixed


def _tied(facts: Facts, date: DateResult, keys: str, *, wide: bool = False) -> bool:
    en = facts.text.isascii()
    gap_before, gap_after = (16, 12) if en else (4, 3)
    if en and wide:
        # A notice is said before its date in English, often with words between, within one
        # clause: "we received a refusal notice for our application on 30 Nov".
        gap_before = 40
    before, after = facts.text[: date.start], facts.text[date.end :]
    flags = re.IGNORECASE
    return bool(
        re.search(rf"(?:{keys}){_CLAUSE}{{0,{gap_before}}}$", before, flags)
        or re.match(rf"{_CLAUSE}{{0,{gap_after}}}?(?:{keys})", after, flags)
    )


def tied(facts: Facts, date: DateResult, tool: str) -> bool:
    """Whether `date` is said as the date of `tool`'s event ("2016年注册", "expires on ...")."""
    return _tied(facts, date, TIED[tool], wide=tool in _NOTICE_TOOLS)


def date_tool(facts: Facts) -> tuple[str, DateResult] | None:
    """The date-based tool the message asks for, with its date; None when no date is tied to one."""
    if not facts.dates:
        return None
    hits = _WORDS.hits(facts.text)
    madrid_renewal = TOPIC["madrid_dependency"] in hits and _RENEWAL_CTX in hits
    for tool in ("opposition", "rejection_review", "nonuse", "madrid_dependency", "renewal"):
        if TOPIC[tool] not in hits:
            continue
        if tool in ("madrid_dependency", "renewal") and madrid_renewal:
            return None  # renewing an international registration is WIPO's, not this calculator
        for date in facts.dates:
            if _tied(facts, date, TIED[tool], wide=tool in _NOTICE_TOOLS):
                return tool, date
    return None


def date_tool_of(facts: Facts, tool: str) -> tuple[str, DateResult] | None:
    """`tool` with the date of its event, the procedure left unnamed: "公告是10月27号发的 最晚哪天"
    in a conversation about opposition, "另外一件是11月30号收到的" in one about a refusal."""
    for date in facts.dates:
        if _tied(facts, date, TIED[tool], wide=tool in _NOTICE_TOOLS):
            return tool, date
    return None


def date_role(facts: Facts, date: DateResult) -> str:
    """'expiry' or 'registration' for renewal dates; 'sent' or 'received' for refusals."""
    before = facts.text[max(0, date.start - 24) : date.start]
    after = facts.text[date.end : date.end + 12]
    if _EXPIRY_AFTER.search(after) or _EXPIRY_BEFORE.search(before):
        return "expiry"
    if _SENT_BEFORE.search(before) or _SENT_AFTER.search(after):
        return "sent"
    return "other"


def mailed(facts: Facts) -> bool:
    """Whether a refusal was mailed on paper (else deemed electronic)."""
    return _MAILED in _WORDS.hits(facts.text)


def wants_missing_date(facts: Facts) -> str | None:
    """A date tool the user asks about for their own mark without giving the date."""
    hits = _WORDS.hits(facts.text)
    own = facts.personal or _ASK_COMPUTE in hits  # "帮我算下续展时间": the user's
    if facts.dates or not own or _MADRID_CTX in hits:
        return None
    if TOPIC["nonuse"] in hits:
        # "我们被撤三了，多久内交证据" asks about a procedure, not a date to compute.
        return "nonuse" if facts.compute else None
    for tool in ("opposition", "rejection_review"):
        if TOPIC[tool] in hits:
            # "how many days to file a review" asks the rule; "复审截止哪天" asks a date.
            if _SUPPOSED in hits and not facts.compute:
                return None  # "whats the deadline to appeal when cnipa refuses": the rule
            return tool if facts.asks_when or facts.compute else None
    expiry = _EXPIRY in hits
    if _WINDOW_Q in hits and not facts.compute:
        return None
    if (_RENEWAL_CTX in hits or expiry) and (
        facts.asks_when or facts.compute or (facts.asks_how_long and expiry)
    ):
        return "renewal"  # "我的商标什么时候续展", "我们的商标还有多久到期"
    return None


# A filing named as such ("重新报3个类多少钱", "file it again in 2 classes"): a new application's
# fee, though the conversation is on renewal; "我们有3个类" / "registered in 3 classes" is the mark's,
# and so is "its in 3 classes, filing online" (the channel of paying, not a new application).
_NEW_FILING = re.compile(
    r"重新|新申请|新注册|新报|再申请|再注册|再报|另外申请|新商标|(?<![已网子线])申请(?!了)"
    r"|(?<![已经])注册(?![了的过])"
    # ... but not the channel the fee is paid by ("filing online", "file on paper").
    r"|\bfil(?:e|es|ing)\b(?!\s+(?:it\s+|them\s+)?(?:online|electronically|on\s*paper|on\s+line"
    r"|by\s+(?:post|mail)|via\s+(?:the\s+)?(?:portal|website|system)))"
    r"|\bapply|\bapplication|\bregister(?!ed)|\bnew (?:mark|trademark|tm)\b",
    re.IGNORECASE,
)


# Every word class above asked of a whole message, screened at once (bot/core/needles.py).
_WORDS = Shelf(
    [
        *TOPIC.values(),
        _MAILED, _PERSONAL, _WHEN, _SUPPOSED, _HOW_LONG, _COMPUTE, _ASK_COMPUTE, _WINDOW_Q,
        _COST, _RENEWAL_CTX, _LATE, _MADRID_CTX, _SUBSEQUENT, _OTHER_PROCEDURE, _PAPER, _COLOUR,
        _BW, _CLASS_Q, _CLASS_META, _OVER_ITEMS, _EXPIRY, _NEW_FILING,
        _ZH_CLASSES, _CLASS_NO, _EN_CLASSES, _ZH_ITEMS, _EN_ITEMS, _SOME_CLASS_ITEMS,
        _OTHER_CLASS_ITEMS, _ONE_CLASS_ITEMS, _REST_ITEMS, _EN_NUMBERED_ITEMS, _ZH_NUMBERED_ITEMS,
    ]
)  # fmt: skip


def _all(rx: re.Pattern[str], text: str, hits: frozenset[re.Pattern[str]]) -> list[re.Match[str]]:
    """`rx.finditer(text)`, none when the screen found no match."""
    return list(rx.finditer(text)) if rx in hits else []


def new_filing(text: str) -> bool:
    """Whether a fee question names a new application, not the renewal of a mark."""
    return _NEW_FILING in _WORDS.hits(text)


def over_items(text: str) -> bool:
    """Whether the message asks how items past a class's ten are charged (the FAQ's rule)."""
    return _OVER_ITEMS in _WORDS.hits(text)


def choose(facts: Facts) -> str | None:
    """The tool a message asks for (with enough facts to answer or to ask), or None."""
    found = date_tool(facts)
    if found is not None:
        return found[0]
    text = facts.text
    hits = _WORDS.hits(text)
    madrid = _MADRID_CTX in hits or files_abroad(text, facts.parties)
    # "马德里指定美国 英国 2个类": parties and classes typed together ask for the estimate.
    listed = bool(facts.parties) and facts.classes is not None
    # A cost asked for foreign Madrid members and a class count is the estimate, though the
    # message names neither Madrid nor filing ("越南 泰国 一个类 多少钱", "cost for USA + UK,
    # one class").
    abroad = any(p.member and p.code != "CN" for p in facts.parties)
    madrid = madrid or (abroad and listed and facts.asks_cost)
    if madrid and _SUBSEQUENT in hits:
        return None
    if madrid and (facts.asks_cost or (listed and not facts.asks_when and not facts.asks_how_long)):
        if facts.parties or facts.classes is not None:
            return "fee_madrid"
        return None
    explicit = facts.classes is not None and (facts.classes >= 2 or facts.compute)
    if _RENEWAL_CTX in hits and facts.asks_cost and explicit:
        return "fee_renewal"
    # Items alone need a class count or an explicit "算一下" to be the user's own filing.
    own_filing = explicit or (facts.items and (facts.classes is not None or facts.compute))
    national = facts.asks_cost and _OTHER_PROCEDURE not in hits and _OVER_ITEMS not in hits
    if national and _RENEWAL_CTX not in hits and own_filing:
        return "fee_national"
    if _CLASS_Q in hits and _CLASS_META not in hits:
        return "classes"
    return wants_missing_date(facts)
