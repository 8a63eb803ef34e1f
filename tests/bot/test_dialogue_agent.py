"""Filing through an agency or doing it yourself is a subject of its own (bot/core/
understanding.yaml, `agent`): "找代理机构一般收多少" after a licence answer asks what an agency
costs, not the licence's fee; "自己在网上弄还是找代理好" is not the online renewal.
The runtime and fixtures of tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.support.dialog import turn

rt, chat = dialogues.rt, dialogues.chat

COST = "self-filing-vs-agent-cost"
NEED = "agent-required-domestic"


@pytest.mark.parametrize(
    ("first", "then", "entries"),
    [
        ("商标许可要备案吗", "找代理机构一般收多少", {COST}),
        ("公司改名了商标要变更吗", "请代理公司办大概要花多少钱", {COST}),
        ("注册商标要多久", "找代理和自己申请哪个划算", {COST, NEED}),
        ("续展怎么办", "我们能自己申请吗 还是必须找中介", {NEED, COST}),
        (
            "how long does registration take",
            "do we have to use an agency or can we file it ourselves",
            {NEED, COST},
        ),
        ("what is the filing fee per class", "and what do agencies usually charge on top", {COST}),
        (
            "can i license my mark to a distributor",
            "how much would a trademark agent charge",
            {COST},
        ),
        (
            "how do i renew my mark",
            "is it cheaper to do it ourselves than through an agent",
            {COST},
        ),
    ],
)
def test_the_agency_is_its_own_subject(
    rt: Runtime, first: str, then: str, entries: set[str]
) -> None:
    for text in (first, then):
        got = turn(rt.conversation, text, user="ag")
    assert (got.intent, got.faq_id in entries) == ("faq", True), (got.intent, got.faq_id)
