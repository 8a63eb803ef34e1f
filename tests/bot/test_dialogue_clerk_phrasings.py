"""How clerks phrase what the corpus answers in its own words (bot/core/understanding.yaml,
bot/faq/facets.yaml, bot/tools/): what must be printed on the goods (the licensee's marking), a
wilful infringer (punitive damages), a seller who did not know (the innocent seller), hoarding
marks (bad-faith filing), the new Trademark Law, Hong Kong and Macao, how R and TM differ, a
partial refusal, an "intl" registration, filing online after a search, goods added to a class
lookup, a national filing after a Madrid estimate and a renewal asked "now" or "how much extra".
None of these sentences is in the dialogue benchmark. The runtime and fixtures of
tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.support.dialog import after, turn

rt = dialogues.rt

_LICENCE_EN = "we let our distributor use our brand, must we record it somewhere"
_LICENCE_ZH = "我们授权经销商用我们的商标 要备案吗"
_FAKES_EN = "someone is selling fakes of our brand, what can we do"
_FAKES_ZH = "有人卖我们牌子的假货 怎么办"


_REFUSED_ZH = "我的商标被驳回了 复审期限多久"
_REFUSED_EN = "my trademark was refused, how long to appeal"
_SEARCH_ZH = "想注册个新牌子 先咋查有没有人注册过了"
_SEARCH_EN = "how do we check if our brand name is already taken"


@pytest.mark.parametrize(
    ("first", "then", "entry"),
    [
        # what must appear on the goods: the licensee's marking duty
        (_LICENCE_EN, "what do they have to print on the packaging", "licensee-marking"),
        (_LICENCE_EN, "anything the licensee has to put on the goods", "licensee-marking"),
        (_LICENCE_EN, "what must be printed on their products", "licensee-marking"),
        (_LICENCE_EN, "do they need to show anything on the boxes", "licensee-marking"),
        (_LICENCE_ZH, "他们产品上要印什么", "licensee-marking"),
        (_LICENCE_ZH, "对方商品上得标啥", "licensee-marking"),
        (_LICENCE_ZH, "被授权的厂家包装上要写什么", "licensee-marking"),
        (_LICENCE_ZH, "印在产品上的有啥要求", "licensee-marking"),
        # done on purpose: the punitive damages
        (_FAKES_EN, "what if it was deliberate", "punitive-damages"),
        (
            _FAKES_EN,
            "they knew it was our mark and did it anyway, more damages?",
            "punitive-damages",
        ),
        (_FAKES_EN, "and for wilful infringement", "punitive-damages"),
        (_FAKES_ZH, "他们是故意的 能多赔吗", "punitive-damages"),
        (_FAKES_ZH, "对方明知是我们的商标还卖 赔偿能加倍吗", "punitive-damages"),
        (_FAKES_ZH, "屡次侵权的话赔多少", "punitive-damages"),
        (_FAKES_ZH, "要是蓄意侵权呢", "punitive-damages"),
        # a seller who did not know: the innocent seller
        (_FAKES_ZH, "有家店说不知道是假货 也要赔吗", "innocent-seller"),
        (_FAKES_ZH, "卖家说他不知情 能免赔吗", "innocent-seller"),
        (_FAKES_ZH, "对方说是从供应商那进的货 不知道是侵权的", "innocent-seller"),
        (_FAKES_ZH, "那个小店并不知道是假的 还用赔吗", "innocent-seller"),
        (
            _FAKES_EN,
            "the shop says they didnt know the goods were fake, do they still pay",
            "innocent-seller",
        ),
        (_FAKES_EN, "the seller had no idea they were counterfeit", "innocent-seller"),
        (_FAKES_EN, "they bought from a supplier and were unaware", "innocent-seller"),
        (_FAKES_EN, "what if the retailer did not know it was fake", "innocent-seller"),
        # only part of the goods refused: dividing the application
        (_REFUSED_ZH, "只驳回了一部分商品 没驳的能先注册吗", "partial-refusal-division"),
        (_REFUSED_ZH, "就驳了两个商品 其他的能先拿证吗", "partial-refusal-division"),
        (_REFUSED_ZH, "过了的那部分能不能先拿下来", "partial-refusal-division"),
        (_REFUSED_ZH, "部分驳回的话怎么处理", "partial-refusal-division"),
        (
            _REFUSED_EN,
            "only some of the goods were refused, can we keep the rest",
            "partial-refusal-division",
        ),
        (
            _REFUSED_EN,
            "part of our goods got rejected, can the approved ones go ahead",
            "partial-refusal-division",
        ),
        (_REFUSED_EN, "can we split off the accepted items", "partial-refusal-division"),
        (_REFUSED_EN, "its a partial refusal, what are our options", "partial-refusal-division"),
        # filing online once the search found nothing
        (_SEARCH_ZH, "没查到一样的 自己网上咋申请", "online-filing"),
        (_SEARCH_ZH, "查完了 那网上怎么提交申请", "online-filing"),
        (_SEARCH_EN, "ok not taken. how to file online", "online-filing"),
        (_SEARCH_EN, "nothing found, how do we file it online by ourselves", "online-filing"),
    ],
)
def test_a_follow_up_in_a_clerks_words_picks_its_entry(
    rt: Runtime, first: str, then: str, entry: str
) -> None:
    got = after(rt.conversation, first, then)
    assert (got.intent, got.faq_id) == ("faq", entry)


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        # filing marks in bulk
        (
            "someone keeps filing hundreds of trademarks to sell them, is that legal",
            "bad-faith-filing",
        ),
        ("is trademark hoarding punished in china", "bad-faith-filing"),
        ("what happens to bad faith filings", "bad-faith-filing"),
        ("有人大量注册商标拿去卖 会被处罚吗", "bad-faith-filing"),
        ("囤积商标违法吗", "bad-faith-filing"),
        ("恶意申请商标有什么后果", "bad-faith-filing"),
        ("有公司囤了几百个商标 包括我们的 能罚他吗", "bad-faith-filing"),
        ("批量注册商标不用 会怎样", "bad-faith-filing"),
        # the revised law itself
        ("new trademark law when does it start", "law-revision-2027"),
        ("when does the revised trademark law take effect", "law-revision-2027"),
        ("新商标法什么时候开始实施", "law-revision-2027"),
        ("新法哪天生效", "law-revision-2027"),
        ("商标法修改了吗 什么时候执行", "law-revision-2027"),
        ("新版商标法啥时候施行", "law-revision-2027"),
        ("the trademark law was amended? from when", "law-revision-2027"),
        # Hong Kong and Macao
        ("我们在澳门也有门店 内地商标在那边有效吗", "madrid-hk-macao"),
        ("does our chinese trademark protect us in hong kong", "madrid-hk-macao"),
        ("香港需要单独注册商标吗", "madrid-hk-macao"),
        ("is a mainland registration valid in macau", "madrid-hk-macao"),
        ("we sell in HK too, does china registration cover it", "madrid-hk-macao"),
        ("国内注册的商标在香港管用吗", "madrid-hk-macao"),
        # how R and TM differ
        ("R和TM有啥区别", "r-symbol-usage"),
        ("TM标和R标不一样在哪", "r-symbol-usage"),
        ("r vs tm symbol", "r-symbol-usage"),
        ("标R和标TM有什么不同", "r-symbol-usage"),
        ("tm mark versus r mark, which do we use", "r-symbol-usage"),
        ("商标上的R跟TM差别是什么", "r-symbol-usage"),
        ("difference between the tm symbol and the registered symbol", "r-symbol-usage"),
        # one's name registered by someone and never used
        (
            "a company registered our name 5 years ago and never used it, can we cancel it",
            "nonuse-cancellation",
        ),
        (
            "someone registered my shop name years back but never used it, what can we do",
            "nonuse-cancellation",
        ),
        ("a guy registered our name 3 years ago, never used, how to cancel", "nonuse-cancellation"),
        ("有公司几年前注册了我们的名字 一直没用 能撤销吗", "nonuse-cancellation"),
        ("别人注册了我们的店名好几年了 从来没用过 能弄掉吗", "nonuse-cancellation"),
        # an international registration abbreviated
        ("how long is an intl registration valid", "madrid-validity-renewal"),
        ("intl reg how many years", "madrid-validity-renewal"),
        ("how long does the int'l registration last", "madrid-validity-renewal"),
    ],
)
def test_a_subject_named_in_a_clerks_words_is_answered(rt: Runtime, text: str, entry: str) -> None:
    got = turn(rt.conversation, text, user="fresh")
    assert (got.intent, got.faq_id) == ("faq", entry)


_TEA_EN = "we run a bubble tea shop which class should we file"
_TEA_ZH = "开奶茶店的 该注册哪类"


@pytest.mark.parametrize(
    ("first", "then"),
    [
        (_TEA_EN, "we also sell our own t-shirts and caps"),
        (_TEA_EN, "we also sell t-shirts"),
        (_TEA_ZH, "我们还卖T恤"),
        (_TEA_ZH, "另外也卖衣服"),
        (_TEA_ZH, "同时还卖帽子和T恤"),
        (_TEA_ZH, "顺便卖点T恤衫"),
    ],
)
def test_goods_added_after_a_class_lookup_add_their_class(
    rt: Runtime, first: str, then: str
) -> None:
    got = after(rt.conversation, first, then)
    assert got.intent == "tool" and got.result and got.result["tool"] == "classes"
    shown = {s["class"] for s in got.result["suggestions"]}
    assert {43, 25} <= shown  # the shop's class stays, the clothing joins


@pytest.mark.parametrize(
    ("text", "classes"),
    [
        ("we sell phone cases and also do phone repair, which class", {9, 37}),
        ("卖手机壳 也修手机 注册哪类", {9, 37}),
        ("我们卖手机壳，另外还做手机维修，选哪个类别", {9, 37}),
        ("we sell phone cases as well as repair phones, which class", {9, 37}),
        ("做面包的 还开咖啡馆 报哪几类", {30, 43}),
        ("we make bread, and also run a cafe, which classes", {30, 43}),
        ("卖衣服 同时开奶茶店 选什么类", {25, 43}),
    ],
)
def test_several_lines_of_business_each_get_their_class(
    rt: Runtime, text: str, classes: set[int]
) -> None:
    got = turn(rt.conversation, text, user="fresh")
    assert got.intent == "tool" and got.result and got.result["tool"] == "classes"
    assert classes <= {s["class"] for s in got.result["suggestions"]}


_MADRID_EN = "madrid to korea and singapore, 2 classes, b&w logo how much"
_MADRID_ZH = "马德里指定美国 日本 2个类 黑白的 多少钱"


@pytest.mark.parametrize(
    ("first", "then"),
    [
        (_MADRID_EN, "and the china filing for those 2 classes?"),
        (_MADRID_EN, "what about filing in china for the same classes"),
        (_MADRID_EN, "and the national fee?"),
        (_MADRID_EN, "domestic filing for these?"),
        (_MADRID_ZH, "国内申请这两个类呢"),
        (_MADRID_ZH, "那国内注册要多少"),
        (_MADRID_ZH, "在中国申请呢"),
        (_MADRID_ZH, "商标局那边的官费呢"),
    ],
)
def test_a_national_filing_after_a_madrid_estimate_is_its_fee(
    rt: Runtime, first: str, then: str
) -> None:
    got = after(rt.conversation, first, then)
    assert got.intent == "tool" and got.result
    assert (got.result["tool"], got.result["total"]) == ("fee_national", 540)  # 2 x 270 online


_DATED_ZH = "我们商标是2017年5月20号核准注册的 啥时候到期"
_DATED_EN = "our mark was registered on 20 may 2017, when does it expire"
_LAPSED_ZH = "我们有个商标2026年8月20号到期的 忘了续 现在还来得及不"
_LAPSED_EN = "our tm expired 10/30 this year, still can renew?"


@pytest.mark.parametrize(
    ("first", "then", "phase"),
    [
        (_DATED_ZH, "现在可以办续展了吗", "renewal_window"),
        (_DATED_ZH, "那现在能续了没", "renewal_window"),
        (_DATED_EN, "can we renew it now", "renewal_window"),
        (_DATED_EN, "can we renew already", "renewal_window"),
    ],
)
def test_renewing_now_after_the_marks_dates_is_its_phase(
    rt: Runtime, first: str, then: str, phase: str
) -> None:
    got = after(rt.conversation, first, then)
    assert got.intent == "tool" and got.result
    assert (got.result["tool"], got.result["phase"]) == ("renewal", phase)


@pytest.mark.parametrize(
    ("first", "then"),
    [
        (_LAPSED_ZH, "要多交多少钱"),
        (_LAPSED_ZH, "迟延费是多少"),
        (_LAPSED_ZH, "宽展期要多交多少"),
        (_LAPSED_EN, "how much extra do we pay"),
        (_LAPSED_EN, "is there a surcharge"),
        (_LAPSED_EN, "extra fee for late?"),
    ],
)
def test_how_much_extra_after_a_lapsed_marks_dates_is_the_surcharge(
    rt: Runtime, first: str, then: str
) -> None:
    got = after(rt.conversation, first, then)
    assert (got.intent, got.faq_id) == ("faq", "renewal-late-fee")
