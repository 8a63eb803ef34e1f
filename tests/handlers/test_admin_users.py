"""/admin/users (admins manage accounts) and /account/password (everyone changes their own)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from bot.core.runtime import Runtime
from storage.accounts import StaffAccount, get_account, list_accounts, list_audit
from tests.support.accounts import PASSWORD, csrf_from, login, make_account, signed_in

NEW = "a brand new secret"


def _account(runtime: Runtime, name: str) -> StaffAccount:
    with Session(runtime.engine) as s:
        account = get_account(session=s, username=name)
    assert account is not None, name
    return account


def _audit(runtime: Runtime, name: str) -> list[tuple[str, str]]:
    """(actor, action) of the account changes (user.*) about `name`, newest first."""
    with Session(runtime.engine) as s:
        rows = list_audit(session=s, target=f"user:{name}", action_prefix="user.")
    return [(a.actor, a.action) for a in rows]


def _names(runtime: Runtime) -> set[str]:
    with Session(runtime.engine) as s:
        return {a.username for a in list_accounts(session=s)}


def _can_login(client: TestClient, name: str, password: str) -> bool:
    token = csrf_from(client.get("/login").text)
    data = {"username": name, "password": password, "csrf_token": token}
    return client.post("/login", data=data, follow_redirects=False).status_code == 303


@pytest.fixture
def other(client: TestClient) -> Iterator[TestClient]:
    """A second browser on the same app (its own cookies)."""
    with TestClient(client.app) as c:
        yield c


@pytest.fixture
def admin(client: TestClient, runtime: Runtime) -> str:
    """`client` signed in as the admin "admin"; returns its CSRF token."""
    return signed_in(client, runtime, "admin")


def _post(client: TestClient, path: str, token: str, **data: str):
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)


def _add(client: TestClient, token: str, **fields: str):
    return _post(client, "/admin/users", token, **{"password": NEW, "confirm": NEW, **fields})


def test_strangers_go_to_login(client: TestClient, runtime: Runtime) -> None:
    make_account(runtime, "wang", "staff")
    wang = _account(runtime, "wang").id
    for path in ("/admin/users", f"/admin/users/{wang}", "/account/password"):
        resp = client.get(path, follow_redirects=False)
        assert resp.status_code == 303 and resp.headers["location"].startswith("/login"), path
    resp = client.post(
        f"/admin/users/{wang}/active", data={"active": "false"}, follow_redirects=False
    )
    assert resp.status_code == 303 and resp.headers["location"].startswith("/login")
    assert _account(runtime, "wang").active


@pytest.mark.parametrize("role", ["staff", "expert"])
def test_other_roles_cannot_manage_accounts(
    client: TestClient, runtime: Runtime, role: str
) -> None:
    token = signed_in(client, runtime, role)
    me = _account(runtime, role).id
    assert client.get("/admin/users", follow_redirects=False).status_code == 403
    assert client.get(f"/admin/users/{me}", follow_redirects=False).status_code == 403
    assert _add(client, token, username="mole", role="admin").status_code == 403
    for action, data in [("role", {"role": "admin"}), ("password", {"password": NEW})]:
        resp = client.post(f"/admin/users/{me}/{action}", data={**data, "csrf_token": token})
        assert resp.status_code == 403
    assert "mole" not in _names(runtime)
    assert _account(runtime, role).role == role
    # Their own password page is open to them.
    assert client.get("/account/password").status_code == 200


def test_admin_adds_an_account_that_can_sign_in(
    client: TestClient, other: TestClient, runtime: Runtime, admin: str
) -> None:
    resp = _add(client, admin, username="li.na", display_name="李娜", role="expert")
    assert resp.status_code == 303
    page = client.get(resp.headers["location"]).text
    assert "已创建账号 li.na" in page and "Created the account li.na" in page
    assert _account(runtime, "li.na").role == "expert"
    assert _audit(runtime, "li.na") == [("admin", "user.add")]
    listing = client.get("/admin/users").text
    assert "li.na" in listing and "专家 Expert" in listing and "从未 never" in listing
    assert _can_login(other, "li.na", NEW)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"username": "a b"}, "The name must be 1-64"),
        ({"username": "x" * 65}, "The name must be 1-64"),
        ({"username": "admin"}, "already exists"),
        ({"username": "new", "role": "boss"}, "The role must be one of"),
        ({"username": "new", "password": "short", "confirm": "short"}, "at least 10"),
        ({"username": "new", "confirm": "something else"}, "The two passwords differ"),
    ],
)
def test_adding_applies_the_cli_rules(
    client: TestClient, runtime: Runtime, admin: str, fields: dict[str, str], message: str
) -> None:
    before = _names(runtime)
    resp = _add(client, admin, **fields)
    assert resp.status_code == 400
    assert message in resp.text
    assert _names(runtime) == before
    assert not _audit(runtime, fields["username"])


def test_disabling_ends_sessions_and_blocks_sign_in(
    client: TestClient, other: TestClient, runtime: Runtime, admin: str
) -> None:
    make_account(runtime, "wang", "staff")
    wang = _account(runtime, "wang").id
    login(other, "wang")
    assert other.get("/staff/tickets").status_code == 200
    resp = _post(client, f"/admin/users/{wang}/active", admin, active="false")
    assert resp.status_code == 303
    assert "wang 已停用 / disabled" in client.get(resp.headers["location"]).text
    gone = other.get("/staff/tickets", follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"].startswith("/login")
    assert not _can_login(other, "wang", PASSWORD)
    _post(client, f"/admin/users/{wang}/active", admin, active="true")
    assert _can_login(other, "wang", PASSWORD)
    assert _audit(runtime, "wang") == [("admin", "user.enable"), ("admin", "user.disable")]


def test_an_admin_cannot_disable_or_demote_themself(
    client: TestClient, runtime: Runtime, admin: str
) -> None:
    me = _account(runtime, "admin").id
    resp = _post(client, f"/admin/users/{me}/active", admin, active="false")
    assert resp.status_code == 409 and "You cannot disable your own account" in resp.text
    resp = _post(client, f"/admin/users/{me}/role", admin, role="staff")
    assert resp.status_code == 409
    account = _account(runtime, "admin")
    assert account.active and account.role == "admin"
    assert client.get("/admin/users").status_code == 200
    assert ("admin", "user.disable") not in _audit(runtime, "admin")


def test_another_admin_can_be_disabled_and_demoted(
    client: TestClient, runtime: Runtime, admin: str
) -> None:
    make_account(runtime, "boss", "admin")
    boss = _account(runtime, "boss").id
    resp = _post(client, f"/admin/users/{boss}/role", admin, role="staff")
    assert resp.status_code == 303
    assert _account(runtime, "boss").role == "staff"
    _post(client, f"/admin/users/{boss}/active", admin, active="false")
    assert not _account(runtime, "boss").active
    assert _audit(runtime, "boss") == [("admin", "user.disable"), ("admin", "user.role")]


def test_reset_password_ends_the_old_one_and_its_sessions(
    client: TestClient, other: TestClient, runtime: Runtime, admin: str
) -> None:
    make_account(runtime, "wang", "staff")
    wang = _account(runtime, "wang").id
    login(other, "wang")
    url = f"/admin/users/{wang}/password"
    short = _post(client, url, admin, password="short", confirm="short")
    assert short.status_code == 400 and "at least 10" in short.text
    resp = _post(client, url, admin, password=NEW, confirm=NEW)
    assert resp.status_code == 303
    assert other.get("/staff/tickets", follow_redirects=False).status_code == 303
    assert not _can_login(other, "wang", PASSWORD)
    assert _can_login(other, "wang", NEW)
    assert ("admin", "user.passwd") in _audit(runtime, "wang")


def test_an_admin_resets_their_own_password_only_on_the_password_page(
    client: TestClient, other: TestClient, runtime: Runtime, admin: str
) -> None:
    me = _account(runtime, "admin").id
    data = {"password": NEW, "confirm": NEW, "csrf_token": admin}
    resp = client.post(f"/admin/users/{me}/password", data=data)
    assert resp.status_code == 409 and "/account/password" in resp.text
    assert _can_login(other, "admin", PASSWORD)


def test_unlock_lets_a_locked_out_account_sign_in(
    client: TestClient, other: TestClient, runtime: Runtime, admin: str
) -> None:
    make_account(runtime, "wang", "staff")
    wang = _account(runtime, "wang").id
    for _ in range(runtime.settings.login_max_failures):
        assert not _can_login(other, "wang", "wrong password")
    assert not _can_login(other, "wang", PASSWORD)  # held back, the right password too
    page = client.get("/admin/users").text
    assert "Throttled" in page
    resp = _post(client, f"/admin/users/{wang}/unlock", admin)
    assert resp.status_code == 303
    assert "Throttled" not in client.get("/admin/users").text
    assert _can_login(other, "wang", PASSWORD)
    assert ("admin", "user.unlock") in _audit(runtime, "wang")


def test_posts_without_a_valid_csrf_token_change_nothing(
    client: TestClient, other: TestClient, runtime: Runtime, admin: str
) -> None:
    make_account(runtime, "wang", "staff")
    wang = _account(runtime, "wang").id
    posts = {
        "/admin/users": {"username": "mole", "role": "admin", "password": NEW, "confirm": NEW},
        f"/admin/users/{wang}/role": {"role": "admin"},
        f"/admin/users/{wang}/active": {"active": "false"},
        f"/admin/users/{wang}/unlock": {},
        f"/admin/users/{wang}/password": {"password": NEW, "confirm": NEW},
        "/account/password": {"current": PASSWORD, "password": NEW, "confirm": NEW},
    }
    for path, data in posts.items():
        for extra in ({}, {"csrf_token": "forged"}):
            resp = client.post(path, data={**data, **extra}, follow_redirects=False)
            assert resp.status_code == 403, path
    account = _account(runtime, "wang")
    assert account.role == "staff" and account.active
    assert "mole" not in _names(runtime)
    assert _can_login(other, "admin", PASSWORD)
    assert _can_login(other, "wang", PASSWORD)
    assert not _audit(runtime, "wang")


def _change(client: TestClient, token: str, current: str, new: str = NEW, confirm: str = NEW):
    data = {"current": current, "password": new, "confirm": confirm, "csrf_token": token}
    return client.post("/account/password", data=data, follow_redirects=False)


def test_changing_ones_password_needs_the_current_one(
    client: TestClient, other: TestClient, runtime: Runtime
) -> None:
    token = signed_in(client, runtime, "staff")
    login(other, "staff")
    wrong = _change(client, token, "not my password")
    assert wrong.status_code == 400 and "The current password is wrong" in wrong.text
    differ = _change(client, token, PASSWORD, confirm="something else")
    assert differ.status_code == 400 and "The two passwords differ" in differ.text
    assert _change(client, token, PASSWORD, "short", "short").status_code == 400
    assert other.get("/staff/tickets").status_code == 200  # nothing changed yet

    done = _change(client, token, PASSWORD)
    assert done.status_code == 303
    assert "Password changed" in client.get("/account/password").text
    assert client.get("/staff/tickets").status_code == 200  # this session carries on
    gone = other.get("/staff/tickets", follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"].startswith("/login")
    assert not _can_login(other, "staff", PASSWORD)
    assert _can_login(other, "staff", NEW)
    assert _audit(runtime, "staff") == [
        ("staff", "user.passwd_own"),
        ("staff", "user.passwd_failed"),
    ]


def test_guessing_the_current_password_locks_the_account(
    client: TestClient, other: TestClient, runtime: Runtime
) -> None:
    token = signed_in(client, runtime, "expert")
    for _ in range(runtime.settings.login_max_failures):
        assert _change(client, token, "a guess at it").status_code == 400
    # Locked now: even the right current password is refused, and so is signing in.
    assert _change(client, token, PASSWORD).status_code == 400
    assert not _can_login(other, "expert", PASSWORD)
    audit = _audit(runtime, "expert")
    assert audit.count(("expert", "user.passwd_failed")) == runtime.settings.login_max_failures + 1


def test_the_nav_links_to_the_account_pages(client: TestClient, runtime: Runtime) -> None:
    signed_in(client, runtime, "admin")
    page = client.get("/admin/users").text
    assert 'href="/admin/users" class="on">Users 账号' in page
    assert 'href="/account/password"' in page and "Password 修改密码" in page
    with TestClient(client.app) as staff:
        signed_in(staff, runtime, "staff")
        page = staff.get("/staff/tickets").text
    assert 'href="/account/password"' in page
    assert 'href="/admin/users"' not in page
