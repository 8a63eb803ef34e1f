"""A deadline said missed, right after the answer that gives it: what is left to do.

Before, "过了怎么办" after the opposition period got the appeal against an opposition decision,
and "what if we missed it" how to file an opposition: the period is over, so the remedy left is
an invalidation request once the mark is registered. After the renewal window the same words are
the grace period. The runtime and fixtures of tests/bot/test_dialogues.py.
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
        ("异议期多长", "过了怎么办", "invalidation-time-limit"),
        ("how long is the opposition period", "what if we missed it", "invalidation-time-limit"),
        ("续展期限是多久", "期限过了怎么办", "renewal-grace-period"),
        ("when can i renew", "what if we missed it", "renewal-grace-period"),
        # Late, not never: the grace period, not the cancellation of a mark never renewed.
        ("when can i renew", "what if i'm late", "renewal-grace-period"),
        ("续展期限是多久", "要是晚了呢", "renewal-grace-period"),
    ],
)
def test_a_missed_deadline_gets_what_is_left(
    rt: Runtime, first: str, then: str, entry: str
) -> None:
    got = after(rt.conversation, first, then, user=f"missed-{first}-{then}")
    assert (got.intent, got.faq_id) == ("faq", entry)


@pytest.mark.parametrize(
    ("first", "then", "entry"),
    [
        ("我们是小超市 进的货被说是假冒的 要赔钱吗", "要提供啥证明", "innocent-seller"),
        ("驰名商标怎么认定", "写了会罚多少", "well-known-mark"),
        ("国际注册下来以后 还能再加国家不", "那费用咋算", "madrid-subsequent-designation"),
    ],
)
def test_a_measure_the_answer_states_is_that_answer(
    rt: Runtime, first: str, then: str, entry: str
) -> None:
    # facets.yaml: the proof of a lawful source, the fine for advertising "驰名商标", the
    # subsequent designation's own fees.
    got = after(rt.conversation, first, then, user=f"states-{first}-{then}")
    assert (got.intent, got.faq_id) == ("faq", entry)
