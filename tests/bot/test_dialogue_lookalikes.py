"""Requests and their look-alikes (bot/core/understand.py, knowledge/scope.py): "is there anyone
I can actually speak to" asks for a person; "visit" is a booking only when it is a visit to the
station ("a business visa to visit china for a trade fair" is not); a bank loan as such is not
the station's business, a loan on a mark (the pledge) is.
The runtime and fixtures of tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.support.dialog import turn

rt = dialogues.rt


@pytest.mark.parametrize(
    "text",
    [
        "is there anyone I can actually speak to?",
        "is there anyone we could talk to about this",
        "anybody I can speak with about a refusal?",
        "ok this is confusing. anyone i could chat to?",
        "is there anybody we might talk to at the station",
    ],
)
def test_anyone_to_speak_to_is_a_person_asked_for(rt: Runtime, text: str) -> None:
    assert turn(rt.conversation, "how much to register a mark online", user="any").intent == "faq"
    assert turn(rt.conversation, text, user="any").intent == "handoff"


@pytest.mark.parametrize(
    "text",
    [
        "can anyone register a trademark in china",  # who may apply
        "can anyone use a registered mark if it is not renewed",
        "anyone there?",  # small talk, not a ticket
    ],
)
def test_anyone_without_a_talk_is_no_request(rt: Runtime, text: str) -> None:
    assert turn(rt.conversation, text, user="none").intent != "handoff"


@pytest.mark.parametrize(
    ("text", "booking"),
    [
        ("can we visit your station to discuss our case", True),
        ("could we visit you next week about our madrid filing", True),
        ("could we visit?", True),
        ("also how do I get a business visa to visit china for a trade fair", False),
        ("our buyers visit the fair every year, can they register our brand", False),
        ("customers who visit our shop see the logo, is that use of the mark", False),
    ],
)
def test_a_visit_is_a_booking_only_to_the_station(rt: Runtime, text: str, booking: bool) -> None:
    assert (turn(rt.conversation, text, user="visit").intent == "booking") is booking


@pytest.mark.parametrize(
    "text",
    [
        "can you recommend a bank that gives the lowest interest business loan",
        "哪家银行贷款利息低",
        "我们想申请个创业贷款 怎么办理",
        "what interest rate do banks charge small firms",
    ],
)
def test_a_bank_loan_as_such_is_not_the_stations(rt: Runtime, text: str) -> None:
    got = turn(rt.conversation, text, user="loan")
    assert (got.intent, got.faq_id) == ("unknown", None), (got.intent, got.faq_id)


@pytest.mark.parametrize(
    "text",
    ["商标能质押贷款吗", "can we get a bank loan with our trademark", "用商标做质押能贷款吗"],
)
def test_a_loan_on_a_mark_is_the_pledge(rt: Runtime, text: str) -> None:
    got = turn(rt.conversation, text, user="pledge")
    assert (got.intent, got.faq_id) == ("faq", "trademark-pledge"), (got.intent, got.faq_id)
