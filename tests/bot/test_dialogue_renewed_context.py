"""Renewing what the conversation is about (bot/faq/renewed.py), as whole conversations.

After the customs recordal or an international registration, "can it be renewed" asks about
THAT term, not the national renewal of a mark; naming a mark of its own it is the national one.
The runtime and fixtures of tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.bot.test_dialogues import Chat
from tests.support.dialog import after

rt, chat = dialogues.rt, dialogues.chat

CUSTOMS_ZH, CUSTOMS_EN = "海关备案咋搞", "customs recordal how does it work"
MADRID_ZH, MADRID_EN = "马德里国际注册有效期多久", "what is an international registration's term"


@pytest.mark.parametrize(
    ("first", "then", "entry"),
    [
        (CUSTOMS_ZH, "能续期吗", "customs-recordal"),
        (CUSTOMS_ZH, "到期了还能续不", "customs-recordal"),
        (CUSTOMS_ZH, "到期怎么续", "customs-recordal"),
        (CUSTOMS_EN, "can it be renewed", "customs-recordal"),
        (CUSTOMS_EN, "and renewing it?", "customs-recordal"),
        (CUSTOMS_EN, "when do we renew", "customs-recordal"),
        (MADRID_ZH, "期满了怎么续", "madrid-validity-renewal"),
        (MADRID_EN, "how do we renew it", "madrid-validity-renewal"),
        # A mark of its own: the national renewal, as before.
        (CUSTOMS_ZH, "我们商标到期了能续吗", "renewal-grace-period"),
        # A renewal measure the term's answer does not give: the renewal fee, as before.
        (CUSTOMS_ZH, "续展费多少", "renewal-fee"),
    ],
)
def test_renewing_follows_the_subject_in_context(
    rt: Runtime, first: str, then: str, entry: str
) -> None:
    got = after(rt.conversation, first, then)
    assert (got.intent, got.faq_id) == ("faq", entry)


def test_the_next_facet_stays_on_the_recordal(chat: Chat) -> None:
    assert chat.say("海关备案怎么弄").faq_id == "customs-recordal"
    assert chat.say("到期了还能续不").faq_id == "customs-recordal"
    assert chat.say("要交钱不").faq_id == "customs-recordal"  # not the renewal's late fee
