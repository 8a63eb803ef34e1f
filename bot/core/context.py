"""The per-message context handed to skills: text, language, state, database, services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.core.dialogue import Dialogue
from bot.core.messages import Inbound
from bot.core.texts import t
from storage.conversations import TurnState

if TYPE_CHECKING:
    from bot.core.services import Services
    from bot.core.understand import Interpretation

__all__ = ("Context",)


@dataclass
class Context:
    """Everything a skill may read or change while handling one message."""

    inbound: Inbound
    text: str  # cleaned text (or the payload of a pressed choice)
    state: TurnState
    session: Session
    now: dt.datetime  # UTC
    services: Services  # settings, index, clock ... never the conversation itself
    interp: Interpretation | None = None  # what understanding made of the message
    dialogue: Dialogue = field(default_factory=Dialogue)  # what the conversation is about
    # What a skill read once and reads again later in the same turn (the active experts):
    # shared by the copies a skill makes of the context (`dataclasses.replace`).
    memo: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def lang(self) -> str:
        return self.state.lang

    @property
    def today(self) -> dt.date:
        """The date at the station (Asia/Shanghai by default)."""
        return _local_date(self.now, self.services.settings.timezone)

    @property
    def data(self) -> dict[str, Any]:
        return self.state.data

    @property
    def flow(self) -> str | None:
        return self.state.data.get("flow")

    @flow.setter
    def flow(self, name: str | None) -> None:
        if name is None:
            self.state.data.pop("flow", None)
            self.state.data.pop("flow_data", None)
        else:
            self.state.data["flow"] = name

    @property
    def flow_data(self) -> dict[str, Any]:
        return self.state.data.setdefault("flow_data", {})

    def t(self, key: str, /, **values: Any) -> str:
        """A text in the user's language."""
        return t(key, self.lang, **values)


@lru_cache(maxsize=64)
def _local_date(now: dt.datetime, timezone: str) -> dt.date:
    # A turn asks for its date a few times a skill: once per turn (and zone) is enough.
    return now.astimezone(ZoneInfo(timezone)).date()
