"""A short, ticket-scoped name for the user behind a ticket, for staff pages and notices.

Staff need to tell users apart within a ticket, not to know their channel ids: a web
visitor's id is their identity cookie's content, and a notice in a group chat or an e-mail
travels far. The alias is derived from the ticket number, so the same user has a different
alias on each ticket and an alias cannot be turned back into the id.
"""

from __future__ import annotations

import hashlib

from storage.tickets import Ticket

__all__ = ("user_alias",)

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


def user_alias(ticket: Ticket) -> str:
    """E.g. 'U-7K3Q' (four characters, stable for the ticket)."""
    digest = hashlib.sha256(f"{ticket.number}|{ticket.channel}|{ticket.user_ref}".encode()).digest()
    value = int.from_bytes(digest[:4], "big")
    chars = [_ALPHABET[(value >> (5 * i)) & 31] for i in range(4)]
    return "U-" + "".join(chars)
