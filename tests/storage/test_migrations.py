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


def test_history_is_one_line_after_the_merge() -> None:
    # New migrations build on the newest one: one head, and no revision after the merge
    # point has two children (a second branch would need another merge).
    from alembic.script import ScriptDirectory

    from storage.db import alembic_config

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1, script.get_heads()
    after_merge = list(script.iterate_revisions(script.get_current_head(), "0005_merge"))
    for rev in after_merge:
        down = rev.down_revision
        if rev.revision != "0005_merge":
            assert isinstance(down, str), f"{rev.revision} merges branches: {down}"
        children = [r for r in after_merge if r.down_revision == rev.revision]
        assert len(children) <= 1, f"{rev.revision} has several children: {children}"


def test_sqlite_uses_wal(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()


def test_no_postgresql_without_an_explicit_url(monkeypatch: pytest.MonkeyPatch) -> None:
    # A developer's PostgreSQL on 127.0.0.1 must not be wiped by the plain test command.
    import tests.conftest as conftest

    monkeypatch.setattr(conftest, "PG_URL", "")
    assert conftest.pg_available() is False
    assert "TMBOT_TEST_PG_URL" in conftest.pg_skip_reason()
