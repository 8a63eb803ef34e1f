"""`tmbot user add|list|passwd|disable|enable`."""

from __future__ import annotations

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from bot.core.settings import Settings
from handlers.cli.app import app
from handlers.web.passwords import verify_password
from storage.accounts import get_account, list_audit
from storage.db import make_engine

runner = CliRunner()


@pytest.fixture
def env(cli_env: Settings) -> Settings:
    return cli_env


def _account(settings: Settings, name: str):
    engine = make_engine(settings.database_url)
    with Session(engine) as s:
        account = get_account(session=s, username=name)
        audit = [a.action for a in list_audit(session=s)]
    engine.dispose()
    return account, audit


def test_add_from_stdin_then_list(env: Settings) -> None:
    result = runner.invoke(
        app, ["user", "add", "root", "--role", "admin", "--password-stdin"], input="a long secret\n"
    )
    assert result.exit_code == 0, result.output
    account, audit = _account(env, "root")
    assert account is not None and account.role == "admin"
    assert account.password_hash.startswith("$argon2id$")
    assert verify_password("a long secret", account.password_hash)[0]
    assert audit == ["user.add"]
    listed = runner.invoke(app, ["user", "list"])
    assert "root\tadmin\tactive\tlast login never" in listed.output


def test_add_prompts_for_the_password_twice(env: Settings) -> None:
    result = runner.invoke(app, ["user", "add", "ann"], input="a long secret\na long secret\n")
    assert result.exit_code == 0, result.output
    assert _account(env, "ann")[0].role == "staff"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ["user", "add", "x", "--role", "boss", "--password-stdin"],
            "a long secret\n",
            "role must be one of",
        ),
        (["user", "add", "x", "--password-stdin"], "short\n", "at least 10"),
        (["user", "add", "x", "--password-stdin"], "x" * 201 + "\n", "at most 200"),
        (["user", "add", "a b", "--password-stdin"], "a long secret\n", "name must be 1-64"),
        (["user", "passwd", "ghost", "--password-stdin"], "a long secret\n", "no user"),
    ],
)
def test_bad_input_is_refused_clearly(
    env: Settings, args: list[str], stdin: str, message: str
) -> None:
    result = runner.invoke(app, args, input=stdin)
    assert result.exit_code == 1
    assert message in result.output


def test_duplicate_name_is_refused(env: Settings) -> None:
    args = ["user", "add", "root", "--password-stdin"]
    assert runner.invoke(app, args, input="a long secret\n").exit_code == 0
    again = runner.invoke(app, args, input="a long secret\n")
    assert again.exit_code == 1 and "already exists" in again.output


def test_passwd_disable_enable(env: Settings) -> None:
    runner.invoke(app, ["user", "add", "root", "--password-stdin"], input="a long secret\n")
    assert runner.invoke(app, ["user", "disable", "root"]).exit_code == 0
    assert _account(env, "root")[0].active is False
    assert runner.invoke(app, ["user", "enable", "root"]).exit_code == 0
    result = runner.invoke(
        app, ["user", "passwd", "root", "--password-stdin"], input="another secret\n"
    )
    assert result.exit_code == 0
    account, audit = _account(env, "root")
    assert account.active and verify_password("another secret", account.password_hash)[0]
    assert audit == ["user.passwd", "user.enable", "user.disable", "user.add"]


def test_the_last_enabled_admin_cannot_be_disabled(env: Settings) -> None:
    # The same guard as the admin pages (storage.accounts.set_active).
    add = ["user", "add", "root", "--role", "admin", "--password-stdin"]
    runner.invoke(app, add, input="a long secret\n")
    refused = runner.invoke(app, ["user", "disable", "root"])
    assert refused.exit_code == 1 and "last enabled admin" in refused.output
    assert _account(env, "root")[0].active is True
    add[2] = "second"
    runner.invoke(app, add, input="a long secret\n")
    assert runner.invoke(app, ["user", "disable", "root"]).exit_code == 0
    account, audit = _account(env, "root")
    assert account.active is False and audit[0] == "user.disable"
