"""Staff login: session cookie, login/logout pages, lockout, role dependencies and the audit helper.

Pages protected with `StaffUser`, `AdminUser` or `ExpertUser` redirect to /login when nobody is
signed in (JSON routes under /api/ answer 401) and answer 403 for the wrong role. Routers with
forms add `dependencies=[Depends(check_csrf)]`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Annotated, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlmodel import Session
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.core.settings import Settings
from handlers.web.csrf import CsrfError, check_csrf, new_csrf_token
from handlers.web.deps import RuntimeDep, SessionDep
from handlers.web.pages import render
from handlers.web.passwords import verify_password
from storage.accounts import (
    AuditLog,
    StaffAccount,
    add_audit,
    get_account,
    get_account_by_id,
    is_locked,
    record_login_success,
)
from storage.errors import NotFound
from storage.login_throttle import Throttle, known_from, pair_throttle, spraying
from storage.models import utcnow
from storage.staff_sessions import end_session, session_is_open, start_session

__all__ = (
    "AdminUser",
    "ExpertUser",
    "StaffUser",
    "audit",
    "client_ip",
    "install",
    "require_admin",
    "require_expert",
    "require_roles",
    "require_staff",
    "router",
    "session_stamp",
)

SESSION_COOKIE = "tmbot_session"
HOME_BY_ROLE = {"admin": "/admin/faq", "staff": "/staff/tickets", "expert": "/staff/bookings"}
_LOGIN_FAILED = "用户名或密码错误，或账户已暂时锁定。 / Wrong username or password, or the account is temporarily locked."


class LoginRequired(Exception):
    """Nobody (or a deactivated account) is signed in."""


class RoleForbidden(Exception):
    """The signed-in account's role may not use this page."""


class _SchemeAwareSessions:
    """Starlette's signed-cookie sessions, with the Secure flag exactly when the request is HTTPS
    (behind a proxy, run uvicorn with --proxy-headers so the scheme is the client's)."""

    def __init__(self, app: ASGIApp, secret_key: str, max_age: int) -> None:
        common: dict[str, Any] = {
            "secret_key": secret_key,
            "session_cookie": SESSION_COOKIE,
            "max_age": max_age,
            "same_site": "lax",
        }
        self._plain = SessionMiddleware(app, https_only=False, **common)
        self._secure = SessionMiddleware(app, https_only=True, **common)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        secure = scope.get("scheme") in ("https", "wss")
        await (self._secure if secure else self._plain)(scope, receive, send)


def client_ip(request: Request | None) -> str:
    """The client's address as the server sees it."""
    return request.client.host if request is not None and request.client else ""


def session_stamp(account: StaffAccount) -> str:
    """What a session must carry to stay valid for `account`."""
    # Changing the password (or its hash parameters) ends every other session of the account.
    return hashlib.sha256(account.password_hash.encode()).hexdigest()[:16]


def current_account(request: Request, session: Session) -> StaffAccount | None:
    """The signed-in account, or None."""
    uid = request.session.get("uid")
    if not isinstance(uid, int):
        return None
    account = get_account_by_id(session=session, account_id=uid)
    if (
        account is None
        or not account.active
        or request.session.get("stamp") != session_stamp(account)
        or not session_is_open(session=session, sid=request.session.get("sid"), account_id=uid)
    ):
        request.session.clear()
        return None
    return account


def require_roles(*roles: str) -> Any:
    """A dependency returning the signed-in account when its role is one of `roles`."""

    def dependency(request: Request, session: SessionDep) -> StaffAccount:
        account = current_account(request, session)
        if account is None:
            raise LoginRequired
        request.state.user = account
        if account.role not in roles:
            raise RoleForbidden
        return account

    return dependency


# One function per role set, so a router-level Depends(require_admin) and an AdminUser
# parameter share FastAPI's per-request dependency cache.
require_admin = require_roles("admin")
require_staff = require_roles("admin", "staff")
require_expert = require_roles("admin", "staff", "expert")
AdminUser = Annotated[StaffAccount, Depends(require_admin)]
StaffUser = Annotated[StaffAccount, Depends(require_staff)]
# Experts see their own bookings; staff pages filter rows when `user.role == "expert"`.
ExpertUser = Annotated[StaffAccount, Depends(require_expert)]


def audit(
    session: Session,
    user: StaffAccount | str | None,
    action: str,
    target: str = "",
    detail: dict[str, Any] | None = None,
    request: Request | None = None,
    at: dt.datetime | None = None,
) -> AuditLog:
    """Record who did what to which target, from where (in the request's transaction)."""
    actor = user.username if isinstance(user, StaffAccount) else (user or "anonymous")
    return add_audit(
        session=session,
        actor=actor,
        action=action,
        target=target,
        detail=detail,
        ip=client_ip(request),
        at=at,
    )


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return request.url.path.startswith("/api/") or (
        "application/json" in accept and "text/html" not in accept
    )


def _safe_next(target: str | None) -> str | None:
    # Only local paths: "//evil.example" or "https://..." would make login an open redirect.
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return None


router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)


@router.get("/staff")
def staff_home() -> RedirectResponse:
    """Staff type the short address: the ticket queue is their start page."""
    return RedirectResponse("/staff/tickets", status_code=303)


def _throttled_text(until: dt.datetime, timezone: str) -> str:
    local = until.astimezone(ZoneInfo(timezone))
    return (
        f"登录失败次数过多，请于 {local:%H:%M} 后再试。 / "
        f"Too many failed sign-ins: try again after {local:%H:%M}."
    )


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    """The sign-in form."""
    return render(request, "login.html", next=_safe_next(next) or "")


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Check the password; lock the account after repeated failures."""
    settings: Settings = runtime.settings
    now = runtime.conversation.clock.now()
    window = dt.timedelta(minutes=settings.login_lockout_minutes)
    ip = client_ip(request)
    username = username.strip()
    if "\x00" in username or "\x00" in password:
        # PostgreSQL text cannot hold NUL; no account name or password has one.
        return render(request, "login.html", 400, next=next, error=_LOGIN_FAILED, username="")
    target = f"user:{username}"
    held = pair_throttle(
        session=session,
        username=username,
        ip=ip,
        now=now,
        max_failures=settings.login_max_failures,
        window=window,
    )
    # Many names tried from this address: only names that signed in from it before go on.
    if (
        held is None
        and spraying(
            session=session, ip=ip, since=now - window, limit=settings.login_ip_max_failures
        )
        and not known_from(session=session, username=username, ip=ip, now=now)
    ):
        held = Throttle(ip, settings.login_ip_max_failures, now + window)
    if held is not None:
        audit(session, username or None, "login.throttled", target, request=request, at=now)
        error = _throttled_text(held.until, settings.timezone)
        return render(request, "login.html", 429, next=next, error=error, username=username)
    account = get_account(session=session, username=username) if username else None
    # An account locked from the password page (a borrowed session guessing) stays locked.
    usable = account is not None and account.active and not is_locked(account, now)
    ok, new_hash = verify_password(password, account.password_hash if usable and account else None)
    if not ok or account is None:
        detail: dict[str, Any] = {"reason": "password"}
        audit(session, username or None, "login.failed", target, detail, request, at=now)
        return render(request, "login.html", 400, next=next, error=_LOGIN_FAILED, username=username)
    if new_hash:
        account.password_hash = new_hash
    record_login_success(session=session, account=account, now=now)
    audit(session, account, "login.ok", f"user:{account.username}", request=request, at=now)
    # A fresh session on login: nothing set before it (fixation, an old CSRF token) survives.
    request.session.clear()
    assert account.id is not None
    sid = start_session(session=session, account_id=account.id, now=now)
    request.session.update({"uid": account.id, "stamp": session_stamp(account), "sid": sid})
    new_csrf_token(request)
    home = HOME_BY_ROLE.get(account.role, "/admin/faq")
    return RedirectResponse(_safe_next(next) or home, status_code=303)


@router.post("/logout")
def logout(request: Request, session: SessionDep) -> Response:
    """Sign out: the session ends on the server too, so a copy of the cookie stops working."""
    account = current_account(request, session)
    if account is not None:
        audit(session, account, "logout", f"user:{account.username}", request=request)
        end_session(session=session, sid=request.session.get("sid"), now=utcnow())
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


def install(app: FastAPI, settings: Settings) -> None:
    """Add the session middleware, the login routes and the auth error pages to `app`."""
    app.add_middleware(
        _SchemeAwareSessions,
        secret_key=settings.secret_key,
        max_age=settings.session_max_age_hours * 3600,
    )
    app.include_router(router)

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, _exc: LoginRequired) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": "sign in first"}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(RoleForbidden)
    async def _forbidden(request: Request, _exc: RoleForbidden) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": "your role may not use this"}, status_code=403)
        return render(
            request,
            "error.html",
            403,
            title="403",
            message="你的角色无权访问此页面。 / Your role may not open this page.",
        )

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> Response:
        # Staff pages get a page; everything else keeps the JSON shape of webhook.py.
        if _wants_json(request) or not request.url.path.startswith(("/admin", "/staff")):
            return JSONResponse({"detail": str(exc)}, status_code=404)
        return render(request, "error.html", 404, title="404", message=str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        # A mistyped address on the staff side gets a page with the navigation, not JSON.
        pages = request.url.path.startswith(("/admin", "/staff", "/account"))
        if exc.status_code == 404 and pages and not _wants_json(request):
            message = "没有这个页面 / There is no such page."
            return render(request, "error.html", 404, title="404", message=message)
        return await http_exception_handler(request, exc)

    @app.exception_handler(CsrfError)
    async def _csrf_failed(request: Request, exc: CsrfError) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": str(exc)}, status_code=403)
        message = "表单已过期，请返回并刷新页面后重试。 / The form expired: go back, reload the page and try again."
        return render(request, "error.html", 403, title="403", message=message)
