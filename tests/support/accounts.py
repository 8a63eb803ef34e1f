"""Staff accounts and signed-in test clients for the staff and admin pages."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from bot.core.runtime import Runtime
from handlers.web.passwords import hash_password
from storage.accounts import StaffAccount, create_account
from storage.db import session_scope

__all__ = ("PASSWORD", "csrf_from", "login", "make_account", "signed_in")

PASSWORD = "correct horse battery"
_CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_account(
    runtime: Runtime, username: str = "admin", role: str = "admin", password: str = PASSWORD
) -> StaffAccount:
    """Create an active account in the runtime's database."""
    with session_scope(runtime.engine) as session:
        return create_account(
            session=session,
            username=username,
            password_hash=hash_password(password),
            role=role,
            display_name=username.title(),
        )


def csrf_from(html: str) -> str:
    """The CSRF token printed in a page's forms."""
    match = _CSRF_RE.search(html)
    assert match, "no csrf_token field in the page"
    return match.group(1)


def login(client: TestClient, username: str = "admin", password: str = PASSWORD) -> str:
    """Sign `client` in; returns the session's CSRF token for later posts."""
    token = csrf_from(client.get("/login").text)
    resp = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert resp.status_code == 303, resp.text
    # The token is renewed at login; read it from a page.
    return csrf_from(client.get("/login").text)


def signed_in(client: TestClient, runtime: Runtime, role: str = "admin") -> str:
    """Create an account with `role`, sign `client` in as it; returns the CSRF token."""
    make_account(runtime, role, role)
    return login(client, role)
