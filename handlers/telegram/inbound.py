"""Telegram messages and button presses as channel-neutral `Inbound` messages for the core."""

from __future__ import annotations

import re

from telegram import CallbackQuery, Message, User

from bot.core.messages import Inbound

__all__ = ("CHANNEL", "command_of", "inbound_from_callback", "inbound_from_message")

CHANNEL = "telegram"
_COMMAND_RE = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]+))?(?:\s+(.*))?$", re.S)
# /book and /human are the menu's items: the core hands them to booking / handoff, or says how
# to reach the station while those are not installed.
_ALIASES = {"book": "menu:book", "human": "menu:human"}
_MEDIA = (
    "photo",
    "sticker",
    "document",
    "voice",
    "video",
    "video_note",
    "audio",
    "animation",
    "location",
    "venue",
    "contact",
    "poll",
    "dice",
    "story",
)


def command_of(text: str, username: str | None) -> tuple[str, str] | None:
    """("start", "args") for "/start@thisbot args"; None for text or another bot's command."""
    match = _COMMAND_RE.match(text.strip())
    if match is None:
        return None
    name, target, args = match.group(1).lower(), match.group(2), (match.group(3) or "").strip()
    if target and (username is None or target.lower() != username.lower()):
        return None
    return name, args


def _core_text(text: str, username: str | None) -> tuple[str, bool]:
    """What to tell the core for a typed message, and whether it was a command."""
    command = command_of(text, username)
    if command is None:
        return text, False
    name, args = command
    if name in _ALIASES:
        return _ALIASES[name], True
    if name == "start":  # deep-link arguments are not questions
        return "/start", True
    return (f"/{name} {args}" if args else f"/{name}"), True


def _locale(user: User | None) -> str | None:
    # Telegram's app language: Chinese for zh*, English for anything else (enterprises abroad).
    if user is None or not user.language_code:
        return None
    return "zh" if user.language_code.lower().startswith("zh") else "en"


def _file_of(msg: Message, kind: str) -> dict[str, str]:
    # The file behind a photo, document, voice ... (fetched with getFile during a handoff).
    item = getattr(msg, kind, None) if kind else None
    if isinstance(item, tuple | list):  # photos come in several sizes: the largest
        item = item[-1] if item else None
    file_id = getattr(item, "file_id", None)
    if not file_id or kind == "sticker":
        return {}
    return {
        "file_id": str(file_id),
        "file_name": str(getattr(item, "file_name", None) or f"{kind}-{msg.message_id}"),
        "mime": str(getattr(item, "mime_type", None) or ("image/jpeg" if kind == "photo" else "")),
    }


def _who(user: User) -> str:
    # How staff recognise the user: name, @username and app language (not only a numeric id).
    parts = [user.full_name or str(user.id)]
    if user.username:
        parts.append(f"@{user.username}")
    parts.append(f"lang {user.language_code or '?'}")
    return " · ".join(parts)[:120]


def inbound_from_message(
    msg: Message, user: User, update_id: int, username: str | None
) -> Inbound | None:
    """A private-chat message for the core; None for service messages (nothing the user said)."""
    if msg.text is not None:
        text, is_command = _core_text(msg.text, username)
        kind = "command" if is_command else "text"
    else:
        kind = next((k for k in _MEDIA if getattr(msg, k, None)), "")
        if not kind:
            return None
        # The caption is the question; without one the core asks for it in words.
        text, is_command = msg.caption or "", False
    return Inbound(
        channel=CHANNEL,
        user_ref=str(user.id),
        chat_ref=str(msg.chat_id),
        text=text,
        locale=_locale(user),
        delivery_id=f"tg:{update_id}",
        # Commands, like button payloads, say nothing about the user's language.
        is_callback=is_command,
        extras={
            "kind": kind,
            "message_id": msg.message_id,
            "user": _who(user),
            **_file_of(msg, kind),
        },
    )


def inbound_from_callback(query: CallbackQuery, payload: str, update_id: int) -> Inbound:
    """A button press in a private chat, its payload already resolved."""
    chat_id = query.message.chat.id if query.message is not None else query.from_user.id
    return Inbound(
        channel=CHANNEL,
        user_ref=str(query.from_user.id),
        chat_ref=str(chat_id),
        text=payload,
        locale=_locale(query.from_user),
        delivery_id=f"tg:{update_id}",
        is_callback=True,
        extras={"kind": "callback"},
    )
