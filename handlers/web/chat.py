"""The public web chat: a static page at / and its JSON endpoint /api/chat."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from sqlmodel import col, select

from bot.core.messages import Inbound, Reply
from handlers.web.deps import ConversationDep, SessionDep
from storage.models import ChatMessage

__all__ = ("router",)

router = APIRouter()
_PAGE = Path(__file__).resolve().parent / "static" / "chat.html"


class ChatIn(BaseModel):
    """One message typed (or a choice pressed) in the web chat."""

    user_id: str = Field(
        min_length=8,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="a random id the page keeps in localStorage",
    )
    text: str = Field(max_length=100_000)
    lang: str | None = Field(default=None, pattern=r"^(zh|en)$")
    is_choice: bool = False
    message_id: str | None = Field(
        default=None,
        max_length=64,
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


def _out(reply: Reply) -> ReplyOut:
    return ReplyOut(
        text=reply.text,
        choices=[ChoiceOut(label=c.label, payload=c.payload) for c in reply.choices],
        intent=reply.intent,
    )


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def chat_page() -> HTMLResponse:
    """The chat page (plain HTML and JS, no build step)."""
    return HTMLResponse(_PAGE.read_text(encoding="utf-8"))


@router.post("/api/chat", response_model=ChatOut)
async def chat(body: ChatIn, conversation: ConversationDep) -> ChatOut:
    """Send one message to tmbot and get its replies."""
    inbound = Inbound(
        channel="web",
        user_ref=body.user_id,
        text=body.text,
        locale=body.lang,
        is_callback=body.is_choice,
        delivery_id=f"{body.user_id}:{body.message_id}" if body.message_id else None,
    )
    # The core is synchronous (database work); keep the event loop free.
    replies = await run_in_threadpool(conversation.handle, inbound)
    return ChatOut(replies=[_out(r) for r in replies])


class UpdateOut(BaseModel):
    id: int
    text: str
    sender: str


@router.get("/api/chat/updates", response_model=list[UpdateOut])
def chat_updates(
    session: SessionDep,
    user_id: str = Query(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$"),
    after: int = Query(
        0, ge=0, le=2**31 - 1
    ),  # ids are 32-bit on PostgreSQL: beyond is a 422, not a 500
) -> list[UpdateOut]:
    """Messages pushed to this web user by staff or reminders since message `after`."""
    query = (
        select(ChatMessage)
        .where(
            ChatMessage.channel == "web",
            ChatMessage.user_ref == user_id,
            ChatMessage.direction == "out",
            ChatMessage.sender != "bot",
            col(ChatMessage.id) > after,
        )
        .order_by(col(ChatMessage.id))
        .limit(50)
    )
    return [UpdateOut(id=m.id or 0, text=m.text, sender=m.sender) for m in session.exec(query)]
