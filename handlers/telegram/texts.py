"""The few texts the Telegram adapter says itself (the core says everything else), zh and en."""

from __future__ import annotations

from typing import Any

from bot.core.texts import catalog

__all__ = ("COMMANDS", "TEXTS", "bilingual")

TEXTS: dict[str, tuple[str, str]] = {
    "group.private_only": (
        "您好！为保护企业信息，我只在私聊中解答商标问题，请点击 {link} 与我私聊。",
        "Hello! To keep your business details private I answer trademark questions in a "
        "private chat only: open {link} and send /start.",
    ),
    "error": (
        "抱歉，处理您的消息时出了点问题，请稍后再试，或发送 /human 联系工作人员。",
        "Sorry, something went wrong with your message. Please try again later, or send "
        "/human to reach staff.",
    ),
    "document.caption": ("附件：{name}", "Attached: {name}"),
    "button.expired": (
        "这个按钮已失效，请直接输入问题，或发送 /start 查看菜单。",
        "This button has expired. Type your question, or send /start for the menu.",
    ),
}

# The bot's command menu (setMyCommands): (command, zh description, en description).
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("start", "开始 / 服务菜单", "Start / service menu"),
    ("help", "使用帮助", "How to use this bot"),
    ("book", "预约专家咨询", "Book an expert consultation"),
    ("human", "联系工作人员", "Talk to staff"),
    ("lang", "切换中文 / English", "Switch English / 中文"),
    ("cancel", "取消当前操作", "Cancel the current step"),
)


_telegram = catalog("telegram", TEXTS)


def bilingual(key: str, **values: Any) -> str:
    """Both languages in one message, for chats whose language tmbot does not know."""
    return f"{_telegram(key, 'zh', **values)}\n\n{_telegram(key, 'en', **values)}"
