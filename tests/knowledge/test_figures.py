"""One source for every figure: answers render fees and periods from the tables; the check."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from typer.testing import CliRunner

from bot.core.settings import BUNDLED_CORPUS
from handlers.cli.app import app
from knowledge.figures import affected_entries, render_answer
from knowledge.lint import LintConfig, lint_corpus
from knowledge.loader import load_corpus
from knowledge.tools.fees import DEFAULT_FEES_FILE, load_fee_table

runner = CliRunner()


def test_placeholders_render_in_both_languages() -> None:
    text = "{{fee:renewal.online*2+renewal_late.online*2}} / {{madrid:basic_fee_bw*0.5}} / {{period:opposition}}"
    assert render_answer(text, "zh") == "1350 / 326.50 / 3个月"
    assert render_answer(text, "en") == "1,350 / 326.50 / 3 months"
    assert render_answer("{{fee:nothing.online}}", "zh") == "{{fee:nothing.online}}"


def test_a_fee_change_is_one_edit(tmp_path: Path) -> None:
    edited = tmp_path / "fees.yaml"
    text = DEFAULT_FEES_FILE.read_text(encoding="utf-8")
    edited.write_text(
        text.replace(
            "      paper: 500\n      online: 450\n      unit: per_class\n      unit_verified: false\n      status: V2\n    renewal_late:",
            "      paper: 500\n      online: 460\n      unit: per_class\n      unit_verified: false\n      status: V2\n    renewal_late:",
        ),
        encoding="utf-8",
    )
    table = load_fee_table(edited)
    assert table.item("renewal").online == 460
    entry = {e.id: e for e in load_corpus(BUNDLED_CORPUS)}["renewal-fee"]
    assert "每类460元" in render_answer(entry.answer.zh, "zh", fees=table)
    assert "1380" in render_answer(entry.answer.zh, "zh", fees=table)  # 3 classes, derived
    assert "每类450元" in render_answer(entry.answer.zh, "zh")


def test_affected_answers_of_a_table_row() -> None:
    entries = load_corpus(BUNDLED_CORPUS)
    renewal = affected_entries(entries, "fee:renewal")
    assert {"renewal-fee", "renewal-late-fee", "renewal-how-to"} <= set(renewal)
    assert affected_entries(entries, "period:opposition") == ["opposition-period"]
    assert "opposition-how" in affected_entries(entries, "fee:opposition")
    result = runner.invoke(
        app, ["corpus", "check", str(BUNDLED_CORPUS), "--affected", "fee:renewal"]
    )
    assert result.exit_code == 0, result.output
    assert (
        "fee:renewal: 4 answer(s) render it: " in result.output and "renewal-fee" in result.output
    )


def _planted(tmp_path: Path, old: str, new: str) -> list[str]:
    folder = tmp_path / "corpus"
    shutil.copytree(BUNDLED_CORPUS, folder)
    for path in folder.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        if old in text:
            path.write_text(text.replace(old, new, 1), encoding="utf-8")
            break
    else:
        raise AssertionError(old)
    findings = lint_corpus(folder, LintConfig(today=dt.date(2026, 12, 4)))
    return [f"{f.entry}: {f.message}" for f in findings if f.level == "error"]


def test_check_fails_on_a_hand_written_fee_that_disagrees(tmp_path: Path) -> None:
    errors = _planted(
        tmp_path,
        "续展官费按类别收取：网上申请每类{{fee:renewal.online}}元",
        "续展官费按类别收取：网上申请每类460元",
    )
    assert any("renewal-fee" in e and "'460元'" in e and "DISAGREES" in e for e in errors)


def test_check_flags_a_hand_written_fee_that_agrees(tmp_path: Path) -> None:
    errors = _planted(
        tmp_path,
        "续展官费按类别收取：网上申请每类{{fee:renewal.online}}元",
        "续展官费按类别收取：网上申请每类450元",
    )
    assert any("renewal-fee" in e and "agrees with a row" in e for e in errors)


def test_check_fails_on_a_period_that_disagrees_and_unknown_placeholders(tmp_path: Path) -> None:
    errors = _planted(tmp_path, "异议期为{{period:opposition}}", "异议期为2个月")
    assert any(
        "opposition-period" in e and "period table says opposition = 3个月" in e for e in errors
    )
    errors = _planted(tmp_path / "b", "{{fee:renewal.online}}", "{{fee:renewal.onlien}}")
    assert any("unknown placeholder {{fee:renewal.onlien}}" in e for e in errors)


def test_fines_and_damages_are_not_fees() -> None:
    findings = lint_corpus(BUNDLED_CORPUS, LintConfig(today=dt.date(2026, 12, 4)))
    assert [f for f in findings if f.level == "error"] == []
