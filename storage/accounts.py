"""Staff accounts (admin, staff, expert) with login lockout, and the audit log of changes."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, get_args

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, Session, SQLModel, col, select

from storage.errors import TmbotError
from storage.models import utcnow

__all__ = (
    "ROLES",
    "AuditLog",
    "Role",
    "StaffAccount",
    "add_audit",
    "check_role",
    "check_username",
    "create_account",
    "get_account",
    "get_account_by_id",
    "is_locked",
    "list_accounts",
    "list_audit",
    "record_login_failure",
    "record_login_success",
    "set_active",
    "set_password_hash",
    "set_role",
    "unlock",
)

Role = Literal["admin", "staff", "expert"]
ROLES: tuple[str, ...] = get_args(Role)
USERNAME_MAX = 64


class StaffAccount(SQLModel, table=True):
    """A person who signs in to the staff and admin pages."""

    __tablename__ = "staff_account"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True, index=True)
    display_name: str = Field(default="", max_length=120)
    role: str = Field(max_length=10)  # admin | staff | expert
    password_hash: str = Field(max_length=255)
    active: bool = True
    failed_logins: int = 0  # failures in a row; reset by a successful login
    locked_until: dt.datetime | None = None
    last_login_at: dt.datetime | None = None
    created_at: dt.datetime = Field(default_factory=utcnow)

    @property
    def label(self) -> str:
        """The name shown in pages and logs."""
        return self.display_name or self.username


class AuditLog(SQLModel, table=True):
    """Who changed what, when and from where."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_target", "target"),)
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=64)  # username, or "anonymous" / "cli"
    action: str = Field(max_length=60, index=True)  # e.g. login.failed, faq.save, faq.rollback
    target: str = Field(default="", max_length=200)  # e.g. faq:renewal-fee, user:alice
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    ip: str = Field(default="", max_length=64)


def check_username(username: str) -> None:
    """Refuse a login name that is empty, too long or holds other than letters, digits, . _ -."""
    if (
        not username
        or len(username) > USERNAME_MAX
        or not all(c.isalnum() or c in "._-" for c in username)
    ):
        raise TmbotError(
            f"用户名须为 1-{USERNAME_MAX} 个字母、数字、'.'、'_' 或 '-'。 / "
            f"The name must be 1-{USERNAME_MAX} letters, digits, '.', '_' or '-'."
        )


def check_role(role: str) -> None:
    """Refuse a role other than admin, staff, expert."""
    if role not in ROLES:
        raise TmbotError(
            f"角色须为 {', '.join(ROLES)} 之一。 / The role must be one of {', '.join(ROLES)}, "
            f"not {role!r}."
        )


def create_account(
    *, session: Session, username: str, password_hash: str, role: str, display_name: str = ""
) -> StaffAccount:
    """A new active account; refuses a bad name, an unknown role or a username already taken."""
    check_username(username)
    check_role(role)
    if get_account(session=session, username=username) is not None:
        raise TmbotError(f"用户 {username!r} 已存在。 / User {username!r} already exists.")
    account = StaffAccount(
        username=username, display_name=display_name, role=role, password_hash=password_hash
    )
    session.add(account)
    session.flush()
    return account


def get_account(*, session: Session, username: str) -> StaffAccount | None:
    """The account with this username (exact match)."""
    return session.exec(select(StaffAccount).where(StaffAccount.username == username)).first()


def get_account_by_id(*, session: Session, account_id: int) -> StaffAccount | None:
    """The account with this id."""
    return session.get(StaffAccount, account_id)


def list_accounts(*, session: Session) -> list[StaffAccount]:
    """Every account, by username."""
    return list(session.exec(select(StaffAccount).order_by(col(StaffAccount.username))))


def record_login_failure(
    *,
    session: Session,
    account: StaffAccount,
    now: dt.datetime,
    max_failures: int,
    lockout: dt.timedelta,
) -> bool:
    """Count one failed password; returns True when this failure locks the account."""
    account.failed_logins += 1
    locked = account.failed_logins >= max_failures
    if locked:
        account.locked_until = now + lockout
        account.failed_logins = 0  # after the lockout the user gets a fresh set of tries
    session.add(account)
    return locked


def record_login_success(*, session: Session, account: StaffAccount, now: dt.datetime) -> None:
    """Reset the failure count and note the login time."""
    account.failed_logins = 0
    account.locked_until = None
    account.last_login_at = now
    session.add(account)


def is_locked(account: StaffAccount, now: dt.datetime) -> bool:
    """Whether repeated failures keep the account from signing in at `now`."""
    return account.locked_until is not None and account.locked_until > now


def _keep_an_admin(session: Session, account: StaffAccount, by: StaffAccount | None) -> None:
    # Nobody could open the admin pages any more (only the CLI would get them back), and an
    # admin who locks themself out cannot undo it: another admin has to do such a change.
    if by is not None and by.id == account.id:
        raise TmbotError(
            "不能停用自己的账号或取消自己的管理员角色，请让另一位管理员操作。 / "
            "You cannot disable your own account or take away your own admin role: "
            "ask another admin."
        )
    if account.role != "admin" or not account.active:
        return
    # FOR UPDATE (PostgreSQL; SQLite writes one at a time anyway): two admins disabling each
    # other at once must not both see the other one still enabled.
    others = select(StaffAccount.id).where(
        StaffAccount.role == "admin",
        col(StaffAccount.active).is_(True),
        StaffAccount.id != account.id,
    )
    if not session.exec(others.with_for_update()).first():
        raise TmbotError(
            f"{account.username} 是最后一位启用的管理员，不能停用或降级。 / "
            f"{account.username} is the last enabled admin: it cannot be disabled or demoted."
        )


def set_active(
    *, session: Session, account: StaffAccount, active: bool, by: StaffAccount | None = None
) -> None:
    """Disable (sessions end, no sign-in) or re-enable an account; re-enabling clears the lockout.

    Refuses to disable the last enabled admin, or `by`'s own account.
    """
    if not active:
        _keep_an_admin(session, account, by)
    account.active = active
    if active:
        account.failed_logins, account.locked_until = 0, None
    session.add(account)


def set_role(
    *, session: Session, account: StaffAccount, role: str, by: StaffAccount | None = None
) -> None:
    """Change the role; refuses to demote the last enabled admin, or `by` themself."""
    check_role(role)
    if role != "admin" and account.role == "admin":
        _keep_an_admin(session, account, by)
    account.role = role
    session.add(account)


def set_password_hash(*, session: Session, account: StaffAccount, password_hash: str) -> None:
    """Store a new password hash (the session stamp changes, so open sessions end) and unlock."""
    account.password_hash = password_hash
    account.failed_logins, account.locked_until = 0, None
    session.add(account)


def unlock(*, session: Session, account: StaffAccount) -> None:
    """Lift a lockout and forget the failures counted so far."""
    account.failed_logins, account.locked_until = 0, None
    session.add(account)


def add_audit(
    *,
    session: Session,
    actor: str,
    action: str,
    target: str = "",
    detail: dict[str, Any] | None = None,
    ip: str = "",
    at: dt.datetime | None = None,
) -> AuditLog:
    """Append one line to the audit log (in the caller's transaction)."""
    row = AuditLog(
        actor=actor[:64],
        action=action[:60],
        target=target[:200],
        detail=detail or {},
        ip=ip[:64],
        at=at or utcnow(),
    )
    session.add(row)
    return row


def list_audit(
    *,
    session: Session,
    limit: int = 200,
    target: str | None = None,
    actor: str | None = None,
    action_prefix: str | None = None,
) -> list[AuditLog]:
    """The newest audit lines, optionally for one target, actor or kind of action."""
    query = select(AuditLog).order_by(col(AuditLog.id).desc()).limit(limit)
    if target:
        query = query.where(AuditLog.target == target)
    if actor:
        query = query.where(AuditLog.actor == actor)
    if action_prefix:
        query = query.where(col(AuditLog.action).startswith(action_prefix))
    return list(session.exec(query))
