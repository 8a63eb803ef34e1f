"""The tools skill: renewal and other deadlines, fee estimates and the Nice class finder in the chat.

It takes a message only when the message carries the user's own facts or explicitly asks about
the user's own mark (see bot/tools/detect.py); general questions ("续展要多少钱") stay with the
FAQ. When a fact is missing it asks for it and keeps the question in the "tools" flow, so the
next message ("2016年3月7日") completes it. An ambiguous or impossible date gets the date
parser's question back, never a guess.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

from bot.core.context import Context
from bot.core.messages import Choice, Reply
from bot.core.ports import Outcome
from bot.tools.detect import (
    DATE_TOOLS,
    Facts,
    choose,
    class_items,
    date_role,
    date_tool,
    date_tool_of,
    mailed,
    new_filing,
    numbered_class_items,
    read_facts,
    unknown_parties,
)
from bot.tools.followup import follow_up, is_follow_up, late_when_paid, recent_event
from bot.tools.run import (
    Answer,
    ToolConfig,
    ask,
    date_question,
    madrid,
    national,
    nice_classes,
    period,
    renewal,
    renewal_fee_only,
)
from bot.tools.texts import tt
from knowledge.tools import DateResult, ParsedDate, RenewalPhase, ToolDataError, renewal_status

__all__ = ("ToolsSkill",)

logger = logging.getLogger(__name__)
_PAYLOAD_RE = re.compile(r"^[a-z_]+:[\w:.-]*$")
_SELF = re.compile(r"我|\b(i|we|my|our)\b", re.IGNORECASE)


# The notices whose date starts a deadline, by the conversation's subject.
_SUBJECT_TOOL = {"opposition": "opposition", "rejection": "rejection_review"}
_TOOL_SUBJECT = {
    "renewal": "renewal",
    "fee_renewal": "renewal",
    "opposition": "opposition",
    "rejection_review": "rejection",
    "madrid_dependency": "madrid",
    "fee_madrid": "madrid",
    "nonuse": "nonuse",
    "fee_national": "registration",
}


_PAST_WINDOW = ("lost", "grace_period")


def _unknown_parties(names: list[str], known: list[str], lang: str) -> Answer:
    listed = "、".join(names) if lang != "en" else ", ".join(names)
    return Answer(
        tt("madrid.unknown_party", lang, names=listed),
        {"tool": "fee_madrid", "status": "unknown_party", "unknown": names, "parties": known},
        computed=False,
    )


def _in_grace(mark: dict[str, Any], ctx: Context, cfg: ToolConfig) -> bool:
    date = dt.date.fromisoformat(str(mark["date"]))
    expiry = bool(mark.get("expiry"))
    status = renewal_status(
        today=ctx.today,
        registration_date=None if expiry else date,
        expiry_date=date if expiry else None,
        calendar=cfg.calendar,
        fees=cfg.fees,
    )
    return status.phase == RenewalPhase.GRACE_PERIOD


class ToolsSkill:
    """Computes on the user's own facts; asks for what is missing."""

    name = "tools"

    def handle(self, ctx: Context) -> Outcome | None:
        if _PAYLOAD_RE.match(ctx.text):
            return None  # button payloads belong to other skills
        cfg = ToolConfig.from_settings(ctx.services.settings)
        facts = read_facts(ctx.text, ctx.today, cfg.fees)
        carry: dict[str, Any] = {}
        try:
            if ctx.flow == self.name:
                answer = self._continue(ctx, facts, cfg)
                if answer is not None:
                    return self._outcome(ctx, answer)
                carry = dict(ctx.flow_data)
                ctx.flow = None  # a question of its own, or the user moved on: read afresh
            tool = choose(facts)
            if tool == "fee_national" and self._renewing(ctx) and not new_filing(ctx.text):
                tool = "fee_renewal"  # "我们有3个类 都网上交 一共多少" while renewal is the subject
            if tool is None and facts.dates:
                tool = self._of_subject(ctx, facts)
            if tool and carry.get("tool") == tool and facts.classes is None:
                facts.classes = carry.get("classes")  # "3个类" said before the date
            answer = self._answer(ctx, tool, facts, cfg) if tool else None
        except (ToolDataError, ValueError):
            logger.exception("tool computation failed for %r", ctx.text)
            ctx.flow = None
            return Outcome([Reply(tt("failed", ctx.lang), intent="tool")], "tool", "failed")
        return self._outcome(ctx, answer) if answer is not None else None

    @staticmethod
    def _renewing(ctx: Context) -> bool:
        """Whether the conversation is on renewing a mark (an answer or a computation)."""
        last = (ctx.dialogue.tool or {}).get("tool")
        return ctx.dialogue.subject in ("renewal", "grace") or last in ("renewal", "fee_renewal")

    @staticmethod
    def _of_subject(ctx: Context, facts: Facts) -> str | None:
        """The deadline tool of the conversation's subject, for a date of its notice told
        without naming the procedure again ("公告是10月27号发的 最晚哪天要交上去")."""
        tool = _SUBJECT_TOOL.get(str(ctx.dialogue.subject))
        return tool if tool and date_tool_of(facts, tool) else None

    # -- a new request ----------------------------------------------------------------------

    def _answer(self, ctx: Context, tool: str, facts: Facts, cfg: ToolConfig) -> Answer | None:
        lang = ctx.lang
        if tool in DATE_TOOLS:
            found = date_tool(facts)
            if found is None or found[0] != tool:
                found = date_tool_of(facts, tool)
            if found is None:  # "我的商标什么时候续展": ask for the date
                return ask(tool, lang, classes=facts.classes)
            return self._with_date(ctx, tool, found[1], facts, cfg, classes=facts.classes)
        if tool == "fee_national":
            classes = facts.classes
            numbered = numbered_class_items(facts, classes or 1, facts.numbers)
            if numbered is not None:
                # "13 items in 25 and 8 in 35": each class its own items, named by number.
                items, numbers, count = numbered
                ctx.dialogue.used_tool(
                    {
                        "tool": tool,
                        "classes": count,
                        "items": items,
                        "fixed": len(numbers),
                        "paper": facts.paper,
                        "numbers": numbers,
                    }
                )
                return national(
                    items, paper=facts.paper, items_given=True, cfg=cfg, lang=lang, numbers=numbers
                )
            scoped = class_items(facts, classes or 1)
            fixed = 0
            if scoped is not None:  # "其中一个类15个小项": items of that class, ten for the others
                items, fixed = scoped
            elif facts.items:
                items = facts.items * classes if len(facts.items) == 1 and classes else facts.items
            else:
                items = [10] * (classes or 1)
            ctx.dialogue.used_tool(
                {
                    "tool": tool,
                    "classes": classes or len(items),
                    "items": items if scoped is not None else facts.items,
                    "fixed": fixed,
                    "paper": facts.paper,
                    "numbers": facts.numbers,
                }
            )
            same = len(set(items)) == 1  # every class alike: the numbers name them all
            named = facts.numbers if len(facts.numbers) == len(items) and same else []
            return national(
                items,
                paper=facts.paper,
                items_given=bool(facts.items),
                cfg=cfg,
                lang=lang,
                numbers=named,
            )
        if tool == "fee_renewal":
            classes = facts.classes or 1
            late = facts.late
            inputs: dict[str, Any] = {"tool": tool, "classes": classes, "paper": facts.paper}
            mark = ctx.dialogue.tool or {}
            if mark.get("tool") in ("renewal", "fee_renewal") and mark.get("date"):
                # "我们是4个类 续展得多少" after that mark's dates: its fee, late in the grace period.
                inputs |= {"date": mark["date"], "expiry": mark.get("expiry")}
                late = late or _in_grace(mark, ctx, cfg)
                paid_late = late_when_paid(facts.text, facts, mark, ctx.today, cfg)
                if paid_late is not None:
                    late = paid_late  # "拖到明年一月份才交 续3个类多少": the fee at that time
            ctx.dialogue.used_tool({**inputs, "late": late})
            return renewal_fee_only(classes, late=late, paper=facts.paper, cfg=cfg, lang=lang)
        if tool == "fee_madrid":
            if not facts.parties:
                return ask(tool, lang, classes=facts.classes, colour=facts.colour)
            names = [p.text for p in facts.parties]
            unknown = unknown_parties(facts.text, facts.parties)
            if unknown:  # never a total that silently leaves a named country out
                return _unknown_parties(unknown, [p.code for p in facts.parties], lang)
            ctx.dialogue.used_tool(
                {"tool": tool, "parties": names, "classes": facts.classes, "colour": facts.colour}
            )
            return madrid(names, classes=facts.classes, colour=facts.colour, cfg=cfg, lang=lang)
        if tool == "classes":
            answer = nice_classes(ctx.text, lang)
            if answer.computed:
                ctx.dialogue.used_tool({"tool": tool, "description": ctx.text})
                return answer
            return ask(tool, lang) if _SELF.search(facts.text) else None
        return None

    def _with_date(
        self,
        ctx: Context,
        tool: str,
        date: DateResult,
        facts: Facts,
        cfg: ToolConfig,
        *,
        classes: int | None,
        expiry: bool | None = None,
    ) -> Answer:
        role = date_role(facts, date)
        is_expiry = role == "expiry" or bool(expiry)
        date = recent_event(tool, date, ctx.today)
        if not isinstance(date, ParsedDate):
            return date_question(
                tool,
                date,
                expiry=is_expiry,
                today=ctx.today,
                cfg=cfg,
                lang=ctx.lang,
                classes=classes,
            )
        inputs = {"tool": tool, "date": date.value.isoformat(), "expiry": is_expiry}
        inputs |= {"classes": classes, "sent": role == "sent", "mailed": mailed(facts)}
        ctx.dialogue.used_tool(inputs)
        if tool == "renewal":
            return renewal(
                date.value,
                expiry=is_expiry,
                classes=classes,
                today=ctx.today,
                cfg=cfg,
                lang=ctx.lang,
            )
        return period(
            tool,
            date.value,
            sent=role == "sent",
            mailed=mailed(facts),
            today=ctx.today,
            cfg=cfg,
            lang=ctx.lang,
        )

    # -- a follow-up that changes an input of the last computation --------------------------

    def is_follow_up(self, ctx: Context) -> bool:
        """Whether the message only changes an input of the last computation ("3个类")."""
        if not ctx.dialogue.tool or _PAYLOAD_RE.match(ctx.text) or ctx.flow == self.name:
            return False  # nothing to follow up: no fee table read
        cfg = ToolConfig.from_settings(ctx.services.settings)
        return is_follow_up(ctx.text, ctx.dialogue.tool, ctx.today, cfg)

    def follow_up(self, ctx: Context) -> Outcome | None:
        """Recompute the last tool with the changed input."""
        last = ctx.dialogue.tool
        if not last:
            return None
        cfg = ToolConfig.from_settings(ctx.services.settings)
        try:
            found = follow_up(ctx.text, last, ctx.today, cfg, ctx.lang)
        except (ToolDataError, ValueError):
            logger.exception("tool follow-up failed for %r", ctx.text)
            return None
        if found is None:
            return None
        answer, inputs = found
        ctx.dialogue.used_tool(inputs)
        return self._outcome(ctx, answer)

    # -- the answer to our question -----------------------------------------------------------

    def _continue(self, ctx: Context, facts: Facts, cfg: ToolConfig) -> Answer | None:
        pending: dict[str, Any] = dict(ctx.flow_data)
        tool = str(pending.get("tool", ""))
        if choose(facts) is not None:
            return None  # a complete question of its own: handled afresh
        if tool in DATE_TOOLS:
            if not facts.dates:
                return None
            classes = facts.classes or pending.get("classes")
            expiry = pending.get("expiry")
            return self._with_date(
                ctx,
                tool,
                facts.dates[0],
                facts,
                cfg,
                classes=classes,
                expiry=bool(expiry) if expiry is not None else None,
            )
        if tool == "fee_madrid" and facts.parties:
            colour = facts.colour if facts.colour is not None else pending.get("colour")
            return madrid(
                [p.text for p in facts.parties],
                classes=facts.classes or pending.get("classes"),
                colour=colour,
                cfg=cfg,
                lang=ctx.lang,
            )
        if tool == "classes":
            answer = nice_classes(ctx.text, ctx.lang)
            return answer if answer.computed else None
        return None

    def ask_again(self, ctx: Context) -> Reply | None:
        """The question the tool is waiting on (after small talk typed in its place)."""
        asked = ctx.flow_data.get("asked") if ctx.flow == self.name else None
        return Reply(str(asked), intent="tool") if asked else None

    # -- the reply ----------------------------------------------------------------------------

    def _outcome(self, ctx: Context, answer: Answer) -> Outcome:
        if answer.pending is not None:
            ctx.flow = self.name
            ctx.flow_data.clear()
            ctx.flow_data.update({k: v for k, v in answer.pending.items() if v is not None})
            ctx.flow_data["asked"] = answer.text  # asked again after small talk
        elif ctx.flow == self.name:
            ctx.flow = None
        # A later "谢谢" / "没用" must not rate an FAQ answer given before this one.
        ctx.data.pop("last_faq_id", None)
        ctx.data.pop("last_feedback", None)
        choices: tuple[Choice, ...] = ()
        subject = _TOOL_SUBJECT.get(str(answer.result.get("tool")))
        tool = answer.result.get("tool")
        if tool == "renewal" and answer.result.get("phase"):
            # Where the user's mark stands, for "那怎么办" after it (bot/faq/lapsed.py).
            ctx.dialogue.extra["mark_phase"] = answer.result["phase"]
        elif answer.computed and tool != "fee_renewal":
            ctx.dialogue.extra.pop("mark_phase", None)
        if subject:  # "what documents do we need" after an opposition deadline is about opposition
            # The entry that explains where the user's mark stands ("那怎么办" after "lost").
            # Past the renewal window, what comes next is the grace period's ("那怎么办").
            if answer.result.get("phase") in _PAST_WINDOW:
                subject = "grace"
            ctx.dialogue.answered(subject, None, None)
        if answer.computed:
            ctx.data["low_streak"] = 0  # a real answer: no staff offer for earlier weak ones
            choices = (Choice(ctx.t("menu.book"), "menu:book"),)
            if answer.result.get("tool") == "renewal" and answer.result.get("phase") != "lost":
                # Their own deadline, just computed: the reminders (bot/marks) are one tap away.
                choices = (Choice(ctx.t("menu.remind"), "marks:add"), *choices)
        reply = Reply(
            answer.text, choices=choices, intent="tool", meta={"tool": answer.result["tool"]}
        )
        return Outcome(
            [reply],
            "tool",
            "answered" if answer.computed else "asked",
            result=answer.result,
        )
