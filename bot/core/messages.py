"""Channel-neutral message types exchanged between adapters and the conversation core."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ("Choice", "Inbound", "Lang", "Reply", "unlisted")

Lang = str  # "zh" | "en"


@dataclass(frozen=True)
class Choice:
    """A button / numbered option: `label` is shown, `payload` is what choosing it sends back."""

    label: str
    payload: str


@dataclass(frozen=True)
class Inbound:
    """One message from a user on some channel."""

    channel: str  # "web" | "telegram" | "wechat" | "cli"
    user_ref: str  # stable id of the user on that channel
    text: str
    chat_ref: str | None = None  # where to answer, when it differs from the user
    locale: str | None = None  # a language hint from the channel, if any
    delivery_id: str | None = None  # the channel's id for this delivery (dedupe)
    is_callback: bool = False  # a button press rather than typed text
    extras: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Reply:
    """One message the core wants delivered; adapters render `choices` as keyboards or lists."""

    text: str
    choices: tuple[Choice, ...] = ()
    intent: str = "smalltalk"
    meta: Mapping[str, Any] = field(default_factory=dict)
    attachments: tuple[tuple[str, str, bytes], ...] = ()  # (filename, mime, content)


_LISTED = re.compile(r"^\s*\d+[.、)]\s*(.+?)\s*$")


def unlisted(text: str, choices: Sequence[Choice]) -> str:
    """The text without the numbered lines that repeat its choices' labels.

    Skills write related questions and suggestions into the text for channels without buttons
    (WeChat); where the same options show as numbered buttons (web, Telegram) the list would
    be read twice. A heading before the list stays: it now introduces the buttons.
    """
    labels = {c.label.strip() for c in choices}
    if not labels:
        return text
    kept = [
        line
        for line in text.split("\n")
        if not ((m := _LISTED.match(line)) and m.group(1) in labels)
    ]
    return "\n".join(kept).rstrip()
