"""Account pages: admins manage staff accounts at /admin/users; everyone changes their own
password at /account/password.

The rules (name, role, password length, last enabled admin, no disabling oneself) live in
storage.accounts and handlers.web.password_rules, which `tmbot user` applies as well.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from bot.core.runtime import Runtime
from handlers.web.auth import (
    AdminUser,
    ExpertUser,
    audit,
    require_admin,
    require_expert,
    session_stamp,
)
from handlers.web.csrf import check_csrf
from handlers.web.deps import RuntimeDep, SessionDep
from handlers.web.pages import flash, render
from handlers.web.password_rules import MAX_PASSWORD_LENGTH, new_password_hash
from handlers.web.passwords import MIN_PASSWORD_LENGTH, verify_password
from storage.accounts import (
    ROLES,
    StaffAccount,
    create_account,
    get_account_by_id,
    is_locked,
    list_accounts,
    list_audit,
    record_login_failure,
    set_active,
    set_password_hash,
    set_role,
    unlock,
)
from storage.errors import NotFound, TmbotError
from storage.login_throttle import Throttle, active_throttles

__all__ = ("account_router", "router")

router = APIRouter(
    prefix="/admin/users",
    dependencies=[Depends(require_admin), Depends(check_csrf)],
    include_in_schema=False,
)
# Every role, experts included, may change their own password.
account_router = APIRouter(
    prefix="/account",
    dependencies=[Depends(require_expert), Depends(check_csrf)],
    include_in_schema=False,
)
ROLE_LABELS = {"admin": "管理员 Admin", "staff": "工作人员 Staff", "expert": "专家 Expert"}
# Longer than the rule allows, so that password_rules says what is wrong instead of a bare 422.
Password = Annotated[str, Form(max_length=5 * MAX_PASSWORD_LENGTH)]


def _account(session: Session, account_id: int) -> StaffAccount:
    account = get_account_by_id(session=session, account_id=account_id)
    if account is None:
        raise NotFound(f"没有此账号 / no account {account_id}")
    return account


def _common(runtime: Runtime, session: Session) -> dict[str, Any]:
    settings = runtime.settings
    now = runtime.conversation.clock.now()

    def throttles(account: StaffAccount) -> list[Throttle]:
        # Addresses currently held back from this name after wrong passwords.
        return active_throttles(
            session=session,
            username=account.username,
            now=now,
            max_failures=settings.login_max_failures,
            window=dt.timedelta(minutes=settings.login_lockout_minutes),
        )

    return {
        "throttles": throttles,
        "roles": ROLES,
        "role_labels": ROLE_LABELS,
        "now": runtime.conversation.clock.now(),
        "is_locked": is_locked,
        "tz": runtime.settings.timezone,
        "min_length": MIN_PASSWORD_LENGTH,
    }


def _list_page(
    request: Request,
    session: Session,
    runtime: Runtime,
    *,
    values: dict[str, str] | None = None,
    error: str = "",
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "admin/users.html",
        status_code,
        rows=list_accounts(session=session),
        values=values or {"role": "staff"},
        error=error,
        **_common(runtime, session),
    )


def _user_page(
    request: Request,
    session: Session,
    runtime: Runtime,
    account: StaffAccount,
    *,
    error: str = "",
    status_code: int = 200,
) -> Response:
    history = list_audit(session=session, target=f"user:{account.username}", limit=20)
    return render(
        request,
        "admin/user.html",
        status_code,
        account=account,
        history=history,
        error=error,
        **_common(runtime, session),
    )


def _back(account: StaffAccount) -> Response:
    return RedirectResponse(f"/admin/users/{account.id}", status_code=303)


@router.get("")
def user_list(request: Request, session: SessionDep, runtime: RuntimeDep) -> Response:
    """Every account with its role, state, lockout and last login, and the form to add one."""
    return _list_page(request, session, runtime)


@router.post("")
def add_user(
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    user: AdminUser,
    username: Annotated[str, Form(max_length=200)] = "",
    display_name: Annotated[str, Form(max_length=120)] = "",
    role: Annotated[str, Form(max_length=20)] = "staff",
    password: Password = "",
    confirm: Password = "",
) -> Response:
    """Create an account with an initial password (the same rules as `tmbot user add`)."""
    username = username.strip()
    try:
        account = create_account(
            session=session,
            username=username,
            password_hash=new_password_hash(password, confirm),
            role=role,
            display_name=display_name.strip(),
        )
    except TmbotError as exc:
        values = {"username": username, "display_name": display_name, "role": role}
        return _list_page(request, session, runtime, values=values, error=str(exc), status_code=400)
    audit(session, user, "user.add", f"user:{username}", {"role": role}, request)
    flash(request, f"已创建账号 {username} / Created the account {username} ({role})")
    return _back(account)


@router.get("/{account_id}")
def user_page(
    request: Request, session: SessionDep, runtime: RuntimeDep, account_id: int
) -> Response:
    """One account: role, enable or disable, unlock, reset the password, its audit lines."""
    return _user_page(request, session, runtime, _account(session, account_id))


@router.post("/{account_id}/role")
def change_role(
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    user: AdminUser,
    account_id: int,
    role: Annotated[str, Form(max_length=20)],
) -> Response:
    """Give the account another role (never the last enabled admin's, nor one's own)."""
    account = _account(session, account_id)
    before = account.role
    try:
        set_role(session=session, account=account, role=role, by=user)
    except TmbotError as exc:
        return _user_page(request, session, runtime, account, error=str(exc), status_code=409)
    if role != before:
        detail = {"from": before, "to": role}
        audit(session, user, "user.role", f"user:{account.username}", detail, request)
        flash(request, f"{account.username}: {ROLE_LABELS[before]} → {ROLE_LABELS[role]}")
    return _back(account)


@router.post("/{account_id}/active")
def change_active(
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    user: AdminUser,
    account_id: int,
    active: Annotated[bool, Form()],
) -> Response:
    """Disable an account (it cannot sign in, its sessions end) or enable it again."""
    account = _account(session, account_id)
    try:
        set_active(session=session, account=account, active=active, by=user)
    except TmbotError as exc:
        return _user_page(request, session, runtime, account, error=str(exc), status_code=409)
    action = "user.enable" if active else "user.disable"
    audit(session, user, action, f"user:{account.username}", request=request)
    state = "已启用 / enabled" if active else "已停用 / disabled"
    flash(request, f"{account.username} {state}")
    return _back(account)


@router.post("/{account_id}/unlock")
def unlock_account(
    request: Request, session: SessionDep, user: AdminUser, account_id: int
) -> Response:
    """Lift a lockout after repeated failed sign-ins."""
    account = _account(session, account_id)
    detail = {
        "failed_logins": account.failed_logins,
        "was_locked": account.locked_until is not None,
    }
    unlock(session=session, account=account)
    audit(session, user, "user.unlock", f"user:{account.username}", detail, request)
    flash(request, f"{account.username} 已解锁 / unlocked")
    return _back(account)


@router.post("/{account_id}/password")
def reset_password(
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    user: AdminUser,
    account_id: int,
    password: Password = "",
    confirm: Password = "",
) -> Response:
    """Set a new password for someone else (their sessions end; the lockout is lifted)."""
    account = _account(session, account_id)
    if account.id == user.id:
        # Without the current password a stolen session could take the account over.
        error = (
            "请在“修改密码”页修改自己的密码（需要当前密码）。 / "
            "Change your own password on the Password page (it asks for the current one)."
        )
        return _user_page(request, session, runtime, account, error=error, status_code=409)
    try:
        password_hash = new_password_hash(password, confirm)
    except TmbotError as exc:
        return _user_page(request, session, runtime, account, error=str(exc), status_code=400)
    set_password_hash(session=session, account=account, password_hash=password_hash)
    audit(session, user, "user.passwd", f"user:{account.username}", request=request)
    flash(request, f"已为 {account.username} 设置新密码 / New password set for {account.username}")
    return _back(account)


def _password_page(request: Request, error: str = "", status_code: int = 200) -> Response:
    return render(
        request,
        "admin/account_password.html",
        status_code,
        error=error,
        min_length=MIN_PASSWORD_LENGTH,
    )


@account_router.get("/password")
def password_page(request: Request) -> Response:
    """The form to change one's own password."""
    return _password_page(request)


@account_router.post("/password")
def change_password(
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    user: ExpertUser,
    current: Password = "",
    password: Password = "",
    confirm: Password = "",
) -> Response:
    """Change one's own password: the current one first; other sessions of the account end."""
    settings = runtime.settings
    now = runtime.conversation.clock.now()
    target = f"user:{user.username}"
    # Wrong current passwords count like failed sign-ins, so a borrowed session is no
    # faster way to guess the password than the login form.
    locked = is_locked(user, now)
    if locked or not verify_password(current, user.password_hash)[0]:
        if not locked:
            locked = record_login_failure(
                session=session,
                account=user,
                now=now,
                max_failures=settings.login_max_failures,
                lockout=dt.timedelta(minutes=settings.login_lockout_minutes),
            )
        audit(session, user, "user.passwd_failed", target, {"locked": locked}, request)
        error = (
            "当前密码不正确，或账号已暂时锁定。 / "
            "The current password is wrong, or the account is temporarily locked."
        )
        return _password_page(request, error, 400)
    try:
        password_hash = new_password_hash(password, confirm)
    except TmbotError as exc:
        return _password_page(request, str(exc), 400)
    set_password_hash(session=session, account=user, password_hash=password_hash)
    audit(session, user, "user.passwd_own", target, request=request)
    # The stamp follows the hash: other sessions of this account end, this one carries on.
    request.session["stamp"] = session_stamp(user)
    flash(request, "密码已修改，其他设备上的登录已退出。 / Password changed; other sessions ended.")
    return RedirectResponse("/account/password", status_code=303)
