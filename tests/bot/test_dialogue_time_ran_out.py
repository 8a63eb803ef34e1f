""" "过了怎么办" said of a renewal deadline: the time ran out, so the grace period answers.

Before, the bare "过了" named no facet and the renewal conversation's "怎么办" went to how the
expiry date is computed. "初审过了" (passed the examination) is not a deadline run out. The
runtime and fixtures of tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from bot.core.understand import facets_of
from tests.bot import test_dialogues as dialogues
from tests.support.dialog import after

rt, chat = dialogues.rt, dialogues.chat


@pytest.mark.parametrize(
    "first",
    ["续展期限是多久", "商标什么时候要续展", "我们的商标2016年11月20日注册的，什么时候到期"],
)
@pytest.mark.parametrize("then", ["过了怎么办", "要是过了呢"])
def test_a_renewal_deadline_run_out_is_the_grace_period(rt: Runtime, first: str, then: str) -> None:
    got = after(rt.conversation, first, then)
    assert (got.intent, got.faq_id) == ("faq", "renewal-grace-period")


@pytest.mark.parametrize("text", ["初审过了怎么办", "过了初审怎么办", "审查过了吗"])
def test_passing_a_stage_is_no_deadline_run_out(text: str) -> None:
    assert "expired" not in facets_of(text)
