"""What the conversation core needs from outside, as Protocols."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from bot.core.messages import Reply

if TYPE_CHECKING:
    from bot.core.context import Context

__all__ = (
    "BookingStarts",
    "BookingSteps",
    "Clock",
    "FallbackSkill",
    "FixedClock",
    "HandoffRequests",
    "Outcome",
    "Skill",
    "Skills",
    "SystemClock",
    "ToolFollowUps",
)


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


class FallbackSkill(Protocol):
    """The last skill, which answers every message (the FAQ)."""

    name: str

    def handle(self, ctx: Context) -> Outcome: ...


# The router's entry points into skills beyond `handle`: each is registered explicitly with the
# skill registry (bot/core/skills.py), so the router holds typed references, not skill names.


class HandoffRequests(Protocol):
    """A person asked for in the user's own words (understanding's "handoff" intent)."""

    def request(self, ctx: Context) -> Outcome: ...


class BookingStarts(Protocol):
    """A booking asked for in the user's own words, with the topic understanding found."""

    def start_with(self, ctx: Context, topic: str | None) -> Outcome: ...

    def names_expert(self, ctx: Context) -> bool: ...


class BookingSteps(Protocol):
    """What the router needs of an active booking flow when typed text moves it."""

    def first_slot_at(
        self, ctx: Context, at: dt.time, day: dt.date | None = None
    ) -> str | None: ...

    def ask_again(self, ctx: Context) -> Reply | None: ...

    def other_expert(self, ctx: Context) -> str | None: ...


class ToolFollowUps(Protocol):
    """A message that changes the inputs of the last tool run ("3个类", "加上韩国")."""

    def is_follow_up(self, ctx: Context) -> bool: ...

    def follow_up(self, ctx: Context) -> Outcome | None: ...


class StepAsker(Protocol):
    """A flow that can ask its pending question again (after small talk typed at a step)."""

    def ask_again(self, ctx: Context) -> Reply | None: ...


class SmallTalk(Protocol):
    """Small talk read and answered for the router (inside a flow's step)."""

    def kind_of(self, text: str) -> str | None: ...

    def reply(self, ctx: Context, kind: str) -> Reply: ...


@dataclass
class Skills:
    """The skills in the order they are asked, and the extra entry points the router calls."""

    ordered: list[Skill]
    handoff_requests: HandoffRequests | None = None
    booking_starts: BookingStarts | None = None
    booking_steps: BookingSteps | None = None
    tool_follow_ups: ToolFollowUps | None = None
    small_talk: SmallTalk | None = None
    step_askers: dict[str, StepAsker] = field(default_factory=dict)  # flow name -> its asker

    def named(self, name: str) -> Skill | None:
        """The skill registered under `name`, if any."""
        return next((s for s in self.ordered if s.name == name), None)
