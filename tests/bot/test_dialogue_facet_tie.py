"""A facet follow-up on which retrieval ties two entries of the subject (bot/faq/skill.py).

"how much per class" after the renewal window matches the renewal fee and the late fee equally
("per class" is in both): retrieval is no more specific than the facet map, whose entry for the
conversation (the fee, linked from the window; the late fee after the grace period) answers.
The runtime and fixtures of tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.support.dialog import after

rt, chat = dialogues.rt, dialogues.chat


@pytest.mark.parametrize(
    ("first", "then", "entry"),
    [
        ("when can i renew my mark", "how much per class", "renewal-fee"),
        ("when can i renew my mark", "what's the fee per class", "renewal-fee"),
        ("when can i renew my mark", "and the cost for each class", "renewal-fee"),
        ("什么时候可以续展", "一个类收多少", "renewal-fee"),
        ("什么时候可以续展", "按类收费吗 多少", "renewal-fee"),
        ("续展要准备啥材料", "how much per class", "renewal-fee"),
        ("how do i renew online", "price per class?", "renewal-fee"),
        # After the grace period the fee meant is the late one.
        ("宽展期是多久", "要多交多少", "renewal-late-fee"),
        ("grace period how long", "how much extra per class", "renewal-late-fee"),
    ],
)
def test_the_fee_follows_the_conversation(rt: Runtime, first: str, then: str, entry: str) -> None:
    got = after(rt.conversation, first, then)
    assert (got.intent, got.faq_id) == ("faq", entry)
