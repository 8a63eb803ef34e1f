"""handlers.telegram.adapter."""
