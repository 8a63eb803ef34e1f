"""The conversation core: `handle(inbound) -> replies`, the same for every channel."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import asdict
from functools import partial
from typing import cast

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.core.context import Context
from bot.core.dialogue import Dialogue
from bot.core.messages import Choice, Inbound, Reply
from bot.core.ports import Clock, Outcome, Skill, Skills, SystemClock
from bot.core.repair import repair_of
from bot.core.router import Router
from bot.core.services import Services
from bot.core.settings import Settings
from bot.core.spelling import correct, correct_zh, needs_spelling, vocabulary
from bot.core.texts import t
from bot.core.understand import (
    Interpretation,
    booking_topic,
    subjects_of,
    topic_of_subject,
    understand_text,
)
from bot.faq.corpus import OVERRIDE_KEY, IndexProvider
from knowledge.index import FaqIndex
from knowledge.normalize import detect_lang
from storage.conversations import find_delivery, read_state
from storage.db import session_scope
from storage.experts import SPECIALTIES
from storage.light import light_scope
from storage.models import ProcessedDelivery
from storage.turn_rows import TurnSession, hold_user_line, write_turn_rows

__all__ = ("Conversation", "Seal", "clean_text")

logger = logging.getLogger(__name__)
Seal = Callable[[Session, Outcome], None]
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
_PAYLOAD_RE = re.compile(r"^[a-z_]+:[\w:.-]*$")
# An e-mail address alone (a booking contact) is in no language: it must not flip a Chinese
# conversation to English.
_ADDRESS_RE = re.compile(r"^[^\s@]+@[^\s@]+$")


def clean_text(text: str, limit: int) -> tuple[str, bool]:
    """Strip control characters and cut to `limit` characters; returns (text, was_cut)."""
    text = _CONTROL_RE.sub("", unicodedata.normalize("NFC", text or "")).strip()
    if len(text) > limit:
        return text[:limit], True
    return text, False


def _reply_to_json(reply: Reply) -> dict[str, object]:
    return {
        "text": reply.text,
        "choices": [asdict(c) for c in reply.choices],
        "intent": reply.intent,
    }


def _reply_from_json(data: dict[str, object]) -> Reply:
    raw_choices = data.get("choices") or []
    assert isinstance(raw_choices, list)
    return Reply(
        text=str(data["text"]),
        choices=tuple(Choice(**c) for c in raw_choices),
        intent=str(data.get("intent", "")),
    )


def _duplicate(earlier: ProcessedDelivery) -> Outcome:
    # A channel retry: the same reply, no second log line or side effect.
    stored = (earlier.response or {}).get("replies", [])
    return Outcome([_reply_from_json(r) for r in stored], "duplicate", log=False)


class Conversation:
    """Routes each message through the skills, with state, logging and de-duplication."""

    def __init__(
        self,
        *,
        engine: Engine,
        settings: Settings,
        skills: Skills | Sequence[Skill] | None = None,
        index: IndexProvider | None = None,
        clock: Clock | None = None,
    ) -> None:
        from bot.core.skills import default_skills  # the registry imports skills that import us

        self.engine = engine
        self.settings = settings
        self.index = index or IndexProvider(check_every=settings.faq_check_ms / 1000)
        self.clock = clock or SystemClock()
        if skills is None:
            skills = default_skills()
        self.registry = skills if isinstance(skills, Skills) else Skills(list(skills))
        self.skills: list[Skill] = self.registry.ordered
        self.router = Router(self.registry)

    @property
    def services(self) -> Services:
        """What skills get instead of this object (bot/core/services.py); made per turn, so a
        replaced setting or clock counts from the next message."""
        return Services(
            settings=self.settings,
            index=self.index,
            clock=self.clock,
            transaction=partial(session_scope, self.engine),
            answer_with_others=self.router.others,
        )

    def handle(self, inbound: Inbound) -> list[Reply]:
        """Answer one message."""
        return self.handle_turn(inbound).replies

    def handle_turn(
        self, inbound: Inbound, *, seal: Seal | None = None, bind: Connection | None = None
    ) -> Outcome:
        """Answer one message and say what was made of it (intent, entry, score ...).

        `seal` runs inside the turn's transaction once the replies are fixed, so a channel's
        own bookkeeping commits with the turn or not at all. `bind`: a connection the caller
        holds (not in a transaction) for the turn's transaction, instead of one from the pool.
        """
        try:
            # No ORM session unless a skill uses one (storage/light.py, storage/turn_rows.py).
            with light_scope(bind or self.engine, TurnSession) as session:
                if inbound.delivery_id:
                    earlier = find_delivery(
                        session=session, channel=inbound.channel, delivery_id=inbound.delivery_id
                    )
                    if earlier is not None:
                        return _duplicate(earlier)
                outcome = self._turn(session, inbound)
                if seal is not None:
                    seal(session, outcome)
                return outcome
        except IntegrityError:
            # A retry of this delivery committed first (another worker): give its reply. Our
            # transaction, with its transcript lines and log row, was rolled back whole.
            if not inbound.delivery_id:
                raise
            with session_scope(self.engine) as session:
                earlier = find_delivery(
                    session=session, channel=inbound.channel, delivery_id=inbound.delivery_id
                )
            if earlier is None:
                raise
            return _duplicate(earlier)

    def try_turn(
        self, session: Session, inbound: Inbound, *, index: FaqIndex | None = None
    ) -> Outcome:
        """A real turn in the caller's session, which the caller rolls back (the admin's "Try a
        question"); `index` replaces the corpus index for it (e.g. with draft entries)."""
        if index is not None:
            session.info[OVERRIDE_KEY] = index
        try:
            # The turn's flushes as in `handle_turn`'s, in the caller's transaction.
            return self._turn(cast(Session, TurnSession.joining(session)), inbound)
        finally:
            session.info.pop(OVERRIDE_KEY, None)

    def _turn(self, session: Session, inbound: Inbound) -> Outcome:
        # The pipeline of one turn: normalise -> understand -> route (-> handle) -> render ->
        # persist. Every write is flushed at commit, in one go (only a skill that needs an id
        # flushes sooner).
        ctx, was_cut = self._normalise(session, inbound)
        ctx.interp = self._understand(ctx)
        # Writes wait for the commit (or a skill's own flush), so the database stays free for
        # other turns while this one thinks.
        with session.no_autoflush:
            outcome = self.router.route(ctx, ctx.interp)
        self._render(ctx, outcome, was_cut)
        self._persist(ctx, outcome)
        return outcome

    def _normalise(self, session: Session, inbound: Inbound) -> tuple[Context, bool]:
        """Clean the text, load the state, settle the language, keep the line in the transcript."""
        text, was_cut = clean_text(inbound.text, self.settings.max_message_chars)
        state = read_state(session=session, channel=inbound.channel, user_ref=inbound.user_ref)
        # Button payloads ("faq:renewal-fee") say nothing about the user's language.
        # Nor do commands ("/start"): the channel's locale decides, else the welcome is bilingual.
        says_nothing = (
            inbound.is_callback
            or _PAYLOAD_RE.match(text)
            or text.startswith("/")
            or _ADDRESS_RE.match(text.strip())
        )
        lang = None if says_nothing else detect_lang(text)
        forced = inbound.extras.get("lang")
        if forced in ("zh", "en"):  # the admin's "Try a question" in a chosen language
            state.lang, state.lang_fixed = str(forced), True
        elif lang and not state.lang_fixed:
            state.lang = lang
        elif not lang and inbound.locale and not state.lang_fixed and not state.data:
            state.lang = "en" if inbound.locale.lower().startswith("en") else "zh"
        hold_user_line(
            session=session,
            channel=inbound.channel,
            user_ref=inbound.user_ref,
            text=text or inbound.text[:200],
        )
        now = self.clock.now()
        ctx = Context(
            inbound=inbound,
            text=text,
            state=state,
            session=session,
            now=now,
            services=self.services,
            dialogue=Dialogue.load(state.data, now),
        )
        return ctx, was_cut

    def _understand(self, ctx: Context) -> Interpretation:
        """One typed reading of the message in its dialogue context."""
        if ctx.inbound.is_callback or _PAYLOAD_RE.match(ctx.text):
            return Interpretation(text=ctx.text, query=ctx.text, intent="choice")
        typed = ctx.text
        if ctx.flow is None and ctx.state.status != "human" and needs_spelling(ctx.text):
            # English typos put right first ("how do i asign a trademark"): the FAQ and the
            # tools read the corrected words; the transcript and the question log keep what
            # was typed. Not in a flow (names, addresses).
            ctx.text = correct(ctx.text, vocabulary(ctx.services.index.get(ctx.session)))
        if ctx.flow is None and ctx.state.status != "human":
            ctx.text = correct_zh(ctx.text)  # "商表", "什么流成": pinyin homophones
        repaired = repair_of(ctx.text) if ctx.state.status != "human" else None
        if repaired is not None:
            # "that doesn't answer my question. i mean ...": the question said again is what
            # is understood; the complaint words drag retrieval nowhere (bot/core/repair.py).
            ctx.text = repaired[1]
        interp = understand_text(ctx.text, ctx.dialogue, ctx.lang)
        if repaired is not None:
            interp.extra["repair"] = repaired[0]
        if interp.intent in ("handoff", "booking"):
            ctx.text = interp.text = typed  # staff read the question as the user typed it
        if interp.intent in ("handoff", "booking") and (own := subjects_of(ctx.text)):
            # "Someone filed a non-use cancellation. Is there a lawyer here?": what the
            # conversation is about, for a question asked on the way ("how long do we have
            # for the evidence?").
            ctx.dialogue.answered(own[0], None, None)
        if interp.intent == "booking":
            # "约专家聊马德里" names the topic; "还是约个专家细聊吧" after a Madrid answer means it.
            interp.topic = booking_topic(ctx.text, SPECIALTIES) or topic_of_subject(
                ctx.dialogue.subject
            )
        tools = self.registry.tool_follow_ups
        if interp.intent is None and tools is not None and tools.is_follow_up(ctx):
            interp.intent = "tool_followup"
            interp.query, interp.followup = ctx.text, False
        return interp

    def _render(self, ctx: Context, outcome: Outcome, was_cut: bool) -> None:
        """Final touches on the replies: the cut-message notice, the language."""
        if was_cut:
            notice = Reply(t("too_long", ctx.lang, limit=self.settings.max_message_chars))
            outcome.replies.insert(0, notice)
        outcome.lang = ctx.lang

    def _persist(self, ctx: Context, outcome: Outcome) -> None:
        """Keep the state, the dialogue context, the transcript, the log row, the delivery."""
        state, inbound, session = ctx.state, ctx.inbound, ctx.session
        choices = [c for r in outcome.replies for c in r.choices]
        state.data["choices"] = [c.payload for c in choices]
        state.data["choice_labels"] = [c.label for c in choices]
        ctx.dialogue.save(state.data)
        question = clean_text(inbound.text, self.settings.max_message_chars)[0]
        logged = None
        if outcome.log and question:
            logged = {
                "question": question,
                "lang": state.lang,
                "intent": outcome.intent,
                "outcome": outcome.outcome,
                "faq_id": outcome.faq_id,
                "topic": outcome.topic,
                "score": outcome.score,
                "tool": (outcome.result or {}).get("tool") if outcome.intent == "tool" else None,
            }
        delivery = None
        if inbound.delivery_id:
            replies = {"replies": [_reply_to_json(r) for r in outcome.replies]}
            delivery = (inbound.delivery_id, replies)
        # Plain INSERTs, not ORM objects: these rows are not read back in the turn.
        write_turn_rows(
            session=session,
            channel=inbound.channel,
            user_ref=inbound.user_ref,
            replies=[r.text for r in outcome.replies],
            question=logged,
            delivery=delivery,
            now=ctx.now,
            state=state,  # written first (with them, in one statement, on PostgreSQL)
        )
