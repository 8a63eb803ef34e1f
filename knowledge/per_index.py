"""Values derived from one FAQ index, kept exactly as long as that index lives.

The facet map, the subject/facet counts and the spelling vocabulary are computed from an index
and reused by every turn. An `lru_cache` keyed by the index held up to four indexes alive after
admin edits or "Try a question" drafts had replaced them (tens of MiB each at 5,000 entries);
a weak key lets each go with its index.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

__all__ = ("per_index",)

K = TypeVar("K")
V = TypeVar("V")


def per_index(build: Callable[[K], V]) -> Callable[[K], V]:
    """Cache `build(index)` for as long as `index` is alive (computed once per index)."""
    values: weakref.WeakKeyDictionary[K, V] = weakref.WeakKeyDictionary()
    lock = threading.Lock()

    @wraps(build)
    def cached(index: K) -> V:
        try:
            return values[index]
        except KeyError:
            pass
        with lock:  # turns in several threads meet a new index at once: build it once
            if index not in values:
                values[index] = build(index)
            return values[index]

    return cached
