"""Escalation to staff as dialogs, in Chinese and English, against the fixture corpus."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlmodel import Session

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime, build_runtime
from bot.core.settings import Settings
from bot.handoff import helpdesk
from storage.tickets import get_ticket
from tests.support.dialog import assert_dialog, say
from tests.support.handoff import (
    conversation_status,
    deliver_all,
    outbox_rows,
    ticket_lines,
    tickets,
    with_notifiers,
)


@pytest.fixture
def rt(settings: Settings, clock: FixedClock) -> Iterator[Runtime]:
    """A runtime whose staff notifiers are all configured."""
    runtime = build_runtime(with_notifiers(settings), clock=clock)
    yield runtime
    runtime.engine.dispose()


def _texts(replies: list) -> str:
    return "\n".join(r.text for r in replies)


def test_asking_for_a_person_opens_a_ticket_with_the_question_before(rt: Runtime) -> None:
    conv = rt.conversation
    assert_dialog(
        conv,
        [
            ("续展要交多少钱", "450元"),
            ("没用", ""),
            ("人工", "工单号 T-2026-000001"),
        ],
    )
    [ticket] = tickets(rt)
    assert (ticket.question, ticket.reason, ticket.category) == (
        "续展要交多少钱",
        "asked",
        "renewal",
    )
    assert ticket.status == "open" and conversation_status(rt, "u1") == "human"
    # 10:00 on a Wednesday + 120 working minutes: due at 12:00 station time (04:00 UTC).
    assert ticket.first_response_due == dt.datetime(2026, 11, 25, 4, 0, tzinfo=dt.UTC)
    lines = [(m.direction, m.text[:6]) for m in ticket_lines(rt, ticket.number)]
    assert lines[:2] == [("in", "续展要交多少"), ("out", "续展官费每类")]
    assert "今天 12:00" in _texts(say(conv, "转人工，商标被抢注了", user="u9"))


def test_a_question_answered_well_is_not_the_problem_for_staff(rt: Runtime) -> None:
    # The answer did its work: a later request for a person asks what it is about, in both
    # languages, whether the request is the bare word or a sentence.
    for user, question, request, asked in (
        ("z1", "续展要交多少钱", "人工", "说明您的问题"),
        ("z2", "续展要交多少钱", "转人工吧", "说明您的问题"),
        ("e1", "how much is the renewal fee", "let me talk to a human", "what is your question"),
    ):
        assert "450" in _texts(say(rt.conversation, question, user=user))
        assert asked in _texts(say(rt.conversation, request, user=user))
    assert tickets(rt) == []
    # The next message is the question: it opens the ticket.
    assert "T-2026-000001" in _texts(say(rt.conversation, "商标被驳回了，想复审", user="z2"))
    assert tickets(rt)[0].question == "商标被驳回了，想复审"


def test_a_request_stating_no_problem_asks_for_one(rt: Runtime) -> None:
    # Whether anyone is there, that the bot did not help, how urgent it is: no problem yet.
    for user, request, asked in (
        ("n1", "有真人吗 机器人说不明白", "说明您的问题"),
        ("n2", "人工客服在不在 挺急的", "说明您的问题"),
        ("n3", "can i get an actual person on this? kinda urgent", "what is your question"),
        ("n4", "is there a real person here? your bot doesn't get it", "what is your question"),
    ):
        assert asked in _texts(say(rt.conversation, request, user=user))
    assert tickets(rt) == []
    say(rt.conversation, "customs are holding our shipment over a mark", user="n3")
    [ticket] = tickets(rt)
    assert ticket.priority == "high"  # the urgency said with the request is kept


def test_staff_are_told_by_every_configured_notifier(rt: Runtime) -> None:
    say(rt.conversation, "续展要交多少钱")
    say(rt.conversation, "没用")
    say(rt.conversation, "人工")
    rows = outbox_rows(rt)
    assert [(r.sender, r.recipient) for r in rows] == [
        ("telegram", "-1001111111111"),
        ("wecom", "group"),
        ("email", "duty@station.example.cn"),
        ("email", "lead@station.example.cn"),
    ]
    text = rows[0].payload["text"]
    assert "新工单" in text and "T-2026-000001" in text and "续展要交多少钱" in text
    assert rows[2].payload["subject"] == "[tmbot] 新工单 New ticket T-2026-000001"
    assert all(r.ref_kind == "ticket" and r.ref_id == "T-2026-000001" for r in rows)


def test_english_user_without_a_question_is_asked_for_one(rt: Runtime) -> None:
    conv = rt.conversation
    assert_dialog(
        conv,
        [
            ("human", "what is your question"),
            ("A distributor registered my brand in class 30", "your ticket is T-2026-000001"),
        ],
    )
    assert tickets(rt)[0].question == "A distributor registered my brand in class 30"
    assert tickets(rt)[0].lang == "en"


def test_asking_can_be_cancelled(rt: Runtime) -> None:
    assert_dialog(rt.conversation, [("客服", "说明您的问题"), ("取消", "已取消转人工")])
    assert tickets(rt) == [] and conversation_status(rt, "u1") == "bot"


def test_request_with_the_question_inline(rt: Runtime) -> None:
    say(rt.conversation, "转人工，我的商标被经销商抢注了怎么办")
    assert tickets(rt)[0].question == "我的商标被经销商抢注了怎么办"


def test_menu_item_reaches_the_handoff_skill(rt: Runtime) -> None:
    say(rt.conversation, "续展要交多少钱")
    say(rt.conversation, "没用")
    assert "T-2026-000001" in _texts(say(rt.conversation, "menu:human"))


def test_while_human_the_bot_relays_and_says_so_once(rt: Runtime) -> None:
    conv = rt.conversation
    say(conv, "续展要交多少钱")
    say(conv, "没用")  # rated unhelpful: the user's problem for staff
    say(conv, "人工")
    before = len(outbox_rows(rt))
    first = say(conv, "注册号是 12345678，第30类")
    assert "工作人员会在这里回复您" in _texts(first)
    assert say(conv, "续展要交多少钱") == []  # not answered by the FAQ: staff own it now
    assert "正在处理中" in _texts(say(conv, "faq:renewal-fee"))  # an old button: not relayed
    lines = [m.text for m in ticket_lines(rt, "T-2026-000001")]
    assert "注册号是 12345678，第30类" in lines and "续展要交多少钱" in lines[-4:]
    notices = outbox_rows(rt)[before:]
    # Chat notifiers hear of each message; e-mail only of new tickets.
    assert {r.sender for r in notices} == {"telegram", "wecom"} and len(
        notices
    ) == 4  # not the button
    assert "用户消息" in notices[0].payload["text"]


def test_done_ends_the_handoff_and_the_bot_answers_again(rt: Runtime) -> None:
    conv = rt.conversation
    assert_dialog(
        conv,
        [
            ("人工", "说明您的问题"),
            ("商标被驳回了，想复审", "T-2026-000001"),
            ("结束", "已结束人工服务"),
            ("续展要交多少钱", "450元"),
        ],
    )
    ticket = tickets(rt)[0]
    assert ticket.status == "closed" and ticket.closed_at is not None
    assert conversation_status(rt, "u1") == "bot"
    assert ticket.rating_requested_at is None  # nobody from staff had answered: nothing to rate


@pytest.mark.parametrize(
    ("ask", "never_mind", "said"),
    [
        ("转人工，商标被驳回了想复审", "算了 不用了", "已撤回转人工请求"),
        (
            "can i talk to someone about my renewal",
            "actually never mind",
            "request for a person is withdrawn",
        ),
    ],
)
def test_never_mind_before_staff_take_it_withdraws_the_request(
    rt: Runtime, ask: str, never_mind: str, said: str
) -> None:
    conv = rt.conversation
    assert "T-2026-000001" in _texts(say(conv, ask))
    before = len(outbox_rows(rt))
    assert said in _texts(say(conv, never_mind))
    ticket = tickets(rt)[0]
    assert (ticket.status, ticket.close_reason) == ("closed", "user")
    assert conversation_status(rt, "u1") == "bot"
    assert any("T-2026-000001" in r.payload.get("text", "") for r in outbox_rows(rt)[before:])
    assert "450" in _texts(say(conv, "续展要交多少钱"))  # the bot answers again


def test_never_mind_once_staff_took_the_ticket_is_said_to_them(
    rt: Runtime, clock: FixedClock
) -> None:
    conv = rt.conversation
    say(conv, "转人工，商标被驳回了想复审")
    with Session(rt.engine) as session:
        ticket = get_ticket(session=session, number="T-2026-000001")
        assert ticket is not None
        helpdesk.reply(
            session=session, ticket=ticket, staff="wang", text="要不要约专家？", now=clock.at
        )
        session.commit()
    deliver_all(rt, clock)
    say(conv, "算了 不用了")
    assert tickets(rt)[0].status != "closed" and conversation_status(rt, "u1") == "human"
    assert "算了 不用了" in [m.text for m in ticket_lines(rt, "T-2026-000001")]


def test_english_done_after_a_staff_reply_asks_for_a_rating(rt: Runtime, clock: FixedClock) -> None:
    conv = rt.conversation
    say(conv, "talk to a human about my opposition", user="en1")
    with Session(rt.engine) as session:
        ticket = get_ticket(session=session, number="T-2026-000001")
        assert ticket is not None
        helpdesk.reply(
            session=session, ticket=ticket, staff="wang", text="Hi, looking.", now=clock.at
        )
        session.commit()
    deliver_all(rt, clock)  # a reply counts once it reached the user
    replies = say(conv, "done", user="en1")
    assert "Handoff ended" in replies[0].text and "rate" in replies[0].text
    assert [c.payload for c in replies[0].choices] == [f"rate:{n}" for n in range(1, 6)]
    assert "Thank you for rating" in _texts(say(conv, "4", user="en1"))  # "4" picks rate:4
    assert tickets(rt)[0].rating == 4


def test_two_weak_answers_in_a_row_offer_staff(rt: Runtime) -> None:
    conv = rt.conversation
    first = say(conv, "今天北京天气怎么样")
    assert "handoff:open" not in [c.payload for c in first[-1].choices]
    second = say(conv, "给我讲个笑话")
    assert "需要请工作人员帮您看看吗" in second[-1].text
    payloads = [c.payload for c in second[-1].choices]
    assert payloads[-1] == "handoff:open" and "menu:human" not in payloads
    assert tickets(rt) == []  # offered, not opened unasked
    say(conv, "handoff:open")
    ticket = tickets(rt)[0]
    assert (ticket.reason, ticket.question) == ("low_confidence", "给我讲个笑话")


def test_weak_answers_in_english_offer_staff(rt: Runtime) -> None:
    say(rt.conversation, "tell me a joke about cats", user="e2")
    replies = say(rt.conversation, "what is the weather in Paris", user="e2")
    assert "Shall I ask a member of staff" in replies[-1].text
    assert replies[-1].choices[-1].label == "Talk to staff"


def test_not_helpful_then_a_question_offers_staff(rt: Runtime) -> None:
    conv = rt.conversation
    say(conv, "续展要交多少钱")
    assert "抱歉没能帮上忙" in _texts(say(conv, "没用"))
    replies = say(conv, "那宽展期要交多少钱")
    assert "可以转给工作人员" in replies[-1].text
    say(conv, "人工")  # typing it takes the offer just as the button does
    ticket = tickets(rt)[0]
    assert (ticket.reason, ticket.question) == ("not_helpful", "那宽展期要交多少钱")


def test_needs_staff_topic_offers_staff_with_high_priority(rt: Runtime) -> None:
    conv = rt.conversation
    replies = say(conv, "有人侵权我的商标")
    assert "保存证据" in replies[-1].text and "要为您转接工作人员吗" in replies[-1].text
    say(conv, "handoff:open")
    ticket = tickets(rt)[0]
    assert (ticket.reason, ticket.priority, ticket.category) == ("needs_staff", "high", "disputes")


def test_phone_number_is_kept_only_with_consent(rt: Runtime) -> None:
    conv = rt.conversation
    say(conv, "人工")
    say(conv, "商标被抢注")
    assert "是否同意保存" in _texts(say(conv, "我的手机 138-1234-5678"))
    lines = [m.text for m in ticket_lines(rt, "T-2026-000001")]
    assert "我的手机 138****5678" in lines and not any("1234-5678" in t for t in lines)
    assert tickets(rt)[0].contact is None
    assert "已保存" in _texts(say(conv, "同意"))
    ticket = tickets(rt)[0]
    assert (ticket.contact, ticket.contact_kind) == ("13812345678", "phone")
    assert ticket.contact_consent_at is not None


def test_refused_consent_and_invalid_numbers_store_nothing(rt: Runtime) -> None:
    conv = rt.conversation
    say(conv, "human", user="e3")
    say(conv, "my mark was copied", user="e3")
    assert "May we save it" in _texts(say(conv, "mail me at Li.Na@example.com", user="e3"))
    assert "not saved" in _texts(say(conv, "no", user="e3"))
    assert "not look like a mainland China mobile" in _texts(say(conv, "12345678901", user="e3"))
    assert tickets(rt)[0].contact is None


def test_company_name_is_noted(rt: Runtime) -> None:
    say(rt.conversation, "人工")
    say(rt.conversation, "商标被抢注")
    assert "已记下公司名称" in _texts(say(rt.conversation, "公司：杭州小熊食品有限公司"))
    assert tickets(rt)[0].company == "杭州小熊食品有限公司"


def test_off_hours_say_when_staff_will_answer(rt: Runtime, clock: FixedClock) -> None:
    clock.at = dt.datetime(2026, 11, 28, 2, 0, tzinfo=dt.UTC)  # Saturday 10:00
    replies = say(rt.conversation, "转人工，商标被抢注")
    text = _texts(replies)
    assert "现在不是工作时间" in text and "周一至周五 09:00-17:30" in text
    assert "11月30日（周一）09:00" in text and "11月30日（周一）11:00" in text


def test_public_holiday_counts_as_closed(rt: Runtime, clock: FixedClock) -> None:
    clock.at = dt.datetime(2026, 10, 2, 2, 0, tzinfo=dt.UTC)  # National Day holiday, a Friday
    text = _texts(say(rt.conversation, "talk to a human about my renewal", user="e4"))
    assert "The station is closed now" in text
    # 8 October is the first working day after the Golden Week.
    assert tickets(rt)[0].first_response_due == dt.datetime(2026, 10, 8, 3, 0, tzinfo=dt.UTC)


def test_rating_after_resolution_closes_the_ticket(rt: Runtime, clock: FixedClock) -> None:
    conv = rt.conversation
    say(conv, "续展要交多少钱")
    say(conv, "没用")  # rated unhelpful: the user's problem for staff
    say(conv, "人工")
    with Session(rt.engine) as session:
        ticket = get_ticket(session=session, number="T-2026-000001")
        assert ticket is not None
        helpdesk.resolve(
            session=session, ticket=ticket, staff="wang", note="已电话说明", now=clock.at
        )
        session.commit()
    assert conversation_status(rt, "u1") == "bot"
    told = outbox_rows(rt, "test")[-1].payload
    assert "已处理完" in told["text"] and "已电话说明" in told["text"] and "1-5" in told["text"]
    assert "谢谢您的评价" in _texts(say(conv, "5分"))
    ticket = tickets(rt)[0]
    assert (ticket.rating, ticket.status) == (5, "closed")
    assert "450元" in _texts(say(conv, "续展要交多少钱"))  # back to the bot
    assert "谢谢您的评价" not in _texts(say(conv, "3"))  # rated once only


def test_a_channel_retry_opens_no_second_ticket(rt: Runtime) -> None:
    say(rt.conversation, "续展要交多少钱")
    say(rt.conversation, "没用")
    first = say(rt.conversation, "人工", delivery_id="m-1")
    again = say(rt.conversation, "人工", delivery_id="m-1")
    assert _texts(first) == _texts(again)
    assert len(tickets(rt)) == 1 and len(outbox_rows(rt, "email")) == 2


def test_numbers_count_up_per_year(rt: Runtime, clock: FixedClock) -> None:
    for user in ("a", "b"):
        say(rt.conversation, "转人工，商标被抢注", user=user)
    clock.at = dt.datetime(2027, 1, 4, 2, 0, tzinfo=dt.UTC)
    say(rt.conversation, "转人工，商标被抢注", user="c")
    assert [t.number for t in tickets(rt)] == ["T-2026-000001", "T-2026-000002", "T-2027-000001"]


def test_a_rating_typed_after_another_question_is_kept(rt: Runtime, clock: FixedClock) -> None:
    conv = rt.conversation
    say(conv, "续展要交多少钱")
    say(conv, "没用")  # rated unhelpful: the user's problem for staff
    say(conv, "人工")
    with Session(rt.engine) as session:
        ticket = get_ticket(session=session, number="T-2026-000001")
        assert ticket is not None
        helpdesk.resolve(session=session, ticket=ticket, staff="wang", note="已说明", now=clock.at)
        session.commit()
    assert "相关问题" in _texts(say(conv, "续展要交多少钱"))  # a numbered list of one item
    assert "谢谢您的评价" in _texts(say(conv, "5"))  # not "there is no option 5"
    assert tickets(rt)[0].rating == 5


def test_an_errand_from_the_users_boss_is_no_request_for_staff(rt: Runtime) -> None:
    # "领导让我问下 ...": the user's own boss sent them; the question follows, no ticket.
    for user, text in (
        ("b1", "领导让我问下 续展要交多少钱"),
        ("b2", "老板叫我来咨询下 续展要交多少钱"),
        ("b3", "my boss asked me to find out how much the renewal fee is"),
        ("b4", "领导让我问问"),
    ):
        replies = say(rt.conversation, text, user=user)
        assert all(r.intent != "handoff" for r in replies), text
    assert tickets(rt) == []
    # Staff asked for after the errand are still staff asked for.
    assert "说明您的问题" in _texts(say(rt.conversation, "老板让我找你们工作人员聊聊", user="b5"))


@pytest.mark.parametrize(
    ("answer", "saved"),
    [("好的谢谢", True), ("ok thanks", True), ("不用了", False), ("不用了谢谢", False)],
)
def test_consent_answered_with_thanks_or_not_needed(rt: Runtime, answer: str, saved: bool) -> None:
    """A yes with thanks saves the number (before, "好的谢谢" was relayed and the number lost);
    "不用了" to the consent question declines saving it and keeps the request open (before, it
    withdrew the request)."""
    conv = rt.conversation
    say(conv, "人工", user="c1")
    say(conv, "商标被抢注", user="c1")
    say(conv, "我的手机 138-1234-5678", user="c1")
    texts = _texts(say(conv, answer, user="c1"))
    assert ("已保存" in texts or "Saved" in texts) is saved
    ticket = tickets(rt)[0]
    assert (ticket.contact == "13812345678") is saved
    assert ticket.status != "closed"
