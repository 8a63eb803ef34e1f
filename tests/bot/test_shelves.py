"""The word classes each module asks of a whole message through a `Shelf` (bot/core/needles.py):
its hits are exactly the expressions a plain search finds, on every message of the tuned
dialogues and on variants of them (cased, typed in full-width characters, with a typo), so the
tools detector, understanding, the privacy and station checks answer as they did when they
searched each expression; and a hit read again from the cache is the one found the first time."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.core import understand
from bot.core.needles import Shelf
from bot.privacy import skill as privacy
from bot.smalltalk import station
from bot.tools import detect

TUNED = Path(__file__).resolve().parents[1] / "data" / "dialogs" / "tuned.yaml"
# ASCII typed on a Chinese keyboard's full-width layout ("ｈｏｗ　ｍｕｃｈ", "３个类").
_FULL_WIDTH = {c: c + 0xFEE0 for c in range(0x21, 0x7F)} | {0x20: 0x3000}


def _typo(text: str) -> str:
    """One character left out and the two after it swapped, in the middle of the text."""
    mid = len(text) // 2
    return text[:mid] + text[mid + 2 : mid + 3] + text[mid + 1 : mid + 2] + text[mid + 3 :]


def _messages() -> list[str]:
    raw = yaml.safe_load(TUNED.read_text(encoding="utf-8"))
    said = sorted({str(t["say"]) for c in raw["conversations"] for t in c["turns"]})
    variants = (str.upper, str.title, str.swapcase, lambda s: s.translate(_FULL_WIDTH), _typo)
    return sorted({v for s in said for v in (s, *(f(s) for f in variants))})


MESSAGES = _messages()
SHELVES = {
    "tools": detect._WORDS,
    "understanding": understand._WORDS,
    "privacy": privacy._WORDS,
    "station": station._WORDS,
}


@pytest.mark.parametrize("name", sorted(SHELVES))
def test_a_shelf_hits_exactly_the_expressions_that_match(name: str) -> None:
    shelf = SHELVES[name]
    assert len(MESSAGES) > 12000
    assert any(not t.isascii() and t.isupper() for t in MESSAGES)  # full-width Latin is there
    for text in MESSAGES:
        found = {rx for rx in shelf.expressions if rx.search(text)}
        assert shelf.hits(text) == found, text


def test_a_shelf_holds_every_word_class_its_module_reads() -> None:
    """Each expression a module reads through its shelf is on it: one missing would never hit."""
    assert set(detect.TOPIC.values()) <= set(detect._WORDS.expressions)
    for module, shelf in ((detect, detect._WORDS), (understand, understand._WORDS)):
        source = Path(str(module.__file__)).read_text(encoding="utf-8")
        read = set(re.findall(r"\b(_[A-Z][A-Z_]+) (?:not )?in hits\b", source))
        kept = {name for name in read if getattr(module, name) in shelf.expressions}
        assert read and kept == read


def test_the_hits_are_cached_by_the_text_and_bounded() -> None:
    rx = re.compile(r"续展|renew", re.IGNORECASE)
    shelf = Shelf([rx, re.compile(r"多少钱|how much", re.IGNORECASE)])
    assert shelf.hits("续展要多少钱") == frozenset(shelf.expressions)
    assert shelf.hits("how long") == frozenset()
    assert shelf.hits("RENEW it") == {rx}
    assert shelf.hits("续展要多少钱") == frozenset(shelf.expressions)  # read again: same
    info = shelf.hits.cache_info()
    assert info.hits == 1 and info.maxsize is not None


def test_an_expression_twice_is_kept_once() -> None:
    rx = re.compile("商标")
    assert Shelf([rx, rx]).expressions == (rx,)
