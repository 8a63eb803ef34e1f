"""The booking conversation as an explicit state machine (diagram: bot/booking/booking.mmd).

Transitions are pure functions of the current state; a move the machine does not allow
raises `InvalidTransition`. The skill (bot/booking/skill.py) stores the state name in
`ctx.flow_data["state"]`, so it lives in the database, not in any channel library.
"""

from __future__ import annotations

from enum import StrEnum

from storage.errors import InvalidTransition

__all__ = ("FINAL", "BookingState", "advance", "back", "cancel", "slot_lost", "start")


class BookingState(StrEnum):
    """Where a user is in booking, rescheduling or cancelling a consultation."""

    TOPIC = "topic"
    EXPERT = "expert"
    DAY = "day"
    SLOT = "slot"
    COMPANY = "company"
    CONTACT = "contact"
    PHONE = "phone"
    QUESTION = "question"
    NOTICE = "notice"  # WeChat only: consent to subscription-notice reminders
    CONFIRM = "confirm"
    MOVE_DAY = "move_day"  # reschedule an existing booking
    MOVE_SLOT = "move_slot"
    MOVE_CONFIRM = "move_confirm"
    CANCEL_CONFIRM = "cancel_confirm"  # cancel an existing booking
    DONE = "done"
    CANCELLED = "cancelled"


S = BookingState
FINAL = frozenset({S.DONE, S.CANCELLED})
_NEXT = {
    S.TOPIC: S.EXPERT,
    S.EXPERT: S.DAY,
    S.DAY: S.SLOT,
    S.SLOT: S.COMPANY,
    S.COMPANY: S.CONTACT,
    S.CONTACT: S.PHONE,
    S.PHONE: S.QUESTION,
    S.QUESTION: S.CONFIRM,
    S.NOTICE: S.CONFIRM,
    S.CONFIRM: S.DONE,
    S.MOVE_DAY: S.MOVE_SLOT,
    S.MOVE_SLOT: S.MOVE_CONFIRM,
    S.MOVE_CONFIRM: S.DONE,
    S.CANCEL_CONFIRM: S.DONE,
}
_BACK = {
    S.TOPIC: S.CANCELLED,
    S.EXPERT: S.TOPIC,
    S.DAY: S.EXPERT,
    S.SLOT: S.DAY,
    S.COMPANY: S.SLOT,
    S.CONTACT: S.COMPANY,
    S.PHONE: S.CONTACT,
    S.QUESTION: S.PHONE,
    S.NOTICE: S.QUESTION,
    S.CONFIRM: S.QUESTION,
    S.MOVE_DAY: S.CANCELLED,
    S.MOVE_SLOT: S.MOVE_DAY,
    S.MOVE_CONFIRM: S.MOVE_SLOT,
    S.CANCEL_CONFIRM: S.CANCELLED,
}


def _check(state: BookingState, action: str) -> None:
    if state in FINAL:
        raise InvalidTransition(f"booking: cannot {action} from the final state {state}")


def start(mode: str = "book") -> BookingState:
    """The first state: booking, rescheduling ('move') or cancelling ('cancel')."""
    states = {"book": S.TOPIC, "move": S.MOVE_DAY, "cancel": S.CANCEL_CONFIRM}
    if mode not in states:
        raise InvalidTransition(f"booking: unknown mode {mode!r}")
    return states[mode]


def advance(
    state: BookingState, *, wechat: bool = False, details_done: bool = False
) -> BookingState:
    """The next state after valid input.

    `wechat`: ask for subscription-notice consent before the summary. `details_done`: the
    contact details are already known (a new slot after losing one), go straight to CONFIRM.
    """
    _check(state, "advance")
    if state is S.SLOT and details_done:
        return S.CONFIRM
    if state is S.QUESTION and wechat:
        return S.NOTICE
    return _NEXT[state]


def back(state: BookingState, *, wechat: bool = False) -> BookingState:
    """One step back; from the first step the flow is left (CANCELLED)."""
    _check(state, "go back")
    if state is S.CONFIRM and wechat:
        return S.NOTICE
    return _BACK[state]


def cancel(state: BookingState) -> BookingState:
    """Leave the flow from any open state."""
    _check(state, "cancel")
    return S.CANCELLED


def slot_lost(state: BookingState) -> BookingState:
    """The chosen slot was taken at confirmation: choose another one."""
    lost = {S.CONFIRM: S.SLOT, S.MOVE_CONFIRM: S.MOVE_SLOT}
    if state not in lost:
        raise InvalidTransition(f"booking: no slot is being confirmed in state {state}")
    return lost[state]
