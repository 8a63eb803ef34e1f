"""Whether an answer's text states a measure at all: an amount, a time limit, the papers, a fine.

The facet map knows which entries are THE answer to a fee or a time; an entry may still state
one in passing. When the map has none for the subject, the answer just given is repeated for a
measure only if its text holds one (bot/faq/skill.py `_same_entry`).
"""

from __future__ import annotations

import re

__all__ = ("states_measure",)

_STATED = {
    "fee": re.compile(
        r"\d[\d,]*\s*(元|瑞士法郎)|\b(CNY|CHF)\s?[\d{]|\{\{(fee|madrid):|免(官)?费|\bfree\b"
    ),
    # A duration something is done within, not a period looked back on ("近3年的使用证据").
    "time": re.compile(
        r"\d+\s*(个)?(月|日|天|周|年|工作日)(内|以内|之内)|\{\{period:"
        r"|\bwithin (\w+ )?\d+|\b\d+ (months?|days?|weeks?|years?) (after|from|of|before)\b",
        re.IGNORECASE,
    ),
    "documents": re.compile(
        r"材料|证明|申请书|表格|\bdocuments?\b|\bforms?\b|\bevidence\b|\bproof\b"
    ),
    "penalty": re.compile(r"罚|\bfines?\b|\bfined\b|\bpenalt", re.IGNORECASE),
}
_SAME = {"result_time": "time", "validity": "time"}


def states_measure(answer: str, facet: str | None) -> bool:
    """Whether `answer` states anything of the measure `facet` asks (fee, time ...)."""
    found = _STATED.get(_SAME.get(facet or "", facet or ""))
    return bool(found and found.search(answer))
