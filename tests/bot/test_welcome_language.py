"""The welcome in the user's language (issue 22, finding 10): English when the channel gives no
language and the text is English, both languages when there is nothing to tell by."""

from __future__ import annotations

from bot.core.messages import Inbound
from bot.core.runtime import Runtime


def _welcome(runtime: Runtime, text: str, locale: str | None, user: str) -> str:
    inbound = Inbound(channel="telegram", user_ref=user, text=text, locale=locale)
    return runtime.conversation.handle(inbound)[0].text


def test_start_without_a_language_is_bilingual(runtime: Runtime) -> None:
    text = _welcome(runtime, "/start", None, "u-none")
    assert "您好！我是" in text and "Hello! I am the assistant" in text


def test_english_text_without_a_language_gets_english(runtime: Runtime) -> None:
    text = _welcome(runtime, "hello", None, "u-en")
    assert text.startswith("Hello! I am the assistant") and "您好" not in text


def test_a_language_from_the_channel_is_used(runtime: Runtime) -> None:
    assert "Hello!" not in _welcome(runtime, "/start", "zh", "u-zh")
    assert "您好" not in _welcome(runtime, "/start", "en", "u-en2")
