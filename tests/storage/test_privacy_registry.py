"""Every table that holds a user's id or contact has an eraser: a new one cannot be forgotten."""

from __future__ import annotations

import importlib
import pkgutil

from sqlalchemy import Column, Integer, MetaData, String, Table
from sqlmodel import SQLModel

import storage
from storage.erasers import ERASERS, NOT_USER_DATA, PERSONAL_COLUMNS, unregistered


def _all_tables() -> MetaData:
    # As Alembic's env does: every module under storage/, so every table is in the metadata.
    for module in pkgutil.iter_modules(storage.__path__):
        importlib.import_module(f"storage.{module.name}")
    return SQLModel.metadata


def test_every_table_with_user_data_has_an_eraser() -> None:
    assert unregistered(_all_tables()) == []


def test_erasers_are_for_tables_that_exist() -> None:
    assert set(ERASERS) <= set(_all_tables().tables)


def test_exempt_tables_hold_no_user_id() -> None:
    tables = _all_tables().tables
    for name in NOT_USER_DATA:
        assert "user_ref" not in tables[name].c and "openid" not in tables[name].c


def test_a_new_table_with_a_user_column_is_caught() -> None:
    scratch = MetaData()
    Table(
        "registered_mark",
        scratch,
        Column("id", Integer, primary_key=True),
        Column("user_ref", String),
    )
    Table(
        "delivery_part", scratch, Column("id", Integer, primary_key=True), Column("phone", String)
    )
    Table("report_figure", scratch, Column("id", Integer, primary_key=True), Column("n", Integer))
    assert unregistered(scratch) == ["delivery_part", "registered_mark"]
    assert {"user_ref", "phone", "contact", "openid"} <= PERSONAL_COLUMNS


def test_erasure_gives_the_users_rollup_days_a_key_that_cannot_be_matched(db_url: str) -> None:
    import datetime as dt

    from sqlmodel import Session, select

    from storage.db import make_engine, upgrade_db
    from storage.erasers import erase_subject
    from storage.stats import StatsUserDay, user_key

    upgrade_db(db_url)
    engine = make_engine(db_url)
    day = dt.date(2026, 12, 1)
    with Session(engine) as s:
        s.add(StatsUserDay(day=day, user_key=user_key("web", "visitor-a"), channel="web"))
        s.add(StatsUserDay(day=day, user_key=user_key("web", "visitor-b"), channel="web"))
        s.commit()
        now = dt.datetime(2026, 12, 4, tzinfo=dt.UTC)
        assert erase_subject(session=s, channel="web", user_ref="visitor-a", now=now)
        s.commit()
        keys = set(s.exec(select(StatsUserDay.user_key)))
    engine.dispose()
    assert len(keys) == 2  # the day still counts two active users
    assert user_key("web", "visitor-a") not in keys and user_key("web", "visitor-b") in keys
