"""An expert named in a message of its own ("想约王明远老师聊下续展", "can i book chen xiao").

Stricter than matching a typed answer at the expert step: outside the flow a name must be
written out (王明远, Wang Mingyuan) or be a surname with a title (王老师, Mr Wang) that only one
expert has, and the message must ask for that person, not about them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from storage.experts import Expert

__all__ = ("asks_for_someone", "named_expert")

_NOTE = re.compile(r"[（(][^）)]*[）)]")  # "（演示）", "(demo)"
_TITLE_ZH = r"(?:老师|律师|专家|顾问|博士|教授|经理|女士|先生)"
_TITLE_EN = r"(?:mr|mrs|ms|miss|dr|prof|lawyer|expert)\.?"
# Asking for the person: arranging, meeting, talking, needing ("need li jing", "约陈晓老师").
_ASKS_FOR = re.compile(
    r"约|找|预约|跟|和|见|聊|谈|问|咨询|请教|安排|挂"
    r"|\b(book|need|want|see|talk|speak|meet|chat|consult|ask|with|get|reach)\b",
    re.IGNORECASE,
)


def _names(expert: Expert) -> tuple[str, str]:
    zh = _NOTE.sub("", expert.name).strip()
    en = _NOTE.sub("", expert.name_en or "").strip().lower()
    return zh, en


def asks_for_someone(text: str) -> bool:
    """Whether the message has a verb of asking for a person (the cheap test, before names)."""
    return bool(_ASKS_FOR.search(text))


def named_expert(text: str, experts: Sequence[Expert], *, asking: bool = True) -> Expert | None:
    """The one expert the message asks for by name, or None (`asking=False`: inside the
    booking, where a name alone is a choice)."""
    if asking and not asks_for_someone(text):
        return None
    low = re.sub(r"\s+", " ", text.lower())
    found: list[Expert] = []
    for expert in experts:
        zh, en = _names(expert)
        words = en.split()
        if (len(zh) >= 2 and zh in text) or (
            len(words) >= 2 and re.search(r"\b" + r"\s*".join(map(re.escape, words)) + r"\b", low)
        ):
            found.append(expert)
    if not found:
        for expert in experts:
            zh, en = _names(expert)
            surname_en = en.split()[0] if en else ""
            if (zh and re.search(re.escape(zh[0]) + _TITLE_ZH, text)) or (
                surname_en and re.search(rf"\b{_TITLE_EN} {re.escape(surname_en)}\b", low)
            ):
                found.append(expert)
    return found[0] if len(found) == 1 else None
