"""The booking as a receptionist takes it (issue 21, round 8): the details typed in one line,
cancel words with a reason around them, an expert called by surname and title, a day or time
typed at the expert step.

The same runtime and fixtures as tests/bot/test_dialogues.py: the bundled corpus, the demo
experts, a database of its own per test, the clock at Monday 2026-12-07 10:00 in Shanghai.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.bot.test_dialogues import Chat, _text

rt = dialogues.rt


def _at_company_step(rt: Runtime, user: str, lang: str = "zh") -> Chat:
    """A user who chose topic, expert, day and time by number: the company step is next."""
    c = Chat(rt.conversation, user)
    c.say("预约专家" if lang == "zh" else "book an expert")
    for _ in range(4):  # topic, any expert, first day, first time
        said = c.say("1")
    assert ("企业名称" if lang == "zh" else "company") in _text(said)
    return c


@pytest.mark.parametrize(
    ("lang", "line", "taken", "asked"),
    [
        (
            "zh",
            "上海青禾食品有限公司 李先生 13912345678",
            ["上海青禾食品有限公司", "李先生"],
            "一句话",
        ),
        (
            "zh",
            "公司：苏州木森家具，联系人：周经理，电话：0512-66881234",
            ["企业 苏州木森家具", "联系人 周经理", "电话 0512-66881234"],
            "一句话",
        ),
        (
            "zh",
            "小陈 广州悦达贸易有限公司 18611112222",
            ["企业 广州悦达贸易有限公司", "联系人 小陈"],
            "一句话",
        ),
        ("zh", "成都川味坊 张总", ["成都川味坊", "张总"], "手机号或邮箱"),
        (
            "en",
            "Northwind Foods Ltd, Anna Berg, anna.berg@northwind.se",
            ["Anna Berg"],
            "In one line",
        ),
        (
            "en",
            "Maple Leaf Imports, Ms. Brown, +44 7911 123456",
            ["Ms. Brown", "+44 7911 123456"],
            "In one line",
        ),
    ],
)
def test_company_contact_and_phone_typed_in_one_line_are_all_taken(
    rt: Runtime, lang: str, line: str, taken: list[str], asked: str
) -> None:
    c = _at_company_step(rt, "u-" + line[:6], lang)
    said = _text(c.say(line))
    assert all(part in said for part in taken), said
    assert asked in said
    if any(ch.isdigit() for ch in line) or "@" in line:  # the consent note comes with it (PIPL)
        assert ("同意" if lang == "zh" else "you agree") in said


def test_a_one_line_answer_reaches_the_summary_with_each_field_in_place(rt: Runtime) -> None:
    c = _at_company_step(rt, "summary")
    c.say("杭州禾木茶业 小吴 15867001234")
    summary = _text(c.say("想问下绿茶能不能注册地理标志"))
    for line in ("企业：杭州禾木茶业", "联系人：小吴", "15867001234"):
        assert line in summary, summary
    # "返回" from the question goes to the phone, to withdraw or change it.
    c2 = _at_company_step(rt, "back")
    c2.say("杭州禾木茶业 小吴 15867001234")
    assert "手机号或邮箱" in _text(c2.say("返回"))


def test_the_contact_step_takes_the_name_and_the_phone_together(rt: Runtime) -> None:
    for n, (line, shown, asked) in enumerate(
        [
            ("李先生 13912345678", "李先生", "一句话"),
            ("Emily Wu, emily.wu@gmail.com", "Emily Wu", "In one line"),
        ]
    ):
        c = _at_company_step(rt, f"contact{n}")
        c.say("青禾食品")
        said = _text(c.say(line))
        assert shown in said and asked in said, said


@pytest.mark.parametrize(
    "line", ["宁波 海川电器", "深圳市大疆创新科技有限公司", "Acme Trading, Shanghai"]
)
def test_a_plain_company_name_is_the_company_alone(rt: Runtime, line: str) -> None:
    c = _at_company_step(rt, "plain-" + line[:4])
    said = _text(c.say(line))
    assert any(w in said for w in ("联系人姓名", "contact person's name")), said


@pytest.mark.parametrize(
    "words",
    [
        "算了 领导说先不约了",
        "算了吧 经理觉得没必要 不约了",
        "scrap that, cancel it please",
        "sorry my manager said no, cancel pls",
        "never mind, we'll handle it ourselves",
        "forget it, I'll come back later",
        "call it off, boss decided against it",
        "取消吧 老板不同意",
    ],
)
def test_a_cancel_with_the_reason_around_it_ends_the_booking(rt: Runtime, words: str) -> None:
    c = Chat(rt.conversation, "cancel-" + words[:5])
    c.say("预约专家")
    c.say("续展")
    assert c.say(words).outcome == "cancelled", words


def test_a_question_with_a_cancel_word_is_no_cancel(rt: Runtime) -> None:
    c = Chat(rt.conversation, "q")
    c.say("预约专家")
    c.say("续展")
    assert c.say("经理说取消了吗").outcome != "cancelled"


@pytest.mark.parametrize(
    ("topic", "words", "day"),
    [
        ("续展", "王老师那边可以", "12月8日"),
        ("续展", "就王老师这边吧", "12月8日"),
        ("地理标志", "赵老师的", "12月8日"),
    ],
)
def test_an_expert_called_by_surname_and_title_with_a_place_word(
    rt: Runtime, topic: str, words: str, day: str
) -> None:
    c = Chat(rt.conversation, "name-" + words)
    c.say("预约专家")
    c.say(topic)
    said = _text(c.say(words))
    assert "请选择日期" in said and day in said, said


def test_a_day_with_a_polite_tail_or_whoever_is_first_at_the_expert_step(rt: Runtime) -> None:
    for n, (words, shown) in enumerate(
        [
            ("this afternoon if possible", "14:00"),
            ("today if you can", "14:00"),
            ("谁时间早就约谁", "14:00"),
            ("哪位老师早一点就哪位", "14:00"),
        ]
    ):
        c = Chat(rt.conversation, f"day{n}")
        c.say("预约专家" if not words.isascii() else "book an expert")
        c.say("马德里" if not words.isascii() else "madrid")
        said = _text(c.say(words))
        assert shown in said and ("12月7日" in said or "7 Dec" in said), (words, said)
    # A question naming the day is answered as one, not taken as the day.
    c = Chat(rt.conversation, "ask")
    c.say("book an expert")
    c.say("madrid")
    assert "7 Dec" not in _text(c.say("is she free this afternoon, and what does it cost?"))


def test_a_part_of_the_day_typed_with_the_day_shows_that_part_and_another_time_still_counts(
    rt: Runtime,
) -> None:
    for n, (day_words, part_shown, hidden, other) in enumerate(
        [
            ("tuesday afternoon", "14:00", "09:00", "9:30 then"),
            ("周二下午", "14:00", "09:00", "还是上午9点半吧"),
            ("tuesday morning works", "09:00", "14:00", "2pm actually"),
        ]
    ):
        c = Chat(rt.conversation, f"part{n}")
        c.say("预约专家" if not day_words.isascii() else "book an expert")
        c.say("续展")
        c.say("都可以")
        slots = _text(c.say(day_words))
        assert part_shown in slots and hidden not in slots, (day_words, slots)
        chosen = _text(c.say(other))
        assert "企业名称" in chosen or "company" in chosen, (other, chosen)
