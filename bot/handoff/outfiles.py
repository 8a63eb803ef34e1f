"""Files staff send back to the user: checked (size, type by content), kept with the ticket like
the user's files (storage/ticket_files.py, `sent_by` set), and queued as their own message in
the one delivery model (bot/delivery/messages.py): ordered behind the text before it, sent once,
retried alone, its state shown to staff like a text's.

Each channel's sender delivers a file payload its own way: Telegram uploads it (sendPhoto /
sendDocument, or re-sends the file id when it came from the same bot), a WeChat Official Account
sends images as image messages and anything else as a signed, expiring link to a download page
(handlers/web/message_page.py), the web chat shows a link or the image.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.delivery.messages import QueuedMessage
from bot.delivery.worker import PermanentFailure
from bot.handoff import helpdesk
from bot.handoff.texts import ht
from storage.db import session_scope
from storage.errors import TmbotError
from storage.ticket_files import add_file, get_file
from storage.tickets import Ticket

__all__ = (
    "ALLOWED",
    "CheckedFile",
    "FileRefused",
    "check_file",
    "check_size",
    "file_payload_text",
    "human_size",
    "is_file_payload",
    "load_file",
    "send_file",
)

# What staff may send: extension -> (mime, how the content starts). Images go out as images
# where the channel can (Telegram, WeChat); everything else as a document or a download link.
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc / .xls (Office 97-2003)
_ZIP = b"PK\x03\x04"  # .docx / .xlsx / .pptx / .zip
ALLOWED: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".doc": ("application/msword", (_OLE,)),
    ".xls": ("application/vnd.ms-excel", (_OLE,)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (_ZIP,),
    ),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (_ZIP,)),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (_ZIP,),
    ),
    ".zip": ("application/zip", (_ZIP,)),
    ".txt": ("text/plain", ()),  # checked as UTF-8 text below
}
IMAGE_MIMES = ("image/jpeg", "image/png", "image/gif")


class FileRefused(TmbotError):
    """A file staff may not send; the message says why in Chinese and English."""


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed the checks: a safe name, its real type, image or not."""

    filename: str
    mime: str
    content: bytes

    @property
    def kind(self) -> str:
        """ "image" (sent as a picture where the channel can) or "file"."""
        return "image" if self.mime in IMAGE_MIMES else "file"


def human_size(size: int) -> str:
    """1234567 -> "1.2 MB", 2048 -> "2 KB"."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(size // 1024, 1)} KB"


def _safe_name(filename: str) -> str:
    # Only the last path element, without control characters; kept readable (Chinese names).
    name = PurePath(filename.replace("\\", "/")).name
    name = "".join(c for c in name if c.isprintable() and c not in '<>:"/|?*')
    return name.strip(" .")[:120]


def check_size(size: int, max_bytes: int) -> None:
    """FileRefused when a file of `size` bytes is over the cap (checked before a download too)."""
    if size > max_bytes:
        max_mb = max_bytes // (1024 * 1024)
        raise FileRefused(
            f"文件太大：{human_size(size)}，最大 {max_mb} MB / "
            f"The file is too large: {human_size(size)}, at most {max_mb} MB"
        )


def check_file(filename: str, content: bytes, max_bytes: int) -> CheckedFile:
    """The file if staff may send it, else FileRefused: empty, too large, a type not allowed, or
    content that is not what its name says (a renamed .exe stays refused)."""
    name = _safe_name(filename)
    if not content:
        raise FileRefused("文件是空的 / The file is empty")
    check_size(len(content), max_bytes)
    ext = PurePath(name.lower()).suffix
    if not name or ext not in ALLOWED:
        kinds = " ".join(sorted(ALLOWED))
        raise FileRefused(
            f"不支持此文件类型，可发送：{kinds} / This type of file cannot be sent; allowed: {kinds}"
        )
    mime, starts = ALLOWED[ext]
    if starts and not content.startswith(starts):
        raise FileRefused(f"文件内容与扩展名 {ext} 不符 / The file's content is not a {ext} file")
    if not starts:
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            text = "\0"
        if "\0" in text:
            raise FileRefused("文本文件须为 UTF-8 编码 / A text file must be UTF-8 text")
    return CheckedFile(filename=name, mime=mime, content=content)


def file_payload_text(filename: str, size: int, kind: str = "file") -> str:
    """The line staff (and the transcript) see for a file message; 🖼 marks an image (the web
    chat shows it)."""
    return f"{'🖼' if kind == 'image' else '📎'} {filename} · {human_size(size)}"


def send_file(
    *,
    session: Session,
    ticket: Ticket,
    staff: str,
    file: CheckedFile,
    now: dt.datetime,
    caption: str = "",
    telegram_file_id: str | None = None,
) -> tuple[QueuedMessage, str | None]:
    """Send `file` (and `caption` before it, as a reply) to the ticket's user; returns the
    file's queued message and a warning for staff when it cannot go now.

    `telegram_file_id`: the file's id when it came from this bot (the staff group), so a
    Telegram user gets it without a new upload.
    """
    caption = caption.strip()
    warning = helpdesk.staff_writes(
        session=session, ticket=ticket, staff=staff, parts=2 if caption else 1, now=now
    )
    if caption:  # the words go first, the file right behind them (the outbox keeps order)
        body = ht("staff_prefix", ticket.lang) + caption
        helpdesk.to_user(session, ticket, body, f"staff:{staff}", now)
    row = add_file(
        session=session,
        ticket_number=ticket.number,
        channel=ticket.channel,
        kind=file.kind,
        filename=file.filename,
        mime=file.mime,
        content=file.content,
        sent_by=staff,
    )
    extra: dict[str, object] = {
        "file": row.id,
        "kind": file.kind,
        "file_name": file.filename,
        "mime": file.mime,
        "size": len(file.content),
        "lang": ticket.lang,
    }
    if telegram_file_id:
        extra["telegram_file_id"] = telegram_file_id
    text = file_payload_text(file.filename, len(file.content), file.kind)
    queued = helpdesk.to_user(session, ticket, text, f"staff:{staff}", now, **extra)
    return queued, warning


def is_file_payload(payload: Mapping[str, Any]) -> bool:
    """Whether an outbox payload is a file staff send (not a text)."""
    return payload.get("file") is not None


def load_file(engine: Engine, payload: Mapping[str, Any]) -> CheckedFile:
    """The bytes of a file payload, read from the ticket's files at send time (the payload holds
    only the id). PermanentFailure when the file is gone (erased with the user's data)."""
    with session_scope(engine) as session:
        row = get_file(
            session=session,
            ticket_number=str(payload.get("ticket") or ""),
            file_id=int(payload["file"]),
        )
        if row is None:
            raise PermanentFailure("the file is no longer stored (erased)")
        return CheckedFile(filename=row.filename, mime=row.mime, content=bytes(row.content))
