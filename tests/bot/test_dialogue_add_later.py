"""Adding countries to an international registration later, and a name filed the same day.

"现在想再加几个国家" asks the subsequent designation (bot/core/understanding.yaml `add`; its
"几个" is "a few", no question of count), and "有几个成员国"
still asks the count. "同一天报了一样的名字" names the same-day subject and a mark (a name is
one: bot/faq/facets.py `_ANCHOR`), so its one entry answers when retrieval's words are few.
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
        ("马德里国际注册怎么申请", "注册下来以后还能增加指定国吗", "madrid-subsequent-designation"),
        (
            "how much does a madrid filing cost",
            "can we add more countries later on",
            "madrid-subsequent-designation",
        ),
        ("马德里要多久能批", "以后想再加两个国家 怎么弄", "madrid-subsequent-designation"),
        (
            "what is the madrid basic fee",
            "is it possible to add another country after registration",
            "madrid-subsequent-designation",
        ),
        ("马德里补充费多少", "注册好了 想再加几个国家 能办吗", "madrid-subsequent-designation"),
        ("马德里国际注册有效期多久", "马德里有几个成员", "madrid-members-count"),
        ("商标注册要多久", "有人跟我们同一天申请了一样的名字 怎么处理", "same-day-filing"),
        (
            "how do i file a mark",
            "another company filed the same name on the same day as us, what happens",
            "same-day-filing",
        ),
    ],
)
def test_adding_later_and_the_same_day(rt: Runtime, first: str, then: str, entry: str) -> None:
    got = after(rt.conversation, first, then)
    assert (got.intent, got.faq_id) == ("faq", entry)
