"""First-time applicants and brand managers of the b15 rounds (issue 21, faq15).

- "给自己小店注册" is for one's own shop, not filing oneself (`self_file`);
- lay words name their subject: whether a name is taken (search), the R and TM together
  (marking), a descriptive name asked whether it "gets through", marks moved between group
  companies (assignment), two owners of one mark (the new `joint` subject);
- facets in lay words: when the assignee owns it (effective, not time), a marking left off (the
  licensee's penalty), what comes next after filing (procedure), whether others may object;
- the registration's certificate named after an opposition deadline is the registration's;
- "R和TM啥区别 还在公告期能打R不" asks the difference, which the ® entry answers with the rest;
- the typo 有效其 is 有效期.
The runtime and fixtures of tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.support.dialog import after, turn

rt, chat = dialogues.rt, dialogues.chat

_OPENINGS = [
    ("想给自己的奶茶店注册个商标 流程是咋样的", "registration-process-overview"),
    ("how can i find out if anyone has already registered our brand name", "trademark-search"),
    ("想起个牌子名 怎么知道有没有人注册过", "trademark-search"),
    ("商标旁边那个R和TM是啥意思", "r-symbol-usage"),
    ("what do the R and TM symbols mean", "r-symbol-usage"),
    ("R标跟TM有什么不一样 商标还在审能用R吗", "r-symbol-usage"),
    ("就叫新鲜果汁 能过吗", "distinctiveness-art11"),
    ("集团要把商标从母公司挪到子公司 怎么办", "assignment-procedure"),
    (
        "we want to move our trademarks over to the new holding company, how does it work",
        ("assignment-procedure"),
    ),
    ("我和合伙人想一起当商标的主人 可以吗", "joint-application"),
    ("my business partner and i want to register the brand together", "joint-application"),
    ("商标有效其多久", "validity-period"),
]


@pytest.mark.parametrize(("text", "entry"), _OPENINGS)
def test_the_opening_is_answered_by_its_entry(rt: Runtime, text: str, entry: str) -> None:
    got = turn(rt.conversation, text)
    assert (got.intent, got.faq_id) == ("faq", entry)


_FOLLOWUPS = [
    (
        "集团要把商标从母公司挪到子公司 怎么办",
        "从什么时候开始算子公司的",
        "assignment-effective-date",
    ),
    (
        "we're transferring two marks to our subsidiary, what's the procedure",
        "from when does the subsidiary legally own them",
        "assignment-effective-date",
    ),
    ("许可给别人用 对方产品上要标注啥", "不印的话有啥后果", "licensee-marking"),
    (
        "we license our mark to a franchisee, what do they have to print on the products",
        "what if they dont put it on",
        "licensee-marking",
    ),
    (
        "how long does trademark registration take",
        "could others object to it?",
        "opposition-period",
    ),
]


@pytest.mark.parametrize(("first", "then", "entry"), _FOLLOWUPS)
def test_the_follow_up_takes_its_entry(rt: Runtime, first: str, then: str, entry: str) -> None:
    got = after(rt.conversation, first, then)
    assert (got.intent, got.faq_id) == ("faq", entry)


@pytest.mark.parametrize("text", ["几个类能一起申请吗", "马德里体系一共有多少成员"])
def test_together_in_other_senses_is_no_joint_ownership(rt: Runtime, text: str) -> None:
    got = turn(rt.conversation, text)
    assert got.faq_id != "joint-application"


def test_the_certificate_after_the_opposition_deadline_is_the_registrations(rt: Runtime) -> None:
    got = after(
        rt.conversation,
        "our mark was published on 14 september, when does the opposition period end",
        "after that when do we get the certificate",
    )
    assert (got.intent, got.faq_id) == ("faq", "registration-certificate")
