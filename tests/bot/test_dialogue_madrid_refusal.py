"""A refusal asked about during a Madrid filing is a designated country's.

Before, "美国那边会不会驳回" after a Madrid answer was answered with the opposition to a
designation of China, and "要是驳回了怎么办" with CNIPA's 15-day review (a national refusal).
A refusal at home still is the home one: "国内那个申请被驳回了" during Madrid is the
dependency of the international registration on it. The runtime and fixtures of
tests/bot/test_dialogues.py.
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
        ("我们想把商标注册到美国和日本去", "美国那边会不会驳回", "madrid-refusal-period"),
        ("我们想把商标注册到美国和日本去", "要是驳回了怎么办", "madrid-refusal-period"),
        ("走马德里要多少钱", "美国会不会驳回", "madrid-refusal-period"),
        ("how much does a madrid filing cost", "will the US refuse it", "madrid-refusal-period"),
        ("我们想把商标注册到美国和日本去", "国内那个申请被驳回了怎么办", "madrid-dependency"),
    ],
)
def test_a_refusal_during_madrid(rt: Runtime, first: str, then: str, entry: str) -> None:
    got = after(rt.conversation, first, then)
    assert (got.intent, got.faq_id) == ("faq", entry)


def test_a_refusal_out_of_madrid_is_the_review(rt: Runtime) -> None:
    got = after(rt.conversation, "商标注册要多久", "要是驳回了怎么办")
    assert got.faq_id == "rejection-review-deadline"
