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


def _fits(text: str, limit: PartLimit) -> bool:
    if limit.max_chars and len(text) > limit.max_chars:
        return False
    return not (limit.max_bytes and len(text.encode()) > limit.max_bytes)


def _cut(line: str, limit: PartLimit) -> list[str]:
    pieces, current = [], ""
    for ch in line:
        if current and not _fits(current + ch, limit):
            pieces.append(current)
            current = ""
        current += ch
    return [*pieces, current]


def split_parts(text: str, limit: PartLimit) -> list[str]:
    """Text in parts within `limit`, cut at line ends where possible; no empty parts."""
    if not limit.max_bytes and not limit.max_chars:
        return [text.strip()] if text.strip() else []
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if _fits(candidate, limit):
            current = candidate
            continue
        if current:
            parts.append(current)
        pieces = _cut(line, limit)
        parts.extend(pieces[:-1])
        current = pieces[-1]
    if current.strip():
        parts.append(current)
    return [p.strip("\n") for p in parts if p.strip()]
