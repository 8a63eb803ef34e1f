"""The Telegram staff group (TMBOT_TELEGRAM_STAFF_CHAT): claim, answer and resolve tickets.

A message acts on a ticket only when it is routed explicitly (privacy: a number mentioned in
the text, "…和 T-2026-000007 那位客户类似…", never decides who receives it):
- a reply to one of the bot's messages about a ticket (a notification, a "sent" confirmation):
  plain text is relayed to that ticket's user (claiming an unclaimed ticket), `/claim` (认领),
  `/resolve NOTE` (结案 NOTE) and `/reopen` (重开) act on it;
- a command naming the ticket: `/reply T-2026-000123 TEXT`, `/claim T-…`, `/resolve T-… NOTE`,
  `/reopen T-…`;
- the notification's "认领 Claim" button claims it;
- a photo or document sent as a reply to such a message (its caption, if any, goes first as
  text) is sent back to the ticket's user (bot/handoff/outfiles.py): to a Telegram user by its
  file id, to others as the channel allows.
A command or a reply to the bot that cannot be routed gets a short explanation (`/help`);
other messages are staff talking among themselves and are left alone.
"""

from __future__ import annotations

import asyncio
import logging
import re

from telegram import Message, Update, User
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.core.runtime import Runtime
from bot.handoff import helpdesk
from bot.handoff.outfiles import (
    CheckedFile,
    FileRefused,
    check_file,
    check_size,
    send_file,
)
from handlers.telegram.render import resolve_callback
from handlers.telegram.sender import retry_seconds
from handlers.wechat.outfiles import check_reachable
from storage.accounts import add_audit
from storage.conversations import claim_delivery
from storage.db import session_scope
from storage.errors import InvalidTransition
from storage.tickets import get_ticket

__all__ = ("CLAIM_PAYLOAD", "HELP", "on_staff_update", "route")

logger = logging.getLogger(__name__)
CLAIM_PAYLOAD = "ticket:claim:"
_NUMBER_RE = re.compile(r"#?\b(T-\d{4}-\d{6})\b", re.IGNORECASE)
_LEADING_NUMBER_RE = re.compile(r"^\s*#?(T-\d{4}-\d{6})\b\s*", re.IGNORECASE)
_COMMANDS = {
    "/claim": "claim",
    "认领": "claim",
    "/resolve": "resolve",
    "/done": "resolve",
    "结案": "resolve",
    "/reopen": "reopen",
    "重开": "reopen",
}
HELP = (
    "ℹ️ 如何处理工单：回复（引用）机器人关于该工单的消息即可答复用户；或发送 "
    "/reply 工单号 内容、/claim 工单号、/resolve 工单号 说明、/reopen 工单号。"
    "正文里提到的工单号不会决定发给谁。\n"
    "ℹ️ How to work a ticket: reply to the bot's message about it to answer the user; or send "
    "/reply T-YYYY-NNNNNN TEXT, /claim T-…, /resolve T-… NOTE, /reopen T-…. A ticket number "
    "mentioned in the text never decides who receives it."
)


def _staff(user: User | None) -> str:
    who = (user.username or str(user.id)) if user is not None else "unknown"
    return f"tg:{who}"[:80]


def _command_word(text: str) -> str:
    return text.split(maxsplit=1)[0].split("@", 1)[0].lower() if text.strip() else ""


def route(msg: Message, bot_id: int | None) -> tuple[str | None, str, str | None]:
    """(ticket number, text to act on, explanation for staff) of a staff-group message.

    The number comes only from the message replied to (the bot's own message) or from a
    command that names it first; a message that is neither is (None, text, None): ignored.
    """
    text = (msg.text or msg.caption or "").strip()
    word = _command_word(text)
    replied = msg.reply_to_message
    author = replied.from_user if replied is not None else None
    if author is not None and author.is_bot and (bot_id is None or author.id == bot_id):
        assert replied is not None
        found = _NUMBER_RE.search(replied.text or replied.caption or "")
        if found is None:
            return None, text, HELP
        if word == "/reply":  # "/reply TEXT" while replying: the same as plain TEXT
            text = text.split(maxsplit=1)[1] if len(text.split(maxsplit=1)) > 1 else ""
        return found.group(1).upper(), text, None
    if word in ("/help", "/start"):
        return None, text, HELP
    if word == "/reply" or word in _COMMANDS:
        rest = text.split(maxsplit=1)[1] if len(text.split(maxsplit=1)) > 1 else ""
        named = _LEADING_NUMBER_RE.match(rest)
        if named is None:
            return None, text, HELP  # a bare /claim: which ticket?
        rest = rest[named.end() :].strip()
        acted = rest if word == "/reply" else f"{word} {rest}".strip()
        return named.group(1).upper(), acted, None
    return None, text, None


def act(
    runtime: Runtime,
    delivery: str,
    number: str,
    staff: str,
    text: str,
    file: tuple[CheckedFile, str] | None = None,
) -> str | None:
    """Apply one staff message to ticket `number`; returns the answer for the staff chat.

    `file`: a photo or document staff sent (the checked file and its Telegram file id); `text`
    is then its caption, sent before it."""
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
            elif file is not None:
                command = "file"
                try:
                    check_reachable(ticket.channel, file[0], runtime.settings.public_url)
                except FileRefused as exc:
                    return f"⚠️ 文件未发送 / File not sent: {exc}"
                _, warning = send_file(
                    session=session,
                    ticket=ticket,
                    staff=staff,
                    file=file[0],
                    caption=text,
                    now=now,
                    telegram_file_id=file[1],
                )
                who = f"{number} · {helpdesk.user_label(ticket)} ({ticket.channel})"
                answer = (
                    f"📨 文件 {file[0].filename} 已排队，送达后告知 / file queued, you will be "
                    f"told when delivered: {who}"
                )
                if warning:
                    answer += f"\n⚠️ {warning}"
            elif text:
                command = "reply"
                _, warning = helpdesk.reply_queued(
                    session=session, ticket=ticket, staff=staff, text=text, now=now
                )
                # "Sent" is said when it is delivered (bot/handoff/delivered.py), not now.
                who = f"{number} · {helpdesk.user_label(ticket)} ({ticket.channel})"
                answer = f"📨 已排队，送达后告知 / queued, you will be told when delivered: {who}"
                if warning:
                    answer += f"\n⚠️ {warning}"
            else:
                return HELP
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
    elif (
        msg is not None
        and (msg.text or _attached(msg))
        and not (msg.from_user and msg.from_user.is_bot)
    ):
        found, text, explanation = route(msg, _bot_id(msg))
        if found is None:
            if explanation:
                await _answer(msg, explanation)
            return
        number, staff, target = found, _staff(msg.from_user), msg
        if _attached(msg):
            try:
                file = await _fetch(msg, runtime.settings.handoff_file_max_mb * 1024 * 1024)
            except FileRefused as exc:
                await _answer(msg, f"⚠️ 文件未发送 / File not sent: {exc}")
                return
            answer = await asyncio.to_thread(act, runtime, delivery, number, staff, text, file)
            if answer is not None:
                await _answer(msg, answer)
            return
    else:
        return
    answer = await asyncio.to_thread(act, runtime, delivery, number, staff, text)
    if answer is None or target is None:
        return
    await _answer(target, answer)


def _attached(msg: Message) -> bool:
    return bool(msg.photo or msg.document)


async def _fetch(msg: Message, max_bytes: int) -> tuple[CheckedFile, str]:
    """The photo (largest size) or document of a staff message, downloaded and checked, with
    its file id; FileRefused when it cannot be sent."""
    if msg.photo:
        photo = msg.photo[-1]
        file_id, size = photo.file_id, photo.file_size or 0
        name = f"photo-{photo.file_unique_id}.jpg"  # Telegram re-encodes photos as JPEG
    else:
        assert msg.document is not None
        file_id, size = msg.document.file_id, msg.document.file_size or 0
        name = msg.document.file_name or "file"
    check_size(size, max_bytes)  # before downloading (getFile serves up to 20 MB anyway)
    try:
        found = await msg.get_bot().get_file(file_id)
        content = bytes(await found.download_as_bytearray())
    except TelegramError as exc:
        raise FileRefused(f"无法下载该文件 / Could not download the file: {exc.message}") from exc
    return check_file(name, content, max_bytes), file_id


def _bot_id(msg: Message) -> int | None:
    try:
        return msg.get_bot().id
    except RuntimeError:  # no bot attached (or not initialised): trust any bot's message
        return None


async def _answer(target: Message, text: str) -> None:
    for attempt in range(3):  # the confirmation is worth a short retry (429, network)
        try:
            await target.reply_text(text)
            return
        except RetryAfter as exc:
            if attempt == 2:
                break
            await asyncio.sleep(min(retry_seconds(exc), 5.0))
        except (BadRequest, Forbidden) as exc:  # retrying cannot help
            logger.info("staff chat: confirmation not sent: %s", exc)
            return
        except NetworkError as exc:
            if attempt == 2:
                logger.info("staff chat: confirmation not sent: %s", exc)
                return
            await asyncio.sleep(0.5)
        except TelegramError as exc:
            logger.info("staff chat: confirmation not sent: %s", exc)
            return
    logger.info("staff chat: confirmation not sent after retries")
