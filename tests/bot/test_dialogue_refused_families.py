"""Questions once refused though an entry answers them, by family of phrasing (issue 21).

- whether a sign can be a mark: a kind of sign (a tune, a colour), a banned sign (a national
  flag or emblem), a word that only describes the goods, a place's name; each is a subject of
  its own whose phrase joins the query (bot/core/understanding.yaml `joins`), and a part of
  filing (`part_of`: "两个公司能一起申请吗" after it is filing's);
- Madrid: countries added to an existing international registration (facet `add`), whether
  renewing the national mark renews the IR (facet `separate`);
- remedies in plain words: the most a court awards (`damages`), what to collect first
  (`gather`), prior use against a squatter (`prior_use`), a review of a non-use decision, goods
  listed and never made (`unused_goods`), who files a geographical indication, neighbours using
  the county's name (`stop_others`), a similar mark in the gazette to stop, an association's
  mark for its members;
- another IP right named after a subject is read alone; everyday matters stay declined.
The runtime and fixtures of tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.support.dialog import after, turn

rt, chat = dialogues.rt, dialogues.chat

_ALONE = [
    ("想用“有机”两个字当我们蔬菜的品牌 能注册吗", "distinctiveness-art11"),
    ('can we register "fresh squeezed" as the brand for our juice', "distinctiveness-art11"),
    ("我们公司的招牌颜色 那种橙色 能注册成商标吗", "registrable-signs"),
    ("could a short melody we play in our stores be a trademark", "registrable-signs"),
    ("logo上想加个国徽图案行不行", "absolute-grounds-art10"),
    ("can i put the chinese flag in my logo", "absolute-grounds-art10"),
    ("用我们市的名字当品牌能注册吗", "place-name-marks"),
    ("我们县名加个米字能不能注册", "place-name-marks"),
    (
        "我们已经有马德里国际注册了 现在想在原来的基础上加上越南和泰国 可以吗",
        "madrid-subsequent-designation",
    ),
    (
        "we have an international registration for the US and EU, can we extend it to japan later",
        "madrid-subsequent-designation",
    ),
    ("国内商标续展了 国际注册是不是也跟着续上了", "madrid-renewal-vs-national"),
    (
        "if we renew the cn registration does the madrid one get renewed automatically",
        "madrid-renewal-vs-national",
    ),
    ("隔壁县的几个茶厂也在包装上印我们县的名字 能不能管", "geographical-indication"),
    (
        "当初注册的时候报了很多商品 其中一些我们从来没生产过 有风险吗",
        "nonuse-defence-evidence",
    ),
    (
        "some of the goods we registered we never actually sold, is that a problem",
        "nonuse-defence-evidence",
    ),
    ("有家公司申请的商标跟我们的很像 已经初审公告了 怎么拦住它", "opposition-how"),
    (
        "we are a cooperative of rice farmers, want a brand all our members can use",
        "collective-certification-marks",
    ),
    ("我们店用这个名字好多年了 现在被人注册了 我们在先使用有用吗", "prior-rights-squatting"),
    (
        "we used the name first but another company registered it, do we have any rights",
        "prior-rights-squatting",
    ),
]

_FOLLOW_UPS = [
    ("别人卖假货怎么维权", "法院最多能判赔多少钱", "statutory-damages"),
    (
        "someone is copying our brand",
        "what's the maximum compensation we could get",
        "statutory-damages",
    ),
    (
        "someone is copying our brand",
        "what evidence should we gather first",
        "infringement-remedies",
    ),
    ("有人抢注了我们用了好多年的牌子", "我们先用的 要准备什么证据证明", "prior-rights-squatting"),
    ("别人的商标三年没用 能撤销吗", "要是局里不给撤 还能复审吗", "nonuse-cancellation"),
    (
        "我们县的茶叶想申请地理标志 怎么弄",
        "是以协会的名义还是合作社名义报",
        "geographical-indication",
    ),
    ("声音能注册商标吗", "两个公司能一起申请一个商标吗", "joint-application"),
    (
        "can a jingle be registered",
        "and for the packaging look, trademark or design patent? can u help with patents too",
        "trademark-vs-patent-copyright",
    ),
]

_DECLINED = ["帮我查下明天天气", "how do i register a company in shanghai", "个人所得税怎么交"]


@pytest.mark.parametrize(("text", "entry"), _ALONE)
def test_the_family_takes_its_entry(rt: Runtime, text: str, entry: str) -> None:
    got = turn(rt.conversation, text)
    assert (got.intent, got.faq_id) == ("faq", entry)


@pytest.mark.parametrize(("first", "then", "entry"), _FOLLOW_UPS)
def test_the_follow_up_takes_its_entry(rt: Runtime, first: str, then: str, entry: str) -> None:
    got = after(rt.conversation, first, then)
    assert (got.intent, got.faq_id) == ("faq", entry)


@pytest.mark.parametrize("text", _DECLINED)
def test_everyday_matters_stay_declined(rt: Runtime, text: str) -> None:
    assert turn(rt.conversation, text).intent == "unknown"
