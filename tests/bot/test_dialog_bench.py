"""The dialogue benchmark's runner and marking rule, and the shape of the dialogue set.

Accuracy targets live in the benchmark (python -m benchmarks.dialogs), not here: this runs the
runner on a 3-conversation sample and checks the labelled files parse and cover what issue 21
asks for.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from benchmarks.dialog_spec import KINDS, Got, Turn, check_turn, load_dialogs
from benchmarks.dialogs import PARTS, main, run_file
from bot.core.settings import BUNDLED_CORPUS
from knowledge.loader import load_corpus

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "dialogs_sample.yaml"


def test_runner_marks_a_sample_through_the_real_core() -> None:
    report = run_file(SAMPLE)
    f = report.figures()
    assert (f["conversations"], f["turns"]) == (3, 6)
    # The one label that is wrong on purpose is the one miss, and it says what came back.
    assert [(m.conversation, m.number) for m in report.misses] == [("sample-faq", 2)]
    assert report.misses[0].problems == ["entry renewal-fee, expected madrid-basic-fee"]
    assert (f["turns_right"], f["conversations_right"]) == (5, 2)
    assert f["by_kind"]["typed_choice"] == {
        "turns": 3,
        "turns_right": 3,
        "conversations": 1,
        "conversations_right": 1,
    }
    assert f["cpu_ms_per_turn"] > 0 and f["wall_p99_ms"] >= f["wall_p50_ms"] > 0


def test_cli_prints_figures_and_details(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--file", str(SAMPLE), "--details"]) == 0
    out = capsys.readouterr().out
    assert "turns right         5/6 (0.833)" in out
    assert "conversations right 2/3 (0.667)" in out
    assert "- sample-faq #2 '续展费用多少'" in out and "CPU per turn" in out


def test_marking_rule() -> None:
    faq = Turn(say="q", intent="faq", faq=("renewal-fee",))
    assert check_turn(faq, Got(intent="faq", faq_id="renewal-fee")) == []
    assert check_turn(faq, Got(intent="suggest", suggestions=["renewal-fee"])) != []
    lenient = Turn(say="q", intent="faq", faq=("renewal-fee",), suggest_ok=True)
    assert check_turn(lenient, Got(intent="suggest", suggestions=["renewal-fee"])) == []
    # A typed choice counts as the flow's own intent, but only if the next step is shown.
    choice = Turn(say="周三", intent="choice", has=("10:30",))
    assert check_turn(choice, Got(intent="booking", answer="时段：10:30-11:15")) == []
    assert check_turn(choice, Got(intent="booking", answer="请从选项中选择")) != []
    assert check_turn(choice, Got(intent="faq", answer="10:30")) != []
    cancel = Turn(say="不约了", intent="cancel")
    assert check_turn(cancel, Got(intent="booking", outcome="cancelled")) == []
    assert check_turn(cancel, Got(intent="booking", outcome="hint")) != []
    tool = Turn(
        say="3个类",
        intent="tool",
        tools=("renewal", "fee_renewal"),
        figures={"fee.online_total|total": 1350},
    )
    assert check_turn(tool, Got(intent="tool", result={"tool": "fee_renewal", "total": 1350})) == []
    renewal = {"tool": "renewal", "fee": {"online_total": 1350}}
    assert check_turn(tool, Got(intent="tool", result=renewal)) == []
    wrong = check_turn(tool, Got(intent="tool", result={"tool": "fee_national", "total": 810}))
    assert wrong == [
        "tool fee_national, expected renewal|fee_renewal",
        "fee.online_total|total=810, expected 1350",
    ]
    parties = Turn(
        say="x", intent="tool", figures={"parties": ["US", "JP"], "classes_include": [43]}
    )
    result = {"parties": ["JP", "US"], "suggestions": [{"class": 43}, {"class": 30}]}
    assert check_turn(parties, Got(intent="tool", result=result)) == []
    both = Turn(say="x", intent="unknown", has=(("a", "b"),), lacks=("c",))
    assert check_turn(both, Got(intent="refuse", answer="B")) == []
    assert check_turn(both, Got(intent="unknown", answer="b c")) == ["shows 'c'"]
    # A faq turn whose question a computation answers just as well: that tool counts too,
    # what it must show still applies; another tool or an unknown does not.
    fee = Turn(say="x", intent="faq", faq=("renewal-fee",), tool_ok=("renewal",), has=("450",))
    computed = {"tool": "renewal", "fee": {"online_total": 450}}
    assert check_turn(fee, Got(intent="tool", result=computed, answer="合计 450 元")) == []
    assert check_turn(fee, Got(intent="tool", result=computed, answer="合计")) != []
    other = {"tool": "fee_national", "total": 450}
    assert check_turn(fee, Got(intent="tool", result=other, answer="450")) != []
    assert check_turn(fee, Got(intent="faq", faq_id="renewal-fee", answer="450")) == []


def test_loader_rejects_bad_labels(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "conversations:\n  - {id: x, kind: facet_followup, lang: zh,"
        " turns: [{say: q, intent: faq, faq: no-such-entry}]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="unknown FAQ ids"):
        load_dialogs(bad, {"renewal-fee"})
    bad.write_text(
        "conversations:\n  - {id: x, kind: typed_choice, lang: zh,"
        " turns: [{say: '1', intent: choice}]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="needs `has`"):
        load_dialogs(bad)


def test_loader_takes_tool_ok_only_on_a_faq_turn(tmp_path: Path) -> None:
    path = tmp_path / "labels.yaml"
    for intent, extra in (("faq", "faq: renewal-fee"), ("tool", "tool: renewal")):
        turn = f"{{say: q, intent: {intent}, {extra}, tool_ok: fee_renewal}}"
        path.write_text(
            f"conversations:\n  - {{id: x, kind: tool_followup, lang: zh, turns: [{turn}]}}\n",
            encoding="utf-8",
        )
        if intent == "faq":
            assert load_dialogs(path)[0].turns[0].tool_ok == ("fee_renewal",)
        else:
            with pytest.raises(ValueError, match="`tool_ok` goes with intent faq"):
                load_dialogs(path)


def test_dialogue_set_covers_the_issue() -> None:
    known = {e.id for e in load_corpus(BUNDLED_CORPUS)}
    parts = {name: load_dialogs(path, known) for name, path in PARTS.items()}
    convs = [c for part in parts.values() for c in part]
    turns = [t for c in convs for t in c.turns]
    assert len(convs) >= 120 and len(turns) >= 350
    # Roughly a fifth held out (the held-out file is never edited after a look at its results,
    # so the share falls as the tuned part grows: 45 facet dialogues were added to the tuned
    # part for issue 21b; two blind batches of 25 joined the held-out part in round 6); mostly
    # Chinese (session 9's batches for foreign companies' staff brought English to about two
    # fifths); every failure kind in both parts.
    assert 0.15 <= len(parts["heldout"]) / len(convs) <= 0.25
    langs = Counter(c.lang for c in convs)
    assert 0.55 <= langs["zh"] / len(convs) <= 0.75
    for part in parts.values():
        assert {c.kind for c in part} == set(KINDS)
    assert len({c.id for c in convs}) == len(convs)
