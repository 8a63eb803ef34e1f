"""`tmbot backup` / `tmbot restore`: a backup taken while serving brings the data back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from bot.core.settings import Settings
from handlers.cli.app import app
from storage.backup import BackupError, pg_commands, restore, sqlite_path
from storage.db import make_engine
from storage.models import FaqRecord

runner = CliRunner()


def _entries(url: str) -> int:
    engine = make_engine(url)
    with Session(engine) as s:
        n = len(list(s.exec(select(FaqRecord.id))))
    engine.dispose()
    return n


def test_backup_then_restore_brings_the_data_back(cli_env: Settings, tmp_path: Path) -> None:
    if sqlite_path(cli_env.database_url) is None:
        pytest.skip("the SQLite path; PostgreSQL goes through pg_dump")
    assert runner.invoke(app, ["ask", "续展费用"]).exit_code == 0  # creates and seeds the database
    before = _entries(cli_env.database_url)
    assert before > 0
    file = tmp_path / "b" / "tmbot.bak"
    result = runner.invoke(app, ["backup", str(file)])
    assert result.exit_code == 0, result.output
    # Lose the data, then restore.
    db = sqlite_path(cli_env.database_url)
    assert db is not None
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM faq_entry")
    conn.close()
    assert _entries(cli_env.database_url) == 0
    result = runner.invoke(app, ["restore", str(file), "--yes"])
    assert result.exit_code == 0, result.output
    assert _entries(cli_env.database_url) == before


def test_restore_refuses_a_file_that_is_not_a_database(cli_env: Settings, tmp_path: Path) -> None:
    junk = tmp_path / "junk.bak"
    junk.write_bytes(b"not a database" * 100)
    with pytest.raises(BackupError):
        restore("sqlite:///" + str(tmp_path / "x.db"), junk)
    assert not (tmp_path / "x.db").exists()


def test_postgresql_uses_pg_dump_custom_format(tmp_path: Path) -> None:
    dump, load = pg_commands("postgresql+psycopg://u:pw@db:5432/station", tmp_path / "s.dump")
    assert dump[:2] == ["pg_dump", "--format=custom"]
    assert dump[-1] == "postgresql://u:pw@db:5432/station"
    assert load[0] == "pg_restore" and "--clean" in load
