"""Whether words ask something: the readings of question words that the core, the flows' steps,
the FAQ's several-questions split and the tools' follow-ups share, so a phrasing learnt by one is
known to all ("能不能", "是不是", "... 还是 ...", "can we").
"""

from __future__ import annotations

import re

__all__ = ("asks", "asks_question", "asks_whether")

# Asking for a yes or a no: a question particle or mark (么, but not 怎么, 这么), an "A-not-A"
# form.
_YES_NO = r"[吗嘛?？]|(?<![怎什这那多要])么|能不能|可不可以|行不行"

# A clause or piece that asks: a yes/no form, a question word ("多少", "咋", "哪"), a choice
# between two ("是协会申请还是企业自己申请"), a question announced ("先问个", "请问"), a trailing
# 不/没 ("能用不"), or, in English, a clause opening with a question word ("can we ...").
_ASKING = re.compile(
    _YES_NO + r"|呢|多少|几(天|年|个月|月|周|类|份|次|块)|怎么|怎样|咋|啥|什么|哪|多久|多长|多大"
    r"|是不是|有没有|要不要|需不需要|是否|可以不|能否|(没|不)$"
    r"|是\S{1,12}还是|(先|再|顺便)?问(个|下|一下)|请问"
    r"|^(and |also |so |plus )?(what|whats|how|which|when|where|who|can|could|do|does|is|are"
    r"|will|would|should|must|any|is there|are there)\b",
    re.IGNORECASE,
)

# Whether something can or will be done: a yes/no form, "能…不" at the end ("香港能一起报不"),
# "can we", "is it possible", a clause opening with does/will/is.
_WHETHER = re.compile(
    _YES_NO + r"|(?:能|可以|可|行|会|包括|包含|覆盖|算)\S{0,14}[不没]\s*[呀啊呢]?\s*$"
    r"|\b(?:can|could|may|is it possible)\b"
    r"|^(?:(?:and|so|also|oh|ok|btw|by the way)\W+)?(?:does|do|will|would|is|are)\b",
    re.IGNORECASE,
)


# A typed answer at a flow's step that is a question in its own right: a question word, a fee
# word or a question mark. Narrower than `_ASKING` on purpose: "周四可以吗" at the day step picks
# Thursday, so a yes/no particle does not count here.
_ASKS_CONTENT = re.compile(
    r"多少|怎么|如何|哪些|什么|为什么|多久|费用|[?？]|\b(how|what|why|fee|fees|cost)\b",
    re.IGNORECASE,
)


def asks(text: str) -> bool:
    """Whether `text` (a clause or a piece of a message) asks something."""
    return _ASKING.search(text.strip()) is not None


def asks_whether(text: str) -> bool:
    """Whether `text` asks if something can or will be done ("香港能顺便一起报吗")."""
    return _WHETHER.search(text) is not None


def asks_question(text: str) -> bool:
    """Whether a typed answer at a flow's step is a question in its own right ("续展费用多少")."""
    return _ASKS_CONTENT.search(text) is not None
