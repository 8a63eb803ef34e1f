"""`tmbot privacy sweep|purge|export|erase`: retention on demand and a formal request."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime
from bot.core.settings import Settings
from handlers.cli import privacy as cli_privacy
from handlers.cli.app import app
from storage.accounts import AuditLog
from storage.models import ChatMessage
from tests.support.dialog import say

runner = CliRunner()


@pytest.fixture
def env(runtime: Runtime, cli_env: Settings) -> Runtime:
    return runtime


def test_sweep_dry_run_then_for_real(env: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    say(env.conversation, "续展要交多少钱", user="alice")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=400)  # the rows are 400 days old then
    monkeypatch.setattr(cli_privacy, "clock", FixedClock(later))
    dry = runner.invoke(app, ["privacy", "sweep", "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    counts = json.loads(dry.output)
    assert set(counts) == {
        "transcripts",
        "question_logs",
        "deliveries",
        "closed_tickets",
        "cancelled_bookings",
    }
    assert counts["transcripts"] == 3 and counts["question_logs"] == 1  # 2 lines + the state
    with Session(env.engine) as session:
        assert len(session.exec(select(ChatMessage)).all()) == 2
    done = runner.invoke(app, ["privacy", "purge", "--json"])
    assert json.loads(done.output) == counts
    with Session(env.engine) as session:
        assert session.exec(select(ChatMessage)).all() == []
    text = runner.invoke(app, ["privacy", "sweep"]).output
    assert "transcripts" in text and "removed or anonymised" in text


def test_export_and_erase_one_user(env: Runtime) -> None:
    say(env.conversation, "人工", user="alice", channel="wechat")
    say(env.conversation, "商标被抢注", user="alice", channel="wechat")
    say(env.conversation, "电话13812345678", user="alice", channel="wechat")
    say(env.conversation, "同意", user="alice", channel="wechat")
    result = runner.invoke(app, ["privacy", "export", "--user", "wechat:alice", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["tables"]["ticket"][0]["contact"] == "13812345678"
    assert (
        "chat_message" in runner.invoke(app, ["privacy", "export", "--user", "wechat:alice"]).output
    )
    assert runner.invoke(app, ["privacy", "export", "--user", "alice"]).exit_code == 2
    erased = runner.invoke(app, ["privacy", "erase", "--user", "wechat:alice", "--yes"])
    assert erased.exit_code == 0, erased.output
    assert json.loads(erased.output)["ticket"] == 1
    after = json.loads(
        runner.invoke(app, ["privacy", "export", "--user", "wechat:alice", "--json"]).output
    )
    assert after["tables"] == {}
    with Session(env.engine) as session:
        [row] = session.exec(select(AuditLog).where(AuditLog.action == "privacy.erase"))
    assert row.actor == "cli" and "alice" not in row.target
