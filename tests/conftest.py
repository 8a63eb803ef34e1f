"""Shared fixtures: each test gets its own database file and settings."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime, build_runtime, prepare_database, seed_database
from bot.core.settings import Settings, get_settings
from storage.db import make_engine
from tests.support.once import built_once
from tests.support.pg import schema_of, worker_url
from webhook import create_app

FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"
# Only a server the run was given: a PostgreSQL that merely answers on this machine may hold a
# developer's data, and these tests drop its schema. `.ci/run` names the CI server.
# Under pytest-xdist each process gets a schema of its own in that database (tests/support/pg.py).
PG_URL = worker_url(os.environ.get("TMBOT_TEST_PG_URL", ""))


def pg_skip_reason() -> str:
    """Why the PostgreSQL tests skip."""
    if not PG_URL:
        return "PostgreSQL tests need TMBOT_TEST_PG_URL (a database they may wipe)"
    return f"PostgreSQL not reachable at {PG_URL}"


def pg_available() -> bool:
    """True when the PostgreSQL named by TMBOT_TEST_PG_URL answers."""
    import psycopg

    if not PG_URL:
        return False
    try:
        with psycopg.connect(PG_URL.replace("+psycopg", ""), connect_timeout=2) as conn:
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema_of(PG_URL)}"')
            return True
    except psycopg.OperationalError:
        return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With TMBOT_TEST_DB=pg, run only the tests that use the test database.

    The PostgreSQL pass exists to try the dialect; a test without `db_url` in its fixture
    closure would run exactly as in the SQLite pass (tests that need PostgreSQL itself already
    ran there, through TMBOT_TEST_PG_URL).
    """
    if os.environ.get("TMBOT_TEST_DB") != "pg":
        return
    keep = [item for item in items if "db_url" in getattr(item, "fixturenames", ())]
    dropped = [item for item in items if "db_url" not in getattr(item, "fixturenames", ())]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


def _test_settings(url: str) -> Settings:
    return Settings(database_url=url, corpus_dir=FIXTURE_CORPUS, run_worker=False)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated and seeded SQLite file per run (tests/support/once.py); each test gets a copy
    (migrating per test is slow)."""

    def build(path: Path) -> None:
        engine = make_engine(f"sqlite:///{path}")
        prepare_database(_test_settings(f"sqlite:///{path}"), engine)
        engine.dispose()  # the last connection checkpoints the WAL into the file

    return built_once(tmp_path_factory, "template.db", build)


@pytest.fixture(scope="session")
def _pg_migrated() -> bool:
    """Migrate PostgreSQL once per session and keep the seeded rows; tests then only put them
    back (tests/support/pg.py, restore_pg)."""
    if not pg_available():
        return False
    from tests.support.pg import reset_pg, snapshot_pg, truncate_pg

    reset_pg(PG_URL)
    engine = make_engine(PG_URL)
    prepare_database(_test_settings(PG_URL), engine)
    # What a test starts from: the tables emptied and seeded again, as they were per test.
    truncate_pg(PG_URL)
    seed_database(_test_settings(PG_URL), engine)
    engine.dispose()
    snapshot_pg(PG_URL)
    return True


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database for one test: migrated and seeded with the fixture corpus and demo experts.

    SQLite by default (a copy of a template file), PostgreSQL when TMBOT_TEST_DB=pg. Tests
    marked `fresh_db` get an empty database with no schema at all.
    """
    fresh = request.node.get_closest_marker("fresh_db") is not None
    if os.environ.get("TMBOT_TEST_DB") == "pg":
        if not request.getfixturevalue("_pg_migrated"):
            pytest.skip(pg_skip_reason())
        from tests.support.pg import reset_pg, restore_pg

        if fresh:
            reset_pg(PG_URL)
            request.addfinalizer(lambda: _remigrate_pg())
        else:
            restore_pg(PG_URL)  # the schema stays at head: only the seed rows come back
        return PG_URL
    target = tmp_path / "tmbot.db"
    if not fresh:
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), target)
    return f"sqlite:///{target}"


def _remigrate_pg() -> None:
    from tests.support.pg import reset_pg

    reset_pg(PG_URL)
    engine = make_engine(PG_URL)
    prepare_database(_test_settings(PG_URL), engine)
    engine.dispose()


@pytest.fixture
def settings(db_url: str) -> Settings:
    """Settings on the test database and the small fixture corpus."""
    return Settings(
        database_url=db_url,
        corpus_dir=FIXTURE_CORPUS,
        station_phone="010-12345678",
        run_worker=False,  # tests drive app.state.worker.run_once() themselves
    )


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """The environment a `tmbot` command reads, pointed at the test database."""
    monkeypatch.setenv("TMBOT_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("TMBOT_CORPUS_DIR", str(settings.corpus_dir))
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()


@pytest.fixture
def clock() -> FixedClock:
    """2026-11-25 10:00 at the station (02:00 UTC)."""
    return FixedClock(dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC))


@pytest.fixture
def runtime(
    request: pytest.FixtureRequest, settings: Settings, clock: FixedClock
) -> Iterator[Runtime]:
    """Engine, migrated schema, seeded corpus and conversation core."""
    # The database is already migrated and seeded (see db_url) unless the test wants it fresh.
    rt = build_runtime(
        settings, clock=clock, migrate=request.node.get_closest_marker("fresh_db") is not None
    )
    yield rt
    rt.engine.dispose()


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    """The FastAPI app on the test runtime."""
    with TestClient(create_app(runtime.settings, runtime=runtime)) as c:
        yield c


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> None:
    """Cheap Argon2 parameters in tests (production keeps pwdlib's recommended ones)."""
    from pwdlib import PasswordHash
    from pwdlib.hashers.argon2 import Argon2Hasher

    from handlers.web.passwords import use_hasher

    use_hasher(PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),)))
