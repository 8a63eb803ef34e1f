"""A handoff that talks back: while staff own the conversation the user is acknowledged (at most
every few minutes) with the ticket's state, when to expect a reply and how to go back to the bot;
the menu still works and says where the ticket stands."""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, select

from bot.core.context import Context
from bot.core.hours import StationHours
from bot.core.menu import menu_reply
from bot.core.messages import Reply
from bot.core.ports import Outcome
from bot.handoff.texts import ht
from storage.outbox import OutboxMessage
from storage.tickets import Ticket

__all__ = ("ACK_EVERY", "ack_due", "acknowledgement", "menu_with_state", "state_text")

ACK_EVERY = dt.timedelta(minutes=5)
_ACK_KEY = "handoff_ack_at"


def state_text(ticket: Ticket, lang: str) -> str:
    """Where the ticket stands, in the user's language."""
    key = f"state.{ticket.status}"
    try:
        return ht(key, lang)
    except KeyError:
        return str(ticket.status)


def ack_due(ctx: Context) -> bool:
    """Whether the user should be acknowledged now (and remember that they were)."""
    last = ctx.data.get(_ACK_KEY)
    if last is not None and ctx.now - dt.datetime.fromisoformat(str(last)) < ACK_EVERY:
        return False
    ctx.data[_ACK_KEY] = ctx.now.isoformat()
    return True


def acknowledgement(ctx: Context, ticket: Ticket) -> str:
    """The short acknowledgement of a message relayed to staff."""
    lang = ctx.lang
    if ticket.first_response_at is not None or _staff_wrote(ctx, ticket):
        when = ht("ack.replied", lang)
    elif ticket.first_response_due <= ctx.now:  # late: no promise of a time already passed
        when = ht("ack.late", lang)
    else:
        hours = StationHours.from_settings(ctx.services.settings)
        when = ht("ack.due", lang, due=hours.describe(ticket.first_response_due, lang, ctx.now))
    return ht("ack", lang, number=ticket.number, state=state_text(ticket, lang), when=when)


def _staff_wrote(ctx: Context, ticket: Ticket) -> bool:
    # A staff reply queued for the user (perhaps waiting for this very message).
    query = select(OutboxMessage.id).where(
        OutboxMessage.ref_kind == "ticket",
        OutboxMessage.ref_id == ticket.number,
        col(OutboxMessage.message_key).is_not(None),
    )
    return ctx.session.exec(query.limit(1)).first() is not None


def menu_with_state(ctx: Context, ticket: Ticket) -> Outcome | None:
    """The menu (greeting, help) as the commands skill gives it, led by the ticket's state."""
    outcome = menu_reply(ctx)
    if outcome is None:
        return None
    lead = ht(
        "menu_during_handoff",
        ctx.lang,
        number=ticket.number,
        state=state_text(ticket, ctx.lang),
    )
    outcome.replies = [Reply(lead, intent="handoff"), *outcome.replies]
    return outcome
