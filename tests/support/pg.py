"""The PostgreSQL test database: one schema per test process, reset between tests."""

from __future__ import annotations

import os
from urllib.parse import parse_qs, quote, urlsplit

from sqlalchemy import Connection, create_engine, text

# Parallel test processes (pytest-xdist) share the one database the run was given; each works in
# a schema of its own, named by its worker id, so one process's reset never drops another's tables.
_OPTION = "-csearch_path="


def worker_url(base: str, worker: str | None = None) -> str:
    """`base` as this test process should use it: under xdist, pinned to the worker's schema."""
    worker = worker if worker is not None else os.environ.get("PYTEST_XDIST_WORKER", "")
    if not base or not worker:
        return base
    joiner = "&" if urlsplit(base).query else "?"
    return f"{base}{joiner}options={quote(_OPTION + 'tmbot_' + worker)}"


def schema_of(url: str) -> str:
    """The schema a test URL works in (`public` unless worker_url pinned one)."""
    for option in parse_qs(urlsplit(url).query).get("options", []):
        if option.startswith(_OPTION):
            return option.removeprefix(_OPTION)
    return "public"


def reset_pg(url: str) -> None:
    """Drop the test schema with every table (and alembic's version table) and create it empty."""
    schema = schema_of(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()


def truncate_pg(url: str) -> None:
    """Empty every table but Alembic's and restart the sequences, keeping the migrated schema.

    DELETE with foreign-key triggers off (session_replication_role) instead of TRUNCATE: on
    tables of a few rows TRUNCATE's new files and fsyncs cost 10x more, once per test.
    """
    schema = schema_of(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        names = (
            conn.execute(
                text(
                    "SELECT tablename FROM pg_tables"
                    " WHERE schemaname = :schema AND tablename <> 'alembic_version'"
                ),
                {"schema": schema},
            )
            .scalars()
            .all()
        )
        sequences = (
            conn.execute(
                text("SELECT sequencename FROM pg_sequences WHERE schemaname = :schema"),
                {"schema": schema},
            )
            .scalars()
            .all()
        )
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        for name in names:
            conn.execute(text(f'DELETE FROM "{schema}"."{name}"'))
        for sequence in sequences:
            conn.execute(text(f'ALTER SEQUENCE "{schema}"."{sequence}" RESTART'))
    engine.dispose()


def _seed_schema(schema: str) -> str:
    return f"{schema}_seed"


def snapshot_pg(url: str) -> None:
    """Keep the test schema's rows and sequence positions (a freshly seeded one) in a schema of
    their own beside it, for `restore_pg`."""
    schema = schema_of(url)
    seed = _seed_schema(schema)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{seed}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{seed}"'))
        for name in _tables(conn, schema):
            conn.execute(text(f'CREATE TABLE "{seed}"."{name}" AS TABLE "{schema}"."{name}"'))
        conn.execute(
            text(
                f'CREATE TABLE "{seed}"."_sequences" AS SELECT sequencename, last_value'
                " FROM pg_sequences WHERE schemaname = :schema"
            ),
            {"schema": schema},
        )
    engine.dispose()
    _restore_scripts.pop(url, None)


def restore_pg(url: str) -> None:
    """Put the rows and sequence positions `snapshot_pg` kept back (the schema must be the
    same): what truncate_pg and a new seed give, in one transaction of plain SQL."""
    script = _restore_scripts.get(url)
    if script is None:
        script = _restore_scripts[url] = _restore_script(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(script)
    engine.dispose()


_restore_scripts: dict[str, str] = {}


def _restore_script(url: str) -> str:
    schema = schema_of(url)
    seed = _seed_schema(schema)
    engine = create_engine(url)
    with engine.connect() as conn:
        names = _tables(conn, schema)
        seeded = [
            name
            for name in _tables(conn, seed)
            if name != "_sequences"
            and conn.execute(text(f'SELECT EXISTS (SELECT FROM "{seed}"."{name}")')).scalar()
        ]
        sequences = conn.execute(text(f'SELECT sequencename, last_value FROM "{seed}"._sequences'))
        positions = [(str(name), value) for name, value in sequences]
    engine.dispose()
    # Foreign-key triggers off while the rows come back, as in truncate_pg.
    lines = ["SET LOCAL session_replication_role = replica"]
    lines += [f'DELETE FROM "{schema}"."{name}"' for name in names]
    lines += [f'INSERT INTO "{schema}"."{name}" TABLE "{seed}"."{name}"' for name in seeded]
    for name, value in positions:
        if value is None:  # never used since the restart
            lines.append(f'ALTER SEQUENCE "{schema}"."{name}" RESTART')
        else:
            lines.append(f'SELECT setval(\'"{schema}"."{name}"\', {int(value)}, true)')
    return ";\n".join(lines)


def _tables(conn: Connection, schema: str) -> list[str]:
    return [
        str(name)
        for name in conn.execute(
            text(
                "SELECT tablename FROM pg_tables"
                " WHERE schemaname = :schema AND tablename <> 'alembic_version'"
                " ORDER BY tablename"
            ),
            {"schema": schema},
        ).scalars()
    ]
