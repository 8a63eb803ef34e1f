"""One exception tree for tmbot's domain errors; handlers map them to HTTP or chat text."""

__all__ = ("CorpusError", "InvalidTransition", "NotFound", "SlotTaken", "TmbotError")


class TmbotError(Exception):
    """Root of tmbot's domain errors."""


class NotFound(TmbotError):
    """A requested record does not exist."""


class CorpusError(TmbotError):
    """A corpus file or entry is invalid; the message names the file and entry."""


class InvalidTransition(TmbotError):
    """A conversation flow was asked to move in a way its state machine forbids."""


class SlotTaken(TmbotError):
    """The consultation slot was booked by someone else first."""
