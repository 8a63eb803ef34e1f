"""Suing the infringer, asked after customs or a platform: the damages a court awards.

Before, "ok and if we want to sue them, what damages can we get" after the customs recordal's
fee named no subject of its own and was answered with the customs recordal again. The runtime
and fixtures of tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from bot.core.understand import subjects_of
from tests.bot import test_dialogues as dialogues
from tests.support.dialog import after

rt, chat = dialogues.rt, dialogues.chat


@pytest.mark.parametrize(
    ("first", "then"),
    [
        (
            "how much does customs recordal cost",
            "ok and if we want to sue them, what damages can we get",
        ),
        ("how much does customs recordal cost", "what damages can we get if we sue"),
        ("海关备案要多少钱", "要是起诉对方，能赔多少"),
    ],
)
def test_suing_after_customs_is_the_damages(rt: Runtime, first: str, then: str) -> None:
    got = after(rt.conversation, first, then)
    assert (got.intent, got.faq_id) == ("faq", "statutory-damages")


@pytest.mark.parametrize(
    "text", ["can we sue the seller", "起诉对方需要什么证据", "take them to court"]
)
def test_going_to_court_is_the_infringement(text: str) -> None:
    assert "infringement" in subjects_of(text)
