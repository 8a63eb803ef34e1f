"""Selling abroad named by a region, not countries ("去东南亚卖货", "expand to europe"), is the
Madrid route (bot/core/understanding.yaml, `madrid.colloquial`): the region names the subject,
retrieval gets Madrid's words, and a facet follow-up is asked of Madrid.
The runtime and fixtures of tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.support.dialog import turn

rt, chat = dialogues.rt, dialogues.chat

ROUTE = {"madrid-route", "cross-border-ecommerce-brand", "madrid-eligibility"}


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("打算去东南亚卖货 商标要咋弄", "大概要多久"),
        ("我们产品要出口欧洲 商标怎么保护", "一般多久能批"),
        ("想把牌子做到海外去 商标怎么办理", "要多长时间"),
        ("公司准备出海 商标那块怎么操作", "多久出结果"),
        (
            "we want to start selling in southeast asia, how do we protect our brand",
            "how long does it take",
        ),
        (
            "planning to expand to europe, how do we get our trademark protected there",
            "how long will that take",
        ),
        ("how do we protect our mark overseas", "and how long does it take?"),
        (
            "we export to the middle east, how do we get our brand registered there",
            "how long roughly",
        ),
    ],
)
def test_a_region_abroad_is_the_madrid_route(rt: Runtime, first: str, then: str) -> None:
    def said(text: str) -> tuple[str, str | None]:
        got = turn(rt.conversation, text, user="ab")
        return got.intent, got.faq_id

    intent, entry = said(first)
    assert intent == "faq" and entry in ROUTE, (intent, entry)
    intent, entry = said(then)
    assert intent == "faq" and (entry or "").startswith("madrid-"), (intent, entry)
