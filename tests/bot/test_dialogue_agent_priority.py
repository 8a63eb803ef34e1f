"""A foreign applicant's questions: an agent set against filing oneself, and the earlier date.

"must use chinese agent or we can do self" asks whether a trademark agent is needed, not for a
person to talk to (bot/core/understand.py `_TM_AGENT`: a word between the verb and "agent",
"self" alone). "can we keep that date for china" after filing abroad is a priority claim named
in everyday words (the lexicon's `colloquial` for priority).
The runtime and fixtures of tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.support.dialog import after, turn

_template, rt, chat = dialogues._template, dialogues.rt, dialogues.chat


@pytest.mark.parametrize(
    "text",
    [
        "need use foreign agent or we do self",
        "korean company here, need local agent or we do it self",
        "need a local agent or we can do self?",
        "startup from spain, need chinese agent or we handle self",
    ],
)
def test_an_agent_set_against_oneself_is_no_request_for_staff(rt: Runtime, text: str) -> None:
    got = turn(rt.conversation, text, user="agent-q")
    assert got.intent not in ("handoff", "booking")


@pytest.mark.parametrize(
    ("first", "then"),
    [
        (
            "how do foreign companies file a trademark in china",
            "we filed the same mark in japan last month, can we keep that filing date here",
        ),
        ("外国公司怎么在中国申请商标", "我们在韩国先报了 申请日能沿用吗"),
        ("申请商标要什么材料", "上个月在日本报过了 能用那边的申请日吗"),
        (
            "what documents do we need to file a mark",
            "we applied in the US 3 months ago, can china count from that earlier date",
        ),
    ],
)
def test_the_earlier_date_kept_is_priority(rt: Runtime, first: str, then: str) -> None:
    got = after(rt.conversation, first, then)
    assert (got.intent, got.faq_id) == ("faq", "priority-claim")
