"""The figures of a known year, from the roll-up and from the raw rows alike."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session, select

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime
from bot.stats import compute, monthly, period_for
from bot.stats.figures import counts_between
from bot.stats.periods import Period
from bot.stats.rollup import count_days, refresh, rolled_through
from storage.models import QuestionLog
from storage.stats import StatsDay
from tests.support.dialog import say
from tests.support.stats_history import EXPECTED, EXPECTED_MONTHS, expert_names, seed_history

YEAR = Period(dt.date(2026, 1, 1), dt.date(2026, 11, 25), "year")


def assert_expected(figures: dict[str, Any]) -> None:
    for key, value in EXPECTED.items():
        if key == "top_topics":
            assert [(t["topic"], t["count"]) for t in figures[key]] == value
        elif key == "top_themes":
            assert [(t["theme"], t["count"]) for t in figures[key]] == value
        elif key == "unanswered_top":
            assert [(u["question"], u["count"]) for u in figures[key]] == value
        else:
            assert figures[key] == value, key


def test_year_figures(runtime: Runtime, clock: FixedClock) -> None:
    seed_history(runtime.engine)
    with Session(runtime.engine) as session:
        figures = compute(session, runtime.settings.timezone, YEAR, now=clock.now())
        # The finished days were rolled up on the way; today came from the raw rows.
        assert rolled_through(session) == dt.date(2026, 11, 24)
    assert_expected(figures)
    first, second = expert_names(runtime.engine)
    assert figures["bookings_by_expert"] == {first: 2}
    assert figures["bookings_by_topic"] == {"madrid": 1, "renewal": 1}
    assert figures["feedback_by_topic"] == [
        {"topic": "renewal-fee", "useful": 1, "not_useful": 0},
        {"topic": "renewal-window", "useful": 0, "not_useful": 1},
    ]
    assert second not in figures["bookings_by_expert"]  # cancelled, and the other is upcoming


def test_rollup_gives_the_raw_counts(runtime: Runtime, clock: FixedClock) -> None:
    seed_history(runtime.engine)
    tz = runtime.settings.timezone
    with Session(runtime.engine) as session:
        raw = count_days(session, YEAR.start, YEAR.end, tz)
        assert refresh(session, tz, YEAR.end) > 300  # every day since the first message
        assert refresh(session, tz, YEAR.end) == 0  # nothing new until tomorrow
        assert session.exec(select(StatsDay)).first() is not None
        stored = counts_between(session, YEAR.start, YEAR.end, tz)
        rolled = compute(session, tz, YEAR, now=clock.now())
    assert raw.counts["q", "web|answered"] == 3
    assert stored.counts == raw.counts
    assert stored.users_by_channel() == raw.users_by_channel()
    assert stored.user_days == raw.user_days
    assert rolled["questions"] == EXPECTED["questions"]


def test_months(runtime: Runtime, clock: FixedClock) -> None:
    seed_history(runtime.engine)
    with Session(runtime.engine) as session:
        months = monthly(session, runtime.settings.timezone, 2026, now=clock.now())
    for row in months:
        expected = EXPECTED_MONTHS.get(row["month"], {})
        actual = {k: v for k, v in row.items() if k != "month" and v}
        assert actual == expected, row["month"]


def test_periods_and_previous(runtime: Runtime, clock: FixedClock) -> None:
    today = dt.date(2026, 11, 25)  # a Wednesday
    week = period_for("week", today)
    assert (week.start, week.end) == (dt.date(2026, 11, 23), today)
    assert (week.previous().start, week.previous().end) == (
        dt.date(2026, 11, 16),
        dt.date(2026, 11, 18),
    )
    quarter = period_for("quarter", today)
    assert quarter.start == dt.date(2026, 10, 1)
    assert quarter.previous().start == dt.date(2026, 7, 1)
    custom = period_for("custom", today, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert (custom.previous().start, custom.previous().end) == (
        dt.date(2026, 1, 29),
        dt.date(2026, 2, 28),
    )
    seed_history(runtime.engine)
    with Session(runtime.engine) as session:
        march = compute(session, runtime.settings.timezone, custom, now=clock.now())
        this_week = compute(session, runtime.settings.timezone, week, now=clock.now())
    assert (march["questions"], march["answered"], march["tickets"], march["bookings"]) == (
        8,
        2,
        1,
        2,
    )
    assert (this_week["questions"], this_week["tickets"], this_week["users"]) == (1, 2, 1)


def test_expert_sees_only_own_bookings(runtime: Runtime, clock: FixedClock) -> None:
    seed_history(runtime.engine)
    with Session(runtime.engine) as session:
        from storage.experts import Expert

        second = session.exec(select(Expert).order_by(Expert.id)).all()[1]  # type: ignore[arg-type]
        own = compute(
            session, runtime.settings.timezone, YEAR, now=clock.now(), expert_id=second.id
        )
    assert "questions" not in own and "tickets" not in own
    assert (own["bookings"], own["cancelled"], own["consultations"]) == (2, 1, 0)


def test_choosing_a_suggestion_is_recorded(runtime: Runtime) -> None:
    conv = runtime.conversation
    say(conv, "你好", user="picker")
    with Session(runtime.engine) as session:
        session.add(
            QuestionLog(
                channel="test",
                user_ref="picker",
                question="续展",
                lang="zh",
                intent="suggest",
                outcome="suggested",
                created_at=conv.clock.now(),
            )
        )
        session.commit()
    say(conv, "faq:renewal-fee", user="picker")
    say(conv, "有用", user="picker")
    with Session(runtime.engine) as session:
        row = session.exec(select(QuestionLog).where(QuestionLog.question == "续展")).one()
    assert (row.outcome, row.faq_id, row.topic, row.feedback) == (
        "chosen",
        "renewal-fee",
        "renewal-fee",
        "useful",
    )


def test_housekeeping_rolls_up_finished_days(runtime: Runtime, clock: FixedClock) -> None:
    from bot.handoff.sweep import housekeeping_for

    seed_history(runtime.engine)
    housekeeping_for(runtime.settings, clock)(runtime.engine, clock.now())
    with Session(runtime.engine) as session:
        assert rolled_through(session) == dt.date(2026, 11, 24)
        stored = session.get(StatsDay, (dt.date(2026, 3, 10), "q", "web|answered"))
    assert stored is not None and stored.value == 2


def test_a_user_back_today_is_counted_once(runtime: Runtime, clock: FixedClock) -> None:
    from storage.models import ChatMessage

    seed_history(runtime.engine)
    tz = runtime.settings.timezone
    with Session(runtime.engine) as session:
        before = compute(session, tz, YEAR, now=clock.now())  # rolls up to yesterday
        for user in ("u1", "newcomer"):
            session.add(
                ChatMessage(
                    channel="web", user_ref=user, direction="in", text="hi", created_at=clock.now()
                )
            )
        session.commit()
        after = compute(session, tz, YEAR, now=clock.now())
    assert after["users"] == before["users"] + 1
    assert after["by_channel"]["web"]["users"] == before["by_channel"]["web"]["users"] + 1
    assert after["conversations"] == before["conversations"] + 2  # two user-days today


def test_housekeeping_sums_the_standard_periods(runtime: Runtime, clock: FixedClock) -> None:
    from bot.handoff.sweep import housekeeping_for
    from storage.stats import StatsRange

    seed_history(runtime.engine)
    housekeeping_for(runtime.settings, clock)(runtime.engine, clock.now())
    with Session(runtime.engine) as session:
        ranges = {(r.start, r.end) for r in session.exec(select(StatsRange))}
        assert (dt.date(2026, 1, 1), dt.date(2026, 11, 24)) in ranges  # this year, stored days
        assert (dt.date(2025, 1, 1), dt.date(2025, 11, 25)) in ranges  # last year, same span
        # A stale sum is not used: the figures follow the roll-up.
        row = session.get(StatsRange, (dt.date(2026, 1, 1), dt.date(2026, 11, 24)))
        assert row is not None
        row.payload = {"counts": [], "more_users": {}, "user_days": 0}
        row.through = dt.date(2026, 11, 1)
        session.add(row)
        session.commit()
        figures = compute(session, runtime.settings.timezone, YEAR, now=clock.now())
    assert figures["questions"] == EXPECTED["questions"]
