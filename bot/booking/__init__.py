"""bot.booking.skill."""
