"""Typed dates and times, cancel words, booking and handoff asked for in one's own words, small
talk (issue 21, round 6), as whole conversations plus one table of the date and time reader.

The same runtime and fixtures as tests/bot/test_dialogues.py: the bundled corpus, the demo
experts, a database of its own per test, the clock at Monday 2026-12-07 10:00 in Shanghai.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.choices import read_day, read_time
from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.bot.test_dialogues import Chat, _text

rt, chat = dialogues.rt, dialogues.chat

_MONDAY = dt.date(2026, 12, 7)


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("十号", "2026-12-10"),
        ("12月十号", "2026-12-10"),
        ("十二月十号", "2026-12-10"),
        ("十一号吧", "2026-12-11"),
        ("三天后", "2026-12-10"),
        ("两天以后", "2026-12-09"),
        ("4天之后", "2026-12-11"),
        ("12-10", "2026-12-10"),
        ("12.10号", "2026-12-10"),
        ("in 3 days", "2026-12-10"),
        ("in two days", "2026-12-09"),
        ("下个星期三", "2026-12-16"),
        ("Dec 11", "2026-12-11"),
    ],
)
def test_a_day_typed_at_the_day_step(typed: str, day: str) -> None:
    assert read_day(typed, _MONDAY, dotted=True) == dt.date.fromisoformat(day)


@pytest.mark.parametrize(
    ("typed", "at"),
    [
        ("11 o'clock", "11:00"),
        ("the 4 o'clock slot", "16:00"),
        ("十点半", "10:30"),
        ("9:40am", "09:40"),
    ],
)
def test_a_time_typed_at_the_time_step(typed: str, at: str) -> None:
    assert read_time(typed) == dt.time.fromisoformat(at)


def test_chinese_numerals_and_days_from_today_pick_the_day_then_a_bare_hour_the_slot(
    rt: Runtime,
) -> None:
    zh = Chat(rt.conversation, "zh")
    zh.say("预约专家")
    zh.say("地理标志")
    zh.say("赵宏")
    day = zh.say("4天以后")  # Friday 11 December
    assert "12月11日" in _text(day) and "09:30" in _text(day)
    slot = zh.say("10")  # beyond the list of times: 10:00, not "no option 10"
    assert "企业名称" in _text(slot)
    en = Chat(rt.conversation, "en")
    en.say("book an expert")
    en.say("opposition")
    en.say("Li Jing")
    assert "14:00" in _text(en.say("in two days"))  # Wednesday 9 December
    assert "company" in _text(en.say("4 o'clock")).lower()


def test_cancel_words_by_meaning_end_a_booking(rt: Runtime) -> None:
    for n, words in enumerate(
        ["不想约了", "有空再约吧", "暂时不约了 谢谢", "don't bother", "some other time"]
    ):
        user = Chat(rt.conversation, f"c{n}")
        user.say("预约专家")
        user.say("续展")
        assert user.say(words).outcome == "cancelled", words


def test_a_cancel_word_with_nothing_under_way_is_a_friendly_acknowledgement(chat: Chat) -> None:
    for words, reply in (
        ("算了", "没关系"),
        ("actually never mind", "No problem"),
        ("nvm", "No problem"),
    ):
        said = chat.say(words)
        assert said.intent == "smalltalk" and reply in _text(said), words


def test_booking_asked_for_by_a_reserving_verb_and_what_is_reserved(rt: Runtime) -> None:
    cases = [
        ("可以预约一对一的咨询吗", "续展"),
        ("帮我挂个号 问异议的事", "李静"),
        ("booking please", "Renewal"),
        ("we'd like to meet someone about a GI application", "Zhao Hong"),
    ]
    for n, (words, shown) in enumerate(cases):
        said = Chat(rt.conversation, f"b{n}").say(words)
        assert said.intent == "booking" and shown in _text(said), words
    # Looking at a booking already made starts no new one.
    assert Chat(rt.conversation, "mine").say("查看预约").outcome != "started"


def test_a_person_asked_for_by_word_class_is_a_handoff(rt: Runtime) -> None:
    for n, words in enumerate(
        [
            "请转接工作人员",
            "跟机器人说不明白 换个真人",
            "get me a representative",
            "can your staff help me with this",
        ]
    ):
        assert Chat(rt.conversation, f"h{n}").say(words).intent == "handoff", words
    # A third party is no person to talk to.
    other = Chat(rt.conversation, "other").say(
        "someone else filed the same mark on the same day as us"
    )
    assert other.intent != "handoff"


def test_the_topic_step_reads_a_topic_in_the_clerks_words(rt: Runtime) -> None:
    cases = [
        ("撤三", "李静"),
        ("打官司", "李静"),
        ("地标", "赵宏"),
        ("madrid stuff", "Chen Xiao"),
        ("GI", "Zhao Hong"),
        ("our mark expires soon", "Wang Mingyuan"),
    ]
    for n, (words, expert) in enumerate(cases):
        user = Chat(rt.conversation, f"t{n}")
        user.say("book an expert" if words.isascii() else "预约专家")
        assert expert in _text(user.say(words)), words
    # A question at the topic step is answered, and the step asked again.
    asks = Chat(rt.conversation, "asks")
    asks.say("预约专家")
    assert asks.say("续展费用多少").faq_id == "renewal-fee"


def test_a_surname_alone_or_after_a_verb_picks_the_expert(rt: Runtime) -> None:
    for n, words in enumerate(["找王老师", "王", "Mr Wang"]):
        user = Chat(rt.conversation, f"e{n}")
        user.say("book an expert" if words.isascii() else "预约专家")
        user.say("renewal" if words.isascii() else "续展")
        shown = _text(user.say(words))
        assert "12月10日" in shown or "10 Dec" in shown, words  # Wang's Thursday among his days


def test_any_cancel_word_withdraws_a_handoff_before_the_question(rt: Runtime) -> None:
    for n, words in enumerate(
        ["取消吧", "不用转了", "没事了 我自己搞定了", "never mind", "i'm fine now"]
    ):
        user = Chat(rt.conversation, f"w{n}")
        user.say("转人工" if n < 3 else "talk to a human")
        said = user.say(words)
        assert (said.intent, said.outcome) == ("handoff", "cancelled"), words
        assert "T-2026" not in _text(said)  # no ticket was opened with it as the question


def _booked(user: Chat, at: str) -> None:
    steps = ("预约专家", "续展", "王明远", "周四", at, "明月食品", "王丽", "13700001234", "没有")
    for words in steps:
        user.say(words)
    assert "B-" in _text(user.say("确认"))


def test_a_booking_made_is_changed_or_cancelled_in_words_without_its_code(rt: Runtime) -> None:
    move = Chat(rt.conversation, "move")
    _booked(move, "9:40")
    days = move.say("那天临时有事 能换个时间吗")  # the one booking: its reschedule, days next
    assert days.intent == "booking" and "12月15日" in _text(days)
    drop = Chat(rt.conversation, "drop")
    _booked(drop, "10:20")
    assert "取消" in _text(drop.say("周四去不了了"))  # asks to confirm cancelling it
    # Someone with no booking asking the same is not sent into a reschedule.
    assert Chat(rt.conversation, "none").say("能换个时间吗").outcome != "started"


def test_another_expert_asked_for_at_the_day_step_shows_every_expert_again(rt: Runtime) -> None:
    user = Chat(rt.conversation, "other")
    user.say("预约专家")
    user.say("续展")
    user.say("赵宏")
    again = _text(user.say("想换一位老师"))
    assert "王明远" in again and "赵宏" in again
