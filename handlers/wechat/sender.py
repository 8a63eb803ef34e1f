"""WeChatSender: outbox rows to WeChat users through the customer-service message API (客服消息),
within WeChat's window; outside it as a subscription notice (订阅通知) where the user consented,
otherwise a permanent failure whose reason staff see on the outbox row.

Payloads: `{"text": str}` (optional `"notice": {field: value}` for the template, `"url"` for the
notice link), or `{"deferred": delivery_id}`: the answer to a message that took longer than
WeChat's 5 seconds (see handlers/wechat/turns.py).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from typing import Any

import requests
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from wechatpy.exceptions import APILimitedException, WeChatClientException

from bot.core.ports import Clock, SystemClock
from bot.core.settings import Settings
from bot.delivery.worker import DeliveryError, PermanentFailure, TemporaryFailure
from handlers.wechat.client import StationClient, build_client
from handlers.wechat.format import split_chunks
from storage.db import session_scope
from storage.outbox import enqueue
from storage.wechat import (
    get_delivery,
    give_back_consent,
    give_back_window_slot,
    set_delivery_status,
    take_consent,
    take_window_slot,
    window_closed_reason,
)

__all__ = ("WeChatSender", "classify", "queue_for_delivery", "queue_texts")

logger = logging.getLogger(__name__)
# A deferred answer not produced within this time will not come: its worker stopped.
DEFERRED_GIVE_UP = dt.timedelta(minutes=2)
_PERMANENT = {
    40003: "not an openid of this account",
    40037: "invalid subscription notice template id",
    43004: "the user unfollowed the account",
    43101: "the user refused subscription notices",
    45015: "WeChat 48-hour window passed or the user unfollowed",
    45047: "WeChat customer-service message limit reached",
    47003: "the notice data does not fit the template",
    48001: "this API is not authorised for the account",
}
_TRANSIENT = {-1, 40001, 40014, 42001, 45009, 45011}  # busy, token trouble, rate limits


def classify(exc: Exception) -> DeliveryError:
    """A WeChat API error as a permanent or a temporary delivery failure."""
    if isinstance(exc, DeliveryError):
        return exc
    if isinstance(exc, requests.RequestException):
        return TemporaryFailure(f"WeChat API unreachable: {type(exc).__name__}")
    if isinstance(exc, WeChatClientException):
        code = exc.errcode
        if code in _PERMANENT:
            return PermanentFailure(f"{_PERMANENT[code]} ({code})")
        if isinstance(exc, APILimitedException) or code in (45009, 45011):
            return TemporaryFailure(f"WeChat rate limit ({code})", retry_after=60)
        if code is None or code in _TRANSIENT:
            return TemporaryFailure(f"WeChat API error {code}: {exc.errmsg}")
        return PermanentFailure(f"WeChat API error {code}: {exc.errmsg}")
    return TemporaryFailure(f"{type(exc).__name__}: {exc}")


def queue_for_delivery(
    *, session: Session, openid: str, delivery_id: str, payload: dict[str, Any], key: str
) -> None:
    """Queue one outbox row answering an inbound delivery (`key` makes it unique)."""
    enqueue(
        session=session,
        sender="wechat",
        recipient=openid,
        payload=payload,
        ref_kind="wechat_delivery",
        ref_id=delivery_id[:64],
        dedupe_key=f"wechat:{key}",
    )


def queue_texts(
    *, session: Session, openid: str, delivery_id: str, chunks: Sequence[str], start: int = 0
) -> None:
    """Queue answer pieces as customer-service messages, once each (a retry queues nothing)."""
    for i, chunk in enumerate(chunks[start:], start):
        try:
            with session.begin_nested():
                queue_for_delivery(
                    session=session,
                    openid=openid,
                    delivery_id=delivery_id,
                    payload={"text": chunk},
                    key=f"{delivery_id}:{i}",
                )
        except IntegrityError:
            pass  # queued before


class WeChatSender:
    """Delivers outbox rows with sender "wechat" to an openid."""

    name = "wechat"

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        *,
        client: StationClient | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.client = client or build_client(settings, engine)
        self.clock = clock or SystemClock()

    def send(self, recipient: str, payload: Mapping[str, Any]) -> None:
        """Send one row; raises PermanentFailure / TemporaryFailure."""
        if "deferred" in payload:
            self._expand(recipient, str(payload["deferred"]))
            return
        text = str(payload.get("text") or "").strip()
        if not text:
            raise PermanentFailure("empty WeChat message")
        for chunk in split_chunks(text):
            self._send_one(recipient, chunk, payload)

    def _send_one(self, openid: str, text: str, payload: Mapping[str, Any]) -> None:
        with session_scope(self.engine) as session:
            slot = take_window_slot(session=session, openid=openid, now=self.clock.now())
        if slot is None:
            self._notice(openid, text, payload)
            return
        try:
            self.client.message.send_text(openid, text)
        except Exception as exc:
            failure = classify(exc)
            code = getattr(exc, "errcode", None)
            if isinstance(failure, TemporaryFailure):
                with session_scope(self.engine) as session:
                    give_back_window_slot(session=session, openid=openid, kind=slot)
            elif code in (45015, 45047):
                # WeChat counts the window its own way: fall back as if ours had closed.
                logger.info("wechat: window closed on WeChat's side (%s)", code)
                self._notice(openid, text, payload, reason=str(failure))
                return
            raise failure from exc

    def _notice(
        self, openid: str, text: str, payload: Mapping[str, Any], reason: str | None = None
    ) -> None:
        template = self.settings.wechat_subscribe_template
        with session_scope(self.engine) as session:
            reason = reason or window_closed_reason(
                session=session, openid=openid, now=self.clock.now()
            )
            if not template:
                raise PermanentFailure(
                    f"{reason}; no subscription notice template (TMBOT_WECHAT_SUBSCRIBE_TEMPLATE)"
                )
            if not take_consent(session=session, openid=openid, template_id=template):
                raise PermanentFailure(f"{reason}; no subscription consent")
        fields = payload.get("notice") or {
            self.settings.wechat_subscribe_field: text if len(text) <= 20 else text[:19] + "…"
        }
        data = {k: {"value": str(v)} for k, v in dict(fields).items()}
        try:
            self.client.message.send_subscribe_message(
                openid, template, data, page=payload.get("url")
            )
        except Exception as exc:
            failure = classify(exc)
            if isinstance(failure, TemporaryFailure):
                with session_scope(self.engine) as session:
                    give_back_consent(session=session, openid=openid, template_id=template)
            raise failure from exc

    def _expand(self, openid: str, delivery_id: str) -> None:
        # The slow turn queues its answer itself when it finishes (status ready -> done); this
        # row only watches that it did, and queues it if the turn stopped after storing it.
        with session_scope(self.engine) as session:
            row = get_delivery(session=session, delivery_id=delivery_id)
            if row is None:
                raise PermanentFailure(f"unknown WeChat delivery {delivery_id}")
            if row.status == "ready":
                queue_texts(
                    session=session, openid=openid, delivery_id=delivery_id, chunks=row.chunks or []
                )
                set_delivery_status(
                    session=session, delivery_id=delivery_id, old="ready", new="done"
                )
                return
            if row.status in ("done", "replied"):
                return
            if self.clock.now() - row.updated_at > DEFERRED_GIVE_UP:
                raise PermanentFailure(
                    "no answer was produced (the worker stopped while preparing it); "
                    "ask the user to send the question again"
                )
        raise TemporaryFailure("the answer is still being prepared")
