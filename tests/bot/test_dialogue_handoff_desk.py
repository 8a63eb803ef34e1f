"""A handoff as a desk handles it (issue 21, round 8): contact details given with the request
or at once (consent asked before saving, landlines too), thanks while staff have the
conversation, the request dropped for a booking or for a question of the user's own, small talk
that says the answer was what was needed, a lawyer asked for after a third party's action.

The same runtime and fixtures as tests/bot/test_dialogues.py: the bundled corpus, the demo
experts, a database of its own per test, the clock at Monday 2026-12-07 10:00 in Shanghai.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from bot.core.runtime import Runtime
from storage.tickets import Ticket
from tests.bot import test_dialogues as dialogues
from tests.bot.test_dialogues import Chat, _text

rt = dialogues.rt


def _ticket(rt: Runtime, user: str) -> Ticket:
    with Session(rt.engine) as s:
        ticket = s.exec(select(Ticket).where(Ticket.user_ref == user)).first()
        assert ticket is not None
        s.expunge(ticket)
        return ticket


@pytest.mark.parametrize(
    ("request_words", "masked", "agree"),
    [
        ("能不能让工作人员给我回个电话 13512345678 刘先生", "135****5678", "同意"),
        ("麻烦请工作人员联系我 邮箱 liu.fang@163.com", "l***@163.com", "同意"),
        (
            "please have someone call me back on +44 7911 123456 about our madrid filing",
            "+447",
            "yes",
        ),
        ("请客服回电 0571-87654321 找陈经理", "0571****4321", "可以"),
    ],
)
def test_a_contact_given_with_the_request_is_asked_about_before_it_is_saved(
    rt: Runtime, request_words: str, masked: str, agree: str
) -> None:
    user = "r-" + request_words[:6]
    c = Chat(rt.conversation, user)
    opened = c.say(request_words)
    text = _text(opened)
    assert opened.outcome == "opened" and masked in text
    assert ("同意" in text) or ("agree" in text)
    ticket = _ticket(rt, user)
    assert ticket.contact is None and masked in ticket.question  # nothing kept unasked
    assert c.say(agree).outcome == "consent"
    assert _ticket(rt, user).contact is not None


@pytest.mark.parametrize(
    ("details", "masked"),
    [
        ("深圳宏达五金 陈经理 0755-26610388", "0755****0388"),
        ("call Mr Lee on 010 6208 3114", "010****3114"),
    ],
)
def test_a_landline_sent_to_staff_is_asked_about_like_a_mobile(
    rt: Runtime, details: str, masked: str
) -> None:
    c = Chat(rt.conversation, "land-" + details[:4])
    c.say("转人工 商标被人抢注了怎么办")
    said = _text(c.say(details))
    assert masked in said and ("同意" in said or "agree" in said), said


@pytest.mark.parametrize(
    ("words", "reply"),
    [
        ("好的 辛苦了", "工作人员会在这里回复您"),
        ("thanks!", "Staff will reply here"),
        ("收到 谢谢", "工作人员会在这里回复您"),
        ("ok great, that helps", "Staff will reply here"),
    ],
)
def test_thanks_while_staff_have_the_conversation_gets_a_word_back(
    rt: Runtime, words: str, reply: str
) -> None:
    c = Chat(rt.conversation, "thx-" + words[:4])
    c.say("转人工 我的商标续展材料怎么准备")
    said = c.say(words)
    assert said.intent == "smalltalk" and reply in _text(said), _text(said)
    assert _ticket(rt, "thx-" + words[:4]).status == "open"  # still waiting for staff


@pytest.mark.parametrize(
    ("words", "shown"),
    [
        ("算了 还是约个专家当面聊吧", "请选择"),
        ("actually, can we book a consultation with an expert instead", "Choose"),
    ],
)
def test_a_booking_asked_for_while_the_request_waits_withdraws_it(
    rt: Runtime, words: str, shown: str
) -> None:
    user = "book-" + words[:4]
    c = Chat(rt.conversation, user)
    c.say("转人工 驳回复审的事想请人看看")
    said = c.say(words)
    assert said.intent == "booking" and shown in _text(said), _text(said)
    assert _ticket(rt, user).status != "open"


def test_never_mind_and_a_question_drops_the_request_and_answers_it(rt: Runtime) -> None:
    for n, (first, second, faq) in enumerate(
        [
            (
                "i'd rather talk to an actual person",
                "never mind, quick one: how long is a registration valid in china?",
                "validity-period",
            ),
            ("找个真人", "算了 问一下 商标续展要多少钱", "renewal-fee"),
        ]
    ):
        c = Chat(rt.conversation, f"nm{n}")
        assert c.say(first).intent == "handoff"
        said = c.say(second)
        assert said.intent == "faq" and said.faq_id == faq, (second, said.faq_id)


def test_the_answer_was_what_was_needed_is_thanks() -> None:
    from bot.smalltalk.skill import smalltalk_kind

    for words in (
        "ok great, that's what I needed",
        "perfect, exactly what i was looking for",
        "好的 这正是我想知道的",
        "太好了 帮大忙了",
    ):
        assert smalltalk_kind(words) == "thanks", words
    assert smalltalk_kind("that is what i needed to know about fees?") is None


def test_a_lawyer_asked_for_after_a_third_partys_action_is_a_booking(rt: Runtime) -> None:
    for n, words in enumerate(
        [
            "Someone filed an opposition against our mark. Is there a lawyer here I could consult?",
            "somebody copied our logo, can we consult one of your lawyers?",
        ]
    ):
        said = Chat(rt.conversation, f"law{n}").say(words)
        assert said.intent == "booking", words
