"""Tool follow-ups: "3个类", "加上韩国", "彩色的", "2 classes", "纸质的呢", "那开烘焙店的呢".

After a computation the dialogue context keeps the tool and its inputs; a short message that
only changes an input recomputes with the rest kept. A message that is a tool request of its
own is read afresh (bot/tools/detect.py `choose`), and a question on another subject goes on
to the FAQ.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

from bot.core.asking import asks_whether
from bot.core.understand import asks_what_now
from bot.tools.detect import (
    Facts,
    choose,
    class_items,
    new_filing,
    number,
    numbered_class_items,
    numbered_items,
    over_items,
    read_facts,
    tied,
)
from bot.tools.run import (
    Answer,
    ToolConfig,
    madrid,
    national,
    nice_classes,
    period,
    renewal_fee_only,
)
from bot.tools.run import renewal as renewal_tool
from knowledge.tools import (
    Ambiguous,
    DateResult,
    ParsedDate,
    RenewalPhase,
    RenewalResult,
    find_parties,
    renewal_status,
)

__all__ = ("follow_up", "is_follow_up", "late_when_paid", "recent_event")

_PERIOD_TOOLS = ("opposition", "rejection_review", "madrid_dependency", "nonuse")
# Deadlines that run a few months from a notice just received or a mark just published: a date
# typed without its year ("12月1号收到驳回通知") is the last such day before today.
_RECENT_EVENT_TOOLS = ("rejection_review", "opposition")
_RECENT = dt.timedelta(days=183)


def recent_event(tool: str, date: DateResult, today: dt.date) -> DateResult:
    """A year-less start date of a short deadline read as the last such day up to today."""
    if tool not in _RECENT_EVENT_TOOLS or not isinstance(date, Ambiguous):
        return date
    if date.reason != "missing_year":
        return date
    past = [d for d in date.candidates if today - _RECENT <= d <= today]
    if not past:
        return date
    return ParsedDate(value=max(past), text=date.text, start=date.start, end=date.end)


_ADD = re.compile(r"加上|再加|加个|再指定|还有|以及|add|also|plus|and", re.IGNORECASE)
_ONLY = re.compile(r"只|仅|换成|改成|instead|only", re.IGNORECASE)
# "不要英国了", "去掉新加坡", "drop japan": the named parties leave the estimate.
_DROP = re.compile(
    r"去掉|去除|删掉|删除|拿掉|除掉|减掉|不要|不做|不指定|不选|不去|"
    r"\b(drop|remove|without|exclude|except|minus|take out|leave out|no longer|skip)\b",
    re.IGNORECASE,
)
# An add word after a drop ("去掉挪威 加上加拿大"); not "and" ("drop japan and korea").
_ADD_AFTER_DROP = re.compile(r"加上|再加|加个|再指定|\b(add|plus|include)\b", re.IGNORECASE)
# "把印度换成越南", "replace india with vietnam", "vietnam instead of india": a swap.
_SWAP = re.compile(r"换成|改成|换为|改为|替换|\b(instead of|replace|swap|change)\b", re.IGNORECASE)
_LEAN = re.compile(
    r"^(那|那么|要是|如果|换成|改成)|(呢|的呢)[?？]?$|^(what|how) about|^and\b|^(for|if)\b",
    re.IGNORECASE,
)
_SUBJECT_WORDS = re.compile(
    r"转让|变更|异议|撤三|无效|许可|质押|补发|驳回|复审|重新|官费以外|代理|律师|"
    r"assign|transfer|oppos|invalid|licen|pledge|agent|lawyer|reapply"
    r"|\b(?:file|apply|register|submit|filing)\w* (?:it |them |for it )?again\b",
    re.IGNORECASE,
)
# Whether it can be done today, for the mark just computed ("现在能办续展了没", "can we renew
# now", "is it too late already").
_NOW = re.compile(
    r"(现在|目前|这会儿|今天)(就)?(能|可以|可不可以|能不能|还能|还可以|来得及|办)|(能|可以)(办|续)\S{0,3}了(没|吗|么)"
    r"|\b(now|today|yet|already|at this point)\b\W*$|\b(can|could|may) (we|i) (renew|do it|file|start) (it )?(now|today|yet|already)\b",
    re.IGNORECASE,
)
_SURCHARGE = re.compile(
    r"多交|多付|多缴|额外|加收|迟延费|滞纳|\bextra\b|\blate fee|\bsurcharge", re.I
)
# The dates of one's own mark a renewal computation shows (its expiry, window, grace period).
_MARK_DATES = re.compile(r"宽展|到期|截止|最晚|窗口|grace|expir|deadline|window|last day", re.I)
# ... asked for as a date ("到什么时候", "when does it end"), not what happens if it is missed.
_NOT_IF = r"如果|要是|万一|错过|晚了|\bif\b|\bmiss"
_ASKS_DATE = re.compile(
    rf"^(?!.*({_NOT_IF})).*(什么时候|何时|哪天|几号|\bwhen\b|what date|which day)", re.I
)
_COST = re.compile(
    r"多少钱|费用|多少|钱|交多少|how much|\b(?:fees?|costs?|price|total)\b", re.IGNORECASE
)
# An end date asked for on its own ("until what date could we still do it", "最晚到哪天"):
# after a renewal fee, the dates of the same mark.
_ASKS_END = re.compile(
    rf"^(?!.*({_NOT_IF}|过了|\bafter\b)).*(?:\b(?:until|till|by) (?:when|what date|which day)"
    r"|\blatest\b|\blast day\b|到什么时候|到哪天|到几号|最晚|最迟|最后一天|截止)",
    re.I,
)
# The very last date asked for, even of a hypothesis ("万一拖过了到期日 最晚能拖到哪天", "and if
# we end up late, whats the absolute final cutoff?", "so last day w/o late fee is?"): a date of
# the mark, not what happens once it is missed ("what happen if we miss that last day").
_ASKS_FINAL = re.compile(
    r"(?:最晚|最迟|最后)\S{0,6}(?:哪天|哪一天|几号|什么时候|啥时候|哪个日子|日期|到哪)"
    r"|\b(?:absolute|final|very)\s+(?:last\s+|final\s+)?(?:day|date|cut-?off|deadline)\b"
    r"|\bwhat(?:'s|s| is)\s+the\s+(?:last|latest|final)\s+(?:possible\s+)?(?:day|date|cut-?off"
    r"|deadline)\b|\blatest\s+(?:possible\s+)?(?:day|date)\b"
    r"|^(?:so |and |ok,? )?(?:the )?last (?:day|date)\b.*\bis\s*\??$",
    re.I,
)
# A hypothesis or a correction about the last computation may be said at more length
# ("what if we file the colour version of the logo instead", "hang on, checked again, the
# gazette date is 24 Nov 2026").
_LONGER = re.compile(
    r"^(?:and |so |but |ok,? )?(?:what|how) if\b|^(?:and |but |so )?if\b|^and\b|instead\b"
    r"|\b(?:as well|too|new (?:online |paper )?total|hang on|checked again|actually|correction)\b"
    r"|^(?:那|那么)?(?:要是|如果|万一|假如)|不对|搞错|弄错|说错|其实|应该是",
    re.I,
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ONLINE = re.compile(r"电子|网上|online", re.IGNORECASE)
# "网上怎么操作" asks how to file online, not the online fee.
_HOW = re.compile(r"怎么|怎样|如何|哪里|在哪|步骤|流程|操作|\b(how|where|steps?|procedure)\b", re.I)


# "网上能办吗", "can i do it online": whether it can be done that way, a question for the FAQ.
_CAN = re.compile(
    r"(能|可以|可不可以|支持|允许)(办|弄|做|交|申请|提交|续|操作)?(吗|么|不|嘛)|能不能|行不行|行吗"
    # the place between the modal and the verb ("续展能在网上办吗", "可以线上交吗")
    r"|(能|可以)(在|从|通过|走)?(网上|线上|在线|网站|电子)(办理?|弄|做|交|申请|提交|续展?|操作)(吗|么|不|嘛)"
    r"|\b(can|could|may) (i|we|you|it|one)\b|\bpossible\b|\ballowed\b|\baccept",
    re.IGNORECASE,
)


# "网上和纸质有什么区别", "difference between online and paper": the two ways compared, a
# question for the FAQ, not the fee on one of them.
_COMPARE = re.compile(
    r"区别|差别|不同|不一样|\b(differ\w*|diference|compare\w*|vs\.?|versus)\b", re.I
)


def _channel(facts: Facts) -> bool:
    """The message only names a channel ("纸质的呢", "online?"), or asks its fee ("网上能便宜多少")."""
    if not (facts.paper or _ONLINE.search(facts.text)) or _COMPARE.search(facts.text):
        return False
    if _COST.search(facts.text):
        return True
    return not (_HOW.search(facts.text) or _CAN.search(facts.text))


# Another line of business named after a class lookup ("we also sell our own t-shirts", "还卖
# T恤", "另外也做维修", "还想卖新鲜水果"): the classes of both.
_ALSO_SELLS = re.compile(
    r"\b(also|too|as well|plus|besides)\b"
    r"|(还|也|另外|同时|顺便)(在|有)?(想|要|打算|准备|计划|会|可能|得)?(卖|做|开|经营|提供|修|接|兼|搞|种|养|出)"
    r"|兼营",
    re.IGNORECASE,
)


# A national filing named after a Madrid estimate ("and the china filing for those 2 classes?",
# "国内申请这两个类呢"), unless another country or Madrid itself is named too.
_HOME_WORDS = (
    r"国内|境内|本国|中国(的)?(申请|注册|商标)|商标局",
    r"\b(china|chinese|national|domestic|home|cnipa|local)\b( \w+)? (filing|application|registration|mark|one|fee)s?\b",
    r"\b(file|filing|register|registering|apply|applying) (it )?in china\b",
)
_HOME = re.compile("|".join(_HOME_WORDS), re.IGNORECASE)
_ABROAD = re.compile(r"马德里|国际|madrid|international|\bwipo\b|designat|abroad|overseas", re.I)


def _short(text: str, times: int = 1) -> bool:
    longer = bool(_LONGER.search(text))
    if _CJK.search(text):
        return len(text) <= (28 if longer else 18) * times
    return len(text.split()) <= (16 if longer else 12) * times


# A year alone corrects the year of the date just used: "啊不对 是17年注册的", "应该是2018年",
# "what if it was registered in 2017".
# A span of years is no year: "新的10年", "注册满10年了", "10年后".
_YEAR = re.compile(
    r"(?<![\d满过第近快有每几共的])(\d{4}|\d{2})\s*年(?!\s*\d{1,2}\s*月|了|后|内|期|多|左右|以|之|从|有效)"
    r"|\b((?:19|20)\d{2})\b"
)
_REGISTERED = re.compile(r"注册|核准|regist", re.I)
_EXPIRES = re.compile(r"到期|期满|届满|过期|expir|runs? out|valid until", re.I)
# "那香港那边要怎么保护": how to do something there, not a party added to the estimate.
_ADD_WORD = re.compile(r"加|指定|add|plus|include|designat", re.I)


def _new_year(text: str) -> int | None:
    m = _YEAR.search(text)
    if m is None:
        return None
    year = int(m.group(1) or m.group(2))
    year += 2000 if year < 100 else 0
    return year if 1980 <= year <= 2099 else None


def _asks_end(text: str) -> bool:
    """An end date of the mark asked for ("最晚到哪天", "宽展期最后一天是哪天", "until when")."""
    return bool(
        _ASKS_END.search(text)
        or _ASKS_FINAL.search(text)
        or (_MARK_DATES.search(text) and _ASKS_DATE.search(text))
    )


def _year_fix(text: str) -> bool:
    """A year said as a correction or a hypothesis of the date, or a year alone ("2016年的")."""
    if _new_year(text) is None:
        return False
    cue = _LONGER.search(text) or _REGISTERED.search(text) or _EXPIRES.search(text)
    return bool(cue) or len(re.sub(r"[\W\d_年的是哦啊呃了]", "", text)) <= 2


def _dates(facts: Facts, tool: str | None) -> list[DateResult]:
    """The dates a follow-up gives; "今天" is never a registration or expiry date."""
    if tool in ("renewal", "fee_renewal"):
        return [d for d in facts.dates if getattr(d, "note", "") != "relative to today"]
    return facts.dates


# "ok just those two", "these 3", "both": a count of the classes just suggested.
_THOSE = re.compile(
    r"\b(?:those|these|the)\s+(\d|two|three|four|five|six)\b(?!\s+(?:items?|goods|days?|years?))"
    r"|\b(both)\b",
    re.I,
)


def _those(text: str) -> int | None:
    m = _THOSE.search(text)
    return number(next(g for g in m.groups() if g)) if m else None


def _updates(last: dict[str, Any], facts: Facts) -> bool:
    tool = last.get("tool")
    if tool in _PERIOD_TOOLS:
        return bool(facts.dates)  # only a new start date changes a deadline
    if tool == "classes" and _COST.search(facts.text):
        # "就报这俩类 网上官费多少", "ok just those two. official fee online?": their filing fee;
        # "一个类多少钱" asks what filing costs per class (the FAQ's).
        return (facts.classes or 0) >= 2 or _those(facts.text) is not None
    # "那香港那边要怎么保护": how, not one more designation.
    how = _HOW.search(facts.text) and not _ADD_WORD.search(facts.text)
    if tool == "fee_madrid" and facts.parties and facts.classes is None and how:
        return False
    outside = facts.parties and not any(p.member for p in facts.parties)
    if tool == "fee_madrid" and outside and asks_whether(facts.text):
        # "香港能顺便一起报吗" asks whether it can (the FAQ); "香港也一块指定上" adds it, and the
        # estimate says it is no member.
        return False
    if facts.classes is not None or facts.items or facts.other_items or facts.some_items:
        return True
    if tool == "fee_madrid":
        home = bool(_HOME.search(facts.text) and not _ABROAD.search(facts.text))
        return bool(facts.parties) or facts.colour is not None or home
    # "until what date could we still do it then": the dates of the mark whose fee it was.
    asks_end = _asks_end(facts.text)
    year = not facts.dates and _year_fix(facts.text)
    if tool == "fee_renewal" and last.get("date") and (asks_end or year):
        return True  # ... or "what if it was registered in 2016": the dates of that year
    # ... and so is what it costs late ("要是拖到过期以后再交 一共得多少"; `_bare` took the 要是), not
    # how much extra is charged (the surcharge rule, the FAQ's).
    late_cost = _COST.search(facts.text) and not _SURCHARGE.search(facts.text)
    lean = _LEAN.search(facts.text) or late_cost
    if tool == "fee_renewal" and facts.late and lean and not last.get("seeded"):
        # "宽展期内呢" after "续展3个类多少钱" is the same classes, late; after the FAQ's fee
        # answer ("seeded", no classes of the user's) it asks about the grace period.
        return True
    if tool in ("fee_national", "fee_renewal"):
        return _channel(facts)
    if tool == "renewal":
        # "费用是多少" after a computation is its fee; "续展要多少钱" names its subject and is
        # the general question (the FAQ's).
        own_subject = re.search(r"续展|续期|renew", facts.text, re.IGNORECASE)
        if _ASKS_FINAL.search(facts.text) or (
            _MARK_DATES.search(facts.text) and _ASKS_DATE.search(facts.text)
        ):
            return True  # "宽展期到什么时候", "最晚能拖到哪天": the same mark's dates, again
        if _SURCHARGE.search(facts.text) and facts.classes is None:
            # How much extra ("宽展期要多交多少", "extra fee for late?", "so we pay extra now?"):
            # the surcharge rule, the FAQ's; what renewing costs ("宽展期内续要多少钱") is this
            # mark's fee.
            return False
        if _NOW.search(facts.text) and not facts.dates:
            return True  # "那现在能办续展了没", "can we renew it now": where this mark stands today
        if facts.late and _LEAN.search(facts.text) and last.get("classes") is not None:
            return True  # "要是拖到宽展期呢" once its fee is known: the late fee

        # "纸质的呢" once the classes are known: the same fee, shown for paper filing too.
        return (
            bool(_dates(facts, tool))
            or year
            or bool(_COST.search(facts.text) and not own_subject)
            or (_channel(facts) and last.get("classes") is not None)
        )
    if tool == "classes":
        return bool(_LEAN.search(facts.text) or _ALSO_SELLS.search(facts.text))
    return False


def _designations(parties: list[str], facts: Facts, text: str, cfg: ToolConfig) -> list[str]:
    """The designated parties after a follow-up that adds, drops, swaps or names only some."""
    if not facts.parties:
        return parties
    codes = {_code(p, cfg): p for p in parties}
    named = {p.code: p.text for p in facts.parties}
    kept = [p for p in parties if _code(p, cfg) not in named]
    new = [t for c, t in named.items() if c not in codes]
    if drop := _DROP.search(text):
        # "去掉挪威 加上加拿大": the parties named after an add word join the ones kept.
        add = _ADD_AFTER_DROP.search(text, drop.end())
        if add is None:
            return kept
        added = [p.code for p in facts.parties if p.start >= add.start()]
        gone = {p.code for p in facts.parties if p.start < add.start()}
        kept = [p for p in parties if _code(p, cfg) not in gone]
        return kept + [named[c] for c in added if c not in {_code(p, cfg) for p in kept}]
    if _SWAP.search(text) and new and len(new) < len(named):
        return kept + new  # the named ones already designated are the ones replaced
    if _ONLY.search(text):
        return list(named.values())
    return parties + new


def _code(name: str, cfg: ToolConfig) -> str:
    found = find_parties(name, cfg.fees)
    return found[0].code if found else name


# "what about 5", "5个呢", "那三个呢" after a fee computed for some classes: that many classes.
_COUNT_ONLY = re.compile(
    r"^(?:what about|how about|and|then|so|ok|那么|那|要是|如果|换成|改成)?\s*"
    r"(\d{1,2}|[一二两三四五六七八九十]{1,3}|one|two|three|four|five|six|seven|eight|nine|ten)"
    r"\s*(?:个|个的)?\s*(?:呢|then|instead)?\s*[?？]?$",
    re.IGNORECASE,
)
_COUNTED = ("fee_national", "fee_renewal", "fee_madrid", "renewal")


def _bare(text: str, last: dict[str, Any] | None = None) -> str:
    # "那5个类呢" = "5个类": the leading 那 would read as "that 5" to the class counter.
    typed = text.strip()
    text = re.sub(r"^(那么|那|要是|如果|换成|改成)\s*", "", typed)
    # A number alone ("5") picks an offered option or gives a rating: never a class count.
    counted = last and last.get("tool") in _COUNTED and last.get("classes") is not None
    if counted and number(typed) is None:
        m = _COUNT_ONLY.match(text)
        n = number(m.group(1)) if m else None
        if n is not None and 1 <= n <= 45:
            return f"{n}个类"
    return text


_NUM_ZH = r"(\d{1,3}|[一二两三四五六七八九十]{1,3}|俩)"


# "再加一个类", "多报两个类", "one more class", "add another 2 classes": classes added to those
# already counted, not a new count.
_N = r"(\d{1,2}|[一二两三四五六七八九十]{1,3}|one|two|three|four|five|a|an|another)"
_MORE_CLASSES = re.compile(
    r"(?:再|多|另外?|还要)\s*(?:加|添|报|申请|注册|增加)?\s*" + _N + r"\s*个?\s*(?:大)?类(?!似)"
    r"|(?:加|添|增加)(?:上)?\s*" + _N + r"\s*个\s*(?:大)?类(?!似)"
    r"|\b" + _N + r"\s+(?:more|extra|additional)\s+class(?:es)?\b"
    r"|\badd(?:ing)?\s+(?:another\s+|an?\s+)?" + _N + r"?\s*(?:more\s+|extra\s+)?class(?:es)?\b",
    re.IGNORECASE,
)
# "另外两个类也都报到12个小项": the other classes of those counted, not two more.
_OTHER_CLASSES = re.compile(
    r"(?:另外|其他|其它|其余|剩下)的?\s*(?:\d|[两二三四五六七八九])\s*个\s*(?:大)?类别?\s*(?:也|都|各|每)"
)
# "why is the colour one more expensive": a question about a figure, not a new input.
_WHY = re.compile(r"为什么|为啥|凭什么|怎么会|\bwhy\b|how come", re.IGNORECASE)


def _more_classes(text: str) -> int | None:
    m = _MORE_CLASSES.search(text)
    if m is None or _OTHER_CLASSES.search(text):  # "另外两个类也都报到12个": the others
        return None
    raw = next((g for g in m.groups() if g), None)
    return 1 if raw is None or raw.lower() in ("a", "an", "another") else number(raw)


# Whether something is required first ("do we need the chinese registration done first?",
# "是不是得先在国内注册"): a question about the procedure, not an input; and another paperwork
# ("also could you register a .com domain for the name") is none of the computation's.
_NEED_FIRST = re.compile(
    r"\b(?:do|does|would|will) (?:we|i|you|it) (?:need|have to)\b|\bmust (?:we|i)\b"
    r"|\b(?:required|prerequisite)\b|(?:需要|必须|得|要)先|先得|是不是得先|前提",
    re.IGNORECASE,
)
_OTHER_PAPERWORK = re.compile(
    r"域名|专利|版权|营业执照|签证|\b(?:domain|patent|copyright|visa)s?\b|\.com\b", re.I
)


def is_follow_up(text: str, last: dict[str, Any] | None, today: dt.date, cfg: ToolConfig) -> bool:
    """Whether `text` only changes an input of the last computation."""
    if not last or _SUBJECT_WORDS.search(text) or _WHY.search(text):
        return False
    if _OTHER_PAPERWORK.search(text) or (_NEED_FIRST.search(text) and not _COST.search(text)):
        return False
    # Another line of business after a class lookup may take a sentence ("we also sell our
    # own t-shirts and caps as merch").
    adds = last.get("tool") == "classes" and _ALSO_SELLS.search(text) and _short(text, 2)
    if not (_short(text) or adds):
        return False
    if over_items(text):
        return False  # how items past ten are charged: the FAQ's rule
    if _ASKS_HELP.search(text):
        return False  # "the online system is confusing, can someone walk me through it?"
    if asks_what_now(text) and not (_COST.search(text) or _asks_end(text)):
        # "so what can we do now" after a lost mark: the FAQ's, not its dates ("最迟什么时候还
        # 能补救" asks a date of the mark).
        return False
    facts = _read(text, last, today, cfg)
    own = choose(facts)
    # After a renewal computation "2个类多少钱" asks the renewal fee, not a new filing's.
    renewing = last.get("tool") in ("renewal", "fee_renewal")
    if own == "fee_national" and renewing and not new_filing(text):
        own = None
    if own == "fee_national" and last.get("tool") == "classes" and (facts.classes or 0) >= 2:
        own = None  # ... and after the class finder, the filing fee of the classes it found
    if own == last.get("tool") and _added_classes(text, last, facts):
        own = None  # "add class 35 too - new online total?": counted on from the last total
    if own is not None:
        return False
    if last.get("tool") in ("renewal", "fee_renewal") and (
        late_when_paid(text, facts, last, today, cfg) is not None
    ):
        return True  # "要是拖到明年一月份才交呢": the fee at that time
    return _updates(last, facts)


# Someone asked to help ("can someone walk me through it", "有没有人能帮我弄一下"): a request for
# a person, whatever channel or figure it names.
_ASKS_HELP = re.compile(
    r"\b(someone|somebody|anyone|a person|a human|your staff)\b|\bwalk (me|us) through\b"
    r"|有没有人|有人(能|可以)|找(个)?人|人工|客服|工作人员|帮(我|我们)(弄|办|操作|搞)",
    re.IGNORECASE,
)


# "add class 35 too", "throw in class 35 as well", "再加上35类", "加报第35类": the classes named
# join those already counted.
_ADD_NAMED = re.compile(
    r"加上|再加|加个|加报|再报|还要报|也报|也加|\b(?:add|adding|plus|include|including|throw in"
    r"|as well|too|also)\b",
    re.I,
)


def _added_classes(text: str, last: dict[str, Any], facts: Facts) -> int:
    """How many classes a follow-up adds to those the last computation counted."""
    if last.get("tool") not in _COUNTED or not last.get("classes"):
        return 0
    more = _more_classes(text)
    if more:
        return more
    if facts.numbers and _ADD_NAMED.search(text) and not _DROP.search(text):
        return len(set(facts.numbers) - set(last.get("numbers") or []))
    return 0


# A count changed to a number with no noun: "and if we cut it down to 10", "bring it up to 20",
# "what if we only list 12", "减到10个", "砍到8个呢", "压缩到12个".
_EN_COUNT = (
    r"(\d{1,3}|"
    + "|".join(
        (
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        )
    )
    + r")"
)
_CHANGED_TO = re.compile(
    r"\b(?:cut|cutting|trim|trimming|reduce|reducing|bring|bringing|take|taking|get|getting"
    r"|narrow|narrowing|pare|paring|scale|scaling|knock|knocking|slim|slimming|lower|lowering"
    r"|raise|raising|increase|increasing|bump|bumping|expand|expanding|up|go|going|come|coming"
    r"|shrink|shrinking|limit|limiting|keep|keeping|change|changing|make|making)"
    r"(?:\s+(?:it|them|that|this|those|these|the\s+list|the\s+number|things|everything))?"
    r"(?:\s+(?:down|back|up|out))?\s+to\s+(?:just\s+|only\s+|about\s+)?"
    + _EN_COUNT
    + r"\b(?!\s*(?:%|percent|days?|weeks?|months?|years?|yuan|cny|chf|rmb|usd|dollars?|k\b"
    r"|countr|class|[a-z]+\s+class))"
    r"|\b(?:(?:list|listing|include|including|claim|claiming|cover|covering|file|filing|put|do)"
    r"\s+(?:just|only)|(?:just|only)\s+(?:list|include|claim|cover|file|put|do))\s+"
    + _EN_COUNT
    + r"\b\s*(?:then|instead|of them)?\s*[?？.!]*$"
    r"|(?:减|砍|删|缩|压|降|精简|减少|削减|压缩|缩减|控制|增加|加|提|增|扩|扩大|放宽|改|换|变|调)"
    r"(?:少|小|短)?(?:到|至|成|为)"
    r"\s*" + _NUM_ZH + r"\s*个?(?!\s*(?:类|国家?|天|月|年|块|元|万|%|工作日))",
    re.IGNORECASE,
)


_DOWN = re.compile(
    r"\b(?:cut|trim|reduc|narrow|par(?:e|ing)|scal|knock|slim|lower|shrink|limit|just|only)"
    r"|减|砍|删|缩|压|降|精简|削|只",
    re.IGNORECASE,
)


_UP = re.compile(r"\b(?:rais|increas|bump|up|expand)|加|增|提|扩|放宽", re.IGNORECASE)
_LISTING = re.compile(r"\b(?:list|listing|include|including|claim|claiming)\b", re.I)


def _changed_to(text: str) -> int | None:
    m = _CHANGED_TO.search(text)
    if m is None:
        return None
    n = number(next(g for g in m.groups() if g))
    return n if n and 1 <= n <= 500 else None


def _changed_count(facts: Facts, last: dict[str, Any], text: str) -> None:
    """A count changed with no noun ("cut it down to 10"): of a national fee, the items when the
    number cannot be the classes (cut down to no fewer, raised to no more), is nearer the items
    listed than the class count, or is listed ("only list 10"); else the classes."""
    if last.get("tool") not in _COUNTED or facts.items or last.get("classes") is None:
        return
    if facts.counted and not _COUNT_ONLY.match(_bare(text)):
        return  # "类别改成12个": the classes, named
    n = _changed_to(text)
    if n is None:
        return
    classes = int(last.get("classes") or 1)
    listed = [int(i) for i in last.get("items") or []]
    down, up = bool(_DOWN.search(text)), bool(_UP.search(text))
    # Cut down to no fewer than the classes, or raised to no more: it cannot be the classes.
    not_classes = (down and n >= classes) or (up and not down and n <= classes)
    nearer = listed and abs(n - max(listed)) < abs(n - classes)
    listing = _LISTING.search(text)  # "what if we only list 10": items
    if last.get("tool") == "fee_national" and (not_classes or nearer or listing):
        facts.items, facts.classes = [n], None
    elif facts.classes is None and n <= 45 and not (not_classes or listing):
        facts.classes = n


def _read(text: str, last: dict[str, Any], today: dt.date, cfg: ToolConfig) -> Facts:
    """The facts of a follow-up; classes added ("再加一个类") count on from those of `last`."""
    facts = read_facts(_bare(text, last), today, cfg.fees, madrid=last.get("tool") == "fee_madrid")
    _changed_count(facts, last, text)
    added = _added_classes(text, last, facts)
    if added:
        facts.classes = int(last.get("classes") or 1) + added
    if last.get("tool") == "classes" and facts.classes is None and _COST.search(text):
        facts.classes = _those(text)
    if last.get("tool") == "classes" and _COST.search(text) and (those := _those(text)):
        # "those two plus 35": the classes just suggested and the class numbers added
        extra = {int(n) for n in _PLUS_NUMBER.findall(text) if 1 <= int(n) <= 45}
        extra |= set(facts.numbers)
        if extra:
            facts.classes = those + len(extra)
    return facts


# A class number added to those just suggested ("those two plus 35", "both and class 41").
_PLUS_NUMBER = re.compile(
    r"\b(?:plus|and|add(?:ing)?|with|\+)\s+(?:class\s+)?(\d{1,2})\b(?!\s*(?:items?|goods))", re.I
)


# When the user would pay, said of the mark just computed ("拖到明年一月份才交的话", "要是1月10号
# 才交呢", "if we only pay in january", "what if we renew next month"): a time of paying, read
# forward from today, not a date of the mark.
_PAY_VERB = re.compile(
    r"交|缴|付|续|办|提交|\b(pay|paid|paying|renew\w*|file|filing|submit\w*|do it|get (round |around )?to it)\b",
    re.I,
)
_MONTHS_EN = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_PAY_MONTH = re.compile(
    r"(?P<year>明年|今年|下一?年)?\s*(?P<zh>\d{1,2}|[一二三四五六七八九十]{1,3}|正)\s*月(?:份)?"
    r"(?P<zpart>初|中|底|末)?(?!\s*[\d一二三四五六七八九十]+\s*[日号])"
    r"|\b(?P<epart>early|mid|late|end of|beginning of|start of)?[\s-]*(?P<en>"
    r"january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"
    r")\b\.?(?:\s+(?P<enyear>20\d{2}))?",
    re.I,
)
_NEXT_MONTH = re.compile(r"下个?月|\bnext month\b", re.I)
_MAY_VERB = re.compile(r"\bmay (we|i|you|it|be)\b", re.I)  # "may" the verb, not the month


def _month_no(raw: str) -> int | None:
    if raw == "正":
        return 1
    n = number(raw)
    return n if n is not None and 1 <= n <= 12 else None


def _paid_on(text: str, facts: Facts, today: dt.date) -> dt.date | None:
    """The day the user says they would pay or renew, read forward from today, or None."""
    if not _PAY_VERB.search(text):
        return None
    for date in facts.dates:
        if tied(facts, date, "renewal"):
            return None  # "注册日是1月10号": the mark's own date
        if isinstance(date, ParsedDate):
            return date.value if date.value >= today else None
        if isinstance(date, Ambiguous) and date.reason == "missing_year" and date.candidates:
            this_year = _with_year(date.candidates[0], today.year)
            return this_year if this_year >= today else _with_year(this_year, today.year + 1)
    if _NEXT_MONTH.search(text):
        if today.month == 12:
            return dt.date(today.year + 1, 1, 1)
        return dt.date(today.year, today.month + 1, 1)
    for m in _PAY_MONTH.finditer(text):
        if m.group("en") and m.group("en").lower() == "may" and _MAY_VERB.search(text, m.start()):
            continue
        mon = (
            _month_no(m.group("zh"))
            if m.group("zh")
            else _MONTHS_EN.index(m.group("en").lower()[:3]) + 1
        )
        if mon is None:
            continue
        said = m.group("year") or ""
        if m.group("enyear"):
            yr = int(m.group("enyear"))
        elif said == "今年":
            yr = today.year
        elif said:
            yr = today.year + 1
        else:
            yr = today.year if mon >= today.month else today.year + 1
        part = (m.group("zpart") or m.group("epart") or "").lower()
        if part in ("底", "末", "late", "end of"):
            return dt.date(yr, mon, calendar.monthrange(yr, mon)[1])
        return dt.date(yr, mon, 15 if part in ("中", "mid") else 1)
    return None


def late_when_paid(
    text: str, facts: Facts, inputs: dict[str, Any], today: dt.date, cfg: ToolConfig
) -> bool | None:
    """Whether the renewal the user says they would pay then ("拖到明年一月份才交") falls in the
    grace period of the mark of `inputs`; None when no such time is said or it cannot be told."""
    paid = _paid_on(text, facts, today)
    return None if paid is None else _late_when_paid(inputs, paid, cfg)


def _mark_status(date: dt.date, expiry: bool, on: dt.date, cfg: ToolConfig) -> RenewalResult:
    """The renewal status on `on` of the mark whose registration (or expiry, `expiry`) date is
    `date`."""
    return renewal_status(
        today=on,
        registration_date=None if expiry else date,
        expiry_date=date if expiry else None,
        calendar=cfg.calendar,
        fees=cfg.fees,
    )


def _late_when_paid(inputs: dict[str, Any], paid: dt.date, cfg: ToolConfig) -> bool | None:
    """Whether paying on `paid` is in the grace period of the mark of `inputs` (None when the
    mark's date is not known, or renewal is not possible then)."""
    if not inputs.get("date"):
        return None
    date = dt.date.fromisoformat(str(inputs["date"]))
    status = _mark_status(date, bool(inputs.get("expiry")), paid, cfg)
    if status.phase == RenewalPhase.GRACE_PERIOD:
        return True
    return False if status.phase == RenewalPhase.RENEWAL_WINDOW else None


def _with_year(date: dt.date, year: int) -> dt.date:
    try:
        return date.replace(year=year)
    except ValueError:  # 29 February
        return date.replace(year=year, day=28)


def _fee_now(
    date: dt.date, expiry: bool, facts: Facts, text: str, today: dt.date, cfg: ToolConfig
) -> tuple[bool, bool] | None:
    """(late, paper) when the follow-up asks the renewal fee of the mark; None otherwise."""
    # "3个类呢" after the mark's dates: the fee for that many classes, as "3个类多少钱" is.
    if facts.dates or not (_COST.search(text) or facts.classes):
        return None
    if re.search(r"续展|续期|renew", text, re.I):
        return None
    status = _mark_status(date, expiry, today, cfg)
    if status.phase == RenewalPhase.LOST:
        return None
    return status.phase == RenewalPhase.GRACE_PERIOD or facts.late, facts.paper


def follow_up(
    text: str, last: dict[str, Any], today: dt.date, cfg: ToolConfig, lang: str
) -> tuple[Answer, dict[str, Any]] | None:
    """The recomputed answer and the new inputs, or None when nothing applies."""
    tool = last.get("tool")
    facts = _read(text, last, today, cfg)
    inputs = dict(last)
    if tool == "fee_madrid" and _HOME.search(text) and not _ABROAD.search(text):
        # "and the china filing for those 2 classes?", "国内申请呢": the same classes filed
        # nationally, a national fee (China is no Madrid designation of a Chinese applicant).
        classes = facts.classes or inputs.get("classes") or 1
        national_inputs: dict[str, Any] = {
            "tool": "fee_national",
            "classes": classes,
            "items": [],
            "paper": False,
        }
        answer = national([10] * classes, paper=False, items_given=False, cfg=cfg, lang=lang)
        return answer, national_inputs
    asks = _asks_end(text)  # "宽展期最后一天是哪天": a date, though it names the grace period
    if tool == "fee_madrid":
        parties = _designations(list(last.get("parties") or []), facts, text, cfg)
        if facts.classes is not None:
            inputs["classes"] = facts.classes
        if facts.colour is not None:
            inputs["colour"] = facts.colour
        inputs["parties"] = parties
        answer = madrid(
            parties, classes=inputs.get("classes"), colour=inputs.get("colour"), cfg=cfg, lang=lang
        )
        return answer, inputs
    if tool == "classes" and facts.classes is not None:
        # The filing fee of the classes just suggested ("就报这俩类 网上官费多少").
        inputs = {"tool": "fee_national", "classes": facts.classes, "items": [], "paper": False}
        tool = "fee_national"
    if tool == "fee_national":
        classes = facts.classes or inputs.get("classes") or 1
        paper = facts.paper or (inputs.get("paper", False) and not _ONLINE.search(text))
        known = list(inputs.get("numbers") or [])
        if not facts.numbered and known and (said := numbered_items(facts.text, set(known))):
            # "9类报了14个小项" after "第9类和第42类": class 9 of those, not nine classes.
            facts.numbered, facts.counted = said, False
        if facts.numbered and not facts.counted:
            # "其中35类要报15个小项" after three classes: the class named is one of them.
            last_items = list(inputs.get("items") or [])
            numbered = numbered_class_items(
                facts, int(inputs.get("classes") or 1), known, last_items or None
            )
        else:
            numbered = numbered_class_items(facts, classes, facts.numbers or known)
        if numbered is not None:
            items, order, classes = numbered
            inputs.update(classes=classes, items=items, paper=paper, numbers=order)
            inputs["fixed"] = len(order)
            answer = national(
                items, paper=paper, items_given=True, cfg=cfg, lang=lang, numbers=order
            )
            return answer, inputs
        numbers = sorted({*known, *facts.numbers})
        scoped = class_items(facts, classes, inputs.get("items"), int(inputs.get("fixed") or 0))
        if scoped is not None:
            # "那另外两个类也都报到12个小项的话呢": the classes singled out before keep theirs.
            items, fixed = scoped
            inputs.update(classes=classes, items=items, paper=paper, numbers=numbers, fixed=fixed)
            answer = national(items, paper=paper, items_given=True, cfg=cfg, lang=lang)
            return answer, inputs
        items = facts.items or inputs.get("items") or []
        if not facts.items and inputs.get("fixed") and len(items) != classes:
            items = (items + [10] * classes)[:classes]  # per-class items, for a new class count
        inputs.update(classes=classes, items=items, paper=paper, numbers=numbers)
        per_class = items * classes if len(items) == 1 else (items or [10] * classes)
        fixed = int(inputs.get("fixed") or 0)
        by_number = fixed and known == numbers and len(numbers) <= fixed  # said by class number
        named = numbers if (len(numbers) == len(per_class) and not fixed) or by_number else []
        answer = national(
            per_class, paper=paper, items_given=bool(items), cfg=cfg, lang=lang, numbers=named
        )
        return answer, inputs
    if (
        tool == "fee_renewal"
        and inputs.get("date")
        and facts.classes is None
        and (asks or _year_fix(text))
        and not (facts.paper or _ONLINE.search(text))
    ):
        # "until what date could we still do it": the renewal dates of the same mark again.
        tool = "renewal"
        inputs = {k: v for k, v in inputs.items() if k not in ("late", "paper")}
        inputs["tool"] = "renewal"
    paid_late = (
        late_when_paid(text, facts, inputs, today, cfg)
        if tool in ("renewal", "fee_renewal")
        else None
    )
    if tool == "renewal" and paid_late is not None:
        # "要是1月10号才交呢" after the mark's dates: the fee then, not a new date of the mark.
        tool = "fee_renewal"
        inputs = {k: v for k, v in inputs.items() if k not in ("sent", "mailed")}
        inputs["tool"] = "fee_renewal"
    if tool == "fee_renewal":
        classes = facts.classes or inputs.get("classes") or 1
        paper = facts.paper or bool(inputs.get("paper"))
        late = facts.late or bool(inputs.get("late"))
        if paid_late is not None:
            late = paid_late  # paid within the window, or in the grace period
        inputs.update(classes=classes, paper=paper, late=late)
        if facts.classes is not None:
            inputs.pop("seeded", None)  # the user's own classes now: a computation of theirs
        return renewal_fee_only(classes, late=late, paper=paper, cfg=cfg, lang=lang), inputs
    if tool == "renewal" and facts.late and not facts.dates and inputs.get("classes") and not asks:
        # The same classes renewed in the grace period: the fee with the late surcharge.
        classes = facts.classes or int(inputs["classes"])
        fee_inputs = {"tool": "fee_renewal", "classes": classes, "late": True, "paper": facts.paper}
        fee_inputs |= {"date": inputs.get("date"), "expiry": inputs.get("expiry")}
        answer = renewal_fee_only(classes, late=True, paper=facts.paper, cfg=cfg, lang=lang)
        return answer, fee_inputs
    if tool == "renewal":
        date = dt.date.fromisoformat(inputs["date"])
        expiry = bool(inputs.get("expiry"))
        dates = _dates(facts, tool)
        year = None if facts.dates or not _year_fix(text) else _new_year(text)
        if dates and isinstance(dates[0], ParsedDate):
            date = dates[0].value
        elif year is not None:
            # "啊不对 是17年注册的": the same day and month in the corrected year.
            date = _with_year(date, year)
            if _REGISTERED.search(text) and not _EXPIRES.search(text):
                expiry = False
            elif _EXPIRES.search(text) and not _REGISTERED.search(text):
                expiry = True
        classes = facts.classes or inputs.get("classes")
        inputs.update(date=date.isoformat(), classes=classes, expiry=expiry)
        asks_fee = year is None and not asks  # "so last day w/o late fee is?" asks a date
        fee = _fee_now(date, expiry, facts, text, today, cfg) if asks_fee else None
        if fee is not None:
            # "晚了交多少" with no classes said: one class, as the dates' answer assumed.
            classes = classes or 1
            # "两个类 要交多少钱" after the dates: that fee, with the late surcharge in the grace
            # period; the mark's date stays so its dates can be asked again.
            late, paper = fee
            fee_inputs = {"tool": "fee_renewal", "classes": classes, "late": late, "paper": paper}
            fee_inputs |= {"date": date.isoformat(), "expiry": expiry}
            answer = renewal_fee_only(int(classes), late=late, paper=paper, cfg=cfg, lang=lang)
            return answer, fee_inputs
        answer = renewal_tool(date, expiry=expiry, classes=classes, today=today, cfg=cfg, lang=lang)
        return answer, inputs
    if tool in _PERIOD_TOOLS:
        start = recent_event(tool, facts.dates[0], today) if facts.dates else None
        if not isinstance(start, ParsedDate):
            return None
        inputs["date"] = start.value.isoformat()
        answer = period(
            tool,
            start.value,
            sent=bool(inputs.get("sent")),
            mailed=bool(inputs.get("mailed")),
            today=today,
            cfg=cfg,
            lang=lang,
        )
        return answer, inputs
    if tool == "classes":
        description = re.sub(r"^(那|那么|what about|how about|and)\s*", "", text, flags=re.I)
        if _ALSO_SELLS.search(text) and not _LEAN.search(text) and last.get("description"):
            description = f"{last['description']}; {description}"  # both lines of business
        answer = nice_classes(description, lang)
        if not answer.computed:
            return None
        inputs["description"] = description
        return answer, inputs
    return None
