"""Senders deliver outbox rows; the worker drains the outbox with retries and backoff."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.core.ports import Clock, SystemClock
from storage.outbox import (
    OutboxMessage,
    claim_due,
    mark_failed,
    mark_retry,
    mark_sent,
    mark_waiting,
)

__all__ = (
    "DeliveryError",
    "DeliveryObserver",
    "Housekeeping",
    "OutboxWorker",
    "PermanentFailure",
    "Sender",
    "TemporaryFailure",
    "WaitForUser",
    "backoff",
)

logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A send did not go through."""


class PermanentFailure(DeliveryError):
    """Retrying cannot help (blocked bot, closed WeChat window, bad address)."""


class TemporaryFailure(DeliveryError):
    """Try again later; `retry_after` seconds when the remote side said so (HTTP 429)."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class WaitForUser(DeliveryError):
    """The user cannot be reached until they write again (WeChat's 48-hour window closed).

    The row waits (status `waiting`) and holds back later rows to the same user; the channel's
    adapter releases it when the user's next message arrives.
    """


class Sender(Protocol):
    """Delivers one payload to one recipient on one channel, or raises a DeliveryError.

    It may return how it delivered when that is not the plain message (e.g. "notice").
    """

    name: str

    def send(self, recipient: str, payload: Mapping[str, Any]) -> str | None: ...


# Told of each row's new state in the row's own transaction (staff confirmations, first response).
DeliveryObserver = Callable[[Session, OutboxMessage, dt.datetime], object]


# Periodic work the worker's thread does besides delivering (called with the engine and now).
Housekeeping = Callable[[Engine, dt.datetime], object]
HOUSEKEEPING_EVERY = dt.timedelta(minutes=1)


def backoff(attempt: int) -> dt.timedelta:
    """Exponential backoff: 5 s, 10 s, 20 s ... capped at 30 minutes."""
    return dt.timedelta(seconds=min(5 * 2 ** max(attempt - 1, 0), 1800))


class OutboxWorker:
    """Drains the outbox; run `run_once` in tests, `start` in a server process.

    Each pass first runs `housekeeping` (the server passes the ticket sweep of
    bot/handoff/sweep.py: SLA alerts and auto-close) when `housekeeping_every` has passed since
    its last run, so the notices it queues go out in the same pass.
    """

    def __init__(
        self,
        engine: Engine,
        senders: Mapping[str, Sender],
        clock: Clock | None = None,
        housekeeping: Housekeeping | None = None,
        housekeeping_every: dt.timedelta = HOUSEKEEPING_EVERY,
        observer: DeliveryObserver | None = None,
    ) -> None:
        self.engine = engine
        self.senders = dict(senders)
        self.clock = clock or SystemClock()
        self.housekeeping = housekeeping
        self.housekeeping_every = housekeeping_every
        self._housekeeping_next: dt.datetime | None = None
        self.observer = observer
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def register(self, sender: Sender) -> None:
        """Add or replace a sender."""
        self.senders[sender.name] = sender

    def run_once(self, limit: int = 50, max_passes: int = 20) -> int:
        """Deliver what is due now; returns how many rows were attempted.

        A pass claims at most one row per recipient (order), so the next part of a message
        becomes due only when the previous one went out: passes repeat while rows are claimed.
        """
        now = self.clock.now()
        self._housekeep(now)
        total = 0
        for _ in range(max_passes):
            with Session(self.engine, expire_on_commit=False) as session:
                rows = claim_due(session=session, now=now, limit=limit)
            for row in rows:
                self._deliver(row, now)
            total += len(rows)
            if not rows:
                break
        return total

    def _housekeep(self, now: dt.datetime) -> None:
        # Throttled: sweeping is a few queries, but a worker polls every 2 seconds.
        if self.housekeeping is None:
            return
        if self._housekeeping_next is not None and now < self._housekeeping_next:
            return
        self._housekeeping_next = now + self.housekeeping_every
        try:
            self.housekeeping(self.engine, now)
        except Exception:  # housekeeping must never stop deliveries
            logger.exception("outbox worker housekeeping failed")

    def _deliver(self, row: OutboxMessage, now: dt.datetime) -> None:
        sender = self.senders.get(row.sender)
        with Session(self.engine, expire_on_commit=False) as session:
            row = session.merge(row)
            try:
                if sender is None:
                    raise TemporaryFailure(f"sender {row.sender!r} is not configured")
                via = sender.send(row.recipient, row.payload)
            except WaitForUser as exc:
                logger.info("outbox %s: waiting for the user: %s", row.id, exc)
                mark_waiting(session=session, row=row, reason=str(exc))
            except PermanentFailure as exc:
                logger.warning("outbox %s: permanent failure: %s", row.id, exc)
                mark_failed(session=session, row=row, error=str(exc))
            except Exception as exc:  # any other error is worth another try
                retry_after = getattr(exc, "retry_after", None)
                delay = dt.timedelta(seconds=retry_after) if retry_after else backoff(row.attempts)
                logger.warning("outbox %s: retry in %s: %s", row.id, delay, exc)
                mark_retry(session=session, row=row, now=now, error=str(exc), delay=delay)
            else:
                mark_sent(
                    session=session, row=row, now=now, via=via if isinstance(via, str) else None
                )
            if self.observer is not None:
                try:
                    with session.begin_nested():
                        self.observer(session, row, now)
                except Exception:  # a failed confirmation must not undo the delivery record
                    logger.exception("outbox %s: delivery observer failed", row.id)
            session.commit()

    def start(self, interval: float = 2.0) -> None:
        """Poll in a background thread until `stop`."""

        def loop() -> None:
            while not self._stop.is_set():
                try:
                    self.run_once()
                except Exception:
                    logger.exception("outbox worker pass failed")
                self._stop.wait(interval)

        self._thread = threading.Thread(target=loop, name="tmbot-outbox", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the background thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
