"""Follow-ups that change one input of the last computation, or ask a facet of it.

- A fee asked with a class count after a mark's renewal dates is that mark's renewal fee, with
  the late surcharge when it is in the grace period; a channel ("纸质的呢") keeps it late, and an
  end date asked afterwards ("最晚到哪天") shows the same mark's dates again.
- A year alone after a date ("啊不对 是16年注册的", "what if it was registered in 2017")
  corrects the year of the date just used.
- After the class finder, a fee with a count ("就报这两个类", "just those two") is the filing fee.
- Class numbers added ("add class 35 too", "再加上第35类") count on from the last total.
- Whether items past a class's ten are charged ("超过10个商品怎么收费") is the FAQ's rule.
- A refusal notice dated with words between ("received a refusal notice for our application
  on 30 Nov"), an expiry said "runs out" / "valid till", a "reg date", and a longer correction
  ("hang on, checked again, the gazette date is ...") are read.
The runtime and fixtures of tests/bot/test_dialogues.py (today is 2026-12-07).
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.bot.test_dialogue_tool_inputs import _talk
from tests.support.dialog import after, turn

rt, chat = dialogues.rt, dialogues.chat


@pytest.mark.parametrize(
    ("first", "then", "classes", "late", "online"),
    [
        ("商标2016年7月1日注册的 还能续吗", "三个类 得交多少", 3, True, 2025),
        (
            "registered on 10 Sep 2016, can we still renew",
            "we have 4 classes, how much",
            4,
            True,
            2700,
        ),
        ("mark registered 3 March 2017 when to renew", "2 classes what's the fee", 2, False, 900),
        ("我们商标2027年5月10日到期 什么时候能续", "就一个类 要交多少钱", 1, False, 450),
        ("tm expires 2 Feb 2027, renewal window?", "3 classes, what do we pay", 3, False, 1350),
        ("2016年8月20号注册的商标 现在还能续展吗", "5个类 多少钱", 5, True, 3375),
        ("reg date 2016-09-30, still ok to renew?", "1 class how much", 1, True, 675),
        ("有效期到2026年10月5日 忘记续了", "两个类 交多少", 2, True, 1350),
    ],
)
def test_a_fee_after_the_dates_is_that_marks_renewal_fee(
    rt: Runtime, first: str, then: str, classes: int, late: bool, online: int
) -> None:
    intent, r = _talk(rt, first, then)
    assert (intent, r.get("tool"), r.get("classes"), r.get("late"), r.get("online_total")) == (
        "tool",
        "fee_renewal",
        classes,
        late,
        online,
    )


@pytest.mark.parametrize(
    ("texts", "key", "value"),
    [
        (("商标2016年7月1日注册的 还能续吗", "两个类多少钱", "纸质的呢"), "paper_total", 1500),
        (
            ("registered 10 Sep 2016, still renewable?", "2 classes how much", "by post?"),
            "late",
            True,
        ),
        (("商标2016年7月1日注册的 还能续吗", "两个类多少钱", "最晚到哪天"), "expiry", "2026-06-30"),
        (
            ("mark registered 3 March 2017", "2 classes, fee?", "until when can we do it"),
            "expiry",
            "2027-03-02",
        ),
        (
            ("商标注册日是2016.06.24 还能续展吗", "3个类 网上要交多少", "宽展期最后一天是哪天"),
            "expiry",
            "2026-06-23",
        ),
        (
            (
                "注册证上写的有效期截至2027年2月28日 现在可以续展了吗",
                "两个类 网上办要多少钱",
                "要是等到过期以后再续呢",
            ),
            "online_total",
            1350,
        ),
    ],
)
def test_the_fee_keeps_the_mark(
    rt: Runtime, texts: tuple[str, ...], key: str, value: object
) -> None:
    _, r = _talk(rt, *texts)
    assert r.get(key) == value


@pytest.mark.parametrize(
    ("first", "then", "expiry"),
    [
        ("2018年3月5号注册的商标 哪天到期", "不对 是16年注册的", "2026-03-04"),
        (
            "registered 12 May 2019, when does it expire",
            "sorry, it was registered in 2017",
            "2027-05-11",
        ),
        ("商标2020年1月15日核准注册 什么时候续展", "说错了 应该是2016年", "2026-01-14"),
        (
            "our mark was registered on 8 Aug 2015, renewal deadline?",
            "what if it was registered in 2018",
            "2028-08-07",
        ),
        ("注册日期2019年11月11日 哪天到期", "搞错了 是2017年的", "2027-11-10"),
        ("registered 1 July 2018 - when can we renew", "actually 2016", "2026-06-30"),
        ("我们商标2010年4月2日注册的 到期了吗", "哦 是2020年", "2030-04-01"),
        ("our registration expires on 9 Oct 2027", "sorry, it expires in 2026", "2026-10-09"),
    ],
)
def test_a_year_alone_corrects_the_year(rt: Runtime, first: str, then: str, expiry: str) -> None:
    intent, r = _talk(rt, first, then)
    assert (intent, r.get("tool"), r.get("expiry")) == ("tool", "renewal", expiry)


@pytest.mark.parametrize(
    ("first", "then", "classes", "paper"),
    [
        ("我们开咖啡店的 商标该报哪几个类", "就报这两个类 网上多少钱", 2, False),
        ("我们是做童装的 要注册哪几个类", "就报这俩类 纸质申请多少", 2, True),
        (
            "we sell handmade candles online, which classes?",
            "ok just those two. fee online?",
            2,
            False,
        ),
        (
            "we're opening a bakery, which classes should we file in",
            "both of them, official fee?",
            2,
            False,
        ),
        ("which class for a coffee shop", "those 3 then, total cost on paper", 3, True),
        ("我们做宠物食品的 该注册哪几个类", "这3个类一共多少钱", 3, False),
        ("which classes for a yoga studio", "just the two, how much online", 2, False),
        ("开火锅店 商标报哪几个类", "报这两个类 官费多少", 2, False),
    ],
)
def test_a_fee_after_the_class_finder_is_the_filing_fee(
    rt: Runtime, first: str, then: str, classes: int, paper: bool
) -> None:
    intent, r = _talk(rt, first, then)
    total = "total_paper" if paper else "total_online"
    assert (intent, r.get("tool"), r.get("classes")) == ("tool", "fee_national", classes)
    assert r.get(total) == classes * (300 if paper else 270)


@pytest.mark.parametrize(
    ("first", "then", "classes"),
    [
        ("网上申请2个类 多少钱", "再加上第35类呢", 3),
        ("filing fee for 2 classes online", "add class 9 too", 3),
        ("第9类和第42类 网上申请多少钱", "再加上35类", 3),
        ("official fee 3 classes online", "throw in class 41 as well", 4),
        ("注册3个类 纸质申请多少钱", "35类也报上 一共多少", 4),
        ("2 classes on paper, how much", "and if we include class 35?", 3),
        ("网上注册1个类多少钱", "加报第43类呢", 2),
        (
            "how much to file in 4 classes online",
            "we might expand, so add class 44 too - new total?",
            5,
        ),
    ],
)
def test_class_numbers_added_count_on(rt: Runtime, first: str, then: str, classes: int) -> None:
    intent, r = _talk(rt, first, then)
    assert (intent, r.get("tool"), r.get("classes")) == ("tool", "fee_national", classes)


@pytest.mark.parametrize(
    "texts",
    [
        ("注册3个类网上多少钱", "每类超过10个商品怎么收费"),
        ("一个类报了12个商品 超出的咋算",),
        ("网上申请2个类 多少钱", "超过10项是不是要另外加钱"),
        ("filing fee for 2 classes online", "what if we list more than 10 items in a class"),
        ("我们一个类想报20个小项 超了要多交吗",),
        ("2个类 网上多少钱", "那超出的项目怎么算"),
        ("official fee 3 classes", "is there a charge for going over 10 items"),
        ("每个类别超出10个商品 还要交钱吗",),
    ],
)
def test_items_past_ten_asked_as_a_rule_are_the_faqs(rt: Runtime, texts: tuple[str, ...]) -> None:
    intent, _ = _talk(rt, *texts)
    assert intent != "tool"


@pytest.mark.parametrize(
    ("text", "tool", "key", "value"),
    [
        (
            "we received a refusal notice for our mark on 2 Dec, deadline to appeal?",
            "rejection_review",
            "due",
            "2026-12-17",
        ),
        (
            "the refusal letter from cnipa arrived on 1 dec, last day for review?",
            "rejection_review",
            "due",
            "2026-12-16",
        ),
        (
            "rejection decision for our application came 4 Dec. review deadline?",
            "rejection_review",
            "due",
            "2026-12-21",
        ),
        (
            "our registration runs out on 5 May 2027, when can we renew",
            "renewal",
            "expiry",
            "2027-05-05",
        ),
        (
            "the trademark is valid till 3 March 2027 - renewal window?",
            "renewal",
            "expiry",
            "2027-03-03",
        ),
        (
            "our registration ends on 1 Aug 2027, when can we renew",
            "renewal",
            "expiry",
            "2027-08-01",
        ),
        ("TM reg date 2017-02-14, when to renew?", "renewal", "expiry", "2027-02-13"),
        ("our reg date was 2016-11-03, not renewed yet, ok?", "renewal", "phase", "grace_period"),
    ],
)
def test_dates_said_in_more_ways(rt: Runtime, text: str, tool: str, key: str, value: str) -> None:
    intent, r = _talk(rt, text)
    assert (intent, r.get("tool"), r.get(key)) == ("tool", tool, value)


@pytest.mark.parametrize(
    ("first", "then", "due"),
    [
        (
            "published 13 Oct 2026 in the gazette, last day to oppose?",
            "hang on, checked again, the gazette date is 24 Nov 2026",
            "2027-02-24",
        ),
        (
            "初审公告日期是2026年10月13日 异议截止哪天",
            "不对 我再看了一下 公告日期其实是2026年11月24日",
            "2027-02-24",
        ),
        (
            "refusal received 1 Dec 2026, review deadline?",
            "actually, checking the letter again, it came on 3 Dec 2026",
            "2026-12-18",
        ),
    ],
)
def test_a_longer_correction_moves_the_deadline(
    rt: Runtime, first: str, then: str, due: str
) -> None:
    intent, r = _talk(rt, first, then)
    assert (intent, r.get("due")) == ("tool", due)


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("马德里指定美国 1个类 黑白 多少钱", "那日本那边要怎么保护"),
        ("madrid fee for US and japan, 1 class", "how do we protect it in korea"),
    ],
)
def test_how_to_protect_in_a_country_is_no_designation(rt: Runtime, first: str, then: str) -> None:
    intent, _ = _talk(rt, first, then)
    assert intent != "tool"


@pytest.mark.parametrize(
    ("texts", "classes"),
    [
        (("我们做烘焙的 商标报哪几个类", "就报30和43这两个 网上多少钱"), 2),
        (("开健身房 要注册哪几个类", "先报41和35那两个 官费多少"), 2),
        (("做宠物用品的 该报哪几个类", "就31、18、35这三个 一共多少钱"), 3),
        (("开火锅店 商标报哪几个类", "43跟29这俩 官费多少"), 2),
        (("网上申请2个类 多少钱", "再加个41类呢"), 3),
        (("第9类和第42类 网上申请多少钱", "那加个35类多少"), 3),
        (("开奶茶店 商标报哪几个类", "就报43和32这两个 官费多少", "再加个35类"), 3),
        (("注册3个类 纸质申请多少钱", "再报个44类呢"), 4),
    ],
)
def test_class_numbers_pointed_at_or_added_with_ge(
    rt: Runtime, texts: tuple[str, ...], classes: int
) -> None:
    # "43和30这两个" names two classes without 类; "加个35类" adds class 35, not 35 classes.
    intent, r = _talk(rt, *texts)
    assert (intent, r.get("tool"), r.get("classes")) == ("tool", "fee_national", classes)


@pytest.mark.parametrize(
    ("texts", "parties"),
    [
        (("马德里指定日韩 一个类 多少钱",), ["JP", "KR"]),
        (("想走马德里去欧美 两个类 黑白的 大概多少",), ["EU", "US"]),
        (("马德里 美日韩 一个类 彩色的 多少钱",), ["US", "JP", "KR"]),
        (("马德里指定英国 一个类多少钱", "再加上日韩呢"), ["GB", "JP", "KR"]),
        (("马德里报到泰越 一个类 大概多少",), ["TH", "VN"]),
        (("马德里指定日韩两个国家 3个类 多少钱",), ["JP", "KR"]),
        (("马德里指定美国 两个类多少钱", "加上英德呢"), ["US", "GB", "DE"]),
        (("我们想在日韩注册 马德里一个类要多少",), ["JP", "KR"]),
    ],
)
def test_parties_named_one_character_each(
    rt: Runtime, texts: tuple[str, ...], parties: list[str]
) -> None:
    # "日韩", "欧美", "美日韩": each character one designated party.
    intent, r = _talk(rt, *texts)
    assert (intent, r.get("tool"), r.get("parties")) == ("tool", "fee_madrid", parties)


@pytest.mark.parametrize(
    ("texts", "key", "due"),
    [
        (
            ("商标2017年4月10日注册的 什么时候续展", "要是过了到期日 最晚能拖到几号"),
            "grace_end",
            "2027-10-11",
        ),
        (
            (
                "tm registered 2 may 2017, when to renew",
                "if we slip past expiry, what's the latest date?",
            ),
            "grace_end",
            "2027-11-01",
        ),
        (
            ("我们商标2027年8月1日到期 啥时候能续", "万一忘了 最迟什么时候还能补救"),
            "grace_end",
            "2028-02-01",
        ),
        (
            (
                "mark expires 1 aug 2027, renewal window?",
                "and if we're late, whats the very last day",
            ),
            "grace_end",
            "2028-02-01",
        ),
        (
            (
                "registered 2 may 2017, when to renew",
                "3 classes how much",
                "if it drags on, what is the final deadline?",
            ),
            "grace_end",
            "2027-11-01",
        ),
        (
            ("商标2017年4月10日注册的 啥时候续", "3个类多少钱", "如果拖过去了 最晚哪一天"),
            "grace_end",
            "2027-10-11",
        ),
        (
            (
                "mark expires 1 aug 2027, when can we renew",
                "so the last day without the surcharge is?",
            ),
            "window_end",
            "2027-08-02",
        ),
        (
            ("tm registered 2 may 2017, when to renew", "ok so the absolute cutoff?"),
            "grace_end",
            "2027-11-01",
        ),
    ],
)
def test_the_very_last_date_asked_even_if_late_is_the_marks(
    rt: Runtime, texts: tuple[str, ...], key: str, due: str
) -> None:
    # "万一拖过了 最晚到哪天" asks a date of this mark, not what happens when it is missed.
    intent, r = _talk(rt, *texts)
    assert (intent, r.get("tool"), (r.get(key) or {}).get("due")) == ("tool", "renewal", due)


@pytest.mark.parametrize(
    "texts",
    [
        ("tm registered 2 may 2017, when to renew", "what happens if we miss the last day"),
        ("商标2017年4月10日注册的 什么时候续展", "要是错过了最后期限会怎样"),
    ],
)
def test_what_happens_after_the_last_day_is_the_faqs(rt: Runtime, texts: tuple[str, ...]) -> None:
    intent, _ = _talk(rt, *texts)
    assert intent == "faq"


@pytest.mark.parametrize(
    ("texts", "tool", "due"),
    [
        (("想对初审公告里的一个商标提异议 怎么弄", "公告是11月20号发的 最晚哪天交"), "opposition", "2027-02-22"),
        (("有期限吗 异议要多久内提", "公告日期是10月27日 截止到哪天"), "opposition", "2027-01-27"),
        (("how do we oppose a mark in the gazette", "the gazette was published on 20 Nov, last day?"), "opposition", "2027-02-22"),
        (("我们商标被驳回了 怎么复审", "通知书是12月1号收到的 最晚哪天"), "rejection_review", "2026-12-16"),
        (("复审要交多少钱", "另一件是11月30号收到的 那件呢"), "rejection_review", "2026-12-15"),
        (("how do we appeal a refusal", "we received the notice on 1 Dec, when is the deadline"), "rejection_review", "2026-12-16"),
        (("驳回复审要多少钱", "我们是12月3日收到通知的 要在哪天前交"), "rejection_review", "2026-12-18"),
        (("初审公告后多久可以提异议", "我们看到的那期公告是11月6号发的 截止哪天"), "opposition", "2027-02-09"),
    ],
)  # fmt: skip
def test_a_notice_date_told_in_the_subjects_conversation_is_its_deadline(
    rt: Runtime, texts: tuple[str, ...], tool: str, due: str
) -> None:
    # "公告是10月27号发的 最晚哪天" after the opposition FAQ: the date of its notice, no
    # procedure named again.
    intent, r = _talk(rt, *texts)
    assert (intent, r.get("tool"), r.get("due")) == ("tool", tool, due)


@pytest.mark.parametrize(
    "texts",
    [
        ("马德里指定美国 日本 两个类 多少钱", "香港能顺便一起报吗"),
        ("马德里 欧盟 一个类 黑白的 多少钱", "澳门也能一起报上吗"),
        ("madrid to the UK and EU, 2 classes, colour logo, cost?", "do we need the chinese registration done first?"),
        ("马德里指定美国 一个类多少钱", "是不是得先在国内注册下来"),
        ("madrid for japan and korea, one class, how much", "must we have the china mark registered before this?"),
        ("开咖啡店的 商标报哪几个类", "also could you register a .com domain for the name for us?"),
        ("we run a bakery, which classes?", "can you file a design patent for our cake box too"),
        ("开奶茶店 商标报哪几个类", "顺便能帮我们注册个域名吗"),
    ],
)  # fmt: skip
def test_a_question_about_the_procedure_or_other_paperwork_is_no_new_input(
    rt: Runtime, texts: tuple[str, ...]
) -> None:
    # Whether a region can join, whether the home mark comes first, a domain or a patent: none
    # changes an input of the estimate or the class list.
    intent, r = _talk(rt, *texts)
    assert intent != "tool", (texts[-1], r.get("tool"))


@pytest.mark.parametrize(
    "texts",
    [
        ("马德里指定美国 一个类 黑白的 多少钱", "澳门也一块加上"),
        ("madrid to japan, one class, b&w, cost?", "add hong kong as well"),
    ],
)
def test_a_region_outside_madrid_added_in_words_stays_the_estimate(
    rt: Runtime, texts: tuple[str, ...]
) -> None:
    # Told to add it (not asked whether it can be): the estimate, which says it is no member.
    intent, r = _talk(rt, *texts)
    assert (intent, r.get("tool")) == ("tool", "fee_madrid"), texts[-1]


@pytest.mark.parametrize(
    ("first", "then", "total"),
    [
        ("what is the grace period", "how much does that cost for 2 classes", "1350 CNY online"),
        ("宽展期是啥", "3个类要多少钱", "合计网上 2025 元"),
    ],
)
def test_a_fee_after_the_grace_period_answer_is_the_late_renewal(
    rt: Runtime, first: str, then: str, total: str
) -> None:
    # Before, the renewal fee alone (900 CNY for 2 classes): the answer just given was on
    # renewing in the grace period, whose cost includes the late fee.
    got = after(rt.conversation, first, then, user=f"grace-fee-{first}")
    assert got.intent == "tool" and total in got.replies[0].text


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("our mark was registered in march 2016, when do we renew", "a registration in March 2016"),
        ("expires in august 2027, when can we renew", "an expiry in August 2027"),
        ("2016年3月注册的 什么时候续展", "2016年3月核准注册"),
    ],
)
def test_a_month_without_its_day_says_what_is_sure(rt: Runtime, text: str, says: str) -> None:
    # Before, "march 2016" was no date at all (asked for one), and "expires in" read the
    # month as the registration's.
    got = turn(rt.conversation, text, user=f"month-{text}")
    assert got.intent == "tool" and says in got.replies[0].text
