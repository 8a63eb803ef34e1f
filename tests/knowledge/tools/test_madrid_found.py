"""`find_parties` keeps the parties of the last texts read, per table: read again, a text's
parties are the same, in a list of their own; another table (another object, even with equal
contents changed) reads them afresh."""

from __future__ import annotations

import copy
import dataclasses

from knowledge.tools import find_parties, load_fee_table
from knowledge.tools import madrid as madrid_module


def test_parties_read_again_are_equal_and_a_new_list() -> None:
    text = "马德里指定美国、日本和欧盟 2个类"
    first = find_parties(text)
    assert [p.code for p in first] == ["US", "JP", "EU"]
    first.clear()
    again = find_parties(text)
    assert [p.code for p in again] == ["US", "JP", "EU"] and again is not first


def test_another_table_reads_its_own_parties() -> None:
    table = load_fee_table()
    text = "想在美国和日本注册商标"
    assert [p.code for p in find_parties(text, table)] == ["US", "JP"]
    changed = copy.deepcopy(dict(table.madrid))
    changed["parties"]["US"]["zh"] = ["美利坚"]
    other = dataclasses.replace(table, madrid=changed)
    assert [p.code for p in find_parties(text, other)] == ["JP"]
    assert [p.code for p in find_parties(text, table)] == ["US", "JP"]


def test_the_kept_parties_are_bounded() -> None:
    find_parties("美国")
    kept = madrid_module._per_table(load_fee_table().madrid).find
    assert kept.cache_info().maxsize is not None  # type: ignore[attr-defined]
