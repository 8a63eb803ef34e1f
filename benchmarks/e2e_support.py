"""Shared by the end-to-end scripts: a migrated SQLite database with the fixture corpus."""

from __future__ import annotations

from pathlib import Path

from bot.core.runtime import prepare_database
from bot.core.settings import Settings
from storage.db import make_engine

__all__ = ("ROOT", "fresh_settings")

ROOT = Path(__file__).resolve().parent.parent


def fresh_settings(folder: Path) -> Settings:
    """Settings on a new database in `folder`, migrated and seeded (demo experts)."""
    url = f"sqlite:///{folder / 'e2e.db'}"
    settings = Settings(
        database_url=url, corpus_dir=ROOT / "tests/fixtures/corpus", run_worker=False
    )
    engine = make_engine(url)
    prepare_database(settings, engine)
    engine.dispose()
    return settings
