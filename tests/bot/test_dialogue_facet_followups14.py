"""Facet follow-ups and story openings of the blind batches b14 (issue 21).

- a lost certificate told with a move or a rename is its replacement, not a change of address;
- where an application stands (`status`: "where can we follow the case", "到哪一步了");
- an IR designating China opposed, in a Madrid conversation (facets.yaml `with`);
- a refusal asked about while registering is its review (`appeal`, NARROWER);
- a question passed on from a boss ("领导让我问下") asks no person;
- a lawyer's letter sent by a law firm ("律所寄来的函") is a claim received.
The runtime and fixtures of tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.support.dialog import after, turn

rt, chat = dialogues.rt, dialogues.chat

_OPENINGS = [
    (
        "we moved offices and the registration certificate has vanished, how do we get a new one",
        "lost-certificate",
    ),
    ("搬家以后商标注册证找不到了 怎么补", "lost-certificate"),
    ("hi, how do we check where our international registration is at", "emadrid-monitor"),
    ("领导让我问下 用商标去银行质押贷款 手续咋办", "trademark-pledge"),
    ("收到一家律师事务所发来的函 说我们侵权 怎么办", "received-infringement-claim"),
]


@pytest.mark.parametrize(("text", "entry"), _OPENINGS)
def test_the_opening_is_answered_by_its_entry(rt: Runtime, text: str, entry: str) -> None:
    got = turn(rt.conversation, text)
    assert (got.intent, got.faq_id) == ("faq", entry)


_FOLLOWUPS = [
    ("国际注册下来以后 还能再加国家不", "要填啥表", "madrid-subsequent-designation"),
    (
        "how long until designated countries can refuse our IR",
        "where can we follow the case online",
        "emadrid-monitor",
    ),
    (
        "马德里大概多少钱",
        "国外有个马德里商标指定了中国 跟我们的很像 怎么提异议",
        "madrid-china-designation-opposition",
    ),
    (
        "how long does it take to register a trademark",
        "and if they reject it?",
        "rejection-review-deadline",
    ),
    ("收到撤三通知了", "要是最后还是被撤了呢", "nonuse-defence-evidence"),
]


@pytest.mark.parametrize(("first", "then", "entry"), _FOLLOWUPS)
def test_the_follow_up_takes_its_entry(rt: Runtime, first: str, then: str, entry: str) -> None:
    got = after(rt.conversation, first, then)
    assert (got.intent, got.faq_id) == ("faq", entry)
