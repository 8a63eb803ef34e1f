"""WeChat's 5-second rule: answer passively when the core is quick, otherwise answer `success`
and deliver the answer through the outbox, with each delivery processed exactly once.

Every delivery is claimed in `wechat_delivery` (unique delivery id) before any work, so a retry,
on this worker or another, never starts a second run: it waits for the first run's answer, or
answers `success` when that answer goes out later. The handover is a compare-and-set on the
row's status, so exactly one side delivers: the request (status `replied`) or the outbox
(`deferred`, then `ready`/`done`). The outbox row that marks a deferral is committed before
`success` is sent, so a deferred answer is delivered or reported to staff, never lost.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence

from fastapi.concurrency import run_in_threadpool
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from bot.core.conversation import Conversation
from bot.core.messages import Inbound
from bot.core.ports import Outcome
from handlers.wechat.format import SORRY, render, split_chunks
from handlers.wechat.sender import queue_for_delivery, queue_texts
from storage.db import session_scope
from storage.outbox import has_unsent
from storage.wechat import (
    claim_delivery,
    defer_delivery,
    finish_delivery,
    get_delivery,
    set_delivery_status,
)

__all__ = ("TurnRunner",)

logger = logging.getLogger(__name__)
Effect = Callable[[Session], None]
_RETRY = object()  # the claim was lost: this request is a retry of a delivery in hand


def _consume(future: asyncio.Future[object]) -> None:
    # A deferred run's result is read by nobody: log its error here, and keep asyncio from
    # warning about an exception never retrieved.
    if not future.cancelled() and future.exception() is not None:
        logger.error("wechat: a run failed", exc_info=future.exception())


class TurnRunner:
    """Runs one delivery's work within a time budget and says what to answer WeChat."""

    def __init__(
        self, engine: Engine, conversation: Conversation, *, budget: float, poll: float = 0.05
    ) -> None:
        self.engine = engine
        self.conversation = conversation
        self.budget = budget
        self.poll = poll

    async def answer(
        self,
        delivery_id: str,
        openid: str,
        effects: Sequence[Effect],
        inbound: Inbound | None,
        text: str | Callable[[], str] = "",
    ) -> str | None:
        """The text of the passive reply, or None to answer `success` (nothing, or later).

        `inbound` goes to the core; without one, `text` is the whole answer.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.budget
        # The loop's executor, not anyio's: the run must outlive this request when it is slow.
        future = loop.run_in_executor(
            None, self._claim_and_run, delivery_id, openid, effects, inbound, text
        )
        future.add_done_callback(_consume)
        done, _ = await asyncio.wait({future}, timeout=max(deadline - loop.time(), 0))
        if done and future.result() is _RETRY:
            logger.info("wechat: delivery %s is a retry", delivery_id)
            return await self._follow(delivery_id, openid, deadline)
        if not done and await run_in_threadpool(self._defer, delivery_id, openid):
            logger.info("wechat: delivery %s deferred to the outbox", delivery_id)
            return None
        result = await future  # finished (perhaps just now, having beaten the deferral)
        return None if result is _RETRY else result  # type: ignore[return-value]

    def _claim_and_run(
        self,
        delivery_id: str,
        openid: str,
        effects: Sequence[Effect],
        inbound: Inbound | None,
        text: str | Callable[[], str],
    ) -> object:
        # The claim commits on its own first, so a retry elsewhere waits instead of running.
        if not self._claim(delivery_id, openid, effects):
            return _RETRY
        text = text() if callable(text) else text  # effects may have chosen the answer
        for attempt in range(3):
            try:
                if inbound is None:
                    return self._finish(delivery_id, openid, split_chunks(text) if text else [])
                return self._run(delivery_id, openid, inbound)
            except OperationalError:  # SQLite busy past its timeout: the answer is worth keeping
                if attempt == 2:
                    raise
                logger.warning("wechat: answering %s hit a busy database; retrying", delivery_id)
                time.sleep(0.5 * (attempt + 1))
            except Exception:
                logger.exception("wechat: answering delivery %s failed", delivery_id)
                return self._finish(delivery_id, openid, [SORRY])
        raise AssertionError("unreachable")

    def _claim(self, delivery_id: str, openid: str, effects: Sequence[Effect]) -> bool:
        with session_scope(self.engine) as session:
            if not claim_delivery(session=session, delivery_id=delivery_id, openid=openid):
                return False
            for effect in effects:
                effect(session)
            return True

    def _run(self, delivery_id: str, openid: str, inbound: Inbound) -> str | None:
        # The answer is stored in the turn's own transaction: one commit for the whole turn.
        sealed: list[str | None] = []

        def seal(session: Session, outcome: Outcome) -> None:
            chunks = split_chunks(render(outcome.replies))
            sealed.append(self._store(session, delivery_id, openid, chunks))

        # The inbound carries no delivery id, so the core always runs the turn and seals it.
        self.conversation.handle_turn(inbound, seal=seal)
        return sealed[0]

    def _finish(self, delivery_id: str, openid: str, chunks: list[str]) -> str | None:
        with session_scope(self.engine) as session:
            return self._store(session, delivery_id, openid, chunks)

    def _store(
        self, session: Session, delivery_id: str, openid: str, chunks: list[str]
    ) -> str | None:
        now = self.conversation.clock.now()
        if chunks and has_unsent(session=session, sender="wechat", recipient=openid, now=now):
            # Something queued earlier has not reached the user yet (a staff reply that waited
            # for this message, the tail of a long answer): this answer must not overtake it,
            # so it goes the same way, behind it.
            defer_delivery(session=session, delivery_id=delivery_id)
        if finish_delivery(session=session, delivery_id=delivery_id, chunks=chunks):
            # Passive reply: WeChat takes one message; the rest follow as service messages.
            queue_texts(
                session=session, openid=openid, delivery_id=delivery_id, chunks=chunks, start=1
            )
            return chunks[0] if chunks else None
        # Deferred meanwhile: queue the whole answer now (the outbox marker only watches).
        queue_texts(session=session, openid=openid, delivery_id=delivery_id, chunks=chunks)
        set_delivery_status(session=session, delivery_id=delivery_id, old="ready", new="done")
        return None

    def _defer(self, delivery_id: str, openid: str) -> bool:
        with session_scope(self.engine) as session:
            if not defer_delivery(session=session, delivery_id=delivery_id):
                return False
            queue_for_delivery(
                session=session,
                openid=openid,
                delivery_id=delivery_id,
                payload={"deferred": delivery_id},
                key=f"deferred:{delivery_id}",
            )
            return True

    def _status(self, delivery_id: str) -> tuple[str, str | None]:
        with session_scope(self.engine) as session:
            row = get_delivery(session=session, delivery_id=delivery_id)
            if row is None:
                return "missing", None
            return row.status, row.chunks[0] if row.chunks else None

    async def _follow(self, delivery_id: str, openid: str, deadline: float) -> str | None:
        # A retry: the first run's passive answer if it comes in time, else `success`.
        loop = asyncio.get_running_loop()
        while True:
            status, first = await run_in_threadpool(self._status, delivery_id)
            if status == "replied":
                return first
            if status != "running":
                return None
            if loop.time() >= deadline:
                if await run_in_threadpool(self._defer, delivery_id, openid):
                    return None
                continue  # the first run finished meanwhile: read its answer
            await asyncio.sleep(self.poll)
