"""Builds what a process needs: the engine, an up-to-date schema, the seeded corpus, the core."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from bot.booking.experts_io import seed_demo_experts
from bot.core.conversation import Conversation
from bot.core.ports import Clock
from bot.core.settings import Settings
from bot.privacy.logmask import install_log_masking
from knowledge.loader import load_corpus
from storage.canned import seed_canned
from storage.db import make_engine, schema_lock, session_scope, upgrade_db
from storage.faq import seed_corpus

__all__ = ("Runtime", "build_runtime", "prepare_database", "seed_database")

logger = logging.getLogger(__name__)


@dataclass
class Runtime:
    """The long-lived objects of one process."""

    settings: Settings
    engine: Engine
    conversation: Conversation


def prepare_database(settings: Settings, engine: Engine) -> int:
    """Upgrade the schema and load the bundled corpus into an empty database."""
    with schema_lock(engine):
        upgrade_db(settings.database_url)
        return seed_database(settings, engine)


def seed_database(settings: Settings, engine: Engine) -> int:
    """Load the bundled corpus, canned replies and demo experts where none are (schema ready)."""
    with session_scope(engine) as session:
        loaded = seed_corpus(session=session, entries=load_corpus(settings.corpus_dir))
        seed_canned(session=session)
        if settings.booking_demo_experts:
            seed_demo_experts(session=session)
    if loaded:
        logger.info("loaded %d corpus entries from %s", loaded, settings.corpus_dir)
    return loaded


def build_runtime(
    settings: Settings, *, clock: Clock | None = None, migrate: bool = True
) -> Runtime:
    """Engine, schema and conversation core for `settings`."""
    install_log_masking()  # no phone / e-mail / ID number in any log line (bot/privacy)
    engine = make_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout,
        pool_recycle=settings.db_pool_recycle,
    )
    if migrate:
        prepare_database(settings, engine)
    return Runtime(settings, engine, Conversation(engine=engine, settings=settings, clock=clock))
