"""The FAQ index is rebuilt off the user's turn and swapped whole (bot/faq/corpus.py)."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import pytest
from sqlalchemy import text
from sqlmodel import Session

from bot.core.conversation import Conversation
from bot.core.runtime import Runtime
from bot.faq import facets
from bot.faq.corpus import IndexProvider
from knowledge.glossary import Glossary
from knowledge.index import FaqIndex
from knowledge.schema import FaqEntry
from storage.db import session_scope
from storage.faq import corpus_version, get_record, save_entry
from tests.support.dialog import say

QUESTION = "续展要交多少钱"
MARK = "【新版收费说明】"


class _GatedBuild:
    """Builds indexes like FaqIndex, but a build after the first waits for `release`."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.started = threading.Event()
        self.builds = 0

    def __call__(self, entries: Sequence[FaqEntry], glossary: Glossary) -> FaqIndex:
        self.builds += 1
        if self.builds > 1:
            self.started.set()
            assert self.release.wait(30)
        return FaqIndex(entries, glossary)


def _edit_elsewhere(runtime: Runtime) -> None:
    """Change the renewal-fee answer and move the version the way another process would (no
    in-process notice of the commit)."""
    with session_scope(runtime.engine) as s:
        record = get_record(session=s, entry_id="renewal-fee")
        assert record is not None
        entry = FaqEntry.model_validate(record.data)
        answer = entry.answer.model_copy(update={"zh": MARK + entry.answer.zh})
        save_entry(
            session=s, entry=entry.model_copy(update={"answer": answer}), author="t", bump=False
        )
    with runtime.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'corpus_version'"
            )
        )


def _answer(conv: Conversation, user: str) -> str:
    return "\n".join(r.text for r in say(conv, QUESTION, user=user))


def test_a_turn_during_a_rebuild_answers_from_the_previous_index(runtime: Runtime) -> None:
    build = _GatedBuild()
    provider = IndexProvider(check_every=0, build=build)
    conv = Conversation(engine=runtime.engine, settings=runtime.settings, index=provider)
    before = _answer(conv, "u-before")
    assert MARK not in before and build.builds == 1
    _edit_elsewhere(runtime)

    during = _answer(conv, "u-during")  # sees the new version, starts the rebuild, does not wait
    assert build.started.wait(10)
    assert MARK not in during and during == before
    assert _answer(conv, "u-during2") == before  # still building: the old index again

    build.release.set()
    provider.wait_idle()
    with Session(runtime.engine) as s:
        assert provider.version == corpus_version(session=s)
    assert MARK in _answer(conv, "u-after")


def test_an_edit_committed_in_this_process_is_seen_by_the_next_turn(runtime: Runtime) -> None:
    conv = runtime.conversation
    assert MARK not in _answer(conv, "u1")
    with session_scope(runtime.engine) as s:
        record = get_record(session=s, entry_id="renewal-fee")
        assert record is not None
        entry = FaqEntry.model_validate(record.data)
        answer = entry.answer.model_copy(update={"zh": MARK + entry.answer.zh})
        save_entry(session=s, entry=entry.model_copy(update={"answer": answer}), author="t")
    # The commit rebuilt this process's index (in the editor's thread): nothing to wait for.
    assert MARK in _answer(conv, "u2")


def test_the_version_is_read_at_most_once_per_interval(runtime: Runtime) -> None:
    build = _GatedBuild()
    build.release.set()
    provider = IndexProvider(check_every=3600, build=build)
    conv = Conversation(engine=runtime.engine, settings=runtime.settings, index=provider)
    assert MARK not in _answer(conv, "u1")
    _edit_elsewhere(runtime)
    assert MARK not in _answer(conv, "u2")  # within the interval: the version is not read
    provider.check_every = 0
    _answer(conv, "u3")  # reads it and rebuilds in the background
    provider.wait_idle()
    assert build.builds == 2
    assert MARK in _answer(conv, "u4")


def test_what_turns_derive_from_a_new_index_is_built_with_it(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The facet map of a rebuilt index is made in the rebuild's thread, before the swap, not
    by the first turn that meets the new index."""
    built: list[tuple[FaqIndex, str, FaqIndex | None]] = []
    provider = IndexProvider(check_every=0)
    real = facets.facet_map

    def recording(index: FaqIndex) -> facets.FacetMap:
        built.append((index, threading.current_thread().name, provider._index))
        return real(index)

    monkeypatch.setattr(facets, "facet_map", recording)
    conv = Conversation(engine=runtime.engine, settings=runtime.settings, index=provider)
    _answer(conv, "u1")
    old = provider._index
    _edit_elsewhere(runtime)
    _answer(conv, "u2")  # starts the rebuild
    provider.wait_idle()
    new = provider._index
    assert new is not None and new is not old
    assert (new, "faq-index", old) in built  # built by the rebuild, while `old` still served
