"""A follow-up typed instead of picking from a suggestion list, as whole conversations.

When every suggested entry is on one subject, the conversation is about that subject: "要提交啥证据"
after "did you mean: non-use cancellation?" asks the evidence for THAT, as it would after an
answer. A list of one reads as a yes/no question, not "which of these".
The runtime and fixtures of tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.conversation import Conversation
from bot.core.messages import Inbound
from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues

rt, chat = dialogues.rt, dialogues.chat

NONUSE_ZH = "三年不用会不会被人撤"
CUSTOMS_EN = "the customs thing for fakes how does that work"


def _after_suggestion(conv: Conversation, first: str, then: str) -> tuple[str, str | None]:
    opening = conv.handle_turn(Inbound(channel="test", user_ref="s", text=first))
    assert opening.intent == "suggest", f"{first!r} was {opening.intent}, not a suggestion"
    follow = conv.handle_turn(Inbound(channel="test", user_ref="s", text=then))
    return follow.intent, follow.faq_id


@pytest.mark.parametrize(
    ("first", "then", "entries"),
    [
        (NONUSE_ZH, "要提交啥证据", {"nonuse-cancellation", "nonuse-defence-evidence"}),
        (NONUSE_ZH, "一般多久出结果", {"nonuse-cancellation"}),
        (NONUSE_ZH, "官费多少", {"nonuse-cancellation"}),
        (CUSTOMS_EN, "how long is it valid", {"customs-recordal"}),
    ],
)
def test_a_facet_after_a_one_subject_suggestion_keeps_the_subject(
    rt: Runtime, first: str, then: str, entries: set[str]
) -> None:
    intent, faq_id = _after_suggestion(rt.conversation, first, then)
    assert intent == "faq" and faq_id in entries, (intent, faq_id)


def test_a_list_of_one_asks_yes_or_no(rt: Runtime) -> None:
    zh = rt.conversation.handle_turn(Inbound(channel="test", user_ref="z", text=NONUSE_ZH))
    assert zh.intent == "suggest" and len(zh.replies[0].choices) == 1
    assert "是想问这个问题吗" in zh.replies[0].text and "哪一个" not in zh.replies[0].text
