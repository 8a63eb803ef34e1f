"""Booking an expert as dialogs, in Chinese and English, against the demo experts.

The clock stands at Wednesday 2026-11-25 10:00 in Shanghai. Expert 1 (王明远, renewal) sits
Tuesday 14:00-17:00 and Thursday 09:00-12:00, 30-minute slots with 10 minutes between.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from bot.core.runtime import Runtime
from storage.bookings import Booking
from storage.models import ConversationState
from tests.support.booking import STEPS, book_through, choice, joined
from tests.support.dialog import assert_dialog, say


def _bookings(runtime: Runtime) -> list[Booking]:
    with Session(runtime.engine) as session:
        return list(session.exec(select(Booking).order_by(Booking.id)))  # type: ignore[arg-type]


def _flow(runtime: Runtime, user: str = "u1") -> dict:
    with Session(runtime.engine) as session:
        state = session.exec(
            select(ConversationState).where(ConversationState.user_ref == user)
        ).one()
        return dict(state.data)


def test_whole_flow_in_chinese(runtime: Runtime) -> None:
    conv = runtime.conversation
    assert_dialog(
        conv,
        [
            ("预约专家", "请选择咨询主题"),
            ("book:topic:renewal", "王明远"),
            ("book:expert:1", "请选择日期"),
            ("book:day:2026-11-26", "11月26日 周四可预约的时段"),
            ("book:slot:1:20261126T0100Z", "请输入企业名称"),
            ("某某科技有限公司", "联系人姓名"),
            ("张三", "同意指导站为此目的保存和使用"),
            ("138-1234-5678", "一句话"),
            ("我们的商标明年到期，想了解续展流程", "请核对预约信息"),
        ],
    )
    replies = say(conv, "确认")
    text = joined(replies)
    code = _bookings(runtime)[0].code
    for part in (
        f"预约号：{code}",
        "2026年11月26日（周四）09:00-09:30（北京时间）",
        "现场咨询：指导站二楼咨询室",
        "请准备：商标注册证",
        f"/bookings/{code}.ics?token=",
        "24小时和1小时",
    ):
        assert part in text
    name, mime, content = replies[0].attachments[0]
    assert (name, mime) == (f"booking-{code}.ics", "text/calendar")
    assert b"DTSTART:20261126T010000Z" in content
    booking = _bookings(runtime)[0]
    assert booking.phone == "13812345678" and booking.phone_consent_at is not None
    assert (booking.company, booking.contact_name, booking.topic) == (
        "某某科技有限公司",
        "张三",
        "renewal",
    )
    assert booking.slot_start == dt.datetime(2026, 11, 26, 1, 0, tzinfo=dt.UTC)
    assert "flow" not in _flow(runtime)


def test_whole_flow_in_english(runtime: Runtime) -> None:
    replies = book_through(runtime.conversation, lang="en", user="en1")
    text = joined(replies)
    assert "Booked! Your booking code: B-" in text
    assert "Thu 26 Nov 2026, 09:00-09:30 (Beijing time)" in text
    assert "In person: " in text and "Please bring: the registration certificate" in text
    assert _bookings(runtime)[0].lang == "en"


def test_numbers_and_typed_labels_choose_options(runtime: Runtime) -> None:
    conv = runtime.conversation
    first = say(conv, "预约")
    assert [c.label for c in first[0].choices][:2] == ["商标注册", "续展"]
    assert "王明远" in joined(say(conv, "续展"))  # the label typed instead of the number
    assert "请选择日期" in joined(say(conv, "2"))  # 2 = 王明远 (1 = any available)
    assert "可预约的时段" in joined(say(conv, "1"))


@pytest.mark.parametrize("step", range(1, len(STEPS)))
def test_back_returns_to_the_previous_step(runtime: Runtime, step: int) -> None:
    conv = runtime.conversation
    assert_dialog(conv, STEPS[: step + 1])
    assert STEPS[step - 1][1] in joined(say(conv, "返回"))
    assert STEPS[step][1] in joined(say(conv, STEPS[step][0]))  # and forward again


@pytest.mark.parametrize("step", range(len(STEPS)))
def test_cancel_leaves_the_flow_at_every_step(runtime: Runtime, step: int) -> None:
    conv = runtime.conversation
    assert_dialog(conv, STEPS[: step + 1])
    replies = say(conv, "取消" if step % 2 else "book:cancel")
    assert "已退出预约" in joined(replies)
    assert "flow" not in _flow(runtime) and _bookings(runtime) == []
    assert replies[0].choices[0].payload == "menu:registration"


def test_back_from_the_first_step_leaves(runtime: Runtime) -> None:
    assert_dialog(runtime.conversation, [("预约专家", "主题"), ("返回", "已退出预约")])


@pytest.mark.parametrize("step", [2, 3, 5, 6])
def test_a_question_mid_flow_is_answered_and_the_step_asked_again(
    runtime: Runtime, step: int
) -> None:
    conv = runtime.conversation
    assert_dialog(conv, STEPS[: step + 1])
    replies = say(conv, "续展要多少钱")
    assert "450元" in replies[0].text and STEPS[step][1] in replies[-1].text
    assert "相关问题" not in replies[0].text and replies[0].choices == ()
    assert _flow(runtime)["flow"] == "booking"
    assert_dialog(conv, STEPS[step + 1 :])  # the flow goes on where it was
    assert "预约成功" in joined(say(conv, "确认"))


def test_text_that_fits_no_option_gets_a_hint(runtime: Runtime) -> None:
    conv = runtime.conversation
    assert_dialog(conv, STEPS[:3])
    replies = say(conv, "蓝色的那个")
    assert "请从选项中选择" in replies[0].text and "请选择日期" in replies[1].text
    # "随便吧" (whatever) fits every day offered: the soonest one.
    assert "可预约的时段" in joined(say(conv, "随便吧"))


def test_invalid_phone_is_refused_with_the_format(runtime: Runtime) -> None:
    conv = runtime.conversation
    assert_dialog(conv, STEPS[:7])
    for bad in ("12345", "23812345678", "1381234567"):
        assert "11位中国大陆手机号" in joined(say(conv, bad))
    assert "一句话" in joined(say(conv, "+86 138 1234 5678"))


def test_menu_button_forwards_to_booking(runtime: Runtime) -> None:
    assert "请选择咨询主题" in joined(say(runtime.conversation, "menu:book"))


def test_leaving_for_the_menu_ends_the_flow(runtime: Runtime) -> None:
    conv = runtime.conversation
    assert_dialog(conv, STEPS[:3])
    assert "请选择您需要的服务" in joined(say(conv, "菜单"))
    assert "flow" not in _flow(runtime)


def test_any_available_expert_offers_every_experts_slots(runtime: Runtime) -> None:
    conv = runtime.conversation
    say(conv, "预约专家")
    say(conv, "book:topic:renewal")
    days = say(conv, "book:expert:any")
    labels = [c.label for c in days[0].choices]
    assert labels[:3] == ["11月26日 周四", "11月27日 周五", "12月1日 周二"]
    slots = say(conv, "book:day:2026-12-01")  # Tuesday: 赵宏 in the morning, 王明远 after lunch
    slot_labels = [c.label for c in slots[0].choices]
    assert "09:00-09:30 · 赵宏" in slot_labels and "14:00-14:30 · 王明远" in slot_labels


def test_a_stale_button_starts_nothing_but_offers_a_new_booking(runtime: Runtime) -> None:
    replies = say(runtime.conversation, "book:slot:1:20261126T0100Z")
    assert "按钮已过期" in joined(replies) and "请选择咨询主题" not in joined(replies)
    assert [c.payload for c in replies[-1].choices] == ["menu:book", "book:my"]
    assert "请选择咨询主题" in joined(say(runtime.conversation, "menu:book"))


def test_forged_or_past_slot_cannot_be_chosen(runtime: Runtime) -> None:
    conv = runtime.conversation
    assert_dialog(conv, STEPS[:4])
    forged = ("book:slot:1:20261126T0105Z", "book:slot:2:20261126T0100Z", "book:slot:1:garbage")
    for payload in forged[:2]:
        assert "刚刚被别人约走了" in joined(say(conv, payload))
    assert "已经不能预约了" in joined(say(conv, "book:slot:1:20261124T0100Z"))  # the past
    assert "请从选项中选择" in joined(say(conv, forged[2]))
    assert _bookings(runtime) == []


def test_slots_inside_the_cut_off_are_neither_offered_nor_bookable(runtime: Runtime) -> None:
    conv = runtime.conversation  # 李静 (phone): Wednesday 14:00-16:30; now Wednesday 10:00
    say(conv, "预约专家")
    say(conv, "book:topic:opposition_invalidation")
    say(conv, "book:expert:2")
    slots = say(conv, "book:day:2026-11-25")
    assert slots[0].choices[0].label == "14:00-14:30"
    runtime.settings.booking_cutoff_hours = 4.5
    say(conv, "返回")
    slots = say(conv, "book:day:2026-11-25")
    assert slots[0].choices[0].label == "14:30-15:00"
    assert "已经不能预约了" in joined(say(conv, "book:slot:2:20261125T0600Z"))


def test_slot_taken_by_someone_else_before_confirming(runtime: Runtime) -> None:
    conv = runtime.conversation
    book_through(conv, user="slow", confirm=False)
    book_through(conv, user="fast")  # the same first slot, confirmed first
    replies = say(conv, "确认", user="slow")
    text = joined(replies)
    assert "刚刚被别人约走了" in text
    nxt = choice(replies, "book:slot:")
    assert nxt == "book:slot:1:20261126T0140Z"  # the next free slot of the same expert
    assert "请核对预约信息" in joined(say(conv, nxt, user="slow"))  # details kept
    assert "预约成功" in joined(say(conv, "确认", user="slow"))
    assert len({b.slot_start for b in _bookings(runtime)}) == 2


def test_limit_of_upcoming_bookings_per_user(runtime: Runtime) -> None:
    runtime.settings.booking_max_upcoming = 2
    conv = runtime.conversation
    book_through(conv, slot_index=0)
    book_through(conv, slot_index=1)
    text = joined(say(conv, "预约专家"))
    assert "您已有2个待进行的预约（每人最多2个）" in text
    assert len(_bookings(runtime)) == 2 and "flow" not in _flow(runtime)


def test_my_bookings_lists_upcoming_with_actions(runtime: Runtime) -> None:
    conv = runtime.conversation
    assert "没有待进行的预约" in joined(say(conv, "我的预约"))
    book_through(conv)
    code = _bookings(runtime)[0].code
    replies = say(conv, "我的预约")
    assert code in replies[0].text and "王明远" in replies[0].text
    assert [c.payload for c in replies[0].choices] == [
        f"book:cancelcode:{code}",
        f"book:move:{code}",
    ]
    assert "没有待进行的预约" in joined(say(conv, "我的预约", user="someone-else"))


def test_cancel_by_code_after_confirmation(runtime: Runtime) -> None:
    conv = runtime.conversation
    book_through(conv)
    code = _bookings(runtime)[0].code
    assert f"确认取消预约 {code}" in joined(say(conv, f"取消预约 {code}"))
    assert "已退出预约" in joined(say(conv, "取消"))  # "取消" here leaves, keeping the booking
    assert _bookings(runtime)[0].status == "active"
    say(conv, f"book:cancelcode:{code}")
    assert f"预约 {code} 已取消" in joined(say(conv, "book:confirm"))
    assert _bookings(runtime)[0].status == "cancelled"
    assert "没有待进行的预约" in joined(say(conv, "我的预约"))


def test_someone_elses_code_is_not_found(runtime: Runtime) -> None:
    conv = runtime.conversation
    book_through(conv, user="owner")
    code = _bookings(runtime)[0].code
    assert "没有找到您的预约" in joined(say(conv, f"取消 {code}", user="intruder"))
    assert "没有找到您的预约" in joined(say(conv, "改约 B-22222", user="owner"))


def test_reschedule_by_code(runtime: Runtime) -> None:
    conv = runtime.conversation
    book_through(conv)
    code = _bookings(runtime)[0].code
    assert "请选择新的日期" in joined(say(conv, f"改约 {code}"))
    slots = say(conv, "book:day:2026-12-01")
    assert "14:00-14:30" in [c.label for c in slots[0].choices]
    assert "改到 2026年12月1日（周二）14:00-14:30" in joined(
        say(conv, "book:slot:1:20261201T0600Z")
    )
    replies = say(conv, "确认")
    assert "已改约" in joined(replies) and replies[0].attachments
    booking = _bookings(runtime)[0]
    assert booking.slot_start == dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)
    assert booking.version == 2 and booking.code == code
    assert b"SEQUENCE:1" in replies[0].attachments[0][2]


def test_change_cut_off(runtime: Runtime, clock) -> None:  # type: ignore[no-untyped-def]
    conv = runtime.conversation
    book_through(conv)  # Thursday 09:00 Shanghai = 01:00 UTC
    code = _bookings(runtime)[0].code
    clock.at = dt.datetime(2026, 11, 25, 22, 0, tzinfo=dt.UTC)  # 3 hours before
    for text in (f"取消预约 {code}", f"改约 {code}"):
        assert "不足4小时" in joined(say(conv, text))
    assert _bookings(runtime)[0].status == "active"
    runtime.settings.booking_change_cutoff_hours = 2
    assert "确认取消预约" in joined(say(conv, f"取消预约 {code}"))


def test_english_cancel_and_reschedule_words(runtime: Runtime) -> None:
    conv = runtime.conversation
    book_through(conv, lang="en", user="en2")
    code = _bookings(runtime)[0].code
    assert f"Cancel booking {code}" in joined(say(conv, f"cancel {code.lower()}", user="en2"))
    assert "Choose a new day" in joined(say(conv, f"reschedule {code}", user="en2"))
    assert "booking stopped" in joined(say(conv, "cancel", user="en2"))


def test_asking_for_a_person_mid_flow_hands_over(runtime: Runtime) -> None:
    conv = runtime.conversation
    assert_dialog(conv, STEPS[:3])
    assert "转接工作人员" in joined(say(conv, "人工"))
    data = _flow(runtime)
    assert data["flow"] == "handoff" and "topic" not in data.get("flow_data", {})


def test_a_tool_question_mid_flow_is_answered_and_the_step_asked_again(runtime: Runtime) -> None:
    conv = runtime.conversation
    assert_dialog(conv, STEPS[:2])
    replies = say(conv, "2016年3月7日注册的商标什么时候续展")
    assert "2026-03-06" in replies[0].text and "请选择专家" in replies[-1].text
    assert _flow(runtime)["flow_data"]["topic"] == "renewal"


def test_a_double_tapped_confirm_and_an_old_button_start_nothing(runtime: Runtime) -> None:
    conv = runtime.conversation
    replies = book_through(conv, user="tap")
    code = _bookings(runtime)[0].code
    assert code in joined(replies)
    again = say(conv, "book:confirm", user="tap")
    assert "无需重复确认" in joined(again) and code in joined(again)
    old = say(conv, "book:topic:renewal", user="tap")
    assert "已过期" in joined(old)
    assert [c.payload for c in old[-1].choices] == ["menu:book", "book:my"]
    assert len(_bookings(runtime)) == 1 and "flow" not in _flow(runtime, "tap")  # none started


def test_a_new_day_typed_after_the_slot_was_picked_is_chosen_again(runtime: Runtime) -> None:
    """A change of mind ("等等 我想改成下周二") picks the day again, then the flow goes back to
    the step the user was at, and the booking is made for the new time."""
    conv = runtime.conversation
    assert_dialog(
        conv,
        [
            ("预约专家", "请选择咨询主题"),
            ("book:topic:renewal", "王明远"),
            ("book:expert:1", "请选择日期"),
            ("周四", "11月26日 周四可预约的时段"),
            ("9点", "请输入企业名称"),
            ("某某科技有限公司", "联系人姓名"),
            ("张三", "同意指导站为此目的保存和使用"),
            ("等等 我想改成下周二", "12月1日 周二可预约的时段"),
            ("14:40", "好的，时间改为2026年12月1日（周二）14:40-15:10"),
            ("13812345678", "一句话"),  # it was the phone step again, not the company's
            ("续展流程", "2026年12月1日（周二）14:40"),
            ("改到10:20吧", "10:20没有空档"),  # not free that Tuesday: its times again
        ],
    )
    assert "请核对预约信息" not in joined(say(conv, "改个时间"))  # the day step, not the summary
    say(conv, "周四")
    assert "2026年11月26日（周四）10:20" in joined(say(conv, "10:20"))  # straight to the summary
    say(conv, "确认")
    booking = _bookings(runtime)[0]
    assert booking.slot_start == dt.datetime(2026, 11, 26, 2, 20, tzinfo=dt.UTC)
    assert (booking.company, booking.contact_name) == ("某某科技有限公司", "张三")


def test_a_company_name_with_change_words_is_still_a_name(runtime: Runtime) -> None:
    conv = runtime.conversation
    for text in ("预约专家", "book:topic:renewal", "book:expert:1", "周四", "9点"):
        say(conv, text)
    assert "联系人姓名" in joined(say(conv, "换成科技有限公司"))


def test_another_topic_named_at_the_expert_step_offers_its_experts(runtime: Runtime) -> None:
    conv = runtime.conversation
    say(conv, "预约专家")
    assert "王明远" not in joined(say(conv, "book:topic:madrid"))
    assert "王明远" in joined(say(conv, "续展"))  # not "pick one of the options"
