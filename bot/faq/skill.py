"""The FAQ skill: answer above the threshold, suggest in the middle band, decline below."""

from __future__ import annotations

from typing import Any

from bot.core.context import Context
from bot.core.messages import Choice, Reply
from bot.core.ports import Outcome
from bot.faq.answer import answer_text
from knowledge.index import Match
from knowledge.normalize import detect_lang
from knowledge.schema import FaqEntry

__all__ = ("FaqSkill", "menu_choices")


def menu_choices(lang: str) -> tuple[Choice, ...]:
    """The main menu as choices."""
    from bot.core.texts import t

    keys = ("registration", "renewal", "madrid", "book", "human")
    return tuple(Choice(t(f"menu.{k}", lang), f"menu:{k}") for k in keys)


def _suggestion(entry: FaqEntry, lang: str) -> dict[str, Any]:
    return {"faq_id": entry.id, "topic": entry.topic, "question": entry.question.get(lang)}


class FaqSkill:
    """Answers from the corpus; always answers (it is the last skill)."""

    name = "faq"

    def handle(self, ctx: Context) -> Outcome:
        if ctx.text.startswith("faq:"):
            return self.answer_entry(ctx, ctx.text[4:], score=100.0, log=False)
        index = ctx.core.index.get(ctx.session)
        matches = index.search(
            ctx.text, today=ctx.today, lang=detect_lang(ctx.text) or ctx.lang, limit=5
        )
        settings = ctx.core.settings
        best = matches[0] if matches else None
        if best and best.score >= settings.answer_threshold:
            ctx.data["low_streak"] = 0
            return self.answer_entry(ctx, best.entry.id, score=best.score)
        ctx.data["low_streak"] = int(ctx.data.get("low_streak", 0)) + 1
        candidates = _distinct(m for m in matches if m.score >= settings.suggest_threshold)[:3]
        if candidates:
            suggestions = [_suggestion(m.entry, ctx.lang) for m in candidates]
            lines = [ctx.t("suggest")]
            lines += [f"{i}. {s['question']}" for i, s in enumerate(suggestions, 1)]
            choices = tuple(Choice(s["question"], f"faq:{s['faq_id']}") for s in suggestions)
            reply = Reply("\n".join(lines), choices=choices, intent="suggest")
            return Outcome(
                [reply],
                "suggest",
                "suggested",
                score=best.score if best else 0.0,
                suggestions=suggestions,
            )
        reply = Reply(ctx.t("unknown"), choices=menu_choices(ctx.lang), intent="unknown")
        return Outcome([reply], "unknown", "unknown", score=best.score if best else 0.0)

    def answer_entry(
        self, ctx: Context, entry_id: str, *, score: float, log: bool = True
    ) -> Outcome:
        """Reply with one entry's answer, its source line, related questions and feedback."""
        index = ctx.core.index.get(ctx.session)
        entry = index.resolve(entry_id, ctx.today)
        if entry is None:
            # A stale button (entry retired or superseded): answer its question afresh.
            return Outcome(
                [Reply(ctx.t("unknown"), choices=menu_choices(ctx.lang))],
                "unknown",
                "unknown",
                log=False,
            )
        lang = ctx.lang
        text = answer_text(entry, lang, ctx.today, ctx.core.settings)
        resolved: dict[str, FaqEntry] = {}
        for rid in entry.related:
            r = index.resolve(rid, ctx.today)
            if r is not None and r.id != entry.id:
                resolved.setdefault(r.id, r)
        related = list(resolved.values())[:3]
        choices = [Choice(r.question.get(lang), f"faq:{r.id}") for r in related]
        if related:
            text += "\n\n" + ctx.t("related")
            text += "".join(f"\n{i}. {r.question.get(lang)}" for i, r in enumerate(related, 1))
        choices += [
            Choice(ctx.t("feedback.up"), "feedback:up"),
            Choice(ctx.t("feedback.down"), "feedback:down"),
        ]
        ctx.data["last_faq_id"] = entry.id
        ctx.data.pop("last_feedback", None)
        reply = Reply(
            text,
            choices=tuple(choices),
            intent="faq",
            meta={"faq_id": entry.id, "topic": entry.topic},
        )
        outcome = Outcome(
            [reply],
            "faq",
            "answered",
            faq_id=entry.id,
            topic=entry.topic,
            score=score,
            suggestions=[_suggestion(r, lang) for r in related],
            log=log,
        )
        if entry.needs_staff:
            outcome.result = {"needs_staff": True}
        return outcome


def _distinct(matches: Any) -> list[Match]:
    # Two dated variants of one topic never appear together; keep one entry per topic.
    seen: set[str] = set()
    out = []
    for m in matches:
        key = m.entry.topic or m.entry.id
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out
