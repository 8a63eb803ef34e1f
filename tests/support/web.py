"""Web chat visitors for tests: a signed visitor cookie on a TestClient, as the page gets it."""

from __future__ import annotations

import hashlib

from fastapi.testclient import TestClient

from bot.core.settings import Settings
from handlers.web.visitor import COOKIE, sign_visitor

__all__ = ("as_visitor", "visitor_id")


def visitor_id(name: str) -> str:
    """A well-formed visitor id, the same for the same name (tests look rows up by it)."""
    return "w" + hashlib.sha256(name.encode()).hexdigest()[:32]


def as_visitor(client: TestClient, settings: Settings, name: str) -> str:
    """Make `client` the visitor `name` (its signed cookie); returns the visitor id."""
    ref = visitor_id(name)
    client.cookies.set(COOKIE, sign_visitor(ref, settings.secret_key))
    return ref
