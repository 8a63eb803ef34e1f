"""Reset the PostgreSQL test database between tests."""

from __future__ import annotations

from sqlalchemy import create_engine, text


def reset_pg(url: str) -> None:
    """Drop every table (and alembic's version table) so each test migrates from scratch."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def truncate_pg(url: str) -> None:
    """Empty every table but Alembic's and restart the sequences, keeping the migrated schema.

    DELETE with foreign-key triggers off (session_replication_role) instead of TRUNCATE: on
    tables of a few rows TRUNCATE's new files and fsyncs cost 10x more, once per test.
    """
    engine = create_engine(url)
    with engine.begin() as conn:
        names = (
            conn.execute(
                text(
                    "SELECT tablename FROM pg_tables"
                    " WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
                )
            )
            .scalars()
            .all()
        )
        sequences = (
            conn.execute(text("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"))
            .scalars()
            .all()
        )
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        for name in names:
            conn.execute(text(f'DELETE FROM "{name}"'))
        for sequence in sequences:
            conn.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))
    engine.dispose()
