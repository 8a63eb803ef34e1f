"""Personal data in the chat: notice, consent records, "my data", deletion, withdrawal.

The deletion test scans every text column of every table for the user's id, phone and name.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime, build_runtime
from bot.core.settings import Settings
from storage.bookings import Booking
from storage.marks import Mark, MarkReminder
from storage.models import ChatMessage, ConversationState, QuestionLog
from storage.outbox import OutboxMessage
from storage.privacy import ConsentRecord
from storage.ticket_files import TicketFile
from storage.ticket_notes import TicketNote
from storage.tickets import Ticket
from tests.support.booking import book_through, joined
from tests.support.dialog import say
from tests.support.handoff import with_notifiers
from tests.support.privacy import text_hits

PHONE_DIGITS = ("13812345678", "1234 5678", "1234-5678")


@pytest.fixture
def rt(settings: Settings, clock: FixedClock) -> Iterator[Runtime]:
    """A runtime whose staff notifiers are configured (their outbox rows carry user data)."""
    runtime = build_runtime(with_notifiers(settings), clock=clock)
    yield runtime
    runtime.engine.dispose()


def _rows(engine: Engine, model: type, **where: object) -> list:
    with Session(engine) as session:
        return list(session.exec(select(model).filter_by(**where)))  # type: ignore[call-overload]


def _visit(rt: Runtime, user: str = "u1", channel: str = "test") -> None:
    """A user who asks, books with a phone, gives a phone to staff with consent, and asks more."""
    conv = rt.conversation
    say(conv, "你好", user=user, channel=channel)
    say(conv, "续展要交多少钱", user=user, channel=channel)
    say(conv, "没用", user=user, channel=channel)  # so the renewal question goes to staff
    book_through(conv, user=user, channel=channel)
    say(conv, "人工", user=user, channel=channel)
    say(conv, "商标被抢注了，请打电话 138 1234 5678", user=user, channel=channel)
    say(conv, "同意", user=user, channel=channel)
    say(conv, "结束", user=user, channel=channel)
    say(conv, "我的电话13812345678，续展要什么材料", user=user, channel=channel)


def test_welcome_links_the_notice_and_the_notice_answers(rt: Runtime) -> None:
    conv = rt.conversation
    assert "回复“隐私”查看" in joined(say(conv, "你好"))
    assert "reply 'privacy'" in joined(say(conv, "hello", user="e1"))
    notice = joined(say(conv, "隐私"))
    assert "个人信息保护说明" in notice and "/privacy" in notice
    assert "Privacy notice" in joined(say(conv, "privacy", user="e1"))


def test_consents_are_recorded_with_time_channel_and_purpose(
    rt: Runtime, clock: FixedClock
) -> None:
    _visit(rt)
    consents = _rows(rt.engine, ConsentRecord, user_ref="u1")
    assert sorted(c.purpose for c in consents) == ["booking_phone", "contact", "reminders"]
    assert all(c.channel == "test" and c.granted_at == clock.at for c in consents)
    [booking] = _rows(rt.engine, Booking, user_ref="u1")
    assert {c.ref for c in consents if c.purpose != "contact"} == {booking.code}
    assert [c.ref for c in consents if c.purpose == "contact"] == ["T-2026-000001"]


def test_my_data_counts_what_is_held(rt: Runtime) -> None:
    _visit(rt)
    text = joined(say(rt.conversation, "我的数据"))
    assert "转人工工单 1 个" in text and "专家预约 1 个" in text and "有效的同意 3 项" in text
    questions = len(_rows(rt.engine, QuestionLog, user_ref="u1"))
    assert f"提问记录 {questions} 条" in text
    english = joined(say(rt.conversation, "my data", user="e2"))
    assert "0 staff tickets" in english and "0 expert bookings" in english


def test_web_users_get_a_download_link(rt: Runtime) -> None:
    replies = say(rt.conversation, "我的数据", user="w" + "0" * 32, channel="web")
    assert "/privacy/data" in joined(replies) and "w000" not in joined(replies)


def test_telegram_users_get_the_export_as_a_file(rt: Runtime) -> None:
    say(rt.conversation, "续展要交多少钱", user="777", channel="telegram")
    [reply] = say(rt.conversation, "my data", user="777", channel="telegram")
    [(name, mime, content)] = reply.attachments
    data = json.loads(content)
    assert (name, mime) == ("my-data.json", "application/json")
    assert data["user"] == "telegram:777"
    assert [m["text"] for m in data["tables"]["chat_message"]][:1] == ["续展要交多少钱"]


def test_delete_asks_first_and_keeps_everything_on_no(rt: Runtime) -> None:
    _visit(rt)
    before = len(_rows(rt.engine, ChatMessage, user_ref="u1"))
    [ask] = say(rt.conversation, "删除我的数据")
    assert "此操作无法撤销" in ask.text
    assert [c.payload for c in ask.choices] == ["privacy:erase:yes", "privacy:erase:no"]
    assert "没有删除" in joined(say(rt.conversation, "privacy:erase:no"))
    assert len(_rows(rt.engine, ChatMessage, user_ref="u1")) == before + 4
    # "确认删除" without the question just asked is not an erasure.
    say(rt.conversation, "确认删除")
    assert _rows(rt.engine, Ticket, user_ref="u1")


def test_deletion_leaves_no_trace_of_the_user_in_any_table(rt: Runtime) -> None:
    _visit(rt)
    with Session(rt.engine) as session:  # ticket notices went out; booking ones are pending
        for row in session.exec(select(OutboxMessage).filter_by(ref_kind="ticket")):
            row.status = "sent"
            session.add(row)
        session.commit()
    assert text_hits(rt.engine, PHONE_DIGITS)  # the scan sees them before
    with Session(rt.engine) as session:  # a photo sent to staff during the handoff
        [ticket] = session.exec(select(Ticket)).all()
        session.add(TicketNote(ticket_id=ticket.id, author="wang", text="回电 13812345678 张三"))
        session.add(
            TicketFile(
                ticket_number="T-2026-000001", channel="test", kind="image",
                filename="card.jpg", content=b"\xff\xd8 name card 13812345678",
            )
        )  # fmt: skip
        session.commit()
    say(rt.conversation, "删除我的数据")
    done = joined(say(rt.conversation, "确认删除"))
    assert "已删除您的数据" in done and "工单 1 个" in done and "预约 1 个" in done
    assert text_hits(rt.engine, PHONE_DIGITS) == []
    assert text_hits(rt.engine, ("张三",)) == []
    with Session(rt.engine) as session:
        for table in SQLModel.metadata.sorted_tables:
            if "user_ref" in table.c:
                rows = session.connection().execute(table.select().where(table.c.user_ref == "u1"))
                assert list(rows) == [], table.name
    # What the station's records need stays, without the person.
    [ticket] = _rows(rt.engine, Ticket)
    assert (ticket.user_ref, ticket.contact, ticket.category) == ("erased", None, "renewal")
    [booking] = _rows(rt.engine, Booking)
    assert booking.status == "active" and booking.phone == "138****5678"
    assert booking.contact_name == "张*" and booking.user_ref == "erased"
    logs = _rows(rt.engine, QuestionLog)
    assert logs and all(q.user_ref == "erased" for q in logs)
    assert "续展要交多少钱" in [q.question for q in logs]  # no personal data: the words stay
    assert _rows(rt.engine, ConversationState, user_ref="u1") == []
    assert _rows(rt.engine, TicketFile) == []
    # A new message starts afresh.
    assert "回复“隐私”查看" in joined(say(rt.conversation, "你好"))


def test_other_users_are_untouched(rt: Runtime) -> None:
    say(rt.conversation, "续展要交多少钱", user="other")
    _visit(rt)
    say(rt.conversation, "删除我的数据")
    say(rt.conversation, "确认删除")
    assert len(_rows(rt.engine, ChatMessage, user_ref="other")) == 2
    assert _rows(rt.engine, QuestionLog, user_ref="other")


def test_stop_reminders_withdraws_and_cancels_pending_reminders(rt: Runtime) -> None:
    book_through(rt.conversation)
    with Session(rt.engine) as session:
        reminders = session.exec(
            select(OutboxMessage).where(col(OutboxMessage.dedupe_key).contains(":remind-"))
        ).all()
        assert reminders and all(r.status == "pending" for r in reminders)
    assert "已取消提醒" in joined(say(rt.conversation, "取消提醒"))
    with Session(rt.engine) as session:
        statuses = {
            r.status
            for r in session.exec(
                select(OutboxMessage).where(col(OutboxMessage.dedupe_key).contains(":remind-"))
            )
        }
    assert statuses == {"cancelled"}
    [reminder] = [c for c in _rows(rt.engine, ConsentRecord) if c.purpose == "reminders"]
    assert reminder.withdrawn_at is not None
    assert "没有需要撤回" in joined(say(rt.conversation, "取消提醒"))


def test_withdraw_consent_removes_the_ticket_contact(rt: Runtime) -> None:
    conv = rt.conversation
    say(conv, "human", user="e3")
    say(conv, "my mark was copied", user="e3")
    say(conv, "mail me at li.na@example.com", user="e3")
    say(conv, "yes", user="e3")
    say(conv, "done", user="e3")
    assert _rows(rt.engine, Ticket)[0].contact == "li.na@example.com"
    assert "withdrawn (1)" in joined(say(conv, "withdraw consent", user="e3"))
    assert _rows(rt.engine, Ticket)[0].contact is None


def test_privacy_words_inside_a_question_go_to_the_faq(rt: Runtime) -> None:
    # Only the exact phrases are ours: a question that mentions data is not a command.
    replies = say(rt.conversation, "商标注册需要提供我的数据吗")
    assert all(r.intent != "privacy" for r in replies)


def test_log_lines_never_carry_a_phone_or_e_mail(
    rt: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    log = logging.getLogger("tmbot.test")
    log.warning("user wrote %r", "电话 13812345678 邮箱 li.na@example.com")
    log.info("plain %s", "续展要交多少钱")
    assert "13812345678" not in caplog.text and "li.na@example.com" not in caplog.text
    assert "138****5678" in caplog.text and "l***@example.com" in caplog.text
    assert "plain 续展要交多少钱" in caplog.text


def _watch_a_mark(rt: Runtime, user: str = "u1") -> None:
    with Session(rt.engine) as session:
        mark = Mark(
            owner_channel="test",
            owner_ref=user,
            registration_number="12345678",
            name="好运来",
            expiry_date=dt.date(2027, 3, 6),
            phone="13812345678",
            consent=True,
        )
        session.add(mark)
        session.flush()
        assert mark.id is not None
        session.add(
            MarkReminder(
                mark_id=mark.id,
                expiry_date=mark.expiry_date,
                milestone="6m",
                due_date=dt.date(2026, 9, 6),
                channel="test",
            )
        )
        session.add(
            Mark(
                owner_channel="station",
                owner_ref="station",
                registration_number="87654321",
                name="站内名单",
                expiry_date=dt.date(2027, 5, 1),
            )
        )
        session.commit()


def test_watched_marks_are_counted_stopped_and_erased(rt: Runtime) -> None:
    _watch_a_mark(rt)
    assert "关注的商标 1 个" in joined(say(rt.conversation, "我的数据"))
    assert "已取消提醒" in joined(say(rt.conversation, "取消提醒"))
    assert [m.consent for m in _rows(rt.engine, Mark, owner_ref="u1")] == [False]
    say(rt.conversation, "删除我的数据")
    assert "商标 1 个" in joined(say(rt.conversation, "确认删除"))
    assert [m.owner_ref for m in _rows(rt.engine, Mark)] == ["station"]  # the station's list stays
    assert _rows(rt.engine, MarkReminder) == []
    assert text_hits(rt.engine, PHONE_DIGITS) == []


def test_privacy_requests_in_ones_own_words(rt: Runtime) -> None:
    """A clerk asks about their data as they would ask a person; a question about a mark's data
    stays a trademark question."""
    conv = rt.conversation
    for question in ("你们会泄露我的信息吗", "我的个人信息安全吗"):
        assert "个人信息保护说明" in joined(say(conv, question))
    for question in ("do you share my data with anyone", "what is your privacy policy"):
        assert "Privacy notice" in joined(say(conv, question, user="e1"))
    assert "我们保存的与您有关的数据" in joined(say(conv, "你们存了我哪些信息"))
    assert "确认删除您的数据吗" in joined(say(conv, "把我的聊天记录删了", user="u2"))
    assert "确认删除您的数据吗" not in joined(say(conv, "不删了", user="u2"))  # kept
    assert "Delete your data?" in joined(say(conv, "please delete all my data", user="e2"))
    book_through(conv, user="u3")
    assert "已取消提醒" in joined(say(conv, "不要再提醒我了", user="u3"))
    for question in ("删除商标信息怎么办", "商标申请人的个人信息会公开吗"):
        answer = joined(say(conv, question, user="u4"))
        assert "个人信息保护说明" not in answer and "确认删除" not in answer


def test_a_plain_yes_or_no_answers_the_erasure_question(rt: Runtime) -> None:
    """On a channel without buttons a clerk types "yes" or "是的", not the button's label: that
    answers the question just asked; it is not small talk that drops it."""
    conv = rt.conversation
    for user, ask, yes in (("e1", "delete my data", "Yes!"), ("z1", "删除我的数据", "是的")):
        say(conv, "续展要交多少钱", user=user)
        say(conv, ask, user=user)
        say(conv, yes, user=user)
        assert _rows(rt.engine, ChatMessage, user_ref=user) == [], user
    say(conv, "续展要交多少钱", user="e2")
    say(conv, "delete my data", user="e2")
    assert "nothing was deleted" in joined(say(conv, "nope", user="e2"))
    assert _rows(rt.engine, ChatMessage, user_ref="e2")
    # Asked afresh, "yes" alone erases nothing: the question was not just asked.
    say(conv, "yes", user="e2")
    assert _rows(rt.engine, ChatMessage, user_ref="e2")
