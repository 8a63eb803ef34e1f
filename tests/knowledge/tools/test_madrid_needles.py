"""Designated parties found with a substring test first (knowledge/tools/madrid.py): the same
parties as running every alias's expression over the message, as find_parties did before."""

from __future__ import annotations

import re
import unicodedata

import pytest

from knowledge.tools import madrid
from knowledge.tools.fees import load_fee_table
from knowledge.tools.madrid import _ASCII_TWINS, PartyMatch, _aliases, _matchers, find_parties


def test_the_ascii_twins_are_every_character_re_matches_to_an_ascii_letter() -> None:
    letter = re.compile(r"[a-z]", re.IGNORECASE)
    others = "".join(chr(c) for c in range(0x80, 0x110000) if not 0xD800 <= c <= 0xDFFF)
    twins = {m.group(0) for m in letter.finditer(others)}
    assert twins == {chr(c) for c in _ASCII_TWINS}
    for twin in twins:
        folded = twin.translate(_ASCII_TWINS)
        assert folded.isascii() and re.fullmatch(twin, folded, re.IGNORECASE)


def _every_expression(text: str) -> list[PartyMatch]:
    """find_parties as it was: every alias's expression over the message."""
    m = load_fee_table().madrid
    norm = unicodedata.normalize("NFKC", text)
    matchers, _needles = _matchers(m)
    runs = list(madrid._ABBREVIATED.finditer(norm))
    if not runs and not any(p.search(norm) for p, _, _ in matchers):
        return []
    found: list[PartyMatch] = []
    taken: list[tuple[int, int]] = []
    for pattern, code, member in matchers:
        for hit in pattern.finditer(norm):
            if any(hit.start() < e and s < hit.end() for s, e in taken):
                continue
            taken.append((hit.start(), hit.end()))
            found.append(PartyMatch(code, hit.group(0), hit.start(), member))
    parties = madrid._parties(m)
    for run in runs:
        chars = run.group(0)
        if len(set(chars)) < len(chars) or any(run.start() < e and s < run.end() for s, e in taken):
            continue
        for i, ch in enumerate(chars):
            code = madrid._ABBREVIATION[ch]
            if code in parties:
                found.append(PartyMatch(code, parties[code].name_zh, run.start() + i, True))
    found.sort(key=lambda p: p.start)
    out: list[PartyMatch] = []
    for p in found:
        if madrid._CURRENCY.match(norm, p.start + len(p.text)):
            continue
        if all(p.code != q.code for q in out):
            out.append(p)
    return out


TEXTS = [
    "马德里国际注册怎么申请",
    "指定美国、欧盟和日本要多少钱",
    "想在美日韩注册",
    "madrid fee to the US and EU, 3 classes",
    "we want to register in the united states and japan too",
    "UNITED KINGDOM and the Russian Federation, United States of America",
    "TÜRKİYE and Türkiye and turkiye",
    "Turkıye, ſwitzerland, \u212aorea, unıted states, İndia",
    "help us with the usa filing",
    "瑞士法郎 swiss francs",
    "how much is renewal of a trademark in china for three classes",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_the_parties_are_those_every_expression_finds(text: str) -> None:
    assert find_parties(text) == _every_expression(text)


def test_every_alias_in_any_case_is_found_as_before() -> None:
    for alias, _code in _aliases(load_fee_table().madrid):
        for said in (alias, alias.upper(), alias.lower(), alias.title()):
            for text in (f"to {said} please", f"{said}和{said}", said):
                assert find_parties(text) == _every_expression(text), text


@pytest.mark.parametrize(
    "text", [*TEXTS, "我们想去日本注册", "file in china only", "在中国注册 美国呢"]
)
def test_filing_abroad_reads_the_parties_itself_as_the_caller_did(text: str) -> None:
    """`files_abroad(text)` reads the parties only past its filing word: the same answer as
    with the parties read first, and none read for a text without such a word."""
    assert madrid.files_abroad(text) == madrid.files_abroad(text, find_parties(text))
    assert not madrid.files_abroad(text, [])


def test_filing_abroad_without_a_filing_word_reads_no_parties(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(madrid, "find_parties", lambda *_: pytest.fail("parties read"))
    assert not madrid.files_abroad("指定美国、欧盟和日本要多少钱")
    assert madrid.files_abroad("想在美日韩注册", find_parties("想在美日韩注册"))
