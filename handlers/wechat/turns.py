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
from functools import partial
from typing import Any

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from bot.core.conversation import Conversation
from bot.core.messages import Inbound
from bot.core.ports import Outcome
from handlers.web.threads import start_turn, wait_at_most
from handlers.wechat.format import SORRY, render, split_chunks
from handlers.wechat.handover import Handover
from handlers.wechat.inbound import Seen
from handlers.wechat.sender import queue_for_delivery, queue_texts
from storage.db import session_scope
from storage.light import light_scope
from storage.outbox import has_unsent
from storage.wechat import (
    claim_and_reopen,
    claim_delivery,
    defer_delivery,
    finish_delivery,
    get_delivery,
    release_delivery,
    set_delivery_status,
)

__all__ = ("TurnRunner",)

logger = logging.getLogger(__name__)
Effect = Callable[[Session], None]
_RETRY = object()  # the claim was lost: this request is a retry of a delivery in hand
# After the budget, how long the request waits for the deferral's outbox marker (normally a few
# milliseconds). A stalled database cannot hold the answer past budget + grace.
GRACE = 0.3
# After `success`, how long a run keeps retrying a stalled database before the answer is lost
# (the outbox marker then reports it to staff).
PATIENCE = 120.0


def _consume(future: asyncio.Future[Any]) -> None:
    # A deferred run's result is read by nobody: log its error here, and keep asyncio from
    # warning about an exception never retrieved.
    if not future.cancelled() and future.exception() is not None:
        logger.error("wechat: a run failed", exc_info=future.exception())


def _quiet(future: asyncio.Future[Any]) -> None:
    # The deferral marker is best effort (the run delivers either way): a warning, no trace.
    if not future.cancelled() and future.exception() is not None:
        logger.warning("wechat: deferral marker not written: %s", future.exception())


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
        handover = Handover()
        # The loop's executor, not anyio's: the run must outlive this request when it is slow.
        future = start_turn(
            partial(self._claim_and_run, delivery_id, openid, effects, inbound, text, handover)
        )
        # The running loop read from the future: `asyncio.get_running_loop()` is a system call
        # (getpid) each time on Python 3.11.
        loop = future.get_loop()
        deadline = loop.time() + self.budget
        future.add_done_callback(_consume)
        if await wait_at_most(future, self.budget):
            result = future.result()  # a database error here answers 503: WeChat retries
            if result is _RETRY:
                logger.info("wechat: delivery %s is a retry", delivery_id)
                return await self._follow(delivery_id, openid, deadline)
            return result  # type: ignore[return-value]
        passive, reply = handover.close()
        if passive:  # the run has its answer and is committing it: the reply goes out now
            return reply
        # `success` now, whatever the database does; the run sends its answer through the
        # outbox. The marker (which reports a run that never finishes) is written if it can be.
        written = await self._bounded(self._defer, delivery_id, openid)
        logger.info(
            "wechat: delivery %s not answered within %.1f s; `success`, the answer follows as a "
            "customer-service message%s",
            delivery_id, self.budget, "" if written else " (database slow: no marker yet)",
        )  # fmt: skip
        return None

    async def _bounded(self, fn: Callable[..., bool], *args: str) -> bool:
        """`fn(*args)` in a thread, waited for at most GRACE seconds (False when not in time)."""
        future = asyncio.get_running_loop().run_in_executor(None, fn, *args)
        future.add_done_callback(_quiet)
        try:
            return bool(await asyncio.wait_for(asyncio.shield(future), GRACE))
        except TimeoutError:
            return False
        except Exception:  # logged by _consume; the run still delivers
            return False

    def _claim_and_run(
        self,
        delivery_id: str,
        openid: str,
        effects: Sequence[Effect],
        inbound: Inbound | None,
        text: str | Callable[[], str],
        handover: Handover | None = None,
    ) -> object:
        handover = handover or Handover()
        give_up = time.monotonic() + PATIENCE
        claimed, attempt = False, 0
        while True:
            try:
                # One pooled connection for the claim's transaction and the turn's: a pool's
                # checkout and return cost more than a short transaction.
                with self.engine.connect() as connection:
                    # The claim commits on its own first, so a retry elsewhere waits, not runs.
                    if not claimed and not self._claim(connection, delivery_id, openid, effects):
                        return _RETRY
                    claimed = True
                    body = text() if callable(text) else text  # effects may have chosen it
                    if inbound is None:
                        chunks = split_chunks(body) if body else []
                        return self._finish(connection, delivery_id, openid, chunks, handover)
                    return self._run(connection, delivery_id, openid, inbound, handover)
            except OperationalError:  # a busy or stalled database: the answer is worth keeping
                attempt += 1
                # While the request waits, three tries and then 503 (WeChat retries); after
                # `success` nobody retries, so keep trying for PATIENCE seconds.
                waiting = handover.state != "closed"
                if (waiting and attempt >= 3) or time.monotonic() > give_up:
                    if claimed:
                        self._give_up(delivery_id, handover)
                    elif not handover.fail():
                        logger.error(
                            "wechat: delivery %s lost: no claim after `success`", delivery_id
                        )
                    raise
                logger.warning("wechat: answering %s hit a busy database; retrying", delivery_id)
                time.sleep(min(0.5 * attempt, 5.0))
            except Exception:
                logger.exception("wechat: answering delivery %s failed", delivery_id)
                return self._finish(self.engine, delivery_id, openid, [SORRY], handover)

    def _give_up(self, delivery_id: str, handover: Handover) -> None:
        # The request still waits: it answers 503, and the released claim lets WeChat's retry
        # run the turn. After `success` the claim stays (its outbox marker reports it).
        if not handover.fail():
            logger.error("wechat: delivery %s failed after `success` was sent", delivery_id)
            return
        try:
            with session_scope(self.engine) as session:
                release_delivery(session=session, delivery_id=delivery_id)
            logger.warning("wechat: delivery %s failed; claim released for the retry", delivery_id)
        except OperationalError:
            logger.error("wechat: delivery %s failed and its claim is stuck", delivery_id)

    def _claim(
        self, bind: Connection, delivery_id: str, openid: str, effects: Sequence[Effect]
    ) -> bool:
        seen = effects[0] if len(effects) == 1 else None
        if isinstance(seen, Seen) and bind.dialect.name == "postgresql":
            # A message's claim and window in one statement committed on its own.
            return claim_and_reopen(
                bind, delivery_id=delivery_id, openid=openid, kind=seen.kind, at=seen.at
            )
        # No ORM session unless an effect needs one (storage/light.py): a message's claim and
        # window upsert are statements below the ORM.
        with light_scope(bind) as session:
            if not claim_delivery(session=session, delivery_id=delivery_id, openid=openid):
                return False
            for effect in effects:
                effect(session)
            return True

    def _run(
        self, bind: Connection, delivery_id: str, openid: str, inbound: Inbound, handover: Handover
    ) -> str | None:
        # The answer is stored in the turn's own transaction: one commit for the whole turn.
        sealed: list[str | None] = []

        def seal(session: Session, outcome: Outcome) -> None:
            chunks = split_chunks(render(outcome.replies))
            sealed.append(self._store(session, delivery_id, openid, chunks, handover))

        # The inbound carries no delivery id, so the core always runs the turn and seals it.
        self.conversation.handle_turn(inbound, seal=seal, bind=bind)
        return sealed[0]

    def _finish(
        self,
        bind: Engine | Connection,
        delivery_id: str,
        openid: str,
        chunks: list[str],
        handover: Handover,
    ) -> str | None:
        with light_scope(bind) as session:
            return self._store(session, delivery_id, openid, chunks, handover)

    def _store(
        self,
        session: Session,
        delivery_id: str,
        openid: str,
        chunks: list[str],
        handover: Handover,
    ) -> str | None:
        now = self.conversation.clock.now()
        if chunks and has_unsent(session=session, sender="wechat", recipient=openid, now=now):
            # Something queued earlier has not reached the user yet (a staff reply that waited
            # for this message, the tail of a long answer): this answer must not overtake it,
            # so it goes the same way, behind it.
            defer_delivery(session=session, delivery_id=delivery_id)
        elif not handover.take_passive(chunks[0] if chunks else None):
            # The request already answered `success`: the answer goes through the outbox.
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
        with light_scope(self.engine) as session:
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
        # A retry: the first run's passive answer if it comes in time, else `success`. Every
        # database read is bounded by the deadline, so a stalled database cannot hold it.
        loop = asyncio.get_running_loop()
        while True:
            read = loop.run_in_executor(None, self._status, delivery_id)
            read.add_done_callback(_consume)
            try:
                status, first = await asyncio.wait_for(
                    asyncio.shield(read), max(deadline - loop.time(), 0) + GRACE
                )
            except TimeoutError:
                return None
            if status == "replied":
                return first
            if status != "running":
                return None
            if loop.time() >= deadline:
                if await self._bounded(self._defer, delivery_id, openid):
                    return None
                if loop.time() >= deadline + GRACE:
                    return None
                continue  # the first run finished meanwhile: read its answer
            await asyncio.sleep(self.poll)
