"""Renewal calculator: expiry, renewal window, grace period, today's phase and the fee due.

Rules (shared/trademark-facts.md §2):
- term: 10 years from the registration date (商标法 第三十九条); the expiry is the day before
  the corresponding day ten years on, or the last day of that month if it has no such day
  (实施条例 第十二条). Registered 2016-02-29 → expires 2026-02-28 (February 2026 has no
  29th, so the month's last day); registered 2016-02-28 → expires 2026-02-27.
- renewal window: the 12 months before expiry (第四十条): opens the day after the
  corresponding day 12 months before expiry (2026-03-13 → 2025-03-14).
- grace period: 6 months after expiry (第四十条), with the late surcharge; its last day moves
  to the next working day (2026-09-13, a Sunday → 2026-09-14).
- the window's last day is the expiry itself; if that is not a working day, we apply the same
  Art. 12 move to the last day for filing without surcharge, and say so.
- not renewed by the end of the grace period: the registration is cancelled (注销); for one
  year others' identical or similar marks are not approved (第五十条).
- new term: 10 years from the day after the old expiry (第四十条).

Other periods (opposition, refusal review, Madrid dependency, non-use) are in
``knowledge.tools.procedural`` and re-exported here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from knowledge.tools.counting import Deadline, add_months, deadline, term_expiry
from knowledge.tools.fees import FeeTable, RenewalFee, load_fee_table, renewal_fee
from knowledge.tools.periods import load_periods
from knowledge.tools.procedural import (
    PeriodResult,
    madrid_dependency_end,
    nonuse_exposure,
    opposition_deadline,
    rejection_review_deadline,
)
from knowledge.tools.workdays import HolidayCalendar, load_calendar

__all__ = (
    "PeriodResult",
    "RenewalPhase",
    "RenewalResult",
    "madrid_dependency_end",
    "nonuse_exposure",
    "opposition_deadline",
    "rejection_review_deadline",
    "renewal_status",
)

# The periods come from the one period table (knowledge/data/periods.yaml), as in the answers.
_PERIODS = load_periods()
TERM_YEARS = _PERIODS["term"].amount  # 10
WINDOW_MONTHS = _PERIODS["renewal_window"].amount  # 12
GRACE_MONTHS = _PERIODS["renewal_grace"].amount  # 6


class RenewalPhase(StrEnum):
    """Where `today` falls relative to a registration's term."""

    TOO_EARLY = "too_early"
    RENEWAL_WINDOW = "renewal_window"
    GRACE_PERIOD = "grace_period"
    LOST = "lost"


@dataclass(frozen=True)
class RenewalResult:
    """Every date and figure of a renewal question, with a bilingual explanation."""

    today: dt.date
    input_kind: Literal["registration_date", "expiry_date"]
    registration_date: dt.date | None
    term_start: dt.date | None
    expiry: dt.date
    window_opens: dt.date
    window_end: Deadline
    grace_end: Deadline
    phase: RenewalPhase
    days_left: int
    days_to_expiry: int
    classes: int
    fee: RenewalFee | None
    new_application_fee_online: int
    new_application_fee_paper: int
    new_term_start: dt.date
    new_term_end: dt.date
    future_registration: bool = False
    if_renewed_term_start: dt.date | None = (
        None  # when lost: the term open today had it been renewed
    )
    if_renewed_expiry: dt.date | None = None
    renewals_needed: int = 0

    def explain(self, lang: str = "zh") -> str:
        """The dates, what moved and why, today's phase, the fee and the legal basis."""
        return _explain_en(self) if lang == "en" else _explain_zh(self)


def renewal_status(
    *,
    today: dt.date,
    registration_date: dt.date | None = None,
    expiry_date: dt.date | None = None,
    classes: int = 1,
    calendar: HolidayCalendar | None = None,
    fees: FeeTable | None = None,
) -> RenewalResult:
    """Compute the renewal dates from a registration date or an expiry date."""
    if (registration_date is None) == (expiry_date is None):
        raise ValueError("give exactly one of registration_date or expiry_date")
    if classes < 1:
        raise ValueError("classes must be at least 1")
    cal = calendar or load_calendar()
    table = fees or load_fee_table()
    future = False
    if registration_date is not None:
        future = registration_date > today
        term_start: dt.date | None = registration_date
        expiry = term_expiry(registration_date, TERM_YEARS)
        kind: Literal["registration_date", "expiry_date"] = "registration_date"
    else:
        assert expiry_date is not None
        expiry, term_start, kind = expiry_date, None, "expiry_date"
    window_opens = add_months(expiry, -WINDOW_MONTHS) + dt.timedelta(days=1)
    window_end = deadline(expiry, cal)
    grace_end = deadline(add_months(expiry, GRACE_MONTHS), cal)
    if today < window_opens:
        phase, days_left = RenewalPhase.TOO_EARLY, (window_opens - today).days
    elif today <= window_end.due:
        phase, days_left = RenewalPhase.RENEWAL_WINDOW, (window_end.due - today).days
    elif today <= grace_end.due:
        phase, days_left = RenewalPhase.GRACE_PERIOD, (grace_end.due - today).days
    else:
        phase, days_left = RenewalPhase.LOST, (grace_end.due - today).days
    fee = (
        None
        if phase == RenewalPhase.LOST
        else renewal_fee(classes, late=phase == RenewalPhase.GRACE_PERIOD, table=table)
    )
    app = table.item("application")
    new_start = expiry + dt.timedelta(days=1)
    renewed_start, renewed_expiry, renewals = (
        _if_renewed(expiry, today, cal) if phase == RenewalPhase.LOST else (None, None, 0)
    )
    return RenewalResult(
        today=today,
        input_kind=kind,
        registration_date=registration_date,
        term_start=term_start,
        expiry=expiry,
        window_opens=window_opens,
        window_end=window_end,
        grace_end=grace_end,
        phase=phase,
        days_left=days_left,
        days_to_expiry=(expiry - today).days,
        classes=classes,
        fee=fee,
        new_application_fee_online=app.online * classes,
        new_application_fee_paper=app.paper * classes,
        new_term_start=new_start,
        new_term_end=term_expiry(new_start, TERM_YEARS),
        future_registration=future,
        if_renewed_term_start=renewed_start,
        if_renewed_expiry=renewed_expiry,
        renewals_needed=renewals,
    )


def _if_renewed(
    expiry: dt.date, today: dt.date, cal: HolidayCalendar
) -> tuple[dt.date, dt.date, int]:
    """The term open today had every renewal been made in time (each from the day after the last)."""
    count, start = 0, expiry
    while deadline(add_months(expiry, GRACE_MONTHS), cal).due < today:
        start = expiry + dt.timedelta(days=1)
        expiry = term_expiry(start, TERM_YEARS)
        count += 1
    return start, expiry, count


# --- explanations ---------------------------------------------------------------------------


def _explain_zh(r: RenewalResult) -> str:
    out: list[str] = []
    if r.future_registration:
        out.append(
            f"注意：核准注册日 {r.registration_date} 晚于今天（{r.today}），请核对日期；以下按该日期推算。"
        )
    if r.input_kind == "registration_date":
        out.append(
            f"核准注册日 {r.registration_date}，注册有效期十年（商标法第三十九条），"
            f"至 {r.expiry} 届满（期满日为十年后相应日的前一日，该月无相应日的为该月最后一日；实施条例第十二条）。"
        )
    else:
        out.append(f"注册有效期至 {r.expiry} 届满。")
    out.append(
        f"- 续展期：{r.window_opens} 至 {r.window_end.nominal}（期满前十二个月内，商标法第四十条）。"
    )
    if r.window_end.move_note("zh"):
        out.append(
            f"  {r.window_end.move_note('zh')} 不加收迟延费的最后一天按 {r.window_end.due} 计算；稳妥起见，建议在 {r.expiry} 前提交。"
        )
    out.append(f"- 宽展期：期满后六个月，至 {r.grace_end.due}（商标法第四十条，需加收迟延费）。")
    if r.grace_end.move_note("zh"):
        out.append(f"  {r.grace_end.move_note('zh')}")
    phase = {
        RenewalPhase.TOO_EARLY: f"今天（{r.today}）还未到续展期，还有 {r.days_left} 天开始可以续展。",
        RenewalPhase.RENEWAL_WINDOW: f"今天（{r.today}）处于续展期内，距不加收迟延费的最后一天还有 {r.days_left} 天，请尽快办理。",
        RenewalPhase.GRACE_PERIOD: f"今天（{r.today}）已过有效期，处于宽展期内，距宽展期结束还有 {r.days_left} 天，须加收迟延费，请立即办理。",
        RenewalPhase.LOST: f"今天（{r.today}）宽展期已于 {r.grace_end.due} 结束（已过 {-r.days_left} 天），未续展的注册商标将被注销，不能再续展。",
    }[r.phase]
    out.append(f"- {phase}")
    if r.fee is not None:
        prefix = "届时应缴" if r.phase == RenewalPhase.TOO_EARLY else "现在应缴"
        out.append(f"- {prefix}官费：{r.fee.explain('zh')}")
    if r.phase == RenewalPhase.LOST:
        out.append(
            f"- 可以怎么办：尽快重新提交注册申请（官费网上 {r.new_application_fee_online} 元、纸质 {r.new_application_fee_paper} 元，"
            f"{r.classes}类、每类10个项目以内）。商标被注销之日起一年内，商标局对他人与该商标相同或近似的申请不予核准"
            "（商标法（2019年修正）第五十条；法条没有为原注册人规定例外，原注册人重新申请是否受影响请咨询商标局或专家）；请在商标局网站查询注销公告日期，也可以预约专家咨询。"
        )
        if r.if_renewed_expiry is not None and r.input_kind == "registration_date":
            out.append(
                f"- 如果这件商标其实已经按时续展过（{r.renewals_needed}次），当前有效期应为 {r.if_renewed_term_start} 至 "
                f"{r.if_renewed_expiry}；请把最新注册证或续展证明上的有效期截止日告诉我，我再重新计算。"
            )
    else:
        out.append(
            f"- 续展后新的有效期：{r.new_term_start} 至 {r.new_term_end}（自上一届有效期满次日起计算十年，商标法第四十条）。"
        )
    out.append(
        "依据：《商标法》（2019年修正）第三十九、四十、五十条；《商标法实施条例》（2014年修订）第十二、三十三条。具体日期请以商标局注册簿记载为准。"
    )
    return "\n".join(out)


def _explain_en(r: RenewalResult) -> str:
    out: list[str] = []
    if r.future_registration:
        out.append(
            f"Note: the registration date {r.registration_date} is after today ({r.today}); please check it. Dates below assume it is right."
        )
    if r.input_kind == "registration_date":
        out.append(
            f"Registered on {r.registration_date}; the registration lasts ten years (Trademark Law Art. 39) and "
            f"expires on {r.expiry} (the day before the same calendar day ten years on, or the month's last day "
            "when that month has no such day; Implementing Regulations Art. 12)."
        )
    else:
        out.append(f"The registration expires on {r.expiry}.")
    out.append(
        f"- Renewal window: {r.window_opens} to {r.window_end.nominal} (the 12 months before expiry, Art. 40)."
    )
    if r.window_end.move_note("en"):
        out.append(
            f"  {r.window_end.move_note('en')} We count {r.window_end.due} as the last day without the surcharge; to be safe, file by {r.expiry}."
        )
    out.append(
        f"- Grace period: six months after expiry, until {r.grace_end.due} (Art. 40; late surcharge applies)."
    )
    if r.grace_end.move_note("en"):
        out.append(f"  {r.grace_end.move_note('en')}")
    phase = {
        RenewalPhase.TOO_EARLY: f"Today ({r.today}) is before the renewal window; it opens in {r.days_left} days.",
        RenewalPhase.RENEWAL_WINDOW: f"Today ({r.today}) is inside the renewal window: {r.days_left} days left to renew without surcharge. Please file soon.",
        RenewalPhase.GRACE_PERIOD: f"Today ({r.today}) is after expiry, in the grace period: {r.days_left} days left, with the late surcharge. File now.",
        RenewalPhase.LOST: f"Today ({r.today}) the grace period ended on {r.grace_end.due} ({-r.days_left} days ago). An unrenewed registration is cancelled and can no longer be renewed.",
    }[r.phase]
    out.append(f"- {phase}")
    if r.fee is not None:
        prefix = "Fee then due" if r.phase == RenewalPhase.TOO_EARLY else "Fee due now"
        out.append(f"- {prefix}: {r.fee.explain('en')}")
    if r.phase == RenewalPhase.LOST:
        out.append(
            f"- What you can do: file a new application as soon as possible (official fee {r.new_application_fee_online} CNY "
            f"online or {r.new_application_fee_paper} CNY on paper for {r.classes} class(es), up to 10 items each). For one "
            "year after the cancellation CNIPA does not approve other people's identical or similar marks (Trademark Law 2019, Art. 50; "
            "the article names no exception for the former owner, so ask CNIPA or an expert whether your new filing is affected). Check the cancellation date in the CNIPA register, or book an expert."
        )
        if r.if_renewed_expiry is not None and r.input_kind == "registration_date":
            out.append(
                f"- If the mark was in fact renewed in time ({r.renewals_needed} renewal(s)), the current term runs "
                f"{r.if_renewed_term_start} to {r.if_renewed_expiry}; tell me the expiry date on the latest "
                "certificate and I will recompute."
            )
    else:
        out.append(
            f"- New term after renewal: {r.new_term_start} to {r.new_term_end} (ten years from the day after the old expiry, Art. 40)."
        )
    out.append(
        "Legal basis: Trademark Law (2019 amendment) Arts. 39, 40, 50; Implementing Regulations (2014 revision) Arts. 12, 33. Confirm the dates in the CNIPA register."
    )
    return "\n".join(out)
