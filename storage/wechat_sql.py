"""The statements every inbound WeChat message runs, built once per dialect with bound
parameters and run below the ORM on the session's connection (storage/raw_sql.py): building
and executing ORM statements per call cost more than running them (see docs/benchmarks.md)."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Table, bindparam, exists, literal, literal_column, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql import Executable
from sqlmodel import Session

from storage import raw_sql
from storage.outbox import release_statement
from storage.raw_sql import Done

__all__ = ("execute",)


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


@cache
def _statements(dialect: str) -> dict[str, Executable]:
    from storage.wechat import WechatDelivery, WechatUser  # the models import this module

    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    deliveries, users = _table(WechatDelivery), _table(WechatUser)
    claim: Executable = (
        insert(deliveries)
        .values(
            delivery_id=bindparam("delivery_id"),
            openid=bindparam("openid"),
            status="running",
            created_at=bindparam("now"),
            updated_at=bindparam("now"),
        )
        .on_conflict_do_nothing()
        .returning(literal_column("1"))
    )
    statements: dict[str, Executable] = {"claim": claim}
    release = release_statement(dialect)
    for kind in ("message", "event"):
        at = f"{kind}_at"
        upsert = insert(users).values(
            openid=bindparam("openid"),
            subscribed=True,
            message_sent=0,
            event_sent=0,
            updated_at=bindparam("now"),
            **{at: bindparam("at")},
        )
        seen = statements[f"seen_{kind}"] = _window_opened(upsert, users, kind)
        if dialect == "postgresql":
            # With the outbox's release of what waited for the user (storage/wechat.py
            # `reopen_window`), and that after the claim (`claim_and_reopen`).
            statements[f"reopen_{kind}"] = release.add_cte(seen.cte(f"seen_{kind}"))
            statements[f"claim_reopen_{kind}"] = _claim_reopen(claim, release, kind)
    statements["cas"] = (
        update(deliveries)
        .where(
            deliveries.c.delivery_id == bindparam("d_id"), deliveries.c.status == bindparam("old")
        )
        .values(status=bindparam("new"), updated_at=bindparam("now"))
    )
    statements["cas_chunks"] = (
        update(deliveries)
        .where(
            deliveries.c.delivery_id == bindparam("d_id"), deliveries.c.status == bindparam("old")
        )
        .values(status=bindparam("new"), updated_at=bindparam("now"), chunks=bindparam("chunks"))
    )
    return statements


def _window_opened(upsert: Any, users: Table, kind: str) -> Any:
    """The user's row upserted as written to (`kind` "message" or "event"): its window starts
    at `at` unless a later one is already recorded, its count of messages sent in it is 0."""
    at, current = f"{kind}_at", users.c[f"{kind}_at"]
    return upsert.on_conflict_do_update(
        index_elements=[users.c.openid],
        set_={
            at: upsert.excluded[at],
            f"{kind}_sent": 0,
            "subscribed": True,
            "updated_at": upsert.excluded.updated_at,
        },
        where=current.is_(None) | (current < upsert.excluded[at]),
    )


def _claim_reopen(claim: Any, release: Any, kind: str) -> Executable:
    """PostgreSQL: the claim, and only when it is taken the window's upsert and the outbox's
    release, in one statement (storage/wechat.py `claim_and_reopen`); a row when claimed."""
    from storage.wechat import WechatUser

    users = _table(WechatUser)
    taken = claim.cte("claim")
    at = f"{kind}_at"
    columns = ["openid", "subscribed", "message_sent", "event_sent", "updated_at", at]
    values = select(
        bindparam("openid", type_=users.c.openid.type),
        literal(True),
        literal(0),
        literal(0),
        bindparam("now", type_=users.c.updated_at.type),
        bindparam("at", type_=users.c[at].type),
    ).select_from(taken)
    seen = _window_opened(pg_insert(users).from_select(columns, values), users, kind)
    released = release.where(exists(select(literal_column("1")).select_from(taken)))
    return (
        select(literal_column("1"))
        .select_from(taken)
        .add_cte(seen.cte(f"seen_{kind}"), released.cte("released"))
    )


def execute(session: Session, name: str, **params: Any) -> Done:
    """Run statement `name` in the session's transaction; its rows and rowcount."""
    return raw_sql.execute(session, _statements, name, params)
