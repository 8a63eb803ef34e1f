"""Staff accounts (admin, staff, expert) with login lockout, and the audit log of changes."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, get_args

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, Session, SQLModel, col, func, select

from bot.errors import TmbotError
from storage.models import utcnow

__all__ = (
    "ROLES",
    "AuditLog",
    "Role",
    "StaffAccount",
    "add_audit",
    "create_account",
    "get_account",
    "get_account_by_id",
    "list_accounts",
    "list_audit",
    "recent_failures_from_ip",
    "record_login_failure",
    "record_login_success",
)

Role = Literal["admin", "staff", "expert"]
ROLES: tuple[str, ...] = get_args(Role)


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


def create_account(
    *, session: Session, username: str, password_hash: str, role: str, display_name: str = ""
) -> StaffAccount:
    """A new active account; refuses an unknown role or a username already taken."""
    if role not in ROLES:
        raise TmbotError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if get_account(session=session, username=username) is not None:
        raise TmbotError(f"user {username!r} already exists")
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


def recent_failures_from_ip(*, session: Session, ip: str, since: dt.datetime) -> int:
    """Failed logins from `ip` since `since` (shared by every worker, unlike a memory counter)."""
    query = select(func.count()).where(
        AuditLog.action == "login.failed", AuditLog.ip == ip, col(AuditLog.at) >= since
    )
    return int(session.exec(query).one())
