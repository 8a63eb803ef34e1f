"""Facet follow-ups that went to a neighbouring entry (issue 21, wrong answers of the tuned set).

Each case is (first message, follow-up, the entry that must answer the follow-up):
- when the assignee owns the mark, asked after the assignment: not the renewal's new term,
  which shares "from which day" but whose subject the message never names;
- the grace period's length (facets.yaml `narrow`): the grace period, not the renewal window;
- the division's time limit after a refusal (`partial`, a qualifier): the division, not the
  review;
- the fine for a licensee not marking the goods (`penalty` subsumes the "what if" of `effect`);
- the language of the filing documents (subject `language`), not the list of documents;
- the number of Nice classes (subject `classes`) after a Madrid answer, not the Madrid members;
- a national renewal said to cover the IR (facet `separate`, facets.yaml `with`): the entry on the
  two renewals together;
- a party added to an existing IR, with its fee: the subsequent designation, not the fee overview
  nor the estimate of a new application (bot/tools/detect.py `_SUBSEQUENT`).
The runtime and fixtures of tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.support.dialog import after, turn

rt, chat = dialogues.rt, dialogues.chat

_FOLLOW_UPS = [
    ("商标转让怎么办理", "过户以后哪天起算是我们的", "assignment-effective-date"),
    (
        "how do we assign a trademark",
        "from which day is it ours after the transfer",
        "assignment-effective-date",
    ),
    ("续展一个类多少钱", "宽限期一共多久", "renewal-grace-period"),
    ("how much is renewal per class", "how long is the grace period again", "renewal-grace-period"),
    ("商标被驳回了怎么办", "拆分出去的话期限多久", "partial-refusal-division"),
    (
        "our application got refused, what now",
        "and if we split off the approved goods, how many days do we have",
        "partial-refusal-division",
    ),
    ("被许可人使用商标有什么要求", "要是没标会被怎么处理", "licensee-marking"),
    (
        "what must a licensee print on the packaging",
        "what if they don't, is there a fine",
        "licensee-marking",
    ),
    ("外国公司申请商标必须找代理吗", "材料必须用中文吗", "filing-language"),
    (
        "do foreign companies need an agent",
        "does everything have to be translated into chinese",
        "filing-language",
    ),
    ("马德里现在有多少个成员", "尼斯分类总共几个类", "nice-classes"),
    (
        "how many members does the madrid system have",
        "how many classes are there in total",
        "nice-classes",
    ),
    ("马德里国际注册怎么续展", "国内续过了 马德里那边也算续了吗", "madrid-renewal-vs-national"),
    ("马德里国际注册怎么续展", "续了国内的商标，国际注册够了吗", "madrid-renewal-vs-national"),
    (
        "how do we renew our international registration",
        "our chinese mark was renewed already, is that not enough?",
        "madrid-renewal-vs-national",
    ),
    (
        "马德里国际注册怎么续展",
        "想在原来的国际注册上再加越南 多少钱",
        "madrid-subsequent-designation",
    ),
    (
        "马德里国际注册怎么续展",
        "现有的马德里注册再指定泰国要交多少钱",
        "madrid-subsequent-designation",
    ),
    (
        "how do we renew our international registration",
        "can we add mexico to our current IR, how much",
        "madrid-subsequent-designation",
    ),
]


@pytest.mark.parametrize(("first", "then", "entry"), _FOLLOW_UPS)
def test_the_follow_up_takes_the_entry_of_its_class(
    rt: Runtime, first: str, then: str, entry: str
) -> None:
    got = after(rt.conversation, first, then)
    assert (got.intent, got.faq_id) == ("faq", entry)


# A window or a deadline asked as a rule, with no date of the user's to compute from (or an
# event only supposed): the FAQ's rule, not a request for a date (bot/tools/detect.py).
_RULES = [
    ("我们商标明年3月到期 续展最早能提前多久办", "renewal-window"),
    ("our mark expires next june, how far in advance can we renew", "renewal-window"),
    (
        "whats the deadline to appeal when cnipa refuses our application",
        "rejection-review-deadline",
    ),
    ("要是被驳回了 复审最晚什么时候交", "rejection-review-deadline"),
    # "too late to invalidate it" asks the time limit ("valid" inside "invalidate" is no term)
    (
        "a rival registered a copy of our logo back in 2020, is it too late to get it invalidated",
        "invalidation-time-limit",
    ),
    ("别人2020年注册了抄我们logo的商标 现在申请无效还来得及吗", "invalidation-time-limit"),
    ("how do i file an invalidation", "invalidation-time-limit"),
]


@pytest.mark.parametrize(("text", "entry"), _RULES)
def test_a_rule_asked_is_the_faq_not_a_date_asked_for(rt: Runtime, text: str, entry: str) -> None:
    got = turn(rt.conversation, text)
    assert (got.intent, got.faq_id) == ("faq", entry)
