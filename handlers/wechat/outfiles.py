"""What an Official Account can send back of a staff file: images up to its upload limit as
image messages, anything else as a link to a download page, which needs the station's public
address. Read when staff upload (handlers/staff/tickets.py, the Telegram staff group) and when
the outbox sends (handlers/wechat/sender.py); no WeChat client is imported here.
"""

from __future__ import annotations

from bot.handoff.outfiles import CheckedFile, FileRefused

__all__ = ("IMAGE_MAX_BYTES", "check_reachable", "sends_as_link")

IMAGE_MAX_BYTES = 10 * 1024 * 1024  # temporary media an Official Account may send as an image


def sends_as_link(file: CheckedFile) -> bool:
    """Whether `file` goes to a WeChat user as a download link rather than an image message."""
    return not (file.kind == "image" and len(file.content) <= IMAGE_MAX_BYTES)


def check_reachable(channel: str, file: CheckedFile, public_url: str) -> None:
    """FileRefused when the user's channel could never receive `file`: refused at upload, while
    staff can still send it another way, rather than queued to fail in the outbox."""
    if channel == "wechat" and not public_url and sends_as_link(file):
        raise FileRefused(
            "微信公众号只能直接发送图片，其他文件需以下载链接发送，但未设置 TMBOT_PUBLIC_URL"
            "（本站的公网地址），无法生成链接；请发送图片，或请管理员设置后再发 / "
            "A WeChat Official Account can send only images; other files go as a download link, "
            "which needs TMBOT_PUBLIC_URL (the station's public address), and it is not set: "
            "send an image, or ask an admin to set it first"
        )
