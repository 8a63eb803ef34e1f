"""Small talk and conversational repair, in Chinese and English (bot/smalltalk/skill.py,
bot/core/repair.py, the station subject and the services and definition facets of
bot/core/understanding.yaml): acknowledgements made of interjections and joiners after an
answer ("哦 那好 谢啦", "ah ok, cheers"), who runs the station and what it can do for one, a
question restated after "that's not what I asked" or "没看懂 我是说", and what a term means.
None of these sentences is in the dialogue benchmark. The runtime and fixtures of
tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from bot.core.understand import facets_of
from tests.bot import test_dialogues as dialogues
from tests.support.dialog import after, turn

rt = dialogues.rt


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("续展要多少钱", "哦 那好 谢啦"),
        ("续展要多少钱", "嗯 那就这样吧"),
        ("续展要多少钱", "emm 好吧"),
        ("商标转让怎么办", "哦哦 那行吧"),
        ("how much is the renewal fee", "hmm ok thanks"),
        ("how much is the renewal fee", "ah ok, cheers"),
        ("how much is the renewal fee", "oh right, makes sense"),
        ("how do i assign a trademark", "alright then, thanks"),
    ],
)
def test_an_acknowledgement_after_an_answer_gets_a_short_reply(
    rt: Runtime, first: str, then: str
) -> None:
    got = after(rt.conversation, first, then)
    assert got.intent == "smalltalk"  # never "I don't have a reliable answer"


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ("你们属于哪个部门", "station-what-is"),
        ("请问你们是政府办的吗", "station-what-is"),
        ("你们具体能帮我们企业做什么", "station-services"),
        ("你们能提供什么服务", "station-services"),
        ("so what exactly can you guys do", "station-services"),
        ("what services do you provide", "station-services"),
    ],
)
def test_who_runs_the_station_and_what_it_does_for_one_are_answered(
    rt: Runtime, text: str, entry: str
) -> None:
    got = turn(rt.conversation, text, user="fresh")
    assert (got.intent, got.faq_id) == ("faq", entry)


def test_a_bare_what_can_you_do_stays_small_talk_about_the_assistant(rt: Runtime) -> None:
    for n, text in enumerate(("what can you do", "你能干嘛")):
        assert turn(rt.conversation, text, user=f"bare{n}").intent == "smalltalk", text


@pytest.mark.parametrize(
    ("first", "then", "entry"),
    [
        # the answer missed: the question said again, the missed entry not given again
        ("商标转让怎么办", "不对 我是问转让要交多少钱", "assignment-fee"),
        (
            "how do i renew a trademark",
            "that's not what i asked. i mean how much is the late fee",
            "renewal-late-fee",
        ),
        # not understood: the question said again is answered as a question
        ("商标注册要多久", "没看懂 我是说审查的法定期限是多久", "examination-time-limit"),
        (
            "how long does registration take",
            "huh? i mean the legal time limit for examination",
            "examination-time-limit",
        ),
    ],
)
def test_a_question_restated_after_a_complaint_is_answered(
    rt: Runtime, first: str, then: str, entry: str
) -> None:
    got = after(rt.conversation, first, then)
    assert (got.intent, got.faq_id) == ("faq", entry)


def test_a_complaint_with_no_question_is_still_small_talk(rt: Runtime) -> None:
    got = after(rt.conversation, "商标转让怎么办", "你这说的不对吧")
    assert got.intent == "smalltalk"


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ("撤三是啥意思", "nonuse-cancellation"),
        ("what does non-use cancellation mean", "nonuse-cancellation"),
        ("what does grace period mean", "renewal-grace-period"),
        ("宽展期指的是什么", "renewal-grace-period"),
    ],
)
def test_what_a_term_means_is_the_entry_that_defines_it(rt: Runtime, text: str, entry: str) -> None:
    got = turn(rt.conversation, text, user="fresh")
    assert (got.intent, got.faq_id) == ("faq", entry)


@pytest.mark.parametrize(
    ("first", "then", "kind"),
    [
        # what the user will do now, announced
        ("续展要多少钱", "好的 我们回去准备一下", "ack"),
        ("how much is the renewal fee", "ok we'll do that then, thanks", "thanks"),
        # an emoticon typed in ASCII is like an emoji
        ("how much is the renewal fee", "thx a lot ^_^", "thanks"),
        ("续展要多少钱", "好的 :)", "ack"),
    ],
)
def test_what_is_said_after_an_answer_gets_its_kind_of_reply(
    rt: Runtime, first: str, then: str, kind: str
) -> None:
    got = after(rt.conversation, first, then)
    assert got.intent == "smalltalk" and got.result == {"smalltalk": kind}


def test_presence_and_a_greeting_with_an_emoticon(rt: Runtime) -> None:
    assert turn(rt.conversation, "在伐", user="p1").result == {"smalltalk": "presence"}
    assert turn(rt.conversation, "morning :-)", user="p2").result == {"smalltalk": "greeting"}


def test_the_station_named_as_this_station_is_the_station(rt: Runtime) -> None:
    got = turn(rt.conversation, "is this station run by the government or is it an agency")
    assert (got.intent, got.faq_id) == ("faq", "station-what-is")


@pytest.mark.parametrize(
    ("first", "then", "entry"),
    [
        # whether a new name is taken, in lay words, and what a search finding nothing means
        ("你好", "起了个新店名 想确认下有没有被人注册过 在哪能查", "trademark-search"),
        ("你好", "没查到一样的是不是就说明能放心注册了", "trademark-search"),
    ],
)
def test_a_name_search_asked_in_lay_words_is_answered(
    rt: Runtime, first: str, then: str, entry: str
) -> None:
    turn(rt.conversation, first, user="lay")
    got = turn(rt.conversation, then, user="lay")
    assert (got.intent, got.faq_id) == ("faq", entry)


def test_an_acknowledgement_opening_a_question_is_not_read_as_its_subject(rt: Runtime) -> None:
    # "fine." before the question is "ok", not a fine (the penalty facet); a fine asked stays one
    text = "fine. as a foreign brand owner with no office here do we need an agent to file"
    assert "penalty" not in facets_of(text)
    assert "penalty" in facets_of("fines?") and "penalty" in facets_of("is there a fine for that")
    got = turn(rt.conversation, text)
    assert (got.intent, got.faq_id) == ("faq", "agent-required-foreign")
