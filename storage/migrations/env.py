"""Alembic environment: every table module under storage/ is imported so autogenerate sees it."""

from __future__ import annotations

import importlib
import pkgutil

from alembic import context
from sqlmodel import SQLModel

import storage
from storage.db import make_engine

for _mod in pkgutil.iter_modules(storage.__path__):
    if _mod.name not in {"db", "migrations"}:
        importlib.import_module(f"storage.{_mod.name}")

target_metadata = SQLModel.metadata


def run_migrations() -> None:
    url = context.config.get_main_option("sqlalchemy.url") or ""
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url)
    with engine.connect() as connection:
        # Batch mode rewrites ALTERs for SQLite, which cannot alter most constraints in place.
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
