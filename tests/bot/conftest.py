"""Fixtures of the conversation tests shared by their modules."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.runtime import prepare_database
from storage.db import make_engine
from tests.support.dialog import dialogue_settings
from tests.support.once import built_once


@pytest.fixture(scope="session")
def dialogue_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dialogue tests' database (bundled corpus, demo experts) migrated and seeded once per
    run; each test copies it (tests/bot/test_dialogues.py, `rt`)."""

    def build(path: Path) -> None:
        engine = make_engine(f"sqlite:///{path}")
        prepare_database(dialogue_settings(f"sqlite:///{path}"), engine)
        engine.dispose()  # the last connection checkpoints the WAL into the file

    return built_once(tmp_path_factory, "dialogues.db", build)
