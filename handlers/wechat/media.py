"""Images, voice and files a WeChat user sends during a handoff: fetched with WeChat's media API
(`media/get`; temporary media expire after 3 days) and attached to the ticket for staff.

The inbound side (handlers/wechat/inbound.py) queues an outbox row with sender `wechat_media`
(recipient: the ticket number) so a failed download is retried with backoff like any delivery.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.delivery.worker import PermanentFailure
from bot.handoff.files import attach_to_ticket
from handlers.wechat.sender import WeChatApiSender, classify
from storage.ticket_files import MAX_FILE_BYTES

__all__ = ("KIND_NAMES", "WeChatMediaFetcher")

KIND_NAMES = {
    "image": ("图片", "image"),
    "voice": ("语音", "voice message"),
    "video": ("视频", "video"),
    "shortvideo": ("小视频", "short video"),
    "file": ("文件", "file"),
}
_EXT = {"image/jpeg": ".jpg", "image/png": ".png", "audio/amr": ".amr", "video/mp4": ".mp4"}
_FILENAME_RE = re.compile(r'filename="?([^";]+)"?')


class WeChatMediaFetcher(WeChatApiSender):
    """Outbox sender `wechat_media`: downloads one media id into the ticket's files."""

    name = "wechat_media"

    def send(self, recipient: str, payload: Mapping[str, Any]) -> None:
        """Fetch `payload["media_id"]` for ticket `recipient`; tell staff it is attached."""
        media_id, kind = str(payload.get("media_id") or ""), str(payload.get("kind") or "file")
        if not media_id:
            raise PermanentFailure("no media id")
        try:
            response = self.client.media.download(media_id)
        except Exception as exc:
            raise classify(exc) from exc
        content = bytes(getattr(response, "content", b""))
        if not content:
            raise PermanentFailure("WeChat returned an empty file")
        if len(content) > MAX_FILE_BYTES:
            raise PermanentFailure(f"file too large ({len(content)} bytes)")
        headers = getattr(response, "headers", {}) or {}
        mime = str(headers.get("content-type") or "application/octet-stream").split(";")[0]
        found = _FILENAME_RE.search(str(headers.get("content-disposition") or ""))
        filename = found.group(1) if found else f"{kind}-{media_id[:12]}{_EXT.get(mime, '')}"
        attach_to_ticket(
            engine=self.engine,
            settings=self.settings,
            now=self.clock.now(),
            ticket_number=recipient,
            channel="wechat",
            kind=kind,
            filename=filename,
            mime=mime,
            content=content,
        )
