"""Erasure of one user's personal data, table by table (PIPL art. 47), and what is held on them.

`ERASERS` maps a table name to one small function that removes or anonymises the subject's rows
in that table. A table holding user-identifying columns must have one (or be listed in
`NOT_USER_DATA` with the reason): tests/storage/test_privacy_registry.py inspects
SQLModel.metadata, so a new table cannot be forgotten. What the station's records need stays,
without personal fields: question_log rows keep topic/intent/outcome, bookings already held keep
their slot with the contact masked, tickets keep their number, category and timing.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, MetaData, String, cast, delete, or_, update
from sqlmodel import Session, SQLModel, col, select

from knowledge.pii import find_pii, has_pii, mask_pii
from storage.accounts import AuditLog
from storage.bookings import Booking, BookingStatus, cancel_reminders
from storage.faq_review import HandledQuestion
from storage.marks import Mark, MarkReminder
from storage.models import ChatMessage, ConversationState, ProcessedDelivery, QuestionLog
from storage.outbox import OutboxMessage
from storage.privacy import ConsentRecord
from storage.stats import StatsUserDay, user_key
from storage.ticket_files import TicketFile
from storage.ticket_notes import TicketNote
from storage.tickets import ACTIVE, Ticket, TicketStatus
from storage.web_visitors import WebVisitor
from storage.wechat import WechatConsent, WechatDelivery, WechatUser

__all__ = (
    "ERASED",
    "ERASERS",
    "NOT_USER_DATA",
    "PERSONAL_COLUMNS",
    "REMOVED",
    "Subject",
    "erase_subject",
    "eraser",
    "export_user",
    "find_subject",
    "scrub",
    "summary",
    "unregistered",
)

ERASED = "erased"  # the user_ref of rows kept for the station's records
REMOVED = "[已删除 removed]"
# Column names that identify a user or hold their contact: a table with one needs an eraser.
PERSONAL_COLUMNS = frozenset(
    {
        "user_ref",
        "openid",
        "chat_ref",
        "recipient",
        "phone",
        "contact",
        "contact_name",
        "email",
        "user_name",
        "user_key",
    }
)
# Tables with such a column that hold no user's data, and why.
NOT_USER_DATA: dict[str, str] = {
    "expert": "the station's experts: their work e-mail for booking notices, not a user's",
}


@dataclass
class Subject:
    """One user to erase: their ids, and the phones / e-mails / names found on their rows."""

    channel: str
    user_ref: str
    now: dt.datetime
    refs: set[str] = field(default_factory=set)  # user_ref and chat ids (outbox recipients)
    identifiers: set[str] = field(default_factory=set)  # scrubbed from any free text
    tickets: set[str] = field(default_factory=set)  # ticket numbers
    bookings: set[str] = field(default_factory=set)  # booking codes


Eraser = Callable[[Session, Subject], int]
ERASERS: dict[str, Eraser] = {}


def eraser(table: str) -> Callable[[Eraser], Eraser]:
    """Register `fn` as the eraser of `table` (one per table)."""

    def register(fn: Eraser) -> Eraser:
        if table in ERASERS:
            raise ValueError(f"two erasers for {table}")
        ERASERS[table] = fn
        return fn

    return register


def scrub(text: str, identifiers: Iterable[str]) -> str:
    """`text` without the subject's identifiers, and with any other contact masked."""
    for value in sorted(identifiers, key=len, reverse=True):
        text = text.replace(value, REMOVED)
    return mask_pii(text)


def _scrub_json(value: Any, identifiers: set[str]) -> Any:
    if isinstance(value, str):
        return scrub(value, identifiers)
    if isinstance(value, list):
        return [_scrub_json(v, identifiers) for v in value]
    if isinstance(value, dict):
        return {k: _scrub_json(v, identifiers) for k, v in value.items()}
    return value


def _json_patterns(identifiers: set[str]) -> list[str]:
    # JSON columns store non-ASCII as \\uXXXX escapes on SQLite: look for both spellings.
    out: set[str] = set()
    for value in identifiers:
        out.add(value)
        out.add(json.dumps(value)[1:-1])
    return [f"%{v}%" for v in out if len(v) >= 3]


def _mentions(column: Any, subject: Subject) -> Any:
    patterns = _json_patterns(subject.identifiers)
    if not patterns:
        return None
    return or_(*(cast(column, String).like(p) for p in patterns))


def _mask_name(name: str) -> str:
    return f"{name[:1]}*" if name else ""


def _mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else ""


def _mask_email(email: str | None) -> str | None:
    # The expert of a booking still held can tell which e-mail it was, no one can write to it.
    if not email or "@" not in email:
        return None
    local, domain = email.rsplit("@", 1)
    return f"{local[:1]}***@{domain}"


def unregistered(metadata: MetaData) -> list[str]:
    """Tables of `metadata` holding a user's id or contact with no eraser (nor a reason)."""
    return sorted(
        table.name
        for table in metadata.sorted_tables
        if PERSONAL_COLUMNS & set(table.c.keys())
        and table.name not in ERASERS
        and table.name not in NOT_USER_DATA
    )


def find_subject(*, session: Session, channel: str, user_ref: str, now: dt.datetime) -> Subject:
    """The user with every phone, e-mail, name, chat id, ticket and booking found on their rows."""
    subject = Subject(channel=channel, user_ref=user_ref, now=now, refs={user_ref})
    own = {"channel": channel, "user_ref": user_ref}
    for ticket in session.exec(select(Ticket).filter_by(**own)):
        subject.tickets.add(ticket.number)
        subject.refs.add(ticket.chat_ref or user_ref)
        subject.identifiers.update(v for v in (ticket.contact, ticket.company) if v)
    for booking in session.exec(select(Booking).filter_by(**own)):
        subject.bookings.add(booking.code)
        subject.refs.add(booking.chat_ref or user_ref)
        subject.identifiers.update(
            v for v in (booking.phone, booking.email, booking.contact_name, booking.company) if v
        )
    for text in session.exec(select(ChatMessage.text).filter_by(**own, direction="in")):
        subject.identifiers.update(find_pii(text))
    # A single character or a bare id would scrub other people's words too.
    subject.identifiers = {v for v in subject.identifiers if len(v) >= 2}
    return subject


def erase_subject(
    *, session: Session, channel: str, user_ref: str, now: dt.datetime
) -> dict[str, int]:
    """Run every registered eraser for the user; rows removed or anonymised, by table."""
    subject = find_subject(session=session, channel=channel, user_ref=user_ref, now=now)
    done = {table: fn(session, subject) for table, fn in ERASERS.items()}
    return {table: n for table, n in done.items() if n}


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


@eraser("conversation_state")
def _erase_state(session: Session, s: Subject) -> int:
    stmt = delete(ConversationState).where(
        col(ConversationState.channel) == s.channel, col(ConversationState.user_ref) == s.user_ref
    )
    return _rowcount(session.exec(stmt))  # type: ignore[call-overload]


@eraser("chat_message")
def _erase_transcript(session: Session, s: Subject) -> int:
    stmt = delete(ChatMessage).where(
        col(ChatMessage.channel) == s.channel, col(ChatMessage.user_ref) == s.user_ref
    )
    return _rowcount(session.exec(stmt))  # type: ignore[call-overload]


@eraser("question_log")
def _erase_questions(session: Session, s: Subject) -> int:
    # Kept for the station's figures (topic, intent, outcome); the words go if they are personal.
    rows = session.exec(select(QuestionLog).filter_by(channel=s.channel, user_ref=s.user_ref))
    count = 0
    for row in rows:
        row.user_ref = ERASED
        if has_pii(row.question) or scrub(row.question, s.identifiers) != row.question:
            row.question = ""
        session.add(row)
        count += 1
    return count


@eraser("ticket")
def _erase_tickets(session: Session, s: Subject) -> int:
    rows = session.exec(select(Ticket).filter_by(channel=s.channel, user_ref=s.user_ref))
    count = 0
    for ticket in rows:
        if ticket.status in ACTIVE or ticket.status == TicketStatus.RESOLVED:
            ticket.status, ticket.close_reason = TicketStatus.CLOSED, "erased"
            ticket.closed_at = s.now
        ticket.user_ref, ticket.chat_ref, ticket.user_name = ERASED, None, None
        ticket.question = REMOVED
        ticket.company = ticket.contact = ticket.contact_kind = None
        ticket.contact_consent_at = None
        if ticket.resolution_note:
            ticket.resolution_note = scrub(ticket.resolution_note, s.identifiers)
        session.add(ticket)
        count += 1
    return count


@eraser("ticket_file")
def _erase_ticket_files(session: Session, s: Subject) -> int:
    # Photos, voice and files the user sent to staff during a handoff.
    if not s.tickets:
        return 0
    stmt = delete(TicketFile).where(col(TicketFile.ticket_number).in_(s.tickets))
    return _rowcount(session.exec(stmt))  # type: ignore[call-overload]


@eraser("ticket_note")
def _erase_ticket_notes(session: Session, s: Subject) -> int:
    # Staff notes stay (the station's record of its work) without the user's contact.
    if not s.tickets:
        return 0
    ids = select(Ticket.id).where(col(Ticket.number).in_(s.tickets))
    count = 0
    for note in session.exec(select(TicketNote).where(col(TicketNote.ticket_id).in_(ids))):
        note.text = scrub(note.text, s.identifiers)
        session.add(note)
        count += 1
    return count


@eraser("booking")
def _erase_bookings(session: Session, s: Subject) -> int:
    rows = session.exec(select(Booking).filter_by(channel=s.channel, user_ref=s.user_ref))
    count = 0
    for booking in rows:
        cancel_reminders(session=session, code=booking.code)  # consent to reminders ends too
        held = booking.status == BookingStatus.ACTIVE and booking.slot_start > s.now
        if held:  # the expert still expects someone: the slot stays, the contact is masked
            booking.phone = _mask_phone(booking.phone)
            booking.email = _mask_email(booking.email)
            booking.contact_name = _mask_name(booking.contact_name)
        else:
            booking.phone, booking.contact_name, booking.company = "", "", ""
            booking.email = None
        booking.user_ref, booking.chat_ref = ERASED, None
        booking.question = scrub(booking.question, s.identifiers) if held else ""
        booking.note = scrub(booking.note, s.identifiers)
        booking.notice_consent = False if booking.notice_consent else booking.notice_consent
        session.add(booking)
        count += 1
    return count


@eraser("outbox_message")
def _erase_outbox(session: Session, s: Subject) -> int:
    # Messages still pending (this very turn's replies, staff notices on their way) go out
    # with the user's contact scrubbed; the others go. Retention removes the rest later.
    about: list[ColumnElement[bool]] = [col(OutboxMessage.recipient).in_(s.refs)]
    if s.tickets:
        about.append(
            (col(OutboxMessage.ref_kind) == "ticket") & col(OutboxMessage.ref_id).in_(s.tickets)
        )
    if s.bookings:
        about.append(
            (col(OutboxMessage.ref_kind) == "booking") & col(OutboxMessage.ref_id).in_(s.bookings)
        )
    mentions = _mentions(OutboxMessage.payload, s)
    if mentions is not None:
        about.append(mentions)
    stmt = delete(OutboxMessage).where(col(OutboxMessage.status) != "pending", or_(*about))
    count = _rowcount(session.exec(stmt))  # type: ignore[call-overload]
    if mentions is None:
        return count
    for row in session.exec(select(OutboxMessage).where(mentions)):
        row.payload = _scrub_json(row.payload, s.identifiers)
        session.add(row)
        count += 1
    return count


@eraser("processed_delivery")
def _erase_deliveries(session: Session, s: Subject) -> int:
    # Stored replies of de-duplicated deliveries; web delivery ids start with the user's id.
    about = [col(ProcessedDelivery.delivery_id).startswith(f"{s.user_ref}:")]
    if (mentions := _mentions(ProcessedDelivery.response, s)) is not None:
        about.append(mentions)
    stmt = delete(ProcessedDelivery).where(col(ProcessedDelivery.channel) == s.channel, or_(*about))
    return _rowcount(session.exec(stmt))  # type: ignore[call-overload]


@eraser("privacy_consent")
def _erase_consents(session: Session, s: Subject) -> int:
    stmt = delete(ConsentRecord).where(
        col(ConsentRecord.channel) == s.channel, col(ConsentRecord.user_ref) == s.user_ref
    )
    return _rowcount(session.exec(stmt))  # type: ignore[call-overload]


@eraser("wechat_user")
def _erase_wechat_user(session: Session, s: Subject) -> int:
    if s.channel != "wechat":
        return 0
    stmt = delete(WechatUser).where(col(WechatUser.openid) == s.user_ref)
    return _rowcount(session.exec(stmt))  # type: ignore[call-overload]


@eraser("stats_user_day")
def _erase_stats_user(session: Session, s: Subject) -> int:
    # The roll-up's key is a hash of the user's id, so it could be matched again: give the
    # user's days a random key instead; the counts of active users stay right.
    key = user_key(s.channel, s.user_ref)
    stranger = "x" + secrets.token_hex(15)
    result = session.exec(  # type: ignore[call-overload]
        update(StatsUserDay).where(col(StatsUserDay.user_key) == key).values(user_key=stranger)
    )
    return _rowcount(result)


@eraser("tm_mark")
def _erase_marks(session: Session, s: Subject) -> int:
    # The user's own watched marks go with their reminders; marks from the station's own list
    # (owner "station") are the station's records.
    own = (col(Mark.owner_channel) == s.channel) & (col(Mark.owner_ref) == s.user_ref)
    ids = list(session.exec(select(Mark.id).where(own)))
    if not ids:
        return 0
    session.exec(delete(MarkReminder).where(col(MarkReminder.mark_id).in_(ids)))  # type: ignore[call-overload]
    return _rowcount(session.exec(delete(Mark).where(own)))  # type: ignore[call-overload]


@eraser("web_visitor")
def _erase_web_visitor(session: Session, s: Subject) -> int:
    if s.channel != "web":
        return 0
    stmt = delete(WebVisitor).where(col(WebVisitor.user_ref) == s.user_ref)
    return _rowcount(session.exec(stmt))  # type: ignore[call-overload]


@eraser("wechat_consent")
def _erase_wechat_consent(session: Session, s: Subject) -> int:
    if s.channel != "wechat":
        return 0
    stmt = delete(WechatConsent).where(col(WechatConsent.openid) == s.user_ref)
    return _rowcount(session.exec(stmt))  # type: ignore[call-overload]


@eraser("wechat_delivery")
def _erase_wechat_delivery(session: Session, s: Subject) -> int:
    # Deliveries still being answered (this very turn) finish first; retention removes them.
    if s.channel != "wechat":
        return 0
    stmt = delete(WechatDelivery).where(
        col(WechatDelivery.openid) == s.user_ref,
        col(WechatDelivery.status).in_(["replied", "done"]),
    )
    return _rowcount(session.exec(stmt))  # type: ignore[call-overload]


@eraser("audit_log")
def _erase_audit(session: Session, s: Subject) -> int:
    # The audit trail stays (who did what, when), without the user's personal fields.
    about = [col(AuditLog.target).in_([f"ticket:{n}" for n in s.tickets] or [""])]
    if (mentions := _mentions(AuditLog.detail, s)) is not None:
        about.append(mentions)
    count = 0
    for row in session.exec(select(AuditLog).where(or_(*about))):
        row.detail = _scrub_json(row.detail, s.identifiers)
        session.add(row)
        count += 1
    return count


@eraser("faq_handled_question")
def _erase_handled(session: Session, s: Subject) -> int:
    # Phrasings the admin dealt with: one holding the user's contact goes.
    patterns = [f"%{v.lower()}%" for v in s.identifiers if len(v) >= 3]
    if not patterns:
        return 0
    stmt = delete(HandledQuestion).where(or_(*(col(HandledQuestion.key).like(p) for p in patterns)))
    return _rowcount(session.exec(stmt))  # type: ignore[call-overload]


def _own_rows(session: Session, channel: str, user_ref: str) -> dict[str, list[dict[str, Any]]]:
    # Every table keyed by channel + user_ref, or by the id alone in a channel's own table
    # (web_visitor, wechat_* by openid): new tables come along.
    out: dict[str, list[dict[str, Any]]] = {}
    for table in SQLModel.metadata.sorted_tables:
        cols = table.c
        own_table = table.name.startswith(f"{channel}_")
        where: ColumnElement[bool]
        if "user_ref" in cols and "channel" in cols:
            where = (cols["channel"] == channel) & (cols["user_ref"] == user_ref)
        elif "owner_ref" in cols and "owner_channel" in cols:
            where = (cols["owner_channel"] == channel) & (cols["owner_ref"] == user_ref)
        elif "user_ref" in cols and own_table:
            where = cols["user_ref"] == user_ref
        elif "openid" in cols and own_table:
            where = cols["openid"] == user_ref
        else:
            continue
        rows = session.connection().execute(table.select().where(where)).mappings()
        found = [{k: _plain(v) for k, v in row.items()} for row in rows]
        if found:
            out[table.name] = found
    return out


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date | dt.time) else value


def summary(*, session: Session, channel: str, user_ref: str) -> dict[str, int]:
    """Counts of what is held about the user: messages, questions, tickets, bookings, consents."""
    rows = _own_rows(session, channel, user_ref)
    consents = [c for c in rows.get("privacy_consent", []) if c["withdrawn_at"] is None]
    return {
        "messages": len(rows.get("chat_message", [])),
        "questions": len(rows.get("question_log", [])),
        "tickets": len(rows.get("ticket", [])),
        "bookings": len(rows.get("booking", [])),
        "marks": len(rows.get("tm_mark", [])),
        "consents": len(consents),
    }


def export_user(*, session: Session, channel: str, user_ref: str) -> dict[str, Any]:
    """Everything held about the user, table by table (a formal access request, "my data")."""
    return {
        "user": f"{channel}:{user_ref}",
        "tables": _own_rows(session, channel, user_ref),
    }
