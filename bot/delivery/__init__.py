"""bot.delivery.worker."""
