"""Several questions in one message ("续展一个类多少钱？要准备哪些材料？", "how long does it take,
and what's the fee per class?"): the message cut into its questions, each asking a facet of its
own. The FAQ skill answers each with its entry, in order, and only when every one is confidently
understood (bot/faq/skill.py, `FaqSkill._each_asked`); this module only reads the words.
"""

from __future__ import annotations

import re
from itertools import pairwise

from bot.core.asking import asks
from bot.core.understand import facets_of, subjects_of

__all__ = ("MAX_QUESTIONS", "questions_in")

MAX_QUESTIONS = 3

# Where a question may end and another begin: a question mark with more after it; a clause
# opening with a connector ("另外", "还有", "and how", ", also"); in Chinese, a space or a comma
# between two clauses ("多少钱 要准备啥", "多久能批下来，一个类多少钱").
_BREAKS = re.compile(
    r"(?<=[?？])\s*(?=\S)"
    r"|[,，;；。]?\s*(?=(另外|还有|以及|顺便|再问|还想问|同时)\S)"
    r"|[,;.]?\s+(?=(and|also|plus|as well as)\s+(also\s+)?"
    r"(what|whats|what's|how|which|when|where|who|whom|can|could|do|does|is|are|will|should"
    r"|must|if|any|the|our|my)\b)"
    r"|[,;.]\s*(?=also\b)"
    r"|(?<=[\u4e00-\u9fff])\s*[,，;；。]?\s+(?=[\u4e00-\u9fff])"
    r"|(?<=[\u4e00-\u9fff])[,，;；。](?=[\u4e00-\u9fff])",
    re.IGNORECASE,
)


_LEADING = re.compile(r"^[\s,，;；。.]+")


_MARKED = re.compile(r"[?？]\s*$")
# A piece that only sets a condition ("要是起诉的话", "万一他已经拿到证了呢") is part of the
# question it conditions, not a question of its own; one that goes on to ask ("要是对方不服还能
# 怎么办") is a question.
_CONDITION = re.compile(r"^(要是|如果|假如|万一|假设|若是|若|那要是|那如果)", re.I)
_ONLY_SET = ("的话", "呢")


def _asks(piece: str) -> bool:
    """Whether a piece is a question of its own: it asks, about a facet ("多少钱", "how long"),
    or, with a question mark, about a subject it names ("how early can we renew?")."""
    if not asks(piece):
        return False
    if _CONDITION.match(piece) and piece.endswith(_ONLY_SET):
        return False
    return bool(facets_of(piece)) or (
        _MARKED.search(piece) is not None and bool(subjects_of(piece))
    )


def questions_in(text: str) -> list[str] | None:
    """The questions `text` holds, in order, when it holds two or three that each ask a facet
    of their own (a piece asking nothing, "我们是2018年注册的", joins the question after it);
    None for one question, however many facets it names ("how long is it valid and can it be
    renewed" asked in one clause stays one)."""
    cuts = [m.start() for m in _BREAKS.finditer(text) if 0 < m.start() < len(text)]
    if not cuts:
        return None
    bounds = [0, *sorted(set(cuts)), len(text)]
    pieces = [_LEADING.sub("", text[a:b]).strip() for a, b in pairwise(bounds)]
    pieces = [p for p in pieces if p]
    questions: list[str] = []
    pending = ""
    for piece in pieces:
        joined = f"{pending} {piece}".strip() if pending else piece
        if _asks(piece):
            questions.append(joined)
            pending = ""
        else:
            pending = joined
    if pending:
        if not questions:
            return None
        questions[-1] = f"{questions[-1]} {pending}"  # a trailing remark belongs to the last
    if not 2 <= len(questions) <= MAX_QUESTIONS:
        return None
    asked = [(frozenset(facets_of(q)), frozenset(subjects_of(q))) for q in questions]
    if len(set(asked)) < len(asked):
        return None  # the same facet of the same subject twice is one question said twice
    return questions
