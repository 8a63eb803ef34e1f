"""The FAQ skill with an offer of station staff when its answer is weak or not enough.

Three cases: two low-confidence turns in a row, a question right after "没用" (not helpful),
and an entry the corpus marks `needs_staff`. Offering with a button is kinder than opening a
ticket unasked: the user may only be browsing, and one tap (or "人工") opens it.
"""

from __future__ import annotations

from dataclasses import replace

from bot.core.context import Context
from bot.core.messages import Choice
from bot.core.ports import FallbackSkill, Outcome
from bot.handoff.texts import ht

__all__ = ("OfferingFaq",)

LOW_STREAK = 2  # low-confidence turns in a row before staff are offered


class OfferingFaq:
    """Wraps the FAQ skill (same name, same answers) and appends a "talk to staff" offer.

    The registry (bot/core/skills.py) hands it the FAQ skill, so handoff never imports it.
    """

    name = "faq"

    def __init__(self, inner: FallbackSkill) -> None:
        self.inner = inner

    def handle(self, ctx: Context) -> Outcome:
        typed = not (ctx.inbound.is_callback or ctx.text.startswith("faq:"))
        after_down = typed and ctx.data.pop("last_feedback", None) == "down"
        outcome = self.inner.handle(ctx)
        reason = None
        if outcome.result and outcome.result.get("needs_staff"):
            reason = "needs_staff"
        elif int(ctx.data.get("low_streak", 0)) >= LOW_STREAK:
            reason = "low_confidence"
        elif after_down:
            reason = "not_helpful"
        if reason is None:
            ctx.data.pop("handoff_offer", None)
            return outcome
        question = ctx.text
        if not typed and outcome.faq_id:
            entry = ctx.services.index.get(ctx.session).resolve(outcome.faq_id, ctx.today)
            question = entry.question.get(ctx.lang) if entry else question
        ctx.data["handoff_offer"] = {
            "question": question,
            "reason": reason,
            "category": self._category(ctx, outcome),
            "priority": "high" if reason == "needs_staff" else "normal",
            "at": ctx.now.isoformat(),
        }
        last = outcome.replies[-1]
        offer = Choice(ht("offer.button", ctx.lang), "handoff:open")
        # Last, so the numbers of the listed suggestions still match their choices.
        others = tuple(c for c in last.choices if c.payload != "menu:human")
        outcome.replies[-1] = replace(
            last, text=f"{last.text}\n\n{ht(f'offer.{reason}', ctx.lang)}", choices=(*others, offer)
        )
        outcome.result = {**(outcome.result or {}), "handoff_offer": reason}
        return outcome

    def _category(self, ctx: Context, outcome: Outcome) -> str:
        faq_id = outcome.faq_id or next((s["faq_id"] for s in outcome.suggestions), None)
        entry = ctx.services.index.get(ctx.session).resolve(faq_id, ctx.today) if faq_id else None
        return entry.theme if entry is not None else "general"
