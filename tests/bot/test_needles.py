"""The literal pre-checks of bot/core/needles.py skip only searches that cannot match: the
lexicon's subject, colloquial and facet expressions answer the same with and without them on
every message of the tuned dialogues (as typed, upper-cased and title-cased), and so do
`subjects_of`, `subjects_named`, the facets, `_bare_subject` and the typo corrections; a
`Screen` of them lets through the same expressions as their pre-checks one by one."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml

from bot.core import understand
from bot.core.needles import Hay, Prefiltered, Screen, fold, needles
from bot.core.spelling import correct_zh

TUNED = Path(__file__).resolve().parents[1] / "data" / "dialogs" / "tuned.yaml"


def _messages() -> list[str]:
    raw = yaml.safe_load(TUNED.read_text(encoding="utf-8"))
    said = sorted({t["say"] for c in raw["conversations"] for t in c["turns"]})
    return sorted({v for s in said for v in (s, s.upper(), s.title(), s.swapcase())})


MESSAGES = _messages()


def _expressions() -> list[re.Pattern[str]]:
    lex = understand.lexicon()
    found = [s.words for s in lex.subjects] + [rx for _, rx in lex.facets]
    return found + [s.colloquial for s in lex.subjects if s.colloquial is not None]


def test_every_expression_answers_the_same_on_every_tuned_message() -> None:
    assert len(MESSAGES) > 4000
    for rx in _expressions():
        check = Prefiltered.of(rx)
        for text in MESSAGES:
            assert bool(check.search(Hay(text))) == bool(rx.search(text)), (rx.pattern, text)


def test_a_screen_picks_the_expressions_each_pre_check_lets_through() -> None:
    pre = understand._prefilters()
    screens = (pre.subject_words, pre.subject_said, pre.facet_words)
    assert sum(len(screen.items) for screen in screens) == len(_expressions())
    for text in MESSAGES:
        hay = Hay(text)
        for screen in screens:
            each = [n for n, check in enumerate(screen.items) if check.may_match(hay)]
            assert screen.candidates(hay) == each, text


def test_an_alternation_is_searched_branch_by_branch() -> None:
    """`Prefiltered.branches`: each top-level branch alone, with the whole's group numbers (a
    back-reference still finds its group), and the whole matches where one of them does."""
    rx = re.compile(r"ab+c|(?<=x)yz|(q)\1|(?:续展|renew)\w*|^only$", re.IGNORECASE)
    branches = Prefiltered.of(rx).branches()
    assert [b.groups for b, _ in branches] == [1] * 5
    assert branches[2][0].search("aqq") and not branches[2][0].search("aq")
    # each branch's own needles, by their keys
    assert [by_key and sorted(by_key) for _, by_key in branches] == [
        ["a"],
        ["yz"],
        ["q"],
        ["ren", "续展"],
        ["onl"],
    ]
    texts = ["ABBC", "ac", "xyz", "yz", "qq", "q", "续展吗", "RENEWAL", "only", "not only", ""]
    for text in [*texts, *(a + b for a in texts for b in texts)]:
        hay = Hay(text)
        assert any(b.search(text) for b, _ in branches) == bool(rx.search(text)), text
        screen = Screen([Prefiltered.of(rx), Prefiltered.of(re.compile("b|z"))])
        plain = [n for n, p in enumerate(screen.items) if p.rx.search(text)]
        assert screen.matching(hay) == plain, text
    # not an alternation at its top: the expression itself, with its needles
    alone = Prefiltered.of(re.compile(r"(a|b)c"))
    assert alone.branches() == ((alone.rx, alone.by_key),)


def test_a_branch_of_plain_strings_is_decided_by_its_needles() -> None:
    """A branch that matches one of a few strings and checks nothing about where they stand is
    not compiled: a text holds a match exactly when it holds one of its needles."""
    rx = re.compile(r"colou?r|商标(注册)?|\bterm\b|x+|[kq]i", re.IGNORECASE)
    branches = Prefiltered.of(rx).branches()
    assert [b is None for b, _ in branches] == [True, True, False, False, True]
    screen = Screen([Prefiltered.of(rx)])
    texts = ["COLOUR", "Color", "colr", "商标吗", "term", "terms", "xx", "\u212ai", "K\u0131", "QI"]
    for text in [*texts, *(a + " " + b for a in texts for b in texts)]:
        assert screen.matching(Hay(text)) == ([0] if rx.search(text) else []), text


def test_branches_share_the_whole_expressions_needle_strings() -> None:
    """The lexicon screens' branches hold a needle, or a tuple of needles, equal to one of the
    whole expressions' as that same object, not a copy (memory: issue 19)."""
    pre = understand._prefilters()
    for screen in (pre.subject_words, pre.subject_said, pre.facet_words):
        tuples = [v for p in screen.items for v in (p.by_key or {}).values()]
        strings = [n for v in tuples for n in v]
        whole = set(strings) | set(tuples)
        held = {id(x) for x in [*strings, *tuples]}
        index = screen._branches[0]
        found = [f for by_key in index._by_key.values() for e in by_key.values() for _, f in e]
        shared = [x for f in found for x in (f, *(f or ())) if x in whole]
        assert shared and all(id(x) in held for x in shared)


def _subjects_plain(text: str) -> tuple[str, ...]:
    """`subjects_of` without the pre-checks (the searches before them; the order is shared)."""
    subjects = understand.lexicon().subjects
    named = [s.name for s in subjects if s.words.search(text)]
    specific = [s for s in named if s != "registration"]
    spoken = [] if specific else [s.name for s in subjects if s.name not in named and s.names(text)]
    return understand.ordered_subjects(named, spoken, text)


def _bare_plain(text: str) -> bool:
    rest = text
    for s in understand.lexicon().subjects:
        rest = s.words.sub("", rest)
    return len(understand._SUBJECT_FILLER.sub("", rest)) <= 2


def test_subjects_facets_and_bare_subjects_are_unchanged() -> None:
    facets = understand.lexicon().facets
    subjects = understand.lexicon().subjects
    for text in MESSAGES:
        assert understand.subjects_of.__wrapped__(text) == _subjects_plain(text), text
        named = frozenset(s.name for s in subjects if s.names(text))
        assert understand.subjects_named.__wrapped__(text) == named, text
        plain = tuple(name for name, rx in facets if rx.search(text))
        assert understand._facets_named.__wrapped__(text) == plain, text
        assert understand._bare_subject(text) == _bare_plain(text), text


def test_typo_corrections_are_unchanged() -> None:
    """`correct_zh` screens its expressions (`Screen.sub_each`): the same text as running each
    in turn, on every tuned message and on typos that need two corrections."""
    raw = yaml.safe_load(understand._FILE.read_text(encoding="utf-8"))["zh_typos"]
    typos = [(re.compile(k), str(v)) for k, v in raw.items()]
    for text in [*MESSAGES, "商表伤标的异意驳会", "撤3 提意义 有效其几年", "续站续战宽站"]:
        plain = text
        if re.search(r"[\u4e00-\u9fff]", text):
            for rx, word in typos:
                plain = rx.sub(word, plain)
        assert correct_zh(text) == plain, text


def test_the_checks_rule_out_most_expressions() -> None:
    """Not a correctness check: that the pre-checks exist for nearly every expression."""
    found = [needles(rx) for rx in _expressions()]
    assert sum(n is None for n in found) <= 3
    assert needles(re.compile(r"\b(amazon|ebay)\b|e-?commerce", re.I)) == {
        "amazon",
        "ebay",
        "ecommerce",
        "e-commerce",
    }
    assert needles(re.compile(r"续展|(?<!不)续", re.I)) == {"续"}
    assert needles(re.compile(r"a?b*", re.I)) is None


def _ignore_case_classes() -> dict[int, set[int]]:
    """Code points that `re` matches to one another when it ignores case, by the matcher's
    own test (for each code point, the ones whose simple case mappings meet it)."""
    groups: dict[str, set[int]] = {}
    for cp in range(sys.maxunicode + 1):
        ch = chr(cp)
        for key in {ch.lower(), ch.upper()}:
            if len(key) == 1:
                groups.setdefault(key, set()).add(cp)
    return {cp: members for members in groups.values() for cp in members}


def test_re_matches_a_needle_character_to_every_character_that_folds_to_it() -> None:
    """The converse, on which a branch of plain strings relies (its needles alone decide, no
    search): each character whose fold is a needle's character (ASCII or CJK) is one `re`
    matches, ignoring case, to the characters of an expression that give that needle."""
    for cp in range(sys.maxunicode + 1):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        folded = fold(ch)
        if folded.isascii() or "\u3000" <= folded <= "\u9fff":
            for pattern in {folded, folded.upper()}:
                assert re.fullmatch(re.escape(pattern), ch, re.IGNORECASE), (hex(cp), pattern)


@pytest.mark.parametrize("kind", ["ascii", "cjk"])
def test_fold_meets_every_character_re_matches_ignoring_case(kind: str) -> None:
    """For each character a needle may hold (ASCII and the CJK block), every character that
    `re` matches to it when it ignores case folds to the needle's character."""
    classes = _ignore_case_classes()
    chars = range(128) if kind == "ascii" else range(0x3000, 0xA000)
    for cp in chars:
        ch = chr(cp)
        rx = re.compile(re.escape(ch), re.IGNORECASE)
        candidates = set(classes.get(cp, set()))
        for other in list(candidates):
            candidates |= classes.get(other, set())
        candidates |= {0x130, 0x131, 0x17F, 0x212A}
        for other in candidates:
            if rx.fullmatch(chr(other)):
                assert fold(chr(other)) == ch.lower(), (ch, hex(other))
    # `fold` keeps one character per character, so needles meet the text where `re` does.
    assert all(
        len(fold(chr(cp))) == 1 for cp in range(sys.maxunicode + 1) if cp < 0xD800 or cp > 0xDFFF
    )


@pytest.mark.parametrize("text", ["", "a", "ab", "续展", "abc", "How much 续展费 ＡＢ", "aaaa"])
def test_a_hays_keys_are_its_characters_and_runs_of_two_and_three(text: str) -> None:
    from bot.core.needles import _keys

    runs = {text[i : i + n] for n in (1, 2, 3) for i in range(len(text) - n + 1)}
    assert _keys(text) == runs


def test_a_text_that_folds_to_itself_has_its_keys_read_once() -> None:
    chinese, english = Hay("续展要交多少钱"), Hay("How much")
    assert chinese.keys(True) is chinese.keys(False)
    assert english.keys(True) != english.keys(False)
    assert "how" in english.keys(True) and "How" in english.keys(False)
