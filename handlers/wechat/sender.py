"""WeChatSender: outbox rows to WeChat users through the customer-service message API (客服消息),
within WeChat's window. Outside it (or when WeChat answers 45015/45047): a subscription notice
(订阅通知) with a short summary and a signed link to the whole message, where the user accepted
that purpose's template in WeChat's own popup; otherwise the row waits for the user's next
message (`WaitForUser`), which releases it (handlers/wechat/inbound.py), first and in order.

Payloads: `{"text": str}` (optional `"notice": {field: value}` for the template, `"url"` for the
notice link), `{"deferred": delivery_id}`: the answer to a message that took longer than
WeChat's 5 seconds (see handlers/wechat/turns.py), or a file staff send back
(`{"file": id, ...}`, bot/handoff/outfiles.py): an image is uploaded as temporary media
(`media/upload`) and sent as an image message; any other file, which an Official Account cannot
send, goes as a text with a signed, expiring link to its download page. Both take a window slot
and wait outside the window exactly like a text.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import requests
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from wechatpy.exceptions import APILimitedException, WeChatClientException

from bot.core.ports import Clock, SystemClock
from bot.core.settings import Settings
from bot.delivery.links import message_link
from bot.delivery.worker import DeliveryError, PermanentFailure, TemporaryFailure, WaitForUser
from bot.handoff.outfiles import (
    CheckedFile,
    human_size,
    is_file_payload,
    load_file,
)
from bot.handoff.texts import ht
from handlers.wechat.client import StationClient, build_client
from handlers.wechat.format import split_chunks
from handlers.wechat.outfiles import sends_as_link
from storage.db import session_scope
from storage.outbox import OutboxMessage, enqueue, enqueue_new
from storage.wechat import (
    get_delivery,
    give_back_consent,
    give_back_window_slot,
    revoke_subscribe_consent,
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
    40005: "WeChat refused the file type",
    40006: "the file is larger than WeChat takes",
    40007: "invalid media id",
    40009: "the image is larger than WeChat takes",
    40037: "invalid subscription notice template id",
    43004: "the user unfollowed the account",
    43101: "the user refused subscription notices",
    45015: "WeChat 48-hour window passed or the user unfollowed",
    45047: "WeChat customer-service message limit reached",
    47003: "the notice data does not fit the template",
    48001: "this API is not authorised for the account",
}
_TRANSIENT = {-1, 40001, 40014, 42001, 45009, 45011}  # busy, token trouble, rate limits
_WINDOW_CLOSED = (45015, 45047)  # WeChat counts the window its own way
# The image's upload (or its media id) was refused: nothing reached the user, the slot is unused.
_MEDIA_REFUSED = (40004, 40005, 40006, 40007, 40009, 40010, 40011, 40012)
# Temporary media an Official Account may send as an image message: PNG/JPEG/GIF up to 10 MB
# (handlers/wechat/outfiles.py decides which files go as a link instead).
_IMAGE_EXT = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif"}


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
    rows = [
        {
            "sender": "wechat",
            "recipient": openid,
            "payload": {"text": chunk},
            "ref_kind": "wechat_delivery",
            "ref_id": delivery_id[:64],
            "dedupe_key": f"wechat:{delivery_id}:{i}",
        }
        for i, chunk in enumerate(chunks[start:], start)
    ]
    enqueue_new(session=session, rows=rows)


class WeChatApiSender:
    """What every outbox sender on WeChat's API holds: settings, engine, client, clock."""

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


class WeChatSender(WeChatApiSender):
    """Delivers outbox rows with sender "wechat" to an openid."""

    name = "wechat"

    def send(self, recipient: str, payload: Mapping[str, Any]) -> str | None:
        """Send one row; "notice" when it went as a subscription notice. Raises
        WaitForUser / PermanentFailure / TemporaryFailure."""
        if "deferred" in payload:
            self._expand(recipient, str(payload["deferred"]))
            return None
        if is_file_payload(payload):
            return self._send_file(recipient, payload)
        text = str(payload.get("text") or "").strip()
        if not text:
            raise PermanentFailure("empty WeChat message")
        starts = payload.get("slot_start") if payload.get("kind") == "booking_reminder" else None
        # A reminder that waited for the user past the consultation is no reminder.
        if starts and dt.datetime.fromisoformat(str(starts)) <= self.clock.now():
            raise PermanentFailure("the consultation has already started; reminder dropped")
        via = None
        # New rows are one part each (bot/delivery/messages.py); older rows may be longer.
        for chunk in split_chunks(text):
            via = self._send_one(recipient, chunk, payload) or via
        return via

    def _send_file(self, openid: str, payload: Mapping[str, Any]) -> str | None:
        file = load_file(self.engine, payload)
        if not sends_as_link(file):
            label = str(payload.get("text") or file.filename)  # a notice's summary, if it waits
            return self._send_one(openid, label, payload, send=lambda: self._image(openid, file))
        # Not an image an Official Account can send: a link to the file's download page.
        url = message_link(
            self.settings.public_url,
            self.settings.secret_key,
            str(payload.get("message") or ""),
            self.clock.now(),
            self.settings.wechat_link_days,
        )
        if url is None or not payload.get("message"):
            raise PermanentFailure("no TMBOT_PUBLIC_URL: cannot link the file for WeChat")
        text = ht(
            "file.link",
            str(payload.get("lang") or "zh"),
            name=file.filename,
            size=human_size(len(file.content)),
            days=self.settings.wechat_link_days,
            url=url,
        )
        return self._send_one(openid, text, payload)

    def _image(self, openid: str, file: CheckedFile) -> None:
        # WeChat reads the type from the upload's name: an ASCII name with the right extension.
        name = "image" + _IMAGE_EXT.get(file.mime, ".jpg")
        uploaded = self.client.media.upload("image", (name, file.content, file.mime))
        self.client.message.send_image(openid, uploaded["media_id"])

    def _send_one(
        self,
        openid: str,
        text: str,
        payload: Mapping[str, Any],
        send: Callable[[], object] | None = None,
    ) -> str | None:
        """One customer-service message in a window slot (`send`: other than `text`, e.g. an
        image); outside the window a notice or WaitForUser, as for any text."""
        with session_scope(self.engine) as session:
            slot = take_window_slot(session=session, openid=openid, now=self.clock.now())
        if slot is None:
            return self._outside_window(openid, text, payload)
        try:
            if send is None:
                self.client.message.send_text(openid, text)
            else:
                send()
        except Exception as exc:
            failure = classify(exc)
            code = getattr(exc, "errcode", None)
            if isinstance(failure, TemporaryFailure) or code in _MEDIA_REFUSED:
                with session_scope(self.engine) as session:
                    give_back_window_slot(session=session, openid=openid, kind=slot)
            elif code in _WINDOW_CLOSED:
                logger.info("wechat: window closed on WeChat's side (%s)", code)
                return self._outside_window(openid, text, payload, reason=str(failure))
            raise failure from exc
        return None

    def template_for(self, payload: Mapping[str, Any]) -> str:
        """The 订阅通知 template of the payload's purpose ("" when there is none)."""
        if payload.get("kind") in ("booking_reminder", "mark_reminder"):
            s = self.settings
            return s.wechat_template_reminder or s.wechat_subscribe_template
        if str(payload.get("sender") or "").startswith("staff:"):
            return self.settings.wechat_template_reply
        return ""

    def _covered_by_notice(self, payload: Mapping[str, Any]) -> bool:
        # A later part of a message whose first part went as a notice: the notice's link
        # shows the whole message already.
        key = payload.get("message")
        if not key:
            return False
        with session_scope(self.engine) as session:
            first = session.exec(
                select(OutboxMessage).where(
                    OutboxMessage.message_key == str(key), OutboxMessage.part == 0
                )
            ).first()
            return first is not None and first.sent_via == "notice"

    def _outside_window(
        self, openid: str, text: str, payload: Mapping[str, Any], reason: str | None = None
    ) -> str:
        with session_scope(self.engine) as session:
            reason = reason or window_closed_reason(
                session=session, openid=openid, now=self.clock.now()
            )
        if self._covered_by_notice(payload):
            return "notice"
        template = self.template_for(payload)
        if template:
            with session_scope(self.engine) as session:
                consented = take_consent(session=session, openid=openid, template_id=template)
            if consented:
                self._notice(openid, template, text, payload)
                return "notice"
        # Not lost, not failed: it goes out first when the user next writes.
        raise WaitForUser(f"{reason}; waiting for the user's next message")

    def _notice(self, openid: str, template: str, text: str, payload: Mapping[str, Any]) -> None:
        field = self.settings.wechat_subscribe_field
        summary = text if len(text) <= 20 else text[:19] + "…"  # thing fields: 20 characters
        fields = payload.get("notice") or {field: summary}
        data = {k: {"value": str(v)} for k, v in dict(fields).items()}
        url = payload.get("url")
        if not url and payload.get("message"):
            url = message_link(
                self.settings.public_url,
                self.settings.secret_key,
                str(payload["message"]),
                self.clock.now(),
                self.settings.wechat_link_days,
            )
        try:
            self.client.message.send_subscribe_message(openid, template, data, page=url)
        except Exception as exc:
            failure = classify(exc)
            code = getattr(exc, "errcode", None)
            with session_scope(self.engine) as session:
                if isinstance(failure, TemporaryFailure):
                    give_back_consent(session=session, openid=openid, template_id=template)
                elif code == 43101:
                    # WeChat says the user has no consent: ours was wrong, forget it.
                    revoke_subscribe_consent(session=session, openid=openid, template_id=template)
            if code == 43101:
                raise WaitForUser(
                    "no WeChat subscription consent (43101); waiting for the user's next message"
                ) from exc
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
