"""Core replies in Telegram form: text cut to Telegram's limit, choices as an inline keyboard."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.messages import Choice, Reply, unlisted
from storage.db import session_scope
from storage.telegram import TOKEN_PREFIX, callback_payload, callback_token

# Opt in to PTB's future `timedelta` time periods now: the int form warns on every RetryAfter.
os.environ.setdefault("PTB_TIMEDELTA", "true")

__all__ = (
    "MAX_CALLBACK_BYTES",
    "MAX_TEXT",
    "Rendered",
    "choices_from_payload",
    "render",
    "resolve_callback",
    "split_text",
)

MAX_TEXT = 4096  # characters per Telegram message
MAX_CALLBACK_BYTES = 64  # Bot API limit for callback_data
_MAX_LABEL = 60
_SHORT = 14  # display columns of a label that may share its row
_ROW = 28  # display columns of a shared row


@dataclass(frozen=True)
class Rendered:
    """One reply ready to send: one or more message texts, the keyboard goes on the last."""

    texts: tuple[str, ...]
    markup: InlineKeyboardMarkup | None = None


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Cut `text` into messages of at most `limit` characters, at line breaks when possible."""
    text = text.strip() or "…"
    parts: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > limit // 2 else limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip("\n")
    parts.append(text)
    return parts


def _callback_data(payloads: Sequence[str], engine: Engine) -> dict[str, str]:
    data = {p: p for p in payloads if len(p.encode()) <= MAX_CALLBACK_BYTES}
    rest = [p for p in payloads if p not in data]
    if rest:  # rare: only long payloads touch the database
        with session_scope(engine) as session:
            data.update({p: callback_token(session=session, payload=p) for p in rest})
    return data


def _width(text: str) -> int:
    # Chinese characters take two columns on a phone screen.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _keyboard(
    choices: Sequence[Choice], data: dict[str, str], first: int | None
) -> InlineKeyboardMarkup | None:
    if not choices:
        return None
    rows: list[list[InlineKeyboardButton]] = []
    row: list[InlineKeyboardButton] = []
    row_width = 0
    for number, c in enumerate(choices, first or 1):
        # Numbered as the core counts them: typing "2" picks the second button.
        plain = not first or c.label.strip() == str(number)  # a rating's "3" needs no "3."
        label = (c.label if plain else f"{number}. {c.label}")[:_MAX_LABEL]
        button = InlineKeyboardButton(label, callback_data=data[c.payload])
        width = _width(label)
        # Short labels ("有用" / "没用", menu items) share a row, two at most; questions get one.
        if row and (width > _SHORT or len(row) == 2 or row_width + width > _ROW):
            rows.append(row)
            row, row_width = [], 0
        row.append(button)
        row_width += width
        if width > _SHORT:
            rows.append(row)
            row, row_width = [], 0
    if row:
        rows.append(row)
    return InlineKeyboardMarkup(rows)


def render(replies: Sequence[Reply], engine: Engine, *, numbered: bool = True) -> list[Rendered]:
    """Each reply as message texts plus its keyboard (long payloads stored under a token).

    A user's buttons are numbered and the text drops the lines that list them; the staff
    group's ("认领 Claim") are commands, not a conversation's options, and stay as they are.
    """
    data = _callback_data([c.payload for r in replies for c in r.choices], engine)
    out: list[Rendered] = []
    first = 1
    for r in replies:
        text = unlisted(r.text, r.choices) if numbered else r.text
        keyboard = _keyboard(r.choices, data, first if numbered else None)
        out.append(Rendered(tuple(split_text(text)), keyboard))
        first += len(r.choices)
    return out


def resolve_callback(data: str, engine: Engine) -> str | None:
    """The payload a button's callback_data stands for (None: an unknown token)."""
    if not data.startswith(TOKEN_PREFIX):
        return data
    with session_scope(engine) as session:
        return callback_payload(session=session, token=data)


def choices_from_payload(raw: object) -> tuple[Choice, ...]:
    """Choices of an outbox payload (`[{"label": ..., "payload": ...}]`), ignoring junk."""
    if not isinstance(raw, list):
        return ()
    return tuple(
        Choice(str(c["label"]), str(c["payload"]))
        for c in raw
        if isinstance(c, dict) and c.get("label") and c.get("payload")
    )
