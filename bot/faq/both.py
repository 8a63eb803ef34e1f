"""One question asked of several subjects at once ("official fees for both?", "how does each of
those work?", "两个分别要多少钱"): the subjects the message names, else those the message before
named together (kept for the next turn in the dialogue context). The FAQ skill answers the facet
of each with the facet map's entry (bot/faq/skill.py, `FaqSkill._each_subject`); this module only
reads the words and keeps the subjects.
"""

from __future__ import annotations

import re

from bot.core.dialogue import Dialogue
from bot.core.understand import lexicon, subjects_of
from bot.faq.facets import family

__all__ = ("remember_named", "subjects_asked")

_KEY = "named"
_MOST = 3

# The question is put to each of several things: "both", "each (of them)", "the two", "两个都",
# "分别", "各自", "两者".
_EACH = re.compile(
    r"\b(both|each|either (one|of (them|those|these))|the two( of (them|those|these))?)\b"
    r"|两个都|两样都|两项都|俩都|两者|二者|分别|各自|各要|各需|各是|两个(的|各|分别)|两种(的|各|分别)",
    re.IGNORECASE,
)


def _at(subject: str, text: str) -> int:
    """Where `text` first names `subject` (its words, else its everyday words)."""
    for s in lexicon().subjects:
        if s.name == subject:
            for rx in (s.words, s.colloquial):
                if rx is not None and (m := rx.search(text)):
                    return m.start()
    return len(text)


def _specific(text: str) -> list[str]:
    """The specific subjects `text` names, in the order it names them ("续展和变更")."""
    found: list[str] = []
    named = subjects_of(text)
    if len(named) > 1:
        named = tuple(sorted(named, key=lambda s: _at(s, text)))
    for subject in named:
        kin = family(subject)
        if kin not in (None, "registration") and kin not in found:
            found.append(kin)
    return found


def subjects_asked(text: str, dialogue: Dialogue) -> list[str] | None:
    """The subjects a question put to each of them is about, in the order they were named:
    those `text` names (two or three), else those the last answered message named together;
    None when the message asks nothing of "both" / "each"."""
    if not _EACH.search(text):
        return None
    named = _specific(text)
    if 2 <= len(named) <= _MOST:
        return named
    if named:
        return None  # one subject named: "both" is something else ("both classes")
    kept = dialogue.extra.get(_KEY) or {}
    if kept.get("turn") != dialogue.turn - 1:
        return None  # only the message just before
    subjects = [str(s) for s in kept.get("subjects") or []]
    return subjects if 2 <= len(subjects) <= _MOST else None


def remember_named(
    text: str, dialogue: Dialogue, subjects: list[str] | None = None, *, answered: bool = True
) -> None:
    """Keep, for the next message's "both", the subjects of this answered one: those it named
    together (or `subjects`, those it was answered about), else the subject answered now after
    the one answered just before ("商标转让怎么办理" / "许可备案呢" / "两个都要多少钱"). A turn
    not answered forgets them."""
    kept = dialogue.extra.pop(_KEY, None) or {}
    if not answered:
        return
    named = subjects if subjects is not None else _specific(text)
    if len(named) < 2:
        before = kept.get("subjects") or [] if kept.get("turn") == dialogue.turn - 1 else []
        now = family(dialogue.subject)
        named = [s for s in [*before[-1:], now] if s not in (None, "registration")]
        named = list(dict.fromkeys(named))
    if named:
        dialogue.extra[_KEY] = {"subjects": named[-_MOST:], "turn": dialogue.turn}
