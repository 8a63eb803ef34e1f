"""What a WeChat message or event means for tmbot: a turn for the core, a fixed answer, a
recorded fact (follow, unfollow, notice consent), or nothing."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session
from wechatpy.messages import BaseMessage

from bot.core.messages import Inbound
from handlers.wechat.flat_xml import field
from handlers.wechat.format import media_text
from handlers.wechat.media import KIND_NAMES
from storage.conversations import add_message
from storage.outbox import enqueue
from storage.tickets import active_ticket
from storage.wechat import (
    Interaction,
    record_subscribe_consent,
    record_subscription,
    reopen_window,
    revoke_subscribe_consent,
)

__all__ = ("Action", "Seen", "translate")

logger = logging.getLogger(__name__)
Effect = Callable[[Session], None]
MENU_KEYS = frozenset({"registration", "renewal", "madrid", "book", "human"})


@dataclass(frozen=True)
class Action:
    """One delivery's meaning: `inbound` for the core, or a fixed `text`, plus side effects."""

    delivery_id: str
    openid: str
    inbound: Inbound | None = None
    # Fixed answer when there is no turn ("" = answer `success`); a callable is read after the
    # effects ran (they may change it, e.g. a file sent during a handoff).
    text: str | Callable[[], str] = ""
    effects: tuple[Effect, ...] = ()
    silent: bool = False  # nothing to record or answer


def _at(msg: BaseMessage, now: dt.datetime) -> dt.datetime:
    try:
        at = dt.datetime.fromtimestamp(int(field(msg, "CreateTime")), dt.UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return now
    return min(at, now)


@dataclass(frozen=True, slots=True)
class Seen:
    """The effect of every message and most events: the user's window opens again, and what
    waited for the user goes out now, first, in order. An object, not a closure: the claim
    runs a message's only effect with the claim itself (handlers/wechat/turns.py)."""

    openid: str
    kind: Interaction
    at: dt.datetime

    def __call__(self, session: Session) -> None:
        reopen_window(session=session, openid=self.openid, kind=self.kind, at=self.at)


def _follow(openid: str, subscribed: bool, at: dt.datetime) -> Effect:
    return lambda s: record_subscription(session=s, openid=openid, subscribed=subscribed, at=at)


def _consent(openid: str, template: str, *, accept: bool) -> Effect:
    def effect(session: Session) -> None:
        if accept:
            record_subscribe_consent(session=session, openid=openid, template_id=template)
        else:
            revoke_subscribe_consent(session=session, openid=openid, template_id=template)

    return effect


def _consents(data: dict[str, Any], openid: str) -> tuple[Effect, ...]:
    # subscribe_msg_popup_event / _change_event carry one <List> per template.
    holder = data.get("SubscribeMsgPopupEvent") or data.get("SubscribeMsgChangeEvent") or {}
    items = holder.get("List") if isinstance(holder, dict) else None
    items = items if isinstance(items, list) else [items] if isinstance(items, dict) else []
    effects: list[Effect] = []
    for item in items:
        template = str(item.get("TemplateId") or "")[:128]
        status = str(item.get("SubscribeStatusString") or "").lower()
        if template and status in ("accept", "reject"):
            effects.append(_consent(openid, template, accept=status == "accept"))
    return tuple(effects)


def _turn(msg: BaseMessage, text: str, *, callback: bool = False) -> Inbound:
    # No delivery_id for the core: the claim in wechat_delivery already lets one run through.
    return Inbound(
        channel="wechat",
        user_ref=str(field(msg, "FromUserName")),
        text=text,
        is_callback=callback,
        extras={"msg_type": msg.type, "to": str(field(msg, "ToUserName"))},
    )


def _event(msg: BaseMessage, openid: str, now: dt.datetime) -> Action:
    event = str(msg._data.get("Event") or "").lower()
    at = _at(msg, now)
    # WeChat: events are de-duplicated by FromUserName + CreateTime; the event name is added
    # because a follow and a location report can share the same second.
    delivery_id = f"{openid}:{msg._data.get('CreateTime', '')}:{event}"[:128]
    seen = Seen(openid, "event", at)
    if event in ("subscribe", "subscribe_scan"):
        follow = _follow(openid, True, at)
        return Action(delivery_id, openid, _turn(msg, "你好"), effects=(follow, seen))
    if event == "scan":
        return Action(delivery_id, openid, _turn(msg, "菜单"), effects=(seen,))
    if event == "unsubscribe":
        return Action(delivery_id, openid, effects=(_follow(openid, False, at),))
    if event == "click":
        key = str(msg._data.get("EventKey") or "")
        item = key.removeprefix("menu:")
        text, callback = (key, True) if item in MENU_KEYS else ("菜单", False)
        turn = _turn(msg, text, callback=callback)
        return Action(delivery_id, openid, turn, effects=(seen,))
    if event in ("view", "view_miniprogram", "scancode_push", "scancode_waitmsg"):
        return Action(delivery_id, openid, effects=(seen,))
    if event in ("subscribe_msg_popup_event", "subscribe_msg_change_event"):
        return Action(delivery_id, openid, effects=_consents(msg._data, openid))
    logger.debug("wechat: event %r needs no answer", event)
    return Action(delivery_id, openid, silent=True)


def translate(msg: BaseMessage, now: dt.datetime) -> Action:
    """The action for one parsed message or event."""
    openid = str(field(msg, "FromUserName") or "")[:64]
    kind = str(msg._data.get("MsgType") or "").lower()
    if kind == "event":  # unknown events parse as UnknownMessage: read the raw type
        return _event(msg, openid, now)
    delivery_id = str(msg._data.get("MsgId") or f"{openid}:{msg._data.get('CreateTime', '')}")
    delivery_id = delivery_id[:128]
    seen = (Seen(openid, "message", _at(msg, now)),)
    if msg.type == "text":
        text = str(msg._data.get("Content") or "")
        return Action(delivery_id, openid, _turn(msg, text), effects=seen)
    recognition = str(msg._data.get("Recognition") or "").strip()
    if msg.type == "voice" and recognition:
        return Action(delivery_id, openid, _turn(msg, recognition), effects=seen)
    media_id = str(msg._data.get("MediaId") or "")
    if not media_id:
        return Action(delivery_id, openid, text=media_text(kind), effects=seen)
    # During a handoff the file is for staff: fetched and attached to the ticket.
    answer = {"text": media_text(kind)}
    effect = _attach(openid, kind, media_id, delivery_id, answer, _at(msg, now))
    return Action(delivery_id, openid, text=lambda: answer["text"], effects=(*seen, effect))


_FORWARDED = (
    "已收到，{zh}已转给工作人员（工单 {number}）。",
    "Received: the {en} was passed on to staff (ticket {number}).",
)


def _attach(
    openid: str, kind: str, media_id: str, delivery_id: str, answer: dict[str, str], at: dt.datetime
) -> Effect:
    def effect(session: Session) -> None:
        ticket = active_ticket(session=session, channel="wechat", user_ref=openid)
        if ticket is None:
            return  # not in a handoff: the polite note on what tmbot reads
        zh, en = KIND_NAMES.get(kind, ("文件", "file"))
        add_message(
            session=session,
            channel="wechat",
            user_ref=openid,
            direction="in",
            text=f"[{zh} {en}]",
            sender="user",
        )
        enqueue(
            session=session,
            sender="wechat_media",
            recipient=ticket.number,
            payload={"media_id": media_id, "kind": kind, "openid": openid},
            ref_kind="ticket",
            ref_id=ticket.number,
            dedupe_key=f"wechat_media:{delivery_id}"[:200],
            not_before=at,
        )
        values = {"zh": zh, "en": en, "number": ticket.number}
        answer["text"] = f"{_FORWARDED[0].format(**values)}\n{_FORWARDED[1].format(**values)}"

    return effect
