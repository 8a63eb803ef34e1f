"""Read a typed answer against the choices just offered: numbers, labels, parts of labels, dates,
weekdays, times and "any".

Matched against the options actually shown before anything is parsed freely (the options are
few and known), with the station's "now" passed in: "周四" is the next Thursday on offer,
"下午两点" and a bare "2点" inside a booking are 14:00, "下周一" is Monday of next calendar week.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from rapidfuzz import fuzz

from bot.core.asking import asks_question
from bot.core.messages import Choice

__all__ = (
    "match_choice",
    "offered",
    "ordinal_of",
    "read_day",
    "read_new_day",
    "read_time",
)

_ANY = re.compile(
    r"都可以|都行|都好|任一|任意|任何|随便|无所谓|哪个都|谁都|哪位都|不限|没有偏好|没偏好|谁有空"
    r"|\bany\b|anyone|anybody|whoever|whichever|no preference|doesn'?t matter|either",
    re.IGNORECASE,
)
_WHEN_PAYLOAD = re.compile(r":\d{4}-\d{2}-\d{2}$|:\d{8}T\d{4}Z$")  # a day's or a slot's option
_WEEKDAY_ZH = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_WEEKDAY_EN = {
    "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
}  # fmt: skip
_MONTHS_EN = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
_CN_DIGITS |= {"八": 8, "九": 9, "十": 10}
_TITLES = re.compile(
    r"老师|律师|专家|先生|女士|经理|博士|教授|顾问|那位|那个|吧|就行|就好|就可以|可以|行|好了|呗"
    # where the person is, said of them ("王老师那边可以", "李律师这边吧")
    r"|那边|这边|那儿|那里|的"
)
_PUNCT = re.compile(r"[\s!！。.,，~～?？、…]+")
_FILLER = re.compile(
    r"那个|这个|的|吧|呗|就行|就好|就可以|可以|就|选|要|约|please|the|one|that|i'?ll take|i want",
    re.I,
)


def offered(data: Mapping[str, Any]) -> list[Choice]:
    """The options the conversation's last reply offered, as the turn kept them in its state
    (bot/core/conversation.py writes `choices` and `choice_labels`)."""
    labels = data.get("choice_labels") or []
    payloads = data.get("choices") or []
    return [Choice(str(label), str(p)) for label, p in zip(labels, payloads, strict=False)]


def _cn_number(raw: str) -> int | None:
    if raw.isdigit():
        return int(raw)
    if raw in _CN_DIGITS:
        return _CN_DIGITS[raw]
    if raw.startswith("十"):
        return 10 + _CN_DIGITS.get(raw[1:], 0)
    if len(raw) == 2 and raw[1] == "十":
        return _CN_DIGITS.get(raw[0], 0) * 10
    if len(raw) == 3 and raw[1] == "十":
        return _CN_DIGITS.get(raw[0], 0) * 10 + _CN_DIGITS.get(raw[2], 0)
    return None


# Chinese numerals before a date's unit ("十二月十号", "三天后") read as digits first, so every
# numeric form below also holds in Chinese numerals.
_CN_BEFORE_UNIT = re.compile(
    r"([零一二两三四五六七八九十]{1,3})(?=\s*(?:月|日|号|天|个?(?:星期|礼拜)))"
)
_EN_COUNT = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
# Days from today: "3天后", "三天以后", "过两天"(2), "in 3 days", "in three days' time".
_DAYS_LATER = re.compile(
    r"(\d{1,2})\s*天(?:后|以后|之后)|\bin\s+(\d{1,2}|a|one|two|three|four|five|six|seven)\s+days?\b"
)


def _arabic(text: str) -> str:
    def digits(m: re.Match[str]) -> str:
        n = _cn_number(m.group(1))
        return str(n) if n is not None else m.group(1)

    return _CN_BEFORE_UNIT.sub(digits, text)


def read_day(text: str, today: dt.date, *, dotted: bool = False) -> dt.date | None:
    """A day typed in chat: 12月10日, 10号, 12/10, 周四, 下周一, 明天, Thursday, Dec 10, the 10th,
    十号, 3天后, in 3 days; with `dotted` (days are what is asked) also "12.10" and "12-10"."""
    t = _arabic(unicodedata.normalize("NFKC", text).lower())
    if dotted and (m := re.fullmatch(r"\s*(\d{1,2})[.．-](\d{1,2})\s*(?:号|日|的|那天|吧)?\s*", t)):
        return _dated(today, int(m.group(1)), int(m.group(2)), rolls=False)
    if m := _DAYS_LATER.search(t):
        raw = m.group(1) or m.group(2)
        return today + dt.timedelta(days=int(raw) if raw.isdigit() else _EN_COUNT[raw])
    if "今天" in t or re.search(r"\b(today|tonight|this (morning|afternoon|evening))\b", t):
        return today
    if "大后天" in t:
        return today + dt.timedelta(days=3)
    if "后天" in t or "day after tomorrow" in t:
        return today + dt.timedelta(days=2)
    if "明天" in t or "明日" in t or re.search(r"\btomorrow\b", t):
        return today + dt.timedelta(days=1)
    if m := re.search(r"(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*[日号]", t):
        month = int(m.group(1)) if m.group(1) else today.month
        return _dated(today, month, int(m.group(2)), rolls=not m.group(1))
    if m := re.search(r"\b(\d{1,2})(?:st|nd|rd|th)\b(?!\s*(?:class|item))", t):
        return _dated(today, today.month, int(m.group(1)), rolls=True)  # "the 11th"
    if m := re.search(r"\b(\d{1,2})/(\d{1,2})\b", t):
        return _dated(today, int(m.group(1)), int(m.group(2)), rolls=False)
    months = "|".join(_MONTHS_EN)
    if m := re.search(rf"\b({months})[a-z]*\.?\s+(\d{{1,2}})\b", t) or re.search(
        rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({months})", t
    ):
        a, b = m.groups()
        month, day = (_MONTHS_EN[a], int(b)) if a.isalpha() else (_MONTHS_EN[b], int(a))
        return _dated(today, month, day, rolls=False)
    if m := re.search(r"\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\b.*\bnext week\b", t):
        return _week_day(today, 1, _WEEKDAY_EN[m.group(1)])  # "wednesday next week"
    if m := re.search(r"(下下|下个?|这个?|本)?\s*(?:周|星期|礼拜)([一二三四五六日天1-7])", t):
        raw = m.group(2)
        wd = int(raw) - 1 if raw.isdigit() else _WEEKDAY_ZH[raw]
        prefix = m.group(1) or ""
        if prefix.startswith("下下"):
            return _week_day(today, 2, wd)
        if prefix.startswith("下"):
            return _week_day(today, 1, wd)  # 下周一: Monday of next calendar week
        return _next_weekday(today, wd)
    if m := re.search(r"\b(next\s+)?(mon|tue|wed|thu|fri|sat|sun)[a-z]*\b", t):
        wd = _WEEKDAY_EN[m.group(2)]
        return _week_day(today, 1, wd) if m.group(1) else _next_weekday(today, wd)
    return None


# Where a new day starts in a change of mind: "哎不行 9号要开会 换成下周一吧" is Monday, not the 9th.
_CHANGE_TO = re.compile(
    r"改成|改为|改到|换成|换到|调到|挪到|推到|\b(?:change|move|switch)(?: it)? to\b|\bmake it\b",
    re.IGNORECASE,
)


def read_new_day(text: str, today: dt.date) -> dt.date | None:
    """The day a message moves to: the one after a change word ("换成下周一"), else any day."""
    m = _CHANGE_TO.search(text)
    if m is not None and (day := read_day(text[m.end() :], today)) is not None:
        return day
    return read_day(text, today)


def _weeks_ahead(text: str) -> int | None:
    """A week named without its day: 这周 0, 下周 1, 下下周 2 (None when no week is named)."""
    t = text.lower()
    if re.search(r"下下(个)?(周|星期|礼拜)|week after next", t):
        return 2
    if re.search(r"下(个)?(周|星期|礼拜)|next week", t):
        return 1
    if re.search(r"(这|本)(个)?(周|星期|礼拜)|this week", t):
        return 0
    return None


def _dated(today: dt.date, month: int, day: int, *, rolls: bool) -> dt.date | None:
    try:
        found = dt.date(today.year, month, day)
    except ValueError:
        return None
    if found < today:  # "1月5日" typed in December is next year's
        try:
            if rolls:
                nxt = month % 12 + 1
                return dt.date(today.year + (month == 12), nxt, day)
            return dt.date(today.year + 1, month, day)
        except ValueError:
            return None
    return found


def _next_weekday(today: dt.date, wd: int) -> dt.date:
    return today + dt.timedelta(days=(wd - today.weekday()) % 7)


def _week_day(today: dt.date, weeks: int, wd: int) -> dt.date:
    monday = today - dt.timedelta(days=today.weekday())
    return monday + dt.timedelta(weeks=weeks, days=wd)


_DOTTED = re.compile(
    r"(?:at\s*)?(\d{1,2})[.．](\d{2})\s*(am|pm|a\.m\.|p\.m\.)?(?:\s*(?:的|那个|吧|please))?"
)


def read_time(text: str, *, afternoon_default: bool = True) -> dt.time | None:
    """A time of day: 10:30, 14点, 下午两点, 两点半, 2pm, 9am; a bare 1-7 o'clock is afternoon."""
    t = unicodedata.normalize("NFKC", text).lower()
    if m := re.search(r"(\d{1,2})[:：](\d{2})", t) or _DOTTED.fullmatch(t.strip()):
        # "10:30"; "9.30" / "2.30pm" only as the whole message ("12.10" in a sentence is a date).
        hour, minute = int(m.group(1)), int(m.group(2))
        if (m.lastindex or 0) >= 3 and m.group(3):
            return _time(hour + 12 if m.group(3).startswith("p") and hour < 12 else hour, minute)
    elif m := re.search(r"\b(\d{1,2})\s*o'?clock\b", t):
        hour, minute = int(m.group(1)), 0  # "11 o'clock": as "11点"
    elif m := re.search(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)", t):
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        if m.group(3).startswith("p") and hour < 12:
            hour += 12
        return _time(hour, minute)
    elif m := re.search(
        r"(\d{1,2}|[一二两三四五六七八九十]{1,3})\s*[点时](半|一刻|三刻|(\d{1,2}|[一二三四五六七八九十]{1,3})分?)?",
        t,
    ):
        quarters = {"半": 30, "一刻": 15, "三刻": 45}
        found_hour = _cn_number(m.group(1))
        found_minute = quarters.get(m.group(2) or "")
        if found_minute is None:
            found_minute = _cn_number(m.group(3)) if m.group(3) else 0
        if found_hour is None or found_minute is None:
            return None
        hour, minute = found_hour, found_minute
    else:
        return None
    if (re.search(r"下午|晚上|傍晚|pm", t) and hour < 12) or (
        not re.search(r"上午|早上|早晨|中午|am", t) and afternoon_default and 1 <= hour <= 7
    ):
        hour += 12
    return _time(hour, minute)


def _time(hour: int, minute: int) -> dt.time | None:
    return dt.time(hour, minute) if 0 <= hour < 24 and 0 <= minute < 60 else None


def _key(text: str) -> str:
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text).lower())


_ORDINALS = {
    "第一": 1, "第二": 2, "第三": 3, "第四": 4, "第五": 5, "第六": 6, "第七": 7, "第八": 8,
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
}  # fmt: skip


_FIRST = re.compile(
    r"^(?:就|选|要|the)?(?:最早|最近|最快|越早越好|越快越好|尽快|尽早|asap|assoonaspossible"
    r"|earliest|soonest|firstavailable|nextavailable)"
    r"(?:的|可以的|可约的|能约的|有空的|available)?"
)


# What may follow an ordinal or "the earliest": the kind of option and fillers ("第二个时间",
# "最早那天", "the earliest slot", "the 2nd one please").
_TAIL = (
    r"(?:个|项|位|天|那天|那个|一个|一天|的|吧|呗|时间|时段|日子|日期|专家|老师|选项"
    r"|one|option|day|date|slot|time|expert|please|pls)*"
)


# The one option shown, pointed at ("就他吧", "这位老师", "that one", "him").
_THIS_ONE = re.compile(
    r"(?:就|选|要|约)?(?:他|她|这位|那位|这个|那个|thatone|thisone|him|her)(?:老师|专家|律师)?"
    r"(?:吧|了|就行|就好|可以)?"
)
_LAST = re.compile(r"^(?:就|选|要|the)?(?:最后|最晚|最迟|last|latest)")


def _ordinal(key: str) -> int | None:
    # "第一个", "第二项", "the first one", "first", "2nd"; a tail word names what is counted.
    m = re.fullmatch(
        r"(?:选|要|就|我要|我选)?(第[一二三四五六七八]|first|second|third|fourth|fifth|sixth"
        r"|1st|2nd|3rd|4th|5th|6th)" + _TAIL,
        key.replace("the", ""),
    )
    if not m:
        return None
    word = m.group(1)
    return _ORDINALS.get(word) or int(word[0])


def ordinal_of(text: str) -> int | None:
    """The position a typed ordinal names ("第二个", "the first one"), if it is one."""
    return _ordinal(_key(text))


# A question in its own right, even when it names an option: answered, and the step asked again.
def _name(label: str) -> str:
    return _key(re.split(r"[（(·]", label)[0])


def match_choice(text: str, choices: Sequence[Choice], today: dt.date) -> str | None:
    """The payload of the one offered choice the typed text names, or None."""
    options = [c for c in choices if not c.payload.endswith((":back", ":cancel"))]
    if not options:
        return None
    key = _key(text)
    if not key:
        return None
    hour = None  # a bare number beyond the list, where times are offered: "11" is 11点
    if m := re.fullmatch(r"(?:第)?(\d{1,2})(?:个|项|号)?", key):
        n = int(m.group(1))
        if 1 <= n <= len(choices) and not re.search(r"[号日]", key):
            return choices[n - 1].payload
        hour = n if key.isdigit() else None
    if (nth := _ordinal(key)) is not None and 1 <= nth <= len(choices):
        return choices[nth - 1].payload
    named = [c for c in options if not c.payload.endswith(":any")]
    if _THIS_ONE.fullmatch(key) and len(named) == 1:
        return named[0].payload  # "就他吧" with one expert shown: that one
    if (last := _LAST.match(key)) and re.fullmatch(_TAIL, key[last.end() :]):
        return options[-1].payload  # "最后一个", "the last one", "the latest slot"
    if (first := _FIRST.match(key)) and re.fullmatch(_TAIL, key[first.end() :]):
        return options[0].payload  # "最早那天", "the earliest slot": the first option offered
    for c in options:
        label = _key(c.label)
        if key == label or key == _key(c.label.split(" (")[0].split("（")[0]):
            return c.payload
    if _ANY.search(text):
        found = [c for c in options if c.payload.endswith(":any")]
        # "随便哪天", "any time is fine": with no "any" option, the soonest day or time.
        soonest = [c for c in options if _WHEN_PAYLOAD.search(c.payload)]
        if found or soonest:
            return (found or soonest)[0].payload
    dated = [c for c in options if re.search(r":\d{4}-\d{2}-\d{2}$", c.payload)]
    moved = _CHANGE_TO.search(text)  # "9号不行 换成下周一": Monday
    day = read_day(text[moved.end() :], today) if moved is not None else None
    if dated and (day := day or read_day(text, today, dotted=True)) is not None:
        found = [c for c in dated if c.payload.endswith(day.isoformat())]
        return found[0].payload if found else None
    if dated and (weeks := _weeks_ahead(text)) is not None:
        # "下周的", "sometime next week": the first day offered in that week.
        monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=weeks)
        week = [
            c.payload
            for c in dated
            if monday <= dt.date.fromisoformat(c.payload[-10:]) < monday + dt.timedelta(days=7)
        ]
        return week[0] if week else None
    timed = [c for c in options if re.match(r"\d{2}:\d{2}", c.label.split(" ")[-1])]
    timed = timed or [c for c in options if re.search(r"\d{2}:\d{2}-\d{2}:\d{2}", c.label)]
    at = read_time(text) if hour is None else read_time(f"{hour}点")
    if timed and at is not None:
        stamp = f"{at:%H:%M}-"
        found = [c for c in timed if stamp in c.label]
        return found[0].payload if found else None
    if asks_question(text):
        return None  # "续展费用多少" at the topic step is a question to answer, not "续展"
    # The name part of a label ("陈晓老师" for "陈晓（演示）（...）").
    named = [c for c in options if len(_name(c.label)) >= 2 and _name(c.label) in key]
    if len(named) == 1:
        return named[0].payload
    # "王老师" for 王明远: a surname with a title, when one option's name starts with it.
    bare = _TITLES.sub("", re.sub(r"^(?:找|约|选|要|就)", "", key))
    if len(bare) == 1 and "\u4e00" <= bare <= "\u9fff":
        found = [c for c in options if _name(c.label).startswith(bare)]
        if len(found) == 1:
            return found[0].payload
    # A part of a label ("王律师", "马德里", "续展那个"): only when exactly one option has it.
    core = _FILLER.sub("", key)
    if len(core) >= 2:
        found = [c for c in options if core in _key(c.label)]
        if len(found) == 1:
            return found[0].payload
        found = [c for c in options if len(_key(c.label)) >= 2 and _key(c.label) in core]
        if len(found) == 1:
            return found[0].payload
    if text.isascii() and (by_words := _by_words(text, options)) is not None:
        return by_words
    return _closest(core or key, options)


_STOP = frozenset(
    re.findall(
        r"\S+",
        "the a an one please pls i i'd id want would like to about for with on and my our me "
        "let's lets go take choose pick that this expert experts topic consultation ok okay "
        "mr mrs ms miss dr teacher lawyer",
    )
)


def _stem(word: str) -> str:
    return word[:5] if len(word) >= 5 else word


def _by_words(text: str, options: Sequence[Choice]) -> str | None:
    # English words of a label, in other forms ("oppositions", "the madrid one", "renewal
    # please", "wang"): every word typed must start like a word of exactly one label.
    typed = [_stem(w) for w in re.findall(r"[a-z']+", text.lower()) if w not in _STOP]
    if not typed:
        return None
    found = []
    for c in options:
        words = {_stem(w) for w in re.findall(r"[a-z]+", c.label.lower())}
        if all(w in words for w in typed):
            found.append(c.payload)
    return found[0] if len(found) == 1 else None


def _closest(key: str, options: Sequence[Choice]) -> str | None:
    # A typo ("续站" for 续展): the one short label clearly closest to what was typed.
    if not 2 <= len(key) <= 8:
        return None
    scored = sorted(((fuzz.ratio(key, _name(c.label)), c.payload) for c in options), reverse=True)
    if not scored or scored[0][0] < 50:
        return None
    if len(scored) > 1 and scored[1][0] >= scored[0][0] - 10:
        return None
    return scored[0][1]
