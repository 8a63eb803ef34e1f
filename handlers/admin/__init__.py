"""handlers.admin.faq."""
