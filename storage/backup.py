"""Backups of the database: SQLite's online backup API, PostgreSQL's pg_dump/pg_restore.

An online backup is consistent while tmbot keeps serving (WAL readers and writers go on).
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.errors import TmbotError

__all__ = ("BackupError", "backup", "pg_commands", "restore", "sqlite_path")


class BackupError(TmbotError):
    """A backup or restore could not be made; the message says why."""


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL, or None for another database."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(parsed.database)


def pg_commands(url: str, file: Path) -> tuple[list[str], list[str]]:
    """The pg_dump and pg_restore command lines for `url` (custom format, no owners)."""
    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    dump = ["pg_dump", "--format=custom", "--no-owner", f"--file={file}", plain]
    load = ["pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={plain}", str(file)]
    return dump, load


def backup(url: str, file: Path) -> Path:
    """Write a consistent copy of the database at `url` to `file`."""
    source = sqlite_path(url)
    if source is None:
        dump, _ = pg_commands(url, file)
        _run(dump)
        return file
    if not source.exists():
        raise BackupError(f"no database at {source}")
    file.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(file) as dst:
        src.backup(dst)
    dst.close()
    src.close()
    return file


def restore(url: str, file: Path) -> None:
    """Replace the database at `url` with the backup `file` (stop tmbot first)."""
    if not file.exists():
        raise BackupError(f"no backup at {file}")
    target = sqlite_path(url)
    if target is None:
        _, load = pg_commands(url, file)
        _run(load)
        return
    try:
        with sqlite3.connect(file) as source:
            if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{file} is not a sound SQLite database")
            target.parent.mkdir(parents=True, exist_ok=True)
            # The backup API in reverse: pages are written under SQLite's own locks, so the
            # WAL and any open connection stay consistent (a file copy would corrupt them).
            with sqlite3.connect(target) as dest:
                source.backup(dest)
            dest.close()
        source.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{file} is not a SQLite database: {exc}") from exc


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL client tools)")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:500]}")
