"""The Telegram channel: python-telegram-bot `Update` -> `Inbound` -> core -> messages and keyboards.

Which updates get what (the rule):
- Private chat, text or command: to the core. `/book` and `/human` become the menu payloads
  `menu:book` / `menu:human` (the core hands them to the booking / handoff skills, or says how to
  reach the station); `/start`, `/help`, `/lang`, `/cancel`, `/menu` go as typed.
- Private chat, photo / sticker / document / voice / video / location ...: the caption goes to the
  core as text; without a caption the core gets an empty message and asks, in the user's
  language, for the question in words. Service messages (pins, payments ...) are ignored.
- Button press: answered at once (the spinner stops), the payload goes to the core, the message
  the keyboard belongs to is edited to show the choice without buttons, then the replies follow.
- Edited messages and channel posts: ignored (the answer to the original stands).
- The staff chat (TMBOT_TELEGRAM_STAFF_CHAT): `handle_staff_message`, filled in by handoff.
- Other groups: only `/start` (or `/start@thisbot`) is answered, with a bilingual pointer to a
  private chat; the bot being added to a group gets the same pointer once; all else is ignored.
- A Telegram retry of an update already handled (same update_id, de-duplicated in the database
  by the core) is acknowledged and not answered again.
- A reply's attachments (a booking's .ics) follow its text as files (sendDocument), captioned
  with the reply's `meta["attachment_caption"]` (in the user's language).
- Replies and files that fail with 429 or a network error go to the outbox (sender "telegram")
  and are delivered by the worker; a user who blocked the bot gets nothing more. A file that
  cannot be delivered (blocked, refused) is recorded in the outbox as failed, under its booking,
  so staff see that the calendar file did not arrive.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlmodel import Session
from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.core.messages import Inbound, Reply
from bot.core.ports import Outcome
from bot.core.runtime import Runtime
from handlers.telegram.inbound import (
    CHANNEL,
    command_of,
    inbound_from_callback,
    inbound_from_message,
)
from handlers.telegram.render import MAX_TEXT, Rendered, render, resolve_callback
from handlers.telegram.retry import retried
from handlers.telegram.sender import api_urls, document_payload, retry_seconds, send_document
from handlers.telegram.staff import on_staff_update
from handlers.telegram.texts import bilingual
from storage.conversations import claim_delivery
from storage.db import session_scope
from storage.outbox import OutboxMessage, enqueue, has_unsent, mark_failed

__all__ = ("ALLOWED_UPDATES", "TelegramAdapter", "build_application", "handle_staff_message")

logger = logging.getLogger(__name__)
PTBApp = Application[Any, Any, Any, Any, Any, Any]
ALLOWED_UPDATES = ("message", "callback_query", "my_chat_member")  # edits are ignored anyway


async def handle_staff_message(update: Update, runtime: Runtime) -> None:
    """A message or button press in the staff chat (TMBOT_TELEGRAM_STAFF_CHAT): ticket work,
    see handlers/telegram/staff.py."""
    await on_staff_update(update, runtime)


def _with_choice(text: str, label: str) -> str:
    suffix = f"\n\n✅ {label}"
    return text[: MAX_TEXT - len(suffix)] + suffix


@dataclass
class _Part:
    """What one reply asks of the Bot API: its message(s), or one of its files."""

    reply: Reply
    index: int  # the reply's place in the turn, for the outbox's dedupe key
    texts: tuple[str, ...] = ()
    markup: InlineKeyboardMarkup | None = None
    file: int | None = None  # which of `reply.attachments`, for a file
    sent: int = 0  # pieces of `texts` already delivered

    def attachment(self) -> tuple[str, str, bytes, str]:
        """(filename, mime, content, caption) of a file part."""
        assert self.file is not None
        name, mime, content = self.reply.attachments[self.file]
        caption = self.reply.meta.get("attachment_caption") or bilingual(
            "document.caption", name=name
        )
        return name, mime, content, str(caption)


def _parts(replies: Sequence[Reply], rendered: Sequence[Rendered]) -> list[_Part]:
    parts: list[_Part] = []
    for n, (reply, item) in enumerate(zip(replies, rendered, strict=True)):
        parts.append(_Part(reply, n, item.texts, item.markup))
        parts += [_Part(reply, n, file=k) for k in range(len(reply.attachments))]
    return parts


class TelegramAdapter:
    """The PTB callbacks; holds no conversation logic, only translation."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.staff_chat = runtime.settings.telegram_staff_chat

    def install(self, application: PTBApp) -> None:
        """Register the handlers and the error hook on `application`."""
        message = filters.UpdateType.MESSAGE
        application.add_handler(MessageHandler(message & filters.ChatType.PRIVATE, self.on_private))
        application.add_handler(MessageHandler(message & filters.ChatType.GROUPS, self.on_group))
        application.add_handler(CallbackQueryHandler(self.on_callback))
        application.add_handler(ChatMemberHandler(self.on_my_chat_member))
        application.add_error_handler(self.on_error)

    # -- updates ---------------------------------------------------------------------------
    async def on_private(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A message in a private chat: text, command or media."""
        msg, user = update.message, update.effective_user
        if msg is None or user is None or user.is_bot:
            return
        inbound = inbound_from_message(msg, user, update.update_id, context.bot.username)
        if inbound is None:
            return  # a service message: nothing the user said
        await self._converse(context.bot, inbound, msg.chat_id)

    async def on_callback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A button press: answer it, hand the payload to the core, close the old keyboard."""
        query = update.callback_query
        if query is None:
            return
        await retried("answerCallbackQuery", query.answer)  # stops the button's spinner
        chat = query.message.chat if query.message is not None else None
        if chat is not None and self.staff_chat is not None and chat.id == self.staff_chat:
            await handle_staff_message(update, self.runtime)
            return
        if chat is None or chat.type != ChatType.PRIVATE or not query.data:
            return  # other groups, games (no data)
        payload = await asyncio.to_thread(resolve_callback, query.data, self.runtime.engine)
        if payload is None:
            await self._safe_send(context.bot, chat.id, bilingual("button.expired"))
            return
        inbound = inbound_from_callback(query, payload, update.update_id)
        await self._converse(context.bot, inbound, chat.id, query=query)

    async def on_group(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Group chats: the staff chat goes to the handoff hook; elsewhere only /start."""
        msg = update.message
        if msg is None:
            return
        if self.staff_chat is not None and msg.chat_id == self.staff_chat:
            await handle_staff_message(update, self.runtime)
            return
        command = command_of(msg.text or "", context.bot.username)
        if command is not None and command[0] == "start":
            await self._point_to_private(context.bot, msg.chat_id, update.update_id)

    async def on_my_chat_member(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The bot's own membership changed: blocked by a user, added to or removed from a group."""
        change = update.my_chat_member
        if change is None:
            return
        chat, status = change.chat, change.new_chat_member.status
        if chat.type == ChatType.PRIVATE:
            logger.info("telegram user %s: bot status now %s", chat.id, status)
            return
        was_in = change.old_chat_member.status in (
            ChatMemberStatus.MEMBER,
            ChatMemberStatus.ADMINISTRATOR,
        )
        joined = status in (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR)
        if joined and not was_in and chat.id != self.staff_chat and chat.type != ChatType.CHANNEL:
            await self._point_to_private(context.bot, chat.id, update.update_id)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log every handler error with its traceback; apologise in private chats."""
        update_id = update.update_id if isinstance(update, Update) else None
        logger.error(
            "Exception while handling Telegram update %s", update_id, exc_info=context.error
        )
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is not None and chat.type == ChatType.PRIVATE:
            await self._safe_send(context.bot, chat.id, bilingual("error"))

    # -- helpers ---------------------------------------------------------------------------
    def _turn(self, inbound: Inbound) -> tuple[Outcome, list[Rendered]]:
        outcome = self.runtime.conversation.handle_turn(inbound)
        if outcome.intent == "duplicate":
            return outcome, []
        return outcome, render(outcome.replies, self.runtime.engine)

    async def _converse(
        self, bot: Bot, inbound: Inbound, chat_id: int, query: CallbackQuery | None = None
    ) -> None:
        # The core is synchronous (database work): keep the event loop free.
        outcome, rendered = await asyncio.to_thread(self._turn, inbound)
        if outcome.intent == "duplicate":
            # Telegram re-sends only what we did not acknowledge; the first pass answered.
            logger.info("telegram %s already handled; not answering again", inbound.delivery_id)
            return
        if query is not None:
            await self._close_keyboard(query)
        await self._deliver(bot, chat_id, outcome.replies, rendered, str(inbound.delivery_id))

    async def _close_keyboard(self, query: CallbackQuery) -> None:
        msg = query.message
        if not isinstance(msg, Message):
            return  # too old to be edited (Telegram sends an InaccessibleMessage)
        buttons = msg.reply_markup.inline_keyboard if msg.reply_markup else ()
        label = next((b.text for row in buttons for b in row if b.callback_data == query.data), "")
        if msg.text and label:
            text = _with_choice(msg.text, label)
            await retried("edit", lambda: query.edit_message_text(text, reply_markup=None))
        else:
            await retried("edit", lambda: query.edit_message_reply_markup(reply_markup=None))

    async def _deliver(
        self, bot: Bot, chat_id: int, replies: list[Reply], rendered: list[Rendered], key: str
    ) -> None:
        parts = _parts(replies, rendered)
        if await asyncio.to_thread(self._backlog, chat_id):
            # Earlier messages to this chat wait in the outbox (after a 429): this answer
            # must not overtake them, so it goes the same way, behind them.
            await asyncio.to_thread(self._queue, chat_id, parts, key, 0.0)
            return
        for i, part in enumerate(parts):
            try:
                await self._send(bot, chat_id, part)
            except Forbidden as exc:
                logger.info("telegram chat %s: %s; replies dropped", chat_id, exc.message)
                reason = f"telegram: {exc.message}"
                await asyncio.to_thread(self._record_failed, chat_id, parts[i:], key, reason)
                return
            except BadRequest as exc:
                logger.error("telegram refused a reply to %s: %s", chat_id, exc.message)
                reason = f"telegram: {exc.message}"
                await asyncio.to_thread(self._record_failed, chat_id, [part], key, reason)
            except (RetryAfter, NetworkError) as exc:
                delay = retry_seconds(exc) if isinstance(exc, RetryAfter) else 0.0
                logger.warning("telegram %s: %s; %d sends queued", chat_id, exc, len(parts) - i)
                await asyncio.to_thread(self._queue, chat_id, parts[i:], key, delay)
                return

    @staticmethod
    async def _send(bot: Bot, chat_id: int, part: _Part) -> None:
        if part.file is not None:
            await send_document(bot, chat_id, *part.attachment())
            return
        for j, text in enumerate(part.texts):
            if j < part.sent:
                continue
            last = j == len(part.texts) - 1
            await bot.send_message(chat_id, text, reply_markup=part.markup if last else None)
            part.sent = j + 1  # a 429 on the next piece queues only what is left

    def _backlog(self, chat_id: int) -> bool:
        now = self.runtime.conversation.clock.now()
        with session_scope(self.runtime.engine) as session:
            return has_unsent(session=session, sender=CHANNEL, recipient=str(chat_id), now=now)

    def _queue(self, chat_id: int, parts: list[_Part], key: str, delay: float) -> None:
        not_before = self.runtime.conversation.clock.now() + dt.timedelta(seconds=delay)
        with session_scope(self.runtime.engine) as session:
            for part in parts:
                row = self._enqueue(session, chat_id, part, key, not_before)
                if delay:  # a send was refused: a retry, which holds back what follows
                    row.attempts = 1

    def _record_failed(self, chat_id: int, parts: list[_Part], key: str, reason: str) -> None:
        # Texts go the way they always went (a blocked user gets nothing more); a file that
        # did not arrive is kept as a failed outbox row, shown with its booking to staff.
        files = [p for p in parts if p.file is not None]
        if not files:
            return
        with session_scope(self.runtime.engine) as session:
            for part in files:
                row = self._enqueue(session, chat_id, part, key, None)
                mark_failed(session=session, row=row, error=reason)

    @staticmethod
    def _enqueue(
        session: Session, chat_id: int, part: _Part, key: str, not_before: dt.datetime | None
    ) -> OutboxMessage:
        reply = part.reply
        if part.file is None:
            # Only the pieces not delivered yet: a split message is not re-sent from its start.
            text = "\n".join(part.texts[part.sent :]) if part.sent else reply.text
            payload = {"text": text, "choices": [asdict(c) for c in reply.choices]}
            ref_kind, ref_id, dedupe = "telegram_update", key, f"{key}:{part.index}"
        else:
            name, mime, content, caption = part.attachment()
            payload = document_payload(name, mime, content, caption)
            booking = reply.meta.get("booking")
            ref_kind, ref_id = ("booking", str(booking)) if booking else ("telegram_update", key)
            dedupe = f"{key}:{part.index}:file{part.file}"
        return enqueue(
            session=session,
            sender=CHANNEL,
            recipient=str(chat_id),
            payload=payload,
            ref_kind=ref_kind,
            ref_id=ref_id,
            dedupe_key=dedupe,
            not_before=not_before,
        )

    async def _point_to_private(self, bot: Bot, chat_id: int, update_id: int) -> None:
        if not await asyncio.to_thread(self._first_time, update_id):
            return
        link = f"https://t.me/{bot.username}" if bot.username else "@" + str(bot.first_name)
        await self._safe_send(bot, chat_id, bilingual("group.private_only", link=link))

    def _first_time(self, update_id: int) -> bool:
        # Updates that bypass the core are de-duplicated the same way, by update_id.
        with session_scope(self.runtime.engine) as session:
            delivery = f"tg:{update_id}"
            return claim_delivery(session=session, channel=CHANNEL, delivery_id=delivery) is None

    async def _safe_send(self, bot: Bot, chat_id: int, text: str) -> None:
        try:
            await bot.send_message(chat_id, text)
        except TelegramError as exc:
            logger.info("telegram chat %s: notice not sent: %s", chat_id, exc)


def build_application(runtime: Runtime, *, polling: bool = False) -> PTBApp:
    """The PTB Application with tmbot's handlers; without an Updater unless `polling`."""
    token = runtime.settings.telegram_token
    if token is None:
        raise ValueError("TMBOT_TELEGRAM_TOKEN is not set")
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    base, files = api_urls(runtime.settings)
    builder = Application.builder().token(token.get_secret_value()).base_url(base)
    builder = builder.base_file_url(files)
    if not polling:
        builder = builder.updater(None)
    application = builder.build()
    TelegramAdapter(runtime).install(application)
    return application
