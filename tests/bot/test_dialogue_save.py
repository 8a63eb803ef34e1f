"""`Dialogue.save` stores what `dataclasses.asdict` made of the dialogue: equal values, and
containers that are copies (a later change to the dialogue does not reach the stored state)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from bot.core.dialogue import Dialogue


@dataclass
class _Point:
    x: int
    tags: list[str]


def _dialogues() -> list[Dialogue]:
    return [
        Dialogue(),
        Dialogue(turn=3, subject="renewal", facet="fee", faq_id="renewal-fee", subject_turn=2),
        Dialogue(
            turn=7,
            tool={"tool": "renewal", "date": "2020-01-01", "classes": [1, 2], "ok": True},
            tool_turn=6,
            at="2026-01-01T00:00:00+00:00",
            extra={"mark_phase": "grace", "nested": {"a": [1, {"b": None}], "t": (1, 2.5)}},
        ),
        Dialogue(
            extra={"when": dt.date(2026, 1, 2), "point": _Point(1, ["a"]), "in": (_Point(2, []),)}
        ),
    ]


def test_save_stores_what_asdict_made() -> None:
    for dialogue in _dialogues():
        data: dict[str, object] = {}
        dialogue.save(data)
        assert data["dialogue"] == asdict(dialogue)


def test_the_stored_containers_are_copies() -> None:
    dialogue = Dialogue(tool={"tool": "renewal", "classes": [1]}, extra={"k": {"v": [1]}})
    data: dict[str, object] = {}
    dialogue.save(data)
    assert dialogue.tool is not None
    dialogue.tool["classes"].append(2)
    dialogue.extra["k"]["v"].append(2)
    assert data["dialogue"]["tool"]["classes"] == [1]  # type: ignore[index]
    assert data["dialogue"]["extra"]["k"]["v"] == [1]  # type: ignore[index]
