"""Whether one must go in person is a question, not a request for a visit; a typed greeting.

Before, "do we have to go to cnipa in person to file" started a booking ("choose an expert":
close enough to "we would like expert advice in person"), "do i need to go to beijing in
person" offered who may apply, and "helo" was not understood. The runtime and fixtures of
tests/bot/test_dialogues.py.
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
        "do we have to go to cnipa in person to file",
        "do i need to go to beijing in person",
        "申请商标要本人去北京现场办吗",
    ],
)
def test_going_in_person_is_the_online_filing(rt: Runtime, text: str) -> None:
    got = turn(rt.conversation, text, user=f"person-{text}")
    assert (got.intent, got.faq_id) == ("faq", "online-filing")


def test_an_expert_met_in_person_is_still_a_booking(rt: Runtime) -> None:
    got = turn(rt.conversation, "we would like expert advice in person", user="person-book")
    assert got.intent == "booking"


@pytest.mark.parametrize("text", ["helo", "hii", "hallo"])
def test_a_greeting_typed_loosely_is_a_greeting(rt: Runtime, text: str) -> None:
    got = turn(rt.conversation, text, user=f"greet-{text}")
    # the greeting, or the welcome a first message gets
    assert got.intent == "smalltalk" and got.replies[0].text.startswith("Hello!")
