"""A measure asked of an answer that gives none is not answered with that answer again.

Before, "how much does that cost" and "how long does that take" after the infringement remedies
got the remedies again, word for word (read with the entry's question in front, the follow-up
matched it); in Chinese the same follow-ups were already declined honestly. No entry says what
enforcing costs or how long it takes. The runtime and fixtures of tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.support.dialog import after

rt, chat = dialogues.rt, dialogues.chat


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("someone is copying our brand in china, what can we do", "how much does that cost"),
        ("someone is copying our brand in china, what can we do", "how long does that take"),
        ("被侵权了可以怎么维权", "要花多少钱"),
        ("被侵权了可以怎么维权", "要多久"),
    ],
)
def test_the_remedies_are_not_given_again_for_a_measure(rt: Runtime, first: str, then: str) -> None:
    got = after(rt.conversation, first, then, user=f"measure-{first}-{then}")
    assert (got.intent, got.faq_id) == ("unknown", None)


def test_a_measure_the_subject_gives_is_still_answered(rt: Runtime) -> None:
    got = after(
        rt.conversation, "how do i renew my trademark", "how much does that cost", user="given"
    )
    assert (got.intent, got.faq_id) == ("faq", "renewal-fee")
