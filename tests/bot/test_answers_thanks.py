"""Yes or no with thanks after it (bot/core/answers.py): the answer is what counts."""

from __future__ import annotations

import pytest

from bot.core.answers import answer_key, is_yes


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("好的谢谢", "好的"),
        ("同意，谢谢您", "同意"),
        ("ok thanks", "ok"),
        ("yes, thank you!", "yes"),
        ("不用了谢谢", "不用了"),
        # thanks alone, and a bare acknowledgement before thanks, stay what they are
        ("谢谢", "谢谢"),
        ("thanks", "thanks"),
        ("嗯 谢谢", "嗯 谢谢"),
        ("嗯嗯，谢谢", "嗯嗯,谢谢"),
    ],
)
def test_thanks_after_an_answer_are_dropped(text: str, key: str) -> None:
    assert answer_key(text) == key


def test_a_yes_with_thanks_is_a_yes_and_an_acknowledgement_is_not() -> None:
    assert is_yes("好的谢谢") and is_yes("ok, thanks")
    assert not is_yes("嗯 谢谢") and not is_yes("谢谢")
