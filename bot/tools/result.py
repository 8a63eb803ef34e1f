"""JSON-able dicts of the tools' results: the `result` of `tmbot ask --json` and of the CLI.

Dates are ISO strings, amounts numbers; every result names its `tool` and, for fees, the fee
table's dates. Deadlines say whether the working-day rule moved them and why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from knowledge.tools import (
    ClassSuggestion,
    Deadline,
    FeeLine,
    MadridEstimate,
    NationalEstimate,
    PeriodResult,
    RenewalFee,
    RenewalResult,
)

__all__ = (
    "classes_result",
    "madrid_result",
    "national_result",
    "period_result",
    "renewal_fee_result",
    "renewal_result",
)


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _deadline(d: Deadline) -> dict[str, Any]:
    return {
        "nominal": d.nominal.isoformat(),
        "due": d.due.isoformat(),
        "moved": d.moved,
        "reason_zh": d.move_note("zh") or None,
        "reason_en": d.move_note("en") or None,
    }


def _moved(**deadlines: Deadline) -> list[dict[str, Any]]:
    return [
        {
            "which": name,
            "from": d.nominal.isoformat(),
            "to": d.due.isoformat(),
            "reason": d.move_note("en"),
        }
        for name, d in deadlines.items()
        if d.moved
    ]


def _lines(lines: Sequence[FeeLine], lang: str) -> list[dict[str, Any]]:
    return [
        {
            "label": ln.label(lang),
            "quantity": ln.quantity,
            "unit_amount": ln.unit_amount,
            "amount": ln.amount,
            **({"note": ln.note(lang)} if ln.note(lang) else {}),
        }
        for ln in lines
    ]


def renewal_fee_result(fee: RenewalFee) -> dict[str, Any]:
    """The renewal fee as a dict (both channels)."""
    return {
        "classes": fee.classes,
        "late": fee.late,
        "online_total": fee.online_total,
        "paper_total": fee.paper_total,
        "per_class_online": fee.per_class_online,
        "per_class_paper": fee.per_class_paper,
        "late_per_class_online": fee.late_per_class_online if fee.late else 0,
        "late_per_class_paper": fee.late_per_class_paper if fee.late else 0,
        "currency": "CNY",
        "as_of": fee.as_of.isoformat(),
        "effective": fee.effective.isoformat(),
    }


def renewal_result(r: RenewalResult) -> dict[str, Any]:
    """Every date and figure of a renewal computation."""
    out: dict[str, Any] = {
        "tool": "renewal",
        "today": r.today.isoformat(),
        "input": r.input_kind,
        "registration_date": _iso(r.registration_date),
        "expiry": r.expiry.isoformat(),
        "window_opens": r.window_opens.isoformat(),
        "window_end": _deadline(r.window_end),
        "grace_end": _deadline(r.grace_end),
        "phase": r.phase.value,
        "days_left": r.days_left,
        "days_to_expiry": r.days_to_expiry,
        "classes": r.classes,
        "fee": renewal_fee_result(r.fee) if r.fee is not None else None,
        "new_term": {"start": r.new_term_start.isoformat(), "end": r.new_term_end.isoformat()},
        "future_registration": r.future_registration,
        "moved": _moved(window_end=r.window_end, grace_end=r.grace_end),
    }
    if r.phase.value == "lost":
        out["new_application_fee"] = {
            "online": r.new_application_fee_online,
            "paper": r.new_application_fee_paper,
            "currency": "CNY",
        }
        out["if_renewed"] = {
            "term_start": _iso(r.if_renewed_term_start),
            "expiry": _iso(r.if_renewed_expiry),
            "renewals": r.renewals_needed,
        }
    return out


def period_result(p: PeriodResult) -> dict[str, Any]:
    """Opposition, refusal review, Madrid dependency or non-use exposure."""
    return {
        "tool": p.kind,
        "today": p.today.isoformat(),
        "start": p.start.isoformat(),
        "end": _deadline(p.end),
        "due": p.end.due.isoformat(),
        "days_left": p.days_left,
        "passed": p.passed,
        "deemed_receipt": _iso(p.deemed_receipt),
        "moved": _moved(end=p.end),
        # Opposition under the revised law, period unconfirmed: `due` is the safe date.
        "old_rule_due": p.old_rule_end.due.isoformat() if p.old_rule_end else None,
    }


def national_result(est: NationalEstimate, other_total: int, lang: str) -> dict[str, Any]:
    """A national filing estimate; `other_total` is the same filing by the other channel."""
    return {
        "tool": "fee_national",
        "classes": est.classes,
        "items": list(est.items),
        "channel": "online" if est.online else "paper",
        "lines": _lines(est.lines, lang),
        "total": est.total,
        "total_online": est.total if est.online else other_total,
        "total_paper": other_total if est.online else est.total,
        "currency": "CNY",
        "as_of": est.as_of.isoformat(),
        "effective": est.effective.isoformat(),
        "source": est.sources[0] if est.sources else None,
    }


def madrid_result(est: MadridEstimate, rate_as_of: dt.date | None, lang: str) -> dict[str, Any]:
    """A Madrid estimate in CHF with the CNY equivalent and the rate's date."""
    return {
        "tool": "fee_madrid",
        "parties": list(est.parties),
        "unknown": list(est.unknown),
        "excluded": [name for name, _, _ in est.excluded],
        "classes": est.classes,
        "colour": est.colour,
        "lines": _lines(est.lines, lang),
        # An unrecognised name means the total would be wrong: none is given.
        "complete": est.complete,
        "total_chf": est.total_chf if est.complete else None,
        "total_cny": est.total_cny if est.complete else None,
        "cny_rate": est.cny_rate,
        "rate_as_of": _iso(rate_as_of),
        "as_of": est.as_of,
        "indicative": est.indicative,
        "calculator": est.calculator,
    }


def classes_result(description: str, suggestions: Sequence[ClassSuggestion]) -> dict[str, Any]:
    """The Nice class finder's suggestions."""
    return {
        "tool": "classes",
        "description": description,
        "suggestions": [
            {
                "class": s.class_no,
                "heading": s.heading,
                "short": s.short,
                "terms": list(s.matched_terms),
                "reasons": list(s.reasons),
                "score": s.score,
            }
            for s in suggestions
        ],
    }
