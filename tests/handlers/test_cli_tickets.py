"""`tmbot tickets list|show --json`: the contract scripts and checks rely on."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from bot.runtime import Runtime
from bot.settings import Settings
from handlers.cli import app
from tests.support.dialog import say

runner = CliRunner()


@pytest.fixture
def env(runtime: Runtime, cli_env: Settings) -> Runtime:
    return runtime


def test_list_and_show_json(env: Runtime) -> None:
    say(env.conversation, "续展要交多少钱", user="alice")
    say(env.conversation, "人工", user="alice")
    say(env.conversation, "补充：注册号 12345678", user="alice")
    say(env.conversation, "transfer to a human: my mark was copied", user="bob")
    say(env.conversation, "结束", user="alice")

    result = runner.invoke(app, ["tickets", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["number"] for r in rows] == ["T-2026-000002", "T-2026-000001"]
    assert set(rows[0]) == {"number", "status", "channel", "user", "created", "question"}
    assert rows[1] | {"created": None} == {
        "number": "T-2026-000001",
        "status": "closed",
        "channel": "test",
        "user": "alice",
        "created": None,
        "question": "续展要交多少钱",
    }
    assert rows[1]["created"].startswith("2026-11-25T")

    only_open = json.loads(
        runner.invoke(app, ["tickets", "list", "--status", "open", "--json"]).output
    )
    assert [r["user"] for r in only_open] == ["bob"]

    result = runner.invoke(app, ["tickets", "show", "t-2026-000001", "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    said = [(line["direction"], line["text"][:8]) for line in shown["transcript"]]
    assert said[0] == ("in", "续展要交多少钱") and ("in", "人工") in said
    assert ("in", "补充：注册号 1") in said and ("in", "结束") in said
    assert shown["status"] == "closed" and shown["reason"] == "asked"


def test_show_unknown_number_fails(env: Runtime) -> None:
    result = runner.invoke(app, ["tickets", "show", "T-2026-000404"])
    assert result.exit_code == 1 and "no ticket T-2026-000404" in result.output
