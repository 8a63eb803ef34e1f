"""CSRF protection for the staff and admin forms: one random token per login session.

Every unsafe request (POST, PUT, PATCH, DELETE) on a protected router must carry the
session's token, in the form field `csrf_token` (templates print `{{ csrf_field }}`) or in the
`X-CSRF-Token` header (fetch calls). SameSite=Lax cookies already stop most cross-site posts;
the token also covers older browsers and same-site subdomains.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator

from fastapi import Request

__all__ = ("CSRF_FIELD", "CSRF_HEADER", "CsrfError", "check_csrf", "csrf_token", "new_csrf_token")

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class CsrfError(Exception):
    """The request's CSRF token is missing or does not match the session's."""


def csrf_token(request: Request) -> str:
    """The session's token, created on first use."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or not token:
        token = new_csrf_token(request)
    return token


def new_csrf_token(request: Request) -> str:
    """Replace the session's token (on login, so a token seen before login is worthless)."""
    token = secrets.token_urlsafe(32)
    request.session["csrf"] = token
    return token


async def check_csrf(request: Request) -> AsyncIterator[None]:
    """Dependency: refuse an unsafe request whose token does not match (CsrfError → 403)."""
    if request.method in _SAFE_METHODS:
        yield
        return
    form = None
    try:
        sent = request.headers.get(CSRF_HEADER)
        if sent is None and request.headers.get("content-type", "").startswith(_FORM_TYPES):
            # Starlette caches the parsed form, so the route's Form(...) parameters still work.
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
        expected = request.session.get("csrf")
        if not (isinstance(expected, str) and expected and sent):
            raise CsrfError("missing CSRF token")
        if not secrets.compare_digest(expected.encode(), sent.encode()):
            raise CsrfError("CSRF token does not match")
        yield
    finally:
        if form is not None:
            # Uploaded files spool to temporary files; close them even when FastAPI did not
            # parse the form itself (routes that read `await request.form()`).
            await form.close()
