"""What can be done about the user's own mark that the renewal tool just found lost.

After the renewal computation says a mark is past its grace period ("phase: lost"), "那怎么办",
"so what can we do now" or "what are our options" ask what the user can do about THAT mark:
the entry on a mark lost for non-renewal (no restoring it; file again), not how renewal is done
in general. In the grace period, the same question of a hypothesis ("今天要是没弄完 还有别的
办法没") asks the same. The tools skill leaves the phase in the dialogue context
(`Dialogue.extra["mark_phase"]`, bot/tools/skill.py), live as long as the tool's inputs are.
"""

from __future__ import annotations

import re

from bot.core.dialogue import Dialogue
from bot.core.understand import asks_what_now, subjects_of

__all__ = ("LOST_ENTRY", "lapsed_entry")

LOST_ENTRY = "renewal-missed-grace"
_RENEWAL_TOOLS = ("renewal", "fee_renewal")
# Missing the grace period too, said as a hypothesis ("要是没弄完", "if we don't make it").
_IF_MISSED = re.compile(
    r"(要是|如果|万一|假如|若).{0,10}(没|不|错过|来不及|赶不上)"
    r"|\bif (we|i|it|they) (miss|don'?t|do not|can'?t|cannot|fail|are late)",
    re.IGNORECASE,
)


def lapsed_entry(dialogue: Dialogue, text: str) -> str | None:
    """The entry to answer "what now" with, for the mark just computed, or None."""
    tool = dialogue.tool or {}
    phase = dialogue.extra.get("mark_phase")
    if tool.get("tool") not in _RENEWAL_TOOLS or phase not in ("lost", "grace_period"):
        return None
    if not asks_what_now(text) or set(subjects_of(text)) - {"renewal", "grace", "registration"}:
        return None
    if phase == "lost" or _IF_MISSED.search(text):
        return LOST_ENTRY
    return None
