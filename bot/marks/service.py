"""Saving a user's marks, and the user's own changes: delete, renewed, stop reminders."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from bot.marks.parse import Draft
from bot.marks.schedule import Tables, expiry_from_registration, milestones
from storage.marks import Mark, find_mark, marks_of

__all__ = ("Owner", "expiry_of", "future_milestones", "mark_by_id", "save_drafts", "set_status")


class Owner:
    """Who a chat mark belongs to, and where to write to them."""

    def __init__(self, channel: str, user_ref: str, chat_ref: str | None, lang: str) -> None:
        self.channel, self.user_ref, self.chat_ref, self.lang = channel, user_ref, chat_ref, lang


def expiry_of(draft: Draft, today: dt.date, tables: Tables) -> tuple[dt.date, bool]:
    """The draft's expiry (and whether renewals were assumed to reach the current term)."""
    assert draft.date is not None
    if draft.date_kind == "expiry":
        return draft.date, False
    return expiry_from_registration(draft.date, today, tables)


def save_drafts(
    *,
    session: Session,
    owner: Owner,
    drafts: list[Draft],
    today: dt.date,
    tables: Tables,
    now: dt.datetime,
) -> list[Mark]:
    """Create or update (by registration number) the owner's marks; new ones inherit the
    owner's earlier answer to the reminder question."""
    existing = marks_of(session=session, channel=owner.channel, user_ref=owner.user_ref)
    consent = next((m for m in existing if m.consent_at is not None), None)
    saved: list[Mark] = []
    for draft in drafts:
        expiry, _assumed = expiry_of(draft, today, tables)
        mark = find_mark(
            session=session, channel=owner.channel, user_ref=owner.user_ref, number=draft.number
        )
        if mark is None:
            mark = Mark(
                owner_channel=owner.channel,
                owner_ref=owner.user_ref,
                registration_number=draft.number,
                name=draft.name,
                expiry_date=expiry,
                consent=consent.consent if consent else False,
                consent_at=consent.consent_at if consent else None,
            )
        elif mark.expiry_date != expiry:
            mark.status = "active"  # a new term: reminders start again
        mark.chat_ref, mark.lang, mark.name = owner.chat_ref, owner.lang, draft.name
        mark.classes = ";".join(str(c) for c in draft.classes)
        mark.registration_date = draft.date if draft.date_kind == "registration" else None
        mark.expiry_date, mark.updated_at = expiry, now
        session.add(mark)
        saved.append(mark)
    session.flush()
    return saved


def mark_by_id(*, session: Session, owner: Owner, mark_id: int) -> Mark | None:
    """The owner's mark with this id (a button from a reminder), else None."""
    mark = session.get(Mark, mark_id)
    if mark is None or (mark.owner_channel, mark.owner_ref) != (owner.channel, owner.user_ref):
        return None
    return mark


def set_status(mark: Mark, status: str, by: str, now: dt.datetime) -> None:
    """'renewed' (by the user or staff) or 'stopped': no more reminders for this term."""
    mark.status, mark.updated_at = status, now
    if status == "renewed":
        mark.renewed_at, mark.renewed_by = now, by


def future_milestones(marks: list[Mark], today: dt.date, tables: Tables) -> int:
    """How many reminders are still ahead for these marks (one WeChat consent each)."""
    return sum(1 for m in marks for ms in milestones(m.expiry_date, tables) if ms.due >= today)
