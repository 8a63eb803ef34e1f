"""Signed, expiring links to a whole message (a WeChat notice carries only 20 characters).

A token is `KEY.EXPIRES.SIGNATURE`: the message key (URL-safe base64), the expiry (Unix
seconds) and an HMAC-SHA256 over both with the server's secret key. Nothing else is needed to
open it, so it is only as secret as the message it shows: it expires.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac

__all__ = ("message_link", "message_path", "sign_message", "verify_message")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: str, body: str) -> str:
    digest = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()
    return _b64(digest[:18])


def sign_message(secret: str, message_key: str, expires: dt.datetime) -> str:
    """A token opening `message_key` until `expires`."""
    body = f"{_b64(message_key.encode())}.{int(expires.timestamp())}"
    return f"{body}.{_mac(secret, body)}"


def verify_message(secret: str, token: str, now: dt.datetime) -> str | None:
    """The message key of a valid, unexpired token, else None."""
    try:
        key, expires, mac = token.split(".")
        if not hmac.compare_digest(mac, _mac(secret, f"{key}.{expires}")):
            return None
        if int(expires) < now.timestamp():
            return None
        return _unb64(key).decode()
    except (ValueError, UnicodeDecodeError):
        return None


def message_path(secret: str, message_key: str, now: dt.datetime, days: int) -> str:
    """The path of the page showing the whole message (a file message: its download page)."""
    return f"/m/{sign_message(secret, message_key, now + dt.timedelta(days=days))}"


def message_link(
    public_url: str, secret: str, message_key: str, now: dt.datetime, days: int
) -> str | None:
    """The page showing the whole message, or None without a public URL."""
    if not public_url:
        return None
    return public_url.rstrip("/") + message_path(secret, message_key, now, days)
