"""A bounded, thread-safe memo for pure computations that repeat across turns.

A station's traffic repeats a small head of questions ("续展要交多少钱" hundreds of times a day):
what the FAQ path computes from the text alone (retrieval's ranking, an entry's rendered answer)
is the same every time. A `Memo` keeps the latest `size` results, least recently used out first,
so a flood of new texts costs one insertion each and never grows memory.

The owner decides validity: a memo lives on the object whose lifetime bounds its results (the
FaqIndex for its rankings), and its keys carry everything else the result depends on. Values
must be immutable (tuples, frozen objects): every caller gets the same one; and never None,
which `get` returns for "not memoised".
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

__all__ = ("Memo",)

V = TypeVar("V")


class Memo(Generic[V]):
    """At most `size` results by key, least recently used evicted first.

    `get` and `put` take a lock: turns run on worker threads, and an OrderedDict reordered by two
    threads at once loses entries. The computation itself runs outside the lock (two threads
    missing the same key both compute it, and store the same value).
    """

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("a memo holds at least one result")
        self.size = size
        self._values: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        """The result memoised under `key` (now the most recently used), or None."""
        with self._lock:
            value = self._values.get(key)
            if value is not None:  # a miss raises nothing: new texts are misses, and many
                self._values.move_to_end(key)
            return value

    def put(self, key: Hashable, value: V) -> None:
        """Memoise `value` under `key`, evicting the least recently used beyond `size`."""
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            if len(self._values) > self.size:
                self._values.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def __len__(self) -> int:
        return len(self._values)
