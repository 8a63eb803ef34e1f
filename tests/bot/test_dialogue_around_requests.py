"""What comes around a request (issue 21, round 11): another IP right asked of the station, a
broken device (off-topic), a consultation's price said as 收钱, someone filing the user's name
said with 把, and "one" standing for what was just asked about. None of these sentences is in
the dialogue benchmark. The runtime and fixtures of tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from tests.bot.test_dialogues import Chat, rt  # noqa: F401


@pytest.mark.parametrize(
    "said", ["你们可以帮我们申请外观专利吗", "could you guys file a patent for us"]
)
def test_another_right_asked_of_the_station_is_answered(
    rt: Runtime,  # noqa: F811
    said: str,
) -> None:
    clerk = Chat(rt.conversation, user=said)
    answered = clerk.say(said)
    assert (answered.intent, answered.faq_id) == ("faq", "trademark-vs-patent-copyright")


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("商标能质押贷款吗", "对了 我手机坏了 开不了机怎么办"),
        ("can a trademark be pledged for a loan", "also my printer won't turn on, any idea"),
    ],
)
def test_a_broken_device_after_a_question_is_off_topic(
    rt: Runtime,  # noqa: F811
    first: str,
    then: str,
) -> None:
    clerk = Chat(rt.conversation, user=then)
    assert clerk.say(first).faq_id == "trademark-pledge"
    assert clerk.say(then).intent == "unknown"


def test_a_consultation_paid_for_in_other_words_is_the_station(
    rt: Runtime,  # noqa: F811
) -> None:
    clerk = Chat(rt.conversation, user="pays")
    asked = clerk.say("在你们这问问题要掏钱吗")
    assert asked.faq_id in ("station-what-is", "station-services"), asked.faq_id


def test_a_name_filed_by_someone_else_said_with_ba(rt: Runtime) -> None:  # noqa: F811
    clerk = Chat(rt.conversation, user="ba")
    assert (
        clerk.say("同行把我们的字号抢先注册了 我们开店十几年了").faq_id == "prior-rights-squatting"
    )


def test_one_stands_for_what_was_just_asked(rt: Runtime) -> None:  # noqa: F811
    clerk = Chat(rt.conversation, user="one")
    assert clerk.say("how long is the opposition period").faq_id == "opposition-period"
    assert clerk.say("and how do we lodge one").faq_id == "opposition-how"
