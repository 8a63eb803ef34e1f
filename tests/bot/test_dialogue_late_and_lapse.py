"""Paying more for being late, Hong Kong and Macao, and the mark gone for want of renewal.

"得多交多少钱" after the grace period and "if we renew a bit late, is there an additional fee?"
after the Madrid renewal ask the surcharge (bot/core/understanding.yaml `surcharge`): the late
renewal fee, or the Madrid renewal's 50 % (bot/faq/facets.yaml). Naming renewal after the
Madrid renewal answer, which is on both, stays on Madrid (bot/faq/facets.py `choose_subject`)
unless a national mark is set against it. "HK"/"macau" are Hong Kong and Macao (glossary).
"注销以后别人能马上注册吗" names no subject; the conversation's, with retrieval's lead on it,
answers (bot/faq/facets.py `resolve`), and 注销 is a lapse, no filing (bot/faq/guard.py).
The runtime and fixtures of tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.support.dialog import after

_template, rt, chat = dialogues._template, dialogues.rt, dialogues.chat


@pytest.mark.parametrize(
    ("first", "then", "entry"),
    [
        ("宽展期有多长", "那要多交钱吗", "renewal-late-fee"),
        ("过期了还能续展吗", "晚了要加收多少", "renewal-late-fee"),
        ("马德里国际注册怎么续展", "晚了几个月续要加收钱吗", "madrid-validity-renewal"),
        (
            "how do i renew a madrid registration",
            "and if we renew a bit late, is there an additional fee?",
            "madrid-validity-renewal",
        ),
        ("马德里商标怎么续展", "国内商标续展多少钱", "renewal-fee"),
        ("how do i file a madrid application", "does that cover HK as well?", "madrid-hk-macao"),
        ("how long does a madrid registration last", "macau too?", "madrid-hk-macao"),
        ("商标到期没续展会怎样", "注销了别人多久能注册这个名字", "not-renewed"),
    ],
)
def test_late_fees_places_and_lapses(rt: Runtime, first: str, then: str, entry: str) -> None:
    got = after(rt.conversation, first, then)
    assert (got.intent, got.faq_id) == ("faq", entry)
