"""Facet follow-ups that turn on whose side the asker is on, or on a facet word class.

Accused of infringing (a lawyer's letter, a suit: bot/core/understanding.yaml `accused`), a
seller who did not know (`innocent`) and damages beyond the loss for infringing on purpose
(`punitive`) are facets of infringement that decide the entry whatever else the message asks
("让我们赔5万 这个咋回" is the defence, not the damages one may claim: bot/faq/facets.py
`FRAMING`). "how long have we got" asks the time left to act; "也能提吗" who may do it; how long
an invalidation takes to decide is in the invalidation entry.
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
        (
            "别人仿冒我们的商标 怎么维权",
            "今天收到一封警告函 说我们侵犯了他们的商标 咋整",
            "received-infringement-claim",
        ),
        (
            "侵权赔偿最多多少",
            "我们被人起诉侵权了 要我们赔10万 怎么应对",
            "received-infringement-claim",
        ),
        (
            "what can we do about counterfeits of our brand",
            "now a company sent us a cease and desist, how do we respond",
            "received-infringement-claim",
        ),
        (
            "what are the statutory damages for infringement",
            "we got a demand letter saying we infringe, they want 50k. what now",
            "received-infringement-claim",
        ),
        ("商标侵权怎么处罚", "我是开小超市的 不知道进的货是假的 也要赔钱吗", "innocent-seller"),
        (
            "what are the remedies for infringement",
            "our shop sold them unknowingly, do we have to pay damages too",
            "innocent-seller",
        ),
        ("侵权能赔多少", "对方是故意仿的 能判得更多吗", "punitive-damages"),
        (
            "how much can a court award for infringement",
            "they copied us deliberately, can we get more than that",
            "punitive-damages",
        ),
    ],
)
def test_the_side_of_the_asker_names_the_entry(
    rt: Runtime, first: str, then: str, entry: str
) -> None:
    got = after(rt.conversation, first, then)
    assert (got.intent, got.faq_id) == ("faq", entry)


@pytest.mark.parametrize(
    ("first", "then", "entry"),
    [
        (
            "someone filed a non-use cancellation against our mark, what do we do",
            "how much time have we got to answer",
            "nonuse-defence-evidence",
        ),
        (
            "customs detained goods with our trademark, what should we do",
            "how long have we got to reply",
            "customs-detention",
        ),
        ("怎么提商标异议", "我们不是在先权利人 也可以提吗", "opposition-period"),
        ("商标异议怎么提交", "跟对方没关系的公司也能提吗", "opposition-period"),
        ("怎么申请宣告商标无效", "大概多久能出结果", "invalidation-time-limit"),
        (
            "how do i request invalidation of a mark",
            "and how long until they decide",
            "invalidation-time-limit",
        ),
    ],
)
def test_facet_word_classes(rt: Runtime, first: str, then: str, entry: str) -> None:
    got = after(rt.conversation, first, then)
    assert (got.intent, got.faq_id) == ("faq", entry)
