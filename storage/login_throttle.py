"""Sign-in throttling per (user name, address), read from the audit log that every worker shares.

Wrong passwords slow down the pair that typed them, with a delay that doubles after each further
failure (capped), so a stranger elsewhere cannot lock a colleague out. Failures from one address
across many names (password spraying) stop new names from that address, but names that signed
in from it before keep working: an office behind one address is not locked out together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.accounts import AuditLog

__all__ = ("Throttle", "active_throttles", "known_from", "pair_throttle", "spraying")

_KNOWN_DAYS = 30


@dataclass(frozen=True)
class Throttle:
    """An address held back from a user name until `until`."""

    ip: str
    failures: int
    until: dt.datetime


def _reset_point(session: Session, username: str, ip: str | None) -> dt.datetime | None:
    # Counting starts after the pair's last success or an admin's unlock of the account.
    target = f"user:{username}"
    ok = select(func.max(AuditLog.at)).where(
        AuditLog.target == target, AuditLog.action == "login.ok"
    )
    if ip is not None:
        ok = ok.where(AuditLog.ip == ip)
    unlock = select(func.max(AuditLog.at)).where(
        AuditLog.target == target, col(AuditLog.action).in_(["user.unlock", "user.passwd"])
    )
    points = [session.exec(ok).one(), session.exec(unlock).one()]
    found = [p for p in points if p is not None]
    return max(found) if found else None


def _delay(failures: int, max_failures: int, base: dt.timedelta, cap: dt.timedelta) -> dt.timedelta:
    return min(base * 2 ** (failures - max_failures), cap)


def pair_throttle(
    *,
    session: Session,
    username: str,
    ip: str,
    now: dt.datetime,
    max_failures: int,
    window: dt.timedelta,
    base: dt.timedelta = dt.timedelta(seconds=30),
) -> Throttle | None:
    """The throttle on (username, ip) at `now`, if any (failures within `window`)."""
    since = now - window
    reset = _reset_point(session, username, ip)
    if reset is not None and reset > since:
        since = reset
    query = select(func.count(), func.max(AuditLog.at)).where(
        AuditLog.action == "login.failed",
        AuditLog.target == f"user:{username}",
        AuditLog.ip == ip,
        col(AuditLog.at) > since,
    )
    failures, last = session.exec(query).one()
    if failures < max_failures or last is None:
        return None
    until = last + _delay(failures, max_failures, base, window)
    return Throttle(ip, failures, until) if until > now else None


def active_throttles(
    *, session: Session, username: str, now: dt.datetime, max_failures: int, window: dt.timedelta
) -> list[Throttle]:
    """Every address currently held back from `username` (for the admin's accounts page)."""
    ips = session.exec(
        select(AuditLog.ip)
        .where(
            AuditLog.action == "login.failed",
            AuditLog.target == f"user:{username}",
            col(AuditLog.at) > now - window,
        )
        .distinct()
    )
    found = [
        pair_throttle(
            session=session,
            username=username,
            ip=ip,
            now=now,
            max_failures=max_failures,
            window=window,
        )
        for ip in ips
    ]
    return [t for t in found if t is not None]


def known_from(*, session: Session, username: str, ip: str, now: dt.datetime) -> bool:
    """Whether `username` signed in from `ip` in the last 30 days."""
    query = select(func.count()).where(
        AuditLog.action == "login.ok",
        AuditLog.target == f"user:{username}",
        AuditLog.ip == ip,
        col(AuditLog.at) > now - dt.timedelta(days=_KNOWN_DAYS),
    )
    return int(session.exec(query).one()) > 0


def spraying(*, session: Session, ip: str, since: dt.datetime, limit: int) -> bool:
    """Whether `ip` has failed for `limit` or more times since `since` (any user names)."""
    query = select(func.count()).where(
        AuditLog.action == "login.failed", AuditLog.ip == ip, col(AuditLog.at) >= since
    )
    return int(session.exec(query).one()) >= limit
