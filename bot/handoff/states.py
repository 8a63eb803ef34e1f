"""The ticket state machine as a pure table (diagram: bot/handoff/ticket.mmd)."""

from __future__ import annotations

from enum import StrEnum

from storage.errors import InvalidTransition
from storage.tickets import TicketStatus

__all__ = ("TicketAction", "next_status")

S = TicketStatus


class TicketAction(StrEnum):
    """What can happen to a ticket."""

    CLAIM = "claim"  # a staff member takes it
    REPLY = "reply"  # a staff member writes to the user
    USER_WROTE = "user_wrote"  # the user adds a message
    RESOLVE = "resolve"  # staff finished, with a note
    CLOSE = "close"  # the user ends it, or the rating closes it
    REOPEN = "reopen"  # staff take a finished ticket up again
    EXPIRE = "expire"  # resolved, never rated: housekeeping closes it after N days


_MOVES: dict[TicketAction, dict[S, S]] = {
    TicketAction.CLAIM: {S.OPEN: S.CLAIMED},
    TicketAction.REPLY: {
        S.OPEN: S.WAITING_USER,
        S.CLAIMED: S.WAITING_USER,
        S.WAITING_USER: S.WAITING_USER,
    },
    TicketAction.USER_WROTE: {S.OPEN: S.OPEN, S.CLAIMED: S.CLAIMED, S.WAITING_USER: S.CLAIMED},
    TicketAction.RESOLVE: {S.OPEN: S.RESOLVED, S.CLAIMED: S.RESOLVED, S.WAITING_USER: S.RESOLVED},
    TicketAction.CLOSE: {
        S.OPEN: S.CLOSED,
        S.CLAIMED: S.CLOSED,
        S.WAITING_USER: S.CLOSED,
        S.RESOLVED: S.CLOSED,
    },
    TicketAction.REOPEN: {S.RESOLVED: S.CLAIMED, S.CLOSED: S.CLAIMED},
    # Only a resolved ticket expires: an active one is still someone's work.
    TicketAction.EXPIRE: {S.RESOLVED: S.CLOSED},
}


def next_status(status: str, action: TicketAction) -> TicketStatus:
    """The status after `action`, or InvalidTransition when the move is not allowed."""
    try:
        return _MOVES[action][TicketStatus(status)]
    except (KeyError, ValueError):
        raise InvalidTransition(f"cannot {action} a ticket that is {status}") from None
