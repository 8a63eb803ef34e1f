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
    """Empty every table but Alembic's, keeping the migrated schema."""
    engine = create_engine(url)
    with engine.begin() as conn:
        names = (
            conn.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
                )
            )
            .scalars()
            .all()
        )
        if names:
            conn.execute(
                text("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " RESTART IDENTITY CASCADE")
            )
    engine.dispose()
