"""Shared fixtures: each test gets its own database file and settings."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.ports import FixedClock
from bot.runtime import Runtime, build_runtime
from bot.settings import Settings
from webhook import create_app

FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"
PG_URL = os.environ.get("TMBOT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def pg_available() -> bool:
    """True when the PostgreSQL of the CI machine answers."""
    import psycopg

    try:
        with psycopg.connect(PG_URL.replace("+psycopg", ""), connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A fresh SQLite database file, or PostgreSQL when TMBOT_TEST_DB=pg (reset per test)."""
    if os.environ.get("TMBOT_TEST_DB") == "pg":
        if not pg_available():
            pytest.skip(f"PostgreSQL not reachable at {PG_URL}")
        from tests.support.pg import reset_pg

        reset_pg(PG_URL)
        return PG_URL
    return f"sqlite:///{tmp_path / 'tmbot.db'}"


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
def clock() -> FixedClock:
    """2026-11-25 10:00 at the station (02:00 UTC)."""
    return FixedClock(dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC))


@pytest.fixture
def runtime(settings: Settings, clock: FixedClock) -> Iterator[Runtime]:
    """Engine, migrated schema, seeded corpus and conversation core."""
    rt = build_runtime(settings, clock=clock)
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

    from handlers.passwords import use_hasher

    use_hasher(PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),)))
