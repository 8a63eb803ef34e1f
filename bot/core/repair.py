"""Conversational repair: the user says the last answer missed or was not understood, and says
the question again in other words ("that doesn't answer my question. i mean the legal time limit
the examiner has", "你这说的不对吧 我意思是把商标直接过户到他们名下", "没看懂 就是说…还能不能续",
"huh? 15 days from when exactly").

The complaint words are taken off and the restated question is what is understood and answered;
they must not drag retrieval to another entry. After "wrong" the entry just given is not given
again. A complaint with no question after it stays small talk (bot/smalltalk/skill.py).
"""

from __future__ import annotations

import re

__all__ = ("UNCLEAR", "WRONG", "repair_of")

WRONG = "wrong"  # the last answer missed the question
UNCLEAR = "unclear"  # the last answer was not understood, or the user says it again

_SEP = r"[\s,，.。!！;；:：~～…]*"
_WRONG_HEAD = re.compile(
    r"^(?:(?:no|nope|nah)\b[\s,.!]*)?(?:"
    r"(?:that|this|it)(?:'?s| is|s)? not (?:what i (?:asked|meant|mean|wanted|need|was asking)(?: for| about)?"
    r"|(?:it|right|correct|my question|the answer|what i'?m asking))"
    r"|(?:that|this|it|you) (?:doesn'?t|does not|didn'?t|did not|don'?t|do not) answer (?:my|the) question"
    r"|(?:that|this|it)(?:'?s| is) (?:wrong|incorrect|the wrong answer|off)"
    r"|(?:you'?re|you are|ur) (?:wrong|not answering|not getting it|misunderstanding)"
    r"|wrong (?:answer|entry)|not what i asked|you misunderstood(?: me)?|you got (?:it|me) wrong"
    r")" + _SEP + r"(?:(?:i|what i)\s+(?:mean|meant|was asking|asked|want(?:ed)? to know|am asking)"
    r"(?: is| was)?(?: about)?" + _SEP + r")?"
    r"|^(?:你|您)?(?:这|这个|刚才)?(?:说|答|回答|讲)?(?:的)?(?:不对|错了|不是这个|不是这样|不是我(?:要|想)?问的"
    r"|答非所问|文不对题|牛头不对马嘴|理解错了|搞错了|弄错了)(?:吧|啊|呀|哦|呢|了)*"
    + _SEP
    + r"(?:(?:我|我的)?(?:意思是|是说|是问|想问的是|问的是|要问的是|说的是|想问)"
    + _SEP
    + r")?",
    re.IGNORECASE,
)
_UNCLEAR_HEAD = re.compile(
    r"^(?:huh|eh|what|sorry|hmm+|um+|wait)\s*\?+"
    + _SEP
    + r"|^(?:i\s+)?(?:don'?t|do not|didn'?t|did not) (?:understand|get it|get that|follow)(?: that| this)?"
    + _SEP
    + r"(?:(?:so|i mean|what i mean is)\s+)?"
    + r"|^what do you mean"
    + _SEP
    + r"(?:(?:so|i mean)\s+)?"
    + r"|^(?:i mean|what i mean is|i meant)"
    + _SEP
    + r"|^(?:没看懂|看不懂|没懂|不懂|没明白|不明白|没看明白|没太懂|不太懂|没太明白|不太明白|没听懂|啥意思|什么意思)"
    + r"(?:啊|呀|诶|哦|呢|了)*"
    + _SEP
    + r"(?:(?:就是说|我是说|我的意思是|我是问|意思是|也就是说|就是)"
    + _SEP
    + r")?"
    + r"|^(?:我的意思是|我是说|我是问|我意思是)"
    + _SEP,
    re.IGNORECASE,
)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _enough(rest: str) -> bool:
    # A question of its own after the complaint, not "没看懂啊" or "that's wrong!".
    if _CJK.search(rest):
        return len(_CJK.findall(rest)) >= 4
    return len(re.findall(r"[a-z0-9]+", rest, re.IGNORECASE)) >= 3


def repair_of(text: str) -> tuple[str, str] | None:
    """(kind, the question restated) when `text` is a repair followed by a question."""
    stripped = text.strip()
    for kind, head in ((WRONG, _WRONG_HEAD), (UNCLEAR, _UNCLEAR_HEAD)):
        found = head.match(stripped)
        if found is None or not found.group(0).strip():
            continue
        rest = stripped[found.end() :].strip()
        if rest and _enough(rest):
            return kind, rest
    return None
