"""tmbot's channel-agnostic conversation core."""

from bot.messages import Choice, Inbound, Reply

__all__ = ("Choice", "Inbound", "Reply")
