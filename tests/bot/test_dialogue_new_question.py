"""A new question announced as such, and the revised Trademark Law as a subject of its own.

"换个问题 ...", "unrelated but ...", "different question: ..." say the message is no follow-up
of the last answer (bot/core/understand.py `_SWITCH`): with no subject of its own it is read
alone. The revised law ("新商标法", "the trademark law was amended") is a subject of the lexicon
(bot/core/understanding.yaml `law`), so "when does it apply" after another subject is its
date, not that subject's deadline.
The runtime and fixtures of tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.support.dialog import after

_template, rt, chat = dialogues._template, dialogues.rt, dialogues.chat


@pytest.mark.parametrize(
    ("first", "then"),
    [
        (
            "how do i record a licence",
            "different question: when does the revised law come into force?",
        ),
        (
            "how much is the renewal fee",
            "off topic, is it true the trademark law was amended? when does that apply",
        ),
        ("商标转让怎么办理", "另外问下 商标法修订了吗 哪天生效"),
        ("商标续展要多少钱", "换个问题 新法什么时候开始施行"),
        ("what documents do i need for an assignment", "so when does the new law kick in"),
    ],
)
def test_the_revised_law_is_asked_after_any_subject(rt: Runtime, first: str, then: str) -> None:
    got = after(rt.conversation, first, then)
    assert (got.intent, got.faq_id) == ("faq", "law-revision-2027")


@pytest.mark.parametrize(
    ("first", "then", "entry"),
    [
        ("马德里的补充费是多少", "换个问题 一般要多久能下来", "typical-pendency"),
        (
            "how do i renew my mark",
            "unrelated question - how long does it take to get through",
            "typical-pendency",
        ),
        ("商标异议怎么提", "再问个 一般多久能拿到证", "registration-certificate"),
    ],
)
def test_a_new_question_is_read_alone(rt: Runtime, first: str, then: str, entry: str) -> None:
    got = after(rt.conversation, first, then)
    offered = (
        [got.faq_id] if got.intent == "faq" else [s.get("faq_id") for s in got.suggestions or []]
    )
    assert offered[:1] == [entry]
