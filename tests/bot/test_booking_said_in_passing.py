"""Two things a clerk says on the way through a booking.

- A part of the day with nothing free ("周三上午" where only the afternoon is open): said so
  before the other part's times are shown (before, the afternoon's times were listed under a
  plain "可预约的时段" as if they were the morning asked for).
- One's own name at the company step ("我叫王芳，电话138…", "my name is Li Wei, ..."): the
  contact person, with the company still asked and the contact not asked again (before, the
  name was taken as the company's).
"""

from __future__ import annotations

import pytest
from sqlmodel import Session

from bot.core.runtime import Runtime
from tests.support.booking import add_expert, choice, joined
from tests.support.dialog import say


def _to_day_step(runtime: Runtime, user: str, lang: str) -> None:
    with Session(runtime.engine) as session:
        # Wednesday and Thursday afternoons
        expert_id = add_expert(session, name=f"下午专家-{user}").id
    conv = runtime.conversation
    say(conv, "预约专家" if lang == "zh" else "book an expert", user=user)
    say(conv, "book:topic:renewal", user=user)
    say(conv, f"book:expert:{expert_id}", user=user)


@pytest.mark.parametrize(
    ("lang", "text", "said"),
    [
        ("zh", "周三上午", "上午没有可预约的时段，当天下午可约"),
        ("en", "wednesday morning", "in the morning; free that afternoon"),
    ],
)
def test_a_part_of_the_day_with_nothing_free_is_said(
    runtime: Runtime, lang: str, text: str, said: str
) -> None:
    _to_day_step(runtime, f"part-{lang}", lang)
    replies = say(runtime.conversation, text, user=f"part-{lang}")
    assert said in joined(replies)
    assert choice(replies, "book:slot:")  # the afternoon's times are still offered


def test_a_part_of_the_day_that_is_free_is_plain(runtime: Runtime) -> None:
    _to_day_step(runtime, "part-pm", "zh")
    replies = say(runtime.conversation, "周三下午", user="part-pm")
    assert "可预约的时段" in joined(replies) and "没有" not in joined(replies)


@pytest.mark.parametrize(
    ("lang", "line", "noted", "company", "next_prompt"),
    [
        ("zh", "我叫王芳，电话13800138000", "联系人 王芳", "宁波海川电器", "一句话"),
        ("en", "my name is Li Wei, 13800138000", "contact Li Wei", "Brightway Trading", "one line"),
    ],
)
def test_ones_own_name_at_the_company_step_is_the_contact(
    runtime: Runtime, lang: str, line: str, noted: str, company: str, next_prompt: str
) -> None:
    user = f"name-{lang}"
    _to_day_step(runtime, user, lang)
    conv = runtime.conversation
    replies = say(conv, "周三下午" if lang == "zh" else "wednesday afternoon", user=user)
    say(conv, choice(replies, "book:slot:"), user=user)
    replies = say(conv, line, user=user)
    assert noted in joined(replies)
    assert ("企业名称" if lang == "zh" else "company") in replies[-1].text
    replies = say(conv, company, user=user)
    assert next_prompt in joined(replies).lower()


def _booked(runtime: Runtime, user: str, lang: str) -> None:
    _to_day_step(runtime, user, lang)
    conv = runtime.conversation
    replies = say(conv, "周三下午" if lang == "zh" else "wednesday afternoon", user=user)
    say(conv, choice(replies, "book:slot:"), user=user)
    say(conv, "某某科技有限公司, 张三, 13812345678", user=user)
    say(conv, "续展要准备什么" if lang == "zh" else "renewal documents", user=user)
    assert "B-" in joined(say(conv, "book:confirm", user=user))


@pytest.mark.parametrize(
    ("lang", "text", "said"),
    [
        ("en", "can I move it to thursday?", "Free slots on"),
        ("zh", "能改到周四吗", "可预约的时段"),
        ("zh", "能推迟到周五吗", "周五没有可预约的时段"),
        ("en", "could we push it to friday", "There is no free time on"),
    ],
)
def test_a_booking_moved_to_a_day_named(runtime: Runtime, lang: str, text: str, said: str) -> None:
    """After booking, a move to a named day goes to that day's times (or says it has none);
    before, "can I move it to friday?" was not understood at all."""
    user = f"move-{text}"
    _booked(runtime, user, lang)
    replies = say(runtime.conversation, text, user=user)
    assert ("改约 B-" if lang == "zh" else "Reschedule B-") in joined(replies)
    assert said in joined(replies)
