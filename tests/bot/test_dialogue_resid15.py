"""Follow-ups left over by the b14 rounds (issue 21, resid15).

- where a filing goes (facet `route`: "不走商标局", "直接交给WIPO", "through cnipa or directly
  with wipo", "bypass"): Madrid's route entry, the IR's renewal when renewal is named, and the
  entry just answered when its answer says where its own form goes (facets.yaml `gives`);
- a fee of the subject named for itself after an estimate ("whats this individual fee thing",
  "补充费是个啥") is that fee's entry, not the fee overview;
- a mark in general asked a measure inside a story ("i run a small dumpling place. does a
  trademark last forever") is a registration's: its THE entry for the measure.
The runtime and fixtures of tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.support.dialog import after, turn

rt, chat = dialogues.rt, dialogues.chat

_ROUTE = [
    ("马德里申请要啥条件", "能不能直接交给WIPO 不走商标局", "madrid-route"),
    (
        "who can apply for a madrid registration",
        "can we skip cnipa and file straight with wipo",
        "madrid-route",
    ),
    ("想办马德里 去东南亚卖货", "是通过商标局报还是直接向国际局报", "madrid-route"),
    ("how do we file a madrid application", "can we bypass the trademark office", "madrid-route"),
    ("国际注册快到期了", "续展是找国知局还是wipo", "madrid-validity-renewal"),
    (
        "how long does an international registration stay valid",
        "do we renew it through cnipa or directly with wipo",
        "madrid-validity-renewal",
    ),
    (
        "马德里注册以后还能再加国家吗",
        "表格是交给商标局还是直接交wipo",
        "madrid-subsequent-designation",
    ),
    (
        "can we add countries to our IR later",
        "does that form go through cnipa or directly to wipo",
        "madrid-subsequent-designation",
    ),
]


@pytest.mark.parametrize(("first", "then", "entry"), _ROUTE)
def test_the_route_asked_is_answered(rt: Runtime, first: str, then: str, entry: str) -> None:
    got = after(rt.conversation, first, then)
    assert (got.intent, got.faq_id) == ("faq", entry)


_ROUTE_ALONE = [
    ("国际注册续展是交给商标局还是直接交WIPO", "madrid-validity-renewal"),
    (
        "do we renew an international registration through cnipa or directly with wipo",
        "madrid-validity-renewal",
    ),
    ("马德里能不能不走商标局 直接交WIPO", "madrid-route"),
]


@pytest.mark.parametrize(("text", "entry"), _ROUTE_ALONE)
def test_the_route_asked_alone_is_answered(rt: Runtime, text: str, entry: str) -> None:
    got = turn(rt.conversation, text)
    assert (got.intent, got.faq_id) == ("faq", entry)


_NAMED_FEE = [
    (
        "madrid estimate pls, EU and Switzerland, 4 classes, our logo is in colour",
        "whats this individual fee thing, why is the EU part so expensive",
        "madrid-individual-fee",
    ),
    (
        "madrid estimate, US and Japan, 2 classes, black and white",
        "whats this supplementary fee thing, why do we pay it",
        "madrid-supplementary-complementary",
    ),
    (
        "马德里指定美国和日本 2个类 黑白 多少钱",
        "补充费是个啥 为啥要交",
        "madrid-supplementary-complementary",
    ),
    ("马德里费用怎么算", "单独规费是啥 为啥美国那么贵", "madrid-individual-fee"),
    ("madrid fee for the US, 3 classes", "and the basic fee, what is that for", "madrid-basic-fee"),
]


@pytest.mark.parametrize(("first", "then", "entry"), _NAMED_FEE)
def test_a_fee_named_for_itself_is_its_entry(
    rt: Runtime, first: str, then: str, entry: str
) -> None:
    got = after(rt.conversation, first, then)
    assert (got.intent, got.faq_id) == ("faq", entry)


_GENERIC_MARK = [
    "i run a small dumpling place. does a trademark last forever once you have it?",
    "开了个小面馆 想问下商标是不是一直有效的",
    "我们是做包子的小店 注册了商标能永久用吗",
    "my uncle has a tea shop, is a trademark permanent",
]


@pytest.mark.parametrize("text", _GENERIC_MARK)
def test_a_mark_in_general_asked_its_term_in_a_story(rt: Runtime, text: str) -> None:
    got = turn(rt.conversation, text)
    assert (got.intent, got.faq_id) == ("faq", "validity-period")
