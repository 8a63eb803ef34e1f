"""Ticket operations shared by the chat skill, the staff console, the Telegram staff group and CLI.

Every change and the deliveries it causes (staff notices, replies to the user) are written in
the caller's transaction through the outbox, so a notice exists exactly when its change does.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlmodel import Session, col, func, select

from bot.core.hours import StationHours
from bot.core.settings import Settings
from bot.delivery.forecast import forecast
from bot.delivery.messages import QueuedMessage, queue_message
from bot.delivery.parts import limit_for, split_parts
from bot.handoff.alias import user_alias
from bot.handoff.states import TicketAction, next_status
from bot.handoff.texts import ht
from storage.conversations import TurnState, add_message, get_state
from storage.errors import InvalidTransition, TmbotError
from storage.outbox import UNSENT, OutboxMessage, enqueue
from storage.tickets import (
    CloseReason,
    Ticket,
    TicketStatus,
    active_ticket,
    claim_ticket,
    close_unrated,
    create_ticket,
    last_message_id,
    mark_sla_alerted,
    message_bounds,
)

__all__ = (
    "TicketQuota",
    "alert_sla_breach",
    "check_ticket_quota",
    "claim",
    "close_by_user",
    "expire_unrated",
    "notify_staff",
    "open_ticket",
    "rate",
    "reopen",
    "reply",
    "reply_queued",
    "reply_waiting",
    "resolve",
    "staff_writes",
    "to_user",
    "user_label",
    "user_wrote",
)

logger = logging.getLogger(__name__)
SNAPSHOT_AGE = dt.timedelta(hours=24)  # older lines are another conversation
RATE_CHOICES = tuple((str(n), f"rate:{n}") for n in range(1, 6))
_EVENT_TITLES = {
    "new": "新工单 New ticket",
    "message": "用户消息 User message",
    "closed": "用户已结束 Closed by user",
    "sla_breach": "超时未响应 SLA breached",
    "sla_waiting": "超时·回复待送达 Past due, reply waiting for the user",
}
# Events every staff notifier hears of, e-mail included (it is not told of each chat line).
_ALERTS = ("new", "sla_breach", "sla_waiting")


def open_ticket(
    *,
    session: Session,
    settings: Settings,
    now: dt.datetime,
    state: TurnState,
    chat_ref: str | None,
    question: str,
    reason: str,
    category: str = "general",
    priority: str = "normal",
    user_name: str | None = None,
) -> Ticket:
    """Open a ticket for the user of `state`, hand the conversation to staff and notify them.

    `user_name`: how the channel names the user (Telegram: name, @username, language).
    """
    check_ticket_quota(session=session, settings=settings, now=now, state=state)
    hours = StationHours.from_settings(settings)
    first, _last = message_bounds(
        session=session,
        channel=state.channel,
        user_ref=state.user_ref,
        since=now - SNAPSHOT_AGE,
    )
    ticket = Ticket(
        number="",
        channel=state.channel,
        user_ref=state.user_ref,
        chat_ref=chat_ref,
        user_name=user_name,
        lang=state.lang,
        question=question[:2000],
        reason=reason,
        category=category,
        priority=priority,
        created_at=now,
        updated_at=now,
        first_response_due=hours.add_working_minutes(now, settings.handoff_sla_minutes),
        transcript_from_id=first,
    )
    ticket, created = create_ticket(
        session=session, year=now.astimezone(hours.tz).year, ticket=ticket
    )
    if not created:
        # The same user's other click or worker won: one ticket, staff told once.
        state.status = "human"
        return ticket
    state.status = "human"
    due = hours.describe(ticket.first_response_due, "zh", now)
    body = (
        f"渠道 Channel: {ticket.channel} · 用户 User: {user_label(ticket)}\n"
        f"分类 Category: {category} · 优先级 Priority: {priority} · 触发 Reason: {reason}\n"
        f"问题 Question: {ticket.question}\n首次响应期限 Due: {due}"
    )
    notify_staff(
        session=session, settings=settings, ticket=ticket, event="new", body=body, not_before=now
    )
    logger.info("ticket %s opened (%s, %s)", ticket.number, ticket.channel, reason)
    return ticket


class TicketQuota(TmbotError):
    """The user opened `max` tickets within the last hour and has none open."""

    def __init__(self, max_per_hour: int) -> None:
        super().__init__(f"{max_per_hour} tickets an hour")
        self.max = max_per_hour


def check_ticket_quota(
    *, session: Session, settings: Settings, now: dt.datetime, state: TurnState
) -> None:
    """Raise TicketQuota when the user has no active ticket and opened too many this hour
    (an active ticket is simply reused, see storage/tickets.create_ticket)."""
    recent = session.exec(
        select(func.count()).where(
            col(Ticket.channel) == state.channel,
            col(Ticket.user_ref) == state.user_ref,
            col(Ticket.created_at) >= now - dt.timedelta(hours=1),
        )
    ).one()
    if recent < settings.handoff_max_per_hour:
        return
    if active_ticket(session=session, channel=state.channel, user_ref=state.user_ref) is None:
        logger.warning("ticket quota: a %s user opened %d this hour", state.channel, recent)
        raise TicketQuota(settings.handoff_max_per_hour)


def notify_staff(
    *,
    session: Session,
    settings: Settings,
    ticket: Ticket,
    event: str,
    body: str,
    once: bool = False,
    not_before: dt.datetime | None = None,
) -> list[OutboxMessage]:
    """Queue a notice to every configured notifier; e-mail only hears of new and late tickets.

    `once`: each row gets a dedupe key (ticket, event, notifier, recipient), so a second notice
    of the same event fails on the outbox's unique key instead of reaching staff twice.
    """
    text = f"【{_EVENT_TITLES.get(event, event)}】{ticket.number}\n{body}"
    if event in _ALERTS and settings.telegram_staff_chat:
        text += (
            "\n回复此消息即可答复用户；回复 /claim 认领，/resolve 说明 结案。"
            "\nReply to this message to answer the user; /claim to claim, /resolve NOTE to close."
        )
    if settings.public_url:
        text += f"\n{settings.public_url.rstrip('/')}/staff/tickets/{ticket.number}"
    targets: list[tuple[str, str]] = []
    staff_chat = settings.telegram_staff_chat
    if staff_chat:
        targets.append(("telegram", str(staff_chat)))
    if settings.wecom_webhook_url:
        targets.append(("wecom", "group"))
    if event in _ALERTS and settings.smtp_host:
        addresses = [a.strip() for a in settings.staff_emails.split(",") if a.strip()]
        targets += [("email", a) for a in addresses]
    rows = []
    for sender, recipient in targets:
        payload: dict[str, object] = {"text": text, "ticket": ticket.number, "event": event}
        if sender == "email":
            payload["subject"] = f"[tmbot] {_EVENT_TITLES.get(event, event)} {ticket.number}"
        if sender == "telegram" and ticket.status == TicketStatus.OPEN and event in _ALERTS:
            # The staff group's "claim" button, while there is something to claim.
            claim_payload = f"ticket:claim:{ticket.number}"
            payload["choices"] = [{"label": "认领 Claim", "payload": claim_payload}]
        rows.append(
            enqueue(
                session=session,
                sender=sender,
                recipient=recipient,
                payload=payload,
                ref_kind="ticket",
                ref_id=ticket.number,
                dedupe_key=f"ticket:{ticket.number}:{event}:{sender}:{recipient}"[:200]
                if once
                else None,
                not_before=not_before,
            )
        )
    return rows


def user_label(ticket: Ticket) -> str:
    """How staff recognise the user: the channel's name for them and the ticket's alias.

    Never the channel id: a web visitor's id is their identity cookie (see bot/handoff/alias.py).
    """
    if ticket.user_name:
        return f"{ticket.user_name} ({user_alias(ticket)})"
    return user_alias(ticket)


def _waited(delta: dt.timedelta, lang: str) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    if days:
        return ht("waited.days", lang, d=days, h=rest // 60)
    if minutes >= 60:
        return ht("waited.hours", lang, h=minutes // 60, m=minutes % 60)
    return ht("waited.minutes", lang, m=minutes)


def _unsent_to_user(session: Session, ticket: Ticket) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(
        OutboxMessage.ref_kind == "ticket",
        OutboxMessage.ref_id == ticket.number,
        OutboxMessage.sender == ticket.channel,
        col(OutboxMessage.message_key).is_not(None),
        col(OutboxMessage.status).in_(list(UNSENT)),
    )
    return list(session.exec(query))


def reply_waiting(*, session: Session, ticket: Ticket) -> bool:
    """Whether a message staff wrote to the user waits for the user to write (WeChat's window):
    answered, but not delivered, so the first response is not counted yet."""
    return any(r.status == "waiting" for r in _unsent_to_user(session, ticket))


def alert_sla_breach(
    *, session: Session, settings: Settings, ticket: Ticket, now: dt.datetime
) -> bool:
    """Tell staff once that `ticket` is past its first-response due time with no reply, or with
    a reply that waits for the user (then it says so: the ticket is not unanswered).

    The alert is recorded on the ticket by compare-and-set in the caller's transaction, with
    the notices: of two sweeps racing, or a sweep racing a staff reply, only one wins, and the
    loser returns False having queued nothing. Tickets that are not late yet are refused too.
    """
    assert ticket.id is not None
    unsent = _unsent_to_user(session, ticket)
    if any(r.status == "pending" and r.attempts == 0 for r in unsent):
        return False  # a reply is about to be tried: the next sweep tells what became of it
    if not mark_sla_alerted(session=session, ticket_id=ticket.id, now=now):
        return False
    session.refresh(ticket)
    hours = StationHours.from_settings(settings)
    waiting = any(r.status == "waiting" for r in unsent)
    parts = []
    for lang in ("zh", "en"):
        if ticket.claimed_by:
            claimed = ht("sla_breach.claimed", lang, staff=ticket.claimed_by)
        else:
            claimed = ht("sla_breach.unclaimed", lang)
        parts.append(
            ht(
                "sla_breach.waiting" if waiting else "sla_breach",
                lang,
                number=ticket.number,
                due=hours.describe(ticket.first_response_due, lang, now),
                waited=_waited(now - ticket.created_at, lang),
                claimed=claimed,
                question=ticket.question[:1000],
            )
        )
    channel = f"渠道 Channel: {ticket.channel} · 用户 User: {user_label(ticket)}"
    body = f"{parts[0]}\n\n{parts[1]}\n{channel}"
    notify_staff(
        session=session,
        settings=settings,
        ticket=ticket,
        event="sla_waiting" if waiting else "sla_breach",
        body=body,
        once=True,
        not_before=now,  # due on the sweep's clock, so this same worker pass sends it
    )
    logger.info(
        "ticket %s: first response late%s, staff alerted",
        ticket.number,
        " (reply waiting for the user)" if waiting else "",
    )
    return True


def expire_unrated(*, session: Session, ticket: Ticket, now: dt.datetime) -> bool:
    """Close a resolved ticket the user never rated (housekeeping, after N days).

    Compare-and-set: False when the user rated it or staff re-opened it meanwhile.
    """
    assert ticket.id is not None
    to_status = next_status(ticket.status, TicketAction.EXPIRE)  # refuses all but resolved
    won = close_unrated(
        session=session,
        ticket_id=ticket.id,
        to_status=to_status,
        now=now,
        reason=CloseReason.AUTO_UNRATED,
    )
    session.refresh(ticket)
    if won:
        logger.info("ticket %s: resolved and unrated, closed automatically", ticket.number)
    return won


def to_user(
    session: Session, ticket: Ticket, text: str, sender: str, now: dt.datetime, **extra: object
) -> QueuedMessage:
    """Queue a message to the ticket's user on their channel (`extra` goes into its payload)."""
    # The web sender writes the transcript line itself when it delivers (the page polls it);
    # other channels get the line now so the ticket's transcript shows what staff sent.
    if ticket.channel != "web":
        add_message(
            session=session,
            channel=ticket.channel,
            user_ref=ticket.user_ref,
            direction="out",
            text=text,
            sender=sender,
        )
    # One message, one row per part: each part sent once and retried alone, in order.
    return queue_message(
        session=session,
        channel=ticket.channel,
        recipient=ticket.chat_ref or ticket.user_ref,
        text=text,
        extra={"sender": sender, "ticket": ticket.number, **extra},
        ref_kind="ticket",
        ref_id=ticket.number,
        now=now,
    )


def _set_conversation(session: Session, ticket: Ticket, status: str) -> None:
    state = get_state(session=session, channel=ticket.channel, user_ref=ticket.user_ref)
    state.status = status  # only the status column: a concurrent turn's data stays intact
    session.add(state)


def claim(*, session: Session, ticket: Ticket, staff: str, now: dt.datetime) -> bool:
    """Claim an open ticket; False when someone else got it first."""
    assert ticket.id is not None
    won = claim_ticket(session=session, ticket_id=ticket.id, staff=staff, now=now)
    session.refresh(ticket)
    return won


def reply(*, session: Session, ticket: Ticket, staff: str, text: str, now: dt.datetime) -> Ticket:
    """Relay a staff reply to the user on their own channel (claiming an unclaimed ticket)."""
    reply_queued(session=session, ticket=ticket, staff=staff, text=text, now=now)
    return ticket


def reply_queued(
    *, session: Session, ticket: Ticket, staff: str, text: str, now: dt.datetime
) -> tuple[QueuedMessage, str | None]:
    """`reply`, returning the queued message and a warning for staff when it cannot go now.

    The ticket's first response is recorded when the reply is delivered, not here
    (bot/handoff/delivered.py).
    """
    body = ht("staff_prefix", ticket.lang) + text.strip()
    parts = len(split_parts(body, limit_for(ticket.channel))) or 1
    warning = staff_writes(session=session, ticket=ticket, staff=staff, parts=parts, now=now)
    return to_user(session, ticket, body, f"staff:{staff}", now), warning


def staff_writes(
    *, session: Session, ticket: Ticket, staff: str, parts: int, now: dt.datetime
) -> str | None:
    """Staff are about to send `parts` messages to the user: claim an unclaimed ticket, move it
    to the user's turn; the warning for staff when the messages cannot go now (or None)."""
    if ticket.status == TicketStatus.OPEN:
        claim(session=session, ticket=ticket, staff=staff, now=now)
    ticket.status = next_status(ticket.status, TicketAction.REPLY)
    ticket.updated_at = now
    session.add(ticket)
    recipient = ticket.chat_ref or ticket.user_ref
    return forecast(
        session=session, channel=ticket.channel, recipient=recipient, parts=parts, now=now
    )


def user_wrote(
    *, session: Session, settings: Settings, ticket: Ticket, text: str, now: dt.datetime
) -> None:
    """The user added a message: back to staff's turn, and the staff chats hear of it."""
    ticket.status = next_status(ticket.status, TicketAction.USER_WROTE)
    ticket.last_user_message_at = ticket.updated_at = now
    session.add(ticket)
    body = f"{ticket.channel} · {user_label(ticket)}: {text[:1500]}"
    notify_staff(
        session=session,
        settings=settings,
        ticket=ticket,
        event="message",
        body=body,
        not_before=now,
    )


def resolve(*, session: Session, ticket: Ticket, staff: str, note: str, now: dt.datetime) -> Ticket:
    """Staff finished: tell the user, give the conversation back to the bot, ask for a rating."""
    ticket.status = next_status(ticket.status, TicketAction.RESOLVE)
    ticket.claimed_by = ticket.claimed_by or staff
    ticket.claimed_at = ticket.claimed_at or now
    ticket.resolution_note = note.strip()[:2000] or None
    ticket.resolved_at = ticket.rating_requested_at = ticket.updated_at = now
    session.add(ticket)
    _set_conversation(session, ticket, "bot")
    lang = ticket.lang
    text = ht("resolved", lang, number=ticket.number, note=note.strip()) + ht("rate_prompt", lang)
    choices = [{"label": label, "payload": payload} for label, payload in RATE_CHOICES]
    to_user(session, ticket, text, f"staff:{staff}", now, choices=choices)
    ticket.transcript_to_id = last_message_id(
        session=session, channel=ticket.channel, user_ref=ticket.user_ref
    )
    return ticket


def reopen(*, session: Session, ticket: Ticket, staff: str, now: dt.datetime) -> Ticket:
    """Take a finished ticket up again; refused while the user has another active ticket."""
    other = active_ticket(session=session, channel=ticket.channel, user_ref=ticket.user_ref)
    if other is not None and other.id != ticket.id:
        raise InvalidTransition(f"the user already has an active ticket {other.number}")
    ticket.status = next_status(ticket.status, TicketAction.REOPEN)
    ticket.claimed_by, ticket.claimed_at, ticket.updated_at = staff, now, now
    ticket.closed_at = ticket.transcript_to_id = ticket.rating_requested_at = None
    ticket.close_reason = None
    ticket.rating = None  # the next resolution is rated anew (else its rating is refused)
    session.add(ticket)
    _set_conversation(session, ticket, "human")
    text = ht("reopened", ticket.lang, number=ticket.number)
    to_user(session, ticket, text, f"staff:{staff}", now)
    return ticket


def close_by_user(
    *,
    session: Session,
    settings: Settings,
    ticket: Ticket,
    state: TurnState,
    now: dt.datetime,
) -> Ticket:
    """The user ended the handoff; they are asked to rate if staff had answered."""
    ticket.status = next_status(ticket.status, TicketAction.CLOSE)
    ticket.closed_at = ticket.updated_at = now
    ticket.close_reason = CloseReason.USER
    if ticket.first_response_at is not None:
        ticket.rating_requested_at = now
    ticket.transcript_to_id = last_message_id(
        session=session, channel=ticket.channel, user_ref=ticket.user_ref
    )
    session.add(ticket)
    state.status = "bot"
    notify_staff(
        session=session,
        settings=settings,
        ticket=ticket,
        event="closed",
        body=ticket.question,
        not_before=now,
    )
    return ticket


def rate(*, session: Session, ticket: Ticket, rating: int, now: dt.datetime) -> Ticket:
    """Store the user's 1-5 rating; a resolved ticket is closed by it."""
    if not 1 <= rating <= 5:
        raise ValueError("a rating is 1 to 5")
    ticket.rating = rating
    if ticket.status == TicketStatus.RESOLVED:
        ticket.status = next_status(ticket.status, TicketAction.CLOSE)
        ticket.closed_at = now
        ticket.close_reason = CloseReason.RATED
    ticket.updated_at = now
    session.add(ticket)
    return ticket
