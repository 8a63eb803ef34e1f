"""Story openings and follow-ups left over by the b14 rounds (issue 21, resid14).

- the procedure asked by its own name ("整个流程是怎样的", "what are the steps") is the process
  overview, though a pendency entry shares more words (`_STEPS` in bot/faq/facets.py);
- whether one must go through an agency or may file oneself (`self_file`) is the rule on agents
  ("myself" beside an agent is no question of being there in person);
- a lost certificate "messing up" the renewal is its effect.
The runtime and fixtures of tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.support.dialog import after, turn

rt, chat = dialogues.rt, dialogues.chat

_OPENINGS = [
    ("我想给奶茶店注册商标 整个流程是怎样的", "registration-process-overview"),
    ("开了个小饭馆 想注册个商标 要走哪些步骤", "registration-process-overview"),
    (
        "we run a small bakery, what are the steps to register a trademark",
        "registration-process-overview",
    ),
    ("注册商标必须找代理吗 我们自己网上弄可以吗", "agent-required-domestic"),
    (
        "do we have to use an agency to register our mark or can we do it ourselves",
        "agent-required-domestic",
    ),
]


@pytest.mark.parametrize(("text", "entry"), _OPENINGS)
def test_the_opening_is_answered_by_its_entry(rt: Runtime, text: str, entry: str) -> None:
    got = turn(rt.conversation, text)
    assert (got.intent, got.faq_id) == ("faq", entry)


_FOLLOWUPS = [
    ("我们的商标注册证找不到了 怎么补办", "这个会耽误明年续展吗", "lost-certificate"),
    (
        "lost our trademark certificate, how to get a replacement",
        "will that cause problems for our renewal next year",
        "lost-certificate",
    ),
]


@pytest.mark.parametrize(("first", "then", "entry"), _FOLLOWUPS)
def test_the_follow_up_takes_its_entry(rt: Runtime, first: str, then: str, entry: str) -> None:
    got = after(rt.conversation, first, then)
    assert (got.intent, got.faq_id) == ("faq", entry)
