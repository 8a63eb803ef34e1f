"""Staff notifiers for the outbox: a WeCom (企业微信) group robot and e-mail over SMTP.

Both are synchronous `bot.delivery.worker.Sender`s (the worker calls them from its thread) and map
failures onto the outbox's rules: a notifier that is down raises `TemporaryFailure` and the row
waits for the next try; only a refusal that retrying cannot fix is a `PermanentFailure`.
Neither logs the webhook URL (its `key` is a secret) nor the message body.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

import httpx

from bot.core.settings import Settings
from bot.delivery.worker import PermanentFailure, TemporaryFailure

__all__ = ("EmailSender", "WeComSender", "fit_bytes")

logger = logging.getLogger(__name__)
logging.getLogger("httpx").setLevel(logging.WARNING)  # httpx logs URLs, and ours hold a key

WECOM_MAX_BYTES = 2048  # text messages of a group robot, UTF-8
_WECOM_RATE_LIMITED = 45009  # 20 messages a minute per robot
_SMTP_BAD_MAILBOX = {550, 551, 553}  # other refusals are usually settings: keep retrying
_WECOM_PERMANENT = {
    93000: "invalid webhook key",
    40008: "invalid message type",
    44004: "empty text",
}


def fit_bytes(text: str, limit: int, marker: str = "…") -> str:
    """`text` cut so that its UTF-8 form fits in `limit` bytes, never inside a character."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    room = limit - len(marker.encode("utf-8"))
    return data[:room].decode("utf-8", errors="ignore") + marker


class WeComSender:
    """Posts `{"text": ...}` payloads to the WeCom group robot at TMBOT_WECOM_WEBHOOK_URL."""

    name = "wecom"
    rate = (20, 60.0)  # the robot's limit: 20 messages a minute (bot/delivery/pacing.py)

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 10.0,
    ) -> None:
        if not settings.wecom_webhook_url:
            raise ValueError("WeComSender needs TMBOT_WECOM_WEBHOOK_URL")
        self._url = settings.wecom_webhook_url
        self._transport = transport
        self._timeout = timeout

    def combine(self, payloads: list[Mapping[str, Any]]) -> tuple[dict[str, Any], int]:
        """Several notices as one message (over the rate): as many as fit, in order."""
        texts: list[str] = []
        for payload in payloads:
            candidate = "\n\n———\n".join([*texts, str(payload.get("text") or "").strip()])
            if texts and len(candidate.encode("utf-8")) > WECOM_MAX_BYTES - 40:  # the header
                break
            texts.append(str(payload.get("text") or "").strip())
        header = f"【{len(texts)} 条通知 notices】\n" if len(texts) > 1 else ""
        return {"text": header + "\n\n———\n".join(texts)}, len(texts)

    def send(self, recipient: str, payload: Mapping[str, Any]) -> None:
        """Post one text message; `recipient` is informational (one robot per station)."""
        del recipient
        text = fit_bytes(str(payload.get("text") or "").strip(), WECOM_MAX_BYTES)
        if not text:
            raise PermanentFailure("wecom: empty message")
        body = {"msgtype": "text", "text": {"content": text}}
        try:
            with httpx.Client(transport=self._transport, timeout=self._timeout) as client:
                response = client.post(self._url, json=body)
        except httpx.TimeoutException as exc:
            raise TemporaryFailure("wecom: timed out") from exc
        except httpx.HTTPError as exc:
            raise TemporaryFailure(f"wecom: {type(exc).__name__}") from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise TemporaryFailure(f"wecom: HTTP {response.status_code}")
        if response.status_code >= 400:
            raise PermanentFailure(f"wecom: HTTP {response.status_code}")
        try:
            data = response.json()
            code, message = int(data.get("errcode", -1)), str(data.get("errmsg", ""))[:200]
        except (ValueError, AttributeError) as exc:
            raise TemporaryFailure("wecom: unreadable answer") from exc
        if code == 0:
            return
        if code == _WECOM_RATE_LIMITED:
            raise TemporaryFailure("wecom: rate limited (20 a minute)", retry_after=60)
        if code in _WECOM_PERMANENT:
            raise PermanentFailure(f"wecom: {code} {_WECOM_PERMANENT[code]}")
        raise TemporaryFailure(f"wecom: {code} {message}")


class EmailSender:
    """Sends `{"subject", "text"}` payloads by SMTP (TMBOT_SMTP_*) to the recipient address."""

    name = "email"

    def __init__(self, settings: Settings, *, timeout: float = 20.0) -> None:
        if not settings.smtp_host:
            raise ValueError("EmailSender needs TMBOT_SMTP_HOST")
        self.host, self.port = settings.smtp_host, settings.smtp_port
        self.security = settings.smtp_security
        self.user, self._password = settings.smtp_user, settings.smtp_password
        self.sender = settings.smtp_from or settings.smtp_user or f"tmbot@{settings.smtp_host}"
        self.timeout = timeout

    def _message(self, recipient: str, payload: Mapping[str, Any]) -> EmailMessage:
        msg = EmailMessage()
        msg["From"], msg["To"] = self.sender, recipient
        msg["Subject"] = str(payload.get("subject") or "tmbot")
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        msg.set_content(str(payload.get("text") or ""))
        return msg

    def _connect(self) -> smtplib.SMTP:
        if self.security == "ssl":
            context = ssl.create_default_context()
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        return smtp

    def send(self, recipient: str, payload: Mapping[str, Any]) -> None:
        """Send one message; a refused address is permanent, everything else is retried."""
        msg = self._message(recipient, payload)
        try:
            with self._connect() as smtp:
                if self.user:
                    smtp.login(self.user, self._password)
                smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentFailure(f"email: address refused: {recipient}") from exc
        except smtplib.SMTPAuthenticationError as exc:  # a setting to fix; keep the row
            raise TemporaryFailure(f"email: login refused ({exc.smtp_code})") from exc
        except smtplib.SMTPResponseException as exc:
            reason = f"email: {exc.smtp_code} {exc.smtp_error!r}"[:300]
            if exc.smtp_code in _SMTP_BAD_MAILBOX:
                raise PermanentFailure(reason) from exc
            raise TemporaryFailure(reason) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TemporaryFailure(f"email: {type(exc).__name__}: {exc}"[:300]) from exc
