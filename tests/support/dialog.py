"""Run a scripted dialog against the conversation core."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.conversation import Conversation
from bot.core.messages import Inbound, Reply
from bot.core.ports import Outcome
from bot.core.settings import BUNDLED_CORPUS, Settings


def dialogue_settings(url: str) -> Settings:
    """The settings of the dialogue tests (tests/bot/test_dialogues.py): the bundled corpus and
    the demo experts on the database at `url`."""
    return Settings(
        database_url=url, corpus_dir=BUNDLED_CORPUS, run_worker=False, booking_demo_experts=True
    )


def say(
    conv: Conversation,
    text: str,
    *,
    user: str = "u1",
    channel: str = "test",
    delivery_id: str | None = None,
) -> list[Reply]:
    """Send one message as `user` and return tmbot's replies."""
    return conv.handle(Inbound(channel=channel, user_ref=user, text=text, delivery_id=delivery_id))


def assert_dialog(
    conv: Conversation, turns: Sequence[tuple[str, str]], *, user: str = "u1"
) -> None:
    """Each (message, expected substring) pair: the joined replies must contain the substring."""
    for text, expected in turns:
        replies = say(conv, text, user=user)
        joined = "\n".join(r.text for r in replies)
        assert expected in joined, f"after {text!r} expected {expected!r} in:\n{joined}"


def after(conv: Conversation, first: str, then: str, *, user: str = "after") -> Outcome:
    """What tmbot made of `then`, said right after `first` (which must be answered, not refused)."""
    opening = conv.handle_turn(Inbound(channel="test", user_ref=user, text=first))
    assert opening.intent in ("faq", "tool"), f"{first!r} was not answered: {opening.intent}"
    return conv.handle_turn(Inbound(channel="test", user_ref=user, text=then))


def turn(conv: Conversation, text: str, *, user: str = "u1") -> Outcome:
    """What tmbot made of one message of `user`'s conversation."""
    return conv.handle_turn(Inbound(channel="test", user_ref=user, text=text))
