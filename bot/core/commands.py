"""Greetings, menu, help, language, cancel and answer feedback: the same words on every channel."""

from __future__ import annotations

from sqlmodel import col, select

from bot.core.context import Context
from bot.core.menu import CANCEL, command_key, menu_choices, menu_reply, words
from bot.core.messages import Choice, Reply
from bot.core.ports import Outcome
from bot.core.station import station_phone
from storage.models import QuestionLog

__all__ = ("CommandSkill",)


TO_EN = words("english", "英文", "英语", "/lang en", "lang:en")
TO_ZH = words("中文", "chinese", "汉语", "/lang zh", "lang:zh")
LANG_TOGGLE = words("/lang", "language", "语言")
# "谢谢" / "thanks" are small talk (bot/smalltalk), not a rating of the last answer.
UP = words("有用", "有帮助", "👍", "helpful", "useful", "feedback:up")
DOWN = words("没用", "没帮助", "没有用", "无用", "👎", "not helpful", "useless", "feedback:down")


class CommandSkill:
    """Handles the fixed words; everything else passes on."""

    name = "commands"

    def handle(self, ctx: Context) -> Outcome | None:
        shown = menu_reply(ctx)
        if shown is not None:
            return shown
        key = command_key(ctx.text)
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
            outcome = ctx.services.answer_with_others(ctx, skip=("commands", "smalltalk", "faq"))
            if outcome is not None:
                return outcome
            phone = station_phone(ctx.services.settings, ctx.lang)
            key = "book.unavailable" if item == "book" else "human.unavailable"
            return Outcome([Reply(ctx.t(key, phone=phone))], "command", "handled", log=False)
        index = ctx.services.index.get(ctx.session)
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
