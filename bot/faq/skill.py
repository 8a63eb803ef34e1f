"""The FAQ skill: answer above the threshold, suggest in the middle band, decline below."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import replace
from typing import Any

from bot.core.context import Context
from bot.core.dialogue import Dialogue
from bot.core.menu import menu_choices
from bot.core.messages import Choice, Reply
from bot.core.ports import Outcome
from bot.core.repair import WRONG
from bot.core.understand import (
    Interpretation,
    asked_subjects,
    entry_subject,
    facet_of,
    facets_of,
    subjects_named,
    subjects_of,
    understand_text,
)
from bot.faq.answer import served_answer
from bot.faq.both import remember_named, subjects_asked
from bot.faq.facets import (
    AHEAD,
    FLOOR,
    PRIMARY,
    QUALIFIERS,
    TELLING,
    WIDER,
    FacetMap,
    bare_facet,
    choose_subject,
    facet_map,
    family,
    resolve,
)
from bot.faq.guard import PENALTY, SURE_MARGIN, entry_reads, rerank, sure_fit
from bot.faq.lapsed import lapsed_entry
from bot.faq.measures import states_measure
from bot.faq.renewed import renewal_of_context
from bot.faq.several import questions_in
from knowledge.index import Match
from knowledge.normalize import detect_lang
from knowledge.schema import FaqEntry
from storage.conversations import mark_suggestion_chosen

__all__ = ("TOOL_SEEDS", "FaqSkill")

# Entries whose figure a tool computes for other inputs: after the answer, a class count,
# "纸质的呢" or a date is a tool follow-up with these inputs (bot/tools/followup.py).
TOOL_SEEDS: dict[str, dict[str, Any]] = {
    "filing-fee": {"tool": "fee_national", "classes": 1},
    "renewal-fee": {"tool": "fee_renewal", "classes": 1},
    "renewal-late-fee": {"tool": "fee_renewal", "classes": 1, "late": True},
    # what renewing in the grace period costs: the fee and the late fee ("那2个类要多少钱")
    "renewal-grace-period": {"tool": "fee_renewal", "classes": 1, "late": True},
    # a date typed after the deadline rule: the deadline from that date
    "rejection-review-deadline": {"tool": "rejection_review"},
    "opposition-period": {"tool": "opposition"},
}


# Facets asking for a measure (how long, how much, until when, what to hand in): an entry
# that does not give it is no answer, however many words it shares with the question.
# (b13: a penalty asked again after the entry that gives it, "penalty how much if we do")
# (b14: where an application stands is asked as plainly: "how do we check where our IR is at" is
# the status tool, not where to file)
_MEASURED = frozenset(["result_time", "time", "validity", "fee", "documents", "penalty", "status"])

# Facets that name one kind of answer outright: what the station can do for the user is its
# services entry, whatever retrieval's words make of "you" and "do"; what a term means is the
# entry that defines it ("宽展期是啥意思": the grace period, not what to do once it is over).
DECISIVE = frozenset(["services", "definition"])

# How far the words of a follow-up must find an entry of the subject that answers the facet ahead
# of the facet's lead for that entry to be what is asked ("whats this individual fee thing" after
# a Madrid estimate: that fee, not how the total is made up).
NAMED_AHEAD = 20.0

# Retrieval candidates the guard and the facet map weigh. The entry on the question's own
# subject and facet often ranks 4th-10th on words alone ("用县名当商标行不行": the place-name
# entry is 4th, "who can apply for a madrid registration": Madrid eligibility is 6th); a
# narrower list hides it from the rerank that would put it first. Beyond the first KEPT, only
# entries on the subject the question names join (the 9th entry of another subject says
# nothing about what is asked, and would blur the leads measured between subjects).
CANDIDATES = 10
KEPT = 5


def _sole_on_named(fmap: FacetMap, matches: list[Match], interp: Interpretation, text: str) -> bool:
    """Whether the first of `matches` is on the one specific subject `text` names, well ahead
    (AHEAD) of every other entry of that subject."""
    named = {family(s) for s in subjects_of(text)} - {"registration", None}
    if not matches or len(named) != 1 or family(interp.subject) not in named:
        return False
    first, *rest = matches
    if family(fmap.subject_of(first.entry.id)) not in named:
        return False
    return all(
        first.score - m.score >= AHEAD for m in rest if family(fmap.subject_of(m.entry.id)) in named
    )


def _suggestion(entry: FaqEntry, lang: str) -> dict[str, Any]:
    return {"faq_id": entry.id, "topic": entry.topic, "question": entry.question.get(lang)}


class FaqSkill:
    """Answers from the corpus; always answers (it is the last skill)."""

    name = "faq"

    def handle(self, ctx: Context) -> Outcome:
        if ctx.text.startswith("faq:"):
            picked = self.answer_entry(ctx, ctx.text[4:], score=100.0, log=False)
            if picked.faq_id:  # a suggestion chosen: the question it answers is recorded
                mark_suggestion_chosen(
                    session=ctx.session,
                    channel=ctx.state.channel,
                    user_ref=ctx.state.user_ref,
                    faq_id=picked.faq_id,
                    topic=picked.topic,
                    since=ctx.now - dt.timedelta(minutes=30),
                )
            return picked
        if (lost := lapsed_entry(ctx.dialogue, ctx.text)) is not None:
            # "那怎么办" right after the renewal tool found the user's mark lost: that situation.
            ctx.data["low_streak"] = 0
            return self.answer_entry(ctx, lost, score=ctx.services.settings.answer_threshold)
        # Several questions in one message, or one question put to several subjects: read
        # before the whole message is answered (which moves the dialogue context on).
        asked = questions_in(ctx.text)
        each = subjects_asked(ctx.text, ctx.dialogue)
        before = copy.deepcopy(ctx.dialogue) if asked else None
        outcome = self._answer(ctx)
        several = None
        if asked and before is not None:
            several = self._each_asked(ctx, asked, before, outcome)
        if several is None and each:
            several = self._each_subject(ctx, each, outcome)
        # The subjects named together (or just answered together), for a "both" next.
        together = each if several is not None and each else None
        remember_named(ctx.text, ctx.dialogue, together, answered=outcome.intent == "faq")
        return several or outcome

    def _each_asked(
        self, ctx: Context, asked: list[str], before: Dialogue, whole: Outcome
    ) -> Outcome | None:
        """Several questions in one message ("续展一个类多少钱？要准备哪些材料？"): each answered
        with its entry, in order, as a receptionist would, each read in the context the ones
        before it leave (the second is a follow-up of the first); the dialogue context ends on
        the last. Only when every question alone is answered, each by another entry, and the
        message read whole answers one of them; else None (the whole message's answer stands).
        """
        if whole.intent != "faq" or not whole.faq_id:
            return None
        saved = dict(ctx.data)
        dialogue = before
        parts: list[Outcome] = []
        for question in asked:
            interp = understand_text(question, dialogue, ctx.lang)
            if interp.intent is not None or interp.extra.get("offtopic"):
                break
            one = self._answer(replace(ctx, text=question, interp=interp, dialogue=dialogue))
            if one.intent != "faq" or not one.faq_id:
                break
            parts.append(one)
        ids = [o.faq_id for o in parts]
        if len(parts) < len(asked) or len(set(ids)) < len(ids) or whole.faq_id not in ids:
            ctx.data.clear()
            ctx.data.update(saved)
            return None
        ctx.dialogue = dialogue
        return self._together(ctx, parts)

    def _each_subject(self, ctx: Context, subjects: list[str], whole: Outcome) -> Outcome | None:
        """One question put to several subjects ("official fees for both?" after the assignment
        and the licence, "how does each of those work?"): the facet of each answered with the
        facet map's entry for it, in order. Only when the map names one entry for every subject,
        each another, and the message read whole answers one of them; else None."""
        if whole.intent != "faq" or not whole.faq_id:
            return None
        facet = facet_of(ctx.text)
        if facet is None:
            return None
        fmap = facet_map(ctx.services.index.get(ctx.session))
        found = [fmap.best(subject, facet) for subject in subjects]
        entries = [e for e in found if e is not None]
        if len(entries) < len(found) or len(set(entries)) < len(entries):
            return None
        if whole.faq_id not in entries:
            return None
        threshold = ctx.services.settings.answer_threshold
        # The subjects stay equally open: the dialogue context stays on the one the message read
        # whole was answered about ("once the sale goes through ..." after the fees of both).
        kept = copy.deepcopy(ctx.dialogue)
        parts = []
        for subject, entry in zip(subjects, entries, strict=True):
            interp = replace(ctx.interp, subject=subject, facet=facet) if ctx.interp else None
            score = whole.score if entry == whole.faq_id else threshold
            parts.append(self.answer_entry(replace(ctx, interp=interp), entry, score=score))
        ctx.dialogue = kept
        return self._together(ctx, parts)

    def _together(self, ctx: Context, parts: list[Outcome]) -> Outcome:
        """The answers of one message, in order: the first is the turn's answer (log, `tmbot ask
        --json`), the last carries the related questions and the buttons."""
        replies = [self._plain(ctx, o) for o in parts[:-1]] + list(parts[-1].replies)
        first = parts[0]
        result = {k: v for o in parts for k, v in (o.result or {}).items()} or None
        return Outcome(
            replies,
            "faq",
            "answered",
            faq_id=first.faq_id,
            topic=first.topic,
            score=first.score,
            suggestions=parts[-1].suggestions,
            result=result,
        )

    def _plain(self, ctx: Context, outcome: Outcome) -> Reply:
        """An answer given before another in the same turn: its text without the related
        questions and buttons, which the last answer carries (one numbering for the choices)."""
        index = ctx.services.index.get(ctx.session)
        entry = index.resolve(outcome.faq_id or "", ctx.today)
        if entry is None:
            return outcome.replies[0]
        text = served_answer(index, entry, ctx.lang, ctx.today, ctx.services.settings).text
        return Reply(text, intent="faq", meta={"faq_id": entry.id, "topic": entry.topic})

    def _answer(self, ctx: Context) -> Outcome:
        """One question answered, suggested about or declined."""
        index = ctx.services.index.get(ctx.session)
        interp = ctx.interp
        if interp is not None and interp.extra.get("repair") == WRONG and ctx.dialogue.faq_id:
            # "不对 我是说…": the entry just given missed; it is not given again.
            interp.extra["missed"] = ctx.dialogue.faq_id
            ctx.dialogue.faq_id = None
        renewal_of_context(interp, ctx.text, facet_map(index))
        query = interp.query if interp is not None and interp.query else ctx.text
        lang = detect_lang(ctx.text) or ctx.lang
        # Deeper candidates only serve a question on a specific subject (_on_subject).
        deep = interp is not None and family(interp.subject) not in (None, "registration")
        matches = index.search(
            query, today=ctx.today, lang=lang, limit=CANDIDATES if deep else KEPT
        )
        if interp is not None and interp.extra.get("offtopic"):
            matches = []  # the weather shares "今天" and "怎么样" with entries, nothing more
        if interp is not None and interp.followup and interp.extra.get("weak"):
            # Keep whichever reading wins: a short question of its own ("商标检索怎么做")
            # matched confidently alone is not a follow-up of the last subject.
            # A message that alone is not about trademarks at all ("今天天气怎么样") is not
            # made one by the last subject either.
            alone = index.search(ctx.text, today=ctx.today, lang=lang, limit=KEPT)
            top = alone[0].score if alone else 0.0
            settings = ctx.services.settings
            # In the middle band too, the message alone finding more ("对方会坐牢吗" after the
            # remedies: the criminal liability) is the better reading.
            if top < settings.suggest_threshold or not matches or top > matches[0].score:
                # Still a follow-up when what it finds alone is on the conversation's subject.
                same = top >= settings.suggest_threshold and family(
                    facet_map(index).subject_of(alone[0].entry.id)
                ) == family(interp.subject)
                matches, interp.followup = alone, same
                interp.subject = interp.subject if same else None
        fmap = facet_map(index)
        matches = _on_subject(matches, fmap, interp)
        missed = interp.extra.get("missed") if interp is not None else None
        if missed:
            matches = [m for m in matches if m.entry.id != missed]
        raw = matches
        if interp is not None and interp.subject and not interp.followup:
            # Named subjects and the conversation's: retrieval says which one is meant.
            own = list(asked_subjects(ctx.text))
            if interp.subject == interp.context_subject and interp.subject not in own:
                # The conversation's subject, which a lay word of another yields to ("最后要是
                # 不给注册" during an opposition is its decision, bot/core/understand.py).
                own.insert(0, interp.subject)
            lean = bool(interp.extra.get("lean"))
            chosen = choose_subject(
                fmap,
                raw,
                own,
                interp.context_subject,
                lean=lean,
                previous=ctx.dialogue.faq_id,
                text=ctx.text,
                facet=interp.facet,
                anew=bool(interp.extra.get("anew")),
            )
            context = interp.context_subject
            asked = facets_of(ctx.text)
            if (
                chosen != context
                and context is not None
                and asked
                and any(fmap.covers(context, f) for f in asked)
                and not any(fmap.covers(chosen, f) for f in asked)
                and not any(
                    m.score >= ctx.services.settings.suggest_threshold
                    and family(fmap.subject_of(m.entry.id)) == family(chosen)
                    for m in raw
                )
            ):
                # Another subject named on the way, of which nothing answers what is asked nor
                # matches the words, and the conversation's does: still the conversation's
                # ("被许可人用也算吗" during a non-use cancellation is what counts as use).
                chosen = context
            if chosen != interp.subject:
                interp.followup = chosen == interp.context_subject
                interp.subject = chosen
        reads = entry_reads(index)
        matches = rerank(matches, ctx.text, interp, reads)
        previous = ctx.dialogue.faq_id
        # An everyday matter (the weather, a broken phone) is no facet of the last subject either.
        off_topic = index.neighbour_only(ctx.text) or bool(interp and interp.extra.get("offtopic"))
        if interp is not None and interp.subject and not off_topic:
            # Even unanswered, the question names what the conversation is about now (unless
            # it is about a patent or a business licence, whatever word it shares with ours).
            ctx.dialogue.answered(interp.subject, interp.facet, None)
        settings = ctx.services.settings
        repeat = bool(matches) and matches[0].entry.id == previous
        if repeat and previous and index.right_asked_of_us(ctx.text):
            # "你们能帮忙申请专利吗" right after the answer on patents: it was the answer (we do
            # not file patents); the same text again adds nothing.
            reply = Reply(ctx.t("unknown"), choices=menu_choices(ctx.lang), intent="unknown")
            return Outcome([reply], "unknown", "unknown", score=matches[0].score)
        best = matches[0] if matches else None
        if (
            best is not None
            and not repeat
            and best.score >= settings.suggest_threshold
            and index.right_asked_of_us(ctx.text)
            and len(_distinct(m for m in matches if m.score >= settings.suggest_threshold)) == 1
        ):
            # "你们能帮忙申请专利吗", "can you file a patent for us": the one entry on what the
            # station does with other rights is the answer, not a list of one to pick from.
            return self.answer_entry(ctx, best.entry.id, score=best.score)
        fit = self._facet_fit(ctx, matches, raw, previous)
        if fit is not None and fit != missed:
            ctx.data["low_streak"] = 0
            score = next((m.score for m in matches if m.entry.id == fit), settings.answer_threshold)
            return self.answer_entry(ctx, fit, score=max(score, settings.answer_threshold))
        unanswerable = interp is not None and _unanswerable(fmap, interp)
        if unanswerable:
            # "要花多少钱" after the infringement remedies: no entry gives what enforcing costs,
            # and an entry on another measure (the damages a court awards) is no answer to it.
            matches, best = [], None
        threshold = settings.answer_threshold
        if best and sure_fit(matches, interp, reads):
            threshold -= SURE_MARGIN
        if best and best.score >= threshold:
            ctx.data["low_streak"] = 0
            return self.answer_entry(ctx, best.entry.id, score=best.score)
        # Only a follow-up with no facet of its own: a facet is the facet map's to resolve.
        asks_other = interp is not None and interp.followup and not interp.facet
        shown = self._related_asked(ctx, previous) if asks_other else None
        if shown is not None:
            ctx.data["low_streak"] = 0
            return self.answer_entry(ctx, shown.entry.id, score=shown.score)
        if interp is not None and not off_topic:
            found = resolve(
                fmap,
                matches,
                ctx.text,
                interp.subject,
                followup=interp.followup,
                previous=previous,
                # A new question announced as such ("换个问题 ...") is no facet of the last one.
                context=None if interp.extra.get("switch") else interp.context_subject,
            )
            if found is not None and found != missed:
                ctx.data["low_streak"] = 0
                score = next((m.score for m in matches if m.entry.id == found), 0.0)
                return self.answer_entry(ctx, found, score=score)
        weak = best is None or best.score < settings.suggest_threshold
        again = self._same_entry(ctx, previous, measure=unanswerable) if weak else None
        if again is not None:
            return again
        candidates = _distinct(m for m in matches if m.score >= settings.suggest_threshold)[:3]
        if (
            len(candidates) == 1
            and interp is not None
            and not interp.followup
            and candidates[0].entry.id != missed
            and not off_topic
            # near the answer band only: lower, a list of one is the honest reply
            and candidates[0].score >= settings.answer_threshold - SURE_MARGIN
            and matches[0].entry.id == candidates[0].entry.id
            and _sole_on_named(fmap, matches, interp, ctx.text)
        ):
            # One candidate, on the specific subject the question names in its own words ("你们
            # 是什么单位啊 是政府的吗", "想看看有没有被别人注册过 去哪能查"): a list of one asks
            # the user to confirm what is plain; it is answered.
            ctx.data["low_streak"] = 0
            return self.answer_entry(ctx, candidates[0].entry.id, score=candidates[0].score)
        ctx.data["low_streak"] = int(ctx.data.get("low_streak", 0)) + 1
        if candidates:
            suggestions = [_suggestion(m.entry, ctx.lang) for m in candidates]
            lines = [ctx.t("suggest" if len(candidates) > 1 else "suggest.one")]
            lines += [f"{i}. {s['question']}" for i, s in enumerate(suggestions, 1)]
            choices = tuple(Choice(s["question"], f"faq:{s['faq_id']}") for s in suggestions)
            reply = Reply("\n".join(lines), choices=choices, intent="suggest")
            subjects = {family(fmap.subject_of(m.entry.id)) for m in candidates}
            if len(subjects) == 1 and (subject := subjects.pop()) not in (None, "registration"):
                # Every candidate is on one subject ("没用的商标能撤销吗": non-use): a follow-up
                # typed instead of a pick ("要提交啥证据") is about it, as after an answer.
                ctx.dialogue.answered(subject, None, None)
            return Outcome(
                [reply],
                "suggest",
                "suggested",
                score=best.score if best else 0.0,
                suggestions=suggestions,
            )
        reply = Reply(ctx.t("unknown"), choices=menu_choices(ctx.lang), intent="unknown")
        return Outcome([reply], "unknown", "unknown", score=best.score if best else 0.0)

    def _related_asked(self, ctx: Context, previous: str | None) -> Match | None:
        """A follow-up that, read alone, is best one of the related questions the last answer
        listed ("那怎么才算使用" after the non-use answer lists "什么算商标使用")."""
        if previous is None or bare_facet(ctx.text):
            return None
        index = ctx.services.index.get(ctx.session)
        last = index.resolve(previous, ctx.today)
        if last is None or not last.related:
            return None
        lang = detect_lang(ctx.text) or ctx.lang
        alone = index.search(ctx.text, today=ctx.today, lang=lang, limit=1)
        if not alone or alone[0].score < ctx.services.settings.suggest_threshold:
            return None
        return alone[0] if alone[0].entry.id in last.related[:3] else None

    def _facet_fit(
        self, ctx: Context, matches: list[Match], raw: list[Match], previous: str | None
    ) -> str | None:
        """The entry the subject x facet map names for this question (bot/faq/facets.py).

        A follow-up ("那收费呢") takes the map's entry for the last subject and the facet asked.
        A question with its own subject and facet takes it only when it is retrieval's own best,
        a little below the answer threshold (like the guard's sure fit), THE answer to that
        facet, and no other near candidate is.
        """
        interp = ctx.interp
        if interp is not None and interp.intent is None:
            # Two subjects together ("公司改名了还没去变更 影响续展不", "会影响续展不" after the
            # lost certificate): the entry on both, for what it answers of them.
            fmap = facet_map(ctx.services.index.get(ctx.session))
            # (in lay words too: "we changed our company name but never recorded it")
            named = {str(family(s)) for s in asked_subjects(ctx.text)} | {
                str(family(s)) for s in subjects_named(ctx.text)
            }
            named -= {"registration", "None"}
            asked = facets_of(ctx.text) or ((interp.facet,) if interp.facet else ())
            found = fmap.together(named, interp.context_subject, asked)
            if named and found is not None:
                return found
        if interp is not None and interp.subject and interp.extra.get("implied"):
            # A subject implied, not named ("想在美国日本注册商标"): its entry for the facet
            # asked, or for how it is done.
            implied = facet_map(ctx.services.index.get(ctx.session))
            # Named in lay words ("卖了假货", "没给过"), not by the countries of a filing abroad.
            top = raw[0] if raw and interp.extra.get("spoken") else None
            second = raw[1].score if len(raw) > 1 else 0.0
            sure = top is not None and top.score >= ctx.services.settings.answer_threshold
            sure = sure and top is not None and top.score - second >= PENALTY
            # ... asking nothing, a detail added to the situation the conversation is on:
            # retrieval's words finding an entry of it at all ("其实只有一部分商品没给过" after a
            # refusal: the division). A situation told afresh asks what to do about it
            # ("someone is selling bags with our logo": the remedies, not what infringes).
            told = not interp.facet and family(interp.context_subject) == family(interp.subject)
            main = implied.best(interp.subject, interp.facet or "procedure")
            if (
                interp.facet in DECISIVE
                and main is not None
                and implied.weight(interp.subject, interp.facet, main) >= PRIMARY
            ):
                return main  # the one entry that answers it (DECISIVE)
            if (
                top is not None
                and (sure or (told and top.score >= FLOOR))
                and family(implied.subject_of(top.entry.id)) == family(interp.subject)
            ):
                # Retrieval's own best is on the implied subject: a more specific entry than
                # the map's ("网店卖了假货 但我们不知道 要赔吗": the innocent seller).
                return top.entry.id
            return main
        if interp is None or not interp.subject or not interp.facet:
            return None
        if interp.extra.get("inherited_facet") and family(interp.subject) == family(
            interp.context_subject
        ):
            return None  # "只驳回了一部分商品呢" after the review answer asks more than a facet
        fmap = facet_map(ctx.services.index.get(ctx.session))
        if interp.followup and not fmap.covers(interp.subject, interp.facet):
            # The first facet the lexicon reads is none of this subject's, another asked is
            # ("他注册快6年了 过了期限呢" during an invalidation: the time limit, not lapsing).
            # A telling facet ("where i check the status" after Hong Kong) gives way only to
            # another telling one.
            covered = [
                f
                for f in facets_of(ctx.text)
                if fmap.covers(interp.subject, f) and (f in TELLING or interp.facet not in TELLING)
            ]
            if covered:
                interp.facet = covered[0]
        found = fmap.best(interp.subject, interp.facet, prefer=previous)
        if (
            previous is not None
            and interp.facet in fmap.gives.get(previous, ())
            and family(interp.subject) == family(interp.context_subject)
        ):
            # The answer just given states it for its own case ("does that form go through
            # cnipa or directly to wipo" after the subsequent designation: its MM4 may go either
            # way), whatever the subject's main entry on it says (a Madrid application: CNIPA).
            return previous
        qualified = _qualified(fmap, interp, ctx.text) if interp.followup else None
        if qualified is not None and qualified in [m.entry.id for m in matches]:
            # A qualifier says which of the subject's answers to the facet is asked ("那分割的话
            # 得几天内办" after the review deadline: the division's, not the review's 15 days).
            return qualified
        up = WIDER.get(interp.subject)
        wide = fmap.best(up, interp.facet) if up and interp.followup else None
        # "网上咋弄" after the agency: filing online, unless an agency entry is THE answer.
        own_primary = (
            found is not None and fmap.weight(interp.subject, interp.facet, found) >= PRIMARY
        )
        if wide and fmap.weight(up, interp.facet, wide) >= PRIMARY and not own_primary:
            return wide
        if found is None and interp.followup and not fmap.covers(interp.subject, interp.facet):
            # Nothing of the subject answers the facet: the procedure the last answer named
            # does ("要花多少钱" after the squatting answer is the opposition fee).
            same = family(fmap.subject_of(previous or "")) == family(interp.subject)
            return fmap.through_related(previous, interp.facet) if same else None
        if found is None:
            return None
        if (
            interp.facet in DECISIVE
            and fmap.weight(interp.subject, interp.facet, found) >= PRIMARY
            and found in [m.entry.id for m in matches[:3]]
        ):
            # A facet that only one entry of the subject answers at all: that entry, though
            # retrieval leans on the subject's main one ("so what can you actually do" asks
            # the station's services, not what the station is).
            return found
        settings = ctx.services.settings
        best = matches[0] if matches else None
        # Retrieval naming another entry that also answers this facet of this subject is
        # more specific than the map ("那单独规费呢" is one fee, "附加费呢" another).
        rival = best is not None and best.entry.id != found
        rival = rival and not bare_facet(ctx.text)
        if rival and best is not None:
            # Retrieval only more specific when it is ahead: on a tie with the map's entry
            # ("how much per class" after the renewal window: the fee and the late fee, both
            # "per class") the map's reading of the conversation settles it.
            tied = next((m.score for m in matches if m.entry.id == found), -1.0) >= best.score
            rival = not tied
        if interp.followup:
            gives = found == previous and interp.facet in fmap.own.get(found, ())
            if fmap.weight(interp.subject, interp.facet, found) < PRIMARY and not gives:
                return None  # only "also covered": retrieval's reading decides (resolve)
            top3 = [m.entry.id for m in matches[:3]]
            if (
                best is not None
                and found not in (*top3, previous)
                and best.entry.id in fmap.winners(interp.subject, interp.facet)
                and best.score >= settings.answer_threshold
            ):
                # The entry linked from the last answer, which retrieval does not even rank,
                # against THE entry for the facet, which it ranks first ("那赔偿呢" after the
                # fines is the damages, not the innocent seller's exemption).
                return best.entry.id
            if rival and best is not None:
                # A rival is what the message's own words find ("那单独规费呢" after the fee
                # overview), or answers the facet itself unless the entry just answered does
                # ("这个要在多少天内提" after the division answer).
                alone = self._alone_finds(ctx, best.entry.id)
                answers = fmap.weight(interp.subject, interp.facet, best.entry.id) >= PRIMARY
                # The entry just answered, again, for a facet that is no measure ("国内还没注册
                # 下来能申请吗" after Madrid eligibility): retrieval's other entry of the subject
                # is what is asked (the basic mark).
                again = (
                    found == previous
                    and interp.facet not in _MEASURED
                    and best.score >= settings.suggest_threshold
                    and family(fmap.subject_of(best.entry.id)) == family(interp.subject)
                )
                if again:
                    return None
                # ... unless it is of another subject the answer just given covers too: "那个复审
                # 要交多少" after the opposition's appeal (its question names the review) finds
                # the review of a refusal alone; the conversation kept the opposition's.
                other = family(fmap.subject_of(best.entry.id))
                on_last = fmap.tagged.get(previous or "", frozenset()) | fmap.spoken.get(
                    previous or "", frozenset()
                )
                aside = other not in (family(interp.subject), "registration") and other in on_last
                # ... nor of another subject the message does not name at all: "转完以后从哪天开始
                # 算" after the assignment fee shares "从哪天起算" with the renewal's new term,
                # but asks when the assignee owns the mark (wrong14).
                foreign = other not in (family(interp.subject), "registration", None) and (
                    other not in _named_families(ctx.text)
                )
                rival = (alone and not aside and not foreign) or (answers and found != previous)
                words = {m.entry.id: m.score for m in raw}
                if (
                    rival
                    and alone
                    and answers
                    and best.score >= settings.suggest_threshold
                    and family(fmap.subject_of(best.entry.id)) == family(interp.subject)
                    and words.get(best.entry.id, 0.0) - words.get(found, 0.0) >= NAMED_AHEAD
                ):
                    # A thing of the subject named for itself, which the words alone find far
                    # ahead of the facet's lead ("whats this individual fee thing" after a Madrid
                    # estimate is that fee, not how the total is made up).
                    return best.entry.id
            sure = best is not None and best.score >= settings.answer_threshold
            return None if rival and sure else found
        if best is None:
            return None
        if interp.facet in QUALIFIERS and found in [m.entry.id for m in matches]:
            # A qualifier says which of the subject's answers is asked ("屡次侵权的话赔多少":
            # the punitive damages, though the statutory ones share more words).
            return found
        if best.score >= settings.suggest_threshold:
            # Confident words, but on an entry of the subject that does not answer the facet
            # at all ("商标转让要多久": when the assignee owns it is not how long it takes),
            # with THE entry for it among the candidates: that entry.
            top3 = [m.entry.id for m in matches[:3]]
            other_facet = fmap.weight(interp.subject, interp.facet, best.entry.id) < PRIMARY
            # ... or on a national entry for a question naming its own subject ("how long is an
            # IR valid": the national term).
            same_subject = family(fmap.subject_of(best.entry.id)) in (
                family(interp.subject),
                *(["registration"] if interp.subject in subjects_of(ctx.text) else []),
            )
            sure = fmap.weight(interp.subject, interp.facet, found) >= PRIMARY
            measured = interp.facet in _MEASURED  # "咋办" is every entry's: retrieval decides
            # One subject named: "马德里指定中国的商标 想异议 期限怎么算" is Madrid's and the
            # opposition's, and (Madrid, time) alone would be the refusal period.
            single = len({family(s) for s in subjects_of(ctx.text)} - {"registration"}) <= 1
            # Retrieval's own words far surer of its best than of the map's entry (94 against
            # 47: "商标注册证多久能拿到" is the certificate entry's own question) keep their
            # reading (the guard's boosts aside).
            words = {m.entry.id: m.score for m in raw}
            close = words.get(best.entry.id, 0.0) - words.get(found, 0.0) <= PENALTY
            if found != best.entry.id and found in top3 and other_facet and same_subject and close:
                # In the middle band only when the best entry does not answer it at all
                # ("how long is an IR valid": the refusal period is no term).
                none = fmap.weight(interp.subject, interp.facet, best.entry.id) == 0
                if (
                    sure
                    and measured
                    and single
                    and (none or best.score >= settings.answer_threshold)
                ):
                    return found
                return None
            if best.score >= settings.answer_threshold:
                return None
        if fmap.weight(interp.subject, interp.facet, best.entry.id) >= PRIMARY:
            # Retrieval's best is THE answer to the facet too ("we received a letter saying we
            # infringe ... what should we do"): the lead of the facet is for a bare facet.
            found = best.entry.id
        if best.score < settings.answer_threshold - SURE_MARGIN or found != best.entry.id:
            return None  # the map confirms retrieval's own best reading, never overrules it
        if fmap.weight(interp.subject, interp.facet, found) < PRIMARY:
            return None
        own = next((m.score for m in raw[:3] if m.entry.id == found), 0.0)
        if own < settings.answer_threshold - SURE_MARGIN:
            return None  # the words alone must nearly answer it (the guard's boosts aside)
        # Near: as good as it, give or take (a sibling far behind is no rival).
        floor = max(settings.suggest_threshold, best.score - 5)
        near = [m for m in matches[1:3] if m.score >= floor]
        if any(fmap.weight(interp.subject, interp.facet, m.entry.id) >= PRIMARY for m in near):
            return None
        return found

    def _alone_finds(self, ctx: Context, entry_id: str) -> bool:
        """Whether the message read alone, without the subject put in front, finds the entry."""
        index = ctx.services.index.get(ctx.session)
        alone = index.search(ctx.text, today=ctx.today, lang=ctx.lang, limit=1)
        return bool(alone) and alone[0].entry.id == entry_id

    def _same_entry(
        self, ctx: Context, previous: str | None, *, measure: bool = False
    ) -> Outcome | None:
        """A follow-up nothing else answers ("过期了呢" after the Madrid term) may be about the
        entry just answered: read with that entry's question in front, it is answered again
        only when it then clearly matches. A `measure` no entry of the subject gives is asked
        of it only when its answer states one ("how much does that cost" after the remedies,
        which name no cost, is not answered with the remedies again)."""
        interp = ctx.interp
        if previous is None or interp is None or not interp.followup:
            return None
        index = ctx.services.index.get(ctx.session)
        entry = index.resolve(previous, ctx.today)
        if entry is None:
            return None
        if measure and not states_measure(entry.answer.get(ctx.lang), interp.facet):
            return None
        query = f"{entry.question.get(ctx.lang)} {ctx.text}"
        found = index.search(query, today=ctx.today, lang=ctx.lang, limit=2)
        if not found or found[0].entry.id != entry.id:
            return None
        if found[0].score < ctx.services.settings.answer_threshold + 10:
            return None
        return self.answer_entry(ctx, entry.id, score=found[0].score)

    def answer_entry(
        self, ctx: Context, entry_id: str, *, score: float, log: bool = True
    ) -> Outcome:
        """Reply with one entry's answer, its source line, related questions and feedback."""
        index = ctx.services.index.get(ctx.session)
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
        served = served_answer(index, entry, lang, ctx.today, ctx.services.settings)
        ctx.data["last_faq_id"] = entry.id
        question = entry.question.get("zh") + " " + entry.question.get("en")
        fmap = facet_map(index)
        subject = fmap.subject_of(entry.id) or entry_subject(question)
        asked = ctx.interp.subject if ctx.interp is not None else None
        if asked and family(asked) in fmap.tagged.get(entry.id, ()):
            # An entry on several subjects (抢注: opposition, invalidation) answered a question
            # about one of them: follow-ups are about that one ("无效...要交多少费").
            subject = asked
        ctx.dialogue.answered(subject, facet_of(question), entry.id)
        seed = TOOL_SEEDS.get(entry.id)
        tool = ctx.dialogue.tool
        if seed is not None and (not tool or tool.get("seeded")):
            # "注册商标多少钱" answered from the FAQ, then "那4个类呢": the fee tool recomputes;
            # the last answer's figure, over an earlier answer's ("续展费多少" after the grace
            # period is the fee without the late fee).
            ctx.dialogue.used_tool(dict(seed, seeded=True))
        ctx.data.pop("last_feedback", None)
        reply = Reply(
            served.reply,
            choices=served.choices,
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
            suggestions=[_suggestion(r, lang) for r in served.related],
            log=log,
        )
        if entry.needs_staff:
            outcome.result = {"needs_staff": True}
        return outcome


def _unanswerable(fmap: FacetMap, interp: Interpretation) -> bool:
    """A follow-up asking a measure (fee, time, documents ...) of the conversation's subject
    that no entry of that subject gives."""
    if not interp.followup or interp.facet not in _MEASURED or not interp.subject:
        return False
    if family(interp.subject) != family(interp.context_subject):
        return False
    return not fmap.covers(interp.subject, interp.facet)


def _on_subject(matches: list[Match], fmap: FacetMap, interp: Interpretation | None) -> list[Match]:
    """The first KEPT candidates, and deeper ones on the specific subject the question is on."""
    subject = family(interp.subject) if interp is not None else None
    if subject in (None, "registration"):
        return matches[:KEPT]
    deeper = [m for m in matches[KEPT:] if family(fmap.subject_of(m.entry.id)) == subject]
    return matches[:KEPT] + deeper


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


def _named_families(text: str) -> set[str | None]:
    """The subject families a message names, in the corpus's words or in lay ones."""
    return {family(s) for s in subjects_of(text)} | {family(s) for s in subjects_named(text)}


def _qualified(fmap: FacetMap, interp: Interpretation, text: str) -> str | None:
    """The entry a qualifier named in a follow-up points to, when it also answers the facet
    asked (`QUALIFIERS`: "分割的话" is the division, "if they did it on purpose" the punitive
    damages), or None."""
    for facet in facets_of(text):
        if facet in QUALIFIERS and facet != interp.facet:
            found = fmap.best(interp.subject, facet)
            if found and fmap.weight(interp.subject, interp.facet, found) >= PRIMARY:
                return found
    return None
