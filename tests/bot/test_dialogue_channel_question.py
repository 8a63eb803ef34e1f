"""A channel named after a fee (bot/tools/followup.py): the fee again, or a question of how.

After a fee answer or computation, "纸质的呢" / "and on paper?" recompute the fee for that
channel; "网上能办吗" / "can i do it online" ask whether it can be done that way, which the FAQ
answers. The runtime and fixtures of tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.support.dialog import after

rt, chat = dialogues.rt, dialogues.chat


@pytest.mark.parametrize(
    ("first", "then", "entry"),
    [
        ("续展要多少钱", "网上能办吗", "renewal-how-to"),
        ("续展要多少钱", "可以在线办不", "renewal-how-to"),
        ("续展要多少钱", "续展能在网上办吗", "renewal-how-to"),
        ("续展要多少钱", "可以线上交吗", "renewal-how-to"),
        ("续展要多少钱", "can i do it online", "renewal-how-to"),
        ("renewal fee for 2 classes", "can we file it online", "renewal-how-to"),
        ("renewal fee for 2 classes", "can it be done online", "renewal-how-to"),
        ("注册3个类要多少钱", "网上可以申请吗", "online-filing"),
        ("注册3个类要多少钱", "网上能不能申请", "online-filing"),
        ("official fee to file in 4 classes", "can i apply online", "online-filing"),
    ],
)
def test_whether_it_can_be_done_online_is_the_faqs(
    rt: Runtime, first: str, then: str, entry: str
) -> None:
    got = after(rt.conversation, first, then)
    assert (got.intent, got.faq_id) == ("faq", entry)


@pytest.mark.parametrize(
    ("first", "then", "tool"),
    [
        ("续展要多少钱", "纸质的呢", "fee_renewal"),
        ("renewal fee for 2 classes", "and on paper?", "fee_renewal"),
        ("renewal fee for 2 classes", "online?", "fee_renewal"),
        ("注册3个类要多少钱", "网上的呢", "fee_national"),
        ("注册3个类要多少钱", "网上办能便宜多少", "fee_national"),
    ],
)
def test_a_channel_alone_or_its_fee_recomputes(
    rt: Runtime, first: str, then: str, tool: str
) -> None:
    got = after(rt.conversation, first, then)
    assert got.intent == "tool" and (got.result or {}).get("tool") == tool


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("商标注册费用多少", "网上和纸质有什么区别"),
        ("how much is the filing fee", "whats the difference between online and paper"),
    ],
)
def test_the_two_channels_compared_is_the_faqs(rt: Runtime, first: str, then: str) -> None:
    """Before, the comparison recomputed the fee on paper (and in English "paper" read as the
    documents asked for)."""
    got = after(rt.conversation, first, then)
    assert (got.intent, got.faq_id) == ("faq", "online-filing")
