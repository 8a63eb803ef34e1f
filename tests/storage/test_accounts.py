"""storage.accounts: the rules every account change obeys (CLI and admin pages alike)."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from bot.core.runtime import Runtime
from storage.accounts import (
    StaffAccount,
    create_account,
    set_active,
    set_password_hash,
    set_role,
    unlock,
)
from storage.errors import TmbotError
from storage.models import utcnow


def _make(session: Session, name: str, role: str) -> StaffAccount:
    return create_account(session=session, username=name, password_hash="h", role=role)


@pytest.mark.parametrize("name", ["", "a b", "x" * 65, "a/b", "名字 x"])
def test_bad_names_are_refused(runtime: Runtime, name: str) -> None:
    with Session(runtime.engine) as s, pytest.raises(TmbotError, match="name must be"):
        _make(s, name, "staff")


def test_chinese_letters_are_a_valid_name(runtime: Runtime) -> None:
    with Session(runtime.engine) as s:
        assert _make(s, "王明", "staff").username == "王明"


def test_the_last_enabled_admin_stays(runtime: Runtime) -> None:
    with Session(runtime.engine) as s:
        root = _make(s, "root", "admin")
        other = _make(s, "other", "admin")
        set_active(session=s, account=other, active=False)
        with pytest.raises(TmbotError, match="last enabled admin"):
            set_active(session=s, account=root, active=False)
        with pytest.raises(TmbotError, match="last enabled admin"):
            set_role(session=s, account=root, role="staff")
        assert root.active and root.role == "admin"
        # A disabled admin does not count, but may itself be demoted.
        set_role(session=s, account=other, role="staff")
        set_role(session=s, account=root, role="admin")  # not a demotion


def test_nobody_disables_or_demotes_themself(runtime: Runtime) -> None:
    with Session(runtime.engine) as s:
        root = _make(s, "root", "admin")
        _make(s, "other", "admin")
        with pytest.raises(TmbotError, match="your own account"):
            set_active(session=s, account=root, active=False, by=root)
        with pytest.raises(TmbotError, match="your own account"):
            set_role(session=s, account=root, role="expert", by=root)
        set_active(session=s, account=root, active=False)  # the CLI (no actor) may


def test_enable_new_password_and_unlock_clear_the_lockout(runtime: Runtime) -> None:
    with Session(runtime.engine) as s:
        wang = _make(s, "wang", "staff")
        for change in (
            lambda: set_active(session=s, account=wang, active=True),
            lambda: set_password_hash(session=s, account=wang, password_hash="new"),
            lambda: unlock(session=s, account=wang),
        ):
            wang.failed_logins, wang.locked_until = 3, utcnow()
            change()
            assert (wang.failed_logins, wang.locked_until) == (0, None)
        assert wang.password_hash == "new"
