"""Cutting a message into parts (bot/delivery/parts.py): the linear cut gives exactly the parts
of the plain one it replaced, which measured the growing part again for every line."""

from __future__ import annotations

import random

import pytest

from bot.delivery.parts import LIMITS, PartLimit, split_parts
from handlers.wechat.format import split_chunks


def _fits(text: str, limit: PartLimit) -> bool:
    if limit.max_chars and len(text) > limit.max_chars:
        return False
    return not (limit.max_bytes and len(text.encode()) > limit.max_bytes)


def _plain(text: str, limit: PartLimit) -> list[str]:
    """The previous implementation, kept as the specification."""
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
        pieces, piece = [], ""
        for ch in line:
            if piece and not _fits(piece + ch, limit):
                pieces.append(piece)
                piece = ""
            piece += ch
        parts.extend(pieces)
        current = piece
    if current.strip():
        parts.append(current)
    return [p.strip("\n") for p in parts if p.strip()]


def test_random_texts_are_cut_as_before() -> None:
    rng = random.Random(19)
    alphabet = ["a", "b", " ", "\n", "\n", "商", "标", "😀", "é", "\t", "\r"]
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        limit = PartLimit(
            max_bytes=rng.choice([0, 1, 2, 3, 4, 5, 8, 13, 20, 80, 250]),
            max_chars=rng.choice([0, 1, 2, 3, 5, 7, 12, 40, 200]),
        )
        assert split_parts(text, limit) == _plain(text, limit), (text, limit)


@pytest.mark.parametrize("channel", sorted(LIMITS))
def test_long_answers_are_cut_as_before(channel: str) -> None:
    paragraph = (
        "商标续展申请应在有效期满前十二个月内提出。Renewal is filed in the last 12 months.\n"
    )
    long_line = "马德里" * 900 + "\n"
    for text in (paragraph * 40, paragraph * 3 + long_line + paragraph, "\n\n" + long_line * 3):
        parts = split_parts(text, LIMITS[channel])
        assert parts == _plain(text, LIMITS[channel])
        assert all(_fits(p, LIMITS[channel]) for p in parts)


def test_wechat_parts_hold_600_characters_and_2000_bytes() -> None:
    text = "\n".join(f"{i}. " + "商标" * 40 for i in range(30))
    chunks = split_chunks(text)
    assert len(chunks) > 1 and "".join(chunks).replace("\n", "") == text.replace("\n", "")
    assert all(len(c) <= 600 and len(c.encode()) <= 2000 for c in chunks)
