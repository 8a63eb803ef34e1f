"""`tmbot renewal`, `tmbot fees ...`, `tmbot classes` and `tmbot ask --json` on a tool question."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.core.settings import Settings
from handlers.cli.app import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def env(cli_env: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMBOT_CHF_CNY_RATE", "8.5")
    monkeypatch.setenv("TMBOT_CHF_CNY_RATE_AS_OF", "2026-11-20")


def run_json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert isinstance(data, dict)
    return data


def test_renewal_from_registration_date() -> None:
    r = run_json("renewal", "2016-03-14", "--classes", "3", "--today", "2026-02-01")
    assert r["expiry"] == "2026-03-13" and r["phase"] == "renewal_window"
    assert r["fee"] == {**r["fee"], "online_total": 1350, "paper_total": 1500}  # 3×450, 3×500
    text = runner.invoke(app, ["renewal", "2016年3月14日", "--today", "2026-02-01", "--lang", "en"])
    assert text.exit_code == 0 and "expires on 2026-03-13" in text.output


def test_renewal_from_expiry_date_after_grace() -> None:
    r = run_json("renewal", "2025-03-13", "--expiry", "--today", "2026-11-25")
    assert r["input"] == "expiry_date" and r["phase"] == "lost" and r["fee"] is None


def test_renewal_refuses_to_guess_a_date() -> None:
    result = runner.invoke(app, ["renewal", "03/07/2016", "--lang", "en"])
    assert result.exit_code == 2 and "Which one do you mean" in result.output
    assert runner.invoke(app, ["renewal", "2016-03-07", "--today", "nope"]).exit_code == 2


def test_fees_national_items_per_class() -> None:
    r = run_json("fees", "national", "--items", "12", "--items", "5")
    assert r["items"] == [12, 5]
    assert r["total"] == 270 + 2 * 27 + 270 == 594  # online: 2 extra items in class 1
    r = run_json("fees", "national", "--items", "12", "--items", "5", "--paper")
    assert r["total"] == 300 + 2 * 30 + 300 == 660
    result = runner.invoke(app, ["fees", "national", "--classes", "2", "--lang", "en"])
    assert result.exit_code == 0 and "Total: 540 CNY" in result.output


def test_fees_renewal_late_on_paper() -> None:
    r = run_json("fees", "renewal", "--classes", "2", "--late", "--paper")
    assert r["late"] and r["channel"] == "paper" and r["total"] == 2 * (500 + 250) == 1500
    result = runner.invoke(app, ["fees", "renewal", "--classes", "2"])
    assert result.exit_code == 0 and "合计（网上）：900 元" in result.output


def test_fees_madrid_with_configured_and_given_rate() -> None:
    r = run_json("fees", "madrid", "US", "EU", "JP")
    assert r["total_chf"] == 653 + 530 + 897 + 300 == 2380
    assert (r["cny_rate"], r["rate_as_of"], r["total_cny"]) == (8.5, "2026-11-20", 20230.0)
    r = run_json("fees", "madrid", "美国", "欧盟", "--classes", "3", "--colour", "--rate", "8")
    assert r["total_chf"] == 903 + 1590 + 1116 and r["total_cny"] == 3609 * 8
    result = runner.invoke(app, ["fees", "madrid", "US", "--lang", "en"])
    assert result.exit_code == 0 and "rate as of 2026-11-20" in result.output


def test_fees_madrid_unknown_country_gives_no_total() -> None:
    r = run_json("fees", "madrid", "US", "Narnia")
    assert r["unknown"] == ["Narnia"] and not r["complete"]
    assert r["total_chf"] is None and r["total_cny"] is None
    text = runner.invoke(app, ["fees", "madrid", "US", "Narnia", "--lang", "en"]).output
    assert "Total:" not in text and "not a Madrid member we know of" in text


def test_classes_command() -> None:
    r = run_json("classes", "奶茶店")
    assert 43 in [s["class"] for s in r["suggestions"]]
    result = runner.invoke(app, ["classes", "mobile game app", "--lang", "en"])
    assert result.exit_code == 0 and "Class 9" in result.output


def test_ask_json_reports_a_tool_result() -> None:
    result = runner.invoke(app, ["ask", "--json", "registered 7 Mar 2016 when do I renew"])
    assert result.exit_code == 0, result.output
    row = json.loads(result.output)
    assert row["intent"] == "tool" and row["lang"] == "en"
    assert row["result"]["tool"] == "renewal" and row["result"]["expiry"] == "2026-03-06"
