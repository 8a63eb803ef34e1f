"""Counting rules (Reg. Art. 12), renewal phases and fees, and the other procedural periods."""

from __future__ import annotations

import datetime as dt

import pytest

from knowledge.tools.counting import add_months, deadline, term_expiry
from knowledge.tools.deadlines import (
    RenewalPhase,
    madrid_dependency_end,
    nonuse_exposure,
    opposition_deadline,
    rejection_review_deadline,
    renewal_status,
)

D = dt.date
TODAY = D(2026, 11, 25)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2026, 3, 13), 6, D(2026, 9, 13)),
        (D(2026, 8, 31), 6, D(2027, 2, 28)),  # no 31 February: the month's last day
        (D(2027, 8, 31), 6, D(2028, 2, 29)),  # leap year
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2026, 5, 31), 1, D(2026, 6, 30)),  # 30-day month
        (D(2026, 3, 13), -12, D(2025, 3, 13)),
        (D(2024, 2, 29), -12, D(2023, 2, 28)),
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
        (D(2024, 2, 29), 36, D(2027, 2, 28)),
    ],
)
def test_add_months_corresponding_day(start: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("registered", "expires"),
    [
        (D(2016, 3, 14), D(2026, 3, 13)),  # the fact sheet's worked example
        (D(2016, 3, 7), D(2026, 3, 6)),
        (D(2016, 2, 29), D(2026, 2, 28)),  # no 29 Feb in 2026: the month's last day
        (D(2016, 2, 28), D(2026, 2, 27)),
        (D(2016, 3, 1), D(2026, 2, 28)),  # day before 1 March is the last day of February
        (D(2018, 3, 1), D(2028, 2, 29)),  # ... which in a leap year is the 29th
        (D(2020, 2, 29), D(2030, 2, 28)),
        (D(2016, 1, 1), D(2025, 12, 31)),  # crosses a year boundary
        (D(2016, 12, 31), D(2026, 12, 30)),
    ],
)
def test_term_expiry(registered: dt.date, expires: dt.date) -> None:
    assert term_expiry(registered) == expires


@pytest.mark.parametrize(
    ("nominal", "due", "moved"),
    [
        (D(2026, 9, 13), D(2026, 9, 14), True),  # Sunday
        (D(2026, 9, 12), D(2026, 9, 14), True),  # Saturday
        (D(2026, 10, 1), D(2026, 10, 8), True),  # National Day
        (D(2026, 2, 16), D(2026, 2, 24), True),  # Spring Festival
        (D(2026, 2, 28), D(2026, 2, 28), False),  # make-up Saturday: no move
        (D(2026, 10, 10), D(2026, 10, 10), False),  # make-up Saturday: no move
        (D(2026, 9, 14), D(2026, 9, 14), False),  # plain Monday
    ],
)
def test_working_day_move(nominal: dt.date, due: dt.date, moved: bool) -> None:
    d = deadline(nominal)
    assert (d.due, d.moved) == (due, moved)


def test_move_note_explains_why() -> None:
    assert "星期日" in deadline(D(2026, 9, 13)).move_note("zh")
    assert "2026-09-14" in deadline(D(2026, 9, 13)).move_note("en")
    makeup = deadline(D(2026, 2, 28))
    assert makeup.kept_on_makeup_day
    assert "调休上班日" in makeup.move_note("zh")
    assert "does not move" in makeup.move_note("en")
    future = deadline(D(2027, 3, 6))
    assert future.uncovered_years == (2027,)
    assert "2027" in future.move_note("en")
    assert "not yet" in future.move_note("en")


# --- renewal ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "today", "phase", "days_left", "window_opens", "grace_due"),
    [
        # Fact sheet example: grace end 2026-09-13 is a Sunday → 2026-09-14.
        (
            {"registration_date": D(2016, 3, 14)},
            D(2026, 1, 10),
            RenewalPhase.RENEWAL_WINDOW,
            62,
            D(2025, 3, 14),
            D(2026, 9, 14),
        ),
        (
            {"registration_date": D(2016, 3, 14)},
            D(2026, 9, 14),
            RenewalPhase.GRACE_PERIOD,
            0,
            D(2025, 3, 14),
            D(2026, 9, 14),
        ),
        (
            {"registration_date": D(2016, 3, 14)},
            D(2026, 9, 15),
            RenewalPhase.LOST,
            -1,
            D(2025, 3, 14),
            D(2026, 9, 14),
        ),
        (
            {"registration_date": D(2016, 3, 14)},
            D(2025, 3, 13),
            RenewalPhase.TOO_EARLY,
            1,
            D(2025, 3, 14),
            D(2026, 9, 14),
        ),
        (
            {"registration_date": D(2016, 3, 14)},
            D(2025, 3, 14),
            RenewalPhase.RENEWAL_WINDOW,
            364,
            D(2025, 3, 14),
            D(2026, 9, 14),
        ),
        # 29 February: expires 2026-02-28; window opens the day after 2025-02-28.
        (
            {"registration_date": D(2016, 2, 29)},
            D(2026, 2, 28),
            RenewalPhase.RENEWAL_WINDOW,
            0,
            D(2025, 3, 1),
            D(2026, 8, 28),
        ),
        (
            {"registration_date": D(2016, 2, 29)},
            D(2026, 3, 1),
            RenewalPhase.GRACE_PERIOD,
            180,
            D(2025, 3, 1),
            D(2026, 8, 28),
        ),
        # Expiry date given directly; grace end 2027-02-28 is a Sunday (2027: weekends only).
        (
            {"expiry_date": D(2026, 8, 31)},
            TODAY,
            RenewalPhase.GRACE_PERIOD,
            96,
            D(2025, 9, 1),
            D(2027, 3, 1),
        ),
        # Grace end on a make-up working day (2026-02-28, Saturday) does not move.
        (
            {"expiry_date": D(2025, 8, 28)},
            D(2026, 2, 28),
            RenewalPhase.GRACE_PERIOD,
            0,
            D(2024, 8, 29),
            D(2026, 2, 28),
        ),
        # Grace end on National Day → 2026-10-08.
        (
            {"registration_date": D(2016, 4, 2)},
            D(2026, 10, 5),
            RenewalPhase.GRACE_PERIOD,
            3,
            D(2025, 4, 2),
            D(2026, 10, 8),
        ),
        # Future expiry, far ahead.
        (
            {"registration_date": D(2024, 6, 1)},
            TODAY,
            RenewalPhase.TOO_EARLY,
            (D(2033, 6, 1) - TODAY).days,
            D(2033, 6, 1),
            D(2034, 11, 30),
        ),
    ],
)
def test_renewal_phases(
    kwargs: dict[str, dt.date],
    today: dt.date,
    phase: RenewalPhase,
    days_left: int,
    window_opens: dt.date,
    grace_due: dt.date,
) -> None:
    r = renewal_status(today=today, **kwargs)
    assert r.phase == phase
    assert r.days_left == days_left
    assert r.window_opens == window_opens
    assert r.grace_end.due == grace_due


def test_fact_sheet_worked_example() -> None:
    r = renewal_status(registration_date=D(2016, 3, 14), today=D(2026, 1, 10))
    assert r.expiry == D(2026, 3, 13)
    assert (r.window_opens, r.window_end.due) == (D(2025, 3, 14), D(2026, 3, 13))
    assert (r.grace_end.nominal, r.grace_end.due, r.grace_end.moved) == (
        D(2026, 9, 13),
        D(2026, 9, 14),
        True,
    )
    assert (r.new_term_start, r.new_term_end) == (D(2026, 3, 14), D(2036, 3, 13))
    zh, en = r.explain("zh"), r.explain("en")
    assert "2026-09-14" in zh and "星期日" in zh and "第十二条" in zh
    assert "moves to the next working day, 2026-09-14" in en


def test_leap_day_new_term_runs_from_day_after_expiry() -> None:
    r = renewal_status(registration_date=D(2016, 2, 29), today=D(2026, 1, 1))
    # Art. 40: the new term starts the day after the old expiry (1 March) and so ends on
    # the day before 1 March 2036, which is 29 February 2036.
    assert (r.new_term_start, r.new_term_end) == (D(2026, 3, 1), D(2036, 2, 29))


def test_window_end_on_weekend_moves_and_says_so() -> None:
    r = renewal_status(registration_date=D(2017, 3, 7), today=TODAY)  # expiry 2027-03-06, Saturday
    assert r.expiry == D(2027, 3, 6)
    assert r.window_end.due == D(2027, 3, 8)
    assert "to be safe, file by 2027-03-06" in r.explain("en")
    assert "2027" in r.explain("zh") and "尚未公布" in r.explain("zh")


@pytest.mark.parametrize(
    ("today", "classes", "online", "paper"),
    [
        (D(2026, 1, 10), 1, 450, 500),  # window: 450 online / 500 paper per class
        (D(2026, 1, 10), 3, 3 * 450, 3 * 500),
        (D(2026, 5, 1), 1, 450 + 225, 500 + 250),  # grace: plus 225 / 250 late fee
        (D(2026, 5, 1), 2, 2 * (450 + 225), 2 * (500 + 250)),
    ],
)
def test_fee_due_now(today: dt.date, classes: int, online: int, paper: int) -> None:
    r = renewal_status(registration_date=D(2016, 3, 14), today=today, classes=classes)
    assert r.fee is not None
    assert (r.fee.online_total, r.fee.paper_total) == (online, paper)
    assert r.fee.as_of == D(2026, 11, 25)
    assert r.fee.effective == D(2019, 7, 1)


def test_lost_mark_says_what_to_do() -> None:
    # The example: registered 2016-03-07, asked on 2026-11-25.
    r = renewal_status(registration_date=D(2016, 3, 7), today=TODAY)
    assert r.phase == RenewalPhase.LOST
    assert r.grace_end.due == D(2026, 9, 7)  # 2026-09-06 is a Sunday
    assert r.fee is None
    assert (r.new_application_fee_online, r.new_application_fee_paper) == (270, 300)
    zh, en = r.explain("zh"), r.explain("en")
    assert "重新提交注册申请" in zh and "第五十条" in zh
    assert "file a new application" in en and "Art. 50" in en
    # The mark may have been renewed: the answer says which term would then be open.
    assert (r.if_renewed_term_start, r.if_renewed_expiry) == (D(2026, 3, 7), D(2036, 3, 6))
    assert "2036-03-06" in zh


def test_very_old_registration_counts_renewals() -> None:
    r = renewal_status(registration_date=D(2006, 3, 7), today=TODAY)
    assert r.phase == RenewalPhase.LOST
    assert r.renewals_needed == 2
    assert r.if_renewed_expiry == D(2036, 3, 6)
    assert "does not cover 2016" in r.explain("en")


def test_future_registration_is_flagged() -> None:
    r = renewal_status(registration_date=D(2027, 1, 5), today=TODAY)
    assert r.future_registration
    assert "晚于今天" in r.explain("zh")
    assert "after today" in r.explain("en")


def test_renewal_input_validation() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        renewal_status(today=TODAY)
    with pytest.raises(ValueError, match="exactly one"):
        renewal_status(today=TODAY, registration_date=D(2016, 1, 1), expiry_date=D(2026, 1, 1))
    with pytest.raises(ValueError, match="classes"):
        renewal_status(today=TODAY, registration_date=D(2016, 1, 1), classes=0)


# --- other periods -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("published", "due", "moved"),
    [
        (D(2026, 7, 1), D(2026, 10, 8), True),  # 2026-10-01 National Day → 10-08
        (D(2026, 6, 13), D(2026, 9, 14), True),  # 2026-09-13 Sunday
        (D(2026, 7, 10), D(2026, 10, 10), False),  # make-up Saturday
        (D(2026, 11, 30), D(2027, 3, 1), True),  # 2027-02-28 Sunday (2027: weekends only)
        (D(2025, 11, 30), D(2026, 2, 28), False),  # 28 Feb 2026 is a make-up working day
    ],
)
def test_opposition_deadline(published: dt.date, due: dt.date, moved: bool) -> None:
    r = opposition_deadline(published, today=TODAY)
    assert (r.end.due, r.end.moved) == (due, moved)
    assert "2027" in r.explain("zh") and "unconfirmed" in r.explain("en")


def test_opposition_days_left() -> None:
    r = opposition_deadline(D(2026, 10, 6), today=TODAY)  # ends 2027-01-06, a Wednesday
    assert r.end.due == D(2027, 1, 6)
    assert r.days_left == (D(2027, 1, 6) - TODAY).days
    assert not r.passed


@pytest.mark.parametrize(
    ("kwargs", "due", "deemed"),
    [
        ({"received": D(2026, 11, 20)}, D(2026, 12, 7), None),  # 12-05 Saturday → Monday
        ({"received": D(2026, 9, 16)}, D(2026, 10, 8), None),  # 10-01 National Day → 10-08
        ({"received": D(2026, 11, 2)}, D(2026, 11, 17), None),
        # Electronic notice sent 2026-09-10: deemed received 09-25, review by 10-10 (make-up Saturday).
        ({"sent": D(2026, 9, 10)}, D(2026, 10, 10), D(2026, 9, 25)),
        (
            {"sent": D(2026, 11, 20), "electronic": False},
            D(2026, 12, 21),
            D(2026, 12, 5),
        ),  # 12-20 Sunday
    ],
)
def test_rejection_review_deadline(
    kwargs: dict[str, object], due: dt.date, deemed: dt.date | None
) -> None:
    r = rejection_review_deadline(today=TODAY, **kwargs)  # type: ignore[arg-type]
    assert r.end.due == due
    assert r.deemed_receipt == deemed
    if deemed:
        assert "第十条" in r.explain("zh") and "deemed received" in r.explain("en")
    assert "675" in r.explain("zh")


def test_rejection_review_needs_a_date() -> None:
    with pytest.raises(ValueError, match="received"):
        rejection_review_deadline(today=TODAY)


@pytest.mark.parametrize(
    ("ir", "end"),
    [
        (D(2021, 3, 10), D(2026, 3, 10)),
        (D(2020, 2, 29), D(2025, 2, 28)),
        (D(2022, 10, 4), D(2027, 10, 4)),
    ],
)
def test_madrid_dependency_is_not_moved(ir: dt.date, end: dt.date) -> None:
    r = madrid_dependency_end(ir, today=TODAY)
    assert r.end.due == r.end.nominal == end
    assert not r.end.move_applies
    assert "不适用节假日顺延" in r.explain("zh")
    assert "transformed" in r.explain("en")


def test_nonuse_exposure() -> None:
    r = nonuse_exposure(D(2024, 2, 29), today=TODAY)
    assert r.end.due == D(2027, 2, 28)  # Sunday, but a status date: not moved
    assert r.days_left == (D(2027, 2, 28) - TODAY).days
    old = nonuse_exposure(D(2016, 3, 7), today=TODAY)
    assert old.passed
    assert "已于" in old.explain("zh") and "licensee" in old.explain("en")
