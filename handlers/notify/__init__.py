"""handlers.notify."""
