"""`tmbot ask --json` contract and the corpus export/import round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.core.settings import Settings
from handlers.cli.app import app
from knowledge.loader import load_corpus

runner = CliRunner()


@pytest.fixture
def env(cli_env: Settings) -> Settings:
    return cli_env


def test_ask_json_contract(env: Settings) -> None:
    result = runner.invoke(
        app, ["ask", "--json"], input="续展费用多少\n\nwhat's the weather in Paris\n"
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert len(rows) == 2
    first, second = rows
    assert set(first) >= {
        "question",
        "lang",
        "faq_id",
        "topic",
        "score",
        "intent",
        "answer",
        "suggestions",
    }
    assert first["faq_id"] == "renewal-fee" and first["intent"] == "faq" and first["lang"] == "zh"
    assert 0 <= first["score"] <= 100 and "450" in first["answer"]
    assert second["faq_id"] is None and second["intent"] == "unknown" and second["lang"] == "en"


def test_ask_single_question_plain(env: Settings) -> None:
    result = runner.invoke(app, ["ask", "renewal fee"])
    assert result.exit_code == 0 and "CNY 450" in result.output


def test_corpus_export_import_round_trip(env: Settings, tmp_path: Path) -> None:
    out = tmp_path / "export"
    assert runner.invoke(app, ["corpus", "export", str(out)]).exit_code == 0
    original = {e.id: e for e in load_corpus(env.corpus_dir)}
    exported = {e.id: e for e in load_corpus(out)}
    assert exported == original
    # Import of an unchanged export changes nothing; an edited one records a revision.
    result = runner.invoke(app, ["corpus", "import", str(out)])
    assert "0 new or changed" in result.output
    path = out / "renewal.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("450元", "451元"), encoding="utf-8")
    result = runner.invoke(app, ["corpus", "import", str(out)])
    assert "1 new or changed" in result.output, result.output
    assert "451元" in runner.invoke(app, ["ask", "续展费用多少"]).output


def test_import_refuses_a_broken_file(env: Settings, tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("entries:\n  - id: Bad Id\n", encoding="utf-8")
    result = runner.invoke(app, ["corpus", "import", str(tmp_path)])
    assert result.exit_code == 1 and "bad.yaml" in result.output


def test_ask_json_user_continues_one_conversation(env: Settings) -> None:
    # With --user every line is the next message of one conversation: "1" picks a topic.
    result = runner.invoke(app, ["ask", "--json", "--user", "ann"], input="预约专家\n1\n")
    assert result.exit_code == 0, result.output
    started, chosen = (json.loads(line) for line in result.output.splitlines())
    assert started["intent"] == "booking" and chosen["intent"] == "booking"
    assert "请选择专家" in chosen["answer"]
    # Without --user each line is a fresh conversation: a bare "1" is no booking step.
    result = runner.invoke(app, ["ask", "--json"], input="预约专家\n1\n")
    fresh = [json.loads(line) for line in result.output.splitlines()][1]
    assert fresh["intent"] != "booking" and "请选择专家" not in fresh["answer"]


def test_chat_and_ask_share_the_users_conversation(env: Settings) -> None:
    result = runner.invoke(app, ["chat", "--user", "bob"], input="预约专家\n")
    assert result.exit_code == 0 and "请选择咨询主题" in result.output
    # `tmbot ask --user bob` continues the booking that `tmbot chat --user bob` started.
    result = runner.invoke(app, ["ask", "--json", "--user", "bob"], input="取消\n")
    row = json.loads(result.output)
    assert row["intent"] == "booking" and "已退出预约" in row["answer"]
    # Another user has no booking to cancel.
    other = json.loads(
        runner.invoke(app, ["ask", "--json", "--user", "eve"], input="取消\n").output
    )
    assert "已退出预约" not in other["answer"]


def test_ask_json_two_questions_in_one_line(env: Settings) -> None:
    # Two questions in one message: still one JSON object per line, the first answer's entry,
    # the whole reply text (both answers).
    result = runner.invoke(
        app, ["ask", "--json"], input="续展一个类多少钱？最早什么时候能续？\n续展费用多少\n"
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert len(rows) == 2
    assert rows[0]["faq_id"] == "renewal-fee" and "450" in rows[0]["answer"]
    assert "12个月" in rows[0]["answer"]
    assert rows[1]["faq_id"] == "renewal-fee"
