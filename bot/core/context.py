"""The per-message context handed to skills: text, language, state, database, clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.core.messages import Inbound
from bot.core.texts import t
from storage.models import ConversationState

if TYPE_CHECKING:
    from bot.core.conversation import Conversation

__all__ = ("Context",)


@dataclass
class Context:
    """Everything a skill may read or change while handling one message."""

    inbound: Inbound
    text: str  # cleaned text (or the payload of a pressed choice)
    state: ConversationState
    session: Session
    now: dt.datetime  # UTC
    core: Conversation

    @property
    def lang(self) -> str:
        return self.state.lang

    @property
    def today(self) -> dt.date:
        """The date at the station (Asia/Shanghai by default)."""
        return self.now.astimezone(ZoneInfo(self.core.settings.timezone)).date()

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
