"""The booking state machine: pure transitions, refused moves raise InvalidTransition."""

from __future__ import annotations

import pytest

from bot.booking.flow import FINAL, BookingState, advance, back, cancel, slot_lost, start
from storage.errors import InvalidTransition

S = BookingState


def test_happy_path_order() -> None:
    state, seen = start(), []
    while state not in FINAL:
        seen.append(state)
        state = advance(state)
    order = ["TOPIC", "EXPERT", "DAY", "SLOT", "COMPANY", "CONTACT", "PHONE", "QUESTION", "CONFIRM"]
    assert seen == [S[name] for name in order]
    assert state is S.DONE


def test_wechat_asks_for_notice_consent_and_back_returns_to_it() -> None:
    assert advance(S.QUESTION, wechat=True) is S.NOTICE
    assert advance(S.NOTICE, wechat=True) is S.CONFIRM
    assert back(S.CONFIRM, wechat=True) is S.NOTICE
    assert back(S.CONFIRM) is S.QUESTION


def test_back_walks_the_steps_and_leaves_from_the_first() -> None:
    state = S.CONFIRM
    trail = []
    while state not in FINAL:
        trail.append(state)
        state = back(state)
    assert trail[-1] is S.TOPIC and state is S.CANCELLED
    assert back(S.MOVE_SLOT) is S.MOVE_DAY and back(S.MOVE_DAY) is S.CANCELLED


def test_lost_slot_returns_to_slot_and_known_details_skip_ahead() -> None:
    assert slot_lost(S.CONFIRM) is S.SLOT and slot_lost(S.MOVE_CONFIRM) is S.MOVE_SLOT
    assert advance(S.SLOT, details_done=True) is S.CONFIRM
    with pytest.raises(InvalidTransition):
        slot_lost(S.PHONE)


def test_reschedule_and_cancel_modes() -> None:
    assert [start("move"), advance(S.MOVE_DAY), advance(S.MOVE_SLOT)] == [
        S.MOVE_DAY,
        S.MOVE_SLOT,
        S.MOVE_CONFIRM,
    ]
    assert advance(S.MOVE_CONFIRM) is S.DONE and advance(start("cancel")) is S.DONE
    with pytest.raises(InvalidTransition):
        start("teleport")


@pytest.mark.parametrize("final", sorted(FINAL))
def test_final_states_refuse_every_move(final: BookingState) -> None:
    for move in (advance, back, cancel):
        with pytest.raises(InvalidTransition):
            move(final)


def test_every_open_state_can_be_cancelled() -> None:
    for state in S:
        if state not in FINAL:
            assert cancel(state) is S.CANCELLED


def test_diagram_mentions_every_state() -> None:
    from pathlib import Path

    import bot.booking

    diagram = (Path(bot.booking.__file__).parent / "booking.mmd").read_text(encoding="utf-8")
    for state in S:
        assert state.name in diagram
