"""Keep a confident answer from being about another subject than the question.

A direct wrong answer costs more than a suggestion list. Retrieval scores words, not what a
question is about, so three confusions the station saw are checked here: a Madrid entry for a
national question (and back), the renewal window for a grace-period question, and the 10-year
validity for "how long does registration take". A mismatching entry loses points, which lets
the right entry (usually second) come first, or sends the question to the suggestion band.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.core.understand import Interpretation
from knowledge.index import Match

__all__ = ("rerank",)

PENALTY = 18.0
_MADRID = re.compile(
    r"马德里|国际注册|国际申请|madrid|international|wipo|designat|指定", re.IGNORECASE
)
_GRACE = re.compile(r"宽展|过了续展期|续展期过了|grace|after the (renewal )?window", re.I)
_GRACE_IDS = ("renewal-grace-period", "renewal-late-fee", "renewal-missed-grace")
_NOT_GRACE_IDS = ("renewal-window", "not-renewed", "validity-period")
# "商标注册下来要多久", "how long does registration take": the wait, not the 10-year term.
_WAIT = re.compile(
    r"下来|下证|拿证|审查|审核|多久能|要多久|多长时间能|多久可以|办下来|批下来"
    r"|how long does it take|how long to (get|register)|take to register|processing",
    re.IGNORECASE,
)
_VALIDITY = re.compile(r"有效|管多少年|保护多久|管多久|valid|last|protect", re.IGNORECASE)


def _conflict(match: Match, text: str, interp: Interpretation | None) -> bool:
    entry_id = match.entry.id
    question = match.entry.question.get("zh") + match.entry.question.get("en")
    own_madrid = bool(_MADRID.search(text))
    followup_madrid = interp is not None and interp.followup and interp.subject == "madrid"
    if _MADRID.search(question) and not (own_madrid or followup_madrid):
        # An entry about a national matter may still mention Madrid; only Madrid-led ones count.
        if entry_id.startswith(("madrid", "emadrid")):
            return True
    if own_madrid and not _MADRID.search(question) and not entry_id.startswith("madrid"):
        return False  # national entries answer many Madrid questions (e.g. the basic mark)
    if _GRACE.search(text) and entry_id.startswith(_NOT_GRACE_IDS):
        return True
    return bool(
        entry_id.startswith("validity-period") and _WAIT.search(text) and not _VALIDITY.search(text)
    )


def rerank(matches: list[Match], text: str, interp: Interpretation | None) -> list[Match]:
    """The matches with subject conflicts penalised, best first."""
    if not matches:
        return matches
    out = [
        replace(m, score=m.score - PENALTY) if _conflict(m, text, interp) else m for m in matches
    ]
    if interp is not None and interp.followup and interp.subject:
        from bot.core.understand import entry_subject

        # A follow-up stays on its subject: entries of another subject step back.
        out = [
            m
            if entry_subject(m.entry.question.get("zh") + " " + m.entry.question.get("en"))
            in (interp.subject, None)
            else replace(m, score=m.score - PENALTY / 2)
            for m in out
        ]
    return sorted(out, key=lambda m: -m.score)
