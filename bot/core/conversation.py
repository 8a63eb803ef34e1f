"""The conversation core: `handle(inbound) -> replies`, the same for every channel."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import asdict

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.core.context import Context
from bot.core.messages import Choice, Inbound, Reply
from bot.core.ports import Clock, Outcome, Skill, SystemClock
from bot.core.settings import Settings
from bot.core.texts import t
from bot.faq.corpus import IndexProvider
from knowledge.normalize import detect_lang
from storage.conversations import (
    add_message,
    find_delivery,
    get_state,
    log_question,
    record_delivery,
    save_state,
)
from storage.db import session_scope
from storage.models import ProcessedDelivery

__all__ = ("Conversation", "Seal", "clean_text")

logger = logging.getLogger(__name__)
Seal = Callable[[Session, Outcome], None]
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
_PAYLOAD_RE = re.compile(r"^[a-z_]+:[\w:.-]*$")
_PICK_RE = re.compile(r"^\s*(\d{1,2})\s*[.、)）]?\s*$")


def clean_text(text: str, limit: int) -> tuple[str, bool]:
    """Strip control characters and cut to `limit` characters; returns (text, was_cut)."""
    text = _CONTROL_RE.sub("", unicodedata.normalize("NFC", text or "")).strip()
    if len(text) > limit:
        return text[:limit], True
    return text, False


def _has_words(text: str) -> bool:
    # Letters, digits or ideographs; emoji and punctuation alone carry no question.
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


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
        skills: Sequence[Skill] | None = None,
        index: IndexProvider | None = None,
        clock: Clock | None = None,
    ) -> None:
        from bot.core.skills import default_skills  # the registry imports skills that import us

        self.engine = engine
        self.settings = settings
        self.index = index or IndexProvider()
        self.clock = clock or SystemClock()
        self.skills: list[Skill] = list(skills) if skills is not None else default_skills()
        self._by_name = {s.name: s for s in self.skills}

    def skill(self, name: str) -> Skill | None:
        """The skill registered under `name`, if any."""
        return self._by_name.get(name)

    def handle(self, inbound: Inbound) -> list[Reply]:
        """Answer one message."""
        return self.handle_turn(inbound).replies

    def handle_turn(self, inbound: Inbound, *, seal: Seal | None = None) -> Outcome:
        """Answer one message and say what was made of it (intent, entry, score ...).

        `seal` runs inside the turn's transaction once the replies are fixed, so a channel's
        own bookkeeping commits with the turn or not at all.
        """
        try:
            with session_scope(self.engine) as session:
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

    def _turn(self, session: Session, inbound: Inbound) -> Outcome:
        # Every write of the turn is flushed at commit, in one go: the delivery record, the
        # transcript, the log row and the state (only a skill that needs an id flushes sooner).
        text, was_cut = clean_text(inbound.text, self.settings.max_message_chars)
        state = get_state(session=session, channel=inbound.channel, user_ref=inbound.user_ref)
        # Button payloads ("faq:renewal-fee") say nothing about the user's language.
        # Nor do commands ("/start"): the channel's locale decides, else the welcome is bilingual.
        says_nothing = inbound.is_callback or _PAYLOAD_RE.match(text) or text.startswith("/")
        lang = None if says_nothing else detect_lang(text)
        if lang and not state.lang_fixed:
            state.lang = lang
        elif not lang and inbound.locale and not state.lang_fixed and not state.data:
            state.lang = "en" if inbound.locale.lower().startswith("en") else "zh"
        add_message(
            session=session,
            channel=inbound.channel,
            user_ref=inbound.user_ref,
            direction="in",
            text=text or inbound.text[:200],
            sender="user",
        )
        ctx = Context(
            inbound=inbound,
            text=text,
            state=state,
            session=session,
            now=self.clock.now(),
            core=self,
        )
        # Writes wait for the commit (or a skill's own flush), so the database stays free for
        # other turns while this one thinks.
        with session.no_autoflush:
            outcome = self._route(ctx)
        if was_cut:
            notice = Reply(t("too_long", state.lang, limit=self.settings.max_message_chars))
            outcome.replies.insert(0, notice)
        outcome.lang = state.lang
        state.data["choices"] = [c.payload for r in outcome.replies for c in r.choices]
        save_state(session=session, state=state)
        for reply in outcome.replies:
            add_message(
                session=session,
                channel=inbound.channel,
                user_ref=inbound.user_ref,
                direction="out",
                text=reply.text,
                sender="bot",
            )
        if outcome.log and text:
            log_question(
                session=session,
                channel=inbound.channel,
                user_ref=inbound.user_ref,
                question=text,
                lang=state.lang,
                intent=outcome.intent,
                outcome=outcome.outcome,
                faq_id=outcome.faq_id,
                topic=outcome.topic,
                score=outcome.score,
            )
        if inbound.delivery_id:
            record_delivery(
                session=session,
                channel=inbound.channel,
                delivery_id=inbound.delivery_id,
                response={"replies": [_reply_to_json(r) for r in outcome.replies]},
            )
        return outcome

    def _route(self, ctx: Context) -> Outcome:
        # A file without words still matters to staff during a handoff (bot/handoff/files.py).
        with_file = bool(ctx.inbound.extras.get("file_id")) and ctx.state.status == "human"
        if not _has_words(ctx.text) and not with_file:
            return Outcome([Reply(ctx.t("empty"), intent="smalltalk")], "smalltalk", "empty")
        match = _PICK_RE.match(ctx.text)
        offered = ctx.data.get("choices") or []
        if match and offered:
            n = int(match.group(1))
            if not 1 <= n <= len(offered):
                # Not an item of the list: maybe the rating staff asked for before this question.
                rating = self.skill("handoff")
                outcome = rating.handle(ctx) if rating is not None else None
                if outcome is not None:
                    return outcome
                return Outcome([Reply(ctx.t("pick.invalid", n=n))], "command", "invalid", log=False)
            ctx.text = offered[n - 1]
        active = ctx.flow and self.skill(ctx.flow)
        if active:
            outcome = active.handle(ctx)
            if outcome is not None:
                return outcome
        for skill in self.skills:
            if skill is active:
                continue
            outcome = skill.handle(ctx)
            if outcome is not None:
                return outcome
        raise AssertionError("the last skill (faq) always answers")
