"""A renewal reminder asked for without naming it, and declined with a filler in front.

After a renewal answer, "set a reminder for me" / "帮我设个提醒" start the my-marks flow (before,
the English one was declined: it named no deadline). "actually no, not now" then leaves the
flow with nothing saved (before, it was taken for a question about not renewing). Without a
renewal conversation a bare reminder request is not the marks flow: consultations have
reminders of their own. The runtime and fixtures of tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.support.dialog import after, turn

rt, chat = dialogues.rt, dialogues.chat


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("when do i need to renew my trademark", "set a reminder for me"),
        ("when do i need to renew my trademark", "can you remind me"),
        ("商标什么时候要续展", "帮我设个提醒"),
    ],
)
def test_a_bare_reminder_after_renewal_is_the_marks_flow(
    rt: Runtime, first: str, then: str
) -> None:
    got = after(rt.conversation, first, then, user=f"r-{then}")
    assert (got.intent, got.outcome) == ("marks", "started")


def test_a_bare_reminder_out_of_renewal_is_not(rt: Runtime) -> None:
    got = turn(rt.conversation, "set a reminder for me", user="no-context")
    assert got.intent != "marks"


@pytest.mark.parametrize("decline", ["actually no, not now", "no thanks", "嗯 不用了"])
def test_declined_with_a_filler_leaves_the_flow(rt: Runtime, decline: str) -> None:
    conv, user = rt.conversation, f"d-{decline}"
    after(conv, "when do i need to renew my trademark", "set a reminder for me", user=user)
    got = turn(conv, decline, user=user)
    assert (got.intent, got.outcome) == ("marks", "cancelled")
    assert turn(conv, "what documents do we need for renewal", user=user).intent == "faq"
