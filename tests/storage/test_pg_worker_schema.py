"""Parallel test processes each get a schema of their own in the one PostgreSQL they were given."""

from __future__ import annotations

from sqlalchemy.engine import make_url

from tests.support.pg import schema_of, worker_url

BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def test_a_worker_is_pinned_to_its_own_schema_and_a_single_process_to_public() -> None:
    gw1 = worker_url(BASE, "gw1")
    assert schema_of(gw1) == "tmbot_gw1"
    assert make_url(gw1).query["options"] == "-csearch_path=tmbot_gw1"  # what psycopg receives
    assert make_url(gw1).database == "test"  # the database named stays the one given
    assert worker_url(BASE, "") == BASE and schema_of(BASE) == "public"
    assert worker_url("", "gw0") == ""  # no server named: nothing to pin


def test_an_existing_query_is_kept() -> None:
    url = worker_url(BASE + "?connect_timeout=3", "gw0")
    assert make_url(url).query["connect_timeout"] == "3"
    assert schema_of(url) == "tmbot_gw0"
