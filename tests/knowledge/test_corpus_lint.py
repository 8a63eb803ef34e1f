"""`tmbot corpus check`: the bundled corpus passes; every planted problem is found."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.core.settings import BUNDLED_CORPUS, get_settings
from handlers.cli.app import app
from knowledge.lint import BUNDLED_TOPICS, Finding, LintConfig, lint_corpus, load_topic_ids

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
BROKEN = FIXTURES / "corpus_lint"
TOPICS = FIXTURES / "corpus_lint-topics.yaml"
TODAY = dt.date(2026, 11, 25)
runner = CliRunner()


def _lint(directory: Path, **kw: object) -> list[Finding]:
    return lint_corpus(directory, LintConfig(today=TODAY, topic_files=[TOPICS], **kw))  # type: ignore[arg-type]


def _has(findings: list[Finding], level: str, path: str, entry: str | None, *words: str) -> bool:
    return any(
        f.level == level
        and f.path == path
        and f.entry == entry
        and all(w in f.message for w in words)
        for f in findings
    )


def test_bundled_corpus_passes() -> None:
    findings = lint_corpus(BUNDLED_CORPUS, LintConfig(today=TODAY))
    assert [f for f in findings if f.level == "error"] == []


def test_bundled_topic_copy_matches_the_shared_list() -> None:
    shared = BUNDLED_CORPUS.parent.parent.parent / "shared" / "faq-topics.yaml"
    if not shared.exists():
        pytest.skip("../shared/faq-topics.yaml is not beside the repository")
    assert load_topic_ids(BUNDLED_TOPICS) == load_topic_ids(shared)


def test_every_planted_problem_is_reported() -> None:
    f = _lint(BROKEN)
    assert _has(f, "error", "broken.yaml", "missing-en", "missing language", "question.en")
    assert _has(f, "error", "broken.yaml", "few-alternates", "2 alternates in zh")
    assert _has(f, "error", "broken.yaml", "good-base", "nearly duplicates", "near-dup")
    assert _has(f, "error", "broken.yaml", "fee-no-source", "answer.zh", "300元", "sources")
    assert _has(f, "error", "broken.yaml", "fee-no-source", "answer.en", "CNY 300", "as_of")
    assert _has(f, "warning", "broken.yaml", "stale", "2024-01-01", "365 days")
    assert _has(f, "error", "broken.yaml", "overlap-a", "t-two", "overlap", "overlap-b")
    assert _has(f, "error", "broken.yaml", "long-answer", "answer.zh", "1250", "too long")
    assert _has(f, "error", "broken.yaml", "bad-related", "no-such-entry")
    assert _has(f, "error", TOPICS.name, "t-five", "not covered")
    assert _has(f, "error", "dup.yaml", "good-base", "already used in broken.yaml")
    assert _has(f, "error", "not-yaml.yaml", None, "not valid YAML")
    # Dated siblings repeat each other's phrasings and never overlap: nothing to report.
    assert not [x for x in f if x.entry in {"sib-old", "sib-new"}]
    assert not _has(f, "error", "broken.yaml", "good-base", "related")


def test_limits_are_configurable() -> None:
    f = _lint(BROKEN, max_age_days=5000, max_answer_zh=2000, min_alternates=2)
    limited = {"stale", "long-answer", "few-alternates"}
    assert not [x for x in f if x.entry in limited and "topic list" not in x.message]


def test_an_absent_topic_list_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    shutil.copy(BUNDLED_CORPUS / "renewal.yaml", tmp_path / "renewal.yaml")
    missing = tmp_path / "nowhere" / "faq-topics.yaml"
    findings = lint_corpus(tmp_path, LintConfig(today=TODAY, topic_files=[missing]))
    assert _has(findings, "warning", str(missing), None, "not found")
    assert not [x for x in findings if "topic" in x.message and x.level == "error"]


@pytest.fixture
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TMBOT_CORPUS_MAX_AGE_DAYS", raising=False)
    get_settings.cache_clear()


def test_cli_exit_codes(no_env: None) -> None:
    ok = runner.invoke(app, ["corpus", "check", str(BUNDLED_CORPUS), "--today", "2026-11-25"])
    assert ok.exit_code == 0, ok.output
    assert "0 error(s)" in ok.output
    args = ["corpus", "check", str(BROKEN), "--topics", str(TOPICS), "--today", "2026-11-25"]
    bad = runner.invoke(app, args)
    assert bad.exit_code == 1
    assert (
        "broken.yaml: bad-related: error: related id 'no-such-entry' does not exist" in bad.output
    )
    assert "broken.yaml: stale: warning:" in bad.output
