"""The tools skill in conversation (zh and en), on the fixture corpus, today = 2026-11-25.

Fee totals are worked out by hand in each test from the official figures: filing 270 online /
300 paper per class (10 items), 27 / 30 per extra item; renewal 450 / 500 per class, late
surcharge 225 / 250 per class; Madrid basic fee 653 CHF (b/w) or 903 CHF (colour).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from bot.core.conversation import Conversation
from bot.core.messages import Inbound
from bot.core.ports import Outcome
from bot.core.runtime import Runtime
from bot.core.settings import Settings
from handlers.cli.app import ask_one
from tests.conftest import FIXTURE_CORPUS
from tests.support.dialog import assert_dialog, say


@pytest.fixture
def settings(db_url: str) -> Settings:
    """The usual test settings plus a fixed exchange rate with its date."""
    return Settings(
        database_url=db_url,
        corpus_dir=FIXTURE_CORPUS,
        station_phone="010-12345678",
        run_worker=False,
        chf_cny_rate=9.0,
        chf_cny_rate_as_of=dt.date(2026, 11, 20),
    )


def turn(conv: Conversation, text: str, user: str = "u1") -> Outcome:
    return conv.handle_turn(Inbound(channel="test", user_ref=user, text=text))


def tool_result(conv: Conversation, text: str, user: str = "u1") -> dict[str, Any]:
    outcome = turn(conv, text, user)
    assert outcome.intent == "tool", f"{text!r} went to {outcome.intent}"
    assert outcome.result is not None
    json.dumps(outcome.result)  # JSON-able as it is
    return outcome.result


# -- renewal --------------------------------------------------------------------------------


def test_renewal_question_with_date_past_grace_is_a_lost_mark(runtime: Runtime) -> None:
    conv = runtime.conversation
    outcome = turn(conv, "我的商标是2016年3月7日核准注册的，什么时候续展？要交多少钱？")
    r = outcome.result
    assert outcome.intent == "tool" and r is not None and r["tool"] == "renewal"
    assert r["registration_date"] == "2016-03-07" and r["expiry"] == "2026-03-06"
    # 2026-09-06 is a Sunday: the grace period's last day moves to Monday 2026-09-07.
    assert r["grace_end"] == {**r["grace_end"], "nominal": "2026-09-06", "due": "2026-09-07"}
    assert r["moved"][0]["which"] == "grace_end"
    assert r["phase"] == "lost" and r["fee"] is None
    assert r["new_application_fee"]["online"] == 270
    text = outcome.replies[0].text
    assert "重新提交注册申请" in text and "顺延" in text
    assert "menu:book" in [c.payload for c in outcome.replies[0].choices]


def test_renewal_in_the_window_with_classes_in_english(runtime: Runtime) -> None:
    r = tool_result(runtime.conversation, "registered 14 March 2017, 3 classes, when do I renew?")
    assert r["expiry"] == "2027-03-13" and r["window_opens"] == "2026-03-14"
    assert r["phase"] == "renewal_window"
    # 2027-03-13 is a Saturday: the last day without surcharge is counted as Monday 03-15.
    assert r["window_end"]["due"] == "2027-03-15"
    assert r["fee"]["online_total"] == 3 * 450 == 1350
    assert r["fee"]["paper_total"] == 3 * 500 == 1500


def test_expiry_date_in_grace_period_adds_the_late_fee(runtime: Runtime) -> None:
    conv = runtime.conversation
    r = tool_result(conv, "商标2026年9月13日到期，2个类，还能续吗")
    assert r["input"] == "expiry_date" and r["phase"] == "grace_period"
    assert r["grace_end"]["due"] == "2027-03-15"  # 03-13 is a Saturday
    assert r["fee"]["online_total"] == 2 * (450 + 225) == 1350
    assert r["fee"]["paper_total"] == 2 * (500 + 250) == 1500
    assert_dialog(conv, [("the mark expires on 13 Sep 2026, can we still renew", "grace period")])


def test_missing_date_is_asked_for_and_the_next_message_completes_it(runtime: Runtime) -> None:
    conv = runtime.conversation
    asked = turn(conv, "我的商标什么时候续展")
    assert asked.intent == "tool" and asked.outcome == "asked"
    assert asked.result == {"tool": "renewal", "status": "need_input", "missing": "date"}
    assert "核准注册日期" in asked.replies[0].text
    r = tool_result(conv, "2019年5月10日")
    assert r["expiry"] == "2029-05-09" and r["phase"] == "too_early"
    # The flow is over: a FAQ question goes to the FAQ again.
    assert turn(conv, "续展要多少钱").intent == "faq"


def test_missing_date_in_english_keeps_the_class_count(runtime: Runtime) -> None:
    conv = runtime.conversation
    assert_dialog(
        conv, [("when does my trademark need renewal? we have 2 classes", "registration date")]
    )
    r = tool_result(conv, "7 March 2017")
    assert r["expiry"] == "2027-03-06" and r["classes"] == 2
    assert r["fee"]["online_total"] == 900


def test_ambiguous_date_gets_a_question_not_a_guess(runtime: Runtime) -> None:
    conv = runtime.conversation
    outcome = turn(conv, "registered 03/07/2016, when do I renew?")
    assert outcome.outcome == "asked" and outcome.result is not None
    assert outcome.result["date_problem"] == "day_month_order"
    assert outcome.result["candidates"] == ["2016-03-07", "2016-07-03"]
    assert "Which one do you mean" in outcome.replies[0].text
    assert tool_result(conv, "2016-07-03")["expiry"] == "2026-07-02"


def test_impossible_date_is_sent_back(runtime: Runtime) -> None:
    assert_dialog(
        runtime.conversation,
        [
            ("2015年2月29日核准注册的商标什么时候续展", "不是一个存在的日期"),
            ("2016年2月29日", "2026-02-28"),
        ],
    )


def test_month_without_day_says_what_is_certain_and_asks(runtime: Runtime) -> None:
    conv = runtime.conversation
    outcome = turn(conv, "商标2026年9月到期了还能续吗")
    assert outcome.outcome == "asked"
    text = outcome.replies[0].text
    assert "宽展期内" in text and "具体日期" in text and "675" in text
    r = tool_result(conv, "2026年9月13日")
    assert r["input"] == "expiry_date" and r["expiry"] == "2026-09-13"


def test_leaving_the_flow_for_another_question(runtime: Runtime) -> None:
    conv = runtime.conversation
    turn(conv, "我的商标什么时候续展")
    assert turn(conv, "续展要多少钱").intent == "faq"
    assert turn(conv, "2016年3月7日").intent != "tool"  # no pending question any more


# -- other periods --------------------------------------------------------------------------


def test_other_periods_from_a_date(runtime: Runtime) -> None:
    conv = runtime.conversation
    r = tool_result(conv, "对方商标2026年10月27日初审公告，我们异议截止哪天")
    assert (r["tool"], r["due"]) == ("opposition", "2027-01-27")
    r = tool_result(conv, "我们2026年11月10日收到驳回通知，复审最晚哪天交")
    assert (r["tool"], r["due"], r["days_left"]) == ("rejection_review", "2026-11-25", 0)
    r = tool_result(conv, "驳回通知发文日期2026年11月3日，电子送达，复审期限是哪天")
    assert (r["deemed_receipt"], r["due"]) == ("2026-11-18", "2026-12-03")
    r = tool_result(
        conv,
        "our international registration date is 2023-06-01, when does it stop depending on the basic mark",
    )
    assert (r["tool"], r["due"]) == ("madrid_dependency", "2028-06-01")
    r = tool_result(conv, "我们商标2022年5月14日注册的，什么时候可能被撤三")
    assert (r["tool"], r["due"], r["passed"]) == ("nonuse_exposure", "2025-05-14", True)


def test_refusal_deadline_question_without_date_asks_for_it(runtime: Runtime) -> None:
    assert_dialog(
        runtime.conversation,
        [
            ("我们商标被驳回了，复审期限到什么时候", "收到驳回通知的日期"),
            # A notice received "11月10日" is this year's (the last such day): no year asked.
            ("11月10日收到的", "收到驳回通知之日：2026-11-10"),
        ],
    )


# -- fees -----------------------------------------------------------------------------------


def test_national_filing_fees(runtime: Runtime) -> None:
    conv = runtime.conversation
    r = tool_result(conv, "注册2个类别每类12个商品网上申请多少钱")
    assert r["items"] == [12, 12]
    assert r["total"] == 2 * 270 + 2 * 2 * 27 == 648
    assert r["total_paper"] == 2 * 300 + 2 * 2 * 30 == 720
    r = tool_result(conv, "filing fee for 3 classes paper", user="u2")
    assert r["channel"] == "paper" and r["total"] == 3 * 300 == 900 and r["total_online"] == 810


def test_renewal_fees_for_several_classes(runtime: Runtime) -> None:
    conv = runtime.conversation
    r = tool_result(conv, "续展3个类要多少钱")
    assert (r["tool"], r["online_total"], r["paper_total"]) == ("fee_renewal", 1350, 1500)
    r = tool_result(conv, "宽展期续展2个类多少钱")
    assert r["late"] and r["online_total"] == 2 * (450 + 225) and r["paper_total"] == 1500


def test_madrid_us_eu_jp(runtime: Runtime) -> None:
    conv = runtime.conversation
    outcome = turn(conv, "Madrid filing to the US, EU and Japan, how much?", user="en")
    r = outcome.result
    assert r is not None and r["parties"] == ["US", "EU", "JP"]
    # 653 basic + US 530 + EU 897 + JP 300 (one class, black and white; table figures).
    assert r["total_chf"] == 653 + 530 + 897 + 300 == 2380
    assert r["total_cny"] == 2380 * 9.0 and r["rate_as_of"] == "2026-11-20"
    text = outcome.replies[0].text
    assert "rate as of 2026-11-20" in text and "one class" in text
    r = tool_result(conv, "马德里指定美国日本欧盟 3个类 彩色 多少钱")
    assert (r["classes"], r["colour"]) == (3, True)
    # 903 colour + US 3×530 + JP 862 + EU 897+55+164.
    assert r["total_chf"] == 903 + 1590 + 862 + 1116 == 4471


def test_madrid_without_countries_asks_for_them(runtime: Runtime) -> None:
    conv = runtime.conversation
    assert_dialog(conv, [("马德里申请3个类多少钱", "指定哪些国家")])
    r = tool_result(conv, "英国和新加坡")
    assert r["parties"] == ["GB", "SG"] and r["classes"] == 3


# -- classes --------------------------------------------------------------------------------


def test_class_finder_in_both_languages(runtime: Runtime) -> None:
    conv = runtime.conversation
    r = tool_result(conv, "卖奶茶要注册哪一类？")
    assert {30, 43} <= {s["class"] for s in r["suggestions"]}
    r = tool_result(conv, "which class for a mobile game app", user="en")
    assert {9, 41} <= {s["class"] for s in r["suggestions"]}
    r = tool_result(conv, "跨境电商服装注册什么类")
    assert {25, 35} <= {s["class"] for s in r["suggestions"]}
    assert "由申请人自行决定" in say(conv, "卖奶茶要注册哪一类？")[0].text


def test_class_question_without_description_asks(runtime: Runtime) -> None:
    assert_dialog(runtime.conversation, [("我应该注册哪一类", "卖什么商品"), ("奶茶店", "第43类")])


# -- what stays with the FAQ ----------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    ["续展要多少钱", "什么时候可以续展", "续展官费多少一类", "how much is trademark renewal"],
)
def test_general_questions_stay_with_the_faq(runtime: Runtime, question: str) -> None:
    assert turn(runtime.conversation, question).intent == "faq"


def test_ask_json_reports_tool_intent_and_result(runtime: Runtime) -> None:
    row = ask_one(runtime, "续展3个类要多少钱")
    assert row["intent"] == "tool" and row["faq_id"] is None
    assert row["result"]["tool"] == "fee_renewal" and row["result"]["online_total"] == 1350
    json.dumps(row, ensure_ascii=False)
