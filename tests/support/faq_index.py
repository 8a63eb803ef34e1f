"""One FAQ index per corpus in a test process, shared by the runtimes built on that corpus.

Building the index of the bundled corpus, with what is derived from it (the facet map, the
spelling vocabulary, knowledge/per_index.py), is most of a conversation test's first turn. A
server builds it once and answers every user from it; tests that each build a runtime on a copy
of the same database do the same through this provider. The index is keyed by the full text of
the entries it is built from, so a test that edits its corpus gets an index of its own.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

from bot.core.settings import Settings
from bot.faq.corpus import IndexProvider
from knowledge.glossary import Glossary, load_glossary
from knowledge.index import FaqIndex
from knowledge.schema import FaqEntry

__all__ = ("shared_index_provider",)

_KEEP = 2  # the corpora of a test process (bundled, fixture) with room for an edited one
_built: OrderedDict[tuple[str, ...], FaqIndex] = OrderedDict()
_lock = threading.Lock()
_glossaries: list[Glossary] = []


def _glossary() -> Glossary:
    with _lock:
        if not _glossaries:
            _glossaries.append(load_glossary())
        return _glossaries[0]


def _build(entries: Sequence[FaqEntry], glossary: Glossary) -> FaqIndex:
    key = tuple(entry.model_dump_json() for entry in entries)
    with _lock:
        index = _built.get(key)
        if index is None:
            index = _built[key] = FaqIndex(entries, glossary)
            while len(_built) > _KEEP:
                _built.popitem(last=False)
        _built.move_to_end(key)
        return index


def shared_index_provider(settings: Settings) -> IndexProvider:
    """An index provider of its own (its own version checks and rebuilds) whose builds of a
    corpus already built in this process return that index."""
    return IndexProvider(_glossary(), check_every=settings.faq_check_ms / 1000, build=_build)
