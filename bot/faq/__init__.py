"""bot.faq.skill."""
