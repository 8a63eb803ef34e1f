"""A registration the user says they hold, with nothing asked ("we do have a registered mark in
china" after the infringement answer, "我们的商标已经注册了").

Read as a question it found the filing procedure or the ® symbol: an answer to a question nobody
asked. A clerk at the desk would take it as what it is, the fact the last answer turned on, and
say what it means for that answer.
"""

from __future__ import annotations

import re

from bot.core.texts import catalog

__all__ = ("holds_registration", "holds_reply")

_EN = re.compile(
    r"^(?:(?:yes|yeah|yep|yup|well|but|actually|and|ok|okay|sure)\b[,.!]*\s*)*"
    r"(?:"
    r"(?:we|i)(?: do| did| already| actually| have already)* (?:have|own|hold|got|'?ve got|have got)"
    r" (?:a |an |the |our |one )?(?:chinese |china |cn )?registered (?:chinese )?"
    r"(?:mark|trademark|trade mark|tm|brand|logo|name)s?"
    r"|(?:our|my|the) (?:chinese |china )?(?:mark|trademark|trade mark|tm|brand|logo|name)"
    r" (?:is|was|has been|'s)(?: already| actually)? registered"
    r"|(?:we|i)(?:'ve| have)?(?: already)? registered (?:it|ours|our (?:mark|trademark|brand|logo|name))"
    r")"
    r"(?: (?:in china|here|there|already|for it|for that|for years|since \d{4}|in \d{4}|too|as well))*"
    r"[.!]*$",
    re.IGNORECASE,
)
_ZH = re.compile(
    r"^(?:是的|对|嗯|有的|有|其实)?[，,\s]*"
    r"(?:"
    r"(?:我们|我|我司|公司)(?:已经|早就|早已|是)?(?:有|拿到了?|拿了)(?:注册(?:过的|了的|的)?商标|商标注册证|注册证|商标证)"
    r"|(?:我们|我|我司|公司)?(?:的)?(?:商标|牌子|品牌|logo|名字)(?:已经|早就|早已|是)?"
    r"(?:在国内|在中国)?注册(?:了|过了|过的|下来了|好了|成功了)"
    r"|(?:我们|我|我司|公司)(?:已经|早就|早已)注册(?:过|了)(?:商标)?了?"
    r")"
    r"[的了啊呀哦]*[。！!.\s]*$",
    re.IGNORECASE,
)

_TEXTS = {
    "infringement": (
        "好的，有在有效期内的注册商标，就可以走上面说的途径维权：协商、向市场监督管理部门投诉、向法院起诉。"
        "请先核对注册证核定的商品是否覆盖对方的商品，并保留好侵权证据。"
        "具体个案可回复“预约专家”预约专家咨询，或回复“人工”联系工作人员。",
        "Good: a registration in force is what the routes above enforce (negotiation, a complaint "
        "to market regulation, a court action). Check that the goods in your registration cover "
        'what the other side sells, and keep the evidence. For your case, reply "book an '
        'expert" or "human" to reach staff.',
    ),
    "madrid": (
        "好的，国内已有的注册（或申请）正是马德里国际注册所需的基础商标，"
        "国际申请的商标和商品不能超出它的范围。可以继续问“马德里怎么申请”或“马德里费用”。",
        "Good: your Chinese registration (or application) is the basic mark a Madrid filing "
        'needs; the international application cannot go beyond its mark and goods. Ask "how to '
        'file under Madrid" or "Madrid fees" next.',
    ),
    "other": (
        "好的，您已有注册商标。之后的续展、变更、转让、许可、维权和马德里国际注册都可以问我，"
        "也可以回复“预约专家”预约专家咨询。",
        "Good, you already hold a registration. Ask me anything about what comes next: renewal, "
        'changes, assignment, licensing, enforcement or Madrid; or reply "book an expert".',
    ),
}
_t = catalog("holds", _TEXTS)


def holds_registration(key: str) -> bool:
    """Whether the whole message only says the user holds a registered mark."""
    return bool(_EN.match(key) or _ZH.match(key))


def holds_reply(subject: str | None, lang: str) -> str:
    """What holding a registration means after an answer on `subject` (the subjects with a
    text of their own: the infringement routes it enforces, Madrid's basic mark)."""
    return _t(subject if subject in ("infringement", "madrid") else "other", lang)
