"""The corpus in the database: seeding from files, saving with revisions, the corpus version."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlmodel import Session, col, select

from knowledge.schema import FaqEntry
from storage.models import FaqRecord, FaqRevision, Meta, utcnow

__all__ = (
    "CORPUS_BUMPED",
    "bump_corpus_version",
    "corpus_version",
    "get_record",
    "get_revision",
    "import_entries",
    "list_records",
    "list_revisions",
    "load_entries",
    "save_entry",
    "seed_corpus",
)

_VERSION_KEY = "corpus_version"
# Set on a session that moved the corpus version: after its commit, the index providers of this
# process rebuild at once (bot/faq/corpus.py), so the editor's own process never serves stale.
CORPUS_BUMPED = "tmbot.corpus_bumped"


def corpus_version(*, session: Session) -> int:
    """A counter that moves on every corpus change; workers compare it to rebuild their index."""
    row = session.get(Meta, _VERSION_KEY)
    return int(row.value) if row else 0


def bump_corpus_version(*, session: Session) -> int:
    """Move the corpus version by one (in the caller's transaction)."""
    row = session.get(Meta, _VERSION_KEY) or Meta(key=_VERSION_KEY, value="0")
    row.value = str(int(row.value) + 1)
    session.add(row)
    session.info[CORPUS_BUMPED] = True
    return int(row.value)


def load_entries(*, session: Session, statuses: Sequence[str] | None = None) -> list[FaqEntry]:
    """Entries stored in the database, optionally only those with the given statuses."""
    query = select(FaqRecord).order_by(col(FaqRecord.theme), col(FaqRecord.id))
    if statuses:
        query = query.where(col(FaqRecord.status).in_(statuses))
    return [FaqEntry.model_validate(r.data) for r in session.exec(query)]


def save_entry(
    *, session: Session, entry: FaqEntry, author: str, note: str = "", bump: bool = True
) -> FaqRecord:
    """Create or update an entry, recording a new revision; unchanged data records nothing."""
    data = entry.model_dump(mode="json")
    record = session.get(FaqRecord, entry.id)
    if record is not None and record.data == data:
        return record
    if record is None:
        record = FaqRecord(id=entry.id, theme=entry.theme, data=data, revision=0)
    record.revision += 1
    record.theme, record.topic, record.status = entry.theme, entry.topic, entry.status
    record.data, record.updated_at, record.updated_by = data, utcnow(), author
    session.add(record)
    session.add(
        FaqRevision(
            entry_id=entry.id, revision=record.revision, data=data, author=author, note=note
        )
    )
    if bump:
        bump_corpus_version(session=session)
    return record


def import_entries(
    *, session: Session, entries: Iterable[FaqEntry], author: str, note: str = "import"
) -> int:
    """Save many entries as one change; returns how many were created or changed."""
    changed = 0
    for entry in entries:
        before = session.get(FaqRecord, entry.id)
        before_rev = before.revision if before else 0
        record = save_entry(session=session, entry=entry, author=author, note=note, bump=False)
        changed += record.revision != before_rev
    if changed:
        bump_corpus_version(session=session)
    return changed


def seed_corpus(*, session: Session, entries: Iterable[FaqEntry]) -> int:
    """Load the bundled corpus into an empty database; a corpus already there is left alone."""
    if session.exec(select(FaqRecord.id).limit(1)).first() is not None:
        return 0
    return import_entries(session=session, entries=entries, author="system", note="bundled corpus")


def get_record(*, session: Session, entry_id: str) -> FaqRecord | None:
    """The live row of one entry."""
    return session.get(FaqRecord, entry_id)


def list_records(*, session: Session) -> list[FaqRecord]:
    """Every entry row (any status), by theme and id."""
    return list(session.exec(select(FaqRecord).order_by(col(FaqRecord.theme), col(FaqRecord.id))))


def list_revisions(*, session: Session, entry_id: str) -> list[FaqRevision]:
    """An entry's saved versions, newest first."""
    query = (
        select(FaqRevision)
        .where(FaqRevision.entry_id == entry_id)
        .order_by(col(FaqRevision.revision).desc())
    )
    return list(session.exec(query))


def get_revision(*, session: Session, entry_id: str, revision: int) -> FaqRevision | None:
    """One saved version of an entry."""
    query = select(FaqRevision).where(
        FaqRevision.entry_id == entry_id, FaqRevision.revision == revision
    )
    return session.exec(query).first()
