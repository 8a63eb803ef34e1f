"""handlers.cli.app."""
