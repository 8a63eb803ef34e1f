"""What the conversation core needs from outside, as Protocols."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from bot.core.messages import Reply

if TYPE_CHECKING:
    from bot.core.context import Context

__all__ = ("Clock", "FixedClock", "Outcome", "Skill", "SystemClock")


class Clock(Protocol):
    """Tells the time; tests pass a FixedClock."""

    def now(self) -> dt.datetime: ...


class SystemClock:
    """The real clock, in UTC."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


@dataclass
class FixedClock:
    """A clock stuck at `at` (timezone-aware)."""

    at: dt.datetime

    def now(self) -> dt.datetime:
        return self.at


@dataclass
class Outcome:
    """What a skill made of one message: the replies plus facts for logs and `tmbot ask --json`."""

    replies: list[Reply]
    intent: (
        str  # faq | suggest | unknown | tool | booking | handoff | smalltalk | feedback | command
    )
    outcome: str = "answered"  # answered | suggested | unknown | handled | ...
    faq_id: str | None = None
    topic: str | None = None
    score: float = 0.0
    suggestions: list[dict[str, Any]] = field(default_factory=list)
    result: dict[str, Any] | None = None
    lang: str = "zh"  # the user's language after this turn (set by the core)
    log: bool = True  # False for turns that are not questions (button presses, feedback)


class Skill(Protocol):
    """One capability of the core (FAQ, tools, booking, handoff ...).

    `handle` returns None when the message is not for this skill. A skill that owns a
    multi-step flow sets `ctx.flow = name` and gets the next message first.
    """

    name: str

    def handle(self, ctx: Context) -> Outcome | None: ...
