"""`tmbot user ...`: staff accounts for the admin and staff pages."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from sqlmodel import Session

from bot.core.settings import get_settings
from handlers.web.password_rules import new_password_hash
from storage.accounts import (
    ROLES,
    StaffAccount,
    add_audit,
    check_role,
    check_username,
    create_account,
    get_account,
    list_accounts,
    set_active,
    set_password_hash,
)
from storage.errors import TmbotError

__all__ = ("app",)

app = typer.Typer(help="Staff accounts: add, list, passwd, disable, enable.", no_args_is_help=True)


@contextmanager
def _session() -> Iterator[Session]:
    from bot.core.runtime import prepare_database
    from storage.db import make_engine, session_scope

    settings = get_settings()
    engine = make_engine(settings.database_url)
    prepare_database(settings, engine)
    try:
        with session_scope(engine) as session:
            yield session
    finally:
        engine.dispose()


@contextmanager
def _refused() -> Iterator[None]:
    # The rules live in storage.accounts and handlers.web.password_rules (the admin pages apply
    # the same ones); here a refusal becomes a message and exit status 1.
    try:
        yield
    except TmbotError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc


def _read_password_hash(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password 密码", hide_input=True, confirmation_prompt=True)
    with _refused():
        return new_password_hash(password)


def _account(session: Session, name: str) -> StaffAccount:
    account = get_account(session=session, username=name)
    if account is None:
        typer.echo(f"error: no user {name!r} (see `tmbot user list`)", err=True)
        raise typer.Exit(1)
    return account


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Login name (letters, digits, . _ -).")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}.")] = "staff",
    display_name: Annotated[str, typer.Option(help="Name shown in pages.")] = "",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from the first stdin line.")
    ] = False,
) -> None:
    """Create an account (the first one: `tmbot user add NAME --role admin`)."""
    with _refused():  # before asking for a password that would be thrown away
        check_role(role)
        check_username(name)
    password_hash = _read_password_hash(password_stdin)
    with _session() as session, _refused():
        create_account(
            session=session,
            username=name,
            password_hash=password_hash,
            role=role,
            display_name=display_name,
        )
        add_audit(
            session=session,
            actor="cli",
            action="user.add",
            target=f"user:{name}",
            detail={"role": role},
        )
    typer.echo(f"created {role} {name}")


@app.command("list")
def list_() -> None:
    """Show every account with its role and state."""
    with _session() as session:
        for a in list_accounts(session=session):
            state = "active" if a.active else "disabled"
            if a.locked_until is not None:
                state += f", locked until {a.locked_until:%Y-%m-%d %H:%M} UTC"
            last = f"{a.last_login_at:%Y-%m-%d %H:%M}" if a.last_login_at else "never"
            typer.echo(f"{a.username}\t{a.role}\t{state}\tlast login {last}\t{a.display_name}")


@app.command("passwd")
def passwd(
    name: str,
    password_stdin: Annotated[bool, typer.Option("--password-stdin")] = False,
) -> None:
    """Set a new password (ends the account's open sessions) and unlock the account."""
    password_hash = _read_password_hash(password_stdin)
    with _session() as session:
        account = _account(session, name)
        set_password_hash(session=session, account=account, password_hash=password_hash)
        add_audit(session=session, actor="cli", action="user.passwd", target=f"user:{name}")
    typer.echo(f"password of {name} changed")


@app.command("disable")
def disable(name: str) -> None:
    """Deactivate an account (it can no longer sign in; open sessions end); not the last admin."""
    _set_active(name, False)


@app.command("enable")
def enable(name: str) -> None:
    """Re-activate an account and clear its lockout."""
    _set_active(name, True)


def _set_active(name: str, active: bool) -> None:
    with _session() as session, _refused():
        account = _account(session, name)
        set_active(session=session, account=account, active=active)
        action = "user.enable" if active else "user.disable"
        add_audit(session=session, actor="cli", action=action, target=f"user:{name}")
    typer.echo(f"{name} {'enabled' if active else 'disabled'}")
