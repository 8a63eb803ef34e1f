"""The dialogue context: what the conversation is about, kept between turns and aged out.

Like a Dialogflow output context it lives a few turns or about twenty minutes; after that an
elliptical follow-up ("那收费呢") has nothing to lean on and is read on its own. It is stored in
the conversation state (`state.data["dialogue"]`), so it lives in the database like the flows.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from typing import Any

from storage.datetime_text import iso_text

__all__ = ("MAX_AGE", "MAX_TURNS", "Dialogue")

MAX_TURNS = 5  # turns after which the last subject and tool are forgotten
MAX_AGE = dt.timedelta(minutes=20)


@dataclass
class Dialogue:
    """The last answered subject / facet / entry, the last tool and its inputs."""

    turn: int = 0
    subject: str | None = None  # e.g. "renewal", "assignment", "madrid"
    facet: str | None = None  # e.g. "fee", "time", "documents"
    faq_id: str | None = None
    subject_turn: int = 0
    tool: dict[str, Any] | None = None  # {"tool": name, inputs ...}
    tool_turn: int = 0
    at: str | None = None  # ISO time of the last turn
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, data: dict[str, Any], now: dt.datetime) -> Dialogue:
        """The stored context, with everything too old dropped; the turn counter moves on."""
        raw = data.get("dialogue") or {}
        known = {k: v for k, v in raw.items() if k in cls.__dataclass_fields__}
        d = cls(**known)
        if d.at and now - dt.datetime.fromisoformat(d.at) > MAX_AGE:
            d = cls(turn=d.turn)
        d.turn += 1
        if d.turn - d.subject_turn > MAX_TURNS:
            d.subject = d.facet = d.faq_id = None
        if d.turn - d.tool_turn > MAX_TURNS:
            d.tool = None
        d.at = iso_text(now)
        return d

    def save(self, data: dict[str, Any]) -> None:
        """Store it back into the conversation state: `asdict(self)`, made field by field (the
        values are JSON's: `asdict`'s generic walk cost a few per cent of a turn)."""
        data["dialogue"] = {name: _plain(getattr(self, name)) for name in _FIELDS}

    def answered(self, subject: str | None, facet: str | None, faq_id: str | None) -> None:
        """An FAQ entry was answered: its subject is what follow-ups refer to."""
        self.subject, self.facet, self.faq_id = subject, facet, faq_id
        self.subject_turn = self.turn

    def used_tool(self, inputs: dict[str, Any]) -> None:
        """A tool computed something: follow-ups may change its inputs."""
        self.tool = inputs
        self.tool_turn = self.turn

    def forget_tool(self) -> None:
        self.tool = None


_FIELDS = tuple(f.name for f in fields(Dialogue))
_ATOMS = (str, int, float, bool, type(None))


def _plain(value: Any) -> Any:
    """What `dataclasses.asdict` makes of a field's value: dicts, lists and tuples copied,
    recursively; atoms as they are; anything else as `asdict` does (a dataclass as a dict, else
    a deep copy)."""
    kind = type(value)
    if kind in _ATOMS:
        return value
    if kind is dict:
        return {_plain(k): _plain(v) for k, v in value.items()}
    if kind is list:
        return [_plain(v) for v in value]
    if kind is tuple:
        return tuple(_plain(v) for v in value)
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return copy.deepcopy(value)
