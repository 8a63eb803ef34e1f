"""What a pressed button reads as in the web chat's history.

The transcript keeps a button press as its payload ("faq:renewal-fee", "book:confirm"); the
page showed the button's label when it was pressed, so the history shows a label again: the
entry's question, the menu item, or a neutral "chose an option" where the label depended on
the moment (a slot, a day).
"""

from __future__ import annotations

import re

from bot.booking.format import topic_label
from bot.booking.texts import bt
from bot.core.texts import t
from knowledge.index import FaqIndex

__all__ = ("is_payload", "label_for")

_PAYLOAD_RE = re.compile(r"^[a-z_]+:[\w:.-]*$")  # the core's shape of a button payload
_FIXED = {
    "feedback:up": ("feedback.up", t),
    "feedback:down": ("feedback.down", t),
    "book:back": ("back", bt),
    "book:cancel": ("cancel", bt),
    "book:confirm": ("confirm", bt),
}


def is_payload(text: str) -> bool:
    """True for a button payload rather than typed text."""
    return bool(_PAYLOAD_RE.match(text))


def label_for(payload: str, lang: str, index: FaqIndex | None = None) -> str:
    """A readable label for a pressed button's payload, in `lang`."""
    if payload in _FIXED:
        key, texts = _FIXED[payload]
        return texts(key, lang)
    kind, _, rest = payload.partition(":")
    if kind == "menu":
        try:
            return t(f"menu.{rest}", lang)
        except KeyError:
            pass
    if kind == "faq" and index is not None and rest in index.by_id:
        question = index.by_id[rest].question
        return (question.en if lang == "en" else question.zh) or question.zh
    if payload.startswith("book:topic:"):
        return topic_label(payload.removeprefix("book:topic:"), lang)
    return "✓ Option chosen" if lang == "en" else "✓ 已选择"
