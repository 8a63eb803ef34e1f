"""Colloquial verbs for having another's registered mark removed (bot/core/understanding.yaml,
subject `invalidation`): "弄掉", "搞掉", "干掉", "搞无效", "get rid of their mark", "get it
struck off" name the invalidation, so a facet follow-up ("有时间限制吗") is asked of it, not of
the registration or squatting the message also mentions. A mark never used stays non-use's.
The runtime and fixtures of tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from bot.core.understand import subjects_of
from tests.bot import test_dialogues as dialogues
from tests.support.dialog import after

rt, chat = dialogues.rt, dialogues.chat


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("别人注册了一个跟我们差不多的商标 有办法把它搞掉吗", "有没有期限"),
        ("那个商标明明是抄我们的 怎么才能干掉它", "多久之内要提"),
        ("竞争对手的商标已经下证了 我们想把它整掉", "有时间限制吗"),
        ("对方抢注的商标核准了 能不能打无效", "最晚什么时候提"),
        ("他们那个注册商标我们想办法弄掉 怎么弄", "有时限吗"),
        (
            "a rival got a mark registered that copies ours, how do we get rid of it",
            "is there a time limit",
        ),
        ("can we have their registration struck off, it copies our logo", "any deadline for that?"),
        (
            "their trademark was approved but it's basically ours, can we get it removed",
            "how long do we have",
        ),
        ("we want to knock out their mark, it was registered in bad faith", "is there a deadline"),
    ],
)
def test_removal_verbs_name_the_invalidation(rt: Runtime, first: str, then: str) -> None:
    got = after(rt.conversation, first, then)
    assert (got.intent, got.faq_id) == ("faq", "invalidation-time-limit")


@pytest.mark.parametrize(
    "text",
    ["有个商标三年没用了 能弄掉吗", "they never used that mark for years, can we get it cancelled"],
)
def test_a_mark_never_used_stays_non_use(text: str) -> None:
    assert subjects_of(text)[0] == "nonuse"
