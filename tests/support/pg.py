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
