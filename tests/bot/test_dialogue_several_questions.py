"""Two questions in one message (issue 21, "plain multi-question sessions").

A clerk types two questions at once ("续展一个类多少钱？要准备哪些材料？"): each is answered with its
entry, in order, the earlier answers as plain replies and the last with the related questions
and buttons; the dialogue context ends on the last (bot/faq/skill.py `_each_asked`, the cut in
bot/faq/several.py). One question naming two facets that one entry answers stays one answer, and
a statement before the question ("我们的商标被人申请撤三了 这可咋整") is no question of its own.
The runtime and fixtures of tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from bot.faq.several import questions_in
from tests.bot import test_dialogues as dialogues
from tests.support.dialog import turn

rt, chat = dialogues.rt, dialogues.chat

_TWO = [
    ("续展一个类多少钱？要准备哪些材料？", ["renewal-fee", "renewal-documents"]),
    ("注册一个商标要多久？另外网上申请一个类官费多少", ["typical-pendency", "filing-fee"]),
    ("转让商标要交多少钱 需要准备什么材料", ["assignment-fee", "assignment-procedure"]),
    ("商标续展最早什么时候能办？网上续展一个类多少钱？", ["renewal-window", "renewal-fee"]),
    # a condition that goes on to ask is a question of its own
    ("异议要多少钱，要是对方不服还能怎么办", ["opposition-how", "opposition-outcome-appeal"]),
    (
        "how long does it take to get a mark registered, and what's the official fee per class?",
        ["typical-pendency", "filing-fee"],
    ),
    (
        "madrid basic fee for colour logo? and how long the designated countries have to refuse",
        ["madrid-basic-fee", "madrid-refusal-period"],
    ),
    (
        "what documents do we need to file a trademark? and how much is the official fee for "
        "one class online?",
        ["required-documents", "filing-fee"],
    ),
    (
        "how early can we renew? also what papers do we need",
        ["renewal-window", "renewal-documents"],
    ),
]


@pytest.mark.parametrize(("text", "entries"), _TWO)
def test_each_question_is_answered_in_order(rt: Runtime, text: str, entries: list[str]) -> None:
    got = turn(rt.conversation, text)
    assert (got.intent, got.faq_id) == ("faq", entries[0])  # the first is the turn's answer
    assert [r.meta.get("faq_id") for r in got.replies] == entries
    # One numbering for the choices: only the last answer lists related questions and buttons.
    assert all(not r.choices for r in got.replies[:-1])
    assert got.replies[-1].choices


def test_the_conversation_goes_on_from_the_last_answer(rt: Runtime) -> None:
    # The fee per class answered second: "four classes online" recomputes it (the fee tool).
    text = "how long does it take to get a mark registered, and what's the official fee per class?"
    first = turn(rt.conversation, text, user="desk")
    assert first.replies[-1].meta.get("faq_id") == "filing-fee"
    then = turn(rt.conversation, "we'd be filing four classes online", user="desk")
    assert then.intent == "tool"
    assert "1080" in "\n".join(r.text for r in then.replies)


_ONE = [
    # one entry answers both facets
    ("how long does the customs registration last and does it cost anything", "customs-recordal"),
    # a situation told, then the question
    ("我们的商标被人申请撤三了 这可咋整", "nonuse-defence-evidence"),
    ("申请商标 1个类 网上办 多少钱", "filing-fee"),
    # a condition is part of the question it conditions
    ("万一他已经拿到证了呢 还来得及吗", None),
]


@pytest.mark.parametrize(("text", "entry"), _ONE)
def test_one_question_stays_one_answer(rt: Runtime, text: str, entry: str | None) -> None:
    got = turn(rt.conversation, text)
    assert len(got.replies) == 1
    if entry is not None:
        assert (got.intent, got.faq_id) == ("faq", entry)


@pytest.mark.parametrize(
    "text",
    [
        "我们的商标被人申请撤三了 这可咋整",
        "申请商标 1个类 网上办 多少钱",
        "要是起诉的话 最多能判赔多少",
        "批下来之前子公司已经在用了 这段时间商标算谁的",
        "how long is a trademark valid and can it be renewed",
    ],
)
def test_statements_and_conditions_are_no_questions_of_their_own(text: str) -> None:
    assert questions_in(text) is None


# One question put to several subjects: those the message names, else those just talked about.
_BOTH = [
    (
        [
            "we might sell our brand to another firm, and until then let our supplier use it. "
            "how does each of those work?",
            "official fees for both if we do it online?",
        ],
        ["assignment-fee", "licence-recordal"],
    ),
    (
        ["商标转让和许可备案分别怎么办理", "两个分别要交多少钱"],
        ["assignment-fee", "licence-recordal"],
    ),
    (["商标转让怎么办理", "许可备案呢", "两个都要多少钱"], ["assignment-fee", "licence-recordal"]),
    (["续展和变更分别要多少钱"], ["renewal-fee", "change-fee"]),
]


@pytest.mark.parametrize(("texts", "entries"), _BOTH)
def test_a_question_put_to_both_subjects_answers_each(
    rt: Runtime, texts: list[str], entries: list[str]
) -> None:
    for text in texts[:-1]:
        assert turn(rt.conversation, text, user="both").intent == "faq"
    got = turn(rt.conversation, texts[-1], user="both")
    assert [r.meta.get("faq_id") for r in got.replies] == entries


def test_after_both_the_conversation_is_on_the_subject_the_message_was_about(rt: Runtime) -> None:
    for text in _BOTH[0][0]:
        turn(rt.conversation, text, user="sale")
    got = turn(
        rt.conversation, "once the sale goes through, from when is it legally theirs", user="sale"
    )
    assert (got.intent, got.faq_id) == ("faq", "assignment-effective-date")


def test_both_needs_two_subjects_just_talked_about(rt: Runtime) -> None:
    turn(rt.conversation, "商标转让怎么办理", user="one")
    got = turn(rt.conversation, "两个都要多少钱", user="one")
    assert len(got.replies) == 1
