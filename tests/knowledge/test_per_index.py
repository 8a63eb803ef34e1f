"""Values derived from an FAQ index live exactly as long as the index (knowledge/per_index.py)."""

from __future__ import annotations

import gc
import threading
import weakref

from bot.core.settings import BUNDLED_CORPUS
from bot.faq.facets import facet_map
from knowledge.index import FaqIndex
from knowledge.loader import load_corpus
from knowledge.per_index import per_index


class _Index:
    """Stands for an index: any object that can be weakly referenced."""


def test_a_value_is_built_once_per_index_and_goes_with_it() -> None:
    built: list[int] = []

    @per_index
    def size(index: _Index) -> _Index:
        built.append(1)
        return _Index()  # anything weakly referable, to see it go

    first = _Index()
    assert size(first) is size(first) and len(built) == 1
    second = _Index()
    value = weakref.ref(size(second))
    assert len(built) == 2
    del second
    gc.collect()
    assert value() is None  # the replaced index took its derived value with it


def test_threads_meeting_a_new_index_build_it_once() -> None:
    built: list[int] = []
    barrier = threading.Barrier(8)

    @per_index
    def slow(index: _Index) -> int:
        built.append(1)
        return id(index)

    index = _Index()
    results: list[int] = []

    def turn() -> None:
        barrier.wait()
        results.append(slow(index))

    threads = [threading.Thread(target=turn) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(built) == 1 and len(set(results)) == 1 and len(results) == 8


def test_the_facet_map_of_a_replaced_index_is_released() -> None:
    entries = load_corpus(BUNDLED_CORPUS)
    old = FaqIndex(entries)
    fmap = weakref.ref(facet_map(old))
    assert facet_map(FaqIndex(entries)) is not fmap()  # a new index, its own map
    del old
    gc.collect()
    assert fmap() is None
