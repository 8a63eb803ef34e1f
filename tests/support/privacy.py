"""Scans of the whole database for a user's traces (every table, every text or JSON column)."""

from __future__ import annotations

import json

from sqlalchemy import JSON, Column, String, cast, or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

__all__ = ("text_hits", "user_rows")


def _holds_text(column: Column) -> bool:
    kind = getattr(column.type, "impl", column.type)  # sqlmodel's AutoString wraps String
    return isinstance(kind, String | JSON)


def text_hits(engine: Engine, needles: tuple[str, ...]) -> list[str]:
    """`table.column` of every row whose text (or JSON, as text) holds one of `needles`."""
    hits: list[str] = []
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            for column in table.c:
                if not _holds_text(column):
                    continue
                as_text = cast(column, String)
                patterns = list(needles) + [json.dumps(n)[1:-1] for n in needles]
                query = table.select().where(or_(*(as_text.like(f"%{p}%") for p in patterns)))
                hits += [f"{table.name}.{column.name}" for _ in conn.execute(query)]
    return hits


def user_rows(engine: Engine, user_ref: str) -> list[str]:
    """`table.column` of every row whose id columns (user_ref, openid, recipient, chat_ref)
    equal `user_ref`."""
    found: list[str] = []
    with Session(engine) as session:
        for table in SQLModel.metadata.sorted_tables:
            for name in ("user_ref", "openid", "recipient", "chat_ref"):
                if name in table.c:
                    rows = session.connection().execute(
                        table.select().where(table.c[name] == user_ref)
                    )
                    found += [f"{table.name}.{name}" for _ in rows]
    return found
