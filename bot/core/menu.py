"""The main menu and the fixed words every skill knows (greetings, menu, help, cancel): the
commands skill answers them, booking, handoff and marks recognise them inside their flows, so
they live here rather than in any one skill."""

from __future__ import annotations

import re

from bot.core.context import Context
from bot.core.messages import Choice, Reply
from bot.core.ports import Outcome
from bot.core.texts import TEXTS, t

__all__ = (
    "CANCEL",
    "GREETINGS",
    "HELP",
    "MENU",
    "bilingual_welcome",
    "command_key",
    "menu_choices",
    "menu_reply",
    "words",
)


def words(*items: str) -> frozenset[str]:
    """A set of fixed words, matched against `command_key(text)`."""
    return frozenset(items)


GREETINGS = words(
    "你好",
    "您好",
    "哈喽",
    "嗨",
    "hi",
    "hello",
    "hey",
    "/start",
    "start",
    "good morning",
    "早上好",
    "下午好",
    "晚上好",
    "你好呀",
    "您好呀",
)
MENU = words("菜单", "menu", "/menu", "主菜单", "服务", "main menu", "开始")
HELP = words("帮助", "help", "/help", "?", "？", "怎么用", "使用说明", "how to use")
CANCEL = words("取消", "cancel", "/cancel", "退出", "quit", "算了")
_PUNCT_RE = re.compile(r"[\s!！。.,，~～]+$")


def bilingual_welcome(ctx: Context) -> bool:
    """A first /start from a user whose language the channel did not give."""
    return ctx.inbound.locale is None and not ctx.state.lang_fixed


def command_key(text: str) -> str:
    """The text as the fixed words are looked up: lower case, no trailing punctuation."""
    return _PUNCT_RE.sub("", text.strip().lower())


def menu_reply(ctx: Context) -> Outcome | None:
    """The welcome, the menu or the help for a greeting, "菜单" or "帮助"; None for other text.

    The commands skill answers with it, and so does the handoff skill while staff own the
    conversation (bot/handoff/talkback.py).
    """
    key = command_key(ctx.text)
    settings = ctx.services.settings
    if key in GREETINGS:
        station = settings.station_name_en if ctx.lang == "en" else settings.station_name_zh
        text = ctx.t("welcome", station=station)
        if key in ("/start", "start") and bilingual_welcome(ctx):
            # No language from the channel and nothing typed to read it from: both.
            zh = TEXTS["welcome"][0].format(station=settings.station_name_zh)
            en = TEXTS["welcome"][1].format(station=settings.station_name_en)
            text = f"{zh}\n\n{en}"
        return _menu(ctx, text, "smalltalk")
    if key in MENU:
        return _menu(ctx, ctx.t("menu"), "command")
    if key in HELP:
        return Outcome(
            [Reply(ctx.t("help"), choices=menu_choices(ctx.lang))],
            "command",
            "handled",
            log=False,
        )
    return None


def _menu(ctx: Context, text: str, intent: str) -> Outcome:
    return Outcome(
        [Reply(text, choices=menu_choices(ctx.lang), intent=intent)],
        intent,
        "handled",
        log=intent != "command",
    )


def menu_choices(lang: str) -> tuple[Choice, ...]:
    """The main menu as choices."""
    keys = ("registration", "renewal", "madrid", "book", "human")
    return tuple(Choice(t(f"menu.{k}", lang), f"menu:{k}") for k in keys)
