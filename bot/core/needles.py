"""Literal pre-checks for the lexicon's expressions: a cheap substring test that rules out most
expressions before `re` runs them.

`needles(rx)` reads an expression's parse tree and returns strings of which every match holds
at least one (in lower case, for an expression that ignores case), or None when it cannot say.
`Prefiltered.search(Hay(text))` runs the expression only when one of them occurs in the text
(folded as `re` folds case, for an expression that ignores case), so the answer is the expression's own: the pre-check only skips searches that
cannot match. tests/bot/test_needles.py compares it with the plain search on every tuned
message and on every code point that `re` matches to another when it ignores case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import product
from operator import add
from re import _compiler, _parser  # type: ignore[attr-defined]
from re import _constants as c  # type: ignore[attr-defined]
from typing import Any

# The characters outside ASCII that `re` matches to an ASCII letter when it ignores case (İ ı ſ
# and the Kelvin sign), as in knowledge/tools/madrid.py; folded before lower-casing.
_ASCII_TWINS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
_MAX_STRINGS = 64  # a literal set larger than this is not expanded further
_ZERO_WIDTH = {c.AT, c.ASSERT, c.ASSERT_NOT}
_REPEATS = (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT)

Strings = frozenset[str]
_ByKey = dict[str, tuple[str, ...]]  # needles by their keys (`_key`)


def fold(text: str) -> str:
    """The text as an ignore-case expression's needles are compared with."""
    return text.translate(_ASCII_TWINS).lower()


def _plain(ch: str) -> bool:
    """Whether `re`, ignoring case, matches `ch` to exactly the characters whose `fold` is
    `fold(ch)`: ASCII (with its twins folded), and the CJK block, which has no case
    (tests/bot/test_needles.py checks every code point)."""
    return ch.isascii() or "\u3000" <= ch <= "\u9fff"


def _exact(items: Any, ignore: bool) -> Strings | None:
    """Every string a sequence can match, when that set is finite and small (zero-width checks
    match the empty string: they only restrict where the rest matches)."""
    out: Strings = frozenset([""])
    for op, av in items:
        part = _exact_item(op, av, ignore)
        if part is None:
            return None
        out = frozenset(a + b for a, b in product(out, part))
        if len(out) > _MAX_STRINGS:
            return None
    return out


def _char(code: int, ignore: bool) -> str | None:
    ch = chr(code)
    if ignore and not _plain(ch):
        return None
    return ch.lower() if ignore else ch


def _exact_item(op: Any, av: Any, ignore: bool) -> Strings | None:
    if op is c.LITERAL:
        ch = _char(av, ignore)
        return None if ch is None else frozenset([ch])
    if op in _ZERO_WIDTH:
        return frozenset([""])
    if op is c.IN:
        chars = set()
        for iop, iav in av:
            if iop is not c.LITERAL:
                return None
            ch = _char(iav, ignore)
            if ch is None:
                return None
            chars.add(ch)
        return frozenset(chars) if len(chars) <= 8 else None
    if op is c.SUBPATTERN:
        _group, add, delete, sub = av
        return None if add or delete else _exact(sub.data, ignore)
    if op is c.BRANCH:
        out = _branches(av, _exact, ignore)
        return out if out is not None and len(out) <= _MAX_STRINGS else None
    if op in _REPEATS:
        low, high, sub = av
        if high > 2:
            return None
        body = _exact(sub.data, ignore)
        if body is None:
            return None
        found = set()
        for n in range(low, high + 1):
            found |= {"".join(p) for p in product(body, repeat=n)}
        return frozenset(found) if len(found) <= _MAX_STRINGS else None
    return None


def _needles(items: Any, ignore: bool) -> Strings | None:
    """Strings of which every match of the sequence holds one, or None."""
    whole = _exact(items, ignore)
    if whole is not None:
        return whole if "" not in whole else None
    candidates: list[Strings] = []
    run: Strings = frozenset([""])
    for op, av in items:
        part = _exact_item(op, av, ignore)
        if part is not None:
            grown = frozenset(a + b for a, b in product(run, part))
            if len(grown) <= _MAX_STRINGS:
                run = grown
                continue
            candidates.append(run)
            run = part
            continue
        candidates.append(run)
        run = frozenset([""])
        inner = _needles_item(op, av, ignore)
        if inner is not None:
            candidates.append(inner)
    candidates.append(run)
    usable = [s for s in candidates if "" not in s]
    if not usable:
        return None
    return max(usable, key=_worth)


def _weight(needle: str) -> int:
    """How rare a needle is, roughly: a Chinese character as three ASCII ones."""
    return sum(1 if ch.isascii() else 3 for ch in needle)


def _worth(strings: Strings) -> tuple[bool, int, int]:
    """Few needles that are each rare enough (3 or more) first: every needle is a substring
    test on each message."""
    shortest = min(map(_weight, strings))
    return shortest >= 3, -len(strings), shortest


def _branches(av: Any, each: Any, ignore: bool) -> Strings | None:
    """The union of `each` over an alternation's branches, or None when one branch has none."""
    out: set[str] = set()
    for branch in av[1]:
        part = each(branch.data, ignore)
        if part is None:
            return None
        out |= part
    return frozenset(out)


def _needles_item(op: Any, av: Any, ignore: bool) -> Strings | None:
    if op is c.SUBPATTERN:
        _group, add, delete, sub = av
        return None if add or delete else _needles(sub.data, ignore)
    if op is c.BRANCH:
        return _branches(av, _needles, ignore)
    if op in _REPEATS:
        low, _high, sub = av
        return _needles(sub.data, ignore) if low >= 1 else None
    return None


def _ops(items: Any) -> Iterator[Any]:
    """The operators of a sequence and of the groups, alternations and repeats in it."""
    for op, av in items:
        yield op
        if op is c.SUBPATTERN:
            yield from _ops(av[3].data)
        elif op is c.BRANCH:
            for branch in av[1]:
                yield from _ops(branch.data)
        elif op in _REPEATS:
            yield from _ops(av[2].data)


def _literal(items: Any, ignore: bool) -> bool:
    """Whether a sequence matches exactly where one of its needles occurs: it matches one of a
    few strings, found as `_exact` finds them, and checks nothing about where they stand.
    Ignoring case, a character folds to a needle's character exactly when `re` matches it to
    the expression's (tests/bot/test_needles.py checks both ways), so no search is needed."""
    found = _exact(items, ignore)
    return found is not None and "" not in found and _ZERO_WIDTH.isdisjoint(_ops(items))


def _tree(rx: re.Pattern[str]) -> Any:
    """The expression's parse tree, or None when the trees here are not to be read: a bytes,
    verbose or locale expression, or an inline flag for the whole expression."""
    if not isinstance(rx.pattern, str) or rx.flags & (re.VERBOSE | re.LOCALE):
        return None
    tree = _parser.parse(rx.pattern, rx.flags)
    return tree if tree.state.flags == rx.flags else None


def needles(rx: re.Pattern[str]) -> Strings | None:
    """Strings of which every match of `rx` holds one (lower case when `rx` ignores case, to be
    looked for in `fold(text)`), or None when the expression's tree does not say."""
    tree = _tree(rx)
    return None if tree is None else _kept(tree.data, bool(rx.flags & re.IGNORECASE))


def _kept(items: Any, ignore: bool) -> Strings | None:
    """`_needles` without the needles that hold another."""
    found = _needles(items, ignore)
    if found is None:
        return None
    # A needle inside another is enough: "商标" covers "商标注册".
    ordered = sorted(found, key=len)
    kept: list[str] = []
    for n in ordered:
        if not any(k in n for k in kept):
            kept.append(n)
    return frozenset(kept)


def _key(needle: str) -> str:
    """What indexes a needle: its first three characters (all of a shorter one). Three, not
    two: English needles share their first two letters far more often ("how", "hold", "home"),
    and each needle under a key the text holds is looked for; four cost more in keys than they
    save (the lexicon's screens on the tuned messages: 316k, 261k, 283k instructions a text)."""
    return needle[:3]


def _keys(text: str) -> frozenset[str]:
    """The characters of a text and its runs of two and three adjacent characters (joined by
    `map`, not sliced in a comprehension: no bytecode per character)."""
    pairs = list(map(add, text, text[1:]))
    return frozenset(text).union(pairs, map(add, pairs, text[2:]))


class Hay:
    """A message as the pre-checks read it: as typed and folded, with the characters and
    runs of two and three characters of each (made on first use). Made once per message."""

    __slots__ = ("_keys", "folded", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded = fold(text)
        # By the string they are of: a text that folds to itself (most Chinese ones) has one.
        self._keys: dict[str, frozenset[str]] = {}

    def keys(self, ignore: bool) -> frozenset[str]:
        text = self.folded if ignore else self.text
        found = self._keys.get(text)
        if found is None:
            found = self._keys[text] = _keys(text)
        return found


@dataclass(frozen=True)
class Prefiltered:
    """An expression with its needles, indexed by their first three characters: `search`
    answers as `rx.search` does."""

    rx: re.Pattern[str]
    by_key: dict[str, tuple[str, ...]] | None
    keyset: frozenset[str]
    ignore: bool

    @classmethod
    def of(cls, rx: re.Pattern[str]) -> Prefiltered:
        """`rx` with needles read from its tree (none: it is searched on every text)."""
        index = _by_key(needles(rx))
        ignore = bool(rx.flags & re.I)
        return cls(rx, index, frozenset(index or ()), ignore)

    def may_match(self, hay: Hay) -> bool:
        """False only when `rx` cannot match `hay.text`."""
        if self.by_key is None:
            return True
        hits = self.keyset.intersection(hay.keys(self.ignore))
        if not hits:
            return False
        text = hay.folded if self.ignore else hay.text
        return any(n in text for k in hits for n in self.by_key[k])

    def search(self, hay: Hay) -> re.Match[str] | None:
        return self.rx.search(hay.text) if self.may_match(hay) else None

    def branches(
        self, same: dict[Any, Any] | None = None
    ) -> tuple[tuple[re.Pattern[str] | None, _ByKey | None], ...]:
        """An alternation's branches (`a|b|c`), each compiled alone with its own needles (as
        `by_key` holds them), or the expression itself. `rx` matches a text exactly when one of
        them does (`search` tries each branch at each position, and nothing follows the
        alternation), and a branch is a much shorter expression to run than the whole; each
        keeps the whole's group numbers. A branch whose needles alone decide (`_literal`) is
        not compiled: None in place of its expression."""
        tree = _tree(self.rx)
        if tree is None or len(tree.data) != 1 or tree.data[0][0] is not c.BRANCH:
            return ((self.rx, self.by_key),)
        return tuple(
            (
                None
                if _literal(branch.data, self.ignore)
                else _compiler.compile(branch, self.rx.flags),
                _by_key(_kept(branch.data, self.ignore), same),
            )
            for branch in tree.data[0][1][1]
        )


def _by_key(found: Strings | None, same: dict[Any, Any] | None = None) -> _ByKey | None:
    """Needles indexed by their keys (`_key`), in order; each needle, key and tuple of needles
    taken from `same` when it holds an equal one, to share one among the expressions."""
    if found is None:
        return None
    one = {} if same is None else same
    by_key: dict[str, list[str]] = {}
    for n in sorted(found):
        n = one.setdefault(n, n)
        key = _key(n)
        by_key.setdefault(one.setdefault(key, key), []).append(n)
    index = {k: tuple(v) for k, v in by_key.items()}
    return {k: one.setdefault(v, v) for k, v in index.items()}


class _Index:
    """Which of several needle sets a hay holds a needle of: `candidates(hay)` are the positions
    of those, in order (all those without needles among them), found from the hay's characters
    and runs of two and three in one pass instead of one intersection per set."""

    __slots__ = ("_always", "_by_key")

    def __init__(self, entries: Iterable[tuple[bool, _ByKey | None]]) -> None:
        always = []
        # Per key, the sets with needles under it, and those needles; None when one needle is
        # the key itself, which the hay's keys already hold.
        index: dict[bool, dict[str, list[tuple[int, tuple[str, ...] | None]]]]
        index = {False: {}, True: {}}
        for n, (ignore, by_key) in enumerate(entries):
            if by_key is None:
                always.append(n)
            for key, found in (by_key or {}).items():
                index[ignore].setdefault(key, []).append((n, None if key in found else found))
        self._always = frozenset(always)
        # Tuples, not lists: they are read only, and hold no spare room.
        self._by_key = {
            ignore: {key: tuple(v) for key, v in by_key.items()}
            for ignore, by_key in index.items()
            if by_key
        }

    def candidates(self, hay: Hay) -> list[int]:
        found = set(self._always)
        add = found.add
        for ignore, by_key in self._by_key.items():
            text = hay.folded if ignore else hay.text
            for key in by_key.keys() & hay.keys(ignore):
                for n, strings in by_key[key]:
                    if strings is None:
                        add(n)
                    elif n not in found:
                        # A plain loop: `any()` over a generator costs a frame per expression.
                        for string in strings:
                            if string in text:
                                add(n)
                                break
        return sorted(found)


class Screen:
    """Several prefiltered expressions pre-checked at once: `candidates(hay)` are the positions
    of those whose `may_match(hay)` holds, in their order, found from the hay's characters and
    runs of two and three in one pass instead of one intersection per expression."""

    def __init__(self, items: Sequence[Prefiltered]) -> None:
        self.items = tuple(items)
        self._index = _Index((p.ignore, p.by_key) for p in items)

    def candidates(self, hay: Hay) -> list[int]:
        return self._index.candidates(hay)

    def matching(self, hay: Hay) -> list[int]:
        """The positions of the expressions that match `hay.text`, in their order: searched
        branch by branch (`Prefiltered.branches`), only the branches whose needles occur."""
        index, patterns, owners = self._branches
        found: list[int] = []
        for k in index.candidates(hay):
            n = owners[k]  # owners ascend with k: a found expression's other branches are skipped
            rx = patterns[k]  # None: the branch's needles alone decide (`_literal`)
            if (not found or found[-1] != n) and (rx is None or rx.search(hay.text)):
                found.append(n)
        return found

    @cached_property
    def _branches(self) -> tuple[_Index, tuple[re.Pattern[str] | None, ...], tuple[int, ...]]:
        """Every expression's branches pre-checked at once, the branches, and the expression
        each belongs to. Only what `matching` reads is kept: no `Prefiltered` per branch."""
        # The branches' needles, keys and tuples of needles, as one each with the wholes'.
        same = {x: x for p in self.items for k, v in (p.by_key or {}).items() for x in (k, v, *v)}
        parts = [
            (n, p.ignore, rx, by_key)
            for n, p in enumerate(self.items)
            for rx, by_key in p.branches(same)
        ]
        index = _Index((ignore, by_key) for _, ignore, _, by_key in parts)
        return index, tuple(rx for _, _, rx, _ in parts), tuple(n for n, _, _, _ in parts)

    def sub_each(self, hay: Hay, replacements: Sequence[str]) -> str:
        """The text after each expression in turn replaced its matches (`rx.sub(replacements[n],
        text)` for n = 0, 1, ...): only those the pre-checks let through run, and the rest are
        screened again whenever a replacement changes the text."""
        done = -1
        while True:
            for n in self.candidates(hay):
                if n <= done:
                    continue
                done = n
                cut = self.items[n].rx.sub(replacements[n], hay.text)
                if cut != hay.text:
                    hay = Hay(cut)
                    break
            else:
                return hay.text


# A turn reads a handful of texts (the message, its corrected form, candidates' questions); a
# text asked again is answered by the caches above the hays (`subjects_of`, `facets_of`,
# `Shelf.hits`, by text). 256 hays kept the index's own texts read at start-up (the facet map:
# their characters and runs of two and three, about 10 kB each), 2.5 MiB in every worker that
# no turn read again.
HAYS_KEPT = 32


@lru_cache(maxsize=HAYS_KEPT)
def hay_of(text: str) -> Hay:
    """A text's `Hay`, shared by the pre-checks that read the same text in one turn."""
    return Hay(text)


class Shelf:
    """A module's word classes, asked of one text in turn ("does it name a cost? a date? is it
    the user's own?"): `hits(text)` are the expressions that match `text`, found by one
    `Screen.matching` instead of a search each, and kept for the last texts read, since one
    turn asks them of the same text in several places (reading the facts, choosing a tool).

    The hits depend on the text alone (the expressions are fixed), so they are cached by it."""

    def __init__(self, expressions: Iterable[re.Pattern[str]], size: int = 256) -> None:
        self.expressions = tuple(dict.fromkeys(expressions))  # each once, in order
        self._screen = Screen([Prefiltered.of(rx) for rx in self.expressions])
        self.hits = lru_cache(maxsize=size)(self._hits)

    def _hits(self, text: str) -> frozenset[re.Pattern[str]]:
        return frozenset(self.expressions[n] for n in self._screen.matching(hay_of(text)))
