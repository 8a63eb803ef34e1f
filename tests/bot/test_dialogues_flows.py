"""Flows and intents in conversations (issue 21, round 5): small talk typed at a step, typed
choices in other forms, bookings and handoffs asked in one's own words, tool follow-ups.

Whole conversations through the real core, on the bundled corpus and the demo experts, with the
clock at Monday 2026-12-07 10:00 in Shanghai (fixtures of tests/bot/test_dialogues.py).
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from tests.bot.test_dialogues import Chat, _text, chat, rt  # noqa: F401

_COMPANY = "企业名称"


def _to_phone_step(chat: Chat) -> None:  # noqa: F811
    for said, shown in (
        ("预约专家", "品牌战略"),
        ("品牌战略", "陈晓"),
        ("陈晓", "12月7日"),
        ("今天下午三点", _COMPANY),
        ("星辰科技", "联系人"),
        ("李雷", "手机"),
    ):
        assert shown in _text(chat.say(said)), said


# -- small talk at a step ----------------------------------------------------------------------


def test_thanks_and_bye_at_the_phone_step_leave_the_flow_not_an_invalid_number(
    chat: Chat,  # noqa: F811
) -> None:
    _to_phone_step(chat)
    bye = chat.say("好的谢谢 先这样吧拜拜")
    assert bye.intent == "smalltalk"
    assert "格式不对" not in _text(bye) and "没有保存" in _text(bye)
    # The flow is gone: a number typed later is no phone number for a booking.
    assert chat.say("马德里基础费多少").faq_id == "madrid-basic-fee"


def test_thanks_at_a_choice_step_is_answered_and_the_step_asked_again(
    chat: Chat,  # noqa: F811
) -> None:
    chat.say("预约专家")
    chat.say("续展")
    thanks = chat.say("好的谢谢")
    assert thanks.intent == "smalltalk"
    assert "不客气" in _text(thanks) and "王明远" in _text(thanks)  # the experts again
    assert "12月8日" in _text(chat.say("王老师"))  # and the step still takes its answer


def test_ok_confirms_at_the_summary(chat: Chat) -> None:  # noqa: F811
    _to_phone_step(chat)
    assert "问题" in _text(chat.say("13900001111"))
    assert "确认" in _text(chat.say("想了解品牌布局"))
    assert "预约成功" in _text(chat.say("好的"))


def test_an_acknowledgement_while_a_tool_waits_asks_for_the_date_again(
    chat: Chat,  # noqa: F811
) -> None:
    assert chat.say("帮我算下我商标什么时候续展").intent == "tool"
    ok = chat.say("好")
    assert ok.intent == "smalltalk" and "注册日" in _text(ok)
    done = chat.say("2019年5月8日注册的")
    assert done.result and done.result["expiry"] == "2029-05-07"


def test_thanks_at_the_handoff_question_is_no_ticket(chat: Chat) -> None:  # noqa: F811
    assert chat.say("转人工").intent == "handoff"
    again = chat.say("好的")
    assert again.intent == "smalltalk" and "说明您的问题" in _text(again)
    opened = chat.say("我们商标被人抢注了 想问问怎么处理")
    assert opened.outcome == "opened"


# -- typed choices -------------------------------------------------------------------------------


def test_english_label_words_dotted_times_and_weekday_abbreviations(
    chat: Chat,  # noqa: F811
) -> None:
    chat.say("book an expert")
    assert "Li Jing" in _text(chat.say("oppositions"))
    assert "9 Dec" in _text(chat.say("Li Jing"))
    assert "14:30" in _text(chat.say("wed"))
    assert "company" in _text(chat.say("2.30pm")).lower()


def test_ordinals_with_a_counted_word_and_the_soonest(chat: Chat) -> None:  # noqa: F811
    chat.say("预约专家")
    assert "陈晓" in _text(chat.say("第三个"))  # the third topic: Madrid
    assert "12月7日" in _text(chat.say("第二个"))  # Chen Xiao (after "any")
    assert "14:00" in _text(chat.say("最早那天"))
    assert _COMPANY in _text(chat.say("第二个时间"))


def test_any_day_at_the_expert_step_and_asap(chat: Chat) -> None:  # noqa: F811
    chat.say("预约专家")
    chat.say("地标")  # a typo-like abbreviation of 地理标志
    first = _text(chat.say("随便哪天"))
    assert "12月8日" in first and "09:00" in first
    assert _COMPANY in _text(chat.say("越早越好"))


def test_dotted_date_digit_weekday_and_an_expert_named_first(chat: Chat) -> None:  # noqa: F811
    chat.say("预约专家")
    assert "12月9日" in _text(chat.say("李静"))  # named at the topic step
    assert "14:00" in _text(chat.say("12.11"))
    chat.say("取消")
    chat.say("预约专家")
    chat.say("李静")
    assert "12月11日" in _text(chat.say("周5"))


def test_postponing_and_no_thanks_end_the_booking(chat: Chat) -> None:  # noqa: F811
    chat.say("预约专家")
    chat.say("续展")
    assert chat.say("取消吧 下次再说").outcome == "cancelled"
    chat.say("预约专家")
    chat.say("续展")
    assert chat.say("不用了谢谢").outcome == "cancelled"


# -- bookings and handoffs in one's own words --------------------------------------------------


def test_booking_asked_as_a_visit_or_a_talk_with_an_adviser(chat: Chat) -> None:  # noqa: F811
    visit = chat.say("下周想过去当面咨询下马德里的事 能约吗")
    assert visit.intent == "booking" and "陈晓" in _text(visit)
    chat.say("取消")
    en = chat.say("we want to go into europe via madrid, can we sit down with one of your advisers")
    assert en.intent == "booking" and "Chen Xiao" in _text(en)


def test_whether_a_lawyer_is_needed_is_a_question_not_a_booking(chat: Chat) -> None:  # noqa: F811
    assert chat.say("should i consult a lawyer before filing").intent != "booking"
    assert chat.say("咨询专家要钱吗").intent != "booking"


def test_a_named_expert_and_colleagues(chat: Chat) -> None:  # noqa: F811
    named = chat.say("我想约下王明远老师")
    assert named.intent == "booking" and "12月8日" in _text(named)
    chat.say("取消")
    assert chat.say("找你们领导").intent == "handoff"


# -- small talk out of a flow ------------------------------------------------------------------


def test_small_talk_in_other_words(chat: Chat) -> None:  # noqa: F811
    for said in ("你是真人还是机器人啊", "那你能帮我干啥", "亲 在吗", "好的 我知道了 谢谢你啊"):
        assert chat.say(said).intent == "smalltalk", said
    complaint = chat.say("你这机器人也太笨了吧")
    assert complaint.intent == "smalltalk" and "人工" in _text(complaint)
    # A question after thanks is still a question.
    assert chat.say("谢谢，那续展要多少钱").intent == "faq"


# -- tools -----------------------------------------------------------------------------------------


def test_when_can_i_renew_is_the_window_and_a_date_then_computes(chat: Chat) -> None:  # noqa: F811
    window = chat.say("when can i renew my trademark")
    assert (window.intent, window.faq_id) == ("faq", "renewal-window")
    dated = chat.say("it was registered on 3 august 2017")
    assert dated.result and dated.result["expiry"] == "2027-08-02"
    fee = chat.say("how much for 2 classes")
    assert fee.result and fee.result["tool"] == "fee_renewal" and fee.result["online_total"] == 900


def test_the_dates_of_the_computed_mark_asked_again(chat: Chat) -> None:  # noqa: F811
    assert chat.say("我们商标到期日是哪天啊 帮我查查").intent == "tool"
    first = chat.say("注册证上写的有效期至2027年3月31日")
    assert first.result and first.result["expiry"] == "2027-03-31"
    grace = chat.say("宽展期到什么时候")
    assert grace.intent == "tool" and grace.result
    assert grace.result["grace_end"]["due"] == "2027-09-30"
    # What happens if it is missed is the rule, not the dates again.
    assert chat.say("what if we miss the deadline").intent == "faq"


def test_a_week_without_its_day_and_a_weekday_of_next_week(chat: Chat) -> None:  # noqa: F811
    chat.say("预约专家")
    chat.say("马德里")
    chat.say("陈晓")
    assert "12月14日" in _text(chat.say("下周的"))
    chat.say("取消")
    chat.say("book an expert")
    chat.say("madrid")
    chat.say("chen xiao")
    assert "16 Dec" in _text(chat.say("wednesday next week"))


def test_the_late_fee_of_the_computed_mark_and_a_fee_noun_with_classes(
    chat: Chat,  # noqa: F811
) -> None:
    chat.say("证书上有效期到2027年1月20日 现在能续吗")
    fee = chat.say("2个类 要多少钱").result or {}
    assert (fee.get("tool"), fee.get("late"), fee.get("online_total")) == (
        "fee_renewal",
        False,
        900,
    )
    late = chat.say("要是拖到宽展期呢")
    assert late.intent == "tool" and late.result and late.result["online_total"] == 1350
    noun = chat.say("续展费用 4个类 宽展期内")
    assert noun.result and noun.result["tool"] == "fee_renewal"


def test_none_of_the_times_suits_offers_the_days_and_a_thanks_after_cancel_words(
    chat: Chat,  # noqa: F811
) -> None:
    chat.say("预约专家")
    chat.say("异议")
    chat.say("李静")
    assert "14:00" in _text(chat.say("周三"))
    days = _text(chat.say("这几个时间都不太行"))
    assert "12月11日" in days and "请选择日期" in days
    assert chat.say("那我先不约了 谢谢").outcome == "cancelled"


def test_the_one_expert_pointed_at_and_an_appointment_made(chat: Chat) -> None:  # noqa: F811
    chat.say("预约专家")
    assert "陈晓" in _text(chat.say("马德里注册那个"))
    assert "12月7日" in _text(chat.say("就他吧"))
    chat.say("取消")
    gi = chat.say("how do i make an appointment for a consultation on GI")
    assert gi.intent == "booking" and "Zhao Hong" in _text(gi)


def test_the_step_after_a_typed_time_repeats_the_slot_taken(chat: Chat) -> None:  # noqa: F811
    # As a receptionist says it back: a typed "9点40" could have been misread.
    chat.say("约个专家")
    chat.say("续展")
    chat.say("王明远")
    chat.say("周四")
    after = _text(chat.say("9点40"))
    assert "已选：2026年12月10日（周四）09:40-10:10" in after and "王明远" in after
    assert _COMPANY in after
    english = Chat(chat.conv, user="en-slot")
    english.say("book an expert")
    english.say("oppositions")
    english.say("Li Jing")
    english.say("wed")
    said = _text(english.say("2.30pm"))
    assert "You chose" in said and "14:30" in said and "Li Jing" in said


@pytest.mark.parametrize(
    ("text", "expert", "day"),
    [
        ("想约王明远老师聊下续展的事", "王明远", "周二"),
        ("找赵宏老师问地理标志", "赵宏", "周二"),
        ("能不能跟李静律师约个时间", "李静", "周三"),
        ("我想见一下陈晓", "陈晓", "周一"),
        ("can i book chen xiao for some madrid stuff", "Chen Xiao", "Mon"),
        ("need li jing for an opposition question", "Li Jing", "Wed"),
        ("need to talk to wang mingyuan abt renewal", "Wang Mingyuan", "Tue"),
        ("could we meet Mr Zhao about a GI", "Zhao Hong", "Tue"),
    ],
)
def test_an_expert_asked_for_by_name_is_preselected(
    rt: Runtime,  # noqa: F811
    text: str,
    expert: str,
    day: str,
) -> None:
    # The days offered are the named expert's, whatever topic words came with the name.
    said = Chat(rt.conversation, user=text).say(text)
    assert said.intent == "booking", said.intent
    shown = _text(said)
    assert day in shown and ("请选择日期" in shown or "Choose a day" in shown), shown


def test_a_day_typed_with_the_name_goes_to_its_times(chat: Chat) -> None:  # noqa: F811
    assert "09:30" in _text(chat.say("约陈晓老师 周三上午"))


@pytest.mark.parametrize("text", ["王老师的资质怎么样", "陈晓是谁", "Li Jing"])
def test_a_name_without_asking_for_the_person_starts_nothing(
    rt: Runtime,  # noqa: F811
    text: str,
) -> None:
    assert Chat(rt.conversation, user=text).say(text).intent != "booking"


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        # English typed without apostrophes reads as with them.
        ("cheers thats helpful", "welcome"),
        ("thats all", "Goodbye"),
        # News taken in, with or without thanks: never an FAQ answer ("know" is in one).
        ("good to know", "OK"),
        ("ok good to know thx", "welcome"),
        ("perfect thank u", "welcome"),
        ("学到了 谢谢", "不客气"),
        # Leave to ask is answered as such, even after thanks.
        ("辛苦了 问个事哈", "请直接说"),
        ("谢谢 再问一下", "请直接说"),
        ("one more question", "Go ahead"),
    ],
)
def test_acknowledgements_and_leave_to_ask_in_more_words(
    rt: Runtime,  # noqa: F811
    text: str,
    reply: str,
) -> None:
    said = Chat(rt.conversation, user=text).say(text)
    assert said.intent == "smalltalk" and reply in _text(said), (said.intent, _text(said))


@pytest.mark.parametrize("soonest", ["最早的那个", "越快越好", "whenever is soonest", "asap"])
def test_the_soonest_at_the_expert_step_is_anyone_on_the_first_day(
    rt: Runtime,  # noqa: F811
    soonest: str,
) -> None:
    clerk = Chat(rt.conversation, user=soonest)
    clerk.say("约个马德里的专家")
    shown = _text(clerk.say(soonest))
    assert "12月7日" in shown or "7 Dec" in shown  # Monday's times, not the list of days
    assert "14:00" in shown, shown


def test_a_question_with_a_when_word_at_the_expert_step_is_answered(chat: Chat) -> None:  # noqa: F811
    chat.say("约个专家")
    chat.say("续展")
    said = chat.say("2016年3月7日注册的商标什么时候续展")
    assert "2026-03-06" in _text(said)


def test_another_expert_named_at_the_day_step_offers_their_days(chat: Chat) -> None:  # noqa: F811
    chat.say("i want to see an expert about our brand strategy")
    chat.say("chen xiao")
    days = _text(chat.say("go back, wang mingyuan instead"))
    assert "Tue" in days and "Mon" not in days.split("\n", 1)[-1]
    assert "09:40" in _text(chat.say("thursday 10 dec"))


def test_a_new_day_after_a_change_word_is_the_one_moved_to(chat: Chat) -> None:  # noqa: F811
    chat.say("约陈晓老师 周三上午")
    chat.say("9:30")
    moved = _text(chat.say("不好意思周三有事 能改到下周一下午吗"))
    assert "12月14日" in moved and "15:00" in moved
    done = _text(chat.say("三点"))
    assert "12月14日（周一）15:00" in done and done.count("15:00-15:45") == 1


@pytest.mark.parametrize(
    "giving_up",
    ["算了 我还是先自己看看资料", "算了 我们自己研究研究", "never mind, ill figure it out myself"],
)
def test_giving_up_to_do_it_oneself_leaves_the_booking(
    rt: Runtime,  # noqa: F811
    giving_up: str,
) -> None:
    clerk = Chat(rt.conversation, user=giving_up)
    clerk.say("想约个懂续展的老师 周二可以吗")
    left = clerk.say(giving_up)
    assert (left.intent, left.outcome) == ("booking", "cancelled"), (left.intent, left.outcome)
    assert clerk.say("续展要准备什么材料").faq_id == "renewal-documents"


_CALL_BACK = [
    # A call back asked for is staff's to make.
    ("这事电话里说比较清楚 你们能打给我吗", "handoff"),
    ("给我回个电话", "handoff"),
    ("can someone call me back", "handoff"),
    ("just give me a call", "handoff"),
    # Whoever is working.
    ("id rather just talk to whoever's on duty there tbh", "handoff"),
    ("找值班的", "handoff"),
    # Someone to see in person is an expert's slot.
    ("这个我们搞不太懂 能不能找个人当面说说", "booking"),
    # The number itself is asked, not a call.
    ("电话多少", "smalltalk"),
]


_LOOK_OR_ADVISE = [
    # Someone who knows, asked to look at the user's papers or to be contacted.
    ("能帮我联系一下你们站里的老师吗", "booking"),
    ("有没有懂商标的人可以帮我看看合同", "booking"),
    ("can an expert look over our application before we file", "booking"),
    ("could a specialist review our logo", "booking"),
    # A professional's advice asked for.
    ("i need professional advice on a trademark dispute", "booking"),
    ("we are looking for expert advice on madrid", "booking"),
    # A human asked to help.
    ("could a human help me with this", "handoff"),
    # Still questions.
    ("how long does the review take", "faq"),
]


_AGENT = [
    # An agent set against doing it oneself is the filing question, not a person to talk to.
    ("need agent or we can do ourself", "faq"),
    ("can we file ourselves or must we use an agency", "faq"),
    ("agent or diy, which is better", "faq"),
    # A person asked for is still a handoff.
    ("connect me with a human agent", "handoff"),
    ("i want to talk to an agent", "handoff"),
]


@pytest.mark.parametrize(("text", "intent"), [*_CALL_BACK, *_LOOK_OR_ADVISE, *_AGENT])
def test_a_request_read_on_its_own(
    rt: Runtime,  # noqa: F811
    text: str,
    intent: str,
) -> None:
    # A call back, whoever is on duty, someone in person; someone who knows asked to look or
    # advise; an agent set against doing it oneself.
    assert Chat(rt.conversation, user=text).say(text).intent == intent
