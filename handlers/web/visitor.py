"""The web chat visitor's identity: a random id issued by the server in a signed cookie.

The id is never chosen by the page: the first request without a valid cookie gets a new id
(128 random bits) and the cookie `tmbot_chat` = id + HMAC signature under TMBOT_SECRET_KEY
(HttpOnly, SameSite=Lax, Secure over HTTPS). A forged, altered or old-format cookie is treated
as no cookie, so it starts an empty conversation and reads nothing of anyone else's.
"""

from __future__ import annotations

import re
import secrets
from functools import lru_cache
from typing import Annotated

from fastapi import Depends, Request, Response
from itsdangerous import BadSignature, Signer, want_bytes

from bot.core.settings import Settings
from handlers.web.deps import get_settings_dep

__all__ = (
    "COOKIE",
    "MAX_AGE",
    "VisitorDep",
    "new_visitor_id",
    "read_visitor",
    "set_visitor_cookie",
    "sign_visitor",
    "visitor_for",
)

COOKIE = "tmbot_chat"
MAX_AGE = 365 * 24 * 3600  # a year: people come back to the station's answers
# Only ids this module issues: "w" + 32 hex digits (128 random bits). Client-made ids of the
# old page ("w" + 24 hex) and anything shorter or of another shape are refused.
_ID_RE = re.compile(r"^w[0-9a-f]{32}$")
_SALT = "tmbot.web-visitor"


def new_visitor_id() -> str:
    """A fresh, unguessable visitor id."""
    return "w" + secrets.token_hex(16)


class _KeyedSigner(Signer):
    """itsdangerous' Signer that derives its key (an HMAC of the salt) once per secret, not on
    every cookie it signs or checks: the same key, so the same signatures."""

    def __init__(self, secret: str) -> None:
        super().__init__(secret, salt=_SALT)
        self._derived: dict[bytes, bytes] = {}

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        raw = self.secret_keys[-1] if secret_key is None else want_bytes(secret_key)
        key = self._derived.get(raw)
        if key is None:
            key = self._derived[raw] = super().derive_key(raw)
        return key


@lru_cache(maxsize=4)
def _signer(secret: str) -> Signer:
    return _KeyedSigner(secret)


def sign_visitor(visitor_id: str, secret: str) -> str:
    """The cookie value for a visitor id."""
    if not _ID_RE.match(visitor_id):
        raise ValueError("not a visitor id issued by tmbot")
    return _signer(secret).sign(visitor_id).decode("ascii")


def read_visitor(cookie: str | None, secret: str) -> str | None:
    """The visitor id in a cookie value, or None when absent, forged or not of our shape."""
    if not cookie or len(cookie) > 200:
        return None
    try:
        visitor_id = _signer(secret).unsign(cookie).decode("ascii")
    except (BadSignature, UnicodeDecodeError):
        return None
    return visitor_id if _ID_RE.match(visitor_id) else None


def set_visitor_cookie(response: Response, request: Request, visitor_id: str, secret: str) -> None:
    """Attach the visitor's cookie (Secure when the request came over HTTPS)."""
    response.set_cookie(
        COOKIE,
        sign_visitor(visitor_id, secret),
        max_age=MAX_AGE,
        path="/",
        httponly=True,
        samesite="lax",  # Strict would drop it on links into the page and split the history
        secure=request.url.scheme == "https",
    )


def visitor_for(request: Request, response: Response, settings: Settings) -> str:
    """The visitor of this request; one without a valid cookie gets a new id and cookie."""
    visitor_id = read_visitor(request.cookies.get(COOKIE), settings.secret_key)
    if visitor_id is None:
        visitor_id = new_visitor_id()
        set_visitor_cookie(response, request, visitor_id, settings.secret_key)
    return visitor_id


async def _visitor_dep(  # a coroutine: no thread hop for a cookie check (handlers/web/deps.py)
    request: Request, response: Response, settings: Annotated[Settings, Depends(get_settings_dep)]
) -> str:
    return visitor_for(request, response, settings)


VisitorDep = Annotated[str, Depends(_visitor_dep)]
