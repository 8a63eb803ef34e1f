"""The FAQ index each process holds, rebuilt when the corpus version in the database moves."""

from __future__ import annotations

import threading

from sqlmodel import Session

from knowledge.glossary import Glossary, load_glossary
from knowledge.index import FaqIndex
from storage.faq import corpus_version, load_entries

__all__ = ("IndexProvider",)

_SESSION_KEY = "tmbot.faq_index"


class IndexProvider:
    """Hands out the current FaqIndex; one cheap version read per message keeps workers in step."""

    def __init__(self, glossary: Glossary | None = None) -> None:
        self.glossary = glossary if glossary is not None else load_glossary()
        self._index: FaqIndex | None = None
        self._version = -1
        self._lock = threading.Lock()

    def get(self, session: Session) -> FaqIndex:
        """The index for the corpus as stored now (checked once per database session)."""
        cached = session.info.get(_SESSION_KEY)
        if isinstance(cached, FaqIndex) and cached is self._index:
            return cached
        # No autoflush: the version read must not push this turn's pending rows early.
        with session.no_autoflush:
            version = corpus_version(session=session)
        if self._index is None or version != self._version:
            with self._lock:
                if self._index is None or version != self._version:
                    entries = load_entries(session=session, statuses=["published"])
                    self._index = FaqIndex(entries, self.glossary)
                    self._version = version
        session.info[_SESSION_KEY] = self._index
        return self._index
