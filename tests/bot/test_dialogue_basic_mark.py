"""A step before, asked after a Madrid answer: the basic mark (facet `prerequisite`).

"要先在国内注册吗" after Madrid eligibility names a national registration, yet asks what must come
before an international one, not the national counterpart of the last question (who may file
nationally). The runtime and fixtures of tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.bot.test_dialogues import Chat
from tests.support.dialog import after

rt, chat = dialogues.rt, dialogues.chat


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("个体户能走马德里吗", "那要先在国内注册吗"),
        ("马德里多少钱", "国内之前没注册过能申请吗"),
        ("马德里怎么申请", "国内的得先拿证吗"),
        ("马德里谁能申请", "国内还没下证可以吗"),
        ("马德里谁能申请", "必须先有国内商标吗"),
        ("who can file under madrid", "must we register in china before"),
        ("madrid fee", "do we need a national registration first"),
        ("马德里谁能申请", "what if we haven't registered in china yet"),
        (
            "who can file under madrid",
            "is a chinese application enough, or must it be registered first",
        ),
    ],
)
def test_a_step_before_madrid_is_the_basic_mark(rt: Runtime, first: str, then: str) -> None:
    got = after(rt.conversation, first, then)
    assert (got.intent, got.faq_id) == ("faq", "madrid-basic-mark")


def test_the_national_counterpart_is_still_asked_without_a_step_before(chat: Chat) -> None:
    assert chat.say("马德里有效期多久").faq_id == "madrid-validity-renewal"
    assert chat.say("那国内的呢").faq_id == "validity-period"
