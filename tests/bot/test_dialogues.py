"""Conversations, not single lines (issue 21): the five kinds of failure, as whole dialogues.

Against the bundled corpus and the demo experts, on a database of its own per test (a copy of
one template, tests/bot/conftest.py), with the clock at Monday 2026-12-07 10:00 in Shanghai.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select

from bot.core.conversation import Conversation
from bot.core.messages import Inbound
from bot.core.ports import FixedClock, Outcome
from bot.core.runtime import Runtime, build_runtime
from storage.models import ConversationState
from storage.tickets import Ticket
from tests.support.dialog import dialogue_settings
from tests.support.faq_index import shared_index_provider

START = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)  # Monday 10:00 at the station


@pytest.fixture
def rt(dialogue_template: Path, tmp_path: Path) -> Iterator[Runtime]:
    """A runtime of its own on a copy of the template; the FAQ index of the bundled corpus is
    the process's one (tests/support/faq_index.py), as a server shares it between users."""
    db = tmp_path / "dialogues.db"
    shutil.copyfile(dialogue_template, db)
    settings = dialogue_settings(f"sqlite:///{db}")
    runtime = build_runtime(settings, clock=FixedClock(START), migrate=False)
    runtime.conversation.index = shared_index_provider(runtime.settings)
    yield runtime
    runtime.engine.dispose()


class Chat:
    """One user's conversation: `say` returns what tmbot made of the message."""

    def __init__(self, conv: Conversation, user: str = "u1") -> None:
        self.conv, self.user = conv, user

    def say(self, text: str, *, press: bool = False) -> Outcome:
        return self.conv.handle_turn(
            Inbound(channel="test", user_ref=self.user, text=text, is_callback=press)
        )


def _text(outcome: Outcome) -> str:
    return "\n".join(
        [r.text for r in outcome.replies] + [c.label for r in outcome.replies for c in r.choices]
    )


@pytest.fixture
def chat(rt: Runtime) -> Chat:
    return Chat(rt.conversation)


# -- 1. facet follow-ups keep the subject ------------------------------------------------------


def test_facet_follow_ups_keep_the_subject_in_chinese(chat: Chat) -> None:
    first = chat.say("商标转让怎么收费")
    assert (first.intent, first.faq_id) == ("faq", "assignment-fee")
    assert chat.say("变更呢").faq_id == "change-fee"  # a new subject, the same facet


def test_facet_follow_up_in_english_and_a_fresh_subject_starts_afresh(chat: Chat) -> None:
    assert chat.say("how much does it cost to renew a trademark").faq_id == "renewal-fee"
    late = chat.say("what if I miss the deadline?")
    assert late.intent == "faq" and late.faq_id in ("renewal-grace-period", "not-renewed")
    assert chat.say("how long does registration take").faq_id == "typical-pendency"


def test_a_bare_facet_finds_the_entry_of_the_last_subject_across_themes(chat: Chat) -> None:
    # The subject x facet map (bot/faq/facets.py): the facet names the entry, not the words.
    assert chat.say("商标卖给另一家公司咋办手续").faq_id == "assignment-procedure"
    assert chat.say("费用多少啊").faq_id == "assignment-fee"
    assert chat.say("那多久能办完").faq_id == "assignment-procedure"
    assert chat.say("想对别人的商标提异议 咋弄").faq_id == "opposition-how"
    assert chat.say("一般多久出结果").faq_id == "opposition-decision-time"
    assert chat.say("不服怎么办").faq_id == "opposition-outcome-appeal"


def test_english_facet_follow_ups_over_another_theme(chat: Chat) -> None:
    assert chat.say("how do i record my trademark with customs").faq_id == "customs-recordal"
    assert chat.say("how long does it last").faq_id == "customs-recordal"
    assert chat.say("can a trademark be used as collateral for a bank loan").faq_id == (
        "trademark-pledge"
    )
    assert chat.say("is there a fee").faq_id == "trademark-pledge"


def test_a_follow_up_naming_more_than_a_facet_keeps_its_own_entry(chat: Chat) -> None:
    assert chat.say("马德里申请需要先有国内商标吗").faq_id == "madrid-basic-mark"
    assert chat.say("那收费呢").faq_id == "madrid-fee-calculator"  # the fee overview
    assert chat.say("那单独规费呢").faq_id == "madrid-individual-fee"  # one fee, named


def test_the_review_fee_lives_in_the_review_deadline_entry(chat: Chat) -> None:
    fee = chat.say("复审费多少")
    assert (fee.intent, fee.faq_id) == ("faq", "rejection-review-deadline")
    assert "750" in _text(fee)
    assert chat.say("得多久出结果").faq_id == "rejection-review-deadline"


def test_the_context_ages_out(rt: Runtime, chat: Chat) -> None:
    assert chat.say("商标转让怎么收费").faq_id == "assignment-fee"
    clock = rt.conversation.clock
    assert isinstance(clock, FixedClock)
    clock.at = START + dt.timedelta(minutes=30)
    # Half an hour later "那多久能办完" has no subject to lean on: not a transfer answer.
    later = chat.say("那多久能办完")
    assert not (later.faq_id or "").startswith("assignment")


# -- 2. tool follow-ups change the last tool's inputs ------------------------------------------


def test_renewal_then_classes_then_its_fee(chat: Chat) -> None:
    first = chat.say("我的商标2017年3月6日注册的什么时候续展")
    assert first.result and first.result["expiry"] == "2027-03-05"
    again = chat.say("3个类")  # the fee of that mark's classes (round 11: "3个类呢")
    assert again.intent == "tool" and again.result and again.result["tool"] == "fee_renewal"
    assert (again.result["online_total"], again.result["late"]) == (1350, False)
    # A renewal question of its own is the FAQ's, not the computation's.
    assert chat.say("续展要多少钱").intent == "faq"


def test_madrid_estimate_adds_a_party_and_colour_and_currency_is_no_country(chat: Chat) -> None:
    first = chat.say("马德里指定日本 2个类 大概多少瑞士法郎")
    assert first.result and sorted(first.result["parties"]) == ["JP"]
    added = chat.say("再加个瑞士")
    assert added.result and sorted(added.result["parties"]) == ["CH", "JP"]
    colour = chat.say("彩色的")
    assert colour.result and colour.result["colour"] is True
    assert sorted(colour.result["parties"]) == ["CH", "JP"] and colour.result["classes"] == 2


def test_class_finder_follow_up_and_fee_questions_never_go_to_it(chat: Chat) -> None:
    first = chat.say("which class for a coffee shop")
    assert first.result and first.result["tool"] == "classes"
    bakery = chat.say("what about selling coffee beans")
    assert bakery.result and 30 in {s["class"] for s in bakery.result["suggestions"]}
    fee = chat.say("what does CNIPA charge per class for a new filing")
    assert fee.intent == "faq" and fee.faq_id == "filing-fee"


# -- 3. booking and handoff from natural phrasing ----------------------------------------------


def test_booking_in_own_words_preselects_the_topic(chat: Chat) -> None:
    booked = chat.say("帮我安排个懂马德里的专家聊聊")
    assert booked.intent == "booking"
    assert "陈晓" in _text(booked) and "请选择咨询主题" not in _text(booked)


def test_handoff_in_own_words_keeps_the_question_and_reason_asked(rt: Runtime) -> None:
    Chat(rt.conversation, "a").say("想跟你们工作人员通个话")
    Chat(rt.conversation, "b").say("我要转人工，我的商标被驳回了怎么办")
    with Session(rt.engine) as session:
        tickets = {t.user_ref: t for t in session.exec(select(Ticket))}
    assert tickets["b"].question == "我的商标被驳回了怎么办" and tickets["b"].reason == "asked"
    assert "a" in tickets or _status(rt, "a") == "handoff"


def _status(rt: Runtime, user: str) -> str | None:
    with Session(rt.engine) as session:
        state = session.exec(
            select(ConversationState).where(ConversationState.user_ref == user)
        ).one()
        return state.data.get("flow") or state.status


def test_a_question_about_staff_hours_is_not_a_handoff(chat: Chat) -> None:
    assert chat.say("人工服务时间是几点").intent != "handoff"


# -- 4. small talk -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "reply"),
    [
        ("在不在", "在的"),
        ("嗯嗯", "好的"),
        ("谢谢你", "不客气"),
        ("cool thank you", "welcome"),
        ("确定", "好的"),
        ("你是机器人吗", "智能助手"),
    ],
)
def test_small_talk_gets_a_short_reply_never_an_faq_answer(
    chat: Chat, said: str, reply: str
) -> None:
    outcome = chat.say(said)
    assert outcome.intent == "smalltalk" and outcome.faq_id is None
    assert reply in _text(outcome)


# -- 5. typed choices in the booking flow; buttons that cannot lie -----------------------------


def test_typed_choices_walk_the_booking(chat: Chat) -> None:
    assert "马德里" in _text(chat.say("预约专家"))
    assert "陈晓" in _text(chat.say("马德里"))  # a label typed
    assert "12月9日" in _text(chat.say("哪个专家都行"))  # "any"
    slots = _text(chat.say("周三"))  # a weekday
    assert "09:30" in slots
    assert "企业名称" in _text(chat.say("9:30那个"))  # a time


def test_a_typed_question_mid_booking_is_answered_and_the_step_asked_again(chat: Chat) -> None:
    chat.say("预约专家")
    chat.say("续展")
    aside = chat.say("续展要交多少钱")
    assert aside.faq_id == "renewal-fee" and "请选择专家" in _text(aside)
    cancelled = chat.say("不约了")
    assert cancelled.outcome == "cancelled"


def test_a_cancel_word_among_fillers_leaves_the_flow(rt: Runtime, chat: Chat) -> None:
    for words in ("算了不约了", "那就先不约了吧", "actually never mind", "ok forget it"):
        chat.say("预约专家")
        assert chat.say(words).outcome == "cancelled", words
    # A question that merely contains such a word is still a question.
    chat.say("预约专家")
    assert chat.say("取消预约要提前多久").outcome != "cancelled"


def test_a_question_naming_an_option_is_answered_not_picked(rt: Runtime, chat: Chat) -> None:
    chat.say("预约专家")
    aside = chat.say("续展费用多少")  # names the 续展 topic, but asks something
    assert aside.faq_id == "renewal-fee" and "请选择咨询主题" in _text(aside)
    assert "请选择专家" in _text(chat.say("续展"))  # the topic itself is still a pick


def test_a_button_of_an_earlier_step_has_expired_and_is_never_stored(
    rt: Runtime, chat: Chat
) -> None:
    chat.say("预约专家")
    chat.say("book:topic:madrid", press=True)
    chat.say("book:expert:any", press=True)
    days = chat.say("book:day:2026-12-09", press=True)
    slot = next(
        c.payload for r in days.replies for c in r.choices if c.payload.startswith("book:slot:")
    )
    chat.say(slot, press=True)  # now at the company step
    stale = chat.say("book:topic:renewal", press=True)
    assert "选项已过期" in _text(stale) and "企业名称" in _text(stale)
    twice = chat.say(slot, press=True)  # a double tap of the slot button
    assert "选项已过期" in _text(twice)
    with Session(rt.engine) as session:
        state = session.exec(select(ConversationState)).one()
    assert "company" not in state.data["flow_data"]


# -- confident wrong answers the issue names -----------------------------------------------


@pytest.mark.parametrize(
    ("question", "wrong", "right"),
    [
        ("商标注册下来要多久", "validity-period", "typical-pendency"),
        ("过了续展期还有宽展期吗", "renewal-missed-grace", "renewal-grace-period"),
        ("How long is the grace period for renewal?", "madrid-validity-renewal", None),
    ],
)
def test_a_subject_mismatch_is_never_answered_directly(
    chat: Chat, question: str, wrong: str, right: str | None
) -> None:
    outcome = chat.say(question)
    assert outcome.faq_id != wrong
    if right is not None:
        assert outcome.faq_id == right or right in [s["faq_id"] for s in outcome.suggestions]


def test_a_plain_request_for_a_person_is_a_handoff_not_the_station_overview(rt: Runtime) -> None:
    for user, said in (("x", "Can I talk to a real person please?"), ("y", "找个真人")):
        assert Chat(rt.conversation, user).say(said).intent == "handoff"
    with Session(rt.engine) as session:
        questions = [t.question for t in session.exec(select(Ticket))]
    assert not any(q in ("I want to", "Can I", "找个") for q in questions)


def test_yes_after_an_offer_of_staff_takes_it(chat: Chat) -> None:
    chat.say("今天天气怎么样")
    offered = chat.say("股票怎么买")
    assert "工作人员" in _text(offered)
    taken = chat.say("好的")
    assert taken.intent == "handoff" and taken.outcome == "opened"


def test_booking_asked_with_a_time_word_and_ordinals_pick_options(chat: Chat) -> None:
    asked = chat.say("我想约个时间和专家聊聊续展的事")
    assert asked.intent == "booking" and "王明远" in _text(asked)
    assert "请选择日期" in _text(chat.say("第二个"))
    assert "12月8日 周二可预约的时段" in _text(chat.say("最早的那个"))


def test_national_fee_follow_ups_switch_to_paper_and_items(chat: Chat) -> None:
    assert chat.say("注册2个类要多少钱").result["total"] == 540  # type: ignore[index]
    paper = chat.say("换成纸质申请")
    assert paper.result and paper.result["channel"] == "paper" and paper.result["classes"] == 2


def test_presence_with_a_question_to_come_and_goodbye(chat: Chat) -> None:
    assert "在的" in _text(chat.say("在吗？有问题想问"))
    assert "Goodbye" in _text(chat.say("ok thanks bye"))


# -- generalisation (issue 21, part c): subject and facet read, not phrasings matched ----------


def test_a_long_first_question_with_its_subject_inside_is_answered(chat: Chat) -> None:
    # Retrieval alone is unsure of such a long sentence; the subject ("反对" = opposition) and
    # retrieval's own lead agree, so it is answered, and its facets follow.
    first = chat.say("我们在商标公告上看到一家公司申请的商标跟我们的几乎一样 我们能反对吗")
    assert (first.intent, first.faq_id) == ("faq", "opposition-how")
    assert chat.say("提的话要交多少钱").faq_id == "opposition-how"
    assert chat.say("一般要等多久才有结论").faq_id == "opposition-decision-time"


def test_a_subject_cue_with_no_matching_words_still_names_the_entry(chat: Chat) -> None:
    # "融资" is a pledge cue of the lexicon; no entry phrasing shares the sentence's words.
    assert chat.say("听说商标可以拿去融资 具体咋操作").faq_id == "trademark-pledge"
    assert chat.say("要交费吗").faq_id == "trademark-pledge"  # the facet of that subject


def test_the_next_remedy_after_a_review_and_a_partial_refusal(chat: Chat) -> None:
    assert chat.say("收到驳回通知书了 说我们的商标跟别人的近似 还有救吗").faq_id == (
        "rejection-review-deadline"
    )
    # The review-deadline answer holds the next step (court within 30 days).
    assert chat.say("要是复审也被驳了呢").faq_id == "rejection-review-deadline"
    assert chat.say("其实只有几个商品没过 其他的能先注册吗").faq_id == "partial-refusal-division"
    # "within how many days" now asks about the division just answered, not the review.
    assert chat.say("这个要在多少天内提").faq_id == "partial-refusal-division"


def test_a_facet_follow_up_picks_the_entry_the_last_answer_links_to(chat: Chat) -> None:
    assert chat.say("商标上个月已经到期了 还来得及续吗").faq_id == "renewal-grace-period"
    late = chat.say("要多交钱吗")
    assert late.faq_id == "renewal-late-fee" and "225" in _text(late)
    assert chat.say("宽展期也错过了咋办").faq_id == "renewal-missed-grace"


def test_the_subject_retrieval_points_to_wins_between_named_and_context(chat: Chat) -> None:
    assert chat.say("马德里交上去以后 在哪能看进度").faq_id == "emadrid-monitor"
    # "驳回" is named, but after Madrid the foreign offices' refusal period is meant.
    assert chat.say("外国那边多久内可以驳回").faq_id == "madrid-refusal-period"
    # A bare "注册" in a short follow-up stays with Madrid; "国内注册" starts afresh.
    assert chat.say("注册下来管几年").faq_id == "madrid-validity-renewal"
    fee = chat.say("那国内注册一个类多少钱")
    assert fee.faq_id == "filing-fee" and "270" in _text(fee)


def test_a_neighbouring_subject_is_not_answered_from_a_subject_word(rt: Runtime) -> None:
    chat = Chat(rt.conversation, "n1")
    for question in ("专利无效宣告请求怎么提", "how to apply for a business licence in china"):
        assert chat.say(question).intent != "faq"
    # Nor does it become what the conversation is about: a fee question next is no follow-up.
    assert chat.say("要交费吗").faq_id != "licence-recordal"
    fresh = Chat(rt.conversation, "n2")
    assert fresh.say("高铁改签要手续费吗").intent != "faq"  # 手续费 is no renewal fee


def test_a_weekday_typed_at_the_expert_step_shows_that_days_times(chat: Chat) -> None:
    chat.say("预约专家")
    assert "王明远" in _text(chat.say("续展"))
    thursday = _text(chat.say("周四"))
    assert "12月10日" in thursday and "09:00" in thursday  # only Wang Mingyuan on Thursdays
    assert "企业名称" in _text(chat.say("九点")) or "公司名称" in _text(chat.say("九点"))


def test_handoff_without_content_takes_only_a_real_question(rt: Runtime) -> None:
    asked = Chat(rt.conversation, "q1")
    asked.say("宽展期能延长吗")
    opened = asked.say("还是转人工吧")
    assert opened.intent == "handoff" and opened.outcome == "opened"
    idle = Chat(rt.conversation, "q2")
    idle.say("你好")
    idle.say("嗯嗯")
    ask = idle.say("找人工")
    assert ask.intent == "handoff" and ask.outcome == "asked"  # asks what the question is
    with Session(rt.engine) as session:
        questions = [t.question for t in session.exec(select(Ticket))]
    assert questions == ["宽展期能延长吗"]


def test_several_named_subjects_take_the_entry_tagged_with_them_all(chat: Chat) -> None:
    # 抢注 and 无效 together: the squatting entry covers both (its tags); the follow-up is
    # about what the user asked, invalidation, and its fee is the review fee.
    first = chat.say("有家公司恶意抢注了我们的字号 已经注册下来两年了 还能让它无效吗")
    assert first.faq_id in ("prior-rights-squatting", "invalidation-time-limit")
    fee = chat.say("要交多少费")
    assert fee.faq_id == "invalidation-time-limit" and "675" in _text(fee)


def test_handoff_skips_noise_for_the_last_real_question(rt: Runtime) -> None:
    chat = Chat(rt.conversation, "q3")
    chat.say("商标转让怎么收费")
    chat.say("123")  # logged as a question nobody understood, but no question for staff
    assert chat.say("人工").outcome == "opened"
    noise = Chat(rt.conversation, "q4")
    assert noise.say("哈哈哈").intent == "smalltalk"
    noise.say("asdfgh")
    assert noise.say("转人工").outcome == "asked"
    with Session(rt.engine) as session:
        assert [t.question for t in session.exec(select(Ticket))] == ["商标转让怎么收费"]


def test_madrid_follow_ups_drop_and_swap_designations(chat: Chat) -> None:
    first = chat.say("马德里注册 美国 英国 澳洲 各一个类 要多少钱")
    assert first.result and first.result["total_chf"] == 653 + 530 + 190 + 232
    dropped = chat.say("不要英国了")
    assert dropped.result and sorted(dropped.result["parties"]) == ["AU", "US"]
    swapped = chat.say("把美国换成印度")
    assert swapped.result and sorted(swapped.result["parties"]) == ["AU", "IN"]
    assert swapped.result["total_chf"] == 653 + 232 + 100


def test_english_madrid_follow_up_drops_a_country(chat: Chat) -> None:
    chat.say("madrid estimate for EU and japan, 2 classes")
    dropped = chat.say("drop japan")
    assert dropped.result and dropped.result["parties"] == ["EU"]
    assert dropped.result["total_chf"] == 653 + 897 + 55


def test_an_inflected_verb_finds_its_subject(chat: Chat) -> None:
    # "opposes" is "oppose" (glossary forms are matched with their -s form too).
    chat.say("how long does a trademark registration take in china")
    opposed = chat.say("ok what if someone opposes my application")
    assert opposed.intent == "faq" and (opposed.faq_id or "").startswith("opposition")


def test_a_trademark_agent_is_not_a_request_for_staff(rt: Runtime) -> None:
    chat = Chat(rt.conversation, "a1")
    asked = chat.say("do we need an agent to file a trademark")
    assert (asked.intent, asked.faq_id) == ("faq", "agent-required-domestic")
    staff = Chat(rt.conversation, "a2")
    assert staff.say("can I speak with an agent").intent == "handoff"


def test_a_class_count_after_a_fee_answer_recomputes_that_fee(chat: Chat) -> None:
    first = chat.say("商标注册一个类多少钱")
    assert (first.intent, first.faq_id) == ("faq", "filing-fee")
    four = chat.say("那要是报4个类呢")
    assert four.result and four.result["classes"] == 4 and four.result["total_online"] == 1080
    paper = chat.say("纸质递交呢")
    assert paper.result and paper.result["total_paper"] == 1200
    # Asking how to file online is a question, not the online fee.
    assert chat.say("网上怎么操作").intent == "faq"


def test_paper_after_a_renewal_fee_in_the_grace_period(chat: Chat) -> None:
    chat.say("我们商标是2016年11月28日注册的 还来得及续吗")
    fee = chat.say("3个类 要交多少")
    # The fee of that mark, late: its grace period runs.
    assert fee.result and fee.result["tool"] == "fee_renewal" and fee.result["late"] is True
    assert fee.result["online_total"] == 3 * (450 + 225)
    paper = chat.say("纸质的呢")
    assert paper.intent == "tool" and paper.result
    assert paper.result["paper_total"] == paper.result["total"] == 3 * (500 + 250)


def test_a_notice_date_without_its_year_is_the_last_such_day(rt: Runtime) -> None:
    # A refusal received "12月1号" is this December's: the review deadline runs 15 days.
    zh = Chat(rt.conversation, "d1").say("我们12月1号收到驳回通知书 复审最晚哪天交")
    assert zh.intent == "tool" and zh.result and zh.result["due"] == "2026-12-16"
    en = Chat(rt.conversation, "d2").say(
        "we got the refusal notice on 30 november, last day to file a review?"
    )
    assert en.result and en.result["due"] == "2026-12-15"
    # A renewal needs the registration year: it is still asked for.
    asked = Chat(rt.conversation, "d3").say("我的商标3月6日注册的 什么时候续展")
    assert asked.intent == "tool" and not (asked.result or {}).get("expiry")


def test_a_date_after_the_deadline_rule_computes_the_deadline(chat: Chat) -> None:
    rule = chat.say("驳回通知书哪天收到的算复审期限")
    assert rule.faq_id == "rejection-review-deadline"
    due = chat.say("11月25日")
    assert due.intent == "tool" and due.result and due.result["due"] == "2026-12-10"


def test_invalidation_named_bare_after_a_squatting_answer(chat: Chat) -> None:
    chat.say("别人抢注了我们的商标 能宣告无效吗 有时间限制没")
    assert chat.say("无效以后会怎么样").faq_id == "invalidation-effect"
    fee = chat.say("费用呢")
    assert fee.faq_id == "invalidation-time-limit" and "675" in _text(fee)


def test_everyday_acknowledgements_after_an_answer_are_small_talk(chat: Chat) -> None:
    assert chat.say("how much is renewal").faq_id == "renewal-fee"
    for ack in ("got it, cheers", "makes sense", "no worries"):
        assert chat.say(ack).intent == "smalltalk", ack
    assert chat.say("商标到期了怎么办").intent == "faq"
    for ack in ("好吧", "知道啦 谢谢", "88"):
        assert chat.say(ack).intent == "smalltalk", ack
    assert chat.say("行 那续展要带啥材料").faq_id == "renewal-documents"


def test_a_day_and_time_typed_at_once_picks_that_slot(chat: Chat) -> None:
    chat.say("预约专家")
    assert "李静" in _text(chat.say("异议"))
    # At the expert step: the one expert free on Wednesday, 14:00 taken straight away.
    picked = _text(chat.say("周三下午两点"))
    assert any(word in picked for word in ("企业名称", "公司名称", "单位名称", "姓名"))


def test_a_day_and_time_at_the_day_step_keeps_the_day(chat: Chat) -> None:
    chat.say("预约专家")
    chat.say("异议")
    assert "12月9日" in _text(chat.say("都可以"))
    # Li Jing is free at 14:00 on Wednesday and on Friday: the Friday one is meant.
    picked = _text(chat.say("周五下午两点"))
    assert any(word in picked for word in ("企业名称", "公司名称", "单位名称", "姓名"))
    with Session(chat.conv.engine) as session:
        state = session.exec(select(ConversationState)).one()
    assert state.data["flow_data"]["day"] == "2026-12-11"


def test_a_follow_up_asking_a_listed_related_question_gets_that_entry(chat: Chat) -> None:
    first = chat.say("别人说我们商标三年没用 要撤我们的 咋办")
    assert (first.faq_id or "").startswith("nonuse")
    assert chat.say("那怎么才算使用").faq_id == "use-definition"
    # A bare facet still asks the facet of the subject, not a related entry.
    assert chat.say("费用呢").faq_id != "use-definition"


def test_madrid_follow_up_drops_one_country_and_adds_another(chat: Chat) -> None:
    chat.say("马德里 指定挪威 新西兰 2个类 要多少")
    both = chat.say("去掉挪威 加上加拿大")
    assert both.result and both.result["parties"] == ["NZ", "CA"]
    assert both.result["total_chf"] == 653 + 220 + 390
    chat.say("madrid estimate for EU, japan and korea, 1 class")
    two = chat.say("drop japan and korea")
    assert two.result and two.result["parties"] == ["EU"]


# -- generalising beyond the phrases tuned on (issue 21, round 3) -----------------------------


def test_english_typos_are_read_as_the_words_meant(chat: Chat) -> None:
    assert chat.say("how do i asign a trademark").faq_id == "assignment-procedure"
    assert chat.say("whats the grace peroid for renewal").faq_id == "renewal-grace-period"
    tool = chat.say("our mark was registerd 15 august 2016, can we still renew it")
    assert tool.intent == "tool" and tool.result and tool.result["expiry"] == "2026-08-14"


def test_a_typo_of_a_word_ending_in_ss_is_put_right(chat: Chat) -> None:
    # "clases" was taken for a form of "class" (whose stem was "clas"), so stayed as typed and
    # the count after a fee answer went to the FAQ on multi-class filings.
    chat.say("how much is the filing fee")
    fee = chat.say("3 clases")
    assert fee.intent == "tool" and fee.result and fee.result["classes"] == 3


def test_a_typo_never_reaches_staff_corrected(rt: Runtime) -> None:
    # What staff read is what the user typed; the correction is only for reading it.
    asked = Chat(rt.conversation, "t1").say("get me a human, my renewl was refused")
    assert asked.intent == "handoff"
    with Session(rt.engine) as session:
        questions = [t.question for t in session.exec(select(Ticket))]
    assert any("renewl" in (q or "") for q in questions), questions


def test_national_and_madrid_swap_keeping_what_was_asked(chat: Chat) -> None:
    assert chat.say("马德里国际注册有效期多久").faq_id == "madrid-validity-renewal"
    assert chat.say("那国内的呢").faq_id == "validity-period"  # the same question, national
    assert chat.say("马德里的呢").faq_id == "madrid-validity-renewal"  # and back
    assert chat.say("madrid basic fee pls").faq_id == "madrid-basic-fee"
    assert chat.say("and for a chinese registration?").faq_id == "filing-fee"


def test_the_length_of_a_period_is_its_deadline_and_subjects_not_named_step_back(
    chat: Chat,
) -> None:
    assert chat.say("续展期是多久").faq_id == "renewal-window"  # not the opposition period
    due = chat.say("驳回通知12月1号收到的 复审最晚哪天")
    assert due.result and due.result["due"] == "2026-12-16"
    # "复审" is named: the opposition's decision time (another subject) is not its answer.
    assert chat.say("复审要多久出结果").faq_id == "rejection-review-deadline"


def test_losing_an_opposition_is_asked_as_an_appeal(chat: Chat) -> None:
    assert chat.say("how long is the opposition period").faq_id == "opposition-period"
    assert chat.say("what if we lose").faq_id == "opposition-outcome-appeal"


def test_chit_chat_and_everyday_questions_get_no_faq_entry(chat: Chat) -> None:
    assert chat.say("tell me a joke").intent == "smalltalk"
    assert chat.say("😂").outcome != "empty"  # an emoji is an acknowledgement, not nothing
    assert chat.say("商标续展多少钱").faq_id == "renewal-fee"
    weather = chat.say("今天天气咋样")  # not a follow-up of the renewal fee, no suggestions
    assert weather.intent == "unknown" and not weather.suggestions


def test_how_long_it_takes_is_not_when_it_takes_effect(chat: Chat) -> None:
    # Retrieval's best shares the words; the entry that gives the duration is the answer.
    assert chat.say("商标转让要多久").faq_id == "assignment-procedure"


def test_a_conditional_follow_up_asks_the_consequence_for_the_conversation(rt: Runtime) -> None:
    en = Chat(rt.conversation, "c1")
    assert en.say("who can file a madrid application").faq_id == "madrid-eligibility"
    assert en.say("do we need a chinese mark first").faq_id == "madrid-basic-mark"
    assert en.say("and if that chinese mark gets refused").faq_id == "madrid-dependency"
    zh = Chat(rt.conversation, "c2")
    assert zh.say("马德里要先有国内商标吗").faq_id == "madrid-basic-mark"
    assert zh.say("要是国内的被驳回了呢").faq_id == "madrid-dependency"


def test_madrid_parties_and_classes_typed_as_clerks_do(chat: Chat) -> None:
    # No cost word: parties and classes together ask for the estimate.
    first = chat.say("马德里指定美国 英国 2个类")
    assert first.intent == "tool" and first.result and first.result["total_chf"] == 1959
    # Codes in lower case in a Madrid message; "drop the us" in its follow-up.
    en = Chat(chat.conv, "m2")
    assert en.say("madrid fee us and eu 1 class").result["parties"] == ["US", "EU"]  # type: ignore[index]
    assert en.say("drop the us").result["parties"] == ["EU"]  # type: ignore[index]
    # ... but "help us" is no designation of the United States.
    helped = Chat(chat.conv, "m3").say("can you help us with madrid fees for japan 1 class")
    assert helped.result and helped.result["parties"] == ["JP"]


def test_the_renewal_fee_recomputed_for_the_grace_period(chat: Chat) -> None:
    first = chat.say("续展3个类多少钱")
    assert first.result and first.result["online_total"] == 1350
    late = chat.say("宽展期内呢")  # the same 3 classes, with the late fee
    assert late.intent == "tool" and late.result and late.result["online_total"] == 2025


def test_booking_and_staff_asked_in_more_words(rt: Runtime) -> None:
    said = {
        "能不能找个老师帮我看看我的商标": "booking",
        "我想咨询下专家 马德里那块": "booking",
        "能约明天下午吗 想聊聊续展": "booking",
        "你们有人工吗": "handoff",
        "is there a human i can chat with": "handoff",
        "put me in touch with staff": "handoff",
    }
    for n, (text, intent) in enumerate(said.items()):
        assert Chat(rt.conversation, f"n{n}").say(text).intent == intent, text
    madrid = Chat(rt.conversation, "n9").say("我想咨询下专家 马德里那块")
    assert "陈晓" in _text(madrid)  # the topic carried into the booking


def test_asking_what_tmbot_is_or_saying_goodnight_is_small_talk(rt: Runtime) -> None:
    for n, text in enumerate(
        ["are you a real person", "你是真人吗", "what can you do", "早啊", "晚安", "good night"]
    ):
        got = Chat(rt.conversation, f"s{n}").say(text)
        assert got.intent == "smalltalk", text  # not a ticket, not an FAQ entry
    with Session(rt.engine) as session:
        assert session.exec(select(Ticket)).first() is None


def test_a_typed_day_or_time_that_is_not_free_is_said_so(chat: Chat) -> None:
    chat.say("预约专家")
    assert "李静" in _text(chat.say("异议"))
    chat.say("李静")
    tomorrow = chat.say("明天")  # Li Jing has no time on Tuesdays
    assert "12月8日 周二没有可预约的时段" in _text(tomorrow)
    assert "12月9日" in _text(chat.say("周三"))
    assert "17:00没有空档" in _text(chat.say("下午5点"))  # 14:00-16:30 by the half hour


def test_a_typed_time_that_is_not_free_in_english(chat: Chat) -> None:
    chat.say("book an expert")
    chat.say("renewal")
    chat.say("Wang Mingyuan")
    assert "Free slots" in _text(chat.say("tuesday"))
    assert "15:00 is not free" in _text(chat.say("3pm"))  # 14:00, 14:40, 15:20 ...


def test_registering_a_company_tax_and_staff_matters_are_refused_not_answered(
    rt: Runtime,
) -> None:
    for n, text in enumerate(
        [
            "how to register a company in china",
            "how much does it cost to register a business",
            "公司注册需要什么材料",
            "劳动合同到期不续签要赔钱吗",
        ]
    ):
        got = Chat(rt.conversation, f"o{n}").say(text)
        assert got.intent == "unknown" and not got.suggestions, text
    # A mark named keeps it in scope.
    kept = Chat(rt.conversation, "o9").say("公司改名了 商标要变更吗")
    assert kept.faq_id == "change-name-address"


def test_follow_ups_on_the_registration_topics_that_have_a_subject_of_their_own(
    rt: Runtime,
) -> None:
    same_day = Chat(rt.conversation, "r1")
    assert same_day.say("同一天两家申请一样的商标咋办").faq_id == "same-day-filing"
    assert same_day.say("证据几天内要交").faq_id == "same-day-filing"  # not the pendency
    search = Chat(rt.conversation, "r2")
    assert search.say("怎么查商标有没有被注册").faq_id == "trademark-search"
    assert search.say("要钱吗").faq_id == "trademark-search"  # free, not the filing fee
    marking = Chat(rt.conversation, "r3")
    assert marking.say("没注册的商标能标R吗").faq_id == "false-r-penalty"
    assert marking.say("罚多少").faq_id == "false-r-penalty"


def test_a_bare_count_after_a_fee_computed_for_classes_recomputes_it(rt: Runtime) -> None:
    en = Chat(rt.conversation, "n1")
    assert en.say("how much to renew 2 classes").result["total"] == 900
    again = en.say("what about 5")
    assert (again.result.get("tool"), again.result.get("total")) == ("fee_renewal", 2250)
    zh = Chat(rt.conversation, "n2")
    zh.say("马德里指定美国日本 2个类多少钱")
    assert zh.say("那3个呢").result.get("classes") == 3
    # With no computation before it, a bare number is not a class count.
    assert (Chat(rt.conversation, "n3").say("what about 5").result or {}).get("tool") is None


def test_the_station_s_hours_are_answered_from_its_settings(rt: Runtime) -> None:
    for n, (text, shown) in enumerate(
        [
            ("你们几点下班", "周一至周五 09:00-17:30"),
            ("周末有人吗", "法定节假日除外"),
            ("指导站电话多少", "电话和地址还没有在这里公布"),
            ("what are your opening hours", "Mon-Fri 09:00-17:30"),  # "hours" is not "tours"
            ("how can i contact you", "not published here yet"),
            ("你们几点上班", "工作人员的工作时间"),
        ]
    ):
        got = Chat(rt.conversation, f"h{n}").say(text)
        assert got.intent == "smalltalk" and shown in _text(got), text
    # A mark's own address is a trademark question, not the station's.
    assert Chat(rt.conversation, "h9").say("注册人地址变更怎么办").faq_id == "change-name-address"


def test_the_station_s_phone_and_address_when_set() -> None:
    from bot.core.settings import Settings
    from bot.smalltalk.station import station_reply

    settings = Settings(station_phone="010-12345678", station_address_zh="北京市某区某路1号")
    zh = station_reply(settings, "zh")
    assert "电话：010-12345678" in zh and "地址：北京市某区某路1号" in zh
    assert "Phone: 010-12345678" in station_reply(settings, "en")
    assert "电话" not in station_reply(Settings(), "zh")  # none set: no empty line
    assert "还没有在这里公布" not in station_reply(Settings(), "zh", "你们几点上班")
    assert "还没有在这里公布" not in station_reply(settings, "zh", "电话多少")


def test_the_fee_and_time_after_a_dispute_answer_are_those_of_the_remedy_it_names(
    rt: Runtime,
) -> None:
    # The squatting answer names opposition and invalidation; it has no fee or time of its
    # own, so its follow-ups are the opposition's (its first related remedy), never the
    # renewal fee nor the squatting answer again.
    zh = Chat(rt.conversation, "s1")
    assert zh.say("我们公司商标被别人抢注了怎么办").faq_id == "prior-rights-squatting"
    assert zh.say("要花多少钱").faq_id == "opposition-how"
    time = Chat(rt.conversation, "s2")
    assert time.say("我的牌子被经销商抢注了 咋整").faq_id == "prior-rights-squatting"
    assert time.say("多久能有结果").faq_id == "opposition-decision-time"
    en = Chat(rt.conversation, "s3")
    assert en.say("someone registered my brand first").faq_id == "prior-rights-squatting"
    assert en.say("and the fees?").faq_id == "opposition-how"
    # An answer with its own fee keeps it (the remedies are for answers without one).
    own = Chat(rt.conversation, "s4")
    assert own.say("商标证书找不到了怎么办").faq_id == "lost-certificate"
    assert own.say("收费吗").faq_id == "lost-certificate"
