"""Cutting a message into the parts a channel accepts, by characters and by UTF-8 bytes.

WeChat refuses customer-service texts over 2048 bytes, and a part of 2000 bytes of Chinese is
~660 characters, a wall of text on a phone: WeChat parts are also held to 600 characters.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ("LIMITS", "PartLimit", "limit_for", "split_parts")


@dataclass(frozen=True)
class PartLimit:
    """The most one part may hold; 0 means no limit of that kind."""

    max_bytes: int = 0
    max_chars: int = 0


LIMITS: dict[str, PartLimit] = {
    "wechat": PartLimit(max_bytes=2000, max_chars=600),
    "telegram": PartLimit(max_chars=4000),  # Bot API: 4096 characters per message
    "wecom": PartLimit(max_bytes=2000),
}


def limit_for(channel: str) -> PartLimit:
    """The part limit of a channel (web, e-mail: one part)."""
    return LIMITS.get(channel, PartLimit())


def _over(chars: int, size: int, limit: PartLimit) -> bool:
    """Whether a part of `chars` characters and `size` UTF-8 bytes is over `limit`."""
    return bool(
        (limit.max_chars and chars > limit.max_chars)
        or (limit.max_bytes and size > limit.max_bytes)
    )


def _size(text: str, limit: PartLimit) -> int:
    # Bytes are counted only when they are limited (as before: nothing encoded otherwise).
    return len(text.encode()) if limit.max_bytes else 0


def _cut(line: str, limit: PartLimit) -> list[str]:
    """A line too long for one part, cut between characters (a part holds at least one)."""
    pieces, start, chars, size = [], 0, 0, 0
    for i, ch in enumerate(line):
        width = _size(ch, limit)
        if chars and _over(chars + 1, size + width, limit):
            pieces.append(line[start:i])
            start, chars, size = i, 0, 0
        chars += 1
        size += width
    return [*pieces, line[start:]]


def split_parts(text: str, limit: PartLimit) -> list[str]:
    """Text in parts within `limit`, cut at line ends where possible; no empty parts.

    Linear: the current part's characters and bytes are counted as lines join it, not measured
    again from its text for every line (a long answer has dozens)."""
    if not limit.max_bytes and not limit.max_chars:
        return [text.strip()] if text.strip() else []
    if not _over(len(text), _size(text, limit), limit):
        # All lines join one part (leading empty lines dropped): most answers.
        return [text.strip("\n")] if text.strip() else []
    parts: list[str] = []
    current: list[str] = []  # the lines of the part being filled; "" when it is empty
    chars = size = 0  # of "\n".join(current)
    for line in text.split("\n"):
        length, width = len(line), _size(line, limit)
        if chars:
            joined_chars, joined_size = chars + 1 + length, size + 1 + width
        else:
            joined_chars, joined_size = length, width
        if not _over(joined_chars, joined_size, limit):
            if chars:
                current.append(line)
            else:
                current = [line]
            chars, size = joined_chars, joined_size
            continue
        if chars:
            parts.append("\n".join(current))
        # A line that fits alone is one piece (each of its prefixes fits too).
        pieces = _cut(line, limit) if _over(length, width, limit) else [line]
        parts.extend(pieces[:-1])
        last = pieces[-1]
        current, chars, size = [last], len(last), _size(last, limit)
    tail = "\n".join(current)
    if tail.strip():
        parts.append(tail)
    return [p.strip("\n") for p in parts if p.strip()]
