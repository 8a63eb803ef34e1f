"""Replies as WeChat text: choices become a numbered list (typing the number picks it), and long
text is cut into messages WeChat accepts."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.messages import Reply
from bot.delivery.parts import PartLimit, split_parts

__all__ = ("MAX_BYTES", "MAX_CHARS", "SORRY", "media_text", "render", "split_chunks")

# WeChat refuses text messages over 2048 bytes of UTF-8; keep a margin. 600 characters keep a
# part readable on a phone (2000 bytes of Chinese would be ~660).
MAX_BYTES = 2000
MAX_CHARS = 600

_KINDS = {
    "image": ("图片", "images"),
    "voice": ("语音消息", "voice messages"),
    "video": ("视频", "videos"),
    "shortvideo": ("小视频", "short videos"),
    "location": ("位置信息", "locations"),
    "link": ("链接", "links"),
    "file": ("文件", "files"),
}

SORRY = (
    "抱歉，刚才出了点问题，请稍后再试，或回复“人工”联系工作人员。\n"
    "Sorry, something went wrong on our side. Please try again later, or reply 'human'."
)


def media_text(kind: str) -> str:
    """The polite bilingual answer to a message tmbot cannot read."""
    zh, en = _KINDS.get(kind, ("这类消息", "this kind of message"))
    return (
        f"抱歉，我暂时无法查看{zh}。我能阅读文字消息：请用文字输入您的商标问题，"
        "或回复“菜单”查看服务。\n"
        f"Sorry, I cannot open {en} yet. I read text: please type your trademark question, "
        "or reply 'menu' for services."
    )


def render(replies: Sequence[Reply]) -> str:
    """All replies as one text, choices numbered across replies as the core counts them."""
    parts = []
    number = 0
    for reply in replies:
        text = reply.text.strip()
        extra = []
        for choice in reply.choices:
            number += 1
            line = f"{number}. {choice.label}"
            if line not in text:  # skills list related questions and suggestions themselves
                extra.append(line)
        if extra:
            glue = "\n" if text.endswith((":", "：")) or not text else "\n\n"
            text = f"{text}{glue}" + "\n".join(extra)
        if text:
            parts.append(text.strip())
    return "\n\n".join(parts)


def split_chunks(text: str, limit: int = MAX_BYTES, max_chars: int = MAX_CHARS) -> list[str]:
    """Text in pieces of at most `limit` UTF-8 bytes and `max_chars` characters, cut at line
    ends where possible."""
    return split_parts(text, PartLimit(max_bytes=limit, max_chars=max_chars))
