"""Bookings and handoffs asked for in one's own words (issue 21, round 11): an expert to consult
("someone who knows X", "懂X的老师", a lawyer to talk it through with) is a booking with the
topic carried; staff of the station to contact, call back or take over is a handoff; a
condition or a question said before the request does not hide it; talking it over among
themselves ends a booking. None of these sentences is in the dialogue benchmark.

Whole conversations through the real core, on the bundled corpus and the demo experts
(fixtures of tests/bot/test_dialogues.py).
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from tests.bot.test_dialogues import Chat, _text, rt  # noqa: F401


@pytest.mark.parametrize(
    ("said", "expert"),
    [
        # an expert who knows the subject, to consult: the subject's experts are offered
        ("有没有熟悉撤三的律师 想跟他聊聊我们的情况", "李静"),
        ("能不能找个懂地理标志的老师帮我们看看材料", "赵宏"),
        ("我想请个律师电话里帮我们分析一下这个侵权案子", "李静"),
        ("is there anyone who knows madrid we could talk to next week", "Chen Xiao"),
        ("could you set us up with someone on madrid filings", "Chen Xiao"),
        ("we'd like to go over our renewals with somebody who handles them", "Wang Mingyuan"),
        # papers shown to an expert, a visit with the place between, an expert to walk through
        ("想当面到站里咨询一下异议的事 材料带过去给律师看看", "李静"),
        ("are there any specialists who can walk us through a madrid filing", "Chen Xiao"),
    ],
)
def test_an_expert_to_consult_is_a_booking_with_the_topic(
    rt: Runtime,  # noqa: F811
    said: str,
    expert: str,
) -> None:
    clerk = Chat(rt.conversation, user=said)
    booked = clerk.say(said)
    assert booked.intent == "booking", (said, booked.intent)
    assert expert in _text(booked), _text(booked)


@pytest.mark.parametrize(
    "said",
    [
        # staff of the station, to follow it up, contact or call back: a person, not a slot
        "能不能让你们站上的人跟进一下我们这个事",
        "让你们这边的人直接联系我一下",
        "can a staff member who knows madrid call me back",
        "could someone from the station give us a call about our refusal",
        # whether anyone can help, or walk one through, is asking for a person
        "系统老是报错 有没有人可以帮我们处理一下",
        "the filing website keeps timing out, can someone guide me through it",
    ],
)
def test_staff_to_contact_or_take_over_is_a_handoff(
    rt: Runtime,  # noqa: F811
    said: str,
) -> None:
    clerk = Chat(rt.conversation, user=said)
    assert clerk.say(said).intent == "handoff", said


@pytest.mark.parametrize(
    ("said", "expert"),
    [
        ("要是免费的话 能不能约个懂马德里的专家聊聊", "陈晓"),
        ("续展是不是快到期了？帮我找个懂续展的老师聊聊", "王明远"),
        ("if it's free, could you book me a lawyer for an infringement case", "Li Jing"),
    ],
)
def test_a_condition_or_question_before_the_request_still_books(
    rt: Runtime,  # noqa: F811
    said: str,
    expert: str,
) -> None:
    clerk = Chat(rt.conversation, user=said)
    booked = clerk.say(said)
    assert booked.intent == "booking", (said, booked.intent)
    assert expert in _text(booked), _text(booked)


def test_a_question_about_the_service_alone_is_no_booking(rt: Runtime) -> None:  # noqa: F811
    clerk = Chat(rt.conversation, user="asks")
    for said in ("约专家咨询要收费吗", "do the lawyer sessions cost anything"):
        assert clerk.say(said).intent != "booking", said


@pytest.mark.parametrize(
    "giving_up",
    [
        "算了 我们先内部讨论一下再说",
        "算了算了 这次先不约了",
        "never mind, we'll talk it over in-house first",
        "forget it, we'll sort this out ourselves",
        # no time now, or one's own lawyer asked instead
        "等下 领导说最近都没时间 先不约了",
        "never mind, i'll ask our legal team first",
    ],
)
def test_talking_it_over_among_themselves_ends_the_booking(
    rt: Runtime,  # noqa: F811
    giving_up: str,
) -> None:
    clerk = Chat(rt.conversation, user=giving_up)
    clerk.say("想约个懂马德里的老师视频聊聊")
    left = clerk.say(giving_up)
    assert (left.intent, left.outcome) == ("booking", "cancelled"), (left.intent, left.outcome)


def test_waiting_for_staff_is_small_talk_while_a_person_has_the_conversation(
    rt: Runtime,  # noqa: F811
) -> None:
    clerk = Chat(rt.conversation, user="waits")
    assert clerk.say("让你们工作人员联系我一下").intent == "handoff"
    waits = clerk.say("好的 我等你们电话")
    assert waits.intent == "smalltalk", waits.intent


@pytest.mark.parametrize(
    ("taken_back", "shown"),
    [("12月9日 不对 换成周四", "12月10日"), ("wed.. no wait, make it thursday", "Thu 10 Dec")],
)
def test_an_answer_taken_back_in_the_same_message_is_the_later_one(
    rt: Runtime,  # noqa: F811
    taken_back: str,
    shown: str,
) -> None:
    clerk = Chat(rt.conversation, user=taken_back)
    clerk.say("想约王明远老师聊聊续展")
    moved = clerk.say(taken_back)
    assert shown in _text(moved), _text(moved)


def test_a_question_sent_with_a_number_is_passed_on_and_the_number_asked_about(
    rt: Runtime,  # noqa: F811
) -> None:
    clerk = Chat(rt.conversation, user="number")
    assert clerk.say("can someone from the station ring me back please").intent == "handoff"
    told = _text(clerk.say("our renewal was refused for a missing document, what now? 13912345678"))
    assert "T-2026-" in told and "May we save it" in told, told
    other = Chat(rt.conversation, user="name-number")
    assert other.say("让你们站里的人联系我").intent == "handoff"
    told = _text(other.say("王经理 13912345678"))
    assert "同意" in told and "T-2026-" not in told, told
