"""The FAQ index each process holds, rebuilt off the request path when the corpus version moves.

A user's turn never builds an index (except the very first one of a process, at warm-up): when it
sees a newer corpus version it starts a rebuild in a background thread and answers from the index
it has; the new index is swapped in whole when ready. An edit committed in this process (the admin
pages, an import) rebuilds at once in the editor's thread, after its commit, so the editor's next
question sees it; other processes notice the version within `check_every` seconds.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import weakref
from collections.abc import Callable, Sequence

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from knowledge.glossary import Glossary, load_glossary
from knowledge.index import FaqIndex
from knowledge.schema import FaqEntry
from storage.faq import CORPUS_BUMPED, corpus_version, load_entries

__all__ = ("OVERRIDE_KEY", "IndexProvider")

_SESSION_KEY = "tmbot.faq_index"
OVERRIDE_KEY = "tmbot.faq_index_override"  # an index for this session only (admin try, drafts)

Build = Callable[[Sequence[FaqEntry], Glossary], FaqIndex]


class IndexProvider:
    """Hands out the current FaqIndex; reads the corpus version at most once per `check_every`
    seconds (0: every message) and rebuilds in the background when it moved."""

    def __init__(
        self,
        glossary: Glossary | None = None,
        *,
        check_every: float = 0.0,
        build: Build = FaqIndex,
    ) -> None:
        self.glossary = glossary if glossary is not None else load_glossary()
        self.check_every = check_every
        self._build = build
        self._index: FaqIndex | None = None
        self._version = -1
        self._checked_at = float("-inf")
        self._lock = threading.Lock()  # one build at a time
        self._start_lock = threading.Lock()  # never held during a build: turns take it
        self._worker: threading.Thread | None = None
        self._engine_url: str | None = None
        _PROVIDERS.add(self)

    @property
    def version(self) -> int:
        """The corpus version the current index was built from (-1 before the first build)."""
        return self._version

    def get(self, session: Session) -> FaqIndex:
        """The index to answer from now (the same one for the whole database session)."""
        override = session.info.get(OVERRIDE_KEY)
        if override is not None:
            return override  # type: ignore[no-any-return]
        cached = session.info.get(_SESSION_KEY)
        if isinstance(cached, FaqIndex) and cached is self._index:
            return cached
        index = self._index
        now = time.monotonic()
        if index is None or now - self._checked_at >= self.check_every:
            # No autoflush: the version read must not push this turn's pending rows early.
            with session.no_autoflush:
                version = corpus_version(session=session)
            self._checked_at = now
            bind = session.get_bind()  # a connection in a turn's transaction (storage/light.py)
            engine = bind if isinstance(bind, Engine) else bind.engine
            self._engine_url = str(engine.url)
            if index is None:
                index = self._build_now(session, version)
            elif version > self._version:
                self._rebuild_in_background(engine)
        session.info[_SESSION_KEY] = index
        return index

    def warm(self, engine: Engine) -> None:
        """Build the index and search it once in each language now (a process's start-up), so
        the first user's turn does not pay for the build, jieba's dictionary or OpenCC (nor for
        what is built with the index, `_derive`, or the homophone typos read on first use)."""
        from bot.core.spelling import correct_zh

        with Session(engine) as session:
            index = self.get(session)
        for question in ("商标注册要多久", "how long does a trademark registration take"):
            index.search(correct_zh(question), today=dt.datetime.now(dt.UTC).date())

    def refresh(self, engine: Engine) -> None:
        """Rebuild now, in the caller's thread, from what is committed (after an edit here)."""
        with Session(engine) as session:
            self._build_now(session, corpus_version(session=session))

    def wait_idle(self, timeout: float = 30.0) -> None:
        """Wait for a background rebuild to finish (tests, benchmarks, shutdown)."""
        worker = self._worker
        if worker is not None:
            worker.join(timeout)

    def _build_now(self, session: Session, version: int) -> FaqIndex:
        with self._lock:
            if self._index is not None and self._version >= version:
                return self._index
            entries = load_entries(session=session, statuses=["published"])
            index = self._build(entries, self.glossary)
            _derive(index)
            # One assignment each: a reader sees the old index or the new one, never half.
            self._index, self._version = index, version
            return index

    def _rebuild_in_background(self, engine: Engine) -> None:
        with self._start_lock:
            if self._worker is not None and self._worker.is_alive():
                return  # that rebuild re-reads the version when done
            self._worker = threading.Thread(
                target=self._rebuild_loop, args=(engine,), name="faq-index", daemon=True
            )
            self._worker.start()

    def _rebuild_loop(self, engine: Engine) -> None:
        # Loops while edits keep landing during a build, so the last one is never missed.
        while True:
            with Session(engine) as session:
                version = corpus_version(session=session)
                if version <= self._version:
                    return
                self._build_now(session, version)


def _derive(index: FaqIndex) -> None:
    """What turns read of an index besides the index, built with it and so off the request path
    too: the subject x facet map and the subjects' facets of its entries (every FAQ turn reads
    them; the lexicon's literal pre-checks with them) and the spelling vocabulary (any English
    word of five letters or more). Built inside the first turn after a swap, they cost that
    user 0.4 s at 111 entries (the lexicon's start-up included), more with the corpus."""
    from bot.core.spelling import vocabulary
    from bot.faq.facets import facet_map
    from bot.faq.guard import entry_reads

    facet_map(index)
    entry_reads(index)
    vocabulary(index)


_PROVIDERS: weakref.WeakSet[IndexProvider] = weakref.WeakSet()


@event.listens_for(Session, "after_commit")
def _rebuild_after_edit(session: Session) -> None:
    """An edit committed in this process: rebuild this process's indexes before going on."""
    if not session.info.pop(CORPUS_BUMPED, False):
        return
    engine = session.get_bind()
    if not isinstance(engine, Engine):
        return
    url = str(engine.url)
    for provider in list(_PROVIDERS):
        if provider._engine_url == url:
            provider.refresh(engine)


@event.listens_for(Session, "after_rollback")
def _forget_edit(session: Session) -> None:
    session.info.pop(CORPUS_BUMPED, None)
