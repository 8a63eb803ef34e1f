"""The "my marks" chat flows in both languages: add several at once, ambiguous date, delete."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from bot.core.runtime import Runtime
from storage.marks import Mark
from storage.wechat import WechatConsent
from tests.support.dialog import assert_dialog, say


def _marks(runtime: Runtime, user: str = "u1") -> list[Mark]:
    with Session(runtime.engine) as session:
        query = select(Mark).where(Mark.owner_ref == user).order_by(Mark.registration_number)
        return list(session.exec(query))


def test_add_two_marks_in_one_message_and_list_them_zh(runtime: Runtime) -> None:
    conv = runtime.conversation
    assert_dialog(
        conv,
        [
            (
                "添加商标\n12345678 华星 9;35;42 2016-08-10\n23456789 华星科技 第9类 到期 2027年5月20日",
                "请确认以下2件商标",
            ),
            ("确认", "已保存2件商标"),
            ("同意提醒", "会按期提醒您"),
            ("我的商标", "您的商标（2件）"),
        ],
    )
    marks = _marks(runtime)
    assert [(m.registration_number, m.classes, m.expiry_date) for m in marks] == [
        ("12345678", "9;35;42", dt.date(2026, 8, 9)),
        ("23456789", "9", dt.date(2027, 5, 20)),
    ]
    assert all(m.consent and m.consent_at is not None for m in marks)
    listing = "\n".join(r.text for r in say(conv, "我的商标"))
    # Registered 2016-08-10 -> expires 2026-08-09; on 2026-11-25 it is in the grace period.
    assert "华星（注册号 12345678，第9、35、42类）有效期至 2026-08-09" in listing
    assert "宽展期内" in listing
    assert "续展期内，不加收迟延费的最后一天 2027-05-20" in listing


def test_add_marks_in_english_step_by_step(runtime: Runtime) -> None:
    conv = runtime.conversation
    assert_dialog(
        conv,
        [
            ("add a mark", "Send your marks, one per line"),
            (
                "34567890 Acme 9,35 expires 2027-03-07\n45678901 Acme Tech class 42 2017-08-10",
                "Please confirm the marks below (2)",
            ),
            ("yes", "Saved 2 mark(s)"),
            ("no reminders", "OK, no reminders"),
            ("my marks", "Your marks (2):"),
        ],
        user="en1",
    )
    marks = _marks(runtime, "en1")
    assert [m.expiry_date for m in marks] == [dt.date(2027, 3, 7), dt.date(2027, 8, 9)]
    assert all(not m.consent and m.consent_at is not None for m in marks)
    assert all(m.lang == "en" for m in marks)


def test_an_ambiguous_date_is_asked_back(runtime: Runtime) -> None:
    conv = runtime.conversation
    assert_dialog(
        conv,
        [
            ("add a mark", "Send your marks"),
            ("34567890 Acme 9 registered 03/07/2016", "Line 1 (no. 34567890)"),
            ("July", "Line 1"),  # still not a date: asked again
            ("2016-07-03", "Please confirm the marks below (1)"),
            ("yes", "Saved 1 mark(s)"),
        ],
        user="amb",
    )
    assert [m.registration_date for m in _marks(runtime, "amb")] == [dt.date(2016, 7, 3)]


def test_bad_lines_are_named_and_nothing_is_saved(runtime: Runtime) -> None:
    conv = runtime.conversation
    replies = say(conv, "添加商标\n12345678 华星 99 2016-03-07\nabc 2016-01-01")
    text = "\n".join(r.text for r in replies)
    assert "1. 12345678 华星 99 2016-03-07 — 类别应为1-45之间的数字" in text
    assert "2. abc 2016-01-01 — 每行请以注册号开头" in text
    assert _marks(runtime) == []
    assert_dialog(conv, [("取消", "没有保存")])


def test_delete_a_mark_and_stop_or_renew_by_number(runtime: Runtime) -> None:
    conv = runtime.conversation
    assert_dialog(
        conv,
        [
            ("添加商标\n12345678 华星 9 2016-03-07\n23456789 星辰 35 2020-01-02", "请确认"),
            ("确认", "已保存2件"),
            ("不用", "不发送提醒"),
            ("删除商标 12345678", "已删除商标 12345678"),
            ("删除商标 99999999", "没有找到注册号为 99999999 的商标"),
            ("已续展 23456789", "已记录商标 23456789 已续展"),
            ("我的商标", "已续展，不再提醒"),
        ],
    )
    assert [(m.registration_number, m.status, m.renewed_by) for m in _marks(runtime)] == [
        ("23456789", "renewed", "user")
    ]


def test_marks_are_per_user_and_buttons_of_others_do_nothing(runtime: Runtime) -> None:
    conv = runtime.conversation
    say(conv, "添加商标\n12345678 华星 9 2016-03-07", user="a")
    say(conv, "确认", user="a")
    mark = _marks(runtime, "a")[0]
    assert "没有找到" in say(conv, f"marks:stop:{mark.id}", user="b")[0].text
    assert "您还没有登记商标" in say(conv, "我的商标", user="b")[0].text
    assert _marks(runtime, "a")[0].status == "active"


def test_the_chats_yes_is_not_wechats_subscription_consent(runtime: Runtime) -> None:
    # WeChat's notice consent comes only from its own popup event (issue 22); the chat's
    # "同意提醒" covers reminders inside the conversation window and says how to allow more.
    runtime.settings.wechat_subscribe_template = "TPL1"
    conv = runtime.conversation
    replies = say(conv, "添加商标\n12345678 华星 9 到期 2028-06-30", channel="wechat", user="o1")
    assert "请确认" in replies[0].text
    replies = say(conv, "确认", channel="wechat", user="o1")
    assert "订阅通知" in replies[-1].text
    say(conv, "同意提醒", channel="wechat", user="o1")
    with Session(runtime.engine) as session:
        assert session.exec(select(WechatConsent).where(WechatConsent.openid == "o1")).all() == []


def test_a_question_or_command_in_the_middle_leaves_the_add_flow(runtime: Runtime) -> None:
    conv = runtime.conversation
    assert_dialog(conv, [("添加商标", "请发送商标信息")])
    replies = say(conv, "续展要交多少钱")
    assert all(r.intent != "marks" for r in replies)  # answered by the other skills
    assert_dialog(conv, [("添加商标", "请发送商标信息"), ("我的商标", "您还没有登记商标")])
    # Not in the flow any more: a later line that looks like a mark is not taken as one.
    assert all(r.intent != "marks" for r in say(conv, "12345678 华星 9 2016-03-07"))


def test_the_same_number_twice_in_one_paste_keeps_the_later_line(runtime: Runtime) -> None:
    conv = runtime.conversation
    say(conv, "添加商标\n12345678 华星 9 2016-03-07\n12345678 华星新 9;35 到期 2027-01-01")
    assert_dialog(conv, [("确认", "已保存1件商标")])
    [mark] = _marks(runtime)
    assert (mark.name, mark.classes, mark.expiry_date) == ("华星新", "9;35", dt.date(2027, 1, 1))


def test_a_reminder_asked_in_ones_own_words_starts_the_add_flow(runtime: Runtime) -> None:
    conv = runtime.conversation
    assert_dialog(
        conv,
        [
            ("商标续展有提醒吗", "我会在续展期开始前、截止前按时提醒您"),
            ("12345678 华星 9;35 2017-06-20", "请确认以下1件商标"),
            ("确认", "已保存1件商标"),
        ],
    )
    assert [m.registration_number for m in _marks(runtime)] == ["12345678"]
    assert_dialog(
        conv,
        [("can you remind me when my trademark needs renewing", "I will remind you before")],
        user="u2",
    )
    # A refusal is not a request: it is the privacy skill's (nothing to withdraw here).
    refusal = "\n".join(r.text for r in say(conv, "别提醒我续展了", user="u3"))
    assert "提醒您" not in refusal and "没有需要撤回的同意" in refusal


def test_a_computed_renewal_offers_the_reminders_and_the_button_starts_them(
    runtime: Runtime,
) -> None:
    conv = runtime.conversation
    [reply] = say(conv, "我们商标2017年6月20日注册的 啥时候续展")
    remind = [c for c in reply.choices if c.payload == "marks:add"]
    assert [c.label for c in remind] == ["登记商标，到期提醒我"]
    assert_dialog(
        conv,
        [
            ("marks:add", "请发送商标信息"),
            ("12345678 华星 9 2017-06-20", "请确认以下1件商标"),
            ("确认", "已保存1件商标"),
        ],
    )
    # A mark past its grace period cannot be renewed: nothing to be reminded of.
    [lost] = say(conv, "registered 10 May 2016, when do I renew", user="e1")
    assert all(c.payload != "marks:add" for c in lost.choices)


def test_the_reminder_buttons_label_typed_and_giving_up_in_words(runtime: Runtime) -> None:
    """On WeChat the buttons are text: the label typed back asks for the marks (it was read as a
    mark line); "算了 先不登记了" leaves the flow (it was answered from the FAQ)."""
    conv = runtime.conversation
    assert_dialog(
        conv,
        [
            ("登记商标，到期提醒我", "请发送商标信息"),
            ("算了 先不登记了", "好的，没有保存。"),
        ],
    )
    assert _marks(runtime) == []
    assert_dialog(conv, [("Remind me before it is due", "Send your marks")], user="e1")


def test_small_talk_at_a_step_keeps_the_flow(runtime: Runtime) -> None:
    # Before, "yes" to the prompt for the marks was answered "OK. If there is anything else..."
    # and the flow was gone: the marks typed next were read as a renewal question.
    conv = runtime.conversation
    assert_dialog(
        conv,
        [
            ("can you remind me when my trademark needs renewing", "Send your marks"),
            ("yes", "Send your marks"),
            ("thanks", "Send your marks"),
            ("34567890 Acme 9 expires 2027-03-07", "Please confirm the marks below (1)"),
            ("ok", "Saved 1 mark(s)"),  # at the confirmation, an ok is the answer
            ("sure", "Done: I will remind you"),  # ... and at the consent question
        ],
        user="small-steps",
    )
    marks = _marks(runtime, "small-steps")
    assert [(m.registration_number, m.consent) for m in marks] == [("34567890", True)]
