"""Yes and no typed to a flow's yes-or-no question: one vocabulary for every flow.

The booking's confirmation and reminder consent, the marks' save and consent questions and the
router's "需要请工作人员帮您看看吗？" offer all read the same words; each flow adds only its own
button payloads.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ("NO_WORDS", "YES_WORDS", "answer_key", "is_yes")

YES_WORDS = frozenset(
    {"确认", "确定", "是", "是的", "好", "好的", "好啊", "好滴", "行", "可以", "没问题", "对"}
    | {"要", "需要", "嗯", "嗯嗯", "同意", "麻烦了", "麻烦你了", "确认预约", "确认无误"}
    | {"yes", "y", "yep", "yeah", "ok", "okay", "sure", "please", "yes please", "confirm"}
    | {
        "对的",
        "对啊",
        "没错",
        "是的没错",
        "确认无误",
        "好的确认",
        "好的 确认",
        "可以的",
        "行的",
        "ok的",
    }
    | {
        "confirm booking",
        "looks good",
        "correct",
        "right",
        "that's right",
        "all good",
        "yes confirm",
    }
)
NO_WORDS = frozenset(
    {"不", "否", "不用", "不用提醒", "不要", "不需要", "不用了", "不需要了"}
    | {"no", "nope", "nah", "no thanks", "no thank you"}
)
_TRAIL = re.compile(r"[\s!！。.,，~～]+$")
# Thanks after the answer ("好的谢谢", "ok thanks", "同意，谢谢您"): the answer is what counts.
# A bare "嗯" before thanks only acknowledges ("嗯 谢谢"): no yes to a consent question.
_THANKS = re.compile(
    r"(?<=[^\s,，。.!！~～嗯])[\s,，。.!！~～]*(谢谢(你|您|啦|了)?|谢了|多谢|感谢|thanks?( you)?|thx|ty)[\s!！。.~～]*$"
)


def answer_key(text: str) -> str:
    """The typed answer as the word sets hold it: NFKC, lower case, no trailing punctuation
    nor thanks."""
    key = _TRAIL.sub("", unicodedata.normalize("NFKC", text).strip().lower())
    return _THANKS.sub("", key)


def is_yes(text: str) -> bool:
    """Whether the whole message says yes."""
    return answer_key(text) in YES_WORDS
