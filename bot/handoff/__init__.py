"""bot.handoff.skill."""
