"""Opposition against a publication from 2027-01-01: safe 2-month date and old 3-month date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from knowledge.tools._data import ToolDataError
from knowledge.tools.periods import DEFAULT_PERIODS_FILE, OppositionRule, opposition_rule
from knowledge.tools.procedural import opposition_deadline

D = dt.date


def test_the_bundled_rule_is_unconfirmed() -> None:
    assert opposition_rule() == OppositionRule(D(2027, 1, 1), None, "")


def test_before_the_revised_law_one_three_month_date() -> None:
    r = opposition_deadline(D(2026, 12, 31), today=D(2026, 12, 31))
    assert r.old_rule_end is None and r.end.nominal == D(2027, 3, 31)


def test_from_2027_both_dates_labelled() -> None:
    r = opposition_deadline(D(2027, 1, 8), today=D(2027, 1, 10))
    assert r.end.due == D(2027, 3, 8)  # safe: 2 months (2025 draft)
    assert r.old_rule_end is not None and r.old_rule_end.due == D(2027, 4, 8)  # 3 months
    zh, en = r.explain("zh"), r.explain("en")
    assert "稳妥期限 2027-03-08" in zh and "旧法规定的期限 2027-04-08（3个月）" in zh
    assert "safe date: 2027-03-08" in en and "statutory date under the old rule: 2027-04-08" in en
    assert "尚未在新法正式文本中确认异议期" in zh


def test_a_confirmed_rule_in_data_gives_one_date() -> None:
    three = OppositionRule(D(2027, 1, 1), 3, "第X条（示例）")
    r = opposition_deadline(D(2027, 1, 8), today=D(2027, 1, 10), rule=three)
    assert r.old_rule_end is None and r.end.due == D(2027, 4, 8)
    assert "第X条（示例）" in r.explain("zh") and "稳妥" not in r.explain("zh")
    two = OppositionRule(D(2027, 1, 1), 2, "Art. X (example)")
    assert opposition_deadline(D(2027, 1, 8), today=D(2027, 1, 10), rule=two).end.due == D(
        2027, 3, 8
    )


def test_a_confirmation_needs_its_source(tmp_path: Path) -> None:
    text = DEFAULT_PERIODS_FILE.read_text(encoding="utf-8")
    bad = tmp_path / "periods.yaml"
    bad.write_text(
        text.replace("opposition_confirmed_months: null", "opposition_confirmed_months: 2")
    )
    with pytest.raises(ToolDataError, match="source"):
        opposition_rule(bad)
    ok = tmp_path / "ok.yaml"
    ok.write_text(
        text.replace("opposition_confirmed_months: null", "opposition_confirmed_months: 2").replace(
            "opposition_confirmed_source: null", "opposition_confirmed_source: Art. 35"
        )
    )
    assert opposition_rule(ok).confirmed_months == 2
