"""The common English words the spelling step never corrects, held compactly (bot/core/spelling.py)."""

from __future__ import annotations

import random

from bot.core.spelling import COMMON_WORDS_FILE, WordList, common_words


def _listed() -> list[str]:
    lines = COMMON_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return [w for w in lines if w and not w.startswith("#")]


def test_the_word_list_answers_as_a_set_of_the_file_would() -> None:
    words = common_words()
    listed = _listed()
    as_set = frozenset(listed)
    assert all(w in words for w in listed)
    rng = random.Random(19)
    # Near misses: every listed word cut short, lengthened, and with one letter changed.
    probes = [w[:-1] for w in listed] + [w + "s" for w in listed]
    probes += [w[:2] + rng.choice("abcdefghijklmnopqrstuvwxyz") + w[3:] for w in listed]
    probes += ["", "a", "ab", "abc", "zzzzzzz", "hours\nhouse", "\n"]
    assert [p in words for p in probes] == [p in as_set for p in probes]


def test_the_order_of_the_words_given_does_not_matter() -> None:
    listed = _listed()
    shuffled = listed[:]
    random.Random(7).shuffle(shuffled)
    words = WordList(shuffled)
    assert all(w in words for w in listed)
    assert "hourss" not in words and "tradmark" not in words
    assert 3 not in words  # type: ignore[operator]
