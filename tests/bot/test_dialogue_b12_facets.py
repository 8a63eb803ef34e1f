"""FAQ follow-ups by class of phrasing (issue 21, blind batches b12a/b12b).

Each case is (first message, follow-up, the entry that must answer the follow-up), or one
message and its entry:
- a bare registration verb in a follow-up that points back ("他那个是2022年注册下来的 现在提还来
  得及不", "and the official fee for filing one?") is the conversation's subject, unless
  registering is the state asked about (bot/core/understand.py `points_back`, `_NOT_YET`);
- Hong Kong or Macao asked within a Madrid conversation is that entry (bot/faq/facets.py
  `NARROWER`);
- which comes first, a change or a renewal, is the renewal documents (facet `order`, a facet only
  one subject named answers: `choose_subject`);
- what counts as use, a quicker way than a replacement certificate, goods beyond the ten a class
  covers, years of non-use (facets `use`, `faster`, `items`; bot/faq/facets.yaml);
- lay words for a lost certificate, an owner who does not use a mark, hoarding marks, a place's
  name for its produce, a business licence (no trademark licence), a company that changed its
  name, a squatter's mark already registered (bot/core/understanding.yaml);
- Chinese pinyin typos of corpus words ("流成", "质压", "异意": `zh_typos`).
The runtime and fixtures of tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.support.dialog import after, turn

rt, chat = dialogues.rt, dialogues.chat

_POINTS_BACK = [
    (
        "我们用了好几年的牌子被一家公司抢注了 而且人家已经拿到注册证了 这种还有办法搞掉吗",
        "对方那个商标是前年注册下来的 现在提还来得及吗",
        "invalidation-time-limit",
    ),
    (
        "an old registration is blocking our new filing, the owner doesnt seem to use it at all. "
        "any way to get it cancelled",
        "and once we file it, how long does the owner have to respond",
        "nonuse-cancellation",
    ),
    (
        "how do we register a collective mark",
        "and what does it cost to file one?",
        "collective-certification-marks",
    ),
    (
        "how do i record a trademark licence",
        "and what's the fee for filing it?",
        "licence-recordal",
    ),
    ("集体商标怎么申请", "那申请这个要交多少钱", "collective-certification-marks"),
    (
        "whats the diff between tm and r",
        "what if we put the r on before it's registered",
        "false-r-penalty",
    ),
]
_HONG_KONG = [
    (
        "how does a madrid application work",
        "and hong kong, can we include it in the IR",
        "madrid-hk-macao",
    ),
    ("马德里国际注册怎么申请", "那香港能不能也指定上", "madrid-hk-macao"),
    ("what is the madrid fee", "what about macau, can it be designated too", "madrid-hk-macao"),
    ("马德里要先有国内商标吗", "那澳门呢 能一起报吗", "madrid-hk-macao"),
]
_ORDER = [
    (
        "公司名字上个月改了 商标上的名字是不是也得跟着改",
        "我们还有两个商标明年要续展 先变更还是先续展啊",
        "renewal-documents",
    ),
    (
        "公司地址变了 商标要办变更吗",
        "有两个商标今年要续展 能不能先用老地址续展 以后再改",
        "renewal-documents",
    ),
    (
        "company renamed, do we update our trademark",
        "can we renew under the old name and fix the name later",
        "renewal-documents",
    ),
    (
        "our company changed its name in october, new business licence and all. do we need to "
        "update our trademark registrations too",
        "one of the marks is also due for renewal next spring, can we just renew it under the "
        "old name and sort the name later",
        "renewal-documents",
    ),
]
_INFRINGES_AND_TOGETHER = [
    ("别人仿冒我们的商标 怎么维权", "他们只改了一个字 这样还算侵权吗", "infringement-acts"),
    (
        "what can we do about counterfeits of our brand",
        "they changed one letter of the logo, is that still infringement",
        "infringement-acts",
    ),
    ("商标侵权能赔多少", "用近似的logo算不算侵权", "infringement-acts"),
    ("商标怎么转让", "他们还有个近似的商标 能只转我们要的那一个吗", "assignment-procedure"),
    (
        "how do i transfer a trademark",
        "they also own a similar logo in the same class, can we just take the one we want and leave the other",
        "assignment-procedure",
    ),
    ("转让商标官费多少", "近似商标可以分开单独转吗", "assignment-procedure"),
]
_NEW_FACETS = [
    ("别人的商标三年没用 能撤吗", "那对方在网上挂几张图算不算使用", "use-definition"),
    (
        "can i cancel a mark not used for 3 years",
        "does selling a few items online count as use",
        "use-definition",
    ),
    ("撤三怎么申请", "只在展会上放过样品 这算真正使用了吗", "use-definition"),
    ("how do i cancel a dormant trademark", "what counts as genuine use then", "use-definition"),
    ("商标注册证丢了怎么办", "下个月投标要用 补证来不及 有没有更快的办法", "lost-certificate"),
    (
        "i lost my trademark registration certificate",
        "we need it for a tender next week, is there a quicker way",
        "lost-certificate",
    ),
    ("注册证坏了能补吗", "有没有快一点的方式证明我们有这个商标", "lost-certificate"),
    ("商标注册一个类多少钱", "一个类超过10个商品怎么算钱", "extra-item-fee"),
    (
        "how much is the filing fee per class",
        "what if we list more than 10 items in a class",
        "extra-item-fee",
    ),
    ("商标注册流程是什么", "超项怎么收费", "extra-item-fee"),
    ("what's the official fee to file a mark", "and for extra items beyond ten?", "extra-item-fee"),
    ("撤三怎么申请", "要多少年没用才行", "nonuse-cancellation"),
    (
        "how do we cancel an unused mark",
        "how many yrs of non use are needed",
        "nonuse-cancellation",
    ),
    ("马德里国际注册怎么申请", "我们的子公司可以作为申请人吗", "madrid-eligibility"),
]


@pytest.mark.parametrize(
    ("first", "then", "entry"),
    _POINTS_BACK + _HONG_KONG + _ORDER + _NEW_FACETS + _INFRINGES_AND_TOGETHER,
)
def test_the_follow_up_takes_the_entry_of_its_class(
    rt: Runtime, first: str, then: str, entry: str
) -> None:
    got = after(rt.conversation, first, then)
    assert (got.intent, got.faq_id) == ("faq", entry)


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ("商标注册证找不着了 怎么办", "lost-certificate"),
        ("上个月搬办公室 商标注册证不知道塞哪去了 找了两天没找到 这个咋补啊", "lost-certificate"),
        ("we can't find our trademark certificate anywhere, what now", "lost-certificate"),
        ("the registration certificate is missing, can we get a new one", "lost-certificate"),
        ("the owner of that mark doesn't use it, can we get it cancelled", "nonuse-cancellation"),
        ("they're not using the mark at all, how can we have it removed", "nonuse-cancellation"),
        ("同事说多注册一些商标放着 以后能卖 有风险吗", "bad-faith-filing"),
        ("老板想多注册点商标囤起来以后卖 可以吗", "bad-faith-filing"),
        ("is registering loads of trademarks to sell later risky", "bad-faith-filing"),
        ("we want to protect our town's name for the tea we grow there", "geographical-indication"),
        (
            "hi, we're a cooperative of rice farmers and want to protect our county's name for the "
            "rice we grow there. is that even a trademark thing",
            "geographical-indication",
        ),
        ("we changed our company name, does the trademark need updating", "change-name-address"),
        (
            "our business changed its name, what do we do about our trademarks",
            "change-name-address",
        ),
        (
            "our former distributor registered our brand in their own name, it's already "
            "registered, what now",
            "prior-rights-squatting",
        ),
        (
            "can our shanghai subsidiary file a madrid application thru cnipa? parent co is german",
            "madrid-eligibility",
        ),
        (
            "found a tmall shop selling knockoffs with our logo, they changed one letter. does "
            "that still count as infringement",
            "infringement-acts",
        ),
        (
            "a shop sells bags with a logo like ours, does that count as infringement",
            "infringement-acts",
        ),
        (
            "are you a govt office or an agency? what does this station actually do",
            "station-what-is",
        ),
        ("what does your station do exactly", "station-what-is"),
        ("我们想了个新牌子名 想先看看有没有被别人注册过 去哪能查", "trademark-search"),
        ("起了个店名 在哪里能查有没有人注册", "trademark-search"),
        ("第一次帮公司申请商标 完全不懂 从头到尾是个什么流成", "registration-process-overview"),
        ("商标注册的流成是什么", "registration-process-overview"),
        ("商标能拿去质压吗", "trademark-pledge"),
        ("商标异意怎么提", "opposition-how"),
        ("被驳会了怎么复审", "rejection-review-deadline"),
    ],
)
def test_a_question_in_lay_words_or_typos_is_answered(rt: Runtime, text: str, entry: str) -> None:
    got = turn(rt.conversation, text, user="b12")
    assert (got.intent, got.faq_id) == ("faq", entry)


def test_a_business_licence_is_no_trademark_licence(rt: Runtime) -> None:
    got = turn(
        rt.conversation,
        "our company changed its name in october, new business licence and all. do we need to "
        "update our trademark registrations too",
        user="b12-licence",
    )
    assert (got.intent, got.faq_id) == ("faq", "change-name-address")
