"""Files a user sends while staff own the conversation: queued for the channel's media fetcher
(outbox sender `<channel>_media`, recipient the ticket number), which downloads them through the
platform's API and attaches them to the ticket (handlers/telegram/media.py, handlers/wechat/media.py)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine

from bot.core.context import Context
from bot.core.settings import Settings
from bot.delivery.worker import PermanentFailure
from bot.handoff import helpdesk
from storage.db import session_scope
from storage.outbox import enqueue
from storage.ticket_files import add_file
from storage.tickets import Ticket, get_ticket

__all__ = ("attach_to_ticket", "queue_fetch")


def queue_fetch(ctx: Context, ticket: Ticket) -> str | None:
    """Queue the message's file for the ticket; the line staff see for it, or None (no file)."""
    extras = ctx.inbound.extras
    file_id = extras.get("file_id")
    if not file_id:
        return None
    kind = str(extras.get("kind") or "file")
    enqueue(
        session=ctx.session,
        sender=f"{ctx.state.channel}_media",
        recipient=ticket.number,
        payload={
            "file_id": str(file_id),
            "kind": kind,
            "file_name": str(extras.get("file_name") or kind),
            "mime": str(extras.get("mime") or ""),
        },
        ref_kind="ticket",
        ref_id=ticket.number,
        dedupe_key=f"media:{ctx.inbound.delivery_id or file_id}"[:200],
        not_before=ctx.now,
    )
    return f"📎 [{kind}] {extras.get('file_name') or ''}".strip()


def attach_to_ticket(
    *,
    engine: Engine,
    settings: Settings,
    now: dt.datetime,
    ticket_number: str,
    channel: str,
    kind: str,
    filename: str,
    mime: str,
    content: bytes,
) -> None:
    """Keep a fetched file with its ticket and tell staff (the channel fetchers' last step)."""
    with session_scope(engine) as session:
        ticket = get_ticket(session=session, number=ticket_number)
        if ticket is None:
            raise PermanentFailure(f"no ticket {ticket_number}")
        add_file(
            session=session,
            ticket_number=ticket.number,
            channel=channel,
            kind=kind,
            filename=filename,
            mime=mime,
            content=content,
        )
        helpdesk.user_wrote(
            session=session,
            settings=settings,
            ticket=ticket,
            text=f"📎 [{kind}] {filename} — 已附在工单 / attached to the ticket",
            now=now,
        )
