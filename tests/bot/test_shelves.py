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


def test_the_facts_of_a_text_read_again_are_a_copy_equal_to_the_first() -> None:
    """`read_facts` keeps what depends on the text alone (`_text_facts`) by the text: a skill
    changing its facts never changes those read later, and every such field is handed on."""
    import dataclasses
    import datetime as dt

    today = dt.date(2026, 12, 6)
    text = "第9类和第42类 其中35类要报15个小项 彩色 纸质 多少钱 帮我算一下"
    first = detect.read_facts(text, today)
    assert first.numbers and first.classes and first.numbered and first.asks_cost
    first.numbers.append(99)
    first.items.append(99)
    first.numbered[99] = 1
    first.classes = 99
    again = detect.read_facts(text, today)
    assert again is not first and 99 not in again.numbers and again.classes != 99
    assert 99 not in again.items and 99 not in again.numbered
    kept = detect._text_facts(again.text)
    for f in dataclasses.fields(detect.Facts):
        if f.name not in ("dates", "parties"):
            assert getattr(again, f.name) == getattr(kept, f.name), f.name
    assert detect._text_facts.cache_info().maxsize is not None


def test_the_facts_read_through_the_cache_are_those_read_afresh() -> None:
    import datetime as dt

    today = dt.date(2026, 12, 6)
    said = sorted({t for t in MESSAGES if t.isascii() or not t.isupper()})[::3]
    cached = [detect.read_facts(t, today) for t in said]
    detect._text_facts.cache_clear()
    detect._WORDS.hits.cache_clear()
    assert cached == [detect.read_facts(t, today) for t in said]


def _pieces_trying_every_head(key: str) -> list[str] | None:
    """`smalltalk._pieces` as it was: after a joiner, or else every head, longest first."""
    from bot.smalltalk import skill as smalltalk

    if not key:
        return []
    key = key.strip("_")
    joiners = [
        j
        for j in smalltalk._JOINERS
        if key.startswith(j) and len(key) > len(j) and not (j.isascii() and key[len(j)] != "_")
    ]
    for rest in map(_pieces_trying_every_head, (key[len(j) :] for j in joiners)):
        if rest:
            return rest
    ends = [e for e in range(len(key), 0, -1) if not key.isascii() or key[e : e + 1] in ("", "_")]
    for end in ends:
        kind = smalltalk._KIND_OF.get(key[:end].replace("_", " "))
        tail = None if kind is None else _pieces_trying_every_head(key[end:])
        if tail is not None:
            return [kind, *tail]
    return None


def test_small_talk_pieces_need_only_the_heads_of_a_phrases_length_and_first_character() -> None:
    from bot.smalltalk import skill as smalltalk

    phrases = sorted(smalltalk._KIND_OF)
    joined = [
        f"{a}{sep}{b}"
        for a, b in zip(phrases, reversed(phrases), strict=True)
        for sep in ("", "_", "那", "_then_")
    ]
    keys = {smalltalk._key(t) for t in MESSAGES} | set(phrases) | set(joined)
    found = 0
    for key in sorted(keys):
        for piece in (key.replace(" ", "_"), key.replace(" ", "")):
            expected = _pieces_trying_every_head(piece)
            assert smalltalk._pieces(piece) == expected, piece
            found += expected is not None
    assert found > 1000


def test_small_talk_read_again_is_what_it_was() -> None:
    from bot.smalltalk.skill import smalltalk_kind

    kinds = [smalltalk_kind(t) for t in MESSAGES[::5]]
    assert kinds == [smalltalk_kind.__wrapped__(t) for t in MESSAGES[::5]]
    assert {"greeting", "thanks", None} <= set(kinds)
    assert smalltalk_kind.cache_info().maxsize is not None


def test_the_everyday_words_pre_checked_find_what_a_plain_search_finds() -> None:
    from bot.core.needles import Hay

    words, screened = understand.lexicon().offtopic, understand._prefilters().offtopic
    assert words is not None and screened is not None and screened.by_key is not None
    found = 0
    for text in MESSAGES:
        plain, checked = words.search(text), screened.search(Hay(text))
        assert (plain and plain.span()) == (checked and checked.span()), text
        found += plain is not None
    assert found > 50
