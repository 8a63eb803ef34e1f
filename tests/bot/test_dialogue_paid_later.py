"""Requests and tool follow-ups of the b13 batches (issue 21, round 13), by class: an expert
"who really knows" a subject is a booking; a person of the station asked to look at the case
with the user is a handoff; a renewal paid at a time the user names ("拖到明年一月份才交") is
charged as of that time; kitchenware is class 21; "filing online" names the channel of the
review just computed, not a new application. None of these sentences is in the dialogue
benchmark.

Whole conversations through the real core, on the bundled corpus and the demo experts
(fixtures of tests/bot/test_dialogues.py), the clock at Monday 2026-12-07 10:00 in Shanghai.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from tests.bot.test_dialogues import Chat, _text, rt  # noqa: F401


@pytest.mark.parametrize(
    "said",
    [
        "we need a plan for asia, could we do a video chat with someone who really knows madrid",
        "id like to talk it through with somebody with madrid experience",
        "is there anyone who actually handles madrid filings we could talk to",
    ],
)
def test_someone_who_really_knows_a_subject_is_an_expert_booking(
    rt: Runtime,  # noqa: F811
    said: str,
) -> None:
    booked = Chat(rt.conversation, user=said).say(said)
    assert booked.intent == "booking", (said, booked.intent)
    assert "Chen Xiao" in _text(booked), _text(booked)


@pytest.mark.parametrize(
    "said",
    [
        "our case is a mess, can a person at the station look at it with us?",
        "could somebody go over our papers with me",
        "can one of your team check this for us",
    ],
)
def test_a_person_asked_to_look_at_the_case_is_a_handoff(
    rt: Runtime,  # noqa: F811
    said: str,
) -> None:
    assert Chat(rt.conversation, user=said).say(said).intent == "handoff", said


@pytest.mark.parametrize(
    "said",
    [
        "how can a person check if a trademark is registered",
        "someone registered our brand, can we check who",
    ],
)
def test_how_to_check_or_a_third_party_is_no_request_for_a_person(
    rt: Runtime,  # noqa: F811
    said: str,
) -> None:
    assert Chat(rt.conversation, user=said).say(said).intent != "handoff", said


def test_a_renewal_paid_after_the_window_is_charged_late(rt: Runtime) -> None:  # noqa: F811
    # Registered 2016-12-20: it expires 2026-12-19, the window ends Monday 2026-12-21.
    clerk = Chat(rt.conversation, user="paid-late-zh")
    assert clerk.say("我们的商标是2016年12月20日核准注册的 最晚哪天续").intent == "tool"
    fee = clerk.say("3个类网上续展一共多少钱")
    assert fee.result and fee.result["online_total"] == 1350, fee.result
    later = clerk.say("要是来不及 拖到明年一月份才交的话 3个类要多少")
    assert later.result and later.result["late"] is True, later.result
    assert later.result["online_total"] == 2025, later.result
    # Paid within the window after all: no surcharge.
    sooner = clerk.say("那12月15号交呢")
    assert sooner.result and sooner.result["late"] is False, sooner.result
    assert sooner.result["online_total"] == 1350, sooner.result


def test_a_month_of_paying_named_in_english_after_the_dates(rt: Runtime) -> None:  # noqa: F811
    clerk = Chat(rt.conversation, user="paid-late-en")
    assert clerk.say("our mark was registered on 20 december 2016, when is the renewal due").intent
    late = clerk.say("what if we only pay in january")
    assert (late.intent, late.result and late.result.get("tool")) == ("tool", "fee_renewal")
    assert late.result and late.result["late"] is True, late.result
    assert late.result["online_total"] == 675, late.result


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        ("we make bamboo cutting boards and wooden cooking utensils. which classes", "Class 21"),
        ("我们是做竹菜板和厨具的 商标报哪几个类", "第21类"),
    ],
)
def test_kitchenware_is_class_21(rt: Runtime, said: str, shown: str) -> None:  # noqa: F811
    found = Chat(rt.conversation, user=said).say(said)
    assert found.intent == "tool" and shown in _text(found), _text(found)


def test_filing_online_names_the_channel_of_the_review(rt: Runtime) -> None:  # noqa: F811
    clerk = Chat(rt.conversation, user="review-fee")
    deadline = clerk.say(
        "cnipa refused our mark, we got the refusal notice on dec 3. last day to review?"
    )
    assert deadline.intent == "tool", deadline.intent
    fee = clerk.say("official fee for the review? 1 class, filing online")
    assert (fee.intent, fee.faq_id) == ("faq", "rejection-review-deadline"), fee.faq_id
    assert "675" in _text(fee)


def test_classes_just_suggested_plus_a_class_number_and_items_of_one(
    rt: Runtime,  # noqa: F811
) -> None:
    clerk = Chat(rt.conversation, user="candles")
    assert clerk.say("we sell scented candles and soap. which classes do we need").intent == "tool"
    fee = clerk.say("fine, we file both plus 35. how much online")
    assert fee.result and fee.result["classes"] == 3, fee.result
    assert fee.result["total_online"] == 810, fee.result
    items = clerk.say("the candle class will have about 12 items, the rest under 10")
    assert items.result and items.result["total_online"] == 864, items.result


def test_whether_renewing_is_still_in_time_said_with_a_bare_xu(rt: Runtime) -> None:  # noqa: F811
    said = "我们有几个商标这个月底到期 现在赶得上续吗"
    answer = Chat(rt.conversation, user="in-time").say(said)
    assert (answer.intent, answer.faq_id) == ("faq", "renewal-window"), answer.faq_id


def test_a_word_like_mark_names_no_month_of_paying(rt: Runtime) -> None:  # noqa: F811
    # "mark" is no March: paid now, in the window, there is no surcharge.
    clerk = Chat(rt.conversation, user="no-march")
    assert clerk.say("our mark was registered on 20 december 2016, when is the renewal due").intent
    assert clerk.say("3 classes, how much to renew online").intent == "tool"
    fee = clerk.say("and if we only pay for 2 classes of the mark?")
    assert fee.result and fee.result["late"] is False, fee.result
    assert fee.result["online_total"] == 900, fee.result
