"""Staff login: cookies, lockout, throttling, CSRF, role checks and the audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from sqlmodel import Session

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime
from handlers.web.auth import SESSION_COOKIE, AdminUser, ExpertUser, StaffUser
from storage.accounts import get_account, list_audit
from tests.support.accounts import PASSWORD, csrf_from, login, make_account, signed_in
from webhook import create_app

probe = APIRouter()


@probe.get("/probe/admin")
def _admin(user: AdminUser) -> dict[str, str]:
    return {"user": user.username}


@probe.get("/probe/staff")
def _staff(user: StaffUser) -> dict[str, str]:
    return {"user": user.username}


@probe.get("/probe/expert")
def _expert(user: ExpertUser) -> dict[str, str]:
    return {"user": user.username}


@probe.get("/api/probe/admin")
def _admin_json(user: AdminUser) -> dict[str, str]:
    return {"user": user.username}


@pytest.fixture
def app_client(runtime: Runtime) -> Iterator[TestClient]:
    app = create_app(runtime.settings, runtime=runtime)
    app.include_router(probe)
    with TestClient(app) as c:
        yield c


def _post_login(client: TestClient, username: str, password: str, **extra: str):
    token = csrf_from(client.get("/login").text)
    data = {"username": username, "password": password, "csrf_token": token, **extra}
    return client.post("/login", data=data, follow_redirects=False)


def test_pages_redirect_to_login_and_json_says_401(app_client: TestClient) -> None:
    resp = app_client.get("/probe/admin?x=1", follow_redirects=False)
    assert resp.status_code == 303
    assert resp.headers["location"] == "/login?next=/probe/admin%3Fx%3D1"
    assert app_client.get("/api/probe/admin").status_code == 401
    # The public chat needs no login.
    assert app_client.get("/").status_code == 200


def test_login_sets_a_safe_cookie_and_lands_on_the_role_home(
    runtime: Runtime, app_client: TestClient
) -> None:
    make_account(runtime, "alice", "admin")
    resp = _post_login(app_client, "alice", PASSWORD)
    assert resp.status_code == 303 and resp.headers["location"] == "/admin/faq"
    cookie = resp.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    assert app_client.get("/probe/admin").json() == {"user": "alice"}
    with Session(runtime.engine) as s:
        assert next(a.action for a in list_audit(session=s)) == "login.ok"


def test_cookie_is_secure_over_https(runtime: Runtime) -> None:
    make_account(runtime, "alice", "admin")
    with TestClient(create_app(runtime.settings, runtime=runtime), base_url="https://t") as c:
        resp = _post_login(c, "alice", PASSWORD)
        assert resp.status_code == 303
        assert "secure" in resp.headers["set-cookie"].lower()


def test_next_is_followed_only_for_local_paths(runtime: Runtime, app_client: TestClient) -> None:
    make_account(runtime, "alice", "staff")
    resp = _post_login(app_client, "alice", PASSWORD, next="//evil.example/x")
    assert resp.headers["location"] == "/staff/tickets"
    resp = _post_login(app_client, "alice", PASSWORD, next="/probe/staff")
    assert resp.headers["location"] == "/probe/staff"


def test_wrong_password_and_unknown_user_look_the_same(
    runtime: Runtime, app_client: TestClient
) -> None:
    make_account(runtime, "alice", "admin")
    wrong = _post_login(app_client, "alice", "nope")
    unknown = _post_login(app_client, "mallory", "nope")
    assert wrong.status_code == unknown.status_code == 400
    assert "Wrong username or password" in wrong.text
    assert wrong.text.replace("alice", "X") == unknown.text.replace("mallory", "X").replace(
        csrf_from(unknown.text), csrf_from(wrong.text)
    )
    with Session(runtime.engine) as s:
        failed = list_audit(session=s, action_prefix="login.failed")
        assert {a.target for a in failed} == {"user:alice", "user:mallory"}
        assert all(a.ip == "testclient" for a in failed)


def test_failures_slow_down_that_address_with_growing_delays(
    runtime: Runtime, app_client: TestClient, clock: FixedClock
) -> None:
    runtime.settings.login_max_failures = 3
    make_account(runtime, "alice", "admin")
    for _ in range(3):
        assert _post_login(app_client, "alice", "wrong").status_code == 400
    # Held back: even the right password is refused, and the page says until when.
    held = _post_login(app_client, "alice", PASSWORD)
    assert held.status_code == 429 and "try again after 10:00" in held.text
    clock.at += dt.timedelta(seconds=31)
    assert _post_login(app_client, "alice", "wrong").status_code == 400  # a 4th failure
    clock.at += dt.timedelta(seconds=31)
    assert _post_login(app_client, "alice", PASSWORD).status_code == 429  # now 60 s
    clock.at += dt.timedelta(seconds=30)
    assert _post_login(app_client, "alice", PASSWORD).status_code == 303


def test_a_stranger_elsewhere_cannot_lock_a_colleague_out(
    runtime: Runtime, app_client: TestClient
) -> None:
    runtime.settings.login_max_failures = 3
    make_account(runtime, "alice", "admin")
    app = app_client.app
    with TestClient(app, client=("203.0.113.9", 40000)) as stranger:
        for _ in range(10):
            assert _post_login(stranger, "alice", "guess").status_code in (400, 429)
        assert _post_login(stranger, "alice", PASSWORD).status_code == 429
    assert _post_login(app_client, "alice", PASSWORD).status_code == 303


def test_spraying_from_one_address_stops_new_names_but_not_known_ones(
    runtime: Runtime, app_client: TestClient
) -> None:
    runtime.settings.login_ip_max_failures = 4
    make_account(runtime, "alice", "admin")
    make_account(runtime, "bob", "staff")
    assert _post_login(app_client, "alice", PASSWORD).status_code == 303  # alice works here
    app_client.cookies.clear()
    for i in range(4):
        assert _post_login(app_client, f"guess{i}", "x").status_code == 400
    assert _post_login(app_client, "bob", PASSWORD).status_code == 429  # never signed in here
    assert _post_login(app_client, "alice", PASSWORD).status_code == 303  # the office goes on


def test_post_without_or_with_a_wrong_csrf_token_is_refused(
    runtime: Runtime, app_client: TestClient
) -> None:
    make_account(runtime, "alice", "admin")
    app_client.get("/login")
    resp = app_client.post("/login", data={"username": "alice", "password": PASSWORD})
    assert resp.status_code == 403 and "expired" in resp.text
    resp = _post_login(app_client, "alice", PASSWORD, csrf_token="forged")
    assert resp.status_code == 403
    token = login(app_client, "alice")
    assert app_client.post("/logout", data={"csrf_token": "bad"}).status_code == 403
    assert app_client.get("/probe/admin").status_code == 200  # still signed in
    resp = app_client.post("/logout", headers={"X-CSRF-Token": token}, follow_redirects=False)
    assert resp.status_code == 303
    assert app_client.get("/probe/admin", follow_redirects=False).status_code == 303


def test_token_seen_before_login_is_replaced(runtime: Runtime, app_client: TestClient) -> None:
    make_account(runtime, "alice", "admin")
    before = csrf_from(app_client.get("/login").text)
    after = login(app_client, "alice")
    assert before != after
    resp = app_client.post("/logout", data={"csrf_token": before})
    assert resp.status_code == 403


@pytest.mark.parametrize(
    ("role", "admin", "staff", "expert"),
    [("admin", 200, 200, 200), ("staff", 403, 200, 200), ("expert", 403, 403, 200)],
)
def test_role_checks(
    runtime: Runtime, app_client: TestClient, role: str, admin: int, staff: int, expert: int
) -> None:
    make_account(runtime, "u", role)
    login(app_client, "u")
    assert app_client.get("/probe/admin").status_code == admin
    assert app_client.get("/probe/staff").status_code == staff
    assert app_client.get("/probe/expert").status_code == expert
    assert app_client.get("/api/probe/admin").status_code == admin


def test_forbidden_page_is_bilingual_html(runtime: Runtime, app_client: TestClient) -> None:
    make_account(runtime, "s", "staff")
    login(app_client, "s")
    resp = app_client.get("/probe/admin")
    assert resp.status_code == 403
    assert "Your role may not open this page" in resp.text and "Logout 退出" in resp.text


def test_disabling_or_repassword_ends_open_sessions(
    runtime: Runtime, app_client: TestClient
) -> None:
    make_account(runtime, "alice", "admin")
    login(app_client, "alice")
    with Session(runtime.engine) as s:
        account = get_account(session=s, username="alice")
        assert account is not None
        account.password_hash = account.password_hash + "x"
        s.add(account)
        s.commit()
    assert app_client.get("/probe/admin", follow_redirects=False).status_code == 303
    make_account(runtime, "bob", "admin")
    login(app_client, "bob")
    with Session(runtime.engine) as s:
        bob = get_account(session=s, username="bob")
        assert bob is not None
        bob.active = False
        s.add(bob)
        s.commit()
    assert app_client.get("/probe/admin", follow_redirects=False).status_code == 303
    assert _post_login(app_client, "bob", PASSWORD).status_code == 400


def test_staff_pages_are_not_framed_or_cached(app_client: TestClient) -> None:
    resp = app_client.get("/login")
    assert resp.headers["x-frame-options"] == "DENY"
    assert resp.headers["cache-control"] == "no-store"


def test_staff_short_address_and_unknown_pages(client: TestClient, runtime: Runtime) -> None:
    assert client.get("/staff", follow_redirects=False).headers["location"] == "/staff/tickets"
    signed_in(client, runtime, "staff")
    page = client.get("/staff/no-such-page", headers={"accept": "text/html"})
    assert page.status_code == 404 and "没有这个页面 / There is no such page" in page.text
    api = client.get("/api/no-such-thing")
    assert api.status_code == 404 and api.json() == {"detail": "Not Found"}


def test_logout_ends_a_copied_cookie_too(runtime: Runtime, app_client: TestClient) -> None:
    make_account(runtime, "alice", "admin")
    token = login(app_client, "alice")
    copied = app_client.cookies.get(SESSION_COOKIE)
    assert copied and app_client.get("/probe/admin").status_code == 200
    app_client.post("/logout", data={"csrf_token": token})
    app_client.cookies.set(SESSION_COOKIE, copied)  # someone kept a copy of the cookie
    assert app_client.get("/probe/admin", follow_redirects=False).status_code == 303
    login(app_client, "alice")  # a new sign-in works again
    assert app_client.get("/probe/admin").status_code == 200
