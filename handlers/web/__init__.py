"""handlers.web.chat."""
