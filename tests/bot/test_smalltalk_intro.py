"""Who the user is, told before any question: welcomed, not declined.

Before, "hi, we're a german company selling kitchen knives" and "我们是一家小面包店" were
answered "sorry, I cannot answer that". At a booking's company step the same words are the
answer to the step, not small talk. The runtime and fixtures of tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.support.dialog import turn

rt, chat = dialogues.rt, dialogues.chat


@pytest.mark.parametrize(
    "text",
    [
        "hi, we're a german company selling kitchen knives",
        "i'm a small business owner",
        "我们是一家小面包店",
        "你好，我们是做餐饮的",
        "你好，我们是做茶叶的小公司",  # no 一家 before the kind of business
        "我们是个体户",
        "我是公司法务",
    ],
)
def test_an_introduction_is_welcomed(rt: Runtime, text: str) -> None:
    got = turn(rt.conversation, text, user=f"intro-{text}")
    assert (got.intent, (got.result or {}).get("smalltalk")) == ("smalltalk", "greeting")


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ("我们是一家小面包店，想保护我们的品牌", "registration-process-overview"),
        ("we are a foreign company, do we need an agent", "agent-required-foreign"),
    ],
)
def test_an_introduction_with_a_question_is_answered(rt: Runtime, text: str, entry: str) -> None:
    got = turn(rt.conversation, text, user=f"asks-{text}")
    assert (got.intent, got.faq_id) == ("faq", entry)


def test_at_the_company_step_it_is_the_answer(rt: Runtime) -> None:
    conv, user = rt.conversation, "intro-booking"
    for text in ("预约专家", "1", "1", "明天", "1"):
        turn(conv, text, user=user)
    got = turn(conv, "我们是一家小面包店", user=user)
    assert got.intent == "booking"
