"""A similar mark seen in the gazette is an opposition, though the message never says oppose
(bot/core/understanding.yaml, `opposition.colloquial`), and the decision going the other side's
way ("最后还是给他注册了", "if cnipa sides with them") asks the appeal (facet `appeal`).
The runtime and fixtures of tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.support.dialog import turn

rt, chat = dialogues.rt, dialogues.chat

OPPOSITION = {"opposition-how", "opposition-period", "opposition-period-2027"}


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("初审公告上有个商标跟我们的几乎一样 我们能做点啥", "要是最后还是给他们注册了呢"),
        ("公告里看到一个和我们牌子很相似的商标 怎么拦", "结果还是核准了 还能咋办"),
        ("有家公司的商标跟我们雷同 现在在初审公告期", "万一最终还是批下来了 还有啥办法"),
        ("刚看到初审公告 有个商标跟我们差不多 咋处理", "如果还是给他注册了呢"),
        (
            "a mark nearly identical to ours was just published in the gazette, what can we do",
            "and if they win?",
        ),
        (
            "there's a trademark in the gazette that copies ours, how do we stop it",
            "what if cnipa sides with them",
        ),
        (
            "we saw a similar mark to ours published for opposition, what now",
            "and if it gets registered anyway?",
        ),
        (
            "someone's mark in the latest gazette is very close to our brand, can we act",
            "what if the decision goes their way",
        ),
    ],
)
def test_gazette_similarity_then_the_other_side_wins(rt: Runtime, first: str, then: str) -> None:
    def said(text: str) -> tuple[str, str | None]:
        got = turn(rt.conversation, text, user="gz")
        return got.intent, got.faq_id

    intent, entry = said(first)
    assert entry in OPPOSITION or intent == "suggest", (intent, entry)
    assert said(then) == ("faq", "opposition-outcome-appeal")
