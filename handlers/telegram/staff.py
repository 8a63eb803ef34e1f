"""The Telegram staff group (TMBOT_TELEGRAM_STAFF_CHAT): claim, answer and resolve tickets.

A staff member replies to a ticket notification (or writes its number, e.g. "T-2026-000123 您好"):
- plain text is relayed to the user on their own channel (claiming an unclaimed ticket);
- `/claim` (认领), `/resolve NOTE` (结案 NOTE) and `/reopen` (重开) act on the ticket;
- the notification's "认领 Claim" button claims it.
Messages without a ticket number are staff talking among themselves and are left alone.
"""

from __future__ import annotations

import asyncio
import logging
import re

from telegram import Message, Update, User
from telegram.error import TelegramError

from bot.core.runtime import Runtime
from bot.handoff import helpdesk
from handlers.telegram.render import resolve_callback
from storage.accounts import add_audit
from storage.conversations import claim_delivery
from storage.db import session_scope
from storage.errors import InvalidTransition
from storage.tickets import get_ticket

__all__ = ("CLAIM_PAYLOAD", "on_staff_update")

logger = logging.getLogger(__name__)
CLAIM_PAYLOAD = "ticket:claim:"
_NUMBER_RE = re.compile(r"#?\b(T-\d{4}-\d{6})\b", re.IGNORECASE)
_COMMANDS = {
    "/claim": "claim",
    "认领": "claim",
    "/resolve": "resolve",
    "/done": "resolve",
    "结案": "resolve",
    "/reopen": "reopen",
    "重开": "reopen",
}


def _staff(user: User | None) -> str:
    who = (user.username or str(user.id)) if user is not None else "unknown"
    return f"tg:{who}"[:80]


def _number(msg: Message) -> tuple[str | None, str]:
    """The ticket the message is about, and the message text without the number."""
    text = msg.text or ""
    found = _NUMBER_RE.search(text)
    if found:
        return found.group(1).upper(), (text[: found.start()] + text[found.end() :]).strip()
    replied = msg.reply_to_message
    quoted = (replied.text or replied.caption or "") if replied is not None else ""
    found = _NUMBER_RE.search(quoted)
    return (found.group(1).upper() if found else None), text.strip()


def act(runtime: Runtime, delivery: str, number: str, staff: str, text: str) -> str | None:
    """Apply one staff message to ticket `number`; returns the answer for the staff chat."""
    with session_scope(runtime.engine) as session:
        if claim_delivery(session=session, channel="telegram_staff", delivery_id=delivery):
            return None  # a Telegram retry of an update we already handled
        ticket = get_ticket(session=session, number=number)
        if ticket is None:
            return f"⚠️ 找不到工单 {number} / No ticket {number}"
        first, _, rest = text.partition(" ")
        command = _COMMANDS.get(first.split("@", 1)[0].lower())
        now = runtime.conversation.clock.now()
        try:
            if command == "claim":
                if not helpdesk.claim(session=session, ticket=ticket, staff=staff, now=now):
                    return f"⚠️ {number} 已被 {ticket.claimed_by} 认领 / already claimed by {ticket.claimed_by}"
                answer = f"✅ {number} 已由 {staff} 认领 / claimed by {staff}"
            elif command == "resolve":
                if not rest.strip():
                    return "⚠️ 请在 /resolve 后写处理说明 / Write a note after /resolve"
                helpdesk.resolve(session=session, ticket=ticket, staff=staff, note=rest, now=now)
                answer = f"✅ {number} 已结案，已请用户评分 / resolved; the user is asked to rate"
            elif command == "reopen":
                helpdesk.reopen(session=session, ticket=ticket, staff=staff, now=now)
                answer = f"✅ {number} 已重新打开 / re-opened"
            elif text:
                command = "reply"
                helpdesk.reply(session=session, ticket=ticket, staff=staff, text=text, now=now)
                answer = f"✅ 已转给用户（{ticket.channel}）/ sent to the user ({ticket.channel})"
            else:
                return None
        except InvalidTransition:
            return (
                f"⚠️ {number} 状态为 {ticket.status}，不能这样操作 / is {ticket.status}: not allowed"
            )
        add_audit(
            session=session,
            actor=staff,
            action=f"ticket.{command}",
            target=f"ticket:{number}",
            detail={"via": "telegram"},
            ip="",
        )
        return answer


async def on_staff_update(update: Update, runtime: Runtime) -> None:
    """A message or button press in the staff chat."""
    query, msg = update.callback_query, update.message
    delivery = f"tg:{update.update_id}"
    if query is not None:
        payload = await asyncio.to_thread(resolve_callback, query.data or "", runtime.engine)
        if not payload or not payload.startswith(CLAIM_PAYLOAD):
            return
        number, staff, text = payload[len(CLAIM_PAYLOAD) :], _staff(query.from_user), "/claim"
        target = query.message if isinstance(query.message, Message) else None
    elif msg is not None and msg.text and not (msg.from_user and msg.from_user.is_bot):
        found, text = _number(msg)
        if found is None:
            return
        number, staff, target = found, _staff(msg.from_user), msg
    else:
        return
    answer = await asyncio.to_thread(act, runtime, delivery, number, staff, text)
    if answer is None or target is None:
        return
    try:
        await target.reply_text(answer)
    except TelegramError as exc:
        logger.info("staff chat: confirmation not sent: %s", exc)
