"""The public web chat's JSON API: send a message, read the history and what arrived since.

Who is asking comes only from the signed visitor cookie (handlers/web/visitor.py); no route
takes a user id from the page. The page itself is served by handlers/web/chat_page.py.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import partial
from typing import Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, select

from bot.core.choices import offered
from bot.core.conversation import Conversation
from bot.core.messages import Inbound, Reply, unlisted
from bot.core.ports import Outcome
from handlers.web.chat_page import router as page_router
from handlers.web.choice_labels import is_payload, label_for
from handlers.web.deps import ConversationDep, SessionDep, SettingsDep, get_runtime
from handlers.web.station import greeting
from handlers.web.threads import run_turn
from handlers.web.visitor import VisitorDep, visitor_for
from knowledge.index import FaqIndex
from storage.conversations import (
    get_state,
    last_message_id,
    pushed_since,
    transcript_after,
)
from storage.db import session_scope
from storage.models import ChatMessage, ConversationState
from storage.web_visitors import clear_view, get_visitor, mark_seen, mark_transcript_seen

__all__ = ("router",)

router = APIRouter()

HISTORY_LIMIT = 50  # lines shown on load; older ones stay in the transcript (and tickets)
_CHANNEL = "web"
_MAX_ID = 2**31 - 1  # transcript ids are 32-bit integers on PostgreSQL
# A relative booking calendar link in a reply ("/bookings/B-7K3Q9.ics?token=..."), made
# absolute so it works when copied out of the page.
# Relative links the server writes into lines: a booking's .ics, a file staff sent (/m/…/file).
_ICS_RE = re.compile(
    r"(?<![\w/.:-])(/bookings/[A-Za-z0-9-]+\.ics\?token=[A-Za-z0-9_.-]+|/m/[A-Za-z0-9_.-]+/file)"
)


class _Strict(BaseModel):
    # A body carrying fields we do not know (e.g. the old page's user_id) is refused, not
    # silently read: no client-chosen identity on this API.
    model_config = ConfigDict(extra="forbid")


class ChatIn(_Strict):
    """One message typed (or a choice pressed) in the web chat."""

    text: str = Field(max_length=100_000)
    lang: str | None = Field(
        default=None,
        pattern=r"^(zh|en)$",
        description="the page's language: the default for input in neither language",
    )
    is_choice: bool = False
    message_id: str | None = Field(
        default=None,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="client id of this message; a resend is answered once",
    )


class ChoiceOut(BaseModel):
    label: str
    payload: str


class ReplyOut(BaseModel):
    text: str
    choices: list[ChoiceOut]
    intent: str


class ChatOut(BaseModel):
    """tmbot's replies to one message."""

    replies: list[ReplyOut]
    lang: str | None = None


class LineOut(BaseModel):
    """One transcript line as the page shows it."""

    id: int
    who: str = Field(description="user | bot | staff | notice (a reminder or other message)")
    text: str
    at: dt.datetime
    unread: bool = False


class GreetingOut(BaseModel):
    text: str
    choices: list[ChoiceOut]


class HistoryOut(BaseModel):
    """The conversation so far (after the last "new conversation"), oldest first."""

    messages: list[LineOut]
    cursor: int = Field(description="poll /api/chat/updates?after= from here")
    unread: int
    lang: str
    greeting: GreetingOut
    choices: list[ChoiceOut] = Field(
        default_factory=list,
        description="the options of the last bot message, still open (shown again after a reload)",
    )


class SeenIn(_Strict):
    up_to: int = Field(ge=0, le=_MAX_ID)


class LangIn(_Strict):
    lang: str = Field(pattern=r"^(zh|en)$")


def _base(request: Request, public_url: str) -> str:
    return (public_url or str(request.base_url)).rstrip("/")


class _LazyBase:
    """The site's base URL, worked out from the request only when a reply has a link."""

    def __init__(self, request: Request, public_url: str) -> None:
        self._request, self._public_url = request, public_url

    def __str__(self) -> str:
        return _base(self._request, self._public_url)


def absolute_links(text: str, base: str | _LazyBase) -> str:
    """Relative .ics and file links in `text` made absolute under `base`."""
    if "/" not in text:  # no link to rewrite (most replies): skip the pattern
        return text
    return _ICS_RE.sub(lambda m: str(base) + m.group(1), text)


def _who(msg: ChatMessage) -> str:
    if msg.direction == "in":
        return "user"
    if msg.sender == "bot":
        return "bot"
    return "staff" if msg.sender.startswith("staff") else "notice"


def _line(
    msg: ChatMessage, base: str, seen_id: int, lang: str = "zh", index: FaqIndex | None = None
) -> LineOut:
    at = msg.created_at if msg.created_at.tzinfo else msg.created_at.replace(tzinfo=dt.UTC)
    who = _who(msg)
    # A pressed button is stored as its payload: show a label, as the page did at the time.
    text = label_for(msg.text, lang, index) if who == "user" and is_payload(msg.text) else msg.text
    return LineOut(
        id=msg.id or 0,
        who=who,
        text=absolute_links(text, base),
        at=at,
        unread=msg.direction == "out" and (msg.id or 0) > seen_id,
    )


def _out(reply: Reply, base: str | _LazyBase) -> ReplyOut:
    # The page numbers the buttons: the text's own list of them would be read twice.
    return ReplyOut(
        text=absolute_links(unlisted(reply.text, reply.choices), base),
        choices=[ChoiceOut(label=c.label, payload=c.payload) for c in reply.choices],
        intent=reply.intent,
    )


@router.post("/api/chat", response_model=ChatOut)
async def chat(body: ChatIn, request: Request, response: Response) -> ChatOut:
    """Send one message to tmbot and get its replies."""
    # The busiest route reads the runtime itself: each FastAPI dependency (visitor, settings,
    # conversation, runtime) costs more per request than the attribute it returns.
    runtime = get_runtime(request)
    conversation, settings = runtime.conversation, runtime.settings
    visitor = visitor_for(request, response, settings)
    inbound = Inbound(
        channel=_CHANNEL,
        user_ref=visitor,
        text=body.text,
        locale=body.lang,
        is_callback=body.is_choice,
        delivery_id=f"{visitor}:{body.message_id}" if body.message_id else None,
        extras={"address": request.client.host} if request.client else {},
    )
    # The core is synchronous (database work); keep the event loop free. The visitor has these
    # replies in front of them: they are marked seen in the turn's own transaction.
    # In the worker's turn threads (handlers/web/threads.py), shared with the other channels.
    outcome = await run_turn(
        partial(conversation.handle_turn, inbound, seal=partial(_seen_in_turn, visitor))
    )
    if outcome.intent == "duplicate":  # a retry: no turn ran, so no seal either
        await run_turn(partial(_seen_all, conversation, visitor))
    base = _LazyBase(request, settings.public_url)
    return ChatOut(replies=[_out(r, base) for r in outcome.replies], lang=outcome.lang)


def _seen_in_turn(visitor: str, session: Session, _outcome: Outcome) -> None:
    mark_transcript_seen(session=session, channel=_CHANNEL, user_ref=visitor)


def _seen_all(conversation: Conversation, visitor: str) -> None:
    with session_scope(conversation.engine) as session:
        last = last_message_id(session=session, channel=_CHANNEL, user_ref=visitor)
        if last:  # no transcript (e.g. just erased at the user's request): no row to keep
            mark_seen(session=session, user_ref=visitor, up_to=last)


@router.get("/api/chat/history", response_model=HistoryOut)
def chat_history(
    request: Request,
    visitor: VisitorDep,
    session: SessionDep,
    conversation: ConversationDep,
    settings: SettingsDep,
    limit: int = Query(HISTORY_LIMIT, ge=1, le=200),
    lang: str | None = Query(None, pattern=r"^(zh|en)$"),
) -> HistoryOut:
    """The visitor's conversation so far with times and unread marks; marks nothing as read."""
    marks = get_visitor(session=session, user_ref=visitor)
    lines = transcript_after(
        session=session,
        channel=_CHANNEL,
        user_ref=visitor,
        after=marks.cleared_id,
        limit=limit,
    )
    base = _base(request, settings.public_url)
    state_lang, data = _known_state(session, visitor)
    shown = lang or state_lang or "zh"
    index = conversation.index.get(session)
    out = [_line(m, base, marks.seen_id, shown, index) for m in lines]
    cursor = max(marks.cleared_id, lines[-1].id or 0) if lines else marks.cleared_id
    # A reload in the middle of a step shows its buttons again, under the bot's last message.
    still_open = offered(data) if out and out[-1].who == "bot" else []
    return HistoryOut(
        messages=out,
        cursor=cursor,
        unread=sum(1 for m in out if m.unread),
        lang=state_lang or shown,
        greeting=GreetingOut.model_validate(greeting(settings, shown)),
        choices=[ChoiceOut(label=c.label, payload=c.payload) for c in still_open],
    )


def _known_state(session: Session, visitor: str) -> tuple[str | None, dict[str, Any]]:
    query = select(ConversationState.lang, ConversationState.data).where(
        ConversationState.channel == _CHANNEL, ConversationState.user_ref == visitor
    )
    row = session.exec(query).first()
    return (row[0], dict(row[1] or {})) if row else (None, {})


@router.get("/api/chat/updates", response_model=list[LineOut])
def chat_updates(
    request: Request,
    visitor: VisitorDep,
    session: SessionDep,
    settings: SettingsDep,
    # Ids are 32-bit on PostgreSQL: a cursor beyond is a 422, not a 500.
    after: int = Query(0, ge=0, le=_MAX_ID),
) -> list[LineOut]:
    """Messages pushed to this visitor by staff or reminders since transcript line `after`."""
    marks = get_visitor(session=session, user_ref=visitor)
    lines = pushed_since(
        session=session, channel=_CHANNEL, user_ref=visitor, after=max(after, marks.cleared_id)
    )
    base = _base(request, settings.public_url)
    return [_line(m, base, marks.seen_id) for m in lines]


@router.post("/api/chat/seen")
def chat_seen(body: SeenIn, visitor: VisitorDep, session: SessionDep) -> dict[str, int]:
    """The page showed the visitor every line up to `up_to`."""
    last = last_message_id(session=session, channel=_CHANNEL, user_ref=visitor)
    return {"seen": mark_seen(session=session, user_ref=visitor, up_to=min(body.up_to, last))}


@router.post("/api/chat/new", response_model=GreetingOut)
def chat_new(
    visitor: VisitorDep,
    session: SessionDep,
    settings: SettingsDep,
    lang: str = Query("zh", pattern=r"^(zh|en)$"),
) -> GreetingOut:
    """Start a new conversation: the page's view starts empty; transcript and tickets stay."""
    last = last_message_id(session=session, channel=_CHANNEL, user_ref=visitor)
    clear_view(session=session, user_ref=visitor, up_to=last)
    return GreetingOut.model_validate(greeting(settings, lang))


@router.post("/api/chat/lang")
def chat_lang(body: LangIn, visitor: VisitorDep, session: SessionDep) -> dict[str, str]:
    """The page's language toggle: the language for input written in neither language.

    Only the two language columns change (the core's JSON state stays untouched), and the
    choice is not fixed: a message typed in the other language is still answered in it.
    """
    state = get_state(session=session, channel=_CHANNEL, user_ref=visitor)
    state.lang, state.lang_fixed = body.lang, False
    session.add(state)
    return {"lang": body.lang}


# The page's routes after the API's: a router is searched in order, and POST /api/chat is the
# busy one (the page and its assets are cached by the browser).
router.include_router(page_router)
