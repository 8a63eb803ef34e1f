"""`tmbot tickets list|show|sweep`: the contract scripts, checks and cron rely on."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import Result
from sqlmodel import Session
from typer.testing import CliRunner

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime
from bot.core.settings import Settings
from bot.handoff import helpdesk
from handlers.cli import tickets as cli_tickets
from handlers.cli.app import app
from storage.tickets import get_ticket
from tests.support.dialog import say
from tests.support.handoff import outbox_rows

runner = CliRunner()


@pytest.fixture
def env(runtime: Runtime, cli_env: Settings) -> Runtime:
    return runtime


def test_list_and_show_json(env: Runtime) -> None:
    say(env.conversation, "续展要交多少钱", user="alice")
    # The answer did not help: the question goes to staff.
    say(env.conversation, "没用", user="alice")
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


def test_sweep_alerts_once_and_closes_unrated(
    env: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMBOT_WECOM_WEBHOOK_URL", "https://qyapi.example/send?key=k")
    say(env.conversation, "转人工，商标被抢注了", user="alice")  # 10:00, due 12:00
    say(env.conversation, "transfer to a human: my mark was copied", user="bob")
    t0 = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)
    with Session(env.engine) as session:
        bob = get_ticket(session=session, number="T-2026-000002")
        assert bob is not None
        helpdesk.resolve(session=session, ticket=bob, staff="wang", note="done", now=t0)
        session.commit()

    def sweep_at(at: dt.datetime, *args: str) -> Result:
        monkeypatch.setattr(cli_tickets, "clock", FixedClock(at))
        return runner.invoke(app, ["tickets", "sweep", *args])

    result = sweep_at(t0 + dt.timedelta(hours=2), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"alerted": [], "closed": [], "failed": []}
    late = t0 + dt.timedelta(hours=2, minutes=1)
    assert json.loads(sweep_at(late, "--json").output)["alerted"] == ["T-2026-000001"]
    assert json.loads(sweep_at(late, "--json").output)["alerted"] == []  # once
    [wecom] = outbox_rows(env, "wecom")  # the new tickets predate the robot setting
    assert wecom.payload["event"] == "sla_breach" and "T-2026-000001" in wecom.payload["text"]

    shown = json.loads(runner.invoke(app, ["tickets", "show", "T-2026-000001", "--json"]).output)
    assert shown["sla_alerted_at"] == late.isoformat() and shown["close_reason"] is None
    text = runner.invoke(app, ["tickets", "show", "T-2026-000001"]).output
    assert f"SLA breached, staff alerted at {late.isoformat()}" in text

    result = sweep_at(t0 + dt.timedelta(days=7))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["SLA alerts sent: 0", "closed unrated: 1 T-2026-000002"]
    shown = json.loads(runner.invoke(app, ["tickets", "show", "T-2026-000002", "--json"]).output)
    assert shown["status"] == "closed" and shown["close_reason"] == "auto_unrated"
    assert "(auto_unrated)" in runner.invoke(app, ["tickets", "show", "T-2026-000002"]).output
