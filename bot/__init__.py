"""tmbot's channel-agnostic conversation core."""

from bot.core.messages import Choice, Inbound, Reply

__all__ = ("Choice", "Inbound", "Reply")
