"""bot.tools."""
