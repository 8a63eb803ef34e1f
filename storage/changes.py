"""A cheap fingerprint of what the staff desk shows: it changes whenever a ticket, a transcript
line, an internal note or a booking is added or changed, by any worker or server.

One indexed-or-small query; the live feed (handlers/staff/live.py) runs it about twice a second
per process, however many staff tabs are open.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session

__all__ = ("fingerprint",)

_QUERY = text(
    "SELECT (SELECT MAX(id) FROM chat_message), (SELECT MAX(id) FROM ticket),"
    " (SELECT MAX(updated_at) FROM ticket), (SELECT MAX(id) FROM ticket_note),"
    " (SELECT MAX(id) FROM booking), (SELECT MAX(updated_at) FROM booking),"
    " (SELECT MAX(id) FROM outbox_message)"
)


def fingerprint(*, session: Session) -> str:
    """A string that differs whenever the desk's data changed."""
    row = session.execute(_QUERY).one()
    return "|".join("" if v is None else str(v) for v in row)
