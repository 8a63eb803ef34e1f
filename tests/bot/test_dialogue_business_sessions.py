"""Small-business sessions (issue 21, round 11): tool follow-ups, typed choices and several
questions in one conversation.

- Items said of some classes and of the others ("其中有一个类要报15个小项 另外两个都不到10个",
  "one of them has 14 items") are counted per class; "那另外两个类也都报到12个小项" changes the
  others, not the class count.
- A certificate's "有效期写的到2028.3.9" is an expiry date.
- After a mark's dates, a class count alone ("3个类呢") or a late cost ("晚了交多少") is that
  mark's renewal fee, late when the mark is in its grace period.
- After the tool finds a mark lost, "so what can we do now" is the entry on a lost mark.
- A new day typed where one day's times are shown ("9号要开会 换成下周一吧") shows that day's
  times; a cancel with a wait and a reason beside it ("哎等下 老板说这周都没空 先不约了") cancels.
- Soap sold online is class 3 (and 35), not the hand tools of class 8.
- Questions of their own in the middle of a session: a lost certificate, printing R or TM, fakes
  from a supplier, a marketplace abroad, the filing language, the legal examination limit.
The runtime and fixtures of tests/bot/test_dialogues.py (today is 2026-12-07).
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.ports import Outcome
from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.bot.test_dialogues import _text
from tests.support.dialog import turn

rt = dialogues.rt


def _talk(rt: Runtime, *texts: str) -> list[Outcome]:
    return [turn(rt.conversation, text, user="bs") for text in texts]


def _result(outcome: Outcome) -> dict[str, Any]:
    return outcome.result or {}


# -- items per class ----------------------------------------------------------------------------


def test_items_of_one_class_and_of_the_others(rt: Runtime) -> None:
    first, paper, others = _talk(
        rt,
        "想新报一个商标 报3个类 其中有一个类要报15个小项 另外两个都不到10个 网上交官费多少钱",
        "纸质的呢",
        "那另外两个类也都报到12个小项的话呢",
    )
    assert (_result(first)["classes"], _result(first)["items"]) == (3, [15, 10, 10])
    assert _result(first)["total_online"] == 945
    assert _result(paper)["total_paper"] == 1050
    assert (_result(others)["classes"], _result(others)["items"]) == (3, [15, 12, 12])
    assert (_result(others)["total_online"], _result(others)["total_paper"]) == (1053, 1170)


@pytest.mark.parametrize(
    ("text", "items", "online"),
    [
        ("how much to file 2 classes, one of them has 14 items", [14, 10], 648),
        ("3个类 每类15个商品 一共多少钱", [15, 15, 15], 1215),  # every class: as before
        ("两个类 其中一个类12个商品 多少钱", [12, 10], 594),
    ],
)
def test_items_per_class_in_one_message(
    rt: Runtime, text: str, items: list[int], online: int
) -> None:
    (got,) = _talk(rt, text)
    assert (_result(got).get("tool"), _result(got).get("items")) == ("fee_national", items)
    assert _result(got)["total_online"] == online


# -- renewal: the certificate's expiry, the fee of the mark, a lost mark ------------------------


def test_a_validity_written_on_the_certificate_is_its_expiry(rt: Runtime) -> None:
    dates, fee = _talk(
        rt, "证书上有效期写的到2028.3.9 现在能办续展了没", "那到时候4个类一起续 官费多少"
    )
    r = _result(dates)
    assert (r["expiry"], r["window_opens"], r["phase"]) == ("2028-03-09", "2027-03-10", "too_early")
    assert (_result(fee)["tool"], _result(fee)["online_total"]) == ("fee_renewal", 1800)


@pytest.mark.parametrize(
    ("first", "then", "classes", "late", "online"),
    [
        ("我们那个商标是2017年十一月十五日核准注册的 截止到哪天", "3个类呢", 3, False, 1350),
        ("有个商标16年8月25号注册的 今年是不是已经过期了啊 还能续不", "晚了交多少", 1, True, 675),
        ("mark registered 3 March 2017, when to renew", "4 classes?", 4, False, 1800),
    ],
)
def test_a_count_or_a_late_cost_after_the_dates_is_the_renewal_fee(
    rt: Runtime, first: str, then: str, classes: int, late: bool, online: int
) -> None:
    _, fee = _talk(rt, first, then)
    r = _result(fee)
    assert (r.get("tool"), r.get("classes"), r.get("late"), r.get("online_total")) == (
        "fee_renewal",
        classes,
        late,
        online,
    )


def test_the_late_cost_after_the_fee_keeps_the_classes(rt: Runtime) -> None:
    *_, late = _talk(
        rt,
        "我们那个商标是2017年十一月十五日核准注册的 截止到哪天",
        "3个类呢",
        "要是拖到过期以后再交 一共得多少",
    )
    assert (_result(late)["classes"], _result(late)["late"], _result(late)["online_total"]) == (
        3,
        True,
        2025,
    )


def test_a_date_asked_with_the_word_fee_is_still_a_date(rt: Runtime) -> None:
    _, last_day = _talk(
        rt, "tm registered 29 june 2017, from when can renew", "so last day w/o late fee is?"
    )
    assert _result(last_day)["tool"] == "renewal"


@pytest.mark.parametrize(
    ("first", "what_now"),
    [
        (
            "hi our mark was registered on 3 May 2016 and nobody renewed it.. are we still ok?",
            "ugh. so what can we do now",
        ),
        ("2015年11月3日注册的商标 现在还能续吗", "那怎么办"),
        (
            "our certificate says valid until 15 March 2026 and nobody renewed it",
            "so what are our options now",
        ),
    ],
)
def test_what_now_after_a_lost_mark_is_the_lost_mark_entry(
    rt: Runtime, first: str, what_now: str
) -> None:
    dates, answer = _talk(rt, first, what_now)
    assert _result(dates)["phase"] == "lost"
    assert (answer.intent, answer.faq_id) == ("faq", "renewal-missed-grace")


def test_filing_again_after_a_lost_mark_is_a_new_filing(rt: Runtime) -> None:
    *_, fee = _talk(
        rt,
        "hi our mark was registered on 3 May 2016 and nobody renewed it.. are we still ok?",
        "ugh. so what can we do now",
        "ok how much to file it again, 2 classes, one of them has 14 items",
    )
    assert (_result(fee)["tool"], _result(fee)["total_online"]) == ("fee_national", 648)


def test_can_we_renew_now_still_reads_the_marks_dates(rt: Runtime) -> None:
    _, now = _talk(rt, "商标2017年5月20日注册的", "那现在能办续展了没")
    assert (_result(now).get("tool"), _result(now).get("phase")) == ("renewal", "renewal_window")


def test_a_class_count_while_renewal_is_the_subject_is_the_renewal_fee(rt: Runtime) -> None:
    *_, fee = _talk(rt, "续展要准备啥材料 钱怎么交", "我们有3个类 都网上交 一共多少")
    assert (_result(fee)["tool"], _result(fee)["online_total"]) == ("fee_renewal", 1350)
    *_, new = _talk(rt, "续展要准备啥材料", "重新申请3个类 网上交多少")
    assert _result(new)["tool"] == "fee_national"


# -- typed choices in the booking ---------------------------------------------------------------


def test_another_day_typed_where_times_are_shown(rt: Runtime) -> None:
    *_, times, picked = _talk(
        rt,
        "我想约个专家问问商标注册的事",
        "陈晓",
        "9号",
        "哎不行 9号要开会 换成下周一吧",
        "两点那个",
    )
    assert "12月14日" in _text(times) and "14:00-14:45" in _text(times)
    assert "企业名称" in _text(picked) and "12月14日" in _text(picked)


def test_a_cancel_with_a_wait_and_a_reason_beside_it(rt: Runtime) -> None:
    *_, contact, cancelled = _talk(
        rt,
        "帮我约个老师 问续展的",
        "随便哪个老师",
        "周四上午",
        "10点20那个",
        "温州恒达鞋业有限公司",
        "哎等下 老板说这周都没空 先不约了",
    )
    assert "联系人" in _text(contact)
    assert cancelled.outcome == "cancelled"


# -- the class finder ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["我开了个网店卖手工皂的 商标要注册哪一类啊", "we sell handmade soap, which class"]
)
def test_handmade_soap_is_class_3_not_hand_tools(rt: Runtime, text: str) -> None:
    (got,) = _talk(rt, text)
    found = [c["class"] for c in _result(got).get("suggestions", [])]
    assert 3 in found and 8 not in found


# -- questions of their own in the middle of a session ------------------------------------------


@pytest.mark.parametrize(
    ("before", "question", "entry"),
    [
        (
            ("问下 我们公司搬家了营业执照地址也改了 商标上的地址是不是也得改",),
            "还有个事 注册证找不着了 补一个多少钱",
            "lost-certificate",
        ),
        (("我还没开公司 个人能注册商标吗",), "那印TM总可以吧", "r-symbol-usage"),
        (
            ("我们用了好几年的牌子 被以前的经销商抢先注册了 这种咋办", "你们能帮我们去法院告他吗"),
            "另外问下 我们店里有批货是供应商给的 后来人家说是假的 我们也要赔钱吗",
            "innocent-seller",
        ),
        (
            (),
            "我们准备在亚马逊美国站卖东西 是不是得在美国也注册个商标",
            "cross-border-ecommerce-brand",
        ),
        (
            ("how many trademark classes are there in total",),
            "can we file the application in english? our manager is foreign but the company is registered in shenzhen",
            "filing-language",
        ),
        (
            ("fee to file a new tm in 3 classes online, max 10 items each?",),
            "is there a legal deadline for cnipa to finish examining it",
            "examination-time-limit",
        ),
        (
            ("商标有效期几年？到期后还能补办续展吗",),
            "续展要准备啥材料 钱怎么交",
            "renewal-documents",
        ),
    ],
)
def test_a_question_of_its_own_in_a_session(
    rt: Runtime, before: tuple[str, ...], question: str, entry: str
) -> None:
    *_, got = _talk(rt, *before, question)
    assert (got.intent, got.faq_id) == ("faq", entry)


def test_filing_it_after_a_deadline_is_filing_that_procedure(rt: Runtime) -> None:
    # "filing it" points back at the opposition just computed, not at a new application.
    deadline, fee = _talk(
        rt,
        "competitor's mark got preliminary approval, published 13 Oct 2026. last day for us to oppose?",
        "whats the official fee for filing it",
    )
    assert _result(deadline)["tool"] == "opposition"
    assert (fee.intent, fee.faq_id) == ("faq", "opposition-how")


@pytest.mark.parametrize(
    "question",
    ["每个类能写几个商品 写多了怎么算钱", "how many items per class, and if we list more?"],
)
def test_items_per_class_after_a_filing_fee_is_the_extra_item_fee(
    rt: Runtime, question: str
) -> None:
    fee, got = _talk(rt, "就报43和30这两个类 官费多少", question)
    assert _result(fee)["tool"] == "fee_national"
    assert (got.intent, got.faq_id) == ("faq", "extra-item-fee")


@pytest.mark.parametrize(
    "question",
    [
        "the new 10 yrs count from the day we pay?",
        "if we file it next week does the new 10 yrs start from the filing date?",
    ],
)
def test_the_new_term_asked_after_the_fee_is_the_new_term(rt: Runtime, question: str) -> None:
    *_, got = _talk(
        rt, "tm registered 29 june 2017, from when can renew", "3 classes how much", question
    )
    assert (got.intent, got.faq_id) == ("faq", "renewal-new-term")


@pytest.mark.parametrize(
    ("first", "then"),
    [
        (
            "do we pay the renewal fee per class or is it one fee for the whole mark",
            "honestly the online system is confusing, can someone walk me through it?",
        ),
        ("注册2个类要多少钱", "网上那个系统我弄不明白 有没有人能帮我弄一下"),
    ],
)
def test_a_request_for_help_is_no_input_of_the_last_fee(rt: Runtime, first: str, then: str) -> None:
    # "online" in a request for a person names no channel to recompute the fee for.
    _, got = _talk(rt, first, then)
    assert got.intent != "tool"
