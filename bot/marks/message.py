"""What the user reads about a mark: its line in "my marks", and the reminder message."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.marks.schedule import Tables, phase, status_on
from bot.marks.texts import mt
from knowledge.tools import RenewalPhase
from storage.marks import Mark

__all__ = ("mark_line", "next_deadline_text", "reminder_payload")


def _classes(mark: Mark) -> str:
    return mark.classes.replace(";", "、") if mark.classes else "-"


def next_deadline_text(mark: Mark, today: dt.date, tables: Tables, lang: str) -> str:
    """'in the renewal window; last day without surcharge 2027-03-06 (92 days left)' etc."""
    if mark.status in ("renewed", "stopped"):
        return mt(f"status.{mark.status}", lang)
    name, due, days = phase(mark.expiry_date, today, tables)
    if name == "upcoming":
        opens = status_on(mark.expiry_date, today, tables).window_opens
        return mt("phase.upcoming", lang, opens=opens, days=(opens - today).days)
    return mt(f"phase.{name}", lang, due=due, days=days)


def mark_line(mark: Mark, today: dt.date, tables: Tables, lang: str) -> str:
    """One mark with its next deadline, for lists and confirmations."""
    head = mt(
        "line",
        lang,
        name=mark.name,
        number=mark.registration_number,
        classes=_classes(mark),
        expiry=mark.expiry_date,
    )
    sep = ": " if lang == "en" else "："
    return f"{head}{sep}{next_deadline_text(mark, today, tables, lang)}"


def reminder_payload(
    mark: Mark, milestone: str, today: dt.date, tables: Tables, *, notice_field: str = "thing1"
) -> dict[str, Any]:
    """The outbox payload of one reminder: text (deadlines, fee, how to renew), subject for
    e-mail, buttons, and the 20-character WeChat notice used outside the chat window."""
    lang = mark.lang
    r = status_on(mark.expiry_date, today, tables, classes=len(mark.class_list) or 1)
    number, name = mark.registration_number, mark.name
    lines = [mt("r.head", lang, name=name, number=number, classes=_classes(mark), expiry=r.expiry)]
    if r.phase == RenewalPhase.GRACE_PERIOD:
        lines.append(mt("r.grace_now", lang, due=r.grace_end.due, days=r.days_left))
        due = r.grace_end.due
    else:
        days = (r.window_end.due - today).days
        lines.append(mt("r.window", lang, opens=r.window_opens, due=r.window_end.due, days=days))
        if r.window_end.move_note(lang):
            lines.append(f"  {r.window_end.move_note(lang)}")
        lines.append(mt("r.grace", lang, due=r.grace_end.due))
        due = r.window_end.due
    if r.fee is not None:
        lines.append(mt("r.fee", lang, fee=r.fee.explain(lang)))
    lines += [mt("r.how", lang), mt("r.reply", lang, number=number)]
    return {
        "text": "\n".join(lines),
        "subject": mt("r.subject", lang, name=name, number=number),
        "choices": [
            {"label": mt("r.book", lang), "payload": "book:start"},
            {"label": mt("r.renewed", lang), "payload": f"marks:renewed:{mark.id}"},
            {"label": mt("r.stop", lang), "payload": f"marks:stop:{mark.id}"},
        ],
        "sender": "reminder",  # the web chat shows it as a reminder, not a staff reply
        "kind": "mark_reminder",
        "mark": number,
        "milestone": milestone,
        # Outside WeChat's 48-hour window only a subscription notice (20 characters) can go.
        "notice": {
            notice_field: mt("r.notice", lang, number=number, month=due.month, day=due.day)[:20]
        },
    }
