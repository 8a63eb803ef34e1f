"""Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import storage
from storage.db import make_engine, upgrade_db


@pytest.mark.fresh_db
def test_upgrade_matches_models(db_url: str) -> None:
    for mod in pkgutil.iter_modules(storage.__path__):
        if mod.name not in {"db", "migrations"}:
            importlib.import_module(f"storage.{mod.name}")
    upgrade_db(db_url)
    upgrade_db(db_url)  # idempotent
    engine = make_engine(db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"


def test_sqlite_uses_wal(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()
