"""A registration the user says they hold, asked nothing: what it means for the last answer.

Before, "we do have a registered mark in china" after the infringement answer got the entry on
the ® symbol ("registered mark" was read as the symbol), and "我们的商标已经注册了" the filing
procedure: answers to questions nobody asked. The runtime and fixtures of
tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from bot.smalltalk.holds import holds_registration
from tests.bot import test_dialogues as dialogues
from tests.support.dialog import after, turn

rt, chat = dialogues.rt, dialogues.chat


@pytest.mark.parametrize(
    ("first", "told", "says"),
    [
        (
            "someone is copying our brand in china, what can we do",
            "we do have a registered mark in china",
            "routes above",
        ),
        ("有人仿冒我们牌子怎么维权", "我们的商标已经注册了", "上面说的途径"),
        (
            "how do i file under madrid",
            "we already have a registered trademark in china",
            "basic mark",
        ),
        ("马德里国际注册怎么申请", "我们有注册商标", "基础商标"),
        ("how much is the filing fee", "our trademark is already registered", "already hold"),
    ],
)
def test_holding_a_registration_is_read_against_the_last_answer(
    rt: Runtime, first: str, told: str, says: str
) -> None:
    got = after(rt.conversation, first, told, user=f"holds-{told}")
    assert (got.intent, (got.result or {}).get("smalltalk")) == ("smalltalk", "holds")
    assert says in got.replies[0].text


@pytest.mark.parametrize(
    "text",
    [
        "can we use the registered mark before registration",
        "what does the registered mark symbol mean",
        "we have a registered mark, can we sue them",  # a question: the FAQ's
        "我们有注册商标，能告他们吗",
        "the name is already registered by someone else",
        "我们的商标被别人注册了",
    ],
)
def test_a_question_or_another_s_registration_is_not_told_holding(text: str) -> None:
    assert not holds_registration(text.lower())


def test_the_registered_mark_as_a_symbol_is_still_the_marking_entry(rt: Runtime) -> None:
    got = turn(rt.conversation, "what does the registered mark symbol mean", user="holds-symbol")
    assert (got.intent, got.faq_id) == ("faq", "r-symbol-usage")


def test_the_conversation_keeps_its_subject_after_it(rt: Runtime) -> None:
    user = "holds-then-damages"
    turn(rt.conversation, "someone is copying our brand in china, what can we do", user=user)
    turn(rt.conversation, "we do have a registered mark in china", user=user)
    got = turn(rt.conversation, "how much in damages can we get", user=user)
    assert (got.intent, got.faq_id) == ("faq", "statutory-damages")
