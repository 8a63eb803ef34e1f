"""What a skill may use besides the message itself: the narrow services of the conversation.

A skill never holds the Conversation or another skill; it gets settings, the FAQ index, the
clock, a transaction of its own and one port back into the router.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from sqlmodel import Session

if TYPE_CHECKING:
    from bot.core.context import Context
    from bot.core.ports import Clock, Outcome
    from bot.core.settings import Settings
    from bot.faq.corpus import IndexProvider

__all__ = ("AnswerWithOthers", "Services", "Transaction")

# A transaction outside the turn's own, committed on its own (e.g. an erasure after the turn).
Transaction = Callable[[], AbstractContextManager[Session]]


class AnswerWithOthers(Protocol):
    """Answer this message with the other skills, in registration order, except `skip` and the
    active flow; None when none of them takes it. The router provides it."""

    def __call__(self, ctx: Context, *, skip: tuple[str, ...] = ()) -> Outcome | None: ...


@dataclass(frozen=True)
class Services:
    """Handed to every skill with each message (`ctx.services`)."""

    settings: Settings
    index: IndexProvider  # the FAQ index: `index.get(ctx.session)`
    clock: Clock
    transaction: Transaction
    answer_with_others: AnswerWithOthers
