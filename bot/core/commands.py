"""Greetings, menu, help, language, cancel and answer feedback: the same words on every channel."""

from __future__ import annotations

import re

from sqlmodel import col, select

from bot.core.context import Context
from bot.core.messages import Choice, Reply
from bot.core.ports import Outcome
from bot.core.station import station_phone
from bot.core.texts import TEXTS
from bot.faq.skill import menu_choices
from storage.models import QuestionLog

__all__ = ("CommandSkill",)


def _words(*items: str) -> frozenset[str]:
    return frozenset(items)


GREETINGS = _words(
    "你好",
    "您好",
    "在吗",
    "在不在",
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
MENU = _words("菜单", "menu", "/menu", "主菜单", "服务", "main menu", "开始")
HELP = _words("帮助", "help", "/help", "?", "？", "怎么用", "使用说明", "how to use")
CANCEL = _words("取消", "cancel", "/cancel", "退出", "quit", "算了")
TO_EN = _words("english", "英文", "英语", "/lang en", "lang:en")
TO_ZH = _words("中文", "chinese", "汉语", "/lang zh", "lang:zh")
LANG_TOGGLE = _words("/lang", "language", "语言")
UP = _words("有用", "有帮助", "👍", "helpful", "useful", "feedback:up", "thanks", "谢谢")
DOWN = _words("没用", "没帮助", "没有用", "无用", "👎", "not helpful", "useless", "feedback:down")
_PUNCT_RE = re.compile(r"[\s!！。.,，~～]+$")


def bilingual_welcome(ctx: Context) -> bool:
    """A first /start from a user whose language the channel did not give."""
    return ctx.inbound.locale is None and not ctx.state.lang_fixed


class CommandSkill:
    """Handles the fixed words; everything else passes on."""

    name = "commands"

    def handle(self, ctx: Context) -> Outcome | None:
        key = _PUNCT_RE.sub("", ctx.text.strip().lower())
        if key in GREETINGS:
            station = (
                ctx.core.settings.station_name_en
                if ctx.lang == "en"
                else ctx.core.settings.station_name_zh
            )
            text = ctx.t("welcome", station=station)
            if key in ("/start", "start") and bilingual_welcome(ctx):
                # No language from the channel and nothing typed to read it from: both.
                zh = TEXTS["welcome"][0].format(station=ctx.core.settings.station_name_zh)
                en = TEXTS["welcome"][1].format(station=ctx.core.settings.station_name_en)
                text = f"{zh}\n\n{en}"
            return self._menu(ctx, text, "smalltalk")
        if key in MENU:
            return self._menu(ctx, ctx.t("menu"), "command")
        if key in HELP:
            return Outcome(
                [Reply(ctx.t("help"), choices=menu_choices(ctx.lang))],
                "command",
                "handled",
                log=False,
            )
        if key in TO_EN or key in TO_ZH or key in LANG_TOGGLE:
            lang = (
                "en"
                if key in TO_EN
                else "zh"
                if key in TO_ZH
                else ("zh" if ctx.lang == "en" else "en")
            )
            ctx.state.lang, ctx.state.lang_fixed = lang, True
            return Outcome(
                [Reply(ctx.t("lang.switched"), choices=menu_choices(lang))],
                "command",
                "handled",
                log=False,
            )
        if key in CANCEL:
            if ctx.flow:
                ctx.flow = None
                return Outcome(
                    [Reply(ctx.t("cancelled"), choices=menu_choices(ctx.lang))],
                    "command",
                    "handled",
                    log=False,
                )
            return Outcome([Reply(ctx.t("cancel.nothing"))], "command", "handled", log=False)
        if key in UP or key in DOWN:
            return self._feedback(ctx, up=key in UP)
        if key.startswith("menu:"):
            return self._menu_item(ctx, key[5:])
        return None

    def _menu(self, ctx: Context, text: str, intent: str) -> Outcome:
        return Outcome(
            [Reply(text, choices=menu_choices(ctx.lang), intent=intent)],
            intent,
            "handled",
            log=intent != "command",
        )

    def _feedback(self, ctx: Context, *, up: bool) -> Outcome | None:
        if not ctx.data.get("last_faq_id"):
            if ctx.text.startswith("feedback:"):
                return Outcome([Reply(ctx.t("feedback.nothing"))], "feedback", "handled", log=False)
            return None  # "thanks" with nothing to rate: let other skills read it
        # The user's latest question answered with that entry is the one being rated.
        query = (
            select(QuestionLog)
            .where(
                QuestionLog.channel == ctx.state.channel,
                QuestionLog.user_ref == ctx.state.user_ref,
                QuestionLog.faq_id == ctx.data["last_faq_id"],
            )
            .order_by(col(QuestionLog.id).desc())
            .limit(1)
        )
        row = ctx.session.exec(query).first()
        if row is not None:
            row.feedback = "useful" if up else "not_useful"
            ctx.session.add(row)
        ctx.data["last_feedback"] = "up" if up else "down"
        text = ctx.t("feedback.thanks_up" if up else "feedback.thanks_down")
        choices = () if up else (Choice(ctx.t("menu.human"), "menu:human"),)
        return Outcome(
            [Reply(text, choices=choices, intent="feedback")], "feedback", "handled", log=False
        )

    def _menu_item(self, ctx: Context, item: str) -> Outcome:
        if item in ("book", "human"):
            # Delegate to the booking / handoff skills when they are installed.
            ctx.text = "预约专家" if item == "book" else "人工"
            for skill in ctx.core.skills:
                if skill.name in ("commands", "faq"):
                    continue
                outcome = skill.handle(ctx)
                if outcome is not None:
                    return outcome
            phone = station_phone(ctx.core.settings, ctx.lang)
            key = "book.unavailable" if item == "book" else "human.unavailable"
            return Outcome([Reply(ctx.t(key, phone=phone))], "command", "handled", log=False)
        index = ctx.core.index.get(ctx.session)
        entries = [e for e in index.entries if e.theme == item and e.valid_on(ctx.today)][:8]
        lines = [ctx.t("menu.theme_intro", theme=ctx.t(f"theme.{item}"))]
        lines += [f"{i}. {e.question.get(ctx.lang)}" for i, e in enumerate(entries, 1)]
        if item == "renewal":
            lines.append(ctx.t("menu.renewal_tip"))
        choices = tuple(Choice(e.question.get(ctx.lang), f"faq:{e.id}") for e in entries)
        return Outcome(
            [Reply("\n".join(lines), choices=choices, intent="command")],
            "command",
            "handled",
            log=False,
        )
