"""The held-out set parses and labels only known topics.

Deliberately no accuracy threshold here: a test that fails when held-out accuracy drops would
invite tuning the corpus or the thresholds to these questions, and they would stop being held
out. Its figures are measured and recorded instead (docs/benchmarks.md, "Held-out set").
"""

from __future__ import annotations

from pathlib import Path

import yaml

from knowledge.lint import BUNDLED_TOPICS, load_topic_ids

DATA = Path(__file__).resolve().parent.parent / "data"
HELDOUT = DATA / "heldout.yaml"


def questions(path: Path) -> list[dict[str, str | None]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]


def test_heldout_parses_in_the_dev_set_format() -> None:
    items = questions(HELDOUT)
    assert len(items) >= 100
    for item in items:
        assert set(item) == {"q", "lang", "topic"}, item
        assert isinstance(item["q"], str) and item["q"].strip(), item
        assert item["lang"] in {"zh", "en"}, item
        assert item["topic"] is None or isinstance(item["topic"], str), item
    assert sum(item["topic"] is None for item in items) >= 20  # refusal is measured too


def test_heldout_topics_exist() -> None:
    known = set(load_topic_ids(BUNDLED_TOPICS))
    unknown = {item["topic"] for item in questions(HELDOUT)} - known - {None}
    assert not unknown


def test_heldout_questions_are_distinct_and_not_in_the_dev_set() -> None:
    held = [str(item["q"]) for item in questions(HELDOUT)]
    dev = {str(item["q"]) for item in questions(DATA / "devset.yaml")}
    assert len(set(held)) == len(held)
    assert not set(held) & dev
