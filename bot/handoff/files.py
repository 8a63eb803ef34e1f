"""Files a user sends while staff own the conversation: queued for the channel's media fetcher
(outbox sender `<channel>_media`, recipient the ticket number), which downloads them through the
platform's API and attaches them to the ticket (handlers/telegram/media.py, handlers/wechat/media.py)."""

from __future__ import annotations

from bot.core.context import Context
from storage.outbox import enqueue
from storage.tickets import Ticket

__all__ = ("queue_fetch",)


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
