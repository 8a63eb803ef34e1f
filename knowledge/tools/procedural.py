"""Other trademark periods: opposition, refusal review, Madrid dependency, non-use exposure.

- Opposition: 3 months from the preliminary-approval publication date (商标法 第三十三条);
  the law in force from 2027-01-01 may shorten it (a 2025 draft said 2 months; unconfirmed).
- Refusal review: 15 days from receipt of the refusal (第三十四条). An electronic notice is
  deemed received 15 days after it was sent unless the party proves the date the document
  entered its electronic system (实施条例（2014年修订）第十条); a mailed one whose postmark
  is illegible likewise, unless the party proves the actual date of receipt.
- Madrid dependency: 5 years from the international registration date (Madrid Protocol
  Art. 6(3)); a status date, not a time limit for an act, so it is never moved.
- Non-use exposure: a non-use cancellation may be requested once 3 years have passed since
  the registration was published (实施条例 第六十六条), against a mark unused for 3
  consecutive years (商标法 第四十九条); again a status date, never moved.

Every time limit for an act applies Art. 12's working-day move.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from knowledge.tools.counting import Deadline, add_days, add_months, deadline, status_date
from knowledge.tools.fees import FeeTable, load_fee_table
from knowledge.tools.periods import OppositionRule, load_periods, opposition_rule
from knowledge.tools.workdays import HolidayCalendar

__all__ = (
    "PeriodKind",
    "PeriodResult",
    "madrid_dependency_end",
    "nonuse_exposure",
    "opposition_deadline",
    "rejection_review_deadline",
)

PeriodKind = Literal["opposition", "rejection_review", "madrid_dependency", "nonuse_exposure"]
LAW_CHANGE = dt.date(2027, 1, 1)

_TITLES = {
    "opposition": ("异议期限", "Opposition deadline"),
    "rejection_review": ("驳回复审期限", "Deadline to request review of a refusal"),
    "madrid_dependency": ("马德里国际注册依附期结束", "End of the Madrid dependency period"),
    "nonuse_exposure": ("撤三风险起算", "Exposure to non-use cancellation"),
}


@dataclass(frozen=True)
class PeriodResult:
    """One computed period: trigger date, end (with any move), days left, notes, basis."""

    kind: PeriodKind
    today: dt.date
    start: dt.date
    start_label_zh: str
    start_label_en: str
    length_zh: str
    length_en: str
    end: Deadline
    basis_zh: str
    basis_en: str
    notes_zh: tuple[str, ...] = ()
    notes_en: tuple[str, ...] = ()
    deemed_receipt: dt.date | None = None
    extra: dict[str, dt.date] = field(default_factory=dict)
    # Opposition against a publication under the revised law, its period not yet confirmed:
    # `end` is the safe (2-month) date and this the 3-month date of the old rule.
    old_rule_end: Deadline | None = None

    @property
    def days_left(self) -> int:
        """Days from today to the (moved) end; negative once it has passed."""
        return (self.end.due - self.today).days

    @property
    def passed(self) -> bool:
        """Whether the end date is before today."""
        return self.days_left < 0

    def explain(self, lang: str = "zh") -> str:
        """The dates, any move and why, the days left, notes and the legal basis."""
        en = lang == "en"
        title = _TITLES[self.kind][1 if en else 0]
        if self.old_rule_end is not None:
            out = _two_dates(self, en)
        elif en:
            out = [
                f"{title}: {self.end.due.isoformat()}.",
                f"- {self.start_label_en}: {self.start}; period: {self.length_en}; counted end: {self.end.nominal}.",
            ]
        else:
            out = [
                f"{title}：{self.end.due.isoformat()}。",
                f"- {self.start_label_zh}：{self.start}；期间：{self.length_zh}；按期间计算的届满日：{self.end.nominal}。",
            ]
        if self.deemed_receipt is not None:
            out.append(
                f"- Deemed receipt: {self.deemed_receipt} (Reg. Art. 10)."
                if en
                else f"- 视为送达日：{self.deemed_receipt}（实施条例第十条）。"
            )
        note = self.end.move_note(lang)
        if note:
            out.append(f"- {note}")
        if not self.end.move_applies:
            out.append(
                "- This is not a time limit for filing something, so it does not move to a working day."
                if en
                else "- 这不是办理手续的期限，不适用节假日顺延。"
            )
        out.append(_days_line(self, en))
        out += [f"- {n}" for n in (self.notes_en if en else self.notes_zh)]
        out.append(f"Legal basis: {self.basis_en}" if en else f"依据：{self.basis_zh}")
        return "\n".join(out)


def _two_dates(r: PeriodResult, en: bool) -> list[str]:
    old = r.old_rule_end
    assert old is not None
    if en:
        return [
            f"Opposition deadline, safe date: {r.end.due.isoformat()} (2 months, as the 2025 draft "
            f"proposed); statutory date under the old rule: {old.due.isoformat()} (3 months).",
            f"- {r.start_label_en}: {r.start}; counted ends: {r.end.nominal} (2 months), "
            f"{old.nominal} (3 months).",
            "- The publication falls under the revised Trademark Law (in force 2027-01-01), whose "
            "opposition period we have not confirmed in the official text: file by the safe date.",
        ]
    return [
        f"异议期限：稳妥期限 {r.end.due.isoformat()}（按2025年草案的2个月计算）；"
        f"旧法规定的期限 {old.due.isoformat()}（3个月）。",
        f"- {r.start_label_zh}：{r.start}；按期间计算的届满日：{r.end.nominal}（2个月）、{old.nominal}（3个月）。",
        "- 该公告适用2027年1月1日起施行的新商标法，本站尚未在新法正式文本中确认异议期，请按稳妥期限提交。",
    ]


def opposition_deadline(
    publication_date: dt.date,
    *,
    today: dt.date,
    calendar: HolidayCalendar | None = None,
    rule: OppositionRule | None = None,
) -> PeriodResult:
    """Last day to oppose a mark published for preliminary approval on `publication_date`.

    For a publication under the revised law (from 2027-01-01) whose period the station has not
    confirmed in data (periods.yaml `revised_law`), the result's `end` is the safe 2-month date
    and `old_rule_end` the 3-month date of the old rule; both are shown, labelled.
    """
    rule = rule or opposition_rule()
    rows = load_periods()
    old_months, safe_months = rows["opposition"].amount, rows["opposition_2027_safe"].amount
    after = publication_date >= rule.in_force_from

    def end_after(months: int) -> Deadline:
        return deadline(add_months(publication_date, months), calendar)

    if after and rule.confirmed_months is None:
        return _opposition(
            publication_date,
            today,
            end_after(safe_months),
            (
                f"{safe_months}个月（稳妥）/ {old_months}个月（旧法）",
                f"{safe_months} months (safe) / {old_months} months (old rule)",
            ),
            (
                "2019年《商标法》第三十三条（3个月，旧法）；新法的异议期未经本站确认；"
                "《商标法实施条例》（2014年修订）第十二条（期间计算）。",
                "Trademark Law 2019, Art. 33 (3 months, old rule); the revised law's period is "
                "not confirmed by us; Implementing Regulations 2014, Art. 12 (counting).",
            ),
            (
                "请以商标局公告载明的异议期为准；如需确认，可回复“人工”联系工作人员。",
                'The period stated in the CNIPA gazette prevails; reply "human" to ask staff.',
            ),
            old_rule_end=end_after(old_months),
        )
    if after and rule.confirmed_months is not None:
        months = rule.confirmed_months
        return _opposition(
            publication_date,
            today,
            end_after(months),
            (f"{months}个月", f"{months} months"),
            (
                f"《商标法》（2026年修订）：{rule.source}；《商标法实施条例》（2014年修订）第十二条（期间计算）。",
                f"Trademark Law (2026 revision): {rule.source}; Implementing Regulations 2014, Art. 12 (counting).",
            ),
        )
    return _opposition(
        publication_date,
        today,
        end_after(old_months),
        ("三个月", "3 months"),
        (
            "《商标法》（2019年修正）第三十三条；《商标法实施条例》（2014年修订）第十二条（公告当日不计入，期间届满日遇节假日顺延）。",
            "Trademark Law (2019 amendment) Art. 33; Implementing Regulations (2014 revision) Art. 12 (publication day not counted; a last day on a holiday moves).",
        ),
        (
            "2027-01-01 起施行的新商标法可能调整异议期（2025年草案曾拟改为2个月，最终文本未经确认），"
            "2027年以后的公告请以商标局公告载明的异议期为准。",
            "The revised Trademark Law in force from 2027-01-01 may change this period (a 2025 draft "
            "proposed 2 months; the adopted text is unconfirmed). For publications from 2027 on, check "
            "the period stated in the CNIPA gazette.",
        ),
    )


def _opposition(
    publication_date: dt.date,
    today: dt.date,
    end: Deadline,
    length: tuple[str, str],
    basis: tuple[str, str],
    note: tuple[str, str] | None = None,
    *,
    old_rule_end: Deadline | None = None,
) -> PeriodResult:
    return PeriodResult(
        kind="opposition",
        today=today,
        start=publication_date,
        start_label_zh="初步审定公告日",
        start_label_en="Preliminary-approval publication date",
        length_zh=length[0],
        length_en=length[1],
        end=end,
        basis_zh=basis[0],
        basis_en=basis[1],
        notes_zh=(note[0],) if note else (),
        notes_en=(note[1],) if note else (),
        old_rule_end=old_rule_end,
    )


def rejection_review_deadline(
    *,
    today: dt.date,
    received: dt.date | None = None,
    sent: dt.date | None = None,
    electronic: bool = True,
    calendar: HolidayCalendar | None = None,
    fees: FeeTable | None = None,
) -> PeriodResult:
    """Last day to request review of a refusal: 15 days from receipt (or deemed receipt)."""
    if received is None and sent is None:
        raise ValueError("give the date the refusal was received, or the date it was sent")
    deemed: dt.date | None = None
    notes_zh: list[str] = []
    notes_en: list[str] = []
    if received is None:
        assert sent is not None
        deemed = add_days(sent, 15)
        start = deemed
        how_zh = "电子送达" if electronic else "邮寄且邮戳不清"
        how_en = (
            "an electronic notice" if electronic else "a mailed notice with an illegible postmark"
        )
        notes_zh.append(
            f"按{how_zh}计算：自发文之日 {sent} 起满15日（{deemed}）视为送达。"
            + (
                "如能证明文件进入您电子系统的日期，以该日期为送达日（实施条例（2014年修订）第十条），期限可能更早届满。"
                if electronic
                else "如能证明实际收到日，以该日为送达日（实施条例（2014年修订）第十条），期限可能更早届满。"
            )
        )
        notes_en.append(
            f"Computed as {how_en}: deemed received 15 days after it was sent on {sent}, i.e. {deemed}. "
            + (
                "If you can prove the date the document entered your electronic system, that date "
                "counts as receipt (Regulations 2014, Art. 10) and the period may end earlier."
                if electronic
                else "If you can prove the actual date of receipt, that date counts (Regulations "
                "2014, Art. 10) and the period may end earlier."
            )
        )
    else:
        start = received
    end = deadline(add_days(start, 15), calendar)
    fee = (fees or load_fee_table()).item("review")
    notes_zh.append(
        f"复审官费：网上 {fee.online} 元/类、纸质 {fee.paper} 元/类。期限很短，建议尽快准备或预约专家。"
    )
    notes_en.append(
        f"Official review fee: {fee.online} CNY per class online, {fee.paper} on paper. "
        "The period is short; prepare now or book an expert."
    )
    return PeriodResult(
        kind="rejection_review",
        today=today,
        start=start,
        start_label_zh="收到驳回通知之日" if received else "视为收到驳回通知之日",
        start_label_en="Refusal received" if received else "Refusal deemed received",
        length_zh="十五日",
        length_en="15 days",
        end=end,
        basis_zh="《商标法》（2019年修正）第三十四条；《商标法实施条例》（2014年修订）第十条（送达）、第十二条（期间计算）。",
        basis_en="Trademark Law (2019 amendment) Art. 34; Implementing Regulations (2014 revision) Art. 10 (service) and Art. 12 (counting).",
        notes_zh=tuple(notes_zh),
        notes_en=tuple(notes_en),
        deemed_receipt=deemed,
    )


def madrid_dependency_end(
    international_registration_date: dt.date, *, today: dt.date
) -> PeriodResult:
    """When an international registration stops depending on the Chinese basic mark."""
    ir = international_registration_date
    end = status_date(add_months(ir, 60))
    return PeriodResult(
        kind="madrid_dependency",
        today=today,
        start=ir,
        start_label_zh="国际注册日",
        start_label_en="International registration date",
        length_zh="五年",
        length_en="5 years",
        end=end,
        basis_zh="《商标国际注册马德里协定有关议定书》第六条第（三）款（五年依附期）、第九条之五（转换）。",
        basis_en="Madrid Protocol Art. 6(3) (five-year dependency) and Art. 9quinquies (transformation).",
        notes_zh=(
            "在此之前，国内基础申请或注册被驳回、撤销、宣告无效或限制的，国际注册在相应范围内一并失效"
            "（在此之前已启动的程序在之后作出决定的也算）；国际注册被撤销后三个月内可在各指定国转为国家申请，保留国际注册日。",
        ),
        notes_en=(
            "Until then, if the Chinese basic application or registration is refused, cancelled, invalidated "
            "or limited (including by a decision after that date in proceedings begun before it), the "
            "international registration falls to the same extent; within 3 months of such a cancellation "
            "it can be transformed into national filings that keep the IR date.",
        ),
    )


def nonuse_exposure(registration_date: dt.date, *, today: dt.date) -> PeriodResult:
    """From when a registered mark can be attacked for 3 consecutive years of non-use."""
    end = status_date(add_months(registration_date, 36))
    return PeriodResult(
        kind="nonuse_exposure",
        today=today,
        start=registration_date,
        start_label_zh="核准注册（注册公告）日",
        start_label_en="Registration (publication) date",
        length_zh="三年",
        length_en="3 years",
        end=end,
        basis_zh="《商标法》（2019年修正）第四十九条第二款；《商标法实施条例》（2014年修订）第六十六条、第六十七条。",
        basis_en="Trademark Law (2019 amendment) Art. 49(2); Implementing Regulations (2014 revision) Arts. 66-67.",
        notes_zh=(
            "满三年后，任何人可以以“连续三年不使用”为由申请撤销；届时应能提交申请日前三年内的使用证据"
            "（被许可人的使用也算）或正当理由，收到通知后2个月内提交。马德里指定中国的商标，自驳回期满之日起算三年。",
        ),
        notes_en=(
            "After that day anyone may ask CNIPA to cancel the mark for three consecutive years of non-use; "
            "the owner must then show use in the three years before the request (a licensee's use counts) or "
            "a proper reason, within 2 months of the notice. For a Madrid mark designating China, the three "
            "years run from the end of the refusal period.",
        ),
    )


def _days_line(r: PeriodResult, en: bool) -> str:
    d = r.days_left
    if r.kind in ("madrid_dependency", "nonuse_exposure"):
        if d > 0:
            return f"- {d} days from today." if en else f"- 距今天还有 {d} 天。"
        return f"- Already reached ({-d} days ago)." if en else f"- 已于 {-d} 天前届至。"
    if d > 0:
        return (
            f"- {d} days left from today ({r.today})."
            if en
            else f"- 今天（{r.today}）起还剩 {d} 天。"
        )
    if d == 0:
        return "- Today is the last day." if en else "- 今天就是最后一天。"
    return f"- The deadline passed {-d} days ago." if en else f"- 期限已过 {-d} 天。"
