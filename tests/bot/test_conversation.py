"""The conversation core as dialogs, against the fixture corpus."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import Session, select

from bot.core.context import Context
from bot.core.conversation import Conversation
from bot.core.messages import Inbound, Reply
from bot.core.ports import FixedClock, Outcome
from bot.core.runtime import Runtime
from storage.models import ChatMessage, QuestionLog
from tests.support.dialog import assert_dialog, say


def test_answers_in_chinese_and_english(runtime: Runtime) -> None:
    assert_dialog(runtime.conversation, [("续展要交多少钱", "450元")])
    assert_dialog(runtime.conversation, [("how much is trademark renewal", "CNY 450")], user="u2")


def test_answer_carries_source_and_feedback(runtime: Runtime) -> None:
    replies = say(runtime.conversation, "续展费用多少")
    assert "信息截至2026-11-25" in replies[0].text
    payloads = [c.payload for c in replies[0].choices]
    assert "feedback:up" in payloads and "feedback:down" in payloads
    assert "faq:renewal-window" in payloads


def test_greeting_and_menu_in_both_languages(runtime: Runtime) -> None:
    conv = runtime.conversation
    zh = say(conv, "你好")
    assert "智能助手" in zh[0].text
    assert [c.payload for c in zh[0].choices][:3] == [
        "menu:registration",
        "menu:renewal",
        "menu:madrid",
    ]
    en = say(conv, "hello", user="u2")
    assert "assistant" in en[0].text and en[0].choices[0].label == "Registration"


def test_out_of_scope_is_declined_honestly(runtime: Runtime) -> None:
    replies = say(runtime.conversation, "今天北京天气怎么样")
    assert "答不上来" in replies[0].text
    replies = say(runtime.conversation, "tell me a joke about cats", user="u2")
    assert "rather not guess" in replies[0].text


def test_number_picks_an_offered_choice(runtime: Runtime) -> None:
    conv = runtime.conversation
    first = say(conv, "续展费用多少")
    index = [c.payload for c in first[0].choices].index("faq:renewal-window") + 1
    picked = say(conv, str(index))
    assert "12个月" in picked[0].text
    assert "没有第9项" in say(conv, "9")[0].text


def test_menu_item_lists_theme_questions(runtime: Runtime) -> None:
    conv = runtime.conversation
    say(conv, "菜单")
    replies = say(conv, "2")  # 续展
    assert "续展常见问题" in replies[0].text
    assert any(c.payload == "faq:renewal-fee" for c in replies[0].choices)


def test_language_is_detected_and_can_be_fixed(runtime: Runtime) -> None:
    conv = runtime.conversation
    assert "CNY 450" in say(conv, "renewal fee")[0].text
    say(conv, "中文")
    assert "450元" in say(conv, "renewal fee")[0].text  # chosen language wins over detection


def test_feedback_is_recorded_on_the_logged_question(runtime: Runtime) -> None:
    conv = runtime.conversation
    say(conv, "续展费用多少")
    assert "抱歉没能帮上忙" in say(conv, "没用")[0].text
    with Session(runtime.engine) as session:
        row = session.exec(select(QuestionLog).where(QuestionLog.faq_id == "renewal-fee")).one()
        assert row.feedback == "not_useful" and row.outcome == "answered" and row.score >= 72


def test_feedback_rates_the_latest_asking_of_the_entry(runtime: Runtime) -> None:
    conv = runtime.conversation
    say(conv, "续展费用多少")
    say(conv, "续展费用多少", user="u2")  # another user's question is not rated
    say(conv, "续展要交多少钱")
    say(conv, "有用")
    with Session(runtime.engine) as session:
        rows = session.exec(select(QuestionLog).order_by(QuestionLog.id)).all()
        assert [(r.user_ref, r.feedback) for r in rows] == [
            ("u1", None),
            ("u2", None),
            ("u1", "useful"),
        ]


def test_a_retry_racing_the_first_delivery_gets_its_reply(runtime: Runtime) -> None:
    # Both runs pass the "seen before?" check, then meet: the first to commit wins and the
    # other's whole turn is rolled back and answered with the winner's stored reply.
    meet = threading.Barrier(2, timeout=10)

    class Meet:
        name = "meet"

        def handle(self, ctx: Context) -> Outcome:
            meet.wait()
            return Outcome([Reply(f"answer {threading.get_ident()}")], "faq")

    conv = Conversation(engine=runtime.engine, settings=runtime.settings, skills=[Meet()])
    say(runtime.conversation, "你好")  # a known user: the race is on the delivery alone
    with ThreadPoolExecutor(2) as pool:
        runs = [pool.submit(conv.handle_turn, Inbound("test", "u1", "问", delivery_id="m-9"))]
        runs.append(pool.submit(conv.handle_turn, Inbound("test", "u1", "问", delivery_id="m-9")))
        outcomes = [r.result() for r in runs]
    assert sorted(o.intent for o in outcomes) == ["duplicate", "faq"]
    assert outcomes[0].replies[0].text == outcomes[1].replies[0].text
    with Session(runtime.engine) as session:
        assert len(session.exec(select(QuestionLog)).all()) == 2  # 你好, 问
        assert len(session.exec(select(ChatMessage)).all()) == 4  # two questions, two answers


def test_every_question_is_logged_with_outcome(runtime: Runtime) -> None:
    conv = runtime.conversation
    say(conv, "续展费用多少")
    say(conv, "今天天气怎么样")
    with Session(runtime.engine) as session:
        rows = session.exec(select(QuestionLog).order_by(QuestionLog.id)).all()
    assert [(r.intent, r.outcome) for r in rows] == [("faq", "answered"), ("unknown", "unknown")]
    assert rows[0].topic == "renewal-fee" and rows[1].faq_id is None


def test_bad_input_gets_a_polite_reply(runtime: Runtime) -> None:
    conv = runtime.conversation
    for text in ["", "   ", "😀😀😀", "\x00\x01\x02", "？？？"]:
        replies = say(conv, text)
        assert replies and "文字" in replies[0].text, text
    huge = say(conv, "商标续展" * 25_000)  # 100 KB
    assert "只读取了前2000个字" in huge[0].text
    mixed = say(conv, "renewal 续展 fee 费用 🙂")
    assert mixed and mixed[0].text


def test_a_retried_delivery_is_processed_once(runtime: Runtime) -> None:
    conv = runtime.conversation
    first = say(conv, "续展费用多少", delivery_id="m-1")
    again = say(conv, "续展费用多少", delivery_id="m-1")
    assert [r.text for r in again] == [r.text for r in first]
    with Session(runtime.engine) as session:
        assert len(session.exec(select(QuestionLog)).all()) == 1
        assert (
            len(session.exec(select(ChatMessage).where(ChatMessage.direction == "in")).all()) == 1
        )


def test_dated_entries_switch_on_2027_01_01(runtime: Runtime) -> None:
    before = say(runtime.conversation, "异议期多长")
    assert "2026年12月31日前" in before[0].text
    after_clock = FixedClock(dt.datetime(2027, 1, 1, 1, 0, tzinfo=dt.UTC))  # 09:00 in Shanghai
    later = Conversation(engine=runtime.engine, settings=runtime.settings, clock=after_clock)
    after = say(later, "异议期多长", user="u9")
    assert "自2027年1月1日起" in after[0].text


def test_station_day_is_shanghai_not_utc(runtime: Runtime) -> None:
    # 2026-12-31 17:00 UTC is already 2027-01-01 in Shanghai.
    clock = FixedClock(dt.datetime(2026, 12, 31, 17, 0, tzinfo=dt.UTC))
    conv = Conversation(engine=runtime.engine, settings=runtime.settings, clock=clock)
    assert "自2027年1月1日起" in say(conv, "opposition period", user="u3")[0].text or (
        "From 2027-01-01" in say(conv, "opposition period", user="u3")[0].text
    )
