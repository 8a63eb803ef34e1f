"""A question about another topic asked at the booking's day step is answered there, and the day
asked again; the same topic named as a correction ("不对 还是地理标志吧") still changes the topic.

The same runtime and fixtures as tests/bot/test_dialogues.py (clock Monday 2026-12-07 10:00).
"""

from __future__ import annotations

import pytest

from bot.core.asking import asks, asks_question, asks_whether
from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.bot.test_dialogues import Chat, _text

rt, chat = dialogues.rt, dialogues.chat

_AT_DAY = {"zh": ("我想约个专家咨询", "马德里", "1"), "en": ("book an expert", "madrid", "1")}


@pytest.mark.parametrize(
    ("lang", "question", "answered"),
    [
        ("zh", "等下先问个 地理标志是协会申请还是企业自己申请", "地理标志"),
        ("zh", "顺便问一下 地理标志是协会申请还是企业申请的", "地理标志"),
        (
            "en",
            "wait, who applies for a geographical indication, an association or a company?",
            "geographical indication",
        ),
    ],
)
def test_another_topics_question_at_the_day_step_is_answered_and_the_day_asked_again(
    rt: Runtime, lang: str, question: str, answered: str
) -> None:
    user = Chat(rt.conversation, f"aside-{lang}-{len(question)}")
    for text in _AT_DAY[lang]:
        user.say(text)
    said = user.say(question)
    assert said.replies[0].intent == "faq", _text(said)
    assert answered in said.replies[0].text.lower()
    assert any(c.payload.startswith("book:day:") for c in said.replies[-1].choices), _text(said)
    assert user.say("1").replies[0].choices[0].payload.startswith("book:slot:")


@pytest.mark.parametrize("words", ["不对 还是地理标志吧", "不对，换成地理标志"])
def test_a_topic_named_as_a_correction_still_changes_the_topic(rt: Runtime, words: str) -> None:
    user = Chat(rt.conversation, f"switch-{len(words)}")
    for text in _AT_DAY["zh"]:
        user.say(text)
    said = user.say(words)
    assert "赵宏" in _text(said)  # the geographical-indication expert is offered now


@pytest.mark.parametrize(
    ("text", "asking"),
    [
        ("地理标志是协会申请还是企业自己申请", True),
        ("先问个事", True),
        ("续展一个类多少钱", True),
        ("能用不", True),
        ("can we register it with customs", True),
        ("还是地理标志吧", False),
        ("我们是2018年注册的", False),
        ("we file online", False),
    ],
)
def test_one_reading_of_question_words(text: str, asking: bool) -> None:
    assert asks(text) is asking


def test_whether_reads_yes_no_questions_only() -> None:
    assert asks_whether("香港能顺便一起报吗") and asks_whether("香港能一起报不")
    assert not asks_whether("香港那边怎么保护")


def test_a_yes_no_particle_at_a_step_is_no_question_of_its_own() -> None:
    assert asks_question("续展费用多少") and asks_question("how much?")
    assert not asks_question("周四可以吗")  # picks Thursday at the day step
